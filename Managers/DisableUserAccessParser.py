"""Wording and JSON result of Disable User Access."""

from ActionResults import ActionResult
from AWSIAMConstants import DISABLE_USER_ACCESS
from AWSIAMParser import denied_on_every_item, join_names
from PolicyDocuments import DENY_ALL_POLICY_NAME
from UserAccessModels import DisableCause, DisableOutcome, DisableRun, DisableStatus

DISABLED = "Successfully added deny policy to the following users in AWS IAM: {names}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {names}"
FAILED = "Action wasn't able to add deny policy to the following users in AWS IAM: {names}"
NO_USER_ENTITIES = "No User entities were found in the scope of the action."

REASONS = {
    DisableCause.NOT_A_USER_NAME: "The identifier is neither an IAM user name nor an IAM user ARN.",
    DisableCause.NAME_TOO_LONG: "The name is longer than the 64 characters IAM allows for a user name.",
    DisableCause.NO_SUCH_USER: "No IAM user with this name exists in the account.",
    DisableCause.OTHER_ACCOUNT: "The user ARN belongs to another AWS account.",
    DisableCause.NOT_ATTEMPTED: "Not attempted: an earlier error stopped the action.",
    DisableCause.OUT_OF_TIME: "Not attempted: the platform's execution deadline was near.",
    DisableCause.UNANSWERED: "The call was sent, but no answer came before the platform's deadline: check the user in AWS.",
}


def disable_result(entity_ids: list[str], run: DisableRun | None) -> ActionResult:
    """`entity_ids` are the entities' platform identifiers, in the order of `run.outcomes`."""
    if run is None:
        return ActionResult(NO_USER_ENTITIES, success=False, json_result=[])
    by_status = {status: [] for status in DisableStatus}
    for entity_id, outcome in zip(entity_ids, run.outcomes):
        by_status[outcome.status].append(entity_id if outcome.status is DisableStatus.NOT_FOUND else _name(outcome))
    lines = [template.format(names=join_names(names)) for template, names in (
        (DISABLED, by_status[DisableStatus.DISABLED]),
        (NOT_FOUND, by_status[DisableStatus.NOT_FOUND]),
        (FAILED, by_status[DisableStatus.FAILED]),
    ) if names]
    general_error = run.error or denied_on_every_item(o.error for o in run.outcomes if o.status is not DisableStatus.NOT_FOUND)
    if general_error:
        lines.insert(0, DISABLE_USER_ACCESS.failure(general_error))
    json_result = [_entity_json(entity_id, outcome) for entity_id, outcome in zip(entity_ids, run.outcomes)]
    if general_error or by_status[DisableStatus.FAILED]:
        return ActionResult("\n".join(lines), success=False, failed=True, json_result=json_result)
    return ActionResult("\n".join(lines), success=bool(by_status[DisableStatus.DISABLED]), json_result=json_result)


def _name(outcome: DisableOutcome) -> str:
    return outcome.user_name or outcome.identifier


def _entity_json(entity_id: str, outcome: DisableOutcome) -> dict:
    result = {
        "UserName": outcome.user_name,
        "Arn": outcome.arn,
        "PolicyName": DENY_ALL_POLICY_NAME,
        "Status": outcome.status.value,
    }
    if outcome.status is not DisableStatus.DISABLED:
        result["Reason"] = str(outcome.error) if outcome.error else REASONS[outcome.cause]
    return {"Entity": entity_id, "EntityResult": result}
