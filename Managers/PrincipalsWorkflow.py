"""How a User entity becomes an IAM user, the same way for every action on User entities.

The action's own first call on the user doubles as the existence check: it is tried with the name
as given, and only when IAM answers NoSuchEntity is the account listed (once per run) to find the
real spelling, since the platform upper-cases identifiers."""

from dataclasses import dataclass
from typing import Any, Callable, Generic, Mapping, TypeVar

from AWSIAMExceptions import AWSIAMError, ConnectionFailure, NotFound
from BulkEngine import DeadlineReached
from ContainmentModels import Missing, parse_user_reference, unusable_cause

Value = TypeVar("Value")


@dataclass(frozen=True)
class Resolution(Generic[Value]):
    """The user an entity names. When found, `value` is what the action's call returned for the
    real name; otherwise `missing` says why. `user_name` is the best name known either way;
    `arn` is known only from an ARN entity or the user listing."""

    user_name: str | None
    arn: str | None = None
    value: Value | None = None
    missing: Missing | None = None

    @property
    def found(self) -> bool:
        return self.missing is None


@dataclass(frozen=True)
class UserOutcomes:
    """How an action on User entities reports a user it got no further with than the lookup:
    `outcome` is its outcome type, `status` its status enum (with NOT_FOUND and FAILED), and
    `causes` its own words for each Missing."""

    outcome: Callable[..., Any]
    status: Any
    causes: Mapping[Missing, Any]

    def not_found(self, lookup: str, found: Resolution) -> Any:
        return self.outcome(lookup, self.status.NOT_FOUND, found.user_name, found.arn, cause=self.causes[found.missing])

    def failed(self, lookup: str, *, cause: Any = None, error: Exception | None = None) -> Any:
        """Failed before the user was found, or never tried: the name is the entity's own, if it is one."""
        return self.outcome(lookup, self.status.FAILED, _name_in(lookup), cause=cause, error=error)


def _name_in(lookup: str) -> str | None:
    reference = parse_user_reference(lookup)
    return reference.name if reference else None


def _direct(function: Callable[..., Any], *args) -> Any:
    return function(*args)


class UserResolver:
    """`call` runs each of the resolver's own reads (the caller identity, the user listing); a
    workflow that bounds its calls passes its pool's `call` here."""

    def __init__(self, manager, *, call: Callable[..., Any] = _direct):
        self.manager = manager
        self._call = call

    def find(self, lookup: str, act: Callable[[str], Value], outcomes: UserOutcomes) -> tuple[Resolution[Value] | None, Any]:
        """resolve(), and the user's outcome when the lookup is where it ends: `(found, None)`, or
        `(None, outcome)` for a user not found or failed with an error of its own. A connection or
        credential failure, or the deadline, is raised: it stops the run rather than settle the user."""
        try:
            found = self.resolve(lookup, act)
        except (ConnectionFailure, DeadlineReached):
            raise
        except AWSIAMError as err:
            return None, outcomes.failed(lookup, error=err)
        if not found.found:
            return None, outcomes.not_found(lookup, found)
        return found, None

    def resolve(self, lookup: str, act: Callable[[str], Value]) -> Resolution[Value]:
        """Apply `act` to the IAM user that `lookup` (an entity's text) names.
        Needs what `act` needs; iam:ListUsers when the name's case differs; sts:GetCallerIdentity for ARNs."""
        reference = parse_user_reference(lookup)
        if reference is None:
            return Resolution(None, missing=unusable_cause(lookup))
        if reference.account and not self._call(self.manager.is_own_account, reference.partition, reference.account):
            # Same-named users exist in many accounts; acting on ours for another's ARN would be wrong.
            return Resolution(reference.name, missing=Missing.OTHER_ACCOUNT)
        try:
            return Resolution(reference.name, reference.arn, act(reference.name))
        except NotFound:
            pass
        user = self._call(self.manager.users_by_lower_name).get(reference.name.lower())
        if user is None or user.name == reference.name:
            return Resolution(reference.name, missing=Missing.NO_SUCH_USER)
        try:
            return Resolution(user.name, user.arn, act(user.name))
        except NotFound:  # deleted in between
            return Resolution(user.name, user.arn, missing=Missing.NO_SUCH_USER)
