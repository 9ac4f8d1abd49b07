"""Enrich, Disable and Enable Identity Center User Access on the bulk engine.

Every action first finds the organization's instance (ListInstances, once per run), then settles
the User entities on the engine: each is looked up in the identity store by user name, then by
e-mail address, as given and then lower-cased. The same person named by two entities is looked
at once: what a user reaches (its groups, and the assignments of the user and of each group) is
asked once per user and once per group per run, however many entities name them.

Disable and Enable then work per permission set, on the engine again, so that a set reached by
several users of the run is read, written and provisioned once with all of their IDs. A user's
report is put together from the sets it reaches; a set that failed fails each of its users, and a
set whose write or provisioning lost its answer, and that no read could settle, leaves them
unconfirmed (never failed: the change may be in place)."""

import threading
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

from AWSIAMExceptions import RUN_STOPPERS, AWSIAMError, InvalidInput, NotFound, may_have_taken_effect, write_and_confirm
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, BulkRun, DeadlineReached, ItemRun, Once, Settlement, Unsettled
from IdentityCenterModels import (
    CAUSE_OF_PROBLEM,
    MAX_INLINE_POLICY_LENGTH,
    USER_NAME_PATH,
    Cause,
    DisableStatus,
    EnableStatus,
    EnrichStatus,
    FoundUser,
    IdentityCenterInstance,
    InlinePolicy,
    NoInstance,
    Outcome,
    Profile,
    Reach,
    Run,
    SetChange,
    UnreadablePolicy,
    lookup_forms,
)


_CAUSE_OF_UNSETTLED = {
    Unsettled.UNANSWERED: Cause.UNANSWERED,
    Unsettled.OUT_OF_TIME: Cause.OUT_OF_TIME,
    Unsettled.NOT_ATTEMPTED: Cause.NOT_ATTEMPTED,
}


@dataclass(frozen=True)
class _Found:
    """A user the first step found, with what the action needs of it next."""

    user: FoundUser
    reach: Reach | None = None
    profile: Profile | None = None


