"""Wording, JSON results, tables and entity properties of Enrich, Disable and Enable Identity
Center User Access. Pure functions of the run's outcomes."""

from ActionResults import ActionResult, EntityEnrichment, Table
from AWSIAMConstants import ActionSpec
from AWSIAMParser import denied_on_every_item, items_result, join_names, unconfirmed_line
from ConnectionSettings import IDENTITY_CENTER_REGION
from ContainmentModels import DisableCause
from ContainmentParser import NO_USER_ENTITIES
from ContainmentParser import REASONS as IAM_REASONS
from IdentityCenterModels import (CONTAINMENT_SID, MAX_INLINE_POLICY_LENGTH, USER_ID_KEY, Cause, DisableStatus,
                                  EnableStatus, EnrichStatus, NoInstance, Outcome, Run, SetChange)

# Used by these three actions only, so they live here rather than in AWSIAMConstants.
ENRICH_IC_USER = ActionSpec("Enrich Identity Center User")
DISABLE_IC_USER_ACCESS = ActionSpec("Disable Identity Center User Access")
ENABLE_IC_USER_ACCESS = ActionSpec("Enable Identity Center User Access")

NO_INSTANCE = (
    "No IAM Identity Center instance was found in the region {region}. Check that '" + IDENTITY_CENTER_REGION
    + "' names the region where the organization's Identity Center is enabled, and that the integration's "
    "credentials belong to the management account or to a delegated administrator."
)

NOT_FOUND = "Action wasn't able to find the following users in IAM Identity Center: {names}"
IN_PROGRESS = ("Provisioning is still under way in AWS for the following permission sets; the change reaches each "
               "account when it ends: {names}")

REASONS = {
    Cause.NOT_AN_IDENTIFIER: "The identifier is neither an Identity Center user name nor an e-mail address.",
    Cause.NO_SUCH_USER: "No user with this user name or e-mail address exists in the identity store.",
    Cause.NOT_ATTEMPTED: IAM_REASONS[DisableCause.NOT_ATTEMPTED],
    Cause.OUT_OF_TIME: IAM_REASONS[DisableCause.OUT_OF_TIME],
    Cause.UNANSWERED: "A call was sent, but no answer came before the platform's deadline: check the user in AWS.",
}

# Why one permission set failed for a user, after "Permission set <name>: ".
SET_REASONS = {
    Cause.POLICY_NOT_JSON: ("its inline policy is not a valid JSON policy document, so nothing was written to it. "
                            "Correct or delete the inline policy, then run the action again."),
    Cause.STATEMENT_CHANGED: (f"its {CONTAINMENT_SID} statement was changed by hand and no longer denies a list of "
                              f"{USER_ID_KEY} values, so nothing was written to it. Correct or delete that statement, "
                              "then run the action again."),
    Cause.NOT_ATTEMPTED: "not attempted: an earlier error stopped the action.",
    Cause.OUT_OF_TIME: "not attempted: the platform's execution deadline was near.",
    Cause.UNANSWERED: "a call got no answer before the platform's deadline: check the permission set in AWS.",
}
POLICY_TOO_LARGE = (f"adding the user's ID would take its inline policy past AWS's limit of "
                    f"{MAX_INLINE_POLICY_LENGTH:,} characters, so it was not added.")
