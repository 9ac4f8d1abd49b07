"""Wording and JSON results of Revoke Role Sessions and Restore Role Access."""

from ActionResults import ActionResult
from AWSIAMConstants import RESTORE_ROLE_ACCESS, REVOKE_ROLE_SESSIONS
from AWSIAMDatamodels import iso_date
from AWSIAMParser import denied_on_every_item, items_result, join_names, unconfirmed_line
from AWSIAMPolicyDocuments import REVOKED_SESSIONS_POLICY_NAME
from AWSIAMExceptions import InvalidParameter
from RoleSessionsModels import RevokeScope, RoleCause, RoleChange, RoleOutcome, RoleRun, RoleStatus, is_session_name

REVOKED = "Successfully revoked the sessions issued before {time} UTC of the following roles in AWS IAM: {names}"
NAMED_REVOKED = "Successfully revoked only the named sessions of the following roles in AWS IAM: {names}"
BLOCKED = "Blocked new sessions, in the trust policy, of the following roles in AWS IAM: {names}"
NOT_FOUND = "Action wasn't able to find the following roles in AWS IAM: {names}"
FAILED = "Action wasn't able to revoke the sessions of the following roles in AWS IAM: {names}"
SKIPPED = "Skipped {count} User entities that name no IAM role (users, or nothing in IAM): {names}"
NO_ROLES = "No role to act on: 'Role Name' is empty and no User entity names an IAM role."
ROLE_ITEMS = "{name} ({items})"
REVOKE_ATTEMPTED = "the request to revoke their sessions may have taken effect"
UNCONFIRMED_REASON = (
    "IAM's answer to writing the policy AWSRevokeOlderSessions was lost, and no read could confirm whether it took "
    "effect: check the role's inline policies in AWS, and run the action again if the policy or its time is missing."
)
RESTORE_ATTEMPTED = "the request to restore their access may have taken effect"
# Why a role is unconfirmed: the change whose answer was lost, and what to check in AWS.
UNCONFIRMED_REASONS = {
    RoleChange.CUTOFF: UNCONFIRMED_REASON,
    RoleChange.SESSIONS: (
        "IAM's answer to writing the policy AWSIAMRevokedSessions was lost, and no read could confirm whether it took "
        "effect: check the sessions the role's inline policy AWSIAMRevokedSessions lists in AWS, and run the action "
        "again if they are not as asked."
    ),
    RoleChange.BLOCK: (
        "IAM's answer to putting the statement AWSIAMBlockNewSessions into the trust policy was lost, and no read could "
        "confirm whether it took effect: check the role's trust policy in AWS, and run the action again if the "
        "statement is missing."
    ),
    RoleChange.UNBLOCK: (
        "IAM's answer to taking the statement AWSIAMBlockNewSessions out of the trust policy was lost, and no read "
        "could confirm whether it took effect: check the role's trust policy in AWS, and run the action again if the "
        "statement is still there."
    ),
    RoleChange.CUTOFF_DELETED: (
        "IAM's answer to deleting the policy AWSRevokeOlderSessions was lost, and no read could confirm whether it "
        "took effect: check the role's inline policies in AWS, and run the action again if it is still there."
    ),
}
BAD_SESSION_PARAMETER = ("'Session Name' must be a name IAM can give a role session: 2 to 64 letters, digits and "
                         "+=,.@_- characters.")

