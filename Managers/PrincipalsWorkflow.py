"""How a User entity becomes an IAM user, the same way for every action on User entities, in the
account the entity names.

- A user name is looked up in the home account with GetUser; when IAM answers NoSuchEntity, the
  account is listed (once per run) to find the real spelling, since the platform upper-cases
  identifiers. A name that is no user gets one GetRole, to tell a role from nothing.
- A user ARN is looked up the same way in its own account, and its path must be the user's.
- An access key ID: sts:GetAccessKeyInfo names the account; in that account, and only there,
  GetAccessKeyLastUsed names the user. An ASIA... key is a role session's or a federated user's,
  and is reported, never acted on.
- A user's unique ID (AIDA...) is matched over the home account's one user listing.
- A role ARN, an assumed-role ARN or an AROA... ID names a role: reported, never acted on.

Another account is reached through AWSIAMManager.in_account: one AssumeRole per account per run.
Two entities that resolve to the same user are worked on once (`once`); both are reported."""

from dataclasses import dataclass, replace
from typing import Any, Callable

from AWSIAMDatamodels import User
from AWSIAMExceptions import AWSIAMError, ConnectionFailure, NotFound
from BulkEngine import DeadlineReached, Once
from PrincipalsModels import Kind, Missing, Principal, Reference, ResolvedFrom, account_of, parse_principal, user_name_in


@dataclass(frozen=True)
class Resolution:
    """The user an entity names, found (`user`, and `manager`, which acts in the user's account),
    or why not (`kind`, and `missing` for NOT_FOUND). `principal` says where and how, either way."""

    kind: Kind
    principal: Principal
    manager: Any = None
    user: User | None = None
    missing: Missing | None = None
    name: str | None = None  # the user name the entity gives, when no user was found

    @property
    def found(self) -> bool:
        return self.kind is Kind.FOUND

    @property
    def user_name(self) -> str | None:
        return self.user.name if self.user else self.name


@dataclass(frozen=True)
class UserOutcomes:
    """How an action on User entities reports an entity it got no further with than the lookup:
    `outcome` is its outcome type (with `cause` and `principal`), and `status` its status enum
    (with NOT_FOUND, TEMPORARY_KEY, NOT_A_USER and FAILED)."""

    outcome: Callable[..., Any]
    status: Any

    def ended(self, lookup: str, found: Resolution) -> Any:
        return self.outcome(lookup, self.status(found.kind.value), found.user_name, cause=found.missing,
                            principal=found.principal)

    def gone(self, lookup: str, found: Resolution) -> Any:
        """The user was deleted between its lookup and the action's call."""
        return self.outcome(lookup, self.status.NOT_FOUND, found.user.name, found.user.arn, cause=Missing.NO_SUCH_USER,
                            principal=found.principal)

    def failed(self, lookup: str, *, cause: Any = None, error: Exception | None = None,
               principal: Principal | None = None) -> Any:
        """Failed before the user was found, or never tried: the name is the entity's own, if it
        gives one."""
        return self.outcome(lookup, self.status.FAILED, user_name_in(lookup), cause=cause, error=error,
                            principal=principal or Principal())


def _direct(function: Callable[..., Any], *args) -> Any:
    return function(*args)


class _Unreachable(Exception):
    """Resolution ends: the entity names what cannot be acted on, for `missing`."""

    def __init__(self, missing: Missing, principal: Principal):
        self.missing, self.principal = missing, principal