PROVISIONING_FAILED = "the inline policy was written, but AWS failed to provision it: {reason}"
# A set whose change may have taken effect, but no read could confirm it (see AWSIAMParser.UNCONFIRMED).
UNCONFIRMED = "Could not confirm the following in IAM Identity Center, check them there: {names} ({attempt})"
PROVISIONING_UNCONFIRMED = (
    "the inline policy was written, but Identity Center's answer to provisioning it was lost: check the provisioning "
    "status of the permission set in AWS, and provision it to its accounts there if it did not start."
)
# Running the action again would find nothing to write, and so provision nothing: hence "provision it there".
WRITE_UNCONFIRMED = {
    DisableStatus: (f"Identity Center's answer to adding the user's ID to the {CONTAINMENT_SID} statement was lost, and "
                    "no read could confirm whether it took effect, so the permission set was not provisioned. Check its "
                    "inline policy in AWS: if the statement lists the user's ID, provision the permission set to its "
                    "accounts there; if not, run the action again."),
    EnableStatus: (f"Identity Center's answer to removing the user's ID from the {CONTAINMENT_SID} statement was lost, "
                   "and no read could confirm whether it took effect, so the permission set was not provisioned. Check "
                   "its inline policy in AWS: if the statement no longer lists the user's ID, provision the permission "
                   "set to its accounts there; if it does, run the action again."),
}
NOT_PROVISIONED = "the inline policy was written, but not provisioned: {error}"
SET_FAILURE = "Permission set {name}: {reason}"


def no_instance_result(spec: ActionSpec, missing: NoInstance) -> ActionResult:
    return ActionResult.failure(spec.failure(NO_INSTANCE.format(region=missing.region)))


def _names(pairs, status) -> list[str]:
    """The users of one status by their user name, else as the entity names them (not found); each
    once, even when two entities named the same person."""
    return list(dict.fromkeys(o.user_name or entity_id for entity_id, o in pairs if o.status is status))


def _reason(outcome: Outcome) -> str:
    changes = (*outcome.set_failures, *outcome.unconfirmed_sets)
    if changes:
        parts = [SET_FAILURE.format(name=change.name or change.arn, reason=_set_reason(change, outcome))
                 for change in changes]
        if outcome.cause is not None:
            parts.append(REASONS[outcome.cause])
        return " ".join(parts)
    return str(outcome.error) if outcome.error else REASONS[outcome.cause]


def _set_reason(change: SetChange, outcome: Outcome) -> str:
    if not change.failed and outcome.user_id in change.left_out:
        return POLICY_TOO_LARGE
    if change.cause is Cause.WRITE_UNCONFIRMED:
        return WRITE_UNCONFIRMED[type(outcome.status)]
    if change.cause is Cause.PROVISIONING_UNCONFIRMED:
        return PROVISIONING_UNCONFIRMED
    if change.cause is Cause.PROVISIONING_FAILED:
        return PROVISIONING_FAILED.format(reason=change.provisioning.failure_reason or change.provisioning.status)
    if change.error is not None:
        return NOT_PROVISIONED.format(error=change.error) if change.wrote else str(change.error)
    return SET_REASONS[change.cause]


def _entity_json(entity_id: str, outcome: Outcome, success) -> dict:
    result = {"UserName": outcome.user_name, "UserId": outcome.user_id, "Status": outcome.status.value,
              "PermissionSets": list(outcome.permission_sets)}
    if outcome.status is not success and (outcome.cause or outcome.error or outcome.set_failures
                                          or outcome.unconfirmed_sets):
        result["Reason"] = _reason(outcome)
    return {"Entity": entity_id, "EntityResult": result}


def _in_progress(outcomes) -> list[str]:
    return list(dict.fromkeys(name for o in outcomes for name in o.in_progress))


def _general_error(run: Run, tried) -> Exception | None:
    return run.error or denied_on_every_item(o.error for o in run.outcomes if o.status in tried)


# --- Disable Identity Center User Access -------------------------------------------------------------

DISABLED = "Successfully denied the following users in every permission set they reach in IAM Identity Center: {names}"
NO_ACCESS = ("The following users in IAM Identity Center reach no permission set in any account, so there was nothing "
             "to deny: {names}")
NOT_DISABLED_LINE = "Action wasn't able to deny access to the following users in IAM Identity Center: {names}"
NO_ACCESS_REASON = "The user reaches no permission set in any account, directly or through a group."
# What was attempted for an unconfirmed user, by what is unconfirmed in one of its permission sets.
DENY_ATTEMPTED = {
    Cause.WRITE_UNCONFIRMED: f"the request to add them to the {CONTAINMENT_SID} statement of a permission set may have "
                             "taken effect",
    Cause.PROVISIONING_UNCONFIRMED: "the request to provision a permission set that now denies them may have taken effect",
}


