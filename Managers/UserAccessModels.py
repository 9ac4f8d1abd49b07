"""Disable User Access: how an entity names an IAM user, and what happened to each entity."""

import re
from dataclasses import dataclass, field
from enum import StrEnum

from AWSIAMExceptions import AWSIAMError
from InputValidation import NameProblem, is_valid_name, name_problem

# arn:{partition}:iam::{account}:user/{path}{name}. The platform may have upper-cased all of it.
_USER_ARN = re.compile(r"^arn:(?P<partition>[a-z][a-z-]*):iam::(?P<account>\d{12}):user/(?:[!-~]*/)?(?P<name>[^/]+)$", re.I)


@dataclass(frozen=True)
class UserReference:
    """A user name to try, and the account, ARN and partition when the entity was an ARN."""

    name: str
    account: str | None = None
    arn: str | None = None
    partition: str | None = None


def parse_user_reference(text: str) -> UserReference | None:
    """None when the text can be neither an IAM user name nor a user ARN (e.g. `CORP\\john`)."""
    match = _USER_ARN.match(text)
    if match:
        name = match["name"]
        return UserReference(name, match["account"], text, match["partition"]) if is_valid_name(name, "user") else None
    return UserReference(text) if is_valid_name(text, "user") else None


def unusable_cause(text: str) -> "DisableCause":
    """Why parse_user_reference refused the text: a name too long for IAM, or no user name at all."""
    match = _USER_ARN.match(text)
    too_long = name_problem(match["name"] if match else text, "user") is NameProblem.TOO_LONG
    return DisableCause.NAME_TOO_LONG if too_long else DisableCause.NOT_A_USER_NAME


def lookup_text(entity) -> str:
    """The platform upper-cases identifiers and keeps the original spelling aside when it has one."""
    return (entity.additional_properties or {}).get("OriginalIdentifier") or entity.identifier


class DisableStatus(StrEnum):
    DISABLED = "disabled"
    NOT_FOUND = "not_found"
    FAILED = "failed"


class DisableCause(StrEnum):
    """Why an entity was not disabled, when AWS's own error does not say it."""

    NOT_A_USER_NAME = "not_a_user_name"
    NAME_TOO_LONG = "name_too_long"
    NO_SUCH_USER = "no_such_user"
    OTHER_ACCOUNT = "other_account"
    NOT_ATTEMPTED = "not_attempted"
    OUT_OF_TIME = "out_of_time"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class DisableOutcome:
    """What happened to one entity. `user_name` is the real IAM name once known; `arn` is known
    only from a user listing or an ARN entity (PutUserPolicy returns nothing)."""

    identifier: str
    status: DisableStatus
    user_name: str | None = None
    arn: str | None = None
    cause: DisableCause | None = None
    error: AWSIAMError | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DisableRun:
    """Outcomes in entity order. `error` is set when a general error or the deadline stopped the
    run early; the outcomes then still cover every entity, done or not."""

    outcomes: tuple[DisableOutcome, ...]
    error: Exception | None = None
