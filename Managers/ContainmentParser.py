"""Wording and JSON results of Disable User Access and Enable User Access; Enrich User shares the user labels,
the lookup's reasons and lines, and the entity's principal fields."""

from ActionResults import ActionResult
from AWSIAMConstants import DISABLE_USER_ACCESS, ENABLE_USER_ACCESS
from AWSIAMParser import denied_on_every_item, items_result, join_names, unconfirmed_line
from AWSIAMPolicyDocuments import DENY_ALL_POLICY_NAME
from ContainmentModels import (CONTAINMENT_TAG, MAX_TAG_VALUE_LENGTH, DisableCause, DisableOutcome, DisableRun, DisableStatus,
                               EnableOutcome, EnableRun, EnableStatus, EnableStep, RestoreMode)
from PrincipalsModels import KEY_ID_LENGTH, Kind, Missing

DISABLED = "Successfully added deny policy to the following users in AWS IAM: {names}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {names}"
FAILED = "Action wasn't able to add deny policy to the following users in AWS IAM: {names}"
NO_USER_ENTITIES = "No User entities were found in the scope of the action."
# Entities that are counted as not found: nothing was done to them, and that is no error.
TEMPORARY_KEYS = ("The following entities are temporary access keys of a role session or a federated user, so nothing "
                  "was done: {names}")
NOT_USERS = "The following entities name IAM roles, not users, so nothing was done: {names}"
# A user whose deny policy's answer was lost and could not be read back (see AWSIAMParser.UNCONFIRMED).
DENY_ADD_ATTEMPTED = "the request to add the deny policy may have taken effect"
DENY_ADD_UNCONFIRMED = (
    "IAM's answer to adding the deny policy was lost, and no read could confirm whether it took effect: check the "
    "user's inline policies in AWS, and run the action again if the deny policy is missing."
)

# Deactivate Access Keys. Only runs with the option on have these lines.
KEYS_DEACTIVATED = "Successfully deactivated the access keys of the following users in AWS IAM: {names}"
NO_ACTIVE_KEYS = "The following users in AWS IAM had no active access keys to deactivate: {names}"
KEYS_FAILED = "Added deny policy to the following users in AWS IAM, but could not deactivate all of their access keys: {names}"
USER_KEYS = "{name} ({keys})"

# Why the lookup of an entity ended (Enrich User words them the same).
LOOKUP_REASONS = {
    Missing.NOT_A_USER_NAME: "The identifier is neither an IAM user name nor an IAM user ARN.",
    Missing.NAME_TOO_LONG: "The name is longer than the 64 characters IAM allows for a user name.",
    Missing.KEY_LENGTH: f"The identifier looks like an access key ID, but AWS access key IDs have {KEY_ID_LENGTH} characters.",
    Missing.OTHER_PARTITION: ("The ARN is of another AWS partition than the one this instance's Region is in, so its "
                              "account cannot be reached."),
    Missing.ACCOUNT_ID: "The ARN's account ID is not 12 digits.",
    Missing.OTHER_ACCOUNT: "The user ARN belongs to another AWS account.",
    Missing.KEY_OTHER_ACCOUNT: ("The access key belongs to another AWS account, and no Cross-Account Role Name is "
                                "configured to reach it."),
    Missing.NO_SUCH_USER: "No IAM user with this name exists in the account.",
    Missing.PATH_MISMATCH: "An IAM user of this name exists in the account, but not at the path the ARN gives.",
    Missing.NO_SUCH_KEY: "No IAM user of the key's account holds this access key.",
    Missing.NO_SUCH_USER_ID: ("No IAM user of the home account has this unique ID (no AWS API tells which account an "
                              "ID belongs to, so only the home account is searched)."),
    Missing.NO_SUCH_ROLE_ID: "The ID is a role's unique ID, and no role of the home account has it.",
}
TEMPORARY_KEY_REASON = ("The access key is temporary (ASIA): it belongs to a role session or a federated user, "
                        "whose principal CloudTrail names. Nothing was done.")
NOT_A_USER_REASON = "The identifier names the IAM role {role}, not a user. Nothing was done."

