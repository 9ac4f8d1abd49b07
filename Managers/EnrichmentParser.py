"""Enrich User: the risk rules and all the wording, the JSON result, the tables, the entity
properties and the insight. Pure functions of the run's outcomes and the moment of the run."""

from datetime import datetime, timedelta, timezone
from typing import Sequence

from ActionResults import ActionResult, EntityEnrichment, Table
from AWSIAMConstants import ENRICH_USER
from AWSIAMDatamodels import iso_date
from AWSIAMParser import denied_on_every_item, join_names
from ContainmentParser import LOOKUP_REASONS, NO_USER_ENTITIES, NOT_FOUND, NOT_USERS, TEMPORARY_KEYS, not_acted_reason, user_label
from ContainmentParser import REASONS as DISABLE_REASONS
from AWSIAMPolicyDocuments import DENY_ALL_POLICY_NAME
from ContainmentModels import DisableCause
from EnrichmentModels import AccessKey, EnrichCause, EnrichOutcome, EnrichRun, EnrichStatus, UserProfile

ENRICHED = "Successfully enriched the following users from AWS IAM: {names}"
WITH_INSIGHTS = "Risk findings were added as insights to the following users: {names}"
FAILED = "Action wasn't able to enrich the following users from AWS IAM: {names}"

REASONS = {
    # Entities that name no user of the account are worded as Disable User Access words them.
    **LOOKUP_REASONS,
    EnrichCause.NOT_ATTEMPTED: DISABLE_REASONS[DisableCause.NOT_ATTEMPTED],
    EnrichCause.OUT_OF_TIME: DISABLE_REASONS[DisableCause.OUT_OF_TIME],
    EnrichCause.UNANSWERED: "The reads were sent, but not all answers came before the platform's deadline.",
}

# --- Risk rules ----------------------------------------------------------------------------------

# A key not used for this long is probably not needed; one this old is overdue for rotation.
UNUSED_KEY_DAYS = 90
OLD_KEY_DAYS = 90

NEVER_USED = "never used"

CONSOLE_WITHOUT_MFA = "Console access without MFA: the user can sign in to the AWS console with a password alone."
KEY_NEVER_USED = "Access key {key} is active but has never been used."
KEY_UNUSED = "Access key {key} is active but has not been used for {days} days (last used {date})."
KEY_OLD = "Access key {key} is active and {days} days old (created {date})."
DISABLED_FINDING = f"Access is disabled: the deny-all inline policy {DENY_ALL_POLICY_NAME} is on the user."
QUARANTINED_FINDING = ("Quarantined by AWS: the policy {policy} is attached (AWS attaches it when it finds "
                       "one of the user's access keys exposed in public).")
INSIGHT = "AWS IAM user {name} has {count}:\n{findings}"


def risk_findings(profile: UserProfile, now: datetime) -> list[str]:
    """Each risk finding about the user as a sentence, in a fixed order."""
    findings = []
    if profile.has_console_access and not profile.mfa_devices:
        findings.append(CONSOLE_WITHOUT_MFA)
    for key in profile.access_keys:
        if key.is_active:
            findings.extend(_key_findings(key, now))
    if profile.disabled:
        findings.append(DISABLED_FINDING)
    for policy in profile.quarantine_policies:
        findings.append(QUARANTINED_FINDING.format(policy=policy.name))
    return findings


def _key_findings(key: AccessKey, now: datetime) -> list[str]:
    findings = []
    last_used = key.last_used_date
    if last_used is None:
        findings.append(KEY_NEVER_USED.format(key=key.id))
    elif _since(last_used, now) >= timedelta(days=UNUSED_KEY_DAYS):
        findings.append(KEY_UNUSED.format(key=key.id, days=_since(last_used, now).days, date=iso_date(last_used)))
    if key.created is not None and _since(key.created, now) > timedelta(days=OLD_KEY_DAYS):
        findings.append(KEY_OLD.format(key=key.id, days=_since(key.created, now).days, date=iso_date(key.created)))
    return findings


