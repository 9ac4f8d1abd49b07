"""Wording of identity risks: each finding's one-sentence Detail, List Identity Risks' message,
table and JSON, the connector's alerts, and the sentences for what stops an assessment."""

from ActionResults import ActionResult, Table
from AWSIAMConstants import LIST_IDENTITY_RISKS
from AWSIAMDatamodels import iso_date
from AWSIAMExceptions import AccessDenied, AWSIAMError
from IdentityRisksModels import Assessment, Finding, Rule, Severity

TABLE_TITLE = "Identity Risks"
TABLE_COLUMNS = ("Severity", "Rule", "UserName", "Arn", "AccessKeyId", "Since", "Detail")

FOUND = "Found {count} identity risks at or above {minimum} in AWS IAM: {counts}."
FOUND_ONE = "Found 1 identity risk at or above {minimum} in AWS IAM: {counts}."
CLEAN = "No identity risks at or above {minimum} were found in AWS IAM."
MORE = "{total} were found; the {count} most severe are returned ('Max Findings To Return')."
ON_USERS = "Only findings on the case's users were kept: {names}."
PARTIAL = ("The credential report was still being generated when the platform's deadline came, so only AWS's "
           "quarantine policies were checked. Run the action again in a few minutes for the credential report's rules.")
ABSENT = "Not in this partition, so not checked: {names}."

# The rule in words, for the alert's name.
RULE_WORDS = {
    Rule.QUARANTINED: "User quarantined by AWS for a leaked access key",
    Rule.ROOT_ACCESS_KEY: "Root user has an active access key",
    Rule.ROOT_RECENTLY_USED: "Root user used recently",
    Rule.CONSOLE_WITHOUT_MFA: "Console access without MFA",
    Rule.TWO_ACTIVE_KEYS: "Two active access keys",
    Rule.ACTIVE_KEY_OLD: "Active access key not rotated",
    Rule.ACTIVE_KEY_UNUSED: "Active access key unused",
    Rule.USER_INACTIVE: "Inactive user with a way in",
}

# Failures that stop an assessment, by the operation AWS refused.
DENIED = {
    "GenerateCredentialReport": (
        "AWS refused to generate the credential report: the integration's credentials need "
        "iam:GenerateCredentialReport and iam:GetCredentialReport."),
    "GetCredentialReport": "AWS refused to hand over the credential report: the integration's credentials need iam:GetCredentialReport.",
    "ListEntitiesForPolicy": (
        "AWS refused to list who holds its quarantine policies: the integration's credentials need "
        "iam:ListEntitiesForPolicy."),
}


def detail(finding: Finding) -> str:
    """The finding as one plain sentence for the analyst."""
    since = iso_date(finding.since) if finding.since else None
    key = f"Access key {finding.key}"
    match finding.rule:
        case Rule.QUARANTINED:
            return (f"AWS attached {', '.join(finding.policies)} to the user: it found one of the user's access keys "
                    "exposed in public and blocked some of what the key can do; the key still works otherwise.")
        case Rule.ROOT_ACCESS_KEY:
            return (f"The root user's access key {finding.key} is active: it can do anything in the account and no "
                    "policy can limit it.")
        case Rule.ROOT_RECENTLY_USED:
            return (f"The root user's {finding.credential} was used on {since}, {finding.days} days ago (within the "
                    f"last {finding.limit} days): daily work should not use the root user.")
        case Rule.CONSOLE_WITHOUT_MFA:
            return "The user can sign in to the console with a password alone: no MFA device is active."
        case Rule.TWO_ACTIVE_KEYS:
            return "Both of the user's access keys are active: one of them is likely forgotten, or a rotation was never finished."
        case Rule.ACTIVE_KEY_OLD:
            return (f"{key} is active and was last rotated on {since}, {finding.days} days ago (more than "
                    f"{finding.limit}).")
        case Rule.ACTIVE_KEY_UNUSED if finding.never_used:
            return (f"{key} is active but was never used since it was created on {since}, {finding.days} days ago "
                    f"(more than {finding.limit}).")
        case Rule.ACTIVE_KEY_UNUSED:
            return (f"{key} is active but was last used on {since}, {finding.days} days ago (more than "
                    f"{finding.limit}).")
        case Rule.USER_INACTIVE if finding.never_used:
            return (f"The user has a password or an active access key but never used either since the user was "
                    f"created on {since}, {finding.days} days ago (more than {finding.limit}).")
        case _:
            return (f"The user has a password or an active access key but last used one on {since}, "
                    f"{finding.days} days ago (more than {finding.limit}).")


