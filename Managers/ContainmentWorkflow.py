"""Disable User Access and Enable User Access on the bulk engine.

Disable resolves each User entity to an IAM user and gives it the deny-all inline policy; with
Deactivate Access Keys it then turns the user's Active access keys Inactive and records exactly
which ones in the user's containment tag. Enable undoes exactly that: it deletes the deny policy,
reactivates the recorded keys that still exist and are Inactive, and removes the tag. Neither
touches anything else of the user.

A user's calls run one after the other, because each step depends on the one before. When a
general error or the platform's deadline cuts a user short, the engine only knows that the item
did not settle; each user's progress is therefore kept aside as it happens, so the report still
says what was done to that user."""

from dataclasses import dataclass, field, replace
from typing import Sequence

from AWSIAMDatamodels import utc_now
from AWSIAMExceptions import RUN_STOPPERS, AWSIAMError, NotFound, confirm, write_and_confirm
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, BulkRun, DeadlineReached, ItemRun, Settlement, Unsettled, status_in_words
from AWSIAMPolicyDocuments import (DENY_ALL_DOCUMENT, DENY_ALL_POLICY_NAME, REVOKE_SESSIONS_POLICY_NAME,
                                   revoke_older_sessions_document)
from ContainmentModels import (
    CONTAINMENT_TAG,
    MAX_TAG_VALUE_LENGTH,
    RECORD_TIME_FORMAT,
    ContainmentRecord,
    DisableCause,
    DisableOutcome,
    DisableRun,
    DisableStatus,
    EnableOutcome,
    EnableRun,
    EnableStatus,
    EnableStep,
    KeyStep,
    RestoreMode,
)
from PrincipalsModels import Principal
from PrincipalsWorkflow import Resolution, UserOutcomes, UserResolver


_DISABLE = UserOutcomes(DisableOutcome, DisableStatus)
_ENABLE = UserOutcomes(EnableOutcome, EnableStatus)


