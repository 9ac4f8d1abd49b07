"""Wording, JSON results and tables of Create a Policy, List Policies, Attach a Policy and Detach a Policy."""

from ActionResults import ActionResult, Table
from AWSIAMConstants import MAX_NAME_LENGTH
from AWSIAMDatamodels import Policy
from AWSIAMParser import shown, unconfirmed_line
from AWSIAMExceptions import MalformedPolicy
from InputValidation import NameProblem, name_problem
from AWSIAMPolicyDocuments import InvalidDescription, MalformedDocument
from PolicyModels import (
    AttachOutcome,
    AttachStatus,
    CreateOutcome,
    CreateStatus,
    DetachOutcome,
    DetachStatus,
    IdentityType,
    PolicyInputProblem,
    PolicyTarget,
)

# Create a Policy
CREATED = "{name} policy was successfully created"
NOT_CREATED = "Could not create {name} policy. "
NAME_NOT_UNIQUE = "Policy names must be unique within an account."
INVALID_POLICY_NAME = "Policy names must contain only alphanumeric characters and/or the following: +=,.@_-."
POLICY_NAME_TOO_LONG = f"Policy names must be at most {MAX_NAME_LENGTH['policy']} characters."
MALFORMED = "The policy document was malformed. Reason: {reason}"
CREATE_ATTEMPTED = "the request to create it may have taken effect"
ATTACH_ATTEMPTED = "the request to attach {policy} may have taken effect"
DETACH_ATTEMPTED = "the request to detach {policy} may have taken effect"
UNCONFIRMED_IDENTITY = "{identity_type}: {identity}"

# List Policies
LISTED = "Successfully listed available policies in AWS IAM"
MORE_MATCH = ". Please note, there are additional policies that match the provided filter."
NONE_LISTED = "No Policies were found in AWS IAM"
POLICIES_TABLE = "IAM Policies"
POLICY_COLUMNS = ("Policy Name", "Policy ID", "Create Date", "Update Date")

# Attach a Policy
ATTACHED = "Policy was attached to {identity_type}: {identity}"
SHADOWED = (
    ". An AWS managed policy is also named {name}; the customer managed policy {arn} was attached"
    " instead of {shadowed_arn}."
)
NOT_ATTACHED = "Could not attach {policy} to {identity_type}: {identity}"
INVALID_NAME = ". Names must contain only alphanumeric characters and/or the following: +=,.@_-."
INVALID_POLICY_ARN = ". A policy ARN must look like arn:aws:iam::123456789012:policy/Name."
NAME_TOO_LONG = ". {Kind} names must be at most {limit} characters."
IDENTITY_MISSING = ". The {kind} {identity} cannot be found."
POLICY_MISSING = ". The policy {policy} cannot be found."
ATTACH_REFUSALS = {
    AttachStatus.IDENTITY_MISSING: IDENTITY_MISSING,
    AttachStatus.POLICY_MISSING: POLICY_MISSING,
    AttachStatus.LIMIT_EXCEEDED: " because it attempted to create resources beyond the current AWS account limits.",
}

# Detach a Policy: Attach's sentences, the other way round.
DETACHED = "Policy was detached from {identity_type}: {identity}"
DETACH_SHADOWED = (
    ". An AWS managed policy is also named {name}; the customer managed policy {arn} was detached"
    " instead of {shadowed_arn}."
)
IS_NOT_ATTACHED = "Policy {policy} is not attached to {identity_type}: {identity}"
NOT_ATTACHED_SHADOWED = (
    ". An AWS managed policy is also named {name}; only the customer managed policy {arn} was looked"
    " for. To detach {shadowed_arn}, give its ARN."
)
NOT_DETACHED = "Could not detach {policy} from {identity_type}: {identity}"
DETACH_REFUSALS = {DetachStatus.IDENTITY_MISSING: IDENTITY_MISSING, DetachStatus.POLICY_MISSING: POLICY_MISSING}


# --- Create a Policy ------------------------------------------------------------------------


def policy_created(policy: Policy, description: str | None) -> ActionResult:
    json_result = policy.to_json()
    # A policy created this instant has no attachments; some IAM endpoints (moto among them) omit
    # the counters, and playbooks should find the contract's fields on every run.
    json_result.setdefault("AttachmentCount", 0)
    json_result.setdefault("PermissionsBoundaryUsageCount", 0)
    if description:
        # IAM's CreatePolicy answer leaves the description out; the analyst gave it, so show it.
        json_result.setdefault("Description", description)
    return ActionResult(CREATED.format(name=policy.name), success=True, json_result=json_result)


def create_result(name: str, outcome: CreateOutcome, description: str | None) -> ActionResult:
    """Created: COMPLETED, true. Existing: FAILED. Unconfirmed (the answer was lost and no read
    could tell): COMPLETED, false, with the line that says to check it in AWS."""
    if outcome.status is CreateStatus.CREATED:
        return policy_created(outcome.policy, description)
    if outcome.status is CreateStatus.EXISTS:
        return ActionResult.failure(NOT_CREATED.format(name=name) + NAME_NOT_UNIQUE)
    return ActionResult("\n".join(unconfirmed_line([name], CREATE_ATTEMPTED)), success=False)


