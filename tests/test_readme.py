"""The README is the user's guide: its action reference, its least-privilege policy and its
setup commands must say what the code does."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

import ConnectionSettings as reach
import ContainmentParser as disable
import ContainmentParser as enable
import EnrichmentParser as enrich
import IdentityParser as identity
import PolicyParser as policy
import RoleSessionsParser as revoke
from AWSIAMConstants import DISABLE_USER_ACCESS, ENABLE_USER_ACCESS, ENRICH_USER, REVOKE_ROLE_SESSIONS
from AWSIAMExceptions import AWSIAMError, RoleNotAssumed
from IdentityModels import ItemStatus
from demo_permissions import (
    ASSUME_ROLE_SID,
    KEYS_ONLY,
    TRUST_SID,
    allowed_actions,
    permissions_called,
    permissions_declared,
    readme_policy,
)

ROOT = Path(__file__).resolve().parents[1]


def script_module(stem: str):
    """An action script imported as a module (its main() does not run), for the wording it holds."""
    spec = importlib.util.spec_from_file_location(f"script_{stem}", ROOT / "ActionsScripts" / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ping = script_module("Ping")
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEFINITIONS = {
    path.stem: json.loads(path.read_text(encoding="utf-8-sig"))
    for path in sorted((ROOT / "ActionsDefinitions").glob("*.actiondef"))
}


def section(text: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^#{{1,{level}}} |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README has no heading {heading!r}"
    return match.group(1)


REFERENCE = section(README, "## Action reference")


# --- The action reference -------------------------------------------------------------------------

def test_the_reference_documents_every_action_and_nothing_else():
    assert len(DEFINITIONS) >= 12
    assert len(re.findall(r"^### ", REFERENCE, re.MULTILINE)) == len(DEFINITIONS) + 1  # + "Rules every action follows"


@pytest.mark.parametrize("stem", DEFINITIONS)
def test_every_action_has_its_section(stem):
    assert f"\n### {DEFINITIONS[stem]['Name']}\n" in REFERENCE


def parameter_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and cells[0] not in ("Parameter", "---"):
            rows[cells[0]] = cells
    return rows


@pytest.mark.parametrize("stem", DEFINITIONS)
def test_each_section_lists_exactly_the_actions_parameters(stem):
    definition = DEFINITIONS[stem]
    text = section(REFERENCE, f"### {definition['Name']}")
    rows = parameter_rows(text)
    assert set(rows) == {parameter["Name"] for parameter in definition["Parameters"]}
    for parameter in definition["Parameters"]:
        _, _, mandatory, default, _ = rows[parameter["Name"]]
        assert mandatory == ("yes" if parameter["IsMandatory"] else "no"), parameter["Name"]
        assert default == (parameter["DefaultValue"] or ""), parameter["Name"]
        for option in parameter.get("OptionalValues") or []:
            assert option in rows[parameter["Name"]][1], (parameter["Name"], option)
    if not definition["Parameters"]:
        assert "No parameters." in text


def rendered(template: str, **placeholders) -> str:
    return template.format(**placeholders)


NAMES = {"names": "<names>", "error": "<error>"}
MEMBERSHIP = {"names": "<names>", "group": "<group>", "user": "<user>", "error": "<error>"}
ATTACH = {"policy": "<policy>", "identity_type": "<Identity Type>", "identity": "<Identity Name>"}

MESSAGES = [
    ping.SUCCESS,
    ping.PING.failure("<error>"),
    *(rendered(template, **NAMES) for kind in identity.CREATE_LINES.values()
      for status, template in kind.items() if status is not ItemStatus.NOT_PROCESSED),
    *(rendered(template, **MEMBERSHIP) for change in identity.MEMBERSHIP_LINES.values()
      for status, template in change.items() if status is not ItemStatus.NOT_PROCESSED),
    *(message for wording in identity.LISTING.values() for message in (wording["found"], wording["empty"])),
    rendered(policy.CREATED, name="<name>"),
    rendered(policy.NOT_CREATED, name="<name>") + policy.NAME_NOT_UNIQUE,
    rendered(policy.NOT_CREATED, name="<name>") + policy.INVALID_POLICY_NAME,
    rendered(policy.NOT_CREATED, name="<name>") + policy.POLICY_NAME_TOO_LONG,
    rendered(policy.NOT_CREATED, name="<name>") + rendered(policy.MALFORMED, reason="<detail>"),
    policy.LISTED, policy.MORE_MATCH, policy.NONE_LISTED,
    rendered(policy.ATTACHED, **ATTACH),
    rendered(policy.SHADOWED, name="<name>", arn="<arn>", shadowed_arn="<aws arn>"),
    rendered(policy.NOT_ATTACHED, **ATTACH) + policy.INVALID_NAME,
    rendered(policy.NOT_ATTACHED, **ATTACH) + rendered(policy.NAME_TOO_LONG, Kind="<Kind>", limit="<limit>"),
    rendered(policy.NOT_ATTACHED, **ATTACH) + policy.INVALID_POLICY_ARN,
    *(rendered(policy.NOT_ATTACHED, **ATTACH) + rendered(tail, kind="<user|group|role>", **ATTACH)
      for tail in policy.ATTACH_REFUSALS.values()),
    rendered(policy.DETACHED, **ATTACH),
    rendered(policy.DETACH_SHADOWED, name="<name>", arn="<arn>", shadowed_arn="<aws arn>"),
    rendered(policy.IS_NOT_ATTACHED, **ATTACH),
    rendered(policy.NOT_ATTACHED_SHADOWED, name="<name>", arn="<arn>", shadowed_arn="<aws arn>"),
    rendered(policy.NOT_DETACHED, **ATTACH) + policy.INVALID_NAME,
    rendered(policy.NOT_DETACHED, **ATTACH) + rendered(policy.NAME_TOO_LONG, Kind="<Kind>", limit="<limit>"),
    rendered(policy.NOT_DETACHED, **ATTACH) + policy.INVALID_POLICY_ARN,
    *(rendered(policy.NOT_DETACHED, **ATTACH) + rendered(tail, kind="<user|group|role>", **ATTACH)
      for tail in policy.DETACH_REFUSALS.values()),
    rendered(disable.DISABLED, names="<user names>"),
    rendered(disable.NOT_FOUND, names="<entity identifiers>"),
    rendered(disable.FAILED, names="<user names>"),
    disable.NO_USER_ENTITIES,
    *disable.REASONS.values(),
    DISABLE_USER_ACCESS.failure("..."),
    rendered(enrich.ENRICHED, names="<user names>"),
    rendered(enrich.WITH_INSIGHTS, names="<user names>"),
    rendered(enrich.FAILED, names="<user names>"),
    *enrich.REASONS.values(),
    ENRICH_USER.failure("..."),
    ENRICH_USER.failure("The platform did not accept the entity enrichment: <error>"),
    enrich.CONSOLE_WITHOUT_MFA,
    rendered(enrich.KEY_NEVER_USED, key="<id>"),
    rendered(enrich.KEY_UNUSED, key="<id>", days="<days>", date="<date>"),
    rendered(enrich.KEY_OLD, key="<id>", days="<days>", date="<date>"),
    enrich.DISABLED_FINDING,
    rendered(enrich.QUARANTINED_FINDING, policy="<policy>"),
    rendered(disable.KEYS_DEACTIVATED, names="<user> (<key IDs>), ..."),
    rendered(disable.NO_ACTIVE_KEYS, names="<user names>"),
    rendered(disable.KEYS_FAILED, names="<user names>"),
    rendered(disable.KEYS_REASON, detail="<detail>"),
    *disable.KEYS_STOPPED.values(),
    rendered(disable.KEYS_UNCONFIRMED, keys="<key IDs>"),
    rendered(enable.ENABLED, names="<user names>"),
    rendered(enable.KEYS_REACTIVATED, names="<user> (<key IDs>), ..."),
    rendered(enable.KEYS_NOT_BACK, names="<user> (<key IDs>), ..."),
    rendered(enable.KEYS_LEFT_OFF, names="<user> (<key IDs>), ..."),
    rendered(enable.NOT_DISABLED, names="<user names>"),
    rendered(enable.NOT_RESTORED, names="<user names>"),
    enable.NOTHING_TO_RESTORE,
    rendered(enable.KEYS_NOT_ALL_BACK, deny="<The deny policy was removed|The deny policy was not there>",
             error="<AWS error>", tag="AWSIAM-Containment"),
    rendered(enable.TAG_NOT_REMOVED, tag="AWSIAM-Containment", error="<AWS error>"),
    rendered(enable.TAG_UNREADABLE, tag="AWSIAM-Containment", value="<tag value>",
             deny="<The deny policy was removed|The deny policy was not there>"),
    *enable.INTERRUPTIONS.values(), enable.STOPPED_AFTER_DENY, enable.STOPPED,
    ENABLE_USER_ACCESS.failure("..."),
    rendered(revoke.REVOKED, time="<time>", names="<role names>"),
    rendered(revoke.NOT_FOUND, names="<names as given>"),
    rendered(revoke.FAILED, names="<role names>"),
    *revoke.REASONS.values(),
    REVOKE_ROLE_SESSIONS.failure("..."),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda message: message[:60])
def test_the_reference_quotes_each_message_as_the_code_writes_it(message):
    assert message in REFERENCE


def test_the_reference_quotes_what_names_were_not_reached():
    for kind in (*identity.CREATE_LINES.values(), *identity.MEMBERSHIP_LINES.values()):
        assert kind[ItemStatus.NOT_PROCESSED].endswith("The error stopped the action before them.")
    assert "`... The error stopped the action before them.`" in REFERENCE


def test_the_reference_quotes_why_nothing_was_created():
    parts = {ItemStatus.INVALID: "<invalid names>", ItemStatus.EXISTS: "<existing names>"}
    for kind, spec in (("user", "Create a User"), ("group", "Create a Group")):
        templates = identity.NOTHING_CREATED_PARTS[kind]
        reason = " ".join(templates[status].format(names=names) for status, names in parts.items())
        assert f"Error executing action '{spec}'. Reason: {reason}" in REFERENCE
        assert templates[ItemStatus.LIMIT].format(names="<names>") in REFERENCE


TABLES = {
    **{wording["table"]: wording["columns"] for wording in identity.LISTING.values()},
    policy.POLICIES_TABLE: policy.POLICY_COLUMNS,
}


@pytest.mark.parametrize("title", TABLES)
def test_each_table_is_shown_with_its_columns_in_order(title):
    header = "| " + " | ".join(TABLES[title]) + " |"
    assert re.search(rf"\*\*Table `{re.escape(title)}`:\*\*\n\n{re.escape(header)}\n", REFERENCE)


USER_TABLES = {
    enrich.USER_TABLE.format(name="<user name>"): enrich.USER_COLUMNS,
    enrich.KEYS_TABLE.format(name="<user name>"): enrich.KEY_COLUMNS,
}


@pytest.mark.parametrize("title", USER_TABLES)
def test_each_per_user_table_is_shown_with_its_columns_in_order(title):
    header = "| " + " | ".join(USER_TABLES[title]) + " |"
    assert re.search(rf"\*\*Table `{re.escape(title)}`:\*\*[^\n]*\n\n{re.escape(header)}\n", REFERENCE)


def a_profile():
    from datetime import datetime, timezone

    from AWSIAMDatamodels import User
    from EnrichmentModels import UserProfile

    return UserProfile(User({"UserName": "u", "CreateDate": datetime.now(timezone.utc)}))


def test_the_user_table_is_shown_with_its_rows_in_order():
    text = section(REFERENCE, "### Enrich User")
    table = text.split(f"**Table `{enrich.USER_TABLE.format(name='<user name>')}`:**")[1].split("\n\n")[1]
    shown = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert shown == [field for field, _ in enrich.user_table(a_profile(), []).rows]


def test_the_reference_names_every_entity_property():
    text = section(REFERENCE, "### Enrich User")
    for name in enrich.entity_properties(a_profile(), []):
        # The key slots are listed once, for AccessKey1.
        slot = re.fullmatch(r"AWSIAM_AccessKey\d_(\w+)", name)
        if slot:
            assert f"`AWSIAM_AccessKey1_{slot[1]}`" in text or f"`_{slot[1]}`" in text, name
        else:
            assert f"`{name}`" in text, name


def test_every_json_example_is_valid_json():
    blocks = re.findall(r"```json\n(.*?)\n```", README, re.DOTALL)
    assert len(blocks) == 11  # the policy, eight JSON results, a role's trust policy and the key's AssumeRole policy
    for block in blocks:
        json.loads(block)


# --- The least-privilege policy ---------------------------------------------------------------------

def test_the_policy_allows_exactly_what_the_actions_call():
    """AssumeRole is made with the keys, before the actions' work: the role never needs it."""
    assert allowed_actions(readme_policy()) == permissions_called() - KEYS_ONLY


