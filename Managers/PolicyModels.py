"""Inputs and outcomes of the policy actions: the DDL values, a policy given by name or ARN, and
what Attach a Policy did."""

import re
from dataclasses import dataclass
from enum import StrEnum

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


class AttachStatus(StrEnum):
    ATTACHED = "attached"
    POLICY_MISSING = "policy_missing"
    IDENTITY_MISSING = "identity_missing"
    LIMIT_EXCEEDED = "limit_exceeded"


@dataclass(frozen=True)
class AttachOutcome:
    status: AttachStatus
    match: PolicyMatch | None = None