def _since(moment: datetime, now: datetime) -> timedelta:
    # botocore's dates carry a zone; a bare one is UTC, as IAM's dates are.
    return now - (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


def insight_text(profile: UserProfile, findings: Sequence[str]) -> str | None:
    if not findings:
        return None
    count = "1 risk finding" if len(findings) == 1 else f"{len(findings)} risk findings"
    return INSIGHT.format(name=profile.name, count=count, findings="\n".join(f"- {finding}" for finding in findings))


# --- The entity's properties ----------------------------------------------------------------------

PROPERTY_PREFIX = "AWSIAM_"
# IAM allows two access keys per user: every enrichment writes both slots, so a key deleted since
# the last enrichment does not linger on the entity.
ACCESS_KEY_SLOTS = 2


def entity_properties(profile: UserProfile, findings: Sequence[str]) -> dict[str, str]:
    """Flat string values, the same keys for every user: lists joined with commas, ISO dates,
    booleans as "True"/"False" (as the platform writes its own flags)."""
    login = profile.login_profile
    values = {
        "UserName": profile.name,
        "UserId": profile.user.id,
        "Arn": profile.user.arn,
        "Path": profile.user.raw.get("Path", ""),
        "CreateDate": _date(profile.user.raw.get("CreateDate")),
        "PasswordLastUsed": _date(profile.password_last_used, NEVER_USED),
        "Tags": _joined(f"{tag['Key']}={tag['Value']}" for tag in profile.tags),
        "PermissionsBoundary": profile.permissions_boundary_arn or "",
        "Groups": _joined(group.name for group in profile.groups),
        "AttachedPolicies": _joined(policy.name for policy in profile.attached_policies),
        "InlinePolicies": _joined(profile.inline_policies),
        "ConsoleAccess": str(login is not None),
        "ConsoleAccessCreateDate": _date(login.created) if login else "",
        "PasswordResetRequired": str(login.password_reset_required) if login else "",
        "MFAEnabled": str(bool(profile.mfa_devices)),
        "MFADevices": _joined(device.serial for device in profile.mfa_devices),
        "AccessKeys": _joined(key.id for key in profile.access_keys),
        "ActiveAccessKeys": _joined(key.id for key in profile.access_keys if key.is_active),
    }
    keys = list(profile.access_keys)
    for slot in range(1, max(ACCESS_KEY_SLOTS, len(keys)) + 1):
        key = keys[slot - 1] if slot <= len(keys) else None
        values.update({f"AccessKey{slot}_{name}": value for name, value in _key_properties(key).items()})
    values.update({
        "Disabled": str(profile.disabled),
        "Quarantined": str(profile.quarantined),
        "RiskFindings": str(len(findings)),
    })
    return {PROPERTY_PREFIX + name: value for name, value in values.items()}


def _key_properties(key: AccessKey | None) -> dict[str, str]:
    if key is None:
        return dict.fromkeys(("Id", "Status", "CreateDate", "LastUsedDate", "LastUsedService", "LastUsedRegion"), "")
    return {
        "Id": key.id,
        "Status": key.status,
        "CreateDate": _date(key.created),
        "LastUsedDate": _date(key.last_used_date, NEVER_USED),
        "LastUsedService": key.last_used_service or "",
        "LastUsedRegion": key.last_used_region or "",
    }


def _date(value: datetime | None, missing: str = "") -> str:
    return iso_date(value) if isinstance(value, datetime) else missing


def _joined(items) -> str:
    return ",".join(items)


# --- Tables ---------------------------------------------------------------------------------------

USER_TABLE = "IAM User: {name}"
USER_COLUMNS = ["Field", "Value"]
KEYS_TABLE = "IAM Access Keys: {name}"
KEY_COLUMNS = ["Access Key ID", "Status", "Creation Date", "Last Used", "Last Used Service", "Last Used Region"]
NONE = "none"


def user_table(profile: UserProfile, findings: Sequence[str]) -> Table:
    login = profile.login_profile
    keys = profile.access_keys
    rows = [
        ("User Name", profile.name),
        ("User ID", profile.user.id),
        ("ARN", profile.user.arn),
        ("Path", profile.user.raw.get("Path", "")),
        ("Creation Date", _date(profile.user.raw.get("CreateDate"))),
        ("Password Last Used", _date(profile.password_last_used, NEVER_USED)),
        ("Console Access", f"Yes, since {_date(login.created)}" if login else "No"),
        ("Password Reset Required", _yes_no(login.password_reset_required) if login else ""),
        ("MFA Devices", _listed(device.serial for device in profile.mfa_devices)),
        ("Access Keys", _listed(f"{key.id} ({key.status})" for key in keys)),
        ("Groups", _listed(group.name for group in profile.groups)),
        ("Attached Policies", _listed(policy.name for policy in profile.attached_policies)),
        ("Inline Policies", _listed(profile.inline_policies)),
        ("Tags", _listed(f"{tag['Key']}={tag['Value']}" for tag in profile.tags)),
        ("Permissions Boundary", profile.permissions_boundary_arn or NONE),
        ("Disabled", _yes_no(profile.disabled)),
        ("Quarantined", _yes_no(profile.quarantined)),
        ("Risk Findings", " ".join(findings) or NONE),
    ]
    return Table(USER_TABLE.format(name=profile.name), USER_COLUMNS, rows)


def keys_table(profile: UserProfile) -> Table:
    rows = [[key.id, key.status, _date(key.created), _date(key.last_used_date, NEVER_USED),
             key.last_used_service or "", key.last_used_region or ""] for key in profile.access_keys]
    return Table(KEYS_TABLE.format(name=profile.name), KEY_COLUMNS, rows)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _listed(items) -> str:
    return ", ".join(items) or NONE


# --- The action's result --------------------------------------------------------------------------

def enrich_result(entities: list, run: EnrichRun | None, *, now: datetime) -> ActionResult:
    """`entities` are the User entities, in the order of `run.outcomes`; `now` is the moment the
    risk rules measure key age and disuse against (timezone-aware)."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    names = {status: [] for status in EnrichStatus}
    with_insight, json_result, tables, enrichments = [], [], [], []
    for entity, outcome in zip(entities, run.outcomes):
        names[outcome.status].append(entity.identifier if outcome.status in _NOTHING_TO_DO else user_label(outcome))
        if outcome.status is not EnrichStatus.ENRICHED:
            json_result.append(_missed_json(entity.identifier, outcome))
            continue
        profile = outcome.profile
        findings = risk_findings(profile, now)
        insight = insight_text(profile, findings)
        if insight:
            with_insight.append(profile.name)
        json_result.append({"Entity": entity.identifier,
                            "EntityResult": {**profile.to_json(), "RiskFindings": findings, "Status": outcome.status.value,
                                             **outcome.principal.to_json()}})
        tables.append(user_table(profile, findings))
        if profile.access_keys:
            tables.append(keys_table(profile))
        enrichments.append(EntityEnrichment(entity, entity_properties(profile, findings), insight))
    lines = [template.format(names=join_names(found)) for template, found in (
        (ENRICHED, names[EnrichStatus.ENRICHED]),
        (WITH_INSIGHTS, with_insight),
        (NOT_FOUND, names[EnrichStatus.NOT_FOUND]),
        (TEMPORARY_KEYS, names[EnrichStatus.TEMPORARY_KEY]),
        (NOT_USERS, names[EnrichStatus.NOT_A_USER]),
        (FAILED, names[EnrichStatus.FAILED]),
    ) if found]
    general_error = run.error or denied_on_every_item(
        outcome.error for outcome in run.outcomes if outcome.status not in _NOTHING_TO_DO)
    if general_error:
        lines.insert(0, ENRICH_USER.failure(general_error))
    return ActionResult("\n".join(lines), success=bool(names[EnrichStatus.ENRICHED]) and not general_error,
                        failed=bool(general_error), json_result=json_result, tables=tables, enrichments=enrichments)


# Counted as not found: nothing was read, and that is no error.
_NOTHING_TO_DO = (EnrichStatus.NOT_FOUND, EnrichStatus.TEMPORARY_KEY, EnrichStatus.NOT_A_USER)


def _missed_json(entity_id: str, outcome: EnrichOutcome) -> dict:
    reason = not_acted_reason(outcome) or (str(outcome.error) if outcome.error else REASONS[outcome.cause])
    return {"Entity": entity_id,
            "EntityResult": {"UserName": outcome.user_name, "Arn": outcome.arn, "Status": outcome.status.value,
                             **outcome.principal.to_json(), "Reason": reason}}