def finding_json(finding: Finding) -> dict:
    return {
        "Rule": finding.rule.rule_name,
        "Severity": finding.severity.value,
        "UserName": finding.user_name,
        "Arn": finding.arn,
        "AccountId": finding.account_id,
        "AccessKeyId": finding.access_key_id,
        "Detail": detail(finding),
        "Since": iso_date(finding.since) if finding.since else None,
    }


def severity_counts(findings) -> str:
    """"1 critical, 2 high": most severe first, severities without a finding left out."""
    counts = {severity: 0 for severity in reversed(Severity)}
    for finding in findings:
        counts[finding.severity] += 1
    return ", ".join(f"{count} {severity.value}" for severity, count in counts.items() if count)


def list_result(assessment: Assessment, *, minimum: Severity, limit: int, users: list[str] | None) -> ActionResult:
    """`assessment.findings` are already at or above the minimum and on the case's users, if any."""
    found = list(assessment.findings)
    returned = found[:limit]
    if returned:
        template = FOUND_ONE if len(returned) == 1 else FOUND
        lines = [template.format(count=len(returned), minimum=minimum.value, counts=severity_counts(returned))]
    else:
        lines = [CLEAN.format(minimum=minimum.value)]
    if len(found) > len(returned):
        lines.append(MORE.format(total=len(found), count=len(returned)))
    if users is not None:
        lines.append(ON_USERS.format(names=", ".join(users)))
    if assessment.absent_policies:
        lines.append(ABSENT.format(names=", ".join(assessment.absent_policies)))
    if not assessment.report_complete:
        lines.append(PARTIAL)
    rows = [_table_row(finding_json(finding)) for finding in returned]
    return ActionResult("\n".join(lines), success=bool(returned), json_result=[finding_json(f) for f in returned],
                        tables=(Table(TABLE_TITLE, TABLE_COLUMNS, rows),) if rows else ())


def _table_row(entry: dict) -> list[str]:
    return ["" if entry[column] is None else str(entry[column]) for column in TABLE_COLUMNS]


def assessment_failure(err: Exception) -> str:
    """Why an assessment could not be made, in one sentence (AWS's own words after it)."""
    if isinstance(err, AccessDenied) and err.operation in DENIED:
        return f"{DENIED[err.operation]} ({err})"
    return str(err)


def list_failure(err: Exception) -> ActionResult:
    return ActionResult.failure(LIST_IDENTITY_RISKS.failure(assessment_failure(err)))


# --- The connector's alerts --------------------------------------------------------------------------

ALERT_NAME = "AWS IAM: {words}"
RULE_GENERATOR = "AWS IAM Identity Risk: {rule}"
VENDOR, PRODUCT = "AWS", "IAM"
CYCLE_FAILED = "The identity risks cycle created no alert and kept what it remembered: {reason}"
CYCLE_DONE = "Created {alerts} for new identity risks; {waiting} more wait for the next cycles."
TEST_DONE = ("Test run: {alerts} as samples of the identity risks a first cycle would report; nothing was "
             "remembered, so the next cycle alerts on them all.")
MEMORY_UNREADABLE = "the platform did not hand back what earlier cycles reported ({reason})"
MEMORY_NOT_SAVED = ("The identity risks cycle created no alert: the platform did not keep what it would have "
                    "remembered ({reason}), so the same findings alert on the next cycle.")


def alert_fields(finding: Finding) -> dict:
    """The alert's own fields, as the platform's CaseInfo names them."""
    return {
        "name": ALERT_NAME.format(words=RULE_WORDS[finding.rule]),
        "rule_generator": RULE_GENERATOR.format(rule=finding.rule.rule_name),
        "priority": finding.severity.priority,
        "device_vendor": VENDOR,
        "device_product": PRODUCT,
        "ticket_id": finding.ticket_id,
        "description": detail(finding),
    }


def alert_event(finding: Finding, *, product_field: str, event_field: str, at_ms: int) -> dict:
    """The alert's one event: the finding's fields, and the fields the connector's
    DeviceProductField and EventClassId name."""
    return {
        **finding_json(finding),
        "StartTime": at_ms,
        "EndTime": at_ms,
        product_field: PRODUCT,
        event_field: finding.rule.rule_name,
    }


def cycle_failed(err: Exception) -> str:
    return CYCLE_FAILED.format(reason=assessment_failure(err))


def cycle_done(alerts: int, waiting: int, test_run: bool) -> str:
    counted = "1 alert" if alerts == 1 else f"{alerts} alerts"
    return (TEST_DONE if test_run else CYCLE_DONE).format(alerts=counted, waiting=waiting)
