"""Wording, JSON results and tables of the identity actions: Create a User, Create a Group,
Add a User to a Group, Remove a User from a Group, List Users, List Groups."""

from typing import Sequence

from ActionResults import ActionResult, Table
from AWSIAMConstants import ALLOWED_NAME_CHARACTERS, MAX_NAME_LENGTH, ActionSpec
from AWSIAMDatamodels import IAMObject
from AWSIAMParser import UNCONFIRMED, join_names, shown
from IdentityModels import BulkOutcome, ItemStatus

S = ItemStatus
_CHARACTERS = f"alphanumeric characters and/or the following: {ALLOWED_NAME_CHARACTERS}."
_USER_LENGTH = f"must be at most {MAX_NAME_LENGTH['user']} characters."
_GROUP_LENGTH = f"Group names must be at most {MAX_NAME_LENGTH['group']} characters."
_OUT_OF_TIME = "The platform's execution deadline came before them."
_UNANSWERED = "Their calls went out, but no answer came before the platform's execution deadline: check them in AWS."


def _unconfirmed(attempt: str) -> str:
    """The shared unconfirmed line, with what was attempted ({names} and {group} stay to fill)."""
    return UNCONFIRMED.replace("{attempt}", attempt)


# --- Create a User / Create a Group: one line per outcome, in this order -----------------------
CREATE_LINES = {
    "user": {
        S.DONE: "Successfully added the following users to IAM: {names}",
        S.EXISTS: "Could not add the following users to IAM: {names}. Names must be unique within an account.",
        S.INVALID: "Could not add the following users to IAM: {names}. Usernames must contain only " + _CHARACTERS,
        S.TOO_LONG: "Could not add the following users to IAM: {names}. Usernames " + _USER_LENGTH,
        S.LIMIT: "Could not add the following users to IAM: {names}. Reach to Users limitation in your aws account.",
        S.FAILED: "Could not add the following users to IAM: {names}. {error}",
        S.NOT_PROCESSED: "Could not add the following users to IAM: {names}. The error stopped the action before them.",
        S.OUT_OF_TIME: "Could not add the following users to IAM: {names}. " + _OUT_OF_TIME,
        S.UNANSWERED: "Could not confirm the following users in IAM: {names}. " + _UNANSWERED,
        S.UNCONFIRMED: _unconfirmed("the request to create them may have taken effect"),
    },
    "group": {
        S.DONE: "Successfully added the following groups to IAM: {names}",
        S.EXISTS: "Could not add the following groups to IAM: {names}. Names must be unique within an account.",
        S.INVALID: "Could not add the following groups to IAM: {names}. Group names must contain only " + _CHARACTERS,
        S.TOO_LONG: "Could not add the following groups to IAM: {names}. " + _GROUP_LENGTH,
        S.LIMIT: "Could not add the following groups to IAM: {names}. Reach to Groups limitation in your aws account.",
        S.FAILED: "Could not add the following groups to IAM: {names}. {error}",
        S.NOT_PROCESSED: "Could not add the following groups to IAM: {names}. The error stopped the action before them.",
        S.OUT_OF_TIME: "Could not add the following groups to IAM: {names}. " + _OUT_OF_TIME,
        S.UNANSWERED: "Could not confirm the following groups in IAM: {names}. " + _UNANSWERED,
        S.UNCONFIRMED: _unconfirmed("the request to create them may have taken effect"),
    },
}
# The FAILED reason when nothing was created: only the parts that apply, in this order.
NOTHING_CREATED_PARTS = {
    "user": {
        S.INVALID: "{names}: Usernames must contain only " + _CHARACTERS,
        S.TOO_LONG: "{names}: Usernames " + _USER_LENGTH,
        S.EXISTS: "{names}: Names must be unique within an account.",
        S.LIMIT: "{names}: Reach to Users limitation in your aws account.",
    },
    "group": {
        S.INVALID: "{names}: Group names must contain only " + _CHARACTERS,
        S.TOO_LONG: "{names}: " + _GROUP_LENGTH,
        S.EXISTS: "{names}: Names must be unique within an account.",
        S.LIMIT: "{names}: Reach to Groups limitation in your aws account.",
    },
}

