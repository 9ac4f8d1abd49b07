"""Inputs and outcomes of the policy actions: the DDL values, a policy given by name or ARN, and
what Attach a Policy and Detach a Policy did."""

import re
from dataclasses import dataclass
from enum import StrEnum

from AWSIAMDatamodels import Policy
from InputValidation import is_valid_name


class PolicyScope(StrEnum):
    ALL = "All"
    AWS = "AWS"
    LOCAL = "Local"


class IdentityType(StrEnum):
    USER = "User"
    GROUP = "Group"
    ROLE = "Role"

    @property
    def kind(self) -> str:
        """The name rule (see InputValidation) and the word the messages use."""
        return self.value.lower()


# arn:{partition}:iam::{account or "aws"}:policy/{path}{name}; IAM paths are printable ASCII.
_POLICY_ARN = re.compile(r"^arn:[a-z][a-z-]*:iam::(?:\d{12}|aws):policy/(?:[!-~]*/)?(?P<name>[^/]+)$")


@dataclass(frozen=True)
class PolicyReference:
    """The analyst's `Policy Name`: a friendly name, or an ARN that needs no resolving."""

    text: str
    name: str
    arn: str | None = None


def parse_policy_reference(text: str) -> PolicyReference | None:
    """None when the text is neither a valid policy name nor a managed policy ARN."""
    if text.startswith("arn:"):
        match = _POLICY_ARN.match(text)
        if match and is_valid_name(match["name"], "policy"):
            return PolicyReference(text, match["name"], arn=text)
        return None
    return PolicyReference(text, text) if is_valid_name(text, "policy") else None


@dataclass(frozen=True)
class PolicyMatch:
    """The managed policy a friendly name resolved to. `shadowed_arn` is an AWS-managed policy of
    the same name that was passed over because the customer-managed one wins."""

    arn: str
    shadowed_arn: str | None = None


class PolicyInputProblem(StrEnum):
    """Why an Attach/Detach request fails the local check, before any call."""

    INVALID_NAME = "invalid_name"
    INVALID_POLICY_ARN = "invalid_policy_arn"


@dataclass(frozen=True)
class PolicyTarget:
    """Attach/Detach's three parameters, checked: `policy` is None exactly when `problem` is set."""

    identity_type: IdentityType
    identity: str
    policy_text: str
    policy: PolicyReference | None
    problem: PolicyInputProblem | None = None


def read_policy_target(ctx) -> PolicyTarget:
    """Attach/Detach's three parameters from the action's context (see ActionRunner), checked.
    The first of them that is missing or unknown raises InvalidParameter, before any call."""
    identity_type = ctx.choice_param("Identity Type", IdentityType, default=IdentityType.GROUP)
    identity = ctx.param("Identity Name", required=True)
    policy_text = ctx.param("Policy Name", required=True)
    return check_policy_target(identity_type, identity, policy_text)


def check_policy_target(identity_type: IdentityType, identity: str, policy_text: str) -> PolicyTarget:
    policy = parse_policy_reference(policy_text)
    if policy is not None and is_valid_name(identity, identity_type.kind):
        return PolicyTarget(identity_type, identity, policy_text, policy)
    # A malformed ARN gets its own sentence; any other bad value breaks the naming rule.
    arn_given = policy is None and policy_text.startswith("arn:")
    problem = PolicyInputProblem.INVALID_POLICY_ARN if arn_given else PolicyInputProblem.INVALID_NAME
    return PolicyTarget(identity_type, identity, policy_text, None, problem)


class AttachStatus(StrEnum):
    ATTACHED = "attached"
    POLICY_MISSING = "policy_missing"
    IDENTITY_MISSING = "identity_missing"
    LIMIT_EXCEEDED = "limit_exceeded"
    UNCONFIRMED = "unconfirmed"  # the answer was lost and no read could tell whether it took effect


@dataclass(frozen=True)
class AttachOutcome:
    status: AttachStatus
    match: PolicyMatch | None = None


class DetachStatus(StrEnum):
    DETACHED = "detached"
    NOT_ATTACHED = "not_attached"
    POLICY_MISSING = "policy_missing"
    IDENTITY_MISSING = "identity_missing"
    UNCONFIRMED = "unconfirmed"  # the answer was lost and no read could tell whether it took effect


@dataclass(frozen=True)
class DetachOutcome:
    status: DetachStatus
    match: PolicyMatch | None = None


class CreateStatus(StrEnum):
    CREATED = "created"
    EXISTS = "exists"
    # CreatePolicy's answer was lost and no read could tell whether it took effect.
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class CreateOutcome:
    """What Create a Policy came to; `policy` is set when CREATED."""

    status: CreateStatus
    policy: Policy | None = None
