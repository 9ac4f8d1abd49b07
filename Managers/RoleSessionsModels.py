"""Revoke Role Sessions and Restore Role Access: how an analyst or an alert names a role (and maybe
one of its sessions), and what happened to each role."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from AWSIAMExceptions import AWSIAMError
from InputValidation import IdentityReference, identity_name_too_long, parse_identity_reference

# arn:{partition}:iam::{account}:role/{path}{name}; a service-linked role's path is
# /aws-service-role/{service}/. The platform may have upper-cased an entity's identifier.
_ROLE_ARN = re.compile(r"^arn:(?P<partition>[a-z][a-z-]*):iam::(?P<account>\d{12}):role/(?:[!-~]*/)?(?P<name>[^/]+)$", re.I)
# arn:{partition}:sts::{account}:assumed-role/{role name}/{session name}: what CloudTrail and
# GuardDuty name a role session by. It carries the role's name but not its path.
_ASSUMED_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>[a-z][a-z-]*):sts::(?P<account>\d{12}):assumed-role/(?P<name>[^/]+)/(?P<session>.*)$", re.I)
# A role's unique ID, alone or as a session's principal ID (AROA...:session).
_ROLE_ID = re.compile(r"^(?P<id>AROA[A-Z0-9]{4,124})(?::(?P<session>.*))?$")
# An access key ID (AKIA, or ASIA for temporary keys) or a user's unique ID (AIDA): what alerts
# name users by. Valid as role names, but no alert means a role by them.
_USER_CREDENTIAL = re.compile(r"^(?:AKIA|ASIA|AIDA)[A-Z0-9]{12,124}$")
# IAM's rule for a role session name (AssumeRole's RoleSessionName).
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)


class RevokeScope(StrEnum):
    ALL = "All sessions"
    NAMED = "Named session only"


class RoleForm(StrEnum):
    NAME = "name"
    ARN = "arn"
    ASSUMED_ROLE = "assumed_role"
    ROLE_ID = "role_id"


class RoleChange(StrEnum):
    """A change to a role whose answer can be lost: what an unconfirmed role was left at."""

    CUTOFF = "cutoff"  # AWSRevokeOlderSessions written
    SESSIONS = "sessions"  # AWSIAMRevokedSessions written or deleted
    BLOCK = "block"  # the block statement put into the trust policy
    UNBLOCK = "unblock"  # the block statement taken out of the trust policy
    CUTOFF_DELETED = "cutoff_deleted"  # AWSRevokeOlderSessions deleted


class RoleCause(StrEnum):
    """Why a role was not (fully) revoked or restored, when AWS's own error does not say it plainly."""

    NOT_A_ROLE_NAME = "not_a_role_name"
    NAME_TOO_LONG = "name_too_long"
    BAD_SESSION_NAME = "bad_session_name"
    NO_SUCH_ROLE = "no_such_role"
    NO_SUCH_ROLE_OF_SESSION = "no_such_role_of_session"  # an assumed-role ARN whose role is gone
    NO_SUCH_ROLE_ID = "no_such_role_id"
    OTHER_ACCOUNT = "other_account"
    SERVICE_LINKED = "service_linked"
    NO_SESSION = "no_session"  # Named session only, but no session was named for the role
    TRUST_TOO_LARGE = "trust_too_large"
    POLICY_UNREADABLE = "policy_unreadable"  # AWSIAMRevokedSessions edited by someone else
    SESSION_NOT_DENIED = "session_not_denied"
    NOTHING_TO_RESTORE = "nothing_to_restore"
    NOT_ATTEMPTED = "not_attempted"
    OUT_OF_TIME = "out_of_time"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class RoleReference:
    """What one text names: a role by name, ARN or unique ID, and maybe one session of it."""

    form: RoleForm
    name: str | None = None  # None for a unique ID until the role listing names it
    account: str | None = None
    partition: str | None = None
    arn: str | None = None  # the role ARN as given
    session: str | None = None
    role_id: str | None = None


def parse_role_reference(text: str) -> IdentityReference | None:
    """The role name and, for an ARN, its account, ARN and partition. None when the text can be
    neither an IAM role name nor a role ARN."""
    reference = parse_identity_reference(text, _ROLE_ARN, "role")
    if reference and reference.partition:
        return IdentityReference(reference.name, reference.account, reference.arn, reference.partition.lower())
    return reference