REASONS = {
    **LOOKUP_REASONS,
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
    temporary = [entity_id for entity_id, o in pairs if o.status is DisableStatus.TEMPORARY_KEY]
    roles = [entity_id for entity_id, o in pairs if o.status is DisableStatus.NOT_A_USER]
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
        (TEMPORARY_KEYS, temporary),
        (NOT_USERS, roles),
        (KEYS_FAILED, keys_failed),
        (FAILED, deny_failed),
    ) if names]
    lines += unconfirmed_line([user_label(o) for _, o in pairs if o.status is DisableStatus.UNCONFIRMED], DENY_ADD_ATTEMPTED)
    general_error = run.error or denied_on_every_item(
        _error_of(o) for o in run.outcomes if o.status not in _NOTHING_TO_DO)
    json_result = [_disable_entity_json(entity_id, outcome) for entity_id, outcome in pairs]
    return items_result(DISABLE_USER_ACCESS, lines, json_result, general_error=general_error,
                        any_failed=bool(deny_failed or keys_failed), any_done=bool(disabled))


# Counted as not found: nothing was done, and that is no error.
_NOTHING_TO_DO = (DisableStatus.NOT_FOUND, DisableStatus.TEMPORARY_KEY, DisableStatus.NOT_A_USER)


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
    where and how the entity was resolved, the action's own `fields`, and the reason when the
    action did not succeed for the user."""
    result = {"UserName": outcome.user_name, "Arn": outcome.arn, "PolicyName": DENY_ALL_POLICY_NAME,
              "Status": outcome.status.value, **outcome.principal.to_json(), **fields}
    if reason is not None:
        result["Reason"] = reason
    return {"Entity": entity_id, "EntityResult": result}


def not_acted_reason(outcome) -> str | None:
    """The reason of an entity that is a temporary key or a role (any action), else None."""
    if outcome.status.value == Kind.TEMPORARY_KEY:
        return TEMPORARY_KEY_REASON
    if outcome.status.value == Kind.NOT_A_USER:
        return NOT_A_USER_REASON.format(role=outcome.principal.role_name)
    return None


def _disable_entity_json(entity_id: str, outcome: DisableOutcome) -> dict:
    if outcome.status is DisableStatus.DISABLED:
        reason = None
    elif outcome.status is DisableStatus.UNCONFIRMED:
        reason = DENY_ADD_UNCONFIRMED
    else:
        reason = _keys_reason(outcome) if outcome.keys else _disable_reason(outcome)
    return user_entity_json(entity_id, outcome, reason,
                            DeactivatedKeys=list(outcome.keys.deactivated) if outcome.keys else [])


def _disable_reason(outcome: DisableOutcome) -> str:
    return not_acted_reason(outcome) or (str(outcome.error) if outcome.error else REASONS[outcome.cause])


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


# Enable User Access

ENABLED = "Successfully enabled the following users in AWS IAM: {names}"
KEYS_REACTIVATED = "Successfully reactivated the access keys of the following users in AWS IAM: {names}"
KEYS_LEFT_OFF = "Left Inactive, as Reactivate Access Keys is off, the recorded access keys of the following users in AWS IAM: {names}"
KEYS_ACTIVE_ALREADY = ("Did not reactivate these recorded access keys of the following users in AWS IAM, because they are "
                       "Active already: {names}")
KEYS_NOT_THE_USERS = ("Did not reactivate these recorded access keys of the following users in AWS IAM, because the user "
                      "holds no access key with that ID (it was deleted since, or it is not the user's): {names}")
NOT_DISABLED = "The following users in AWS IAM were not disabled, so there was nothing to restore: {names}"
NOT_RESTORED = "Action wasn't able to restore the access of the following users in AWS IAM: {names}"

NOTHING_TO_RESTORE = f"Neither the deny policy {DENY_ALL_POLICY_NAME} nor the {CONTAINMENT_TAG} tag was on the user."
DENY_REMOVED = "The deny policy was removed"
DENY_ABSENT = "The deny policy was not there"
KEYS_NOT_ALL_BACK = (
    "{deny}, but not every recorded access key was reactivated: {error}. The {tag} tag was kept, so running the "
    "action again finishes the restore."
)
KEYS_MAYBE_BACK = (
    " IAM's answer to reactivating {keys} was lost, and no read could confirm whether it took effect: check the "
    "user's access keys in AWS."
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

# Restore Mode Recover.
RECOVERED = "Successfully recovered the following users in AWS IAM: {names}"
SESSIONS_CUT = ("Revoked the sessions and temporary credentials issued before containment of the following users in "
                "AWS IAM: {names}")
USER_CUTOFF = "{name} (before {time})"
KEYS_KEPT = ("Kept Inactive, as a compromised access key is never reactivated, the recorded access keys of the "
             "following users in AWS IAM: {names}")
SESSIONS_NOT_CUT = ("The sessions issued before containment could not be revoked, so the deny policy was left on and "
                    "nothing was changed: {error}")
DENY_NOT_REMOVED = ("The sessions issued before {time} were revoked, but the deny policy could not be removed: {error}. "
                    "Running the action again finishes the recovery.")
STOPPED = " Running the action again finishes the restore."
DENY_REMOVE_ATTEMPTED = "the request to remove the deny policy may have taken effect"
CUTOFF_ATTEMPTED = "the request to cut off their sessions issued before containment may have taken effect"
CUTOFF_UNCONFIRMED = (
    "IAM's answer to writing the policy AWSRevokeOlderSessions was lost, and no read could confirm whether it took "
    "effect, so the recovery stopped there: the deny policy was left on and the {tag} tag was kept. Check the user's "
    "inline policies in AWS, and run the action again."
)
DENY_REMOVE_UNCONFIRMED = (
    "IAM's answer to removing the deny policy was lost, and no read could confirm whether it took effect, so the "
    "restore stopped there: no access key was reactivated and the {tag} tag was kept. Check the user in AWS, and run "
    "the action again."
)


def enable_result(entity_ids: list[str], run: EnableRun | None, *, reactivate_keys: bool) -> ActionResult:
    """`entity_ids` are the entities' platform identifiers, in the order of `run.outcomes`."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    pairs = list(zip(entity_ids, run.outcomes))
    of = {status: [o for _, o in pairs if o.status is status] for status in EnableStatus}
    enabled, recovered = of[EnableStatus.ENABLED], of[EnableStatus.RECOVERED]
    left = [o for o in enabled if set(o.recorded_keys) - set(o.reactivated_keys)]
    lines = [template.format(names=join_names(names)) for template, names in (
        (ENABLED, [user_label(o) for o in enabled]),
        (RECOVERED, [user_label(o) for o in recovered]),
        (SESSIONS_CUT, [USER_CUTOFF.format(name=user_label(o), time=o.revoked_before) for o in recovered]),
        (KEYS_KEPT, [user_keys(o, o.kept_inactive) for o in recovered if o.kept_inactive]),
        (KEYS_REACTIVATED, [user_keys(o, o.reactivated_keys) for o in run.outcomes if o.reactivated_keys]),
        *_keys_not_back(left, reactivate_keys=reactivate_keys),
        (NOT_DISABLED, [user_label(o) for o in of[EnableStatus.NOT_DISABLED]]),
        (NOT_FOUND, [entity_id for entity_id, o in pairs if o.status is EnableStatus.NOT_FOUND]),
        (TEMPORARY_KEYS, [entity_id for entity_id, o in pairs if o.status is EnableStatus.TEMPORARY_KEY]),
        (NOT_USERS, [entity_id for entity_id, o in pairs if o.status is EnableStatus.NOT_A_USER]),
        (NOT_RESTORED, [user_label(o) for o in of[EnableStatus.FAILED]]),
    ) if names]
    lines += unconfirmed_line([user_label(o) for o in of[EnableStatus.UNCONFIRMED] if not o.sessions_unconfirmed],
                              DENY_REMOVE_ATTEMPTED)
    lines += unconfirmed_line([user_label(o) for o in of[EnableStatus.UNCONFIRMED] if o.sessions_unconfirmed],
                              CUTOFF_ATTEMPTED)
    general_error = run.error or denied_on_every_item(
        o.error for o in run.outcomes if o.status not in (EnableStatus.NOT_FOUND, EnableStatus.NOT_DISABLED,
                                                          EnableStatus.TEMPORARY_KEY, EnableStatus.NOT_A_USER))
    json_result = [_enable_entity_json(entity_id, outcome, run.mode) for entity_id, outcome in pairs]
    return items_result(ENABLE_USER_ACCESS, lines, json_result, general_error=general_error,
                        any_failed=bool(of[EnableStatus.FAILED]), any_done=bool(enabled or recovered))


