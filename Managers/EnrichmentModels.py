"""Enrich User: what an IAM user holds, as data, and what happened to each entity."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Mapping

from AWSIAMDatamodels import Group, User, iso_date, to_json_value
from AWSIAMExceptions import AWSIAMError
from AWSIAMPolicyDocuments import DENY_ALL_POLICY_NAME
from PrincipalsModels import Missing, Principal

# AWS attaches its managed policy AWSCompromisedKeyQuarantine (now at V3) to a user whose access
# key it found exposed in public; each version keeps the prefix.
QUARANTINE_POLICY_PREFIX = "AWSCompromisedKeyQuarantine"

# The GetUser fields every profile shows, in this order, present even when AWS leaves them out.
_USER_FIELDS = {"UserName": None, "UserId": None, "Arn": None, "Path": None, "CreateDate": None,
                "PasswordLastUsed": None, "Tags": [], "PermissionsBoundary": None}


def _iso_or_none(value: Any) -> str | None:
    return iso_date(value) if isinstance(value, datetime) else value


@dataclass(frozen=True)
class AccessKey:
    """One access key (ListAccessKeys), with its last use (GetAccessKeyLastUsed) once known."""

    raw: Mapping[str, Any]
    last_used: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.raw["AccessKeyId"]

    @property
    def status(self) -> str:
        return self.raw.get("Status", "")

    @property
    def is_active(self) -> bool:
        return self.status == "Active"

    @property
    def created(self) -> datetime | None:
        return self.raw.get("CreateDate")

    @property
    def last_used_date(self) -> datetime | None:
        """None when IAM has no record of a use: the key was never used (since IAM began
        tracking in April 2015)."""
        return self.last_used.get("LastUsedDate")

    @property
    def last_used_service(self) -> str | None:
        return self.last_used.get("ServiceName")

    @property
    def last_used_region(self) -> str | None:
        return self.last_used.get("Region")

    def with_last_used(self, last_used: Mapping[str, Any]) -> "AccessKey":
        return replace(self, last_used=last_used)

    def to_json(self) -> dict:
        return {
            "AccessKeyId": self.id,
            "Status": self.status,
            "CreateDate": _iso_or_none(self.created),
            "LastUsedDate": _iso_or_none(self.last_used_date),
            "LastUsedService": self.last_used_service,
            "LastUsedRegion": self.last_used_region,
        }


@dataclass(frozen=True)
class MFADevice:
    raw: Mapping[str, Any]

    @property
    def serial(self) -> str:
        return self.raw["SerialNumber"]

    def to_json(self) -> dict:
        return {"SerialNumber": self.serial, "EnableDate": _iso_or_none(self.raw.get("EnableDate"))}


@dataclass(frozen=True)
class LoginProfile:
    """The user's console password (GetLoginProfile)."""

    raw: Mapping[str, Any]

    @property
    def created(self) -> datetime | None:
        return self.raw.get("CreateDate")

    @property
    def password_reset_required(self) -> bool:
        return bool(self.raw.get("PasswordResetRequired", False))


@dataclass(frozen=True)
class AttachedPolicy:
    """A managed policy attached to the user (ListAttachedUserPolicies): name and ARN."""

    raw: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.raw["PolicyName"]

    @property
    def arn(self) -> str:
        return self.raw["PolicyArn"]

    def to_json(self) -> dict:
        return {"PolicyName": self.name, "PolicyArn": self.arn}


@dataclass(frozen=True)
class UserProfile:
    """Everything Enrich User reads about one IAM user."""

    user: User
    groups: tuple[Group, ...] = ()
    attached_policies: tuple[AttachedPolicy, ...] = ()
    inline_policies: tuple[str, ...] = ()
    access_keys: tuple[AccessKey, ...] = ()
    mfa_devices: tuple[MFADevice, ...] = ()
    login_profile: LoginProfile | None = None

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def has_console_access(self) -> bool:
        return self.login_profile is not None

    @property
    def disabled(self) -> bool:
        """Disable User Access's deny-all inline policy is on the user."""
        return DENY_ALL_POLICY_NAME in self.inline_policies

    @property
    def quarantine_policies(self) -> list[AttachedPolicy]:
        return [policy for policy in self.attached_policies if policy.name.startswith(QUARANTINE_POLICY_PREFIX)]

    @property
    def quarantined(self) -> bool:
        return bool(self.quarantine_policies)

    @property
    def password_last_used(self) -> datetime | None:
        return self.user.raw.get("PasswordLastUsed")

    @property
    def tags(self) -> list[Mapping[str, str]]:
        return list(self.user.raw.get("Tags") or [])

    @property
    def permissions_boundary_arn(self) -> str | None:
        return (self.user.raw.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")

    def to_json(self) -> dict:
        """AWS's field names and ISO dates; the same keys for every user, null or empty when absent."""
        user = to_json_value(self.user.raw)
        profile = {key: user.get(key, default) for key, default in _USER_FIELDS.items()}
        profile.update({key: value for key, value in user.items() if key not in profile})
        login = self.login_profile
        profile.update({
            "Groups": [group.to_json() for group in self.groups],
            "AttachedPolicies": [policy.to_json() for policy in self.attached_policies],
            "InlinePolicies": list(self.inline_policies),
            "AccessKeys": [key.to_json() for key in self.access_keys],
            "MFADevices": [device.to_json() for device in self.mfa_devices],
            "ConsoleAccess": {
                "Enabled": login is not None,
                "CreateDate": _iso_or_none(login.created) if login else None,
                "PasswordResetRequired": login.password_reset_required if login else None,
            },
            "Disabled": self.disabled,
            "Quarantined": self.quarantined,
        })
        return profile


class EnrichStatus(StrEnum):
    ENRICHED = "enriched"
    NOT_FOUND = "not_found"
    TEMPORARY_KEY = "temporary_key"
    NOT_A_USER = "not_a_user"
    FAILED = "failed"


class EnrichCause(StrEnum):
    """Why an entity was not enriched, when AWS's own error does not say it and the lookup did not
    end it (a Missing says that)."""

    NOT_ATTEMPTED = "not_attempted"
    OUT_OF_TIME = "out_of_time"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class EnrichOutcome:
    """What happened to one entity. `user_name` is the real IAM name once known."""

    identifier: str
    status: EnrichStatus
    user_name: str | None = None
    arn: str | None = None
    profile: UserProfile | None = None
    cause: EnrichCause | Missing | None = None
    error: AWSIAMError | None = field(default=None, compare=False)
    principal: Principal = Principal()


@dataclass(frozen=True)
class EnrichRun:
    """Outcomes in entity order. `error` is set when a general error or the deadline stopped the
    run early; the outcomes still cover every entity."""

    outcomes: tuple[EnrichOutcome, ...]
    error: Exception | None = None
