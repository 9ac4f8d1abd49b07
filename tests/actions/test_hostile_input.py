"""No input, however odd, makes an action crash: every run ends with the platform's output, a
COMPLETED or FAILED state, and a sentence rather than an "Unexpected error"."""

import json

import pytest
from conftest import COMPLETED, CONFIG, FAILED, ROLE_ARN

HOSTILE = {
    "empty": "",
    "whitespace": " \t ",
    "commas": ",,, ,",
    "unicode": "ålice,Ωmega,名前",
    "control": "bob\x00,\x1b[31mred",
    "quotes": "'\"; DROP TABLE users; --",
    "very-long": "a" * 5000,
    "many-names": ",".join(f"user{i}" for i in range(60)),
    "json-array": "[1, 2, 3]",
    "json-null": "null",
    "number": "-1e309",
    "arn-like": "arn:aws:iam::123456789012:policy/../../x",
}

# Every parameter of every action gets each hostile value in turn; the others get sane values.
SANE = {
    "User Name": "alice", "Group Name": "Developers", "Policy Name": "ReadBucket",
    "Policy Document": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
    "Description": "", "Identity Type": "Group", "Identity Name": "Developers", "Only Attached": "false",
    "Scope": "All", "Max Users to Return": "", "Max Groups to Return": "", "Max Policies to Return": "",
    "Role Name": "ci-deploy", "Deactivate Access Keys": "true", "Reactivate Access Keys": "true",
    "Block New Sessions": "true", "Session Name": "", "Restore Mode": "Recover",
    "Max Key Age Days": "", "Max Unused Days": "", "Minimum Severity": "low", "Max Findings To Return": "",
}
# Where one action's sane value for a shared parameter name differs.
SANE_FOR = {"Revoke Role Sessions": {"Scope": "Named session only"}}
ACTIONS = {
    "Create a User": ["User Name"],
    "Create a Group": ["Group Name"],
    "Add a User to a Group": ["Group Name", "User Name"],
    "Remove a User from a Group": ["Group Name", "User Name"],
    "List Users": ["Max Users to Return"],
    "List Groups": ["Max Groups to Return"],
    "List Policies": ["Only Attached", "Scope", "Max Policies to Return"],
    "Create a Policy": ["Policy Name", "Policy Document", "Description"],
    "Attach a Policy": ["Identity Type", "Identity Name", "Policy Name"],
    "Detach a Policy": ["Identity Type", "Identity Name", "Policy Name"],
    "Revoke Role Sessions": ["Role Name", "Scope", "Block New Sessions"],
    "Restore Role Access": ["Role Name", "Session Name"],
    "Disable User Access": ["Deactivate Access Keys"],
    "Enable User Access": ["Reactivate Access Keys", "Restore Mode"],
    "List Identity Risks": ["Max Key Age Days", "Max Unused Days", "Minimum Severity", "Max Findings To Return"],
}
CASES = [
    pytest.param(action, param, value, id=f"{action}|{param}|{label}")
    for action, params in ACTIONS.items()
    for param in params
    for label, value in HOSTILE.items()
]


@pytest.mark.parametrize("action, param, value", CASES)
def test_hostile_parameter_never_crashes(run_action, action, param, value):
    params = {name: SANE_FOR.get(action, {}).get(name, SANE[name]) for name in ACTIONS[action]} | {param: value}
    out = run_action(action, params)
    assert out.state in (COMPLETED, FAILED)
    assert out.message.strip()
    assert "Unexpected error" not in out.message and "Traceback" not in out.message


@pytest.mark.parametrize("action, params", [("Disable User Access", {}), ("Disable User Access", {"Deactivate Access Keys": "true"}),
                                            ("Enable User Access", {}), ("Enrich User", {}),
                                            ("Revoke Role Sessions", {"Scope": "Named session only", "Block New Sessions": "true"}),
                                            ("Restore Role Access", {"Session Name": "i-0abc"})],
                         ids=["disable", "disable-with-keys", "enable", "enrich", "revoke", "restore"])