class Containment:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine
        self.resolver = UserResolver(manager)

    # --- Disable User Access ------------------------------------------------------------------

    def disable_users(self, lookups: Sequence[str], *, deactivate_keys: bool = False) -> DisableRun:
        """Put the deny-all inline policy on each user named by an entity; with `deactivate_keys`,
        then record and deactivate the user's Active access keys.
        Needs iam:PutUserPolicy, iam:ListUserPolicies, what UserResolver.resolve needs, and for the
        keys iam:ListUserTags, iam:ListAccessKeys, iam:TagUser and iam:UpdateAccessKey.
        A connection or credential failure stops the run; every other error is the user's own."""
        outcomes, error = self._each_user(
            lookups, lambda item, progress: self._disable_one(item, progress, deactivate_keys), _DISABLE)
        return DisableRun(outcomes, error=error)

    def _disable_one(self, item: tuple[int, str], progress: dict, deactivate_keys: bool) -> DisableOutcome:
        index, lookup = item
        found, ended = self.resolver.find(lookup, _DISABLE)
        if ended is not None:
            return ended
        return self.resolver.once(found, lookup, lambda: self._disable_user(index, lookup, found, progress, deactivate_keys))

    def _disable_user(self, index: int, lookup: str, found: Resolution, progress: dict,
                      deactivate_keys: bool) -> DisableOutcome:
        user, manager = found.user, found.manager
        try:
            previous_value = contained_before = None
            if deactivate_keys:
                # Whether a record is already there decides whether the deny policy's presence
                # before this run must be read, which only a read made before the deny is put can tell.
                previous_value = manager.list_user_tags(user.name).get(CONTAINMENT_TAG)
                contained_before = previous_value is not None and self._deny_was_on(manager, user.name)
            deny_on = self._put_deny(manager, user.name)
        except NotFound:
            return _DISABLE.gone(lookup, found)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return DisableOutcome(lookup, DisableStatus.FAILED, user.name, user.arn, error=err, principal=found.principal)
        status = DisableStatus.DISABLED if deny_on else DisableStatus.UNCONFIRMED
        disabled = DisableOutcome(lookup, status, user.name, user.arn, principal=found.principal)
        if not deactivate_keys or not deny_on:
            return disabled
        # Deny first, keys second: the deny holds even if a key update fails.
        keys = progress[index] = _DisableProgress(disabled)
        try:
            self._deactivate_keys(manager, user.name, keys, previous_value, contained_before=contained_before)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            keys.error = err
        return keys.outcome()

    @staticmethod
    def _put_deny(manager: AWSIAMManager, user_name: str) -> bool:
        """Put the deny policy on the user: True once it is on, False when IAM's answer was lost and
        no read could confirm it either way. Needs iam:PutUserPolicy, and iam:ListUserPolicies to
        confirm a lost answer."""
        return write_and_confirm(lambda: manager.put_user_policy(user_name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT),
                                 lambda: DENY_ALL_POLICY_NAME in manager.list_user_policies(user_name)) is None

    @staticmethod
    def _deny_was_on(manager: AWSIAMManager, user_name: str) -> bool:
        """Whether the deny policy is on the user, before this run puts it. Needs iam:ListUserPolicies.
        When IAM does not say, the user counts as not contained: replacing a live record only leaves
        keys off that Enable would have restored, while merging into a stale one could turn on a key
        that an administrator retired since."""
        try:
            return DENY_ALL_POLICY_NAME in manager.list_user_policies(user_name)
        except RUN_STOPPERS:
            raise
        except AWSIAMError:
            return False

    def _deactivate_keys(self, manager: AWSIAMManager, user_name: str, progress: "_DisableProgress",
                         previous_value: str | None, *, contained_before: bool) -> None:
        """Needs iam:ListAccessKeys, iam:TagUser and iam:UpdateAccessKey.
        `previous_value` is the containment tag the user carried before this run, if any."""
        keys = manager.list_access_keys(user_name)
        active = [key.id for key in keys if key.is_active]
        previous = ContainmentRecord.from_tag_value(previous_value) if previous_value is not None else None
        if previous_value is not None and previous is None:
            # Overwriting it could lose the record of an earlier containment: leave the keys on.
            progress.cause = DisableCause.TAG_UNREADABLE
            return
        if previous is not None and contained_before:
            # Still contained: the keys an earlier run turned off stay recorded, with its time.
            record = previous.merged({key.id for key in keys}, active)
        else:
            # A record left on a user who is no longer contained is stale: it is replaced, never
            # merged, so Enable can never turn on a key that this containment did not turn off.
            record = ContainmentRecord.new(utc_now()).merged((), active)
        if len(record.to_tag_value()) > MAX_TAG_VALUE_LENGTH:
            progress.cause = DisableCause.RECORD_TOO_LONG
            return
        if not active:
            if previous is not None and record != previous:
                # Nothing to turn off, but the record must not list a key this containment did not
                # turn off (a stale record), nor one that no longer exists.
                manager.tag_user(user_name, CONTAINMENT_TAG, record.to_tag_value())
            return  # nothing to turn off, so nothing new to record
        # The record is written before any key is touched. Should anything fail later (an update,
        # the connection, the deadline, a lost answer), every key this run turned off is already in
        # it, so Enable can restore it. The reverse order could leave a key turned off and recorded
        # nowhere. What this order risks instead is a key recorded but left Active: Enable only
        # reactivates recorded keys that are Inactive, so it leaves such a key alone while it stays
        # Active; before the user's step ends such a key is taken out of the record again, or the
        # report names it.
        self._write_record(manager, user_name, record, active, progress)
        progress.unconfirmed = list(active)
        errors: dict[str, AWSIAMError] = {}
        gone, refused, unknown = [], [], []
        for key_id in active:
            try:
                manager.update_access_key(user_name, key_id, active=False)
            except NotFound:
                # Deleted since the listing: there is nothing left to turn off or to restore.
                gone.append(key_id)
            except RUN_STOPPERS:
                raise
            except AWSIAMError as err:
                # Keep trying the user's other key.
                errors[key_id] = err
                (unknown if err.maybe_applied else refused).append(key_id)
            else:
                progress.deactivated.append(key_id)
        if unknown:
            # An attempt whose answer was lost may have turned the key off after all: one listing
            # says which of them are Inactive now.
            self._confirm_keys(manager, user_name, unknown, progress, refused, gone)
        progress.unconfirmed = [key for key in progress.unconfirmed if key not in gone]
        failed = [key for key in active if key in errors and key not in progress.deactivated]
        if failed:
            # The first key whose call failed is the one reported.
            progress.error, progress.failed_key = errors[failed[0]], failed[0]
        if refused or gone:
            # Keys that stayed Active, or are gone, must not stay in the record.
            corrected = replace(record, keys=tuple(key for key in record.keys if key not in refused and key not in gone))
            try:
                manager.tag_user(user_name, CONTAINMENT_TAG, corrected.to_tag_value())
            except RUN_STOPPERS:
                raise
            except AWSIAMError:
                return  # they stay listed as unconfirmed
            progress.unconfirmed = [key for key in progress.unconfirmed if key not in refused]

    @staticmethod
    def _write_record(manager: AWSIAMManager, user_name: str, record: ContainmentRecord, active: list[str],
                      progress: "_DisableProgress") -> None:
        """Tag the user with the record, before any key is touched. When the write fails but may
        have taken effect (an answer, or the connection, lost after the request went out), one
        ListUserTags says whether the record is on the user; if it is, the keys are turned off as if
        the write had been answered. Raises the write's error when the record is not there (no key
        was touched), or when the read cannot be made: the record may then list keys that stay
        Active, and the report names them. Needs iam:TagUser, and iam:ListUserTags to confirm."""
        value = record.to_tag_value()
        unknown = write_and_confirm(lambda: manager.tag_user(user_name, CONTAINMENT_TAG, value),
                                    lambda: manager.list_user_tags(user_name).get(CONTAINMENT_TAG) == value)
        if unknown is not None:
            progress.unconfirmed = list(active)
            raise unknown

    @staticmethod
    def _confirm_keys(manager: AWSIAMManager, user_name: str, unknown: list[str], progress: "_DisableProgress",
                      refused: list[str], gone: list[str]) -> None:
        """Sort keys whose update may have taken effect by what ListAccessKeys says now. When the
        listing fails, they stay unconfirmed, and the report names them."""
        try:
            status = {key.id: key.is_active for key in manager.list_access_keys(user_name)}
        except RUN_STOPPERS:
            raise
        except AWSIAMError:
            return
        for key_id in unknown:
            if key_id not in status:
                gone.append(key_id)
            elif status[key_id]:
                refused.append(key_id)
            else:
                progress.deactivated.append(key_id)
        # Keep the report in the listing's order.
        progress.deactivated.sort(key=lambda key: progress.unconfirmed.index(key))

    # --- Enable User Access -------------------------------------------------------------------

    def enable_users(self, lookups: Sequence[str], *, reactivate_keys: bool = True,
                     mode: RestoreMode = RestoreMode.UNDO) -> EnableRun:
        """Undo Disable User Access on each user named by an entity: delete the deny policy, set back
        to Active the recorded keys that still exist and are Inactive (with `reactivate_keys`), and
        remove the containment tag. No other key or policy is touched.
        In Recover mode no key is reactivated; instead every session and temporary credential of the
        user issued before containment is cut off (see _recover).
        Needs iam:ListUserTags, iam:DeleteUserPolicy, iam:ListUserPolicies, iam:ListAccessKeys,
        iam:UpdateAccessKey, iam:UntagUser, and what UserResolver.resolve needs; Recover also
        iam:PutUserPolicy."""
        outcomes, error = self._each_user(
            lookups, lambda item, progress: self._enable_one(item, progress, reactivate_keys, mode), _ENABLE)
        return EnableRun(outcomes, error=error, mode=mode)

    def _enable_one(self, item: tuple[int, str], progress: dict, reactivate_keys: bool,
                    mode: RestoreMode) -> EnableOutcome:
        index, lookup = item
        found, ended = self.resolver.find(lookup, _ENABLE)
        if ended is not None:
            return ended
        return self.resolver.once(
            found, lookup, lambda: self._enable_user(index, lookup, found, progress, reactivate_keys, mode))

    def _enable_user(self, index: int, lookup: str, found: Resolution, progress: dict,
                     reactivate_keys: bool, mode: RestoreMode) -> EnableOutcome:
        user, manager = found.user, found.manager
        try:
            tags = manager.list_user_tags(user.name)
        except NotFound:
            return _ENABLE.gone(lookup, found)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            return EnableOutcome(lookup, EnableStatus.FAILED, user.name, user.arn, error=err, principal=found.principal)
        state = progress[index] = _EnableProgress(lookup, user.name, user.arn, found.principal, mode=mode)
        try:
            if mode is RestoreMode.RECOVER:
                self._recover(manager, user.name, tags.get(CONTAINMENT_TAG), state)
            else:
                self._restore(manager, user.name, tags.get(CONTAINMENT_TAG), state, reactivate_keys)
        except RUN_STOPPERS:
            raise
        except AWSIAMError as err:
            state.error = err
        return state.outcome()

    def _restore(self, manager: AWSIAMManager, user_name: str, tag_value: str | None, state: "_EnableProgress",
                 reactivate_keys: bool) -> None:
        """Needs iam:DeleteUserPolicy, iam:ListAccessKeys, iam:UpdateAccessKey and iam:UntagUser, and
        iam:ListUserPolicies to confirm a lost answer."""
        record = self._record_of(tag_value, state)
        if not self._delete_deny(manager, user_name, state):
            return
        if tag_value is None:
            state.nothing_recorded = True
            return
        if self._unreadable(tag_value, record, state):
            return
        if reactivate_keys and record.keys:
            state.step = EnableStep.KEYS
            self._reactivate(manager, user_name, record, state)
            if state.error is not None:
                return  # the tag stays, so running the action again finishes the restore
        state.step = EnableStep.TAG
        manager.untag_user(user_name, CONTAINMENT_TAG)
        state.step = None

    def _recover(self, manager: AWSIAMManager, user_name: str, tag_value: str | None, state: "_EnableProgress") -> None:
        """After a real compromise: the recorded keys stay Inactive (AWS advises never to reactivate
        a compromised key), and the user gets the console's AWSRevokeOlderSessions document dated at
        the record's `at`, so every session and temporary credential issued before containment
        (GetSessionToken and GetFederationToken credentials live up to 36 hours) stays dead while new
        keys and sessions work. The cut-off is written before the deny policy goes, so there is no
        moment in which the old credentials work again.
        Needs iam:ListUserPolicies, iam:PutUserPolicy, iam:DeleteUserPolicy and iam:UntagUser."""
        record = self._record_of(tag_value, state)
        if tag_value is None and DENY_ALL_POLICY_NAME not in manager.list_user_policies(user_name):
            # Not contained: a cut-off now would end the sessions the user works with today.
            state.nothing_recorded = True
            return
        cutoff = record.at_time if record else utc_now().replace(microsecond=0)
        state.step = EnableStep.SESSIONS
        if not self._put_user_cutoff(manager, user_name, cutoff):
            # Whether the old sessions are cut off is unknown: the deny policy stays on, and the tag.
            state.step, state.unconfirmed, state.sessions_unconfirmed = None, True, True
            return
        state.revoked_before = cutoff.strftime(RECORD_TIME_FORMAT)
        if not self._delete_deny(manager, user_name, state):
            return
        if tag_value is None or self._unreadable(tag_value, record, state):
            return
        state.step = EnableStep.TAG
        manager.untag_user(user_name, CONTAINMENT_TAG)
        state.step = None

    @staticmethod
    def _put_user_cutoff(manager: AWSIAMManager, user_name: str, cutoff) -> bool:
        """Write AWSRevokeOlderSessions dated `cutoff` on the user: True once it is there; False when
        its answer was lost and no read could tell. PutUserPolicy replaces the policy of that name,
        and the cut-off of a record is always its `at`, so the policy found after a lost answer is
        this write's. Needs iam:PutUserPolicy, and iam:ListUserPolicies to confirm a lost answer."""
        document = revoke_older_sessions_document(cutoff)
        return write_and_confirm(lambda: manager.put_user_policy(user_name, REVOKE_SESSIONS_POLICY_NAME, document),
                                 lambda: REVOKE_SESSIONS_POLICY_NAME in manager.list_user_policies(user_name)) is None

    @staticmethod
    def _delete_deny(manager: AWSIAMManager, user_name: str, state: "_EnableProgress") -> bool:
        """Whether the deny policy is known to be gone (or was never there). Needs
        iam:DeleteUserPolicy, and iam:ListUserPolicies to confirm a lost answer."""
        state.step = EnableStep.DENY_POLICY
        failed = None
        try:
            manager.delete_user_policy(user_name, DENY_ALL_POLICY_NAME)
            state.deny_removed = True
        except NotFound as err:
            # Absent: the user was not disabled. Absent on a retry after a lost answer: the lost
            # attempt deleted it.
            state.deny_removed = err.maybe_applied
        except AWSIAMError as err:
            failed = err
        if failed is not None:
            if not confirm(failed, lambda: DENY_ALL_POLICY_NAME not in manager.list_user_policies(user_name)):
                # Whether the deny is still on is unknown: nothing more is changed, and the tag stays.
                state.step, state.unconfirmed = None, True
                return False
            state.deny_removed = True
        state.step = None
        return True

    @staticmethod
    def _record_of(tag_value: str | None, state: "_EnableProgress") -> ContainmentRecord | None:
        record = ContainmentRecord.from_tag_value(tag_value) if tag_value is not None else None
        if record is not None:
            # Known before any change, so the report names it whatever step fails.
            state.recorded = record.keys
        return record

    @staticmethod
    def _unreadable(tag_value: str, record: ContainmentRecord | None, state: "_EnableProgress") -> bool:
        if record is None:
            # Without a readable record no key can be restored exactly. The tag stays, so that
            # whoever edited it, or an administrator, can still read what it says.
            state.cause, state.tag_value = DisableCause.TAG_UNREADABLE, tag_value
        return record is None

    def _reactivate(self, manager: AWSIAMManager, user_name: str, record: ContainmentRecord,
                    state: "_EnableProgress") -> None:
        """Set back to Active the recorded keys that still exist and are Inactive. A recorded key
        that is gone cannot come back; one that is Active already was turned on by someone else,
        or was never turned off; neither is touched."""
        keys = manager.list_access_keys(user_name)
        inactive = {key.id for key in keys if not key.is_active}
        # A recorded key the user does not hold was deleted since, or was never the user's (someone
        # edited the tag): either way it is not this user's to turn on.
        state.absent = [key_id for key_id in record.keys if key_id not in {key.id for key in keys}]
        maybe_back: list[tuple[str, AWSIAMError]] = []
        for key_id in record.keys:
            if key_id not in inactive:
                continue
            try:
                manager.update_access_key(user_name, key_id, active=True)
            except NotFound:
                continue  # deleted since the listing
            except AWSIAMError as err:
                # Even a lost connection may hide an update IAM carried out: a read tells, below.
                if err.maybe_applied:
                    maybe_back.append((key_id, err))
                elif isinstance(err, RUN_STOPPERS):
                    raise
                elif state.error is None:
                    state.error = err
                continue
            state.reactivated.append(key_id)
        if maybe_back:
            self._confirm_reactivated(manager, user_name, record, maybe_back, state)

    @staticmethod
    def _confirm_reactivated(manager: AWSIAMManager, user_name: str, record: ContainmentRecord,
                             maybe_back: list[tuple[str, AWSIAMError]], state: "_EnableProgress") -> None:
        """One ListAccessKeys sorts the keys whose update may have taken effect: an Active one was
        reactivated; an Inactive one failed with its error; when the listing fails, the report says
        that the key may be Active again. Needs iam:ListAccessKeys."""
        try:
            active = {key.id for key in manager.list_access_keys(user_name) if key.is_active}
        except (AWSIAMError, DeadlineReached):
            # No time left counts as no read: the keys are named as maybe back on, and the user's
            # step ends here (the tag stays), so nothing more is asked of AWS for it.
            active = None
        for key_id, err in maybe_back:
            if active is not None and key_id in active:
                state.reactivated.append(key_id)
                continue
            if active is None:
                state.unconfirmed_keys.append(key_id)
            if state.error is None:
                state.error = err
        # Keep the report in the record's order.
        state.reactivated.sort(key=record.keys.index)

    # --- Both ---------------------------------------------------------------------------------

    def _each_user(self, lookups: Sequence[str], settle, outcomes: UserOutcomes) -> tuple[tuple, Exception | None]:
        """Every user's outcome in entity order, and what stopped the run early, if anything.
        `settle((index, lookup), progress)` settles one user, and keeps its progress in `progress`
        under its index from the point where there is some to report (Disable: the deny policy is
        on; Enable: the user is found). A user that never settles is reported from that progress,
        or as failed when it has none."""
        progress: dict[int, _DisableProgress | _EnableProgress] = {}
        run = self.engine.run(list(enumerate(lookups)), lambda item: settle(item, progress),
                              describe=status_in_words, label=_lookup_of)
        reported = tuple(_outcome(item, run, progress.get(item.item[0]), outcomes) for item in run.runs)
        return reported, run.stopped_by