def test_the_keys_policy_for_a_role_allows_exactly_assume_role():
    assert KEYS_ONLY <= permissions_called()
    statement, = readme_policy(sid=ASSUME_ROLE_SID)["Statement"]
    assert allowed_actions(readme_policy(sid=ASSUME_ROLE_SID)) == KEYS_ONLY
    assert re.fullmatch(r"arn:aws:iam::[*\d]+:role/[\w+=,.@-]+", statement["Resource"])


REACH = section(README, "## Reach other accounts: Role ARN, External ID and Region")


def test_the_trust_policy_asks_for_the_external_id():
    statement, = readme_policy(sid=TRUST_SID)["Statement"]
    assert (statement["Effect"], statement["Action"]) == ("Allow", "sts:AssumeRole")
    assert re.fullmatch(r"arn:aws:iam::\d{12}:user/[\w+=,.@-]+", statement["Principal"]["AWS"])
    assert set(statement["Condition"]["StringEquals"]) == {"sts:ExternalId"}


CONFIGURATION_ERRORS = [
    reach.EXTERNAL_ID_WITHOUT_ROLE,
    reach.MALFORMED_ROLE_ARN.format(shown=": '<value>'"),
    reach.MALFORMED_EXTERNAL_ID,
    reach.UNKNOWN_REGION.format(shown=": '<value>'"),
    reach.ROLE_IN_OTHER_PARTITION.format(role_partition="<role partition>", region="<region>", partition="<partition>"),
    str(RoleNotAssumed("<Role ARN>", AWSIAMError("AssumeRole", "AccessDenied", "<AWS message>"))),
]