@pytest.mark.parametrize("label, value", HOSTILE.items(), ids=HOSTILE.keys())
def test_hostile_entity_never_crashes(run_action, action, params, label, value):
    out = run_action(action, params, entities=[(value or "x", "USERUNIQNAME"), ("10.0.0.1", "ADDRESS")])
    assert out.state in (COMPLETED, FAILED)
    assert "Unexpected error" not in out.message and "Traceback" not in out.message


@pytest.mark.parametrize("setting", ["Role ARN", "External ID", "Region"])
@pytest.mark.parametrize("label, value", HOSTILE.items(), ids=HOSTILE.keys())
def test_hostile_configuration_never_crashes(run_action, setting, label, value):
    # An External ID is only looked at beside a Role ARN.
    config = {**CONFIG, **({"Role ARN": ROLE_ARN} if setting == "External ID" else {}), setting: value}
    out = run_action("Ping", config=config)
    assert out.state in (COMPLETED, FAILED)
    assert out.message.strip()
    assert "Unexpected error" not in out.message and "Traceback" not in out.message


# Values that no parameter of any action accepts: each is refused locally, with the action's own
# sentence and no AWS call at all. Several crashed once: Python's 4,300-digit limit, a
# RecursionError, a UnicodeEncodeError in botocore.
DOCUMENT_WITH = '{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", {}}}]}}'
REFUSED = {
    "digits-4301": "9" * 4301,
    "arrays-nested-1500": "[" * 1500 + "]" * 1500,
    "objects-nested-1500": '{"a":' * 1500 + "1" + "}" * 1500,
    "document-with-a-4301-digit-number": DOCUMENT_WITH.format('"Condition": {"NumericLessThan": {"s3:max-keys": ' + "9" * 4301 + "}}"),
    "document-with-a-lone-surrogate": DOCUMENT_WITH.format('"Sid": "Read\ud800"'),
    "document-with-an-invalid-utf8-byte": DOCUMENT_WITH.format('"Sid": "Read\udcff"'),
    "control-characters": "bob\x00\x1b[31m\u202eevil",
    "lone-surrogate": "Read\ud800Bucket",
    "invalid-utf8-byte": "Read\udcffBucket",
    "5000-characters": "a" * 5000,
}
REFUSED_CASES = [
    pytest.param(action, param, value, id=f"{action}|{param}|{label}")
    for action, params in ACTIONS.items()
    for param in params
    for label, value in REFUSED.items()
]


def hidden_characters(text: str) -> list[str]:
    return [char for char in text.replace("\n", "") if not char.isprintable()]


@pytest.mark.parametrize("action, param, value", REFUSED_CASES)
def test_a_value_no_parameter_accepts_is_refused_before_any_call(run_action, action, param, value):
    params = {name: SANE[name] for name in ACTIONS[action]} | {param: value}
    out = run_action(action, params)
    assert out.calls == []
    assert out.state in (COMPLETED, FAILED) and out.result_value is False
    assert out.message.strip()
    assert "Unexpected error" not in out.message and "Traceback" not in out.message
    # Echoed values are escaped and cut, in the message and in the log alike.
    assert hidden_characters(out.message) == []
    assert hidden_characters(out.debug_output) == []
    assert len(out.debug_output) < 4000


POLICY = {"Policy Name": "ReadBucket", "Description": ""}


@pytest.mark.parametrize("params, reason", [
    ({"Max Users to Return": "9" * 4301}, "'Max Users to Return' must be a whole number between 1 and 1000."),
    ({"Max Users to Return": "0" * 4301 + "5"}, None),
], ids=["4301-digits", "leading-zeros"])
def test_a_max_value_of_4301_digits_is_told_the_range(run_action, params, reason):
    out = run_action("List Users", params)
    if reason is None:
        assert out.state == COMPLETED  # 000...0005 is 5
    else:
        assert out.message == f"Error executing action 'List Users'. Reason: {reason}"
        assert out.state == FAILED


