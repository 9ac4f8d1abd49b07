"""Disable User Access and Enable User Access: the record of what containment changed, and what
happened to each entity."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum

from AWSIAMExceptions import AWSIAMError
from PrincipalsModels import Missing, Principal


def lookup_text(entity) -> str:
    """The platform upper-cases identifiers and keeps the original spelling aside when it has one."""
    return (entity.additional_properties or {}).get("OriginalIdentifier") or entity.identifier


class DisableStatus(StrEnum):
    DISABLED = "disabled"
    NOT_FOUND = "not_found"
    TEMPORARY_KEY = "temporary_key"  # an ASIA... key: nothing done
    NOT_A_USER = "not_a_user"  # a role: nothing done
    FAILED = "failed"
    # IAM's answer to the deny policy's PutUserPolicy was lost, and no read could tell whether it
    # took effect.
    UNCONFIRMED = "unconfirmed"


class DisableCause(StrEnum):
    """Why an entity was not (fully) disabled or enabled, when AWS's own error does not say it and
    the lookup did not end it (a Missing says that). Enable User Access shares these."""

    NOT_ATTEMPTED = "not_attempted"
    OUT_OF_TIME = "out_of_time"
    UNANSWERED = "unanswered"
    TAG_UNREADABLE = "tag_unreadable"  # the containment tag holds something this integration did not write
    RECORD_TOO_LONG = "record_too_long"  # the record would not fit in a tag value


# --- The containment record, kept on the user as one tag ------------------------------------

CONTAINMENT_TAG = "AWSIAM-Containment"
MAX_TAG_VALUE_LENGTH = 256
RECORD_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# IAM accepts in a tag value only letters, digits, spaces and _ . : / = + - @ (its pattern
# [\p{L}\p{Z}\p{N}_.:/=+\-@]*, up to 256 characters) and refuses anything else with a
# ValidationError, so JSON ({ } [ ] " ,) cannot be stored there. The record is therefore written as
#     keys=AKIAIOSFODNN7EXAMPLE/AKIAI44QH8DHBEXAMPLE at=2026-11-29T10:00:00Z
# Access key IDs are word characters, so "/" and " " cannot occur inside one. An IAM user holds at
# most two access keys, and the record keeps only keys that still exist: with AWS's 20-character
# key IDs it is at most 5 + 20 + 1 + 20 + 4 + 20 = 70 characters. IAM allows key IDs of up to 128
# characters, which could pass 256; such a record is refused before any key is touched.
_RECORD = re.compile(r"^keys=(?P<keys>(?:\w+(?:/\w+)*)?) at=(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$", re.ASCII)


@dataclass(frozen=True)
class ContainmentRecord:
    """Which access keys containment itself turned from Active to Inactive, and when the user was
    first contained. A key that was already Inactive is never in it, so it is never reactivated."""

    keys: tuple[str, ...]
    at: str  # UTC, RECORD_TIME_FORMAT

    def to_tag_value(self) -> str:
        return f"keys={'/'.join(self.keys)} at={self.at}"

    @classmethod
    def from_tag_value(cls, value: str) -> "ContainmentRecord | None":
        """None when the value is not a record this integration wrote (someone edited it)."""
        match = _RECORD.match(value)
        if match is None:
            return None
        # A key listed twice (someone edited the tag) is one key: restoring it costs one call.
        keys = tuple(dict.fromkeys(match["keys"].split("/"))) if match["keys"] else ()
        return cls(keys, match["at"])

    @property
    def at_time(self) -> datetime:
        return datetime.strptime(self.at, RECORD_TIME_FORMAT).replace(tzinfo=timezone.utc)

    @classmethod
    def new(cls, now: datetime) -> "ContainmentRecord":
        return cls((), now.astimezone(timezone.utc).strftime(RECORD_TIME_FORMAT))

    def merged(self, existing_keys, deactivating) -> "ContainmentRecord":
        """The record after disabling again: keys that no longer exist are dropped (they can never
        be restored, and dropping them keeps the record within two keys), the keys about to be
        deactivated are added, and the first `at` stays."""
        kept = [key for key in self.keys if key in existing_keys]
        return ContainmentRecord(tuple(kept + [key for key in deactivating if key not in kept]), self.at)


@dataclass(frozen=True)
class KeyStep:
    """What Deactivate Access Keys did for one user whose deny policy is on. `unconfirmed` are keys
    the tag lists that this run did not see become Inactive (the step stopped before them, or their
    call failed and the record could not be corrected); `failed_key` is the key whose call failed."""

    deactivated: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    failed_key: str | None = None
    cause: DisableCause | None = None
    error: Exception | None = field(default=None, compare=False)

    @property
    def complete(self) -> bool:
        return self.cause is None and self.error is None


@dataclass(frozen=True)
class DisableOutcome:
    """What happened to one entity. `user_name` is the real IAM name once known; `arn` is known
    only from a user listing or an ARN entity (PutUserPolicy returns nothing). `keys` is set once
    the deny policy is on and Deactivate Access Keys was asked for; a user whose keys were not all
    deactivated is FAILED, with the deny policy on."""

    identifier: str
    status: DisableStatus
    user_name: str | None = None
    arn: str | None = None
    cause: DisableCause | Missing | None = None
    error: AWSIAMError | None = field(default=None, compare=False)
    keys: KeyStep | None = None
    principal: Principal = Principal()


@dataclass(frozen=True)
class DisableRun:
    """Outcomes in entity order. `error` is set when a general error or the deadline stopped the
    run early; the outcomes then still cover every entity, done or not."""

    outcomes: tuple[DisableOutcome, ...]
    error: Exception | None = None


class RestoreMode(StrEnum):
    """Enable User Access: `Undo` for a false positive (exactly what containment changed comes
    back); `Recover` after a real compromise (access comes back, the compromised credentials do not)."""

    UNDO = "Undo"
    RECOVER = "Recover"


class EnableStatus(StrEnum):
    ENABLED = "enabled"
    RECOVERED = "recovered"  # Recover: deny and record gone, recorded keys left Inactive, older sessions cut off
    NOT_DISABLED = "not_disabled"  # neither the deny policy nor the containment tag was there
    NOT_FOUND = "not_found"
    TEMPORARY_KEY = "temporary_key"
    NOT_A_USER = "not_a_user"
    FAILED = "failed"
    # IAM's answer to the deny policy's DeleteUserPolicy was lost, and no read could tell whether
    # it took effect: the restore stopped there.
    UNCONFIRMED = "unconfirmed"


class EnableStep(StrEnum):
    """The step of Enable User Access whose call failed."""

    SESSIONS = "sessions"  # Recover: the cut-off of the sessions issued before containment
    DENY_POLICY = "deny_policy"
    KEYS = "keys"
    TAG = "tag"


@dataclass(frozen=True)
class EnableOutcome:
    """What happened to one entity. `recorded_keys` are the keys the containment tag listed,
    `reactivated_keys` those this run set back to Active. A FAILED outcome says, with `step`,
    `cause` or `error`, where the restore stopped; what was done before it stays done."""

    identifier: str
    status: EnableStatus
    user_name: str | None = None
    arn: str | None = None
    deny_removed: bool = False
    recorded_keys: tuple[str, ...] = ()
    reactivated_keys: tuple[str, ...] = ()
    step: EnableStep | None = None
    cause: DisableCause | Missing | None = None
    error: Exception | None = field(default=None, compare=False)
    tag_value: str | None = None  # the unreadable tag, to show the analyst
    interrupted: bool = False  # a general error or the deadline stopped the restore part-way
    principal: Principal = Principal()
    absent_keys: tuple[str, ...] = ()  # recorded keys the user does not hold (deleted, or never the user's)
    revoked_before: str | None = None  # Recover: the cut-off written on the user (RECORD_TIME_FORMAT)
    kept_inactive: tuple[str, ...] = ()  # Recover: the recorded keys, left as containment left them
    unconfirmed_keys: tuple[str, ...] = ()  # keys whose reactivation no read could confirm: maybe Active
    sessions_unconfirmed: bool = False  # UNCONFIRMED in Recover: the cut-off's write, not the deny's removal


@dataclass(frozen=True)
class EnableRun:
    """Outcomes in entity order; `error` as DisableRun's."""

    outcomes: tuple[EnableOutcome, ...]
    error: Exception | None = None
    mode: RestoreMode = RestoreMode.UNDO