@pytest.mark.parametrize("message", CONFIGURATION_ERRORS, ids=lambda message: message[:60])
def test_the_reach_section_quotes_each_configuration_error_as_the_code_writes_it(message):
    assert f"`{message}`" in REACH


def test_the_reach_section_names_the_session_name_and_the_partition_rule():
    assert f"`{reach.ROLE_SESSION_NAME}`" in REACH
    for prefix, partition in (("us-gov-*", "aws-us-gov"), ("cn-*", "aws-cn")):
        assert f"`{prefix}` " in REACH and f"`{partition}`" in REACH


def test_the_manager_declares_every_permission_its_reachable_code_uses():
    """Each "Needs iam:X" docstring matches the calls; a new call without one fails here first."""
    assert permissions_declared() == permissions_called()


def test_the_policy_is_one_allow_statement_on_every_resource():
    statement, = readme_policy()["Statement"]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "*")
    assert statement["Action"] == sorted(statement["Action"])


def test_the_per_action_permission_table_matches_the_policy():
    table = section(README, "## Least-privilege IAM policy for the integration's key")
    listed = set(re.findall(r"`((?:iam|sts):\w+)`", table))
    assert listed == allowed_actions(readme_policy())


FAKE_MANAGER = '''
class AWSIAMManager:
    def __init__(self):
        self.iam = _new_client("iam")

    def used(self):
        """Needs iam:ListUsers and iam:Attach{User,Group}Policy."""
        with translated("ListUsers"):
            self.iam.list_users()
        self._helper("Group")

    def _helper(self, kind):
        operation = _BY_KIND[kind]
        with translated(operation):
            getattr(self.iam, "x")()
        return self.sts.get_caller_identity()

    def unused(self):
        """Needs iam:DeleteUser."""
        self.iam.delete_user(UserName="x")


_BY_KIND = {"User": "AttachUserPolicy", "Group": "AttachGroupPolicy"}
'''


