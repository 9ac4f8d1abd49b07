"""Revoke Role Sessions and Restore Role Access on the bulk engine.

Revoke puts up to three things on a role, each recognisable by its name:
- the inline policy AWSRevokeOlderSessions (All sessions): the IAM console's own cut-off;
- the inline policy AWSIAMRevokedSessions (Named session only): a deny on the listed sessions'
  aws:userid, merged across runs;
- the trust-policy statement AWSIAMBlockNewSessions (Block New Sessions), at the head.
Restore takes exactly those off again, and nothing else.

Roles come from the Role Name parameter and from User entities that name a role. Every text is
first turned into one role (name, ARN, assumed-role ARN, AROA... ID); a role named several times is
then worked on once, so the sessions it was named by are merged into one write, and no two workers
ever read and rewrite the same role's policy at the same time."""

import json
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from AWSIAMDatamodels import Role, utc_now
from AWSIAMExceptions import RUN_STOPPERS, AccountNotReached, AWSIAMError, NotFound, Unmodifiable, write_and_confirm
from AWSIAMManager import AWSIAMManager
from AWSIAMPolicyDocuments import (
    BLOCK_NEW_SESSIONS_SID,
    REVOKE_SESSIONS_POLICY_NAME,
    REVOKED_SESSIONS_POLICY_NAME,
    compact,
    is_blocked,
    policy_size,
    revoke_older_sessions_document,
    revoked_sessions_document,
    revoked_sessions_in,
    with_block,
    without_block,
)
from BulkEngine import BulkEngine, ItemRun, Settlement, Unsettled, status_in_words
from RoleSessionsModels import (
    RevokeScope,
    RoleCause,
    RoleChange,
    RoleForm,
    RoleInput,
    RoleOutcome,
    RoleReference,
    RoleRun,
    RoleStatus,
    names_a_user,
    parse_role_text,
)


# The smallest trust-policy size quota an account can have (IAM's default; it can be raised to
# 4096). A document within it needs no question about the account's own quota.
DEFAULT_TRUST_POLICY_QUOTA = 2048
_SERVICE_LINKED_PATH = "/aws-service-role/"


@dataclass
class _Target:
    """One role to work on, and everything the inputs said about it."""

    name: str
    account: str
    manager: AWSIAMManager  # the one acting in the role's account
    indexes: list[int] = field(default_factory=list)  # the inputs that named it
    texts: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    arn: str | None = None  # a role ARN as given
    forms: set = field(default_factory=set)
    # Only User entities by plain name named it: a name GetRole does not find is a user's, or nobody's.
    probe: bool = True


@dataclass
class _Progress:
    """A role's work as it goes; read by the report even if the role never settles."""

    target: _Target
    role: Role | None = None
    revoked_all: bool = False
    revoked_sessions: tuple[str, ...] = ()
    blocked: bool = False
    removed: list[str] = field(default_factory=list)
    lifted: list[str] = field(default_factory=list)
    unconfirmed: RoleChange | None = None

    def outcome(self, status: RoleStatus, *, cause: RoleCause | None = None, error: Exception | None = None,
                interrupted: bool = False) -> RoleOutcome:
        target, role = self.target, self.role
        return RoleOutcome(tuple(target.texts), status, role.name if role else target.name,
                           role.arn if role else target.arn, target.account, cause, error, self.revoked_all,
                           self.revoked_sessions, self.blocked, tuple(self.removed), tuple(self.lifted), interrupted,
                           self.unconfirmed)

    def left_unconfirmed(self, change: RoleChange) -> RoleOutcome:
        """The role's outcome when the answer to `change` was lost and no read could tell."""
        self.unconfirmed = change
        return self.outcome(RoleStatus.UNCONFIRMED)


