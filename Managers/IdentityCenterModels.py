"""IAM Identity Center users: how an entity names one, the containment statement in a permission
set's inline policy, and what happened to each entity. No I/O, no wording."""

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Mapping

from AWSIAMExceptions import AWSIAMError

# The statement every contained user's ID is listed in, one per permission set. AWS's own
# "Revoke active IAM role sessions created by permission sets" and AWSSupport-ContainIAMPrincipal
# deny on the same condition key.
CONTAINMENT_SID = "AWSIAMContainment"
USER_ID_KEY = "identitystore:UserId"
POLICY_VERSION = "2012-10-17"
# AWS's limit on a permission set's inline policy.
MAX_INLINE_POLICY_LENGTH = 10_240

USER_NAME_PATH = "userName"
EMAIL_PATH = "emails.value"
# A user name in the identity store is up to 128 printable characters without white space; an
# e-mail address has one @ with something on each side.
_USER_NAME = re.compile(r"^[^\s]{1,128}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_MAX_EMAIL_LENGTH = 1024


def lookup_forms(text: str) -> list[tuple[str, str]]:
    """(attribute path, value) pairs to try with GetUserId, in order: the text as given as a user
    name, then as an e-mail address, then both lower-cased. GetUserId compares exactly, and the
    platform upper-cases identifiers. Empty when the text can be neither."""
    forms = []
    for value in dict.fromkeys((text, text.lower())):
        if _USER_NAME.match(value):
            forms.append((USER_NAME_PATH, value))
        if len(value) <= _MAX_EMAIL_LENGTH and _EMAIL.match(value):
            forms.append((EMAIL_PATH, value))
    return forms


# --- What AWS returns -----------------------------------------------------------------------------

@dataclass(frozen=True)
class IdentityCenterInstance:
    raw: Mapping[str, Any]

    @property
    def arn(self) -> str:
        return self.raw["InstanceArn"]

    @property
    def identity_store_id(self) -> str:
        return self.raw["IdentityStoreId"]


@dataclass(frozen=True)
class IdentityCenterUser:
    raw: Mapping[str, Any]

    @property
    def id(self) -> str:
        return self.raw["UserId"]

    @property
    def name(self) -> str:
        return self.raw.get("UserName", "")

    @property
    def display_name(self) -> str:
        return self.raw.get("DisplayName", "")

    @property
    def email(self) -> str:
        """The primary address, or the first one when none is marked primary."""
        emails = self.raw.get("Emails") or []
        primary = [email for email in emails if email.get("Primary")] or emails
        return primary[0].get("Value", "") if primary else ""


@dataclass(frozen=True)
class Assignment:
    """A permission set in an account, as assigned to a user or a group."""

    account_id: str
    permission_set_arn: str


@dataclass(frozen=True)
class Provisioning:
    """ProvisionPermissionSet's answer: IN_PROGRESS, FAILED or SUCCEEDED."""

    status: str
    failure_reason: str | None = None
    request_id: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "FAILED"

    @property
    def in_progress(self) -> bool:
        return self.status == "IN_PROGRESS"


# --- The containment statement --------------------------------------------------------------------

class PolicyProblem(StrEnum):
    NOT_JSON = "not_json"  # the inline policy is not a JSON policy document
    STATEMENT_CHANGED = "statement_changed"  # the AWSIAMContainment statement is not as this integration writes it


class UnreadablePolicy(Exception):
    def __init__(self, problem: PolicyProblem):
        super().__init__(problem.value)
        self.problem = problem


def containment_statement(user_ids: Iterable[str]) -> dict:
    return {"Sid": CONTAINMENT_SID, "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {USER_ID_KEY: list(user_ids)}}}


class InlinePolicy:
    """A permission set's inline policy, read so that only the AWSIAMContainment statement changes;
    every other statement and key is written back as it was (as parsed JSON)."""

    def __init__(self, text: str):
        self.existed = bool(text.strip())
        if not self.existed:
            self.document: dict = {"Version": POLICY_VERSION, "Statement": []}
            return
        try:
            document = json.loads(text)
        except ValueError:
            raise UnreadablePolicy(PolicyProblem.NOT_JSON) from None
        statements = document.get("Statement", []) if isinstance(document, dict) else None
        if isinstance(statements, dict):
            statements = [statements]
        if not isinstance(statements, list):
            raise UnreadablePolicy(PolicyProblem.NOT_JSON)
        self.document = {**document, "Statement": statements}
        ours = [s for s in statements if isinstance(s, dict) and s.get("Sid") == CONTAINMENT_SID]
        if len(ours) > 1 or (ours and _listed_ids(ours[0]) is None):
            raise UnreadablePolicy(PolicyProblem.STATEMENT_CHANGED)

    @property
    def contained_ids(self) -> list[str]:
        statement = self._ours()
        return _listed_ids(statement) if statement else []

    def with_ids(self, user_ids: Iterable[str]) -> str:
        """The document text with these IDs added to the statement (made when absent)."""
        ids = list(dict.fromkeys([*self.contained_ids, *user_ids]))
        statements = [s for s in self.document["Statement"]]
        ours = self._ours()
        if ours is None:
            statements.append(containment_statement(ids))
        else:
            statements[statements.index(ours)] = {**ours, "Condition": {
                **ours["Condition"], "StringEquals": {**ours["Condition"]["StringEquals"], USER_ID_KEY: ids}}}
        return _text({**self.document, "Statement": statements})

    def without_ids(self, user_ids: Iterable[str]) -> str | None:
        """The document text with these IDs taken out of the statement, which goes when empty;
        None when nothing is left of the policy, which is then deleted rather than written empty."""
        gone = set(user_ids)
        ours = self._ours()
        statements = list(self.document["Statement"])
        if ours is not None:
            ids = [user_id for user_id in self.contained_ids if user_id not in gone]
            index = statements.index(ours)
            if ids:
                statements[index] = {**ours, "Condition": {
                    **ours["Condition"], "StringEquals": {**ours["Condition"]["StringEquals"], USER_ID_KEY: ids}}}
            else:
                del statements[index]
        if not statements:
            return None
        return _text({**self.document, "Statement": statements})

    def _ours(self) -> dict | None:
        return next((s for s in self.document["Statement"] if isinstance(s, dict) and s.get("Sid") == CONTAINMENT_SID),
                    None)


def _listed_ids(statement: dict) -> list[str] | None:
    """The user IDs the statement denies, or None when it is not the statement this integration
    writes (a deny of everything on a StringEquals list of identitystore:UserId)."""
    condition = statement.get("Condition")
    equals = condition.get("StringEquals") if isinstance(condition, dict) else None
    ids = equals.get(USER_ID_KEY) if isinstance(equals, dict) else None
    if statement.get("Effect") != "Deny" or isinstance(ids, bool) or ids is None:
        return None
    ids = [ids] if isinstance(ids, str) else ids
    if not isinstance(ids, list) or not all(isinstance(user_id, str) for user_id in ids):
        return None
    return ids


def _text(document: dict) -> str:
    # Compact: the 10,240-character limit counts every character AWS stores.
    return json.dumps(document, separators=(",", ":"))


# --- Outcomes ------------------------------------------------------------------------------------

class DisableStatus(StrEnum):
    DISABLED = "disabled"
    NOT_FOUND = "not_found"
    NO_ACCESS = "no_access"  # the user reaches no permission set: there is nothing to deny
    FAILED = "failed"
    # A write's or a provisioning's answer was lost, and no read could tell whether it took effect.
    UNCONFIRMED = "unconfirmed"


class EnableStatus(StrEnum):
    ENABLED = "enabled"
    NOT_DISABLED = "not_disabled"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"  # as DisableStatus.UNCONFIRMED


class EnrichStatus(StrEnum):
    ENRICHED = "enriched"
    NOT_FOUND = "not_found"
    FAILED = "failed"


class Cause(StrEnum):
    """Why a user or a permission set got no further, when AWS's own error does not say it."""

    NOT_AN_IDENTIFIER = "not_an_identifier"
    NO_SUCH_USER = "no_such_user"
    NOT_ATTEMPTED = "not_attempted"
    OUT_OF_TIME = "out_of_time"
    UNANSWERED = "unanswered"
    POLICY_NOT_JSON = "policy_not_json"
    STATEMENT_CHANGED = "statement_changed"
    POLICY_TOO_LARGE = "policy_too_large"
    PROVISIONING_FAILED = "provisioning_failed"
    # The answer was lost and no read could settle it: the set is neither done nor failed.
    WRITE_UNCONFIRMED = "write_unconfirmed"  # the inline policy's write, so nothing was provisioned
    PROVISIONING_UNCONFIRMED = "provisioning_unconfirmed"  # the write is confirmed, its provisioning not


CAUSE_OF_PROBLEM = {PolicyProblem.NOT_JSON: Cause.POLICY_NOT_JSON,
                    PolicyProblem.STATEMENT_CHANGED: Cause.STATEMENT_CHANGED}


class NoInstance(Exception):
    """ListInstances found no Identity Center instance in the region: nothing else can be asked."""

    def __init__(self, region: str):
        super().__init__(region)
        self.region = region


@dataclass(frozen=True)
class FoundUser:
    """The identity-store user an entity names. `name` is known when it was found by user name,
    or once DescribeUser has been asked."""

    user_id: str
    name: str | None
    user: IdentityCenterUser | None = None


@dataclass(frozen=True)
class Reach:
    """What a user reaches: its groups (ID -> name, when asked) and each account assignment with
    how it is reached: `user`, or the ID of the group."""

    group_ids: tuple[str, ...]
    assignments: tuple[tuple[Assignment, str | None], ...]  # (assignment, group ID or None for the user)

    @property
    def permission_set_arns(self) -> list[str]:
        return list(dict.fromkeys(assignment.permission_set_arn for assignment, _ in self.assignments))


@dataclass(frozen=True)
class SetChange:
    """What a run did to one permission set. `users` are the user IDs now in its statement
    (Disable) or taken out of it (Enable); `left_out` the users of Disable whose ID would not fit.
    `cause` or `error` is why the set failed for all its other users, or why it is unconfirmed."""

    arn: str
    name: str | None
    users: tuple[str, ...] = ()
    wrote: bool = False
    left_out: tuple[str, ...] = ()
    cause: Cause | None = None
    error: AWSIAMError | None = field(default=None, compare=False)
    provisioning: Provisioning | None = None

    @property
    def unconfirmed(self) -> bool:
        return self.cause in (Cause.WRITE_UNCONFIRMED, Cause.PROVISIONING_UNCONFIRMED)

    @property
    def failed(self) -> bool:
        return not self.unconfirmed and (self.cause is not None or self.error is not None)

    def failed_for(self, user_id: str) -> bool:
        return self.failed or user_id in self.left_out


@dataclass(frozen=True)
class Profile:
    """Enrich Identity Center User's view of one user."""

    user: IdentityCenterUser
    groups: tuple[tuple[str, str], ...]  # (group ID, name)
    assignments: tuple[tuple[str, str, str, str], ...]  # (account, permission set name, ARN, via)
    contained_in: tuple[str, ...]  # names of the permission sets whose statement lists the user

    def to_json(self) -> dict:
        return {
            "UserId": self.user.id,
            "UserName": self.user.name,
            "DisplayName": self.user.display_name,
            "Email": self.user.email,
            "Groups": [name for _, name in self.groups],
            "Assignments": [{"AccountId": account, "PermissionSetName": name, "PermissionSetArn": arn, "Via": via}
                            for account, name, arn, via in self.assignments],
            "Contained": bool(self.contained_in),
            "ContainedIn": list(self.contained_in),
        }


@dataclass(frozen=True)
class Outcome:
    """What happened to one entity in one of the three actions. A user's own failure is `cause`
    or `error`; a failure in its permission sets is in `set_failures`, a set whose change could not
    be confirmed in `unconfirmed_sets`."""

    identifier: str
    status: StrEnum
    user_id: str | None = None
    user_name: str | None = None
    permission_sets: tuple[str, ...] = ()  # names: now denied (Disable), released (Enable)
    set_failures: tuple[SetChange, ...] = ()
    unconfirmed_sets: tuple[SetChange, ...] = ()
    in_progress: tuple[str, ...] = ()  # names of the sets whose provisioning is still under way
    cause: Cause | None = None
    error: Exception | None = field(default=None, compare=False)
    profile: Profile | None = None


@dataclass(frozen=True)
class Run:
    """Outcomes in entity order. `error` is the general error or the deadline that stopped the
    run early; `no_instance` is set when the region holds no Identity Center instance."""

    outcomes: tuple[Outcome, ...]
    error: Exception | None = None
    no_instance: NoInstance | None = None