class IdentityCenter:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine
        self._lock = threading.Lock()
        self._answers: dict[tuple, Once] = {}
        self.instance: IdentityCenterInstance | None = None

    # --- Enrich Identity Center User -----------------------------------------------------------

    def enrich_users(self, lookups: Sequence[str]) -> Run:
        """Each user's profile, groups, assignments and whether it is contained.
        Needs sso:ListInstances, identitystore:GetUserId, identitystore:DescribeUser,
        identitystore:ListGroupMembershipsForMember, identitystore:DescribeGroup,
        sso:ListAccountAssignmentsForPrincipal, sso:DescribePermissionSet, sso:ListPermissionSets and
        sso:GetInlinePolicyForPermissionSet."""
        if (missing := self._find_instance()) is not None:
            return Run((), no_instance=missing)
        users = self.engine.run(lookups, self._read_user, describe=_step_in_words)
        found = _found_users(users)
        contained: dict[str, list[str]] = {}
        stopped = users.stopped_by
        if found and stopped is None:
            user_ids = {step.user.user_id for step in found}
            sets = self.engine.run(self.manager.list_permission_sets(self.instance.arn),
                                   lambda arn: self._contained_ids(arn, user_ids), describe=_set_in_words)
            stopped = sets.stopped_by
            for item in sets.of(Settlement.SETTLED):
                for user_id in item.value:
                    contained.setdefault(user_id, []).append(item.item)

        def finish(lookup: str, found: _Found) -> Outcome:
            if stopped is not None:
                # Without every permission set read, "not contained" would be a guess.
                return Outcome(lookup, EnrichStatus.FAILED, found.user.user_id, found.user.name,
                               cause=_unsettled_cause(stopped))
            return self._enriched(lookup, found, contained.get(found.user.user_id, []))

        return _report(users, EnrichStatus, finish, stopped)

    def _read_user(self, lookup: str) -> Outcome | _Found:
        return self._settle_user(lookup, EnrichStatus, self._profile_parts)

    def _profile_parts(self, found: FoundUser) -> _Found:
        store = self.instance.identity_store_id
        user = self._once(("user", found.user_id), lambda: self.manager.describe_user(store, found.user_id))
        reach = self._reach(found.user_id)
        for group_id in reach.group_ids:
            self._group_name(group_id)
        for arn in reach.permission_set_arns:
            self._set_name(arn)
        return _Found(FoundUser(found.user_id, user.name, user), reach)

    def _enriched(self, lookup: str, found: _Found, contained_arns: list[str]) -> Outcome:
        # Every name below was asked in the user's own step, so these are answers already in hand.
        reach = found.reach
        groups = tuple((group_id, self._group_name(group_id)) for group_id in reach.group_ids)
        assignments = tuple(
            (assignment.account_id, self._set_name(assignment.permission_set_arn), assignment.permission_set_arn,
             "user" if group_id is None else f"group:{self._group_name(group_id)}")
            for assignment, group_id in reach.assignments)
        try:
            contained_in = tuple(self._set_name(arn) for arn in contained_arns)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return Outcome(lookup, EnrichStatus.FAILED, found.user.user_id, found.user.name, error=err)
        profile = Profile(found.user.user, groups, assignments, contained_in)
        return Outcome(lookup, EnrichStatus.ENRICHED, found.user.user_id, found.user.name, profile=profile)

    def _contained_ids(self, arn: str, user_ids: set[str]) -> list[str]:
        """Which of `user_ids` the permission set's statement lists (none when its policy is
        unreadable); the set's name is asked when it lists any, for the profiles."""
        try:
            listed = InlinePolicy(self.manager.get_inline_policy_for_permission_set(self.instance.arn, arn)).contained_ids
        except UnreadablePolicy:
            return []
        ours = [user_id for user_id in listed if user_id in user_ids]
        if ours:
            try:
                self._set_name(arn)
            except RUN_STOPPERS:
                raise
            except AWSIAMError:
                pass  # kept with the name's answer: each profile that needs it fails with it
        return ours

    # --- Disable Identity Center User Access ---------------------------------------------------

    def disable_users(self, lookups: Sequence[str]) -> Run:
        """Put each user's ID in the AWSIAMContainment statement of every permission set it reaches,
        directly or through a group, and provision each changed set to all its accounts.
        Needs sso:ListInstances, identitystore:GetUserId, identitystore:DescribeUser,
        identitystore:ListGroupMembershipsForMember, sso:ListAccountAssignmentsForPrincipal,
        sso:DescribePermissionSet, sso:GetInlinePolicyForPermissionSet,
        sso:PutInlinePolicyToPermissionSet and sso:ProvisionPermissionSet."""
        if (missing := self._find_instance()) is not None:
            return Run((), no_instance=missing)
        users = self.engine.run(lookups, self._user_and_reach, describe=_step_in_words)
        wanted: dict[str, list[str]] = {}
        for found in _found_users(users):
            for arn in found.reach.permission_set_arns:
                if found.user.user_id not in wanted.setdefault(arn, []):
                    wanted[arn].append(found.user.user_id)
        changes, stopped = self._each_set(list(wanted.items()), self._contain_set, users.stopped_by)
        return _report(users, DisableStatus, lambda lookup, found: _disable_outcome(lookup, found, changes, stopped), stopped)

    def _user_and_reach(self, lookup: str) -> Outcome | _Found:
        return self._settle_user(lookup, DisableStatus, lambda found: _Found(self._named(found), self._reach(found.user_id)))

    def _contain_set(self, item: tuple[str, list[str]]) -> SetChange:
        arn, user_ids = item
        try:
            name = self._set_name(arn)
            text = self.manager.get_inline_policy_for_permission_set(self.instance.arn, arn)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return SetChange(arn, None, error=err)
        try:
            policy = InlinePolicy(text)
        except UnreadablePolicy as err:
            # Someone edited it by hand: overwriting it could lose what they wrote.
            return SetChange(arn, name, cause=CAUSE_OF_PROBLEM[err.problem])
        present = set(policy.contained_ids)
        already = [user_id for user_id in user_ids if user_id in present]
        fit, left_out = [], []
        for user_id in user_ids:
            if user_id in present:
                continue
            if len(policy.with_ids([*fit, user_id])) <= MAX_INLINE_POLICY_LENGTH:
                fit.append(user_id)
            else:
                left_out.append(user_id)
        if not fit:
            # Everyone is denied already (or nobody fits): no write, no provisioning.
            return SetChange(arn, name, tuple(already), left_out=tuple(left_out))
        document, listed = policy.with_ids(fit), (*already, *fit)
        return self._changed(arn, name, lambda: self.manager.put_inline_policy_to_permission_set(
            self.instance.arn, arn, document), lambda after: set(listed) <= set(after.contained_ids),
            listed, tuple(left_out))

    def _changed(self, arn: str, name: str, write: Callable[[], None], took_effect: Callable[[InlinePolicy], bool],
                 users: tuple[str, ...], left_out: tuple[str, ...] = ()) -> SetChange:
        """`write` the inline policy, then provision the set to every account it is provisioned to.
        `took_effect` tells from the policy read back whether a write whose answer was lost is done."""
        change = SetChange(arn, name, users, left_out=left_out)
        try:
            if not self._written(arn, write, took_effect):
                # Whether the policy changed is unknown, so provisioning could push either version.
                return replace(change, cause=Cause.WRITE_UNCONFIRMED)
        except AWSIAMError as err:
            return _failed(change, err)
        change = replace(change, wrote=True)
        try:
            provisioning = self.manager.provision_permission_set(self.instance.arn, arn)
        except AWSIAMError as err:
            if may_have_taken_effect(err):
                # Provisioning may have started, and no read can tell: the request ID that
                # DescribePermissionSetProvisioningStatus needs was in the answer that was lost.
                return replace(change, cause=Cause.PROVISIONING_UNCONFIRMED)
            return _failed(change, err)
        return replace(change, cause=Cause.PROVISIONING_FAILED if provisioning.failed else None,
                       provisioning=provisioning)

    def _written(self, arn: str, write: Callable[[], None], took_effect: Callable[[InlinePolicy], bool]) -> bool:
        """True once `write` is known to have taken effect; False when its answer was lost and the
        one confirming read (sso:GetInlinePolicyForPermissionSet) could not be made. Raises the
        write's error when it cannot have taken effect, or when the read shows it did not."""
        # Even a ConnectionFailure: a connection lost after the request went out may hide a write
        # that took effect, so it is confirmed (or left unconfirmed) instead of stopping the run;
        # one lost before the request went out still stops it (confirm re-raises it).
        return write_and_confirm(write, lambda: self._reads_back(arn, took_effect), passing=()) is None

    def _reads_back(self, arn: str, took_effect: Callable[[InlinePolicy], bool]) -> bool:
        try:
            policy = InlinePolicy(self.manager.get_inline_policy_for_permission_set(self.instance.arn, arn))
        except UnreadablePolicy:
            return False  # this run writes only policies it can read: this one is not its write
        return took_effect(policy)

    # --- Enable Identity Center User Access ----------------------------------------------------

    def enable_users(self, lookups: Sequence[str]) -> Run:
        """Take each user's ID out of the AWSIAMContainment statement of every permission set of
        the instance that lists it (the statement goes when empty, the policy is deleted when
        nothing is left), and provision each changed set. Nothing else of any set changes.
        Needs sso:ListInstances, identitystore:GetUserId, identitystore:DescribeUser,
        sso:ListPermissionSets, sso:GetInlinePolicyForPermissionSet, sso:DescribePermissionSet,
        sso:PutInlinePolicyToPermissionSet, sso:DeleteInlinePolicyFromPermissionSet and
        sso:ProvisionPermissionSet."""
        if (missing := self._find_instance()) is not None:
            return Run((), no_instance=missing)
        users = self.engine.run(lookups, self._user_only, describe=_step_in_words)
        user_ids = list(dict.fromkeys(found.user.user_id for found in _found_users(users)))
        changes: dict[str, SetChange] = {}
        stopped = users.stopped_by
        if user_ids and stopped is None:
            arns = self.manager.list_permission_sets(self.instance.arn)
            changes, stopped = self._each_set([(arn, user_ids) for arn in arns], self._release_set, None)
        return _report(users, EnableStatus, lambda lookup, found: _enable_outcome(lookup, found, changes, stopped), stopped)

    def _user_only(self, lookup: str) -> Outcome | _Found:
        return self._settle_user(lookup, EnableStatus, lambda found: _Found(self._named(found)))

    def _release_set(self, item: tuple[str, list[str]]) -> SetChange | None:
        """None when the set lists none of the run's users (nothing to do and nothing to report)."""
        arn, user_ids = item
        try:
            text = self.manager.get_inline_policy_for_permission_set(self.instance.arn, arn)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return SetChange(arn, None, tuple(user_ids), error=err)
        # User IDs are unique strings: one that is not in the text is in no statement of it.
        mentioned = tuple(user_id for user_id in user_ids if user_id in text)
        if not mentioned:
            return None
        try:
            name = self._set_name(arn)
            policy = InlinePolicy(text)
        except UnreadablePolicy as err:
            return SetChange(arn, name, mentioned, cause=CAUSE_OF_PROBLEM[err.problem])
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return SetChange(arn, None, mentioned, error=err)
        removed = tuple(user_id for user_id in policy.contained_ids if user_id in user_ids)
        if not removed:
            return None
        document = policy.without_ids(removed)
        if document is None:
            # Nothing else was in the policy: delete it rather than write an empty one.
            return self._changed(arn, name, lambda: self.manager.delete_inline_policy_from_permission_set(
                self.instance.arn, arn), lambda after: not after.existed, removed)
        return self._changed(arn, name, lambda: self.manager.put_inline_policy_to_permission_set(
            self.instance.arn, arn, document), lambda after: not set(removed) & set(after.contained_ids), removed)

    # --- Shared steps ----------------------------------------------------------------------------

    def _find_instance(self) -> NoInstance | None:
        """The organization's instance, from one ListInstances; a general error ends the action."""
        instances = self.manager.list_instances()
        if not instances:
            return NoInstance(self.manager.identity_center_region)
        self.instance = instances[0]
        return None

    def _settle_user(self, lookup: str, statuses, then: Callable[[FoundUser], _Found]) -> Outcome | _Found:
        """The user's first step: found and read by `then`, or its own not-found or failure."""
        found = None
        try:
            found = self._find(lookup)
            if isinstance(found, Cause):
                return Outcome(lookup, statuses.NOT_FOUND, cause=found)
            return then(found)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            user_id, name = (found.user_id, found.name) if isinstance(found, FoundUser) else (None, None)
            return Outcome(lookup, statuses.FAILED, user_id, name, error=err)

    def _find(self, lookup: str) -> FoundUser | Cause:
        """GetUserId by user name, then by e-mail, as given and then lower-cased."""
        forms = lookup_forms(lookup)
        if not forms:
            return Cause.NOT_AN_IDENTIFIER
        for path, value in forms:
            try:
                user_id = self.manager.get_user_id(self.instance.identity_store_id, path, value)
            except (NotFound, InvalidInput):
                # InvalidInput: a value the identity store cannot hold in that attribute.
                continue
            return FoundUser(user_id, value if path == USER_NAME_PATH else None)
        return Cause.NO_SUCH_USER

    def _named(self, found: FoundUser) -> FoundUser:
        """A user found by e-mail, with its user name (one DescribeUser per user per run)."""
        if found.name is not None:
            return found
        store = self.instance.identity_store_id
        user = self._once(("user", found.user_id), lambda: self.manager.describe_user(store, found.user_id))
        return FoundUser(found.user_id, user.name, user)

    def _reach(self, user_id: str) -> Reach:
        return self._once(("reach", user_id), lambda: self._ask_reach(user_id))

    def _ask_reach(self, user_id: str) -> Reach:
        store, arn = self.instance.identity_store_id, self.instance.arn
        group_ids = self.manager.list_group_memberships_for_member(store, user_id)
        assignments = [(assignment, None)
                       for assignment in self.manager.list_account_assignments_for_principal(arn, user_id, "USER")]
        for group_id in group_ids:
            # Groups shared by several users of the run are asked once.
            of_group = self._once(("group assignments", group_id),
                                  lambda: self.manager.list_account_assignments_for_principal(arn, group_id, "GROUP"))
            assignments.extend((assignment, group_id) for assignment in of_group)
        return Reach(tuple(group_ids), tuple(assignments))

    def _group_name(self, group_id: str) -> str:
        store = self.instance.identity_store_id
        return self._once(("group", group_id), lambda: self.manager.describe_group(store, group_id))

    def _set_name(self, arn: str) -> str:
        return self._once(("set", arn), lambda: self.manager.describe_permission_set(self.instance.arn, arn))

    def _once(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """One answer per key per run, however many threads ask for it."""
        with self._lock:
            once = self._answers.setdefault(key, Once(compute))
        return once.get()

    def _each_set(self, items: list, work, stopped: BaseException | None) -> tuple[dict[str, SetChange], BaseException | None]:
        """Run `work` over the permission sets, unless the users' step was stopped already; a set
        that did not settle is reported with why."""
        if stopped is not None or not items:
            return {}, stopped
        run = self.engine.run(items, work, describe=_set_in_words, label=lambda item: item[0])
        changes = {}
        for item in run.runs:
            arn = item.item[0]
            if item.settlement is Settlement.SETTLED:
                if item.value is not None:
                    changes[arn] = item.value
            elif item.settlement is Settlement.FAILED:
                changes[arn] = SetChange(arn, None, tuple(item.item[1]), error=item.error)
            else:
                changes[arn] = SetChange(arn, None, tuple(item.item[1]), cause=_CAUSE_OF_UNSETTLED[run.unsettled(item)])
        return changes, run.stopped_by


# --- Putting a user's report together ----------------------------------------------------------------

def _found_users(run: BulkRun) -> list[_Found]:
    return [item.value for item in run.of(Settlement.SETTLED) if isinstance(item.value, _Found)]


def _report(users: BulkRun, statuses, finish: Callable[[str, _Found], Outcome], stopped: BaseException | None) -> Run:
    """Every entity's outcome in order: those the first step settled as they are, the users it
    found through `finish(lookup, found)`."""
    outcomes = []
    for item in users.runs:
        step = _step_of(item, users, statuses)
        outcomes.append(finish(item.item, step) if isinstance(step, _Found) else step)
    return Run(tuple(outcomes), error=stopped)


def _step_of(item: ItemRun, run: BulkRun, statuses) -> Outcome | _Found:
    if item.settlement is Settlement.SETTLED:
        return item.value
    if item.settlement is Settlement.FAILED:
        return Outcome(item.item, statuses.FAILED, error=item.error)
    return Outcome(item.item, statuses.FAILED, cause=_CAUSE_OF_UNSETTLED[run.unsettled(item)])


def _unsettled_cause(stopped: BaseException) -> Cause:
    return Cause.OUT_OF_TIME if isinstance(stopped, DeadlineReached) else Cause.NOT_ATTEMPTED


def _failed(change: SetChange, error: AWSIAMError) -> SetChange:
    """The set failed with `error`, unless it is an error that stops the whole run."""
    if isinstance(error, RUN_STOPPERS):
        raise error
    return replace(change, error=error)


def _not_reached(arn: str, stopped: BaseException | None) -> SetChange:
    return SetChange(arn, None, cause=_unsettled_cause(stopped) if stopped else Cause.NOT_ATTEMPTED)


def _disable_outcome(lookup: str, found: _Found, changes: dict[str, SetChange], stopped: BaseException | None) -> Outcome:
    user_id, name = found.user.user_id, found.user.name
    arns = found.reach.permission_set_arns
    if not arns:
        return Outcome(lookup, DisableStatus.NO_ACCESS, user_id, name)
    sets = [changes.get(arn) or _not_reached(arn, stopped) for arn in arns]
    failures, unconfirmed, done = _split(sets, user_id)
    status = DisableStatus.FAILED if failures else DisableStatus.UNCONFIRMED if unconfirmed else DisableStatus.DISABLED
    return Outcome(lookup, status, user_id, name, permission_sets=tuple(change.name for change in done),
                   set_failures=failures, unconfirmed_sets=unconfirmed, in_progress=_in_progress(done))


def _enable_outcome(lookup: str, found: _Found, changes: dict[str, SetChange], stopped: BaseException | None) -> Outcome:
    user_id, name = found.user.user_id, found.user.name
    sets = [change for change in changes.values() if user_id in change.users]
    failures, unconfirmed, done = _split(sets, user_id)
    released = tuple(change.name for change in done)
    if stopped is not None and not failures:
        # Not every permission set was looked at: the user may still be listed in one of them.
        return Outcome(lookup, EnableStatus.FAILED, user_id, name, released, cause=_unsettled_cause(stopped),
                       unconfirmed_sets=unconfirmed, in_progress=_in_progress(done))
    if not sets:
        return Outcome(lookup, EnableStatus.NOT_DISABLED, user_id, name)
    status = EnableStatus.FAILED if failures else EnableStatus.UNCONFIRMED if unconfirmed else EnableStatus.ENABLED
    return Outcome(lookup, status, user_id, name, released, set_failures=failures, unconfirmed_sets=unconfirmed,
                   in_progress=_in_progress(done))


def _split(sets: list[SetChange], user_id: str) -> tuple[tuple[SetChange, ...], tuple[SetChange, ...], list[SetChange]]:
    """A user's permission sets: those that failed for it, those whose change is unconfirmed, and
    those done. An unconfirmed set is neither: it must be checked in AWS."""
    failures = tuple(change for change in sets if change.failed_for(user_id))
    unconfirmed = tuple(change for change in sets if change.unconfirmed and not change.failed_for(user_id))
    done = [change for change in sets if not change.failed_for(user_id) and not change.unconfirmed]
    return failures, unconfirmed, done


def _in_progress(changes: list[SetChange]) -> tuple[str, ...]:
    return tuple(change.name for change in changes if change.provisioning and change.provisioning.in_progress)


def _step_in_words(item: ItemRun) -> str:
    if item.settlement is Settlement.SETTLED:
        return "found" if isinstance(item.value, _Found) else item.value.status.value.replace("_", " ")
    return item.settlement.value.replace("_", " ")


def _set_in_words(item: ItemRun) -> str:
    if item.settlement is not Settlement.SETTLED:
        return item.settlement.value.replace("_", " ")
    if not isinstance(item.value, SetChange):
        return "read"
    if item.value.unconfirmed:
        return "unconfirmed"
    return "failed" if item.value.failed else ("written" if item.value.wrote else "unchanged")
