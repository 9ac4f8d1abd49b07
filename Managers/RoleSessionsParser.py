"""Wording and JSON result of Revoke Role Sessions."""

from ActionResults import ActionResult
from AWSIAMConstants import REVOKE_ROLE_SESSIONS
from AWSIAMDatamodels import iso_date
from AWSIAMParser import denied_on_every_item, items_result, join_names
from RoleSessionsModels import RevokeCause, RevokeOutcome, RevokeRun, RevokeStatus

REVOKED = "Successfully revoked the sessions issued before {time} UTC of the following roles in AWS IAM: {names}"
NOT_FOUND = "Action wasn't able to find the following roles in AWS IAM: {names}"
FAILED = "Action wasn't able to revoke the sessions of the following roles in AWS IAM: {names}"

REASONS = {
    RevokeCause.NOT_A_ROLE_NAME: "The text is neither an IAM role name nor an IAM role ARN.",
    RevokeCause.NAME_TOO_LONG: "The name is longer than the 64 characters IAM allows for a role name.",
    RevokeCause.NO_SUCH_ROLE: "No IAM role with this name exists in the account.",
    RevokeCause.OTHER_ACCOUNT: "The role ARN belongs to another AWS account.",
    RevokeCause.SERVICE_LINKED: (
        "The role is a service-linked role: IAM lets only the AWS service it belongs to change it, so no "
        "policy can be added to revoke its sessions."
    ),
    RevokeCause.NOT_ATTEMPTED: "Not attempted: an earlier error stopped the action.",
    RevokeCause.OUT_OF_TIME: "Not attempted: the platform's execution deadline was near.",
    RevokeCause.UNANSWERED: "The call was sent, but no answer came before the platform's deadline: check the role in AWS.",
}


def revoke_result(run: RevokeRun) -> ActionResult:
    issued_before = iso_date(run.issued_before)
    by_status = {status: [] for status in RevokeStatus}
    for outcome in run.outcomes:
        by_status[outcome.status].append(outcome.text if outcome.status is RevokeStatus.NOT_FOUND else _name(outcome))
    lines = [template.format(names=join_names(names), time=issued_before) for template, names in (
        (REVOKED, by_status[RevokeStatus.REVOKED]),
        (NOT_FOUND, by_status[RevokeStatus.NOT_FOUND]),
        (FAILED, by_status[RevokeStatus.FAILED]),
    ) if names]
    general_error = run.error or denied_on_every_item(
        o.error for o in run.outcomes if o.status is not RevokeStatus.NOT_FOUND)
    json_result = [_role_json(outcome, issued_before) for outcome in run.outcomes]
    return items_result(REVOKE_ROLE_SESSIONS, lines, json_result, general_error=general_error,
                        any_failed=bool(by_status[RevokeStatus.FAILED]), any_done=bool(by_status[RevokeStatus.REVOKED]))


def _name(outcome: RevokeOutcome) -> str:
    return outcome.role_name or outcome.text


def _role_json(outcome: RevokeOutcome, issued_before: str) -> dict:
    revoked = outcome.status is RevokeStatus.REVOKED
    result = {
        "RoleName": outcome.role_name,
        "Arn": outcome.arn,
        "Status": outcome.status.value,
        "RevokedBefore": issued_before if revoked else None,
    }
    if not revoked:
        # A service-linked role gets the plain sentence; AWS's own message adds nothing to act on.
        result["Reason"] = REASONS[outcome.cause] if outcome.cause else str(outcome.error)
    return result