def disable_result(entity_ids: list[str], run: Run | None) -> ActionResult:
    """`entity_ids` are the entities' platform identifiers, in the order of `run.outcomes`."""
    return _access_result(DISABLE_IC_USER_ACCESS, entity_ids, run, DisableStatus.DISABLED, (
        (DISABLED, DisableStatus.DISABLED), (IN_PROGRESS, None), (NO_ACCESS, DisableStatus.NO_ACCESS),
        (NOT_FOUND, DisableStatus.NOT_FOUND), (NOT_DISABLED_LINE, DisableStatus.FAILED),
    ), {DisableStatus.NO_ACCESS: NO_ACCESS_REASON}, DENY_ATTEMPTED)


def _access_result(spec: ActionSpec, entity_ids: list[str], run: Run | None, done, lines_by_status,
                   reasons: dict, attempts: dict) -> ActionResult:
    """Disable's and Enable's result: a line per status that occurred, in `lines_by_status` order
    (None stands for the provisioning line), then a line per kind of unconfirmed change (`attempts`),
    a JSON entry per entity, and the result rule of Disable and Enable User Access: an unconfirmed
    user neither fails the action nor counts as done."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    if run.no_instance:
        return no_instance_result(spec, run.no_instance)
    pairs = list(zip(entity_ids, run.outcomes))
    lines = []
    for template, status in lines_by_status:
        names = _in_progress(run.outcomes) if status is None else _names(pairs, status)
        if names:
            lines.append(template.format(names=join_names(names)))
    unconfirmed = [o for o in run.outcomes if o.status is type(done).UNCONFIRMED]
    for cause, attempt in attempts.items():
        names = [o.user_name for o in unconfirmed if any(change.cause is cause for change in o.unconfirmed_sets)]
        lines += unconfirmed_line(names, attempt, UNCONFIRMED)
    json_result = []
    for entity_id, outcome in pairs:
        entry = _entity_json(entity_id, outcome, done)
        if outcome.status in reasons:
            entry["EntityResult"]["Reason"] = reasons[outcome.status]
        json_result.append(entry)
    failed = type(done).FAILED
    return items_result(spec, lines, json_result, general_error=_general_error(run, (failed,)),
                        any_failed=any(o.status is failed for o in run.outcomes),
                        any_done=any(o.status is done for o in run.outcomes))


# --- Enable Identity Center User Access --------------------------------------------------------------

ENABLED = ("Successfully removed the following users from the deny statement of every permission set in IAM "
           "Identity Center: {names}")
NOT_DISABLED = "The following users in IAM Identity Center were not disabled, so there was nothing to restore: {names}"
NOT_RESTORED = "Action wasn't able to restore the access of the following users in IAM Identity Center: {names}"
NOTHING_TO_RESTORE = f"No permission set's {CONTAINMENT_SID} statement lists the user."
RELEASE_ATTEMPTED = {
    Cause.WRITE_UNCONFIRMED: f"the request to remove them from the {CONTAINMENT_SID} statement of a permission set may "
                             "have taken effect",
    Cause.PROVISIONING_UNCONFIRMED: "the request to provision a permission set that no longer denies them may have taken "
                                    "effect",
}


def enable_result(entity_ids: list[str], run: Run | None) -> ActionResult:
    return _access_result(ENABLE_IC_USER_ACCESS, entity_ids, run, EnableStatus.ENABLED, (
        (ENABLED, EnableStatus.ENABLED), (IN_PROGRESS, None), (NOT_DISABLED, EnableStatus.NOT_DISABLED),
        (NOT_FOUND, EnableStatus.NOT_FOUND), (NOT_RESTORED, EnableStatus.FAILED),
    ), {EnableStatus.NOT_DISABLED: NOTHING_TO_RESTORE}, RELEASE_ATTEMPTED)


# --- Enrich Identity Center User ---------------------------------------------------------------------

ENRICHED = "Successfully enriched the following users from IAM Identity Center: {names}"
NOT_ENRICHED = "Action wasn't able to enrich the following users from IAM Identity Center: {names}"
PROPERTY_PREFIX = "AWSIAM_IC_"
USER_TABLE = "Identity Center User: {name}"
USER_COLUMNS = ["Field", "Value"]
NONE = "none"


def entity_properties(profile) -> dict[str, str]:
    """Flat string values, the same keys for every user; lists joined with commas."""
    data = profile.to_json()
    values = {
        "UserId": data["UserId"],
        "UserName": data["UserName"],
        "DisplayName": data["DisplayName"],
        "Email": data["Email"],
        "Groups": ",".join(data["Groups"]),
        "Accounts": ",".join(dict.fromkeys(a["AccountId"] for a in data["Assignments"])),
        "PermissionSets": ",".join(dict.fromkeys(a["PermissionSetName"] for a in data["Assignments"])),
        "Contained": str(data["Contained"]),
        "ContainedIn": ",".join(data["ContainedIn"]),
    }
    return {PROPERTY_PREFIX + name: value for name, value in values.items()}


def user_table(profile) -> Table:
    data = profile.to_json()
    assignments = [f"{a['AccountId']} {a['PermissionSetName']} (via {a['Via']})" for a in data["Assignments"]]
    rows = [
        ("User Name", data["UserName"]),
        ("User ID", data["UserId"]),
        ("Display Name", data["DisplayName"]),
        ("E-mail", data["Email"]),
        ("Groups", ", ".join(data["Groups"]) or NONE),
        ("Assignments", ", ".join(assignments) or NONE),
        ("Contained", f"Yes, in {', '.join(data['ContainedIn'])}" if data["Contained"] else "No"),
    ]
    return Table(USER_TABLE.format(name=data["UserName"]), USER_COLUMNS, rows)


def enrich_result(entities: list, run: Run | None) -> ActionResult:
    """`entities` are the User entities, in the order of `run.outcomes`."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    if run.no_instance:
        return no_instance_result(ENRICH_IC_USER, run.no_instance)
    pairs = [(entity.identifier, outcome) for entity, outcome in zip(entities, run.outcomes)]
    json_result, tables, enrichments, tabled = [], [], [], set()
    for entity, outcome in zip(entities, run.outcomes):
        if outcome.status is not EnrichStatus.ENRICHED:
            json_result.append({"Entity": entity.identifier, "EntityResult": {
                "UserName": outcome.user_name, "UserId": outcome.user_id, "Status": outcome.status.value,
                "Reason": _reason(outcome)}})
            continue
        profile = outcome.profile
        json_result.append({"Entity": entity.identifier,
                            "EntityResult": {**profile.to_json(), "Status": outcome.status.value}})
        if profile.user.id not in tabled:  # one table per user, however many entities name it
            tabled.add(profile.user.id)
            tables.append(user_table(profile))
        enrichments.append(EntityEnrichment(entity, entity_properties(profile)))
    lines = [template.format(names=join_names(names)) for template, names in (
        (ENRICHED, _names(pairs, EnrichStatus.ENRICHED)),
        (NOT_FOUND, _names(pairs, EnrichStatus.NOT_FOUND)),
        (NOT_ENRICHED, _names(pairs, EnrichStatus.FAILED)),
    ) if names]
    general_error = _general_error(run, (EnrichStatus.FAILED,))
    if general_error:
        lines.insert(0, ENRICH_IC_USER.failure(general_error))
    enriched = any(o.status is EnrichStatus.ENRICHED for o in run.outcomes)
    return ActionResult("\n".join(lines), success=enriched and not general_error, failed=bool(general_error),
                        json_result=json_result, tables=tables, enrichments=enrichments)