def policy_name_invalid(name: str) -> ActionResult:
    reason = POLICY_NAME_TOO_LONG if name_problem(name, "policy") is NameProblem.TOO_LONG else INVALID_POLICY_NAME
    return ActionResult.failure(NOT_CREATED.format(name=shown(name)) + reason)


def policy_not_created(name: str, error: MalformedPolicy | MalformedDocument | InvalidDescription) -> ActionResult:
    if isinstance(error, InvalidDescription):
        return ActionResult.failure(NOT_CREATED.format(name=name) + error.reason)
    # AWS's own sentence, or the local check's: both say what is wrong with the document.
    reason = error.aws_message if isinstance(error, MalformedPolicy) else error.reason
    return ActionResult.failure(NOT_CREATED.format(name=name) + MALFORMED.format(reason=reason))


# --- List Policies --------------------------------------------------------------------------


def policies_listed(policies: list[Policy], *, more: bool) -> ActionResult:
    if not policies:
        return ActionResult(NONE_LISTED, success=False, json_result=[])
    table = Table(POLICIES_TABLE, POLICY_COLUMNS, [policy.to_table_row() for policy in policies])
    message = LISTED + (MORE_MATCH if more else "")
    return ActionResult(message, success=True, json_result=[policy.to_json() for policy in policies], tables=(table,))


# --- Attach a Policy ------------------------------------------------------------------------


def attach_input_invalid(target: PolicyTarget) -> ActionResult:
    return _input_invalid(NOT_ATTACHED, target)


def _input_invalid(head: str, target: PolicyTarget) -> ActionResult:
    text = head.format(policy=shown(target.policy_text), identity_type=target.identity_type, identity=shown(target.identity))
    return ActionResult.failure(text + _input_reason(target))


def _input_reason(target: PolicyTarget) -> str:
    if target.problem is PolicyInputProblem.INVALID_POLICY_ARN:
        return INVALID_POLICY_ARN
    policy = target.policy_text
    names = [(target.identity, target.identity_type.kind)] + ([] if policy.startswith("arn:") else [(policy, "policy")])
    for name, kind in names:
        if name_problem(name, kind) is NameProblem.TOO_LONG:
            return NAME_TOO_LONG.format(Kind=kind.capitalize(), limit=MAX_NAME_LENGTH[kind])
    return INVALID_NAME


def attach_result(policy: str, identity_type: IdentityType, identity: str, outcome: AttachOutcome) -> ActionResult:
    if outcome.status is AttachStatus.ATTACHED:
        message = ATTACHED.format(identity_type=identity_type, identity=shown(identity))
        if outcome.match.shadowed_arn:
            message += SHADOWED.format(name=policy, arn=outcome.match.arn, shadowed_arn=outcome.match.shadowed_arn)
        return ActionResult(message, success=True)
    if outcome.status is AttachStatus.UNCONFIRMED:
        return _unconfirmed(ATTACH_ATTEMPTED, policy, identity_type, identity)
    head = NOT_ATTACHED.format(policy=shown(policy), identity_type=identity_type, identity=shown(identity))
    tail = ATTACH_REFUSALS[outcome.status].format(kind=identity_type.kind, identity=shown(identity), policy=shown(policy))
    return ActionResult.failure(head + tail)


# --- Detach a Policy ------------------------------------------------------------------------


def detach_input_invalid(target: PolicyTarget) -> ActionResult:
    return _input_invalid(NOT_DETACHED, target)


def detach_result(policy: str, identity_type: IdentityType, identity: str, outcome: DetachOutcome) -> ActionResult:
    names = dict(policy=shown(policy), identity_type=identity_type, identity=shown(identity))
    shadow = outcome.match and outcome.match.shadowed_arn
    shadow_names = dict(name=policy, arn=outcome.match.arn, shadowed_arn=shadow) if shadow else {}
    if outcome.status is DetachStatus.DETACHED:
        message = DETACHED.format(**names) + (DETACH_SHADOWED.format(**shadow_names) if shadow else "")
        return ActionResult(message, success=True)
    if outcome.status is DetachStatus.NOT_ATTACHED:
        # Nothing to undo is no error: a playbook that detaches twice goes on.
        message = IS_NOT_ATTACHED.format(**names) + (NOT_ATTACHED_SHADOWED.format(**shadow_names) if shadow else "")
        return ActionResult(message, success=False)
    if outcome.status is DetachStatus.UNCONFIRMED:
        return _unconfirmed(DETACH_ATTEMPTED, policy, identity_type, identity)
    tail = DETACH_REFUSALS[outcome.status].format(kind=identity_type.kind, **names)
    return ActionResult.failure(NOT_DETACHED.format(**names) + tail)


def _unconfirmed(attempt: str, policy: str, identity_type: IdentityType, identity: str) -> ActionResult:
    """No failure, and nothing confirmed done: COMPLETED, false."""
    names = [UNCONFIRMED_IDENTITY.format(identity_type=identity_type, identity=identity)]
    return ActionResult("\n".join(unconfirmed_line(names, attempt.format(policy=shown(policy)))), success=False)
