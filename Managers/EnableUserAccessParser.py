"""Wording and JSON result of Enable User Access."""

from ActionResults import ActionResult
from AWSIAMConstants import ENABLE_USER_ACCESS
from AWSIAMParser import denied_on_every_item, items_result, join_names
from DisableUserAccessParser import NO_USER_ENTITIES, NOT_FOUND, REASONS, user_entity_json, user_keys, user_label
from PolicyDocuments import DENY_ALL_POLICY_NAME
from UserAccessModels import CONTAINMENT_TAG, DisableCause, EnableOutcome, EnableRun, EnableStatus, EnableStep

ENABLED = "Successfully enabled the following users in AWS IAM: {names}"
KEYS_REACTIVATED = "Successfully reactivated the access keys of the following users in AWS IAM: {names}"
KEYS_LEFT_OFF = "Left Inactive, as Reactivate Access Keys is off, the recorded access keys of the following users in AWS IAM: {names}"
KEYS_NOT_BACK = ("Did not reactivate these recorded access keys of the following users in AWS IAM, because they no longer "
                 "exist or are Active already: {names}")
NOT_DISABLED = "The following users in AWS IAM were not disabled, so there was nothing to restore: {names}"
FAILED = "Action wasn't able to restore the access of the following users in AWS IAM: {names}"

NOTHING_TO_RESTORE = f"Neither the deny policy {DENY_ALL_POLICY_NAME} nor the {CONTAINMENT_TAG} tag was on the user."
DENY_REMOVED = "The deny policy was removed"
DENY_ABSENT = "The deny policy was not there"
KEYS_NOT_ALL_BACK = (
    "{deny}, but not every recorded access key was reactivated: {error}. The {tag} tag was kept, so running the "
    "action again finishes the restore."
)
TAG_NOT_REMOVED = "Access was restored, but the {tag} tag could not be removed: {error}"
TAG_UNREADABLE = (
    "The {tag} tag does not hold a record this integration wrote ({value}), so no access key was reactivated and "
    "the tag was left on the user: check the user's access keys, then delete the tag. {deny}."
)
# A general error or the deadline stopped a user's restore part-way.
INTERRUPTIONS = {
    DisableCause.OUT_OF_TIME: "The platform's execution deadline came before the restore was complete.",
    DisableCause.UNANSWERED: "A call got no answer before the platform's deadline: check the user in AWS.",
}
STOPPED_AFTER_DENY = " The deny policy was removed; running the action again finishes the restore."
STOPPED = " Running the action again finishes the restore."


def enable_result(entity_ids: list[str], run: EnableRun | None, *, reactivate_keys: bool) -> ActionResult:
    """`entity_ids` are the entities' platform identifiers, in the order of `run.outcomes`."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    pairs = list(zip(entity_ids, run.outcomes))
    of = {status: [o for _, o in pairs if o.status is status] for status in EnableStatus}
    enabled = of[EnableStatus.ENABLED]
    left = [o for o in enabled if set(o.recorded_keys) - set(o.reactivated_keys)]
    lines = [template.format(names=join_names(names)) for template, names in (
        (ENABLED, [user_label(o) for o in enabled]),
        (KEYS_REACTIVATED, [user_keys(o, o.reactivated_keys) for o in run.outcomes if o.reactivated_keys]),
        (KEYS_NOT_BACK if reactivate_keys else KEYS_LEFT_OFF,
         [user_keys(o, [k for k in o.recorded_keys if k not in o.reactivated_keys]) for o in left]),
        (NOT_DISABLED, [user_label(o) for o in of[EnableStatus.NOT_DISABLED]]),
        (NOT_FOUND, [entity_id for entity_id, o in pairs if o.status is EnableStatus.NOT_FOUND]),
        (FAILED, [user_label(o) for o in of[EnableStatus.FAILED]]),
    ) if names]
    general_error = run.error or denied_on_every_item(
        o.error for o in run.outcomes if o.status not in (EnableStatus.NOT_FOUND, EnableStatus.NOT_DISABLED))
    json_result = [_entity_json(entity_id, outcome) for entity_id, outcome in pairs]
    return items_result(ENABLE_USER_ACCESS, lines, json_result, general_error=general_error,
                        any_failed=bool(of[EnableStatus.FAILED]), any_done=bool(enabled))


def _entity_json(entity_id: str, outcome: EnableOutcome) -> dict:
    reason = None if outcome.status is EnableStatus.ENABLED else _reason(outcome)
    return user_entity_json(entity_id, outcome, reason, DenyPolicyRemoved=outcome.deny_removed,
                            RecordedKeys=list(outcome.recorded_keys), ReactivatedKeys=list(outcome.reactivated_keys))


def _reason(outcome: EnableOutcome) -> str:
    deny = DENY_REMOVED if outcome.deny_removed else DENY_ABSENT
    if outcome.status is EnableStatus.NOT_DISABLED:
        return NOTHING_TO_RESTORE
    if outcome.interrupted:
        head = str(outcome.error) if outcome.error else INTERRUPTIONS.get(outcome.cause, REASONS[outcome.cause])
        return head + (STOPPED_AFTER_DENY if outcome.deny_removed else STOPPED)
    if outcome.cause is DisableCause.TAG_UNREADABLE:
        return TAG_UNREADABLE.format(tag=CONTAINMENT_TAG, value=outcome.tag_value, deny=deny)
    if outcome.step is EnableStep.KEYS:
        return KEYS_NOT_ALL_BACK.format(deny=deny, error=outcome.error, tag=CONTAINMENT_TAG)
    if outcome.step is EnableStep.TAG:
        return TAG_NOT_REMOVED.format(tag=CONTAINMENT_TAG, error=outcome.error)
    # Not found, not reached, or the deny policy's own deletion refused: nothing was changed.
    return str(outcome.error) if outcome.error else REASONS[outcome.cause]
