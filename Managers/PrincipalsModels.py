"""What a User entity may name, as an alert names it: a user name, a user ARN, an access key ID, a
user's unique ID, or a role (by name, ARN, assumed-role ARN or AROA ID); and, for each entity's
result, the account and the form it was resolved from. Reading the text costs no AWS call."""

import re
from dataclasses import dataclass
from enum import StrEnum

from InputValidation import NameProblem, name_problem


class ResolvedFrom(StrEnum):
    NAME = "name"
    ARN = "arn"
    ACCESS_KEY = "access_key"  # an ASIA... key too
    USER_ID = "user_id"
    ROLE = "role"  # a role ARN, an assumed-role ARN or an AROA... ID


class Missing(StrEnum):
    """Why an entity names no IAM user that could be acted on (see PrincipalsWorkflow). The first
    five are read from the text alone, with no AWS call."""

    NOT_A_USER_NAME = "not_a_user_name"
    NAME_TOO_LONG = "name_too_long"
    KEY_LENGTH = "key_length"
    OTHER_PARTITION = "other_partition"
    ACCOUNT_ID = "account_id"
    OTHER_ACCOUNT = "other_account"
    KEY_OTHER_ACCOUNT = "key_other_account"
    NO_SUCH_USER = "no_such_user"
    PATH_MISMATCH = "path_mismatch"
    NO_SUCH_KEY = "no_such_key"
    NO_SUCH_USER_ID = "no_such_user_id"
    NO_SUCH_ROLE_ID = "no_such_role_id"


class Kind(StrEnum):
    """How an entity's resolution ended; the last three are each action's statuses of the same name."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    TEMPORARY_KEY = "temporary_key"  # nothing is done to it
    NOT_A_USER = "not_a_user"  # a role: nothing is done to it


@dataclass(frozen=True)
class Principal:
    """Where and how an entity was resolved, for its EntityResult. `account` is None only when the
    text alone ruled the entity out."""

    account: str | None = None
    resolved_from: ResolvedFrom | None = None
    access_key_id: str | None = None
    role_name: str | None = None  # set when the entity names a role

    def to_json(self) -> dict:
        fields = {"Account": self.account, "ResolvedFrom": self.resolved_from.value if self.resolved_from else None}
        if self.access_key_id:
            fields["AccessKeyId"] = self.access_key_id
        if self.role_name:
            fields.update(PrincipalType="role", RoleName=self.role_name)
        return fields


@dataclass(frozen=True)
class Reference:
    """What the text of one entity names, before any call. `name` is a user name (NAME, ARN) or a
    role name (ROLE from an ARN); `path` is the user ARN's path ("/dev/"); `unique_id` an AIDA or
    AROA ID; `key_id` an access key ID, `temporary` for an ASIA key."""

    form: ResolvedFrom
    name: str | None = None
    account: str | None = None
    path: str | None = None
    key_id: str | None = None
    temporary: bool = False
    unique_id: str | None = None


# Every ARN an alert may name a principal with. The platform may have upper-cased all of it.
_ARN = re.compile(r"^arn:(?P<partition>[^:]*):(?P<service>iam|sts)::(?P<account>[^:]*):(?P<resource>.*)$", re.I | re.S)
_USER_OR_ROLE = re.compile(r"^(?P<type>user|role)/(?P<path>(?:[^/]+/)*)(?P<name>[^/]+)$", re.I | re.S)
_ASSUMED_ROLE = re.compile(r"^assumed-role/(?P<name>[^/]+)/[^/]+$", re.I | re.S)
_ACCOUNT = re.compile(r"^\d{12}$", re.ASCII)
# Access key IDs are upper-case letters and digits: AKIA for a user's key, ASIA for temporary
# credentials. AWS allows 16 to 128 characters, and issues 20: a longer or shorter one is a typo.
_KEY_ID = re.compile(r"^(?P<prefix>AKIA|ASIA)[A-Z0-9]{12,124}$", re.ASCII)
KEY_ID_LENGTH = 20
# Unique IDs: AIDA for a user, AROA for a role (then ":session" in a role session's principal ID).
_USER_ID = re.compile(r"^AIDA[A-Z0-9]{17}$", re.ASCII)
_ROLE_ID = re.compile(r"^(?P<id>AROA[A-Z0-9]{17})(?::.+)?$", re.ASCII | re.S)


def parse_principal(text: str, partition: str | None) -> Reference | Missing:
    """What `text` names, or why it names nothing that can be resolved. `partition` is the one the
    integration works in: an ARN of another is refused, as its account cannot be reached (None:
    any partition)."""
    arn = _ARN.match(text)
    if arn:
        return _parse_arn(arn, partition)
    key = _KEY_ID.match(text)
    if key:
        if len(text) != KEY_ID_LENGTH:
            return Missing.KEY_LENGTH
        return Reference(ResolvedFrom.ACCESS_KEY, key_id=text, temporary=key["prefix"] == "ASIA")
    if _USER_ID.match(text):
        return Reference(ResolvedFrom.USER_ID, unique_id=text)
    role_id = _ROLE_ID.match(text)
    if role_id:
        return Reference(ResolvedFrom.ROLE, unique_id=role_id["id"])
    return _checked_name(text) or Reference(ResolvedFrom.NAME, name=text)


def _parse_arn(arn: re.Match, partition: str) -> Reference | Missing:
    if partition is not None and arn["partition"].lower() != partition:
        return Missing.OTHER_PARTITION
    if not _ACCOUNT.match(arn["account"]):
        return Missing.ACCOUNT_ID
    account, resource = arn["account"], arn["resource"]
    if arn["service"].lower() == "sts":
        assumed = _ASSUMED_ROLE.match(resource)
        if assumed is None:
            return Missing.NOT_A_USER_NAME  # a federated user, or no principal at all
        return Reference(ResolvedFrom.ROLE, name=assumed["name"], account=account)
    named = _USER_OR_ROLE.match(resource)
    if named is None:
        return Missing.NOT_A_USER_NAME
    if named["type"].lower() == "role":
        return Reference(ResolvedFrom.ROLE, name=named["name"], account=account)
    return _checked_name(named["name"]) or Reference(
        ResolvedFrom.ARN, name=named["name"], account=account, path="/" + named["path"])


def _checked_name(name: str) -> Missing | None:
    problem = name_problem(name, "user")
    if problem is NameProblem.TOO_LONG:
        return Missing.NAME_TOO_LONG
    return Missing.NOT_A_USER_NAME if problem else None


def user_name_in(text: str) -> str | None:
    """The user name an entity's text gives, if it gives one (a name, or a user ARN's)."""
    reference = parse_principal(text, None)
    return reference.name if isinstance(reference, Reference) and reference.form in _USER_FORMS else None


_USER_FORMS = (ResolvedFrom.NAME, ResolvedFrom.ARN)


def account_of(arn: str) -> str:
    """The account of an IAM ARN that AWS returned."""
    return arn.split(":")[4]
