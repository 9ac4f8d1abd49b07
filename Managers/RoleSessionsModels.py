"""Revoke Role Sessions: how the analyst names a role, and what happened to each one."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from AWSIAMExceptions import AWSIAMError
from InputValidation import IdentityReference, identity_name_too_long, parse_identity_reference

# arn:{partition}:iam::{account}:role/{path}{name}; a service-linked role's path is
# /aws-service-role/{service}/.
_ROLE_ARN = re.compile(r"^arn:(?P<partition>[a-z][a-z-]*):iam::(?P<account>\d{12}):role/(?:[!-~]*/)?(?P<name>[^/]+)$")


def parse_role_reference(text: str) -> IdentityReference | None:
    """The role name to act on, and the account, ARN and partition when the analyst gave an ARN.
    None when the text can be neither an IAM role name nor a role ARN."""
    return parse_identity_reference(text, _ROLE_ARN, "role")


def unusable_cause(text: str) -> "RevokeCause":
    """Why parse_role_reference refused the text: a name too long for IAM, or no role name at all."""
    return RevokeCause.NAME_TOO_LONG if identity_name_too_long(text, _ROLE_ARN, "role") else RevokeCause.NOT_A_ROLE_NAME


class RevokeStatus(StrEnum):
    REVOKED = "revoked"
    NOT_FOUND = "not_found"
    FAILED = "failed"


class RevokeCause(StrEnum):
    """Why a role's sessions were not revoked, when AWS's own error does not say it plainly."""

    NOT_A_ROLE_NAME = "not_a_role_name"
    NAME_TOO_LONG = "name_too_long"
    NO_SUCH_ROLE = "no_such_role"
    OTHER_ACCOUNT = "other_account"
    SERVICE_LINKED = "service_linked"
    NOT_ATTEMPTED = "not_attempted"
    OUT_OF_TIME = "out_of_time"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class RevokeOutcome:
    """What happened to one role, as the analyst named it. `arn` is known only when given."""

    text: str
    status: RevokeStatus
    role_name: str | None = None
    arn: str | None = None
    cause: RevokeCause | None = None
    error: AWSIAMError | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RevokeRun:
    """Outcomes in input order, and the one cut-off written on every revoked role. `error` is set
    when a general error or the deadline stopped the run early."""

    issued_before: datetime
    outcomes: tuple[RevokeOutcome, ...]
    error: Exception | None = None