def parse_role_text(text: str) -> RoleReference | RoleCause:
    """Any form a role can be named in, or why the text names none."""
    assumed = _ASSUMED_ROLE_ARN.match(text)
    if assumed:
        name_cause = _name_cause(assumed["name"])
        if name_cause:
            return name_cause
        if not _SESSION_NAME.match(assumed["session"]):
            return RoleCause.BAD_SESSION_NAME
        return RoleReference(RoleForm.ASSUMED_ROLE, assumed["name"], assumed["account"], assumed["partition"].lower(),
                             session=assumed["session"])
    role_id = _ROLE_ID.match(text)
    if role_id:
        session = role_id["session"]
        if session is not None and not _SESSION_NAME.match(session):
            return RoleCause.BAD_SESSION_NAME
        return RoleReference(RoleForm.ROLE_ID, session=session, role_id=role_id["id"])
    reference = parse_role_reference(text)
    if reference is None:
        return RoleCause.NAME_TOO_LONG if identity_name_too_long(text, _ROLE_ARN, "role") else RoleCause.NOT_A_ROLE_NAME
    if reference.arn:
        return RoleReference(RoleForm.ARN, reference.name, reference.account, reference.partition, arn=reference.arn)
    return RoleReference(RoleForm.NAME, reference.name)


def _name_cause(name: str) -> RoleCause | None:
    reference = parse_role_reference(name)
    if reference is None or reference.arn:
        return RoleCause.NAME_TOO_LONG if identity_name_too_long(name, _ROLE_ARN, "role") else RoleCause.NOT_A_ROLE_NAME
    return None


def names_a_user(text: str) -> bool:
    """An entity that plainly names a user or a user's key, so it needs no GetRole to be skipped."""
    return bool(_USER_CREDENTIAL.match(text))


def is_session_name(text: str) -> bool:
    return bool(_SESSION_NAME.match(text))


@dataclass(frozen=True)
class RoleInput:
    """One role as the action was given it: `text` is how the message names it (an entity's
    identifier, or an item of Role Name), `lookup` what is parsed (an entity's original spelling)."""

    text: str
    lookup: str
    from_entity: bool = False


def role_inputs(names: list[str], entities, lookup) -> list[RoleInput]:
    """The Role Name parameter's items, then the User entities (`lookup(entity)` gives the text to
    parse: the original spelling when the platform kept it)."""
    return [RoleInput(name, name) for name in names] + [
        RoleInput(entity.identifier, lookup(entity), from_entity=True) for entity in entities]


class RoleStatus(StrEnum):
    REVOKED = "revoked"
    RESTORED = "restored"
    NOT_CONTAINED = "not_contained"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    # A write's answer was lost, and no read could tell whether it took effect.
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class RoleOutcome:
    """What happened to one role (or to one text that names none). `texts` are the inputs that
    named it; a role named twice (by name and ARN, or by two sessions) is worked on once. The
    fields after `error` say what this run left on the role, even when it failed part-way."""

    texts: tuple[str, ...]
    status: RoleStatus
    role_name: str | None = None
    arn: str | None = None
    account: str | None = None
    cause: RoleCause | None = None
    error: AWSIAMError | None = field(default=None, compare=False)
    revoked_all: bool = False  # AWSRevokeOlderSessions written with this run's cut-off
    revoked_sessions: tuple[str, ...] = ()  # the aws:userid values AWSIAMRevokedSessions denies now
    blocked: bool = False  # the trust policy refuses new sessions
    removed: tuple[str, ...] = ()  # Restore: what it took off the role
    lifted: tuple[str, ...] = ()  # Restore with Session Name: the session IDs it took off the list
    interrupted: bool = False  # a general error or the deadline stopped the role part-way
    unconfirmed: str | None = None  # UNCONFIRMED: the change whose answer was lost, as RoleChange

    @property
    def text(self) -> str:
        return self.texts[0]


@dataclass(frozen=True)
class RoleRun:
    """Outcomes in input order, the User entities skipped because they name no role, and what the
    run was asked to do. `error` is set when a general error or the deadline stopped it early."""

    outcomes: tuple[RoleOutcome, ...]
    skipped: tuple[str, ...] = ()
    error: Exception | None = None
    issued_before: datetime | None = None  # Revoke: the cut-off of All sessions
    scope: RevokeScope = RevokeScope.ALL
    block: bool = False
    session: str | None = None  # Restore: the one session to lift