class RoleSessions:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine

    # --- Revoke Role Sessions ---------------------------------------------------------------

    def revoke(self, inputs: Sequence[RoleInput], *, scope: RevokeScope = RevokeScope.ALL,
               block: bool = False) -> RoleRun:
        """Deny the role's sessions (all issued before now, or only the named ones) and, with
        `block`, refuse new ones in the trust policy. Needs iam:PutRolePolicy; iam:GetRole for a
        named scope, a block or a role entity by name; iam:GetRolePolicy for a named scope;
        iam:UpdateAssumeRolePolicy and, for a trust policy past 2048 characters, iam:GetAccountSummary
        for a block; iam:ListRoles for AROA IDs; sts:GetCallerIdentity unless a role was assumed.
        A connection or credential failure stops the run; every other error is the role's own."""
        # One cut-off for the whole run, in whole seconds as the console writes it.
        issued_before = utc_now().replace(microsecond=0)
        document = revoke_older_sessions_document(issued_before)
        outcomes, skipped, error = self._each_role(
            inputs, lambda target, progress: self._revoke_one(target, progress, scope, block, document))
        return RoleRun(outcomes, skipped, error, issued_before, scope, block)

    def _revoke_one(self, target: _Target, progress: _Progress, scope: RevokeScope, block: bool,
                    document: str) -> RoleOutcome:
        name = target.name
        no_session = scope is RevokeScope.NAMED and not target.sessions
        if no_session and not target.probe:
            # Checked before any call: denying every session would be more than was asked.
            return progress.outcome(RoleStatus.FAILED, cause=RoleCause.NO_SESSION)
        role = None
        if scope is RevokeScope.NAMED or block or target.probe:
            # An entity's plain name is a role's only if GetRole finds it; else it is skipped.
            role, ended = self._get_role(target, progress)
            if ended:
                return ended
            if no_session:
                return progress.outcome(RoleStatus.FAILED, cause=RoleCause.NO_SESSION)
            if role.path.startswith(_SERVICE_LINKED_PATH):
                # IAM would refuse every write; say so before trying any.
                return progress.outcome(RoleStatus.FAILED, cause=RoleCause.SERVICE_LINKED)
        new_trust = None
        if block and not is_blocked(role.trust_policy):
            new_trust = compact(with_block(role.trust_policy))
            # Checked before any write, so a trust policy with no room left changes nothing at all.
            size = policy_size(new_trust)
            if size > DEFAULT_TRUST_POLICY_QUOTA and size > target.manager.trust_policy_quota():
                return progress.outcome(RoleStatus.FAILED, cause=RoleCause.TRUST_TOO_LARGE)

        def write() -> RoleOutcome:
            manager = target.manager
            if scope is RevokeScope.ALL:
                # PutRolePolicy replaces the policy of that name: running again only moves the
                # cut-off on. The policy is ours only if it holds this run's cut-off.
                if not _confirmed(lambda: manager.put_role_policy(name, REVOKE_SESSIONS_POLICY_NAME, document),
                                  lambda: _role_policy(manager, name, REVOKE_SESSIONS_POLICY_NAME) == json.loads(document)):
                    return progress.left_unconfirmed(RoleChange.CUTOFF)
                progress.revoked_all = True
            else:
                current_document = _role_policy(manager, name, REVOKED_SESSIONS_POLICY_NAME)
                current = [] if current_document is None else revoked_sessions_in(current_document)
                if current is None:
                    return progress.outcome(RoleStatus.FAILED, cause=RoleCause.POLICY_UNREADABLE)
                wanted = current + [user_id for user_id in (f"{role.id}:{s}" for s in target.sessions)
                                    if user_id not in current]
                if wanted != current:
                    wanted_document = revoked_sessions_document(wanted)
                    if not _confirmed(
                            lambda: manager.put_role_policy(name, REVOKED_SESSIONS_POLICY_NAME, wanted_document),
                            lambda: _role_policy(manager, name, REVOKED_SESSIONS_POLICY_NAME) == json.loads(wanted_document)):
                        return progress.left_unconfirmed(RoleChange.SESSIONS)
                progress.revoked_sessions = tuple(wanted)
            if block:
                if new_trust is not None and not _confirmed(
                        lambda: manager.update_assume_role_policy(name, new_trust),
                        lambda: is_blocked(manager.get_role(name).trust_policy)):
                    return progress.left_unconfirmed(RoleChange.BLOCK)
                progress.blocked = True
            return progress.outcome(RoleStatus.REVOKED)

        return self._attempt(write, target, progress)

    # --- Restore Role Access ----------------------------------------------------------------

    def restore(self, inputs: Sequence[RoleInput], *, session: str | None = None) -> RoleRun:
        """Take off each role exactly what Revoke Role Sessions put there, and nothing else; with
        `session`, only that session's ID from AWSIAMRevokedSessions. Needs iam:GetRole,
        iam:UpdateAssumeRolePolicy, iam:DeleteRolePolicy, iam:GetRolePolicy and iam:PutRolePolicy
        (Session Name), iam:ListRoles for AROA IDs, sts:GetCallerIdentity unless a role was assumed."""
        outcomes, skipped, error = self._each_role(
            inputs, lambda target, progress: self._restore_one(target, progress, session))
        return RoleRun(outcomes, skipped, error, session=session)

    def _restore_one(self, target: _Target, progress: _Progress, session: str | None) -> RoleOutcome:
        role, ended = self._get_role(target, progress)
        if ended:
            return ended
        if session is not None:
            return self._attempt(lambda: self._lift(role, session, progress), target, progress)
        return self._attempt(lambda: self._remove_all(role, progress), target, progress)

    def _remove_all(self, role: Role, progress: _Progress) -> RoleOutcome:
        manager = progress.target.manager
        if is_blocked(role.trust_policy):
            if not _confirmed(lambda: manager.update_assume_role_policy(role.name, compact(without_block(role.trust_policy))),
                              lambda: not is_blocked(manager.get_role(role.name).trust_policy)):
                return progress.left_unconfirmed(RoleChange.UNBLOCK)
            progress.removed.append(BLOCK_NEW_SESSIONS_SID)
        for policy, change in ((REVOKED_SESSIONS_POLICY_NAME, RoleChange.SESSIONS),
                               (REVOKE_SESSIONS_POLICY_NAME, RoleChange.CUTOFF_DELETED)):
            deleted = _deleted(manager, role.name, policy)
            if deleted is None:
                return progress.left_unconfirmed(change)
            if deleted:
                progress.removed.append(policy)
        if not progress.removed:
            return progress.outcome(RoleStatus.NOT_CONTAINED, cause=RoleCause.NOTHING_TO_RESTORE)
        return progress.outcome(RoleStatus.RESTORED)

    def _lift(self, role: Role, session: str, progress: _Progress) -> RoleOutcome:
        manager = progress.target.manager
        user_id = f"{role.id}:{session}"
        document = _role_policy(manager, role.name, REVOKED_SESSIONS_POLICY_NAME)
        current = None if document is None else revoked_sessions_in(document)
        if document is not None and current is None:
            return progress.outcome(RoleStatus.FAILED, cause=RoleCause.POLICY_UNREADABLE)
        if not current or user_id not in current:
            return progress.outcome(RoleStatus.NOT_CONTAINED, cause=RoleCause.SESSION_NOT_DENIED)
        rest = [value for value in current if value != user_id]
        if rest:
            rest_document = revoked_sessions_document(rest)
            if not _confirmed(lambda: manager.put_role_policy(role.name, REVOKED_SESSIONS_POLICY_NAME, rest_document),
                              lambda: _role_policy(manager, role.name, REVOKED_SESSIONS_POLICY_NAME) == json.loads(rest_document)):
                return progress.left_unconfirmed(RoleChange.SESSIONS)
        else:
            deleted = _deleted(manager, role.name, REVOKED_SESSIONS_POLICY_NAME)
            if deleted is None:
                return progress.left_unconfirmed(RoleChange.SESSIONS)
            if deleted:
                progress.removed.append(REVOKED_SESSIONS_POLICY_NAME)
        progress.revoked_sessions = tuple(rest)
        progress.lifted.append(user_id)
        return progress.outcome(RoleStatus.RESTORED)

    # --- Both -------------------------------------------------------------------------------

    def _get_role(self, target: _Target, progress: _Progress) -> tuple[Role | None, RoleOutcome | None]:
        try:
            progress.role = target.manager.get_role(target.name)
        except NotFound:
            return None, self._missing(target, progress)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return None, progress.outcome(RoleStatus.FAILED, error=err)
        return progress.role, None

    def _attempt(self, work: Callable[[], RoleOutcome], target: _Target, progress: _Progress) -> RoleOutcome:
        """`work`'s outcome, or the role's own failure; a connection failure or the deadline stops the run."""
        try:
            return work()
        except NotFound:
            # The role was deleted since it was named or read.
            return self._missing(target, progress)
        except Unmodifiable as err:
            return progress.outcome(RoleStatus.FAILED, cause=RoleCause.SERVICE_LINKED, error=err)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return progress.outcome(RoleStatus.FAILED, error=err)

    @staticmethod
    def _missing(target: _Target, progress: _Progress) -> RoleOutcome:
        if target.probe:
            return _SKIPPED  # a User entity naming a user, or nobody
        cause = RoleCause.NO_SUCH_ROLE_OF_SESSION if target.forms == {RoleForm.ASSUMED_ROLE} else RoleCause.NO_SUCH_ROLE
        return progress.outcome(RoleStatus.NOT_FOUND, cause=cause)

    def _each_role(self, inputs: Sequence[RoleInput], settle: Callable[[_Target, _Progress], RoleOutcome]):
        """Every input's outcome in input order (one per role, at its first input), the entities
        skipped, and what stopped the run early."""
        slots, skipped = self._targets(inputs)
        targets = [slot for slot in slots if isinstance(slot, _Target)]
        progress = {id(target): _Progress(target) for target in targets}
        run = self.engine.run(targets, lambda target: settle(target, progress[id(target)]),
                              describe=_describe, label=lambda target: target.name)
        settled = {id(item.item): _settled(item, run, progress[id(item.item)]) for item in run.runs}
        outcomes = []
        for slot in slots:
            outcome = settled[id(slot)] if isinstance(slot, _Target) else slot
            if outcome is _SKIPPED:
                skipped.extend(slot.texts)
            else:
                outcomes.append(outcome)
        return tuple(outcomes), tuple(_in_order(skipped, inputs)), run.stopped_by

    def _targets(self, inputs: Sequence[RoleInput]) -> tuple[list, list[str]]:
        """Each input as a role to work on (merged with the inputs naming the same role) or as an
        outcome that needs no call; and the entities that name no role at all."""
        parsed = [(item, RoleCause.NOT_A_ROLE_NAME if item.from_entity and names_a_user(item.lookup)
                   else parse_role_text(item.lookup)) for item in inputs]
        skipped = [item.text for item, reference in parsed if item.from_entity and not isinstance(reference, RoleReference)]
        parsed = [(item, ref) for item, ref in parsed if isinstance(ref, RoleReference) or not item.from_entity]
        if not any(isinstance(ref, RoleReference) for _, ref in parsed):
            return [_unusable(item, ref) for item, ref in parsed], skipped
        home = self.manager.caller().account
        by_id = self._roles_by_id(parsed)
        slots, by_role = [], {}
        for item, reference in parsed:
            if not isinstance(reference, RoleReference):
                slots.append(_unusable(item, reference))
                continue
            if isinstance(by_id, AWSIAMError) and reference.form is RoleForm.ROLE_ID:
                slots.append(RoleOutcome((item.text,), RoleStatus.FAILED, error=by_id))
                continue
            if reference.form is RoleForm.ROLE_ID:
                role = by_id.get(reference.role_id)
                if role is None:
                    slots.append(RoleOutcome((item.text,), RoleStatus.NOT_FOUND, account=home, cause=RoleCause.NO_SUCH_ROLE_ID))
                    continue
                reference = replace(reference, name=role.name, arn=role.arn)
            account = reference.account or home
            try:
                manager = self._manager_for(reference, account)
            except AccountNotReached as err:
                slots.append(RoleOutcome((item.text,), RoleStatus.FAILED, reference.name, reference.arn, account, error=err))
                continue
            if manager is None:
                # Same-named roles exist in many accounts; acting on ours for another's would be wrong.
                slots.append(RoleOutcome((item.text,), RoleStatus.NOT_FOUND, reference.name, reference.arn, account,
                                         cause=RoleCause.OTHER_ACCOUNT))
                continue
            key = (account, reference.name.lower())
            target = by_role.get(key)
            if target is None:
                target = by_role[key] = _Target(reference.name, account, manager)
                slots.append(target)
            target.texts.append(item.text)
            target.forms.add(reference.form)
            target.arn = target.arn or reference.arn
            target.probe = target.probe and item.from_entity and reference.form is RoleForm.NAME
            if reference.session and reference.session not in target.sessions:
                target.sessions.append(reference.session)
        return slots, skipped

    def _roles_by_id(self, parsed) -> dict | AWSIAMError:
        if not any(isinstance(ref, RoleReference) and ref.form is RoleForm.ROLE_ID for _, ref in parsed):
            return {}
        try:
            return self.manager.roles_by_id()
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return err

    def _manager_for(self, reference: RoleReference, account: str) -> AWSIAMManager | None:
        """The manager that acts in the role's account: the home account's, or, with a
        Cross-Account Role Name, one acting as that role in the role's account (one AssumeRole per
        account per run). None for an account out of reach: another partition, or no such role
        name configured. Raises AccountNotReached when AWS refuses the role."""
        if reference.partition and reference.partition != self.manager.partition:
            return None
        return self.manager.in_account(account)