@pytest.mark.parametrize("document, reason", [
    ("[" * 1500 + "]" * 1500, "The policy document nests its arrays or objects too deeply to be a policy."),
    (REFUSED["document-with-a-4301-digit-number"],
     "The policy document holds a number of 4,301 digits, longer than any policy value (at most 4,300)."),
    (REFUSED["document-with-a-lone-surrogate"],
     "The policy document is not valid text: character 116 (U+D800) is an invalid UTF-8 byte or half of a surrogate pair."),
    (REFUSED["document-with-an-invalid-utf8-byte"],
     "The policy document is not valid text: character 116 (U+DCFF) is an invalid UTF-8 byte or half of a surrogate pair."),
], ids=["nested-1500", "number-4301-digits", "lone-surrogate", "invalid-utf8-byte"])
def test_a_hostile_policy_document_gets_create_a_policys_own_sentence(run_action, document, reason):
    out = run_action("Create a Policy", POLICY | {"Policy Document": document})
    assert out.message == f"Could not create ReadBucket policy. The policy document was malformed. Reason: {reason}"
    assert (out.state, out.calls) == (FAILED, [])


@pytest.mark.parametrize("description, reason", [
    ("a" * 1001, "The description is 1,001 characters long; IAM allows at most 1,000."),
    ("Read\udcffBucket", "The description is not valid text: character 5 (U+DCFF) is an invalid UTF-8 byte or half "
                         "of a surrogate pair."),
    ("Read\u202eBucket", "The description holds a control or formatting character (U+202E, character 5), which IAM "
                         "does not accept."),
    ("Read\x00Bucket", "The description holds a control or formatting character (U+0000, character 5), which IAM "
                       "does not accept."),
], ids=["1001-characters", "invalid-utf8-byte", "right-to-left-override", "nul"])
def test_a_hostile_description_gets_create_a_policys_own_sentence(run_action, description, reason):
    out = run_action("Create a Policy", POLICY | {"Policy Document": SANE["Policy Document"], "Description": description})
    assert out.message == f"Could not create ReadBucket policy. {reason}"
    assert (out.state, out.calls) == (FAILED, [])


def test_control_characters_in_an_echoed_name_are_escaped(run_action):
    out = run_action("Create a User", {"User Name": "bob\x00,\x1b[31mred,\u202eevil"})
    assert out.message == ("Error executing action 'Create a User'. Reason: bob\\x00, \\x1b[31mred, \\u202eevil: Usernames "
                           "must contain only alphanumeric characters and/or the following: +=,.@_-.")
    assert out.calls == []


def test_a_5000_character_value_is_cut_in_the_log_as_in_the_message(run_action):
    out = run_action("Create a Group", {"Group Name": "g" * 5000})
    assert f"{'g' * 64}... (5000 characters)" in out.message
    assert "g" * 65 not in out.message
    assert "g" * 65 not in out.debug_output
    assert f"Group Name: {'g' * 64}... (5000 characters)" in out.debug_output


def test_a_5000_character_entity_is_cut_in_the_progress_log(run_action):
    out = run_action("Enrich User", entities=["u" * 5000])
    assert "u" * 65 not in out.message
    assert "u" * 65 not in out.debug_output


@pytest.mark.parametrize("action", ["Disable User Access", "Enable User Access", "Enrich User"])
@pytest.mark.parametrize("label, value", REFUSED.items(), ids=REFUSED.keys())
def test_a_refused_value_as_an_entity_costs_no_call(run_action, action, label, value):
    out = run_action(action, entities=[value])
    assert out.calls == []
    assert out.state in (COMPLETED, FAILED)
    assert "Unexpected error" not in out.message
    assert hidden_characters(out.message) == [] and hidden_characters(out.debug_output) == []
    assert len(out.message) < 4000 and len(out.debug_output) < 4000


@pytest.mark.parametrize("setting", ["Role ARN", "External ID", "Region", "Cross-Account Role Name"])
@pytest.mark.parametrize("label, value", REFUSED.items(), ids=REFUSED.keys())
def test_a_refused_value_in_the_configuration_costs_no_call(run_action, setting, label, value):
    config = {**CONFIG, **({"Role ARN": ROLE_ARN} if setting in ("External ID", "Cross-Account Role Name") else {}),
              setting: value}
    out = run_action("Ping", config=config)
    assert out.calls == []
    assert out.state == FAILED
    assert "Unexpected error" not in out.message
    assert hidden_characters(out.message) == [] and hidden_characters(out.debug_output) == []
