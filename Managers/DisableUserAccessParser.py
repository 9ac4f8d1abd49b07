"""Wording and JSON result of Disable User Access, and what Enable User Access and Enrich User share with it."""

from ActionResults import ActionResult
from AWSIAMConstants import DISABLE_USER_ACCESS
from AWSIAMParser import denied_on_every_item, items_result, join_names
from PolicyDocuments import DENY_ALL_POLICY_NAME
from UserAccessModels import CONTAINMENT_TAG, MAX_TAG_VALUE_LENGTH, DisableCause, DisableOutcome, DisableRun, DisableStatus

DISABLED = "Successfully added deny policy to the following users in AWS IAM: {names}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {names}"
FAILED = "Action wasn't able to add deny policy to the following users in AWS IAM: {names}"
NO_USER_ENTITIES = "No User entities were found in the scope of the action."

# Deactivate Access Keys. Only runs with the option on have these lines.
KEYS_DEACTIVATED = "Successfully deactivated the access keys of the following users in AWS IAM: {names}"
NO_ACTIVE_KEYS = "The following users in AWS IAM had no active access keys to deactivate: {names}"
KEYS_FAILED = "Added deny policy to the following users in AWS IAM, but could not deactivate all of their access keys: {names}"
USER_KEYS = "{name} ({keys})"

REASONS = {
    DisableCause.NOT_A_USER_NAME: "The identifier is neither an IAM user name nor an IAM user ARN.",
    DisableCause.NAME_TOO_LONG: "The name is longer than the 64 characters IAM allows for a user name.",
    DisableCause.NO_SUCH_USER: "No IAM user with this name exists in the account.",
    DisableCause.OTHER_ACCOUNT: "The user ARN belongs to another AWS account.",
    DisableCause.NOT_ATTEMPTED: "Not attempted: an earlier error stopped the action.",
    DisableCause.OUT_OF_TIME: "Not attempted: the platform's execution deadline was near.",
    DisableCause.UNANSWERED: "The call was sent, but no answer came before the platform's deadline: check the user in AWS.",
}

# Why the key step of a user stopped, after "...not every Active access key was deactivated: ".
KEYS_REASON = "The deny policy was added, but not every Active access key was deactivated: {detail}"
KEY_REFUSED = "access key {key}: {error}"
KEYS_STOPPED = {
    DisableCause.TAG_UNREADABLE: (
        f"the {CONTAINMENT_TAG} tag already on the user does not hold a record this integration wrote, so the keys "
        "were left Active rather than overwrite it. Check the tag, correct or delete it, and run the action again."
    ),
    DisableCause.RECORD_TOO_LONG: (
        f"the record of the keys would not fit in the {MAX_TAG_VALUE_LENGTH} characters of the {CONTAINMENT_TAG} tag, "
        "so the keys were left Active."
    ),
    DisableCause.NOT_ATTEMPTED: "an earlier error stopped the action.",
    DisableCause.OUT_OF_TIME: "the platform's execution deadline was near.",
    DisableCause.UNANSWERED: "a call got no answer before the platform's deadline: check the user's access keys in AWS.",
}
KEYS_UNCONFIRMED = (
    f" The {CONTAINMENT_TAG} tag also lists {{keys}}, which may still be Active; Enable User Access only "
    "reactivates recorded keys that are Inactive."
)


def disable_result(entity_ids: list[str], run: DisableRun | None) -> ActionResult:
    """`entity_ids` are the entities' platform identifiers, in the order of `run.outcomes`."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    pairs = list(zip(entity_ids, run.outcomes))
    disabled = [user_label(o) for _, o in pairs if o.status is DisableStatus.DISABLED]
    not_found = [entity_id for entity_id, o in pairs if o.status is DisableStatus.NOT_FOUND]
    deny_failed = [user_label(o) for _, o in pairs if o.status is DisableStatus.FAILED and o.keys is None]
    keys_failed = [user_label(o) for _, o in pairs if o.status is DisableStatus.FAILED and o.keys is not None]
    with_keys = [o for _, o in pairs if o.keys is not None]
    deactivated = [user_keys(o, o.keys.deactivated) for o in with_keys if o.keys.deactivated]
    no_active = [user_label(o) for o in with_keys if o.status is DisableStatus.DISABLED and not o.keys.deactivated]
    lines = [template.format(names=join_names(names)) for template, names in (
        (DISABLED, disabled),
        (KEYS_DEACTIVATED, deactivated),
        (NO_ACTIVE_KEYS, no_active),
        (NOT_FOUND, not_found),
        (KEYS_FAILED, keys_failed),
        (FAILED, deny_failed),
    ) if names]
    general_error = run.error or denied_on_every_item(
        _error_of(o) for o in run.outcomes if o.status is not DisableStatus.NOT_FOUND)
    json_result = [_entity_json(entity_id, outcome) for entity_id, outcome in pairs]
    return items_result(DISABLE_USER_ACCESS, lines, json_result, general_error=general_error,
                        any_failed=bool(deny_failed or keys_failed), any_done=bool(disabled))


def _error_of(outcome: DisableOutcome):
    return outcome.error or (outcome.keys.error if outcome.keys else None)


def user_label(outcome) -> str:
    """How a line names the user of an outcome (Disable, Enable or Enrich User): IAM's own name
    once known, else the entity's text."""
    return outcome.user_name or outcome.identifier


def user_keys(outcome, keys) -> str:
    return USER_KEYS.format(name=user_label(outcome), keys=join_names(keys))


def user_entity_json(entity_id: str, outcome, reason: str | None, **fields) -> dict:
    """One entity's JSON result in Disable and Enable User Access: the user and the deny policy,
    the action's own `fields`, and the reason when the action did not succeed for the user."""
    result = {"UserName": outcome.user_name, "Arn": outcome.arn, "PolicyName": DENY_ALL_POLICY_NAME,
              "Status": outcome.status.value, **fields}
    if reason is not None:
        result["Reason"] = reason
    return {"Entity": entity_id, "EntityResult": result}


def _entity_json(entity_id: str, outcome: DisableOutcome) -> dict:
    if outcome.status is DisableStatus.DISABLED:
        reason = None
    else:
        reason = _keys_reason(outcome) if outcome.keys else _reason(outcome.cause, outcome.error)
    return user_entity_json(entity_id, outcome, reason,
                            DeactivatedKeys=list(outcome.keys.deactivated) if outcome.keys else [])


def _reason(cause: DisableCause | None, error: Exception | None) -> str:
    return str(error) if error else REASONS[cause]


def _keys_reason(outcome: DisableOutcome) -> str:
    step = outcome.keys
    if step.error is not None:
        detail = KEY_REFUSED.format(key=step.failed_key, error=step.error) if step.failed_key else str(step.error)
    else:
        detail = KEYS_STOPPED[step.cause]
    reason = KEYS_REASON.format(detail=detail)
    if step.unconfirmed:
        reason += KEYS_UNCONFIRMED.format(keys=join_names(step.unconfirmed))
    return reason