# --- Add a User to a Group / Remove a User from a Group ---------------------------------------
# {names}: the users concerned; {user}: one user, for the lines written once per user.
MEMBERSHIP_LINES = {
    "add": {
        S.DONE: "Successfully added the user {names} to the IAM group: {group}",
        S.GROUP_MISSING: "Could not add {names} to {group}. The Group {group} cannot be found.",
        S.USER_MISSING: "Could not add {user} to {group}. The user {user} cannot be found.",
        S.LIMIT: "Could not add {names} to {group} because it attempted to create resources beyond the current AWS account limits.",
        S.INVALID: "Could not add {names} to {group}. Names must contain only " + _CHARACTERS,
        S.TOO_LONG: "Could not add {names} to {group}. User names " + _USER_LENGTH,
        S.GROUP_INVALID: "Could not add {names} to {group}. Group names must contain only " + _CHARACTERS,
        S.GROUP_TOO_LONG: "Could not add {names} to {group}. " + _GROUP_LENGTH,
        S.FAILED: "Could not add {names} to {group}. {error}",
        S.NOT_PROCESSED: "Could not add {names} to {group}. The error stopped the action before them.",
        S.OUT_OF_TIME: "Could not add {names} to {group}. " + _OUT_OF_TIME,
        S.UNANSWERED: "Could not confirm whether {names} were added to {group}. " + _UNANSWERED,
        S.UNCONFIRMED: _unconfirmed("the request to add them to {group} may have taken effect"),
    },
    "remove": {
        S.DONE: "{names} has been removed from group: {group}",
        S.GROUP_MISSING: "Could not remove {names} from {group}. The Group {group} cannot be found.",
        S.USER_MISSING: "Could not remove {user} from {group}. The user {user} cannot be found.",
        S.NOT_MEMBER: "Could not remove {user} from {group}. The user {user} is not a member of the group {group}.",
        S.LIMIT: "Could not remove {names} from {group} because it attempted to create resources beyond the current AWS account limits.",
        S.INVALID: "Could not remove {names} from {group}. Names must contain only " + _CHARACTERS,
        S.TOO_LONG: "Could not remove {names} from {group}. User names " + _USER_LENGTH,
        S.GROUP_INVALID: "Could not remove {names} from {group}. Group names must contain only " + _CHARACTERS,
        S.GROUP_TOO_LONG: "Could not remove {names} from {group}. " + _GROUP_LENGTH,
        S.FAILED: "Could not remove {names} from {group}. {error}",
        S.NOT_PROCESSED: "Could not remove {names} from {group}. The error stopped the action before them.",
        S.OUT_OF_TIME: "Could not remove {names} from {group}. " + _OUT_OF_TIME,
        S.UNANSWERED: "Could not confirm whether {names} were removed from {group}. " + _UNANSWERED,
        S.UNCONFIRMED: _unconfirmed("the request to remove them from {group} may have taken effect"),
    },
}
# Said once per user: each has its own reason.
PER_USER_STATUSES = frozenset({S.USER_MISSING, S.NOT_MEMBER})
# Said once per name, with the error its own call failed with.
FAILED_STATUS = S.FAILED

# --- List Users / List Groups -----------------------------------------------------------------
LISTING = {
    "user": dict(
        found="Successfully listed available users in AWS IAM",
        empty="No users found in AWS IAM",
        table="IAM Users",
        columns=("Username", "User ID", "ARN", "Creation Date"),
    ),
    "group": dict(
        found="Successfully listed available groups in AWS IAM",
        empty="No Groups found in AWS IAM",
        table="IAM Groups",
        columns=("Group name", "Group ID", "ARN", "Creation Date"),
    ),
}


# --- Create -----------------------------------------------------------------------------------

def created_result(spec: ActionSpec, kind: str, outcome: BulkOutcome) -> ActionResult:
    """At least one created: COMPLETED, true. None: FAILED with the combined reason, and the names
    that could not be confirmed either way; only such names: COMPLETED, false.
    A general error: FAILED, still listing what was created (also in the JSON result)."""
    lines = _lines(CREATE_LINES[kind], outcome)
    json_result = [item.to_json() for item in outcome.created]
    if outcome.error is not None:
        return ActionResult.failure(_after_error(spec, outcome.error, lines), json_result)
    if not outcome.any_done:
        parts = _lines(NOTHING_CREATED_PARTS[kind], outcome)
        unconfirmed = _status_lines(CREATE_LINES[kind][S.UNCONFIRMED], S.UNCONFIRMED, outcome)
        if not parts:
            # Only names that may have been created: no failure, but nothing confirmed created.
            return ActionResult("\n".join(unconfirmed), success=False, json_result=json_result)
        return ActionResult.failure("\n".join([spec.failure(" ".join(parts)), *unconfirmed]))
    return ActionResult("\n".join(lines), success=True, json_result=json_result)


# --- Membership -------------------------------------------------------------------------------

def membership_result(spec: ActionSpec, change: str, group: str, outcome: BulkOutcome) -> ActionResult:
    """change is "add" or "remove". Item errors never fail the action: nothing done is COMPLETED, false."""
    lines = []
    for status, template in MEMBERSHIP_LINES[change].items():
        names = outcome.of(status)
        if status in PER_USER_STATUSES:
            lines.extend(template.format(user=shown(user), group=shown(group)) for user in names)
        else:
            lines.extend(_status_lines(template, status, outcome, group=shown(group)))
    if outcome.error is not None:
        return ActionResult.failure(_after_error(spec, outcome.error, lines))
    return ActionResult("\n".join(lines), success=outcome.any_done)


# --- Lists ------------------------------------------------------------------------------------

def listed_result(kind: str, items: Sequence[IAMObject]) -> ActionResult:
    """The JSON result is always the list (empty when nothing was found), so playbooks see one shape."""
    wording = LISTING[kind]
    json_result = [item.to_json() for item in items]
    if not items:
        return ActionResult(wording["empty"], success=False, json_result=json_result)
    table = Table(wording["table"], wording["columns"], [item.to_table_row() for item in items])
    return ActionResult(wording["found"], success=True, json_result=json_result, tables=(table,))


# --- Shared -----------------------------------------------------------------------------------

def _with_names(template: str, names: Sequence[str], **fields: str) -> str:
    return template.format(names=join_names(names), **fields)


def _lines(templates: dict, outcome: BulkOutcome) -> list[str]:
    """One line per status that occurred, in the templates' order."""
    return [line for status, template in templates.items() for line in _status_lines(template, status, outcome)]


def _status_lines(template: str, status: ItemStatus, outcome: BulkOutcome, **fields: str) -> list[str]:
    """The line for the names under `status`; a failed name gets a line of its own, with its error."""
    names = outcome.of(status)
    if status is FAILED_STATUS:
        return [_with_names(template, [name], error=str(outcome.errors[name]), **fields) for name in names]
    return [_with_names(template, names, **fields)] if names else []


def _after_error(spec: ActionSpec, error: Exception, progress: list[str]) -> str:
    """The general error first, then every line of what happened before it."""
    return "\n".join([spec.failure(error), *progress])