def _keys_not_back(left: list[EnableOutcome], *, reactivate_keys: bool) -> list[tuple[str, list[str]]]:
    """The lines for recorded keys an enabled user did not get back, and why."""
    if not reactivate_keys:
        return [(KEYS_LEFT_OFF, [user_keys(o, [k for k in o.recorded_keys if k not in o.reactivated_keys]) for o in left])]
    active = [(o, [k for k in o.recorded_keys if k not in o.reactivated_keys and k not in o.absent_keys]) for o in left]
    return [(KEYS_ACTIVE_ALREADY, [user_keys(o, keys) for o, keys in active if keys]),
            (KEYS_NOT_THE_USERS, [user_keys(o, o.absent_keys) for o in left if o.absent_keys])]


def _enable_entity_json(entity_id: str, outcome: EnableOutcome, mode: RestoreMode) -> dict:
    done = outcome.status in (EnableStatus.ENABLED, EnableStatus.RECOVERED)
    reason = None if done else _enable_reason(outcome)
    fields = dict(DenyPolicyRemoved=outcome.deny_removed, RecordedKeys=list(outcome.recorded_keys),
                  ReactivatedKeys=list(outcome.reactivated_keys))
    if mode is RestoreMode.RECOVER:
        # Only Recover has these, so an Undo run's JSON stays as it always was.
        fields.update(RevokedBefore=outcome.revoked_before, KeptInactive=list(outcome.kept_inactive))
    return user_entity_json(entity_id, outcome, reason, **fields)