def _role_policy(manager: AWSIAMManager, role_name: str, policy_name: str) -> dict | None:
    """One inline policy of a role, or None when the role has none of that name (the role itself
    was read or written just before). Needs iam:GetRolePolicy."""
    try:
        return manager.get_role_policy(role_name, policy_name)
    except NotFound:
        return None


def _confirmed(write: Callable[[], None], took_effect: Callable[[], bool]) -> bool:
    """True once `write` is known to have taken effect; False when its answer was lost and the one
    confirming read `took_effect` could not be made. A missing role and a role IAM will not modify
    (service-linked) are told as they are."""
    return write_and_confirm(write, took_effect, passing=(NotFound, Unmodifiable)) is None


def _deleted(manager: AWSIAMManager, role_name: str, policy_name: str) -> bool | None:
    """Delete one inline policy of the role: True when this run deleted it, False when it was not
    there, None when the answer was lost and no read could tell. Needs iam:DeleteRolePolicy, and
    iam:GetRolePolicy to confirm a lost answer."""
    try:
        return _confirmed(lambda: manager.delete_role_policy(role_name, policy_name),
                          lambda: _role_policy(manager, role_name, policy_name) is None) or None
    except NotFound as err:
        # Absent: nothing to take off; absent on a retry after a lost answer: the lost attempt did it.
        return err.maybe_applied


