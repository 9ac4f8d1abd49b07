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