class UserResolver:
    """`call` runs each of the resolver's own reads; a workflow that bounds its calls passes its
    pool's `call` here. One resolver serves one run: it keeps the work done per user."""

    def __init__(self, manager, *, call: Callable[..., Any] = _direct):
        self.manager = manager
        self._call = call
        self._work: dict[tuple[str, str], Once] = {}

    def find(self, lookup: str, outcomes: UserOutcomes) -> tuple[Resolution | None, Any]:
        """resolve(), and the entity's outcome when the lookup is where it ends: `(found, None)`,
        or `(None, outcome)` for an entity not found, not a user, a temporary key, or failed with an
        error of its own (an account whose role was refused, too). A connection or credential
        failure, or the deadline, is raised: it stops the run rather than settle the entity."""
        try:
            found = self.resolve(lookup)
        except (ConnectionFailure, DeadlineReached):
            raise
        except _FailedAt as failed:
            return None, outcomes.failed(lookup, error=failed.error, principal=failed.principal)
        except AWSIAMError as err:
            return None, outcomes.failed(lookup, error=err)
        if not found.found:
            return None, outcomes.ended(lookup, found)
        return found, None

    def once(self, found: Resolution, lookup: str, work: Callable[[], Any]) -> Any:
        """`work()` for the entity's user, done once per user and run however many entities name
        it; each entity gets the outcome under its own identifier and principal."""
        key = (found.principal.account, found.user.name.lower())
        shared = self._work.setdefault(key, Once(work))  # dict.setdefault is atomic under the GIL
        return replace(shared.get(), identifier=lookup, principal=found.principal)

    def resolve(self, lookup: str) -> Resolution:
        """Needs iam:GetUser; iam:ListUsers when a name's case differs or for a unique ID;
        iam:GetRole for a name that is no user; iam:ListRoles for an AROA ID; sts:GetAccessKeyInfo
        and iam:GetAccessKeyLastUsed for a key; sts:GetCallerIdentity unless a role was assumed."""
        reference = parse_principal(lookup, self.manager.partition)
        if isinstance(reference, Missing):
            return Resolution(Kind.NOT_FOUND, Principal(), missing=reference)
        try:
            return _RESOLVERS[reference.form](self, reference)
        except _Unreachable as ended:
            name = reference.name if reference.form in (ResolvedFrom.NAME, ResolvedFrom.ARN) else None
            return Resolution(Kind.NOT_FOUND, ended.principal, missing=ended.missing, name=name)

    # --- One per form -------------------------------------------------------------------------

    def _by_name(self, reference: Reference) -> Resolution:
        home = self.manager
        user = self._user(home, reference.name)
        if user is not None:
            return self._found(home, user, ResolvedFrom.NAME)
        role = self._role(home, reference.name)
        if role is not None:
            return Resolution(Kind.NOT_A_USER, Principal(account_of(role.arn), ResolvedFrom.NAME, role_name=role.name))
        raise _Unreachable(Missing.NO_SUCH_USER, Principal(self._call(home.home_account), ResolvedFrom.NAME))

    def _by_arn(self, reference: Reference) -> Resolution:
        principal = Principal(reference.account, ResolvedFrom.ARN)
        manager = self._reach(reference.account, principal, Missing.OTHER_ACCOUNT)
        user = self._user(manager, reference.name)
        if user is None:
            raise _Unreachable(Missing.NO_SUCH_USER, principal)
        # IAM paths are case-sensitive, but the platform may have upper-cased the entity, and a user
        # name is unique in its account whatever the path: the check only catches a wrong ARN.
        if user.raw.get("Path", "/").lower() != reference.path.lower():
            raise _Unreachable(Missing.PATH_MISMATCH, principal)
        return self._found(manager, user, ResolvedFrom.ARN)

    def _by_key(self, reference: Reference) -> Resolution:
        account = self._call(self.manager.get_access_key_account, reference.key_id)
        principal = Principal(account, ResolvedFrom.ACCESS_KEY, reference.key_id)
        if reference.temporary:
            return Resolution(Kind.TEMPORARY_KEY, principal)
        manager = self._reach(account, principal, Missing.KEY_OTHER_ACCOUNT)
        try:
            # Asked of the owning account only: another account must not be trusted to answer.
            owner = self._call(manager.get_access_key_owner, reference.key_id)
        except NotFound:
            raise _Unreachable(Missing.NO_SUCH_KEY, principal) from None
        user = self._user(manager, owner)
        if user is None:  # deleted in between
            raise _Unreachable(Missing.NO_SUCH_KEY, principal)
        return self._found(manager, user, ResolvedFrom.ACCESS_KEY, reference.key_id)

    def _by_user_id(self, reference: Reference) -> Resolution:
        home = self.manager
        listed = self._call(home.users_by_id).get(reference.unique_id)
        user = self._user(home, listed.name) if listed else None
        if user is None:
            raise _Unreachable(Missing.NO_SUCH_USER_ID, Principal(self._call(home.home_account), ResolvedFrom.USER_ID))
        return self._found(home, user, ResolvedFrom.USER_ID)

    def _by_role(self, reference: Reference) -> Resolution:
        if reference.unique_id is None:  # a role ARN or an assumed-role ARN: the text says it all
            return Resolution(Kind.NOT_A_USER, Principal(reference.account, ResolvedFrom.ROLE, role_name=reference.name))
        role = self._call(self.manager.roles_by_id).get(reference.unique_id)
        if role is None:
            raise _Unreachable(Missing.NO_SUCH_ROLE_ID, Principal(self._call(self.manager.home_account), ResolvedFrom.ROLE))
        return Resolution(Kind.NOT_A_USER, Principal(account_of(role.arn), ResolvedFrom.ROLE, role_name=role.name))

    # --- Shared steps -------------------------------------------------------------------------

    def _found(self, manager, user: User, resolved_from: ResolvedFrom, key_id: str | None = None) -> Resolution:
        return Resolution(Kind.FOUND, Principal(account_of(user.arn), resolved_from, key_id), manager, user)

    def _reach(self, account: str, principal: Principal, missing: Missing):
        """The manager acting in `account`; AccountNotReached is the entity's own failure."""
        try:
            manager = self._call(self.manager.in_account, account)
        except (ConnectionFailure, DeadlineReached):
            raise
        except AWSIAMError as err:
            raise _FailedAt(err, principal) from err
        if manager is None:
            raise _Unreachable(missing, principal)
        return manager

    def _user(self, manager, name: str) -> User | None:
        """GetUser by the name as given, then by its real spelling from the listing."""
        try:
            return self._call(manager.get_user, name)
        except NotFound:
            pass
        listed = self._call(manager.users_by_lower_name).get(name.lower())
        if listed is None or listed.name == name:
            return None
        try:
            return self._call(manager.get_user, listed.name)
        except NotFound:  # deleted in between
            return None

    def _role(self, manager, name: str):
        try:
            return self._call(manager.get_role, name)
        except NotFound:
            return None


class _FailedAt(Exception):
    """An entity's own error once its account is known (a refused AssumeRole)."""

    def __init__(self, error: AWSIAMError, principal: Principal):
        self.error, self.principal = error, principal


_RESOLVERS = {
    ResolvedFrom.NAME: UserResolver._by_name,
    ResolvedFrom.ARN: UserResolver._by_arn,
    ResolvedFrom.ACCESS_KEY: UserResolver._by_key,
    ResolvedFrom.USER_ID: UserResolver._by_user_id,
    ResolvedFrom.ROLE: UserResolver._by_role,
}