_SKIPPED = RoleOutcome(("",), RoleStatus.NOT_FOUND)  # a marker: the entity names no role

_CAUSE_OF_UNSETTLED = {
    Unsettled.UNANSWERED: RoleCause.UNANSWERED,
    Unsettled.OUT_OF_TIME: RoleCause.OUT_OF_TIME,
    Unsettled.NOT_ATTEMPTED: RoleCause.NOT_ATTEMPTED,
}


def _settled(item: ItemRun, run, progress: _Progress) -> RoleOutcome:
    if item.settlement is Settlement.SETTLED:
        return item.value
    if item.settlement is Settlement.FAILED:
        return progress.outcome(RoleStatus.FAILED, error=item.error, interrupted=True)
    return progress.outcome(RoleStatus.FAILED, cause=_CAUSE_OF_UNSETTLED[run.unsettled(item)], interrupted=True)


def _describe(item: ItemRun) -> str:
    if item.settlement is Settlement.SETTLED and item.value is _SKIPPED:
        return "not a role"
    return status_in_words(item)


def _unusable(item: RoleInput, cause: RoleCause) -> RoleOutcome:
    return RoleOutcome((item.text,), RoleStatus.NOT_FOUND, cause=cause)


def _in_order(texts: list[str], inputs: Sequence[RoleInput]) -> list[str]:
    order = {item.text: index for index, item in reversed(list(enumerate(inputs)))}
    return sorted(texts, key=lambda text: order.get(text, len(order)))