def _enable_reason(outcome: EnableOutcome) -> str:
    deny = DENY_REMOVED if outcome.deny_removed else DENY_ABSENT
    if outcome.status is EnableStatus.NOT_DISABLED:
        return NOTHING_TO_RESTORE
    if not_acted_reason(outcome):
        return not_acted_reason(outcome)
    if outcome.status is EnableStatus.UNCONFIRMED:
        return (CUTOFF_UNCONFIRMED if outcome.sessions_unconfirmed else DENY_REMOVE_UNCONFIRMED).format(tag=CONTAINMENT_TAG)
    if outcome.interrupted:
        head = str(outcome.error) if outcome.error else INTERRUPTIONS.get(outcome.cause, REASONS[outcome.cause])
        return head + (STOPPED_AFTER_DENY if outcome.deny_removed else STOPPED)
    if outcome.cause is DisableCause.TAG_UNREADABLE:
        return TAG_UNREADABLE.format(tag=CONTAINMENT_TAG, value=outcome.tag_value, deny=deny)
    if outcome.step is EnableStep.SESSIONS:
        return SESSIONS_NOT_CUT.format(error=outcome.error)
    if outcome.step is EnableStep.DENY_POLICY and outcome.revoked_before:
        return DENY_NOT_REMOVED.format(time=outcome.revoked_before, error=outcome.error)
    if outcome.step is EnableStep.KEYS:
        maybe_back = KEYS_MAYBE_BACK.format(keys=join_names(outcome.unconfirmed_keys)) if outcome.unconfirmed_keys else ""
        return KEYS_NOT_ALL_BACK.format(deny=deny, error=outcome.error, tag=CONTAINMENT_TAG) + maybe_back
    if outcome.step is EnableStep.TAG:
        return TAG_NOT_REMOVED.format(tag=CONTAINMENT_TAG, error=outcome.error)
    # Not found, not reached, or the deny policy's own deletion refused: nothing was changed.
    return str(outcome.error) if outcome.error else REASONS[outcome.cause]