REASONS = {
    RoleCause.NOT_A_ROLE_NAME: "The text is neither an IAM role name nor an IAM role ARN.",
    RoleCause.NAME_TOO_LONG: "The name is longer than the 64 characters IAM allows for a role name.",
    RoleCause.BAD_SESSION_NAME: (
        "The session name is not one IAM can give a role session: 2 to 64 letters, digits and +=,.@_- characters."
    ),
    RoleCause.NO_SUCH_ROLE: "No IAM role with this name exists in the account.",
    RoleCause.NO_SUCH_ROLE_OF_SESSION: (
        "The assumed-role ARN names a role that does not exist in the account (deleted since, or never there), "
        "so no session of it can be revoked."
    ),
    RoleCause.NO_SUCH_ROLE_ID: "No IAM role of the account has this unique ID.",
    RoleCause.OTHER_ACCOUNT: "The role ARN belongs to another AWS account.",
    RoleCause.SERVICE_LINKED: (
        "The role is a service-linked role: IAM lets only the AWS service it belongs to change it, so no "
        "policy can be added to revoke its sessions."
    ),
    RoleCause.NO_SESSION: (
        "Scope 'Named session only' needs a session: give the role as an assumed-role ARN "
        "(arn:aws:sts::<account>:assumed-role/<role>/<session>) or as a session's principal ID (AROA...:<session>). "
        "Nothing was changed."
    ),
    RoleCause.TRUST_TOO_LARGE: (
        "The role's trust policy has no room for the block statement: with it, the policy would pass the account's "
        "size quota for trust policies (2048 characters unless raised in Service Quotas). Nothing was changed."
    ),
    RoleCause.POLICY_UNREADABLE: (
        f"The inline policy {REVOKED_SESSIONS_POLICY_NAME} on the role is not one this integration wrote, so it was "
        "left as it is: check it, then delete it or correct it. Nothing was changed."
    ),
    RoleCause.SESSION_NOT_DENIED: f"The session is not in the role's inline policy {REVOKED_SESSIONS_POLICY_NAME}.",
    RoleCause.NOTHING_TO_RESTORE: (
        "Neither the trust-policy statement AWSIAMBlockNewSessions nor the inline policies AWSIAMRevokedSessions "
        "and AWSRevokeOlderSessions were on the role."
    ),
    RoleCause.NOT_ATTEMPTED: "Not attempted: an earlier error stopped the action.",
    RoleCause.OUT_OF_TIME: "Not attempted: the platform's execution deadline was near.",
    RoleCause.UNANSWERED: "The call was sent, but no answer came before the platform's deadline: check the role in AWS.",
}
# What was already done when a role's later step failed.
DONE_BEFORE = " Already done before that: {done}."
DONE_REVOKED = "the sessions issued before {time} UTC are revoked"
DONE_NAMED = "the named sessions are revoked"
DONE_REMOVED = "{names} removed"


def revoke_result(run: RoleRun) -> ActionResult:
    issued_before = iso_date(run.issued_before) if run.issued_before else None
    of = _by_status(run)
    revoked = of[RoleStatus.REVOKED]
    lines = [template.format(names=join_names(names), time=issued_before) for template, names in (
        (REVOKED, [_name(o) for o in revoked if o.revoked_all]),
        (NAMED_REVOKED, [ROLE_ITEMS.format(name=_name(o), items=join_names(o.revoked_sessions))
                         for o in revoked if run.scope is RevokeScope.NAMED]),
        (BLOCKED, [_name(o) for o in revoked if o.blocked]),
        (NOT_FOUND, [o.text for o in of[RoleStatus.NOT_FOUND]]),
        (FAILED, [_name(o) for o in of[RoleStatus.FAILED]]),
    ) if names]
    lines += unconfirmed_line([_name(o) for o in of[RoleStatus.UNCONFIRMED]], REVOKE_ATTEMPTED)
    json_result = [_revoke_json(outcome, run, issued_before) for outcome in run.outcomes]
    return _result(REVOKE_ROLE_SESSIONS, run, lines, json_result, any_done=bool(revoked))


def _revoke_json(outcome: RoleOutcome, run: RoleRun, issued_before: str | None) -> dict:
    result = {
        "RoleName": outcome.role_name,
        "Arn": outcome.arn,
        "Account": outcome.account,
        "Status": outcome.status.value,
        "Scope": run.scope.value,
        "RevokedBefore": issued_before if outcome.revoked_all else None,
        "RevokedSessions": list(outcome.revoked_sessions),
        "NewSessionsBlocked": outcome.blocked,
        "Inputs": list(outcome.texts),
    }
    if outcome.status is RoleStatus.UNCONFIRMED:
        done = [DONE_REVOKED.format(time=issued_before)] if outcome.revoked_all else []
        if outcome.revoked_sessions:
            done.append(DONE_NAMED)
        result["Reason"] = _unconfirmed_reason(outcome, done)
    elif outcome.status is not RoleStatus.REVOKED:
        done = []
        if outcome.revoked_all:
            done.append(DONE_REVOKED.format(time=issued_before))
        if outcome.revoked_sessions and outcome.status is RoleStatus.FAILED:
            done.append(DONE_NAMED)
        result["Reason"] = _reason(outcome, done)
    return result