@dataclass
class _DisableProgress:
    """A disabled user's key step as it goes; read by the report even if the user never settles."""

    disabled: DisableOutcome
    deactivated: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    failed_key: str | None = None
    cause: DisableCause | None = None
    error: Exception | None = None

    def outcome(self, *, cause: DisableCause | None = None, error: Exception | None = None) -> DisableOutcome:
        # An interruption (`cause` or `error` given) outranks a key's own refusal.
        failed_key = self.failed_key if cause is None and error is None else None
        step = KeyStep(tuple(self.deactivated), tuple(key for key in self.unconfirmed if key not in self.deactivated),
                       failed_key, cause or self.cause, error or self.error)
        status = DisableStatus.DISABLED if step.complete else DisableStatus.FAILED
        return replace(self.disabled, status=status, keys=step)


@dataclass
class _EnableProgress:
    """A found user's restore as it goes; read by the report even if the user never settles."""

    lookup: str
    user_name: str
    arn: str | None
    principal: Principal
    deny_removed: bool = False
    nothing_recorded: bool = False
    recorded: tuple[str, ...] = ()
    reactivated: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    step: EnableStep | None = None  # the step under way, while it is
    cause: DisableCause | None = None
    error: Exception | None = None
    tag_value: str | None = None
    unconfirmed: bool = False  # the deny policy's deletion (or Recover's cut-off) could not be confirmed either way
    sessions_unconfirmed: bool = False  # Recover: it was the cut-off's write
    mode: RestoreMode = RestoreMode.UNDO
    revoked_before: str | None = None
    unconfirmed_keys: list[str] = field(default_factory=list)  # reactivations no read could confirm

    def outcome(self, *, cause: DisableCause | None = None, error: Exception | None = None) -> EnableOutcome:
        """`cause` or `error` is what interrupted the restore, when the report is made without it."""
        interrupted = cause is not None or error is not None
        cause, error = cause or self.cause, error or self.error
        if cause is not None or error is not None:
            status = EnableStatus.FAILED
        elif self.unconfirmed:
            status = EnableStatus.UNCONFIRMED
        elif self.nothing_recorded and not self.deny_removed and self.revoked_before is None:
            status = EnableStatus.NOT_DISABLED
        elif self.mode is RestoreMode.RECOVER:
            status = EnableStatus.RECOVERED
        else:
            status = EnableStatus.ENABLED
        return EnableOutcome(self.lookup, status, self.user_name, self.arn, self.deny_removed, tuple(self.recorded),
                             tuple(self.reactivated), self.step, cause, error, self.tag_value, interrupted,
                             self.principal, tuple(self.absent), self.revoked_before,
                             tuple(self.recorded) if self.mode is RestoreMode.RECOVER else (),
                             tuple(self.unconfirmed_keys), self.sessions_unconfirmed)


def _outcome(item: ItemRun, run: BulkRun, progress: _DisableProgress | _EnableProgress | None,
             outcomes: UserOutcomes) -> DisableOutcome | EnableOutcome:
    if item.settlement is Settlement.SETTLED:
        return item.value
    if item.settlement is Settlement.FAILED:
        cause, error = None, item.error
    else:
        cause, error = _CAUSE_OF_UNSETTLED[run.unsettled(item)], None
    if progress is not None:
        # Say how far the user got before the interruption.
        return progress.outcome(cause=cause, error=error)
    return outcomes.failed(item.item[1], cause=cause, error=error)


_CAUSE_OF_UNSETTLED = {
    Unsettled.UNANSWERED: DisableCause.UNANSWERED,
    Unsettled.OUT_OF_TIME: DisableCause.OUT_OF_TIME,
    Unsettled.NOT_ATTEMPTED: DisableCause.NOT_ATTEMPTED,
}


def _lookup_of(item: tuple[int, str]) -> str:
    return item[1]
