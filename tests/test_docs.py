"""The README and docs/ are the user's guide: the action reference (docs/actions/), the
least-privilege policy (docs/permissions.md), the cross-account set-up (docs/reach.md) and the
setup commands (README.md) must say what the code does, and every link between them must resolve."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

import ConnectionSettings as reach
import ContainmentParser as disable
import ContainmentParser as enable
import EnrichmentParser as enrich
import IdentityCenterParser as ic
import IdentityParser as identity
import IdentityRisksParser as risks
import PolicyParser as policy
import RoleSessionsParser as revoke
from AWSIAMParser import UNCONFIRMED
from AWSIAMConstants import DISABLE_USER_ACCESS, ENABLE_USER_ACCESS, ENRICH_USER, RESTORE_ROLE_ACCESS, REVOKE_ROLE_SESSIONS
from AWSIAMExceptions import AccountNotReached, AWSIAMError, RoleNotAssumed
from IdentityModels import ItemStatus
from demo_permissions import (
    ASSUME_ROLE_SID,
    KEYS_ONLY,
    TRUST_SID,
    allowed_actions,
    permissions_called,
    permissions_declared,
    permissions_needed,
    published_policy,
)

ROOT = Path(__file__).resolve().parents[1]


def script_module(stem: str):
    """An action script imported as a module (its main() does not run), for the wording it holds."""
    spec = importlib.util.spec_from_file_location(f"script_{stem}", ROOT / "ActionsScripts" / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ping = script_module("Ping")


def read(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


README = read("README.md")
CONNECTION = read("docs/actions/connection.md")
IDENTITY = read("docs/actions/identity.md")
POLICY = read("docs/actions/policy.md")
CONTAINMENT = read("docs/actions/containment.md")
ENRICHMENT = read("docs/actions/enrichment.md")
ROLE_SESSIONS = read("docs/actions/role-sessions.md")
PERMISSIONS_PATH = ROOT / "docs" / "permissions.md"
REACH_PATH = ROOT / "docs" / "reach.md"
PERMISSIONS = PERMISSIONS_PATH.read_text(encoding="utf-8")
REACH = REACH_PATH.read_text(encoding="utf-8")
ACTION_DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs" / "actions").glob("*.md"))}
# Every Markdown file of the guide, by its path in the repository.
GUIDE = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
         for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]}
DEFINITIONS = {
    path.stem: json.loads(path.read_text(encoding="utf-8-sig"))
    for path in sorted((ROOT / "ActionsDefinitions").glob("*.actiondef"))
}


def section(text: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^#{{1,{level}}} |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no heading {heading!r}"
    return match.group(1)


def outside_code(text: str) -> str:
    """The text with its fenced code blocks blanked out, so a shell comment is not a heading."""
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def headings(text: str, level: int) -> list[str]:
    return re.findall(rf"^{'#' * level} (.+)$", outside_code(text), re.MULTILINE)


# The sections of the action reference that are not an action, and the file each lives in.
NOT_ACTIONS = {"Rules every action follows": "connection.md", "Containment and undo": "containment.md",
               "The rules, and what each means for an analyst": "identity-risks.md",
               "The AWS IAM Identity Risks Connector": "identity-risks.md",
               "Which roles an action works on": "role-sessions.md",
               "Identity Center users: what they need, how they are found, what the deny covers": "identity-center.md"}
# Each action of today in the file of its capability.
ACTION_FILES = {
    "Ping": "connection.md",
    **dict.fromkeys(["Create a User", "Create a Group", "Add a User to a Group", "Remove a User from a Group",
                     "List Users", "List Groups"], "identity.md"),
    **dict.fromkeys(["Create a Policy", "List Policies", "Attach a Policy", "Detach a Policy"], "policy.md"),
    **dict.fromkeys(["Disable User Access", "Enable User Access"], "containment.md"),
    "Enrich User": "enrichment.md",
    **dict.fromkeys(["Revoke Role Sessions", "Restore Role Access"], "role-sessions.md"),
    "List Identity Risks": "identity-risks.md",
    **dict.fromkeys(["Enrich Identity Center User", "Disable Identity Center User Access",
                     "Enable Identity Center User Access"], "identity-center.md"),
}


def reference_of(name: str) -> str:
    """The section of the action reference headed `name`, from the one docs/actions file holding it."""
    holders = [text for text in ACTION_DOCS.values() if name in headings(text, 2)]
    assert len(holders) == 1, f"{name!r} is headed in {len(holders)} files of docs/actions/"
    return section(holders[0], f"## {name}")


# --- The action reference -------------------------------------------------------------------------

def test_the_reference_documents_every_action_and_nothing_else():
    assert len(DEFINITIONS) >= 12
    documented = sorted(heading for text in ACTION_DOCS.values() for heading in headings(text, 2))
    assert documented == sorted([definition["Name"] for definition in DEFINITIONS.values()] + list(NOT_ACTIONS))
    for heading, name in NOT_ACTIONS.items():
        assert heading in headings(ACTION_DOCS[name], 2)


@pytest.mark.parametrize("stem", DEFINITIONS)
def test_every_action_has_its_section(stem):
    name = DEFINITIONS[stem]["Name"]
    assert reference_of(name).strip()
    if name in ACTION_FILES:
        assert f"\n## {name}\n" in ACTION_DOCS[ACTION_FILES[name]]


def test_each_action_of_today_is_known_to_the_layout():
    assert set(ACTION_FILES) <= {definition["Name"] for definition in DEFINITIONS.values()}
    assert set(ACTION_FILES.values()) | set(NOT_ACTIONS.values()) <= set(ACTION_DOCS)


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
    text = reference_of(definition["Name"])
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

# Each message, in the docs/actions file of the capability whose reference quotes it.
MESSAGES = {"connection.md": [
    ping.SUCCESS,
    ping.PING.failure("<error>"),
], "identity.md": [
    *(rendered(template, **NAMES) for kind in identity.CREATE_LINES.values()
      for status, template in kind.items() if status is not ItemStatus.NOT_PROCESSED),
    *(rendered(template, **MEMBERSHIP) for change in identity.MEMBERSHIP_LINES.values()
      for status, template in change.items() if status is not ItemStatus.NOT_PROCESSED),
    *(message for wording in identity.LISTING.values() for message in (wording["found"], wording["empty"])),
], "policy.md": [
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
    rendered(UNCONFIRMED, names="<name>", attempt=policy.CREATE_ATTEMPTED),
    *(rendered(UNCONFIRMED, names=rendered(policy.UNCONFIRMED_IDENTITY, **ATTACH), attempt=rendered(attempt, **ATTACH))
      for attempt in (policy.ATTACH_ATTEMPTED, policy.DETACH_ATTEMPTED)),
], "containment.md": [
    rendered(disable.DISABLED, names="<user names>"),
    rendered(disable.NOT_FOUND, names="<entity identifiers>"),
    rendered(disable.FAILED, names="<user names>"),
    rendered(disable.TEMPORARY_KEYS, names="<entity identifiers>"),
    rendered(disable.NOT_USERS, names="<entity identifiers>"),
    disable.NO_USER_ENTITIES,
    *disable.REASONS.values(),
    disable.TEMPORARY_KEY_REASON,
    rendered(disable.NOT_A_USER_REASON, role="<role name>"),
    str(AccountNotReached("<member role ARN>", "<account>", AWSIAMError("AssumeRole", "AccessDenied", "<AWS error>"))).replace(
        "An error occurred (AccessDenied) when calling the AssumeRole operation: <AWS error>", "<AWS error>"),
    DISABLE_USER_ACCESS.failure("..."),
    rendered(disable.KEYS_DEACTIVATED, names="<user> (<key IDs>), ..."),
    rendered(disable.NO_ACTIVE_KEYS, names="<user names>"),
    rendered(disable.KEYS_FAILED, names="<user names>"),
    rendered(disable.KEYS_REASON, detail="<detail>"),
    *disable.KEYS_STOPPED.values(),
    rendered(disable.KEYS_UNCONFIRMED, keys="<key IDs>"),
    rendered(enable.ENABLED, names="<user names>"),
    rendered(enable.KEYS_REACTIVATED, names="<user> (<key IDs>), ..."),
    rendered(enable.KEYS_ACTIVE_ALREADY, names="<user> (<key IDs>), ..."),
    rendered(enable.KEYS_NOT_THE_USERS, names="<user> (<key IDs>), ..."),
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
    rendered(enable.RECOVERED, names="<user names>"),
    rendered(enable.SESSIONS_CUT, names=enable.USER_CUTOFF.format(name="<user>", time="<time>") + ", ..."),
    rendered(enable.KEYS_KEPT, names="<user> (<key IDs>), ..."),
    rendered(enable.SESSIONS_NOT_CUT, error="<AWS error>"),
    rendered(enable.DENY_NOT_REMOVED, time="<time>", error="<AWS error>"),
    ENABLE_USER_ACCESS.failure("..."),
    rendered(UNCONFIRMED, names="<user names>", attempt=disable.DENY_ADD_ATTEMPTED),
    disable.DENY_ADD_UNCONFIRMED,
    rendered(UNCONFIRMED, names="<user names>", attempt=enable.DENY_REMOVE_ATTEMPTED),
    rendered(enable.DENY_REMOVE_UNCONFIRMED, tag="AWSIAM-Containment"),
    rendered(UNCONFIRMED, names="<user names>", attempt=enable.CUTOFF_ATTEMPTED),
    rendered(enable.CUTOFF_UNCONFIRMED, tag="AWSIAM-Containment"),
], "enrichment.md": [
    rendered(enrich.ENRICHED, names="<user names>"),
    rendered(enrich.WITH_INSIGHTS, names="<user names>"),
    rendered(enrich.FAILED, names="<user names>"),
    # Enrich User's other reasons are Disable User Access's, which its reference points to.
    *(reason for reason in enrich.REASONS.values() if reason not in disable.REASONS.values()),
    ENRICH_USER.failure("..."),
    ENRICH_USER.failure("The platform did not accept the entity enrichment: <error>"),
    enrich.CONSOLE_WITHOUT_MFA,
    rendered(enrich.KEY_NEVER_USED, key="<id>"),
    rendered(enrich.KEY_UNUSED, key="<id>", days="<days>", date="<date>"),
    rendered(enrich.KEY_OLD, key="<id>", days="<days>", date="<date>"),
    enrich.DISABLED_FINDING,
    rendered(enrich.QUARANTINED_FINDING, policy="<policy>"),
], "identity-center.md": [
    reach.IDENTITY_CENTER_REGION_MISSING,
    reach.UNKNOWN_IDENTITY_CENTER_REGION.format(shown=": '<value>'"),
    reach.IDENTITY_CENTER_REGION_ELSEWHERE.format(ic_region="<region>", partition="<partition>", region="<Region>"),
    rendered(ic.NO_INSTANCE, region="<region>"),
    rendered(ic.IN_PROGRESS, names="<permission set names>"),
    *ic.REASONS.values(),
    *(rendered(ic.SET_FAILURE, name="<name>", reason=reason) for cause, reason in ic.SET_REASONS.items()
      if cause in (ic.Cause.POLICY_NOT_JSON, ic.Cause.STATEMENT_CHANGED)),
    rendered(ic.SET_FAILURE, name="<name>", reason=ic.POLICY_TOO_LARGE),
    rendered(ic.SET_FAILURE, name="<name>", reason=rendered(ic.PROVISIONING_FAILED, reason="<AWS's reason>")),
    rendered(ic.SET_FAILURE, name="<name>", reason=rendered(ic.NOT_PROVISIONED, error="<error>")),
    *(rendered(ic.SET_FAILURE, name="<name>", reason=reason)
      for reason in (*ic.WRITE_UNCONFIRMED.values(), ic.PROVISIONING_UNCONFIRMED)),
    *(rendered(ic.UNCONFIRMED, names="<user names>", attempt=attempt)
      for attempt in (*ic.DENY_ATTEMPTED.values(), *ic.RELEASE_ATTEMPTED.values())),
    rendered(ic.DISABLED, names="<user names>"),
    rendered(ic.NO_ACCESS, names="<user names>"),
    rendered(ic.NOT_FOUND, names="<entity identifiers>"),
    rendered(ic.NOT_DISABLED_LINE, names="<user names>"),
    ic.NO_ACCESS_REASON,
    rendered(ic.ENABLED, names="<user names>"),
    rendered(ic.NOT_DISABLED, names="<user names>"),
    rendered(ic.NOT_RESTORED, names="<user names>"),
    ic.NOTHING_TO_RESTORE,
    rendered(ic.ENRICHED, names="<user names>"),
    rendered(ic.NOT_ENRICHED, names="<user names>"),
    ic.ENRICH_IC_USER.failure("..."), ic.DISABLE_IC_USER_ACCESS.failure("..."), ic.ENABLE_IC_USER_ACCESS.failure("..."),
], "role-sessions.md": [
    rendered(revoke.REVOKED, time="<time>", names="<role names>"),
    rendered(revoke.NAMED_REVOKED, names="<role> (<RoleId>:<session>, ...), ..."),
    rendered(revoke.BLOCKED, names="<role names>"),
    rendered(revoke.NOT_FOUND, names="<names as given>"),
    rendered(revoke.FAILED, names="<role names>"),
    rendered(revoke.SKIPPED, count="<count>", names="<entity identifiers>"),
    revoke.NO_ROLES,
    *revoke.REASONS.values(),
    revoke.DONE_BEFORE.format(done=revoke.DONE_REVOKED.format(time="<time>")),
    REVOKE_ROLE_SESSIONS.failure("..."),
    rendered(UNCONFIRMED, names="<role names>", attempt=revoke.REVOKE_ATTEMPTED),
    *revoke.UNCONFIRMED_REASONS.values(),
    rendered(UNCONFIRMED, names="<role names>", attempt=revoke.RESTORE_ATTEMPTED),
    rendered(revoke.RESTORED, names="<role> (<what was removed>), ..."),
    rendered(revoke.LIFTED, session="<session>", names="<role names>"),
    rendered(revoke.NOT_CONTAINED, names="<role names>"),
    rendered(revoke.NOT_RESTORED, names="<role names>"),
    revoke.BAD_SESSION_PARAMETER,
    RESTORE_ROLE_ACCESS.failure("..."),
], "identity-risks.md": [
    rendered(risks.FOUND, count="<count>", minimum="<minimum>", counts="<count> critical, <count> high, <count> medium, <count> low"),
    rendered(risks.CLEAN, minimum="<minimum>"),
    rendered(risks.MORE, total="<total>", count="<count>"),
    rendered(risks.ON_USERS, names="<entities>"),
    rendered(risks.ABSENT, names="<policies>"),
    risks.PARTIAL,
    risks.DENIED["GenerateCredentialReport"],
    rendered(risks.CYCLE_FAILED, reason="<why>"),
    *(f"`AWS IAM: {words}`" for words in list(risks.RULE_WORDS.values())[:1]),
]}


@pytest.mark.parametrize(("name", "message"), [(name, message) for name, messages in MESSAGES.items()
                                               for message in messages],
                         ids=lambda value: value[:60])
def test_the_reference_quotes_each_message_as_the_code_writes_it(name, message):
    assert message in ACTION_DOCS[name]


def test_the_bulk_runs_page_quotes_the_unconfirmed_line_and_its_rule():
    bulk_runs = read("docs/bulk-runs.md")
    assert f"`{rendered(UNCONFIRMED, names='<names>', attempt='<what was attempted>')}`" in bulk_runs
    assert "value counts only confirmed successes" in bulk_runs
    # Identity Center's line is the same but for the service it names.
    assert ic.UNCONFIRMED == UNCONFIRMED.replace("in AWS IAM", "in IAM Identity Center")
    assert "`in IAM Identity Center` instead of `in AWS IAM`" in bulk_runs


def test_enrich_user_points_to_the_reasons_it_shares_with_disable_user_access():
    shared = [reason for reason in enrich.REASONS.values() if reason in disable.REASONS.values()]
    assert shared
    assert all(reason in reference_of("Disable User Access") for reason in shared)
    assert "with the same\n  reasons as [Disable User Access](containment.md#disable-user-access)" in reference_of("Enrich User")


def test_the_reference_quotes_what_names_were_not_reached():
    for kind in (*identity.CREATE_LINES.values(), *identity.MEMBERSHIP_LINES.values()):
        assert kind[ItemStatus.NOT_PROCESSED].endswith("The error stopped the action before them.")
    assert "`... The error stopped the action before them.`" in section(CONNECTION, "## Rules every action follows")


def test_the_reference_quotes_why_nothing_was_created():
    parts = {ItemStatus.INVALID: "<invalid names>", ItemStatus.EXISTS: "<existing names>"}
    for kind, spec in (("user", "Create a User"), ("group", "Create a Group")):
        templates = identity.NOTHING_CREATED_PARTS[kind]
        reason = " ".join(templates[status].format(names=names) for status, names in parts.items())
        assert f"Error executing action '{spec}'. Reason: {reason}" in reference_of(spec)
        assert templates[ItemStatus.LIMIT].format(names="<names>") in reference_of(spec)


TABLES = {
    **{wording["table"]: (wording["columns"], IDENTITY) for wording in identity.LISTING.values()},
    policy.POLICIES_TABLE: (policy.POLICY_COLUMNS, POLICY),
}


@pytest.mark.parametrize("title", TABLES)
def test_each_table_is_shown_with_its_columns_in_order(title):
    columns, text = TABLES[title]
    header = "| " + " | ".join(columns) + " |"
    assert re.search(rf"\*\*Table `{re.escape(title)}`:\*\*\n\n{re.escape(header)}\n", text)


USER_TABLES = {
    enrich.USER_TABLE.format(name="<user name>"): enrich.USER_COLUMNS,
    enrich.KEYS_TABLE.format(name="<user name>"): enrich.KEY_COLUMNS,
}


@pytest.mark.parametrize("title", USER_TABLES)
def test_each_per_user_table_is_shown_with_its_columns_in_order(title):
    header = "| " + " | ".join(USER_TABLES[title]) + " |"
    assert re.search(rf"\*\*Table `{re.escape(title)}`:\*\*[^\n]*\n\n{re.escape(header)}\n", ENRICHMENT)


def a_profile():
    from datetime import datetime, timezone

    from AWSIAMDatamodels import User
    from EnrichmentModels import UserProfile

    return UserProfile(User({"UserName": "u", "CreateDate": datetime.now(timezone.utc)}))


def test_the_user_table_is_shown_with_its_rows_in_order():
    text = section(ENRICHMENT, "## Enrich User")
    table = text.split(f"**Table `{enrich.USER_TABLE.format(name='<user name>')}`:**")[1].split("\n\n")[1]
    shown = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert shown == [field for field, _ in enrich.user_table(a_profile(), []).rows]


def test_the_reference_names_every_entity_property():
    text = section(ENRICHMENT, "## Enrich User")
    for name in enrich.entity_properties(a_profile(), []):
        # The key slots are listed once, for AccessKey1.
        slot = re.fullmatch(r"AWSIAM_AccessKey\d_(\w+)", name)
        if slot:
            assert f"`AWSIAM_AccessKey1_{slot[1]}`" in text or f"`_{slot[1]}`" in text, name
        else:
            assert f"`{name}`" in text, name


# The policy, eight JSON results, a role's trust policy and the key's AssumeRole policy; and the
# script context of docs/runtime.md.
JSON_EXAMPLES = {
    "docs/runtime.md": 1,
    "docs/permissions.md": 1, "docs/reach.md": 2, "docs/organizations.md": 3, "docs/actions/identity.md": 2, "docs/actions/policy.md": 2,
    "docs/actions/containment.md": 2, "docs/actions/enrichment.md": 1, "docs/actions/role-sessions.md": 1,
    "docs/actions/identity-risks.md": 1,
    "docs/actions/identity-center.md": 3,
}


def test_every_json_example_is_valid_json():
    counts = {}
    for name, text in GUIDE.items():
        blocks = re.findall(r"```json\n(.*?)\n```", text, re.DOTALL)
        for block in blocks:
            json.loads(block)
        if blocks:
            counts[name] = len(blocks)
    assert counts == JSON_EXAMPLES


# --- The least-privilege policy ---------------------------------------------------------------------

def test_the_policy_allows_exactly_what_the_actions_call():
    """AssumeRole is made with the keys, before the actions' work: the role never needs it. Each
    identity-store read also needs its sso-directory twin."""
    assert allowed_actions(published_policy(path=PERMISSIONS_PATH)) == permissions_needed()
    assert permissions_needed() - permissions_called() == {
        "sso-directory:DescribeUserByUniqueAttribute", "sso-directory:DescribeUser", "sso-directory:DescribeGroup",
        "sso-directory:ListGroupsForMember"}


def test_the_keys_policy_for_a_role_allows_exactly_assume_role():
    assert KEYS_ONLY <= permissions_called()
    statement, = published_policy(sid=ASSUME_ROLE_SID, path=REACH_PATH)["Statement"]
    assert allowed_actions(published_policy(sid=ASSUME_ROLE_SID, path=REACH_PATH)) == KEYS_ONLY
    assert re.fullmatch(r"arn:aws:iam::[*\d]+:role/[\w+=,.@-]+", statement["Resource"])


def test_the_trust_policy_asks_for_the_external_id():
    statement, = published_policy(sid=TRUST_SID, path=REACH_PATH)["Statement"]
    assert (statement["Effect"], statement["Action"]) == ("Allow", "sts:AssumeRole")
    assert re.fullmatch(r"arn:aws:iam::\d{12}:user/[\w+=,.@-]+", statement["Principal"]["AWS"])
    assert set(statement["Condition"]["StringEquals"]) == {"sts:ExternalId"}


CONFIGURATION_ERRORS = [
    reach.EXTERNAL_ID_WITHOUT_ROLE,
    reach.MALFORMED_CROSS_ACCOUNT_ROLE,
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
    statement, = published_policy(path=PERMISSIONS_PATH)["Statement"]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "*")
    assert statement["Action"] == sorted(statement["Action"])


def test_the_per_action_permission_table_matches_the_policy():
    table = section(PERMISSIONS, "# Least-privilege IAM policy for the integration's key")
    listed = set(re.findall(r"`((?:iam|sts|sso|identitystore|sso-directory):\w+)`", table))
    assert listed == allowed_actions(published_policy(path=PERMISSIONS_PATH))


def test_the_demo_reads_each_policy_from_the_file_that_publishes_it():
    assert published_policy() == published_policy(path=PERMISSIONS_PATH)
    for sid in (ASSUME_ROLE_SID, TRUST_SID):
        assert published_policy(sid=sid) == published_policy(sid=sid, path=REACH_PATH)


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

def test_every_make_command_the_guide_gives_exists():
    assert {"demo", "test", "package"} <= set(re.findall(r"^make (\w+)", README, re.MULTILINE))
    commands = {command for text in GUIDE.values() for command in re.findall(r"^make (\w+)", text, re.MULTILINE)}
    assert "validate" in commands
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


def test_the_readme_states_how_long_the_suite_takes():
    assert re.search(r"^make test +# the whole suite: [\d,]+ tests in about \d+ minutes", README, re.MULTILINE)


# --- Links between the README and docs/ ---------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    found, seen = set(), {}
    for heading in re.findall(r"^#{1,6} (.+?)#*$", outside_code(text), re.MULTILINE):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_the_anchor_rule_is_githubs():
    assert slug("Quick start: `make demo` and `make test`") == "quick-start-make-demo-and-make-test"
    assert slug("Least-privilege IAM policy for the integration's key") == "least-privilege-iam-policy-for-the-integrations-key"
    assert anchors("# A\n```sh\n# not a heading\n```\n## A\n") == {"a", "a-1"}


def links(name: str) -> list[str]:
    text = re.sub(r"`[^`\n]*`", "", outside_code(GUIDE[name]))
    return [target for target in _LINK.findall(text) if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("name", GUIDE)
def test_every_relative_link_and_anchor_resolves(name):
    here = (ROOT / name).parent
    broken = []
    for target in links(name):
        path, _, anchor = target.partition("#")
        resolved = (here / path).resolve() if path else ROOT / name
        if ROOT not in resolved.parents or not resolved.exists():
            broken.append(target)
        elif anchor and (resolved.suffix != ".md" or anchor not in anchors(resolved.read_text(encoding="utf-8"))):
            broken.append(target)
    assert broken == []


def test_the_link_check_sees_links_and_anchors():
    assert "docs/permissions.md" in links("README.md")
    assert "#containment-and-undo-for-an-incident-responder" in links("README.md")
    assert "images/widget-ListUsers.png" in links("docs/widgets.md")


def test_the_readme_index_links_every_docs_file():
    index = section(README, "## Documentation")
    linked = {target.partition("#")[0] for target in _LINK.findall(index)}
    assert linked == {name for name in GUIDE if name.startswith("docs/")}


def test_the_readme_stays_a_few_screens():
    assert len(README.splitlines()) <= 160


def test_bulk_runs_quote_the_deadline_sentences_of_actions_that_are_not_bulk_runs():
    from AWSIAMParser import deadline_reason
    from BulkEngine import DeadlineReached, NoAnswerBeforeDeadline

    text = " ".join(read("docs/bulk-runs.md").split())
    assert deadline_reason(DeadlineReached("<Operation>"), []) in text
    cut_change = deadline_reason(NoAnswerBeforeDeadline("<Operation>"), [])
    assert cut_change[cut_change.index("before AWS answered"):] in text
    assert str(DeadlineReached()) in text


def test_the_general_rules_quote_the_sentence_for_an_answer_that_is_not_aws():
    from AWSIAMExceptions import NotAnAWSAnswer

    text = " ".join(CONNECTION.split())
    assert str(NotAnAWSAnswer("<Operation>", 200, "text/html")) in text


@pytest.mark.parametrize("document", ["[" * 1500 + "]" * 1500, '{"a": ' + "9" * 4301 + "}"])
def test_the_policy_reference_quotes_the_local_checks_of_hostile_documents(document):
    from AWSIAMPolicyDocuments import MalformedDocument, check_policy_document

    with pytest.raises(MalformedDocument) as refused:
        check_policy_document(document)
    assert refused.value.reason in " ".join(POLICY.split())
