"""IAM objects as the actions show them: AWS's own field names, ISO 8601 UTC dates, real JSON types."""

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar, Mapping

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


def iso_date(value: datetime) -> str:
    """`2020-12-03T12:12:20`: UTC without a zone suffix, as the contract asks."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime(ISO_FORMAT)


def utc_now() -> datetime:
    """Now, in UTC; the one clock the workflows read, so tests can set it."""
    return datetime.now(timezone.utc)


def to_json_value(value: Any) -> Any:
    """Make an AWS response value JSON-ready, converting dates wherever they are nested."""
    if isinstance(value, datetime):
        return iso_date(value)
    if isinstance(value, Mapping):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    return value


@dataclass(frozen=True)
class IAMObject:
    """One IAM object; keeps the whole AWS dict so the JSON result carries every field AWS returns."""

    raw: Mapping[str, Any]

    NAME_KEY: ClassVar[str]
    ID_KEY: ClassVar[str]

    @property
    def name(self) -> str:
        return self.raw[self.NAME_KEY]

    @property
    def id(self) -> str:
        return self.raw.get(self.ID_KEY, "")

    @property
    def arn(self) -> str:
        return self.raw.get("Arn", "")

    def to_json(self) -> dict:
        return to_json_value(self.raw)

    def _date(self, key: str) -> str:
        value = self.raw.get(key)
        return iso_date(value) if isinstance(value, datetime) else (value or "")


class User(IAMObject):
    NAME_KEY = "UserName"
    ID_KEY = "UserId"

    def to_table_row(self) -> list[str]:
        return [self.name, self.id, self.arn, self._date("CreateDate")]


class Group(IAMObject):
    NAME_KEY = "GroupName"
    ID_KEY = "GroupId"

    def to_table_row(self) -> list[str]:
        return [self.name, self.id, self.arn, self._date("CreateDate")]


class Role(IAMObject):
    NAME_KEY = "RoleName"
    ID_KEY = "RoleId"

    @property
    def trust_policy(self) -> dict:
        """The trust policy as parsed JSON (botocore decodes IAM's URL-encoded document)."""
        return self.raw.get("AssumeRolePolicyDocument") or {}

    @property
    def path(self) -> str:
        return self.raw.get("Path", "/")


class Policy(IAMObject):
    NAME_KEY = "PolicyName"
    ID_KEY = "PolicyId"

    @property
    def is_aws_managed(self) -> bool:
        return ":iam::aws:policy/" in self.arn

    def to_table_row(self) -> list[str]:
        return [self.name, self.id, self._date("CreateDate"), self._date("UpdateDate")]


@dataclass(frozen=True)
class CallerIdentity:
    """Who the integration acts as: the keys' own user, or the role they assumed. The partition is
    not taken from here: the configured region decides it, before any call."""

    account: str
    arn: str