# Restore Role Access

RESTORED = "Successfully restored the access of the following roles in AWS IAM: {names}"
LIFTED = "Lifted the deny on the session {session} of the following roles in AWS IAM: {names}"
NOT_CONTAINED = "The following roles in AWS IAM carried nothing to restore: {names}"
NOT_RESTORED = "Action wasn't able to restore the access of the following roles in AWS IAM: {names}"


def restore_result(run: RoleRun) -> ActionResult:
    of = _by_status(run)
    restored = of[RoleStatus.RESTORED]
    lines = [template.format(names=join_names(names), session=run.session) for template, names in (
        (RESTORED, [ROLE_ITEMS.format(name=_name(o), items=join_names(o.removed)) for o in restored if o.removed]),
        (LIFTED, [_name(o) for o in restored if o.lifted]),
        (NOT_CONTAINED, [_name(o) for o in of[RoleStatus.NOT_CONTAINED]]),
        (NOT_FOUND, [o.text for o in of[RoleStatus.NOT_FOUND]]),
        (NOT_RESTORED, [_name(o) for o in of[RoleStatus.FAILED]]),
    ) if names]
    lines += unconfirmed_line([_name(o) for o in of[RoleStatus.UNCONFIRMED]], RESTORE_ATTEMPTED)
    json_result = [_restore_json(outcome) for outcome in run.outcomes]
    return _result(RESTORE_ROLE_ACCESS, run, lines, json_result, any_done=bool(restored))


def _restore_json(outcome: RoleOutcome) -> dict:
    result = {
        "RoleName": outcome.role_name,
        "Arn": outcome.arn,
        "Account": outcome.account,
        "Status": outcome.status.value,
        "Removed": list(outcome.removed),
        "LiftedSessions": list(outcome.lifted),
        "Inputs": list(outcome.texts),
    }
    if outcome.status not in (RoleStatus.RESTORED,):
        done = [DONE_REMOVED.format(names=join_names(outcome.removed))] if outcome.removed else []
        result["Reason"] = (_unconfirmed_reason(outcome, done) if outcome.status is RoleStatus.UNCONFIRMED
                            else _reason(outcome, done))
    return result


# Both


def nothing_named() -> ActionResult:
    return ActionResult(NO_ROLES, success=False, json_result=[])


def session_name(text: str | None) -> str | None:
    """The Session Name parameter, checked against IAM's rule before any call."""
    if text is not None and not is_session_name(text):
        raise InvalidParameter(BAD_SESSION_PARAMETER)
    return text


def _by_status(run: RoleRun) -> dict[RoleStatus, list[RoleOutcome]]:
    return {status: [o for o in run.outcomes if o.status is status] for status in RoleStatus}


def _result(spec, run: RoleRun, lines: list[str], json_result: list, *, any_done: bool) -> ActionResult:
    if run.skipped:
        lines.append(SKIPPED.format(count=len(run.skipped), names=join_names(run.skipped)))
    if not run.outcomes:
        return ActionResult("\n".join([NO_ROLES, *lines]), success=False, json_result=[])
    general_error = run.error or denied_on_every_item(
        o.error for o in run.outcomes if o.status not in (RoleStatus.NOT_FOUND, RoleStatus.NOT_CONTAINED,
                                                          RoleStatus.UNCONFIRMED))
    return items_result(spec, lines, json_result, general_error=general_error,
                        any_failed=any(o.status is RoleStatus.FAILED for o in run.outcomes), any_done=any_done)


def _name(outcome: RoleOutcome) -> str:
    return outcome.role_name or outcome.text


def _unconfirmed_reason(outcome: RoleOutcome, done: list[str]) -> str:
    return UNCONFIRMED_REASONS[outcome.unconfirmed] + (DONE_BEFORE.format(done="; ".join(done)) if done else "")


def _reason(outcome: RoleOutcome, done: list[str]) -> str:
    # A service-linked role gets the plain sentence; AWS's own message adds nothing to act on.
    reason = REASONS[outcome.cause] if outcome.cause else str(outcome.error)
    if outcome.cause and outcome.error is not None and outcome.cause is not RoleCause.SERVICE_LINKED:
        reason = f"{reason} ({outcome.error})"
    if done:
        reason += DONE_BEFORE.format(done="; ".join(done))
    return reason