def test_the_derivation_follows_calls_from_the_scripts_and_skips_unused_methods(tmp_path):
    (tmp_path / "AWSIAMManager.py").write_text(FAKE_MANAGER)
    (tmp_path / "Script.py").write_text("def perform(ctx):\n    ctx.manager.used()\n")
    found = permissions_called(tmp_path / "AWSIAMManager.py", callers=[tmp_path])
    assert found == {"iam:ListUsers", "iam:AttachUserPolicy", "iam:AttachGroupPolicy", "sts:GetCallerIdentity"}
    declared = permissions_declared(tmp_path / "AWSIAMManager.py", callers=[tmp_path])
    assert declared == {"iam:ListUsers", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"}


# --- Setup, configuration, package ------------------------------------------------------------------

def test_every_make_command_the_readme_gives_exists():
    commands = set(re.findall(r"^make (\w+)", README, re.MULTILINE))
    assert {"demo", "test", "package"} <= commands
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in commands:
        assert re.search(rf"^{command}:", makefile, re.MULTILINE), command
    assert re.search(r"^demo:.*\n\t\$\(VENV_PYTHON\) devtools/demo\.py$", makefile, re.MULTILINE)


def test_the_configuration_table_matches_the_integration_definition():
    definition = json.loads((ROOT / "Integration-AWSIAM.def").read_text(encoding="utf-8-sig"))
    rows = parameter_rows(section(README, "## Configure it"))
    assert set(rows) == {f"`{item['PropertyName']}`" for item in definition["IntegrationProperties"]}
    type_names = {0: "Boolean", 2: "String", 3: "Password"}
    for item in definition["IntegrationProperties"]:
        _, type_name, mandatory, default, _ = rows[f"`{item['PropertyName']}`"]
        assert (type_name, mandatory, default) == (
            type_names[item["PropertyType"]], "yes" if item["IsMandatory"] else "no", item["Value"] or ""
        ), item["PropertyName"]
    assert definition["Identifier"] == "AWSIAM"
    assert "**The Identifier is `AWSIAM`, the same as Google's marketplace AWS IAM integration.**" in README
