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
from AWSIAMExceptions import AWSIAMError, ConnectionFailure, NotFound
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

# Errors that stop the whole run rather than settle one user.
_GENERAL = (ConnectionFailure, DeadlineReached)

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
        Needs iam:PutUserPolicy, what UserResolver.resolve needs, and for the keys iam:ListAccessKeys,
        iam:ListUserTags, iam:TagUser and iam:UpdateAccessKey.
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
            manager.put_user_policy(user.name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT)
        except NotFound:
            return _DISABLE.gone(lookup, found)
        except _GENERAL:
            raise
        except AWSIAMError as err:
            return DisableOutcome(lookup, DisableStatus.FAILED, user.name, user.arn, error=err, principal=found.principal)
        disabled = DisableOutcome(lookup, DisableStatus.DISABLED, user.name, user.arn, principal=found.principal)
        if not deactivate_keys:
            return disabled
        # Deny first, keys second: the deny holds even if a key update fails.
        keys = progress[index] = _DisableProgress(disabled)
        try:
            self._deactivate_keys(manager, user.name, keys)
        except _GENERAL:
            raise
        except AWSIAMError as err:
            keys.error = err
        return keys.outcome()

    def _deactivate_keys(self, manager: AWSIAMManager, user_name: str, progress: "_DisableProgress") -> None:
        """Needs iam:ListAccessKeys, iam:ListUserTags, iam:TagUser and iam:UpdateAccessKey."""
        keys = manager.list_access_keys(user_name)
        active = [key.id for key in keys if key.is_active]
        if not active:
            return  # nothing to turn off, so nothing new to record
        previous_value = manager.list_user_tags(user_name).get(CONTAINMENT_TAG)
        previous = ContainmentRecord.from_tag_value(previous_value) if previous_value is not None else None
        if previous_value is not None and previous is None:
            # Overwriting it could lose the record of an earlier containment: leave the keys on.
            progress.cause = DisableCause.TAG_UNREADABLE
            return
        record = (previous or ContainmentRecord.new(utc_now())).merged({key.id for key in keys}, active)
        if len(record.to_tag_value()) > MAX_TAG_VALUE_LENGTH:
            progress.cause = DisableCause.RECORD_TOO_LONG
            return
        # The record is written before any key is touched. Should anything fail later (an update,
        # the connection, the deadline, a lost answer), every key this run turned off is already in
        # it, so Enable can restore it. The reverse order could leave a key turned off and recorded
        # nowhere. What this order risks instead is a key recorded but left Active: Enable only
        # reactivates recorded keys that are Inactive, so it leaves such a key alone while it stays
        # Active, the report names the key, and the record is corrected below when IAM refused the
        # update outright.
        manager.tag_user(user_name, CONTAINMENT_TAG, record.to_tag_value())
        progress.unconfirmed = list(active)
        refused = []
        for key_id in active:
            try:
                manager.update_access_key(user_name, key_id, active=False)
            except NotFound:
                # Deleted since the listing: there is nothing left to turn off or to restore.
                progress.unconfirmed.remove(key_id)
            except _GENERAL:
                raise
            except AWSIAMError as err:
                # Keep trying the user's other key; the first refusal is the one reported.
                if progress.error is None:
                    progress.error, progress.failed_key = err, key_id
                if not err.maybe_applied:
                    refused.append(key_id)
            else:
                progress.deactivated.append(key_id)
        if refused:
            # Keys IAM refused to turn off stayed Active: take them out of the record again.
            corrected = replace(record, keys=tuple(key for key in record.keys if key not in refused))
            try:
                manager.tag_user(user_name, CONTAINMENT_TAG, corrected.to_tag_value())
            except _GENERAL:
                raise
            except AWSIAMError:
                return  # they stay listed as unconfirmed
            progress.unconfirmed = [key for key in progress.unconfirmed if key not in refused]

    # --- Enable User Access -------------------------------------------------------------------

    def enable_users(self, lookups: Sequence[str], *, reactivate_keys: bool = True,
                     mode: RestoreMode = RestoreMode.UNDO) -> EnableRun:
        """Undo Disable User Access on each user named by an entity: delete the deny policy, set back
        to Active the recorded keys that still exist and are Inactive (with `reactivate_keys`), and
        remove the containment tag. No other key or policy is touched.
        In Recover mode no key is reactivated; instead every session and temporary credential of the
        user issued before containment is cut off (see _recover).
        Needs iam:ListUserTags, iam:DeleteUserPolicy, iam:ListAccessKeys, iam:UpdateAccessKey,
        iam:UntagUser, and what UserResolver.resolve needs; Recover also iam:ListUserPolicies and
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
        except _GENERAL:
            raise
        except AWSIAMError as err:
            return EnableOutcome(lookup, EnableStatus.FAILED, user.name, user.arn, error=err, principal=found.principal)
        state = progress[index] = _EnableProgress(lookup, user.name, user.arn, found.principal, mode=mode)
        try:
            if mode is RestoreMode.RECOVER:
                self._recover(manager, user.name, tags.get(CONTAINMENT_TAG), state)
            else:
                self._restore(manager, user.name, tags.get(CONTAINMENT_TAG), state, reactivate_keys)
        except _GENERAL:
            raise
        except AWSIAMError as err:
            state.error = err
        return state.outcome()

    def _restore(self, manager: AWSIAMManager, user_name: str, tag_value: str | None, state: "_EnableProgress",
                 reactivate_keys: bool) -> None:
        """Needs iam:DeleteUserPolicy, iam:ListAccessKeys, iam:UpdateAccessKey and iam:UntagUser."""
        self._delete_deny(manager, user_name, state)
        if tag_value is None:
            state.nothing_recorded = True
            return
        record = self._readable_record(tag_value, state)
        if record is None:
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
        if tag_value is None and DENY_ALL_POLICY_NAME not in manager.list_user_policies(user_name):
            # Not contained: a cut-off now would end the sessions the user works with today.
            state.nothing_recorded = True
            return
        record = self._readable_record(tag_value, state) if tag_value is not None else None
        cutoff = record.at_time if record else utc_now().replace(microsecond=0)
        state.step = EnableStep.SESSIONS
        manager.put_user_policy(user_name, REVOKE_SESSIONS_POLICY_NAME, revoke_older_sessions_document(cutoff))
        state.revoked_before = cutoff.strftime(RECORD_TIME_FORMAT)
        self._delete_deny(manager, user_name, state)
        if record is None:
            return  # no record to remove; an unreadable tag stays for a person to read
        state.step = EnableStep.TAG
        manager.untag_user(user_name, CONTAINMENT_TAG)
        state.step = None

    @staticmethod
    def _delete_deny(manager: AWSIAMManager, user_name: str, state: "_EnableProgress") -> None:
        """Needs iam:DeleteUserPolicy."""
        state.step = EnableStep.DENY_POLICY
        try:
            manager.delete_user_policy(user_name, DENY_ALL_POLICY_NAME)
            state.deny_removed = True
        except NotFound as err:
            # Absent: the user was not disabled. Absent on a retry after a lost answer: the lost
            # attempt deleted it.
            state.deny_removed = err.maybe_applied
        state.step = None

    @staticmethod
    def _readable_record(tag_value: str, state: "_EnableProgress") -> ContainmentRecord | None:
        """The record, noted on the state; None (and the tag kept for the report) when it is not
        one this integration wrote: without it no key can be restored exactly, and the tag stays
        so that whoever edited it, or an administrator, can still read what it says."""
        record = ContainmentRecord.from_tag_value(tag_value)
        if record is None:
            state.cause, state.tag_value = DisableCause.TAG_UNREADABLE, tag_value
        else:
            state.recorded = record.keys
        return record

    def _reactivate(self, manager: AWSIAMManager, user_name: str, record: ContainmentRecord,
                    state: "_EnableProgress") -> None:
        """Set back to Active the recorded keys that still exist and are Inactive. A recorded key
        that is gone cannot come back; one that is Active already was turned on by someone else,
        or was never turned off; neither is touched."""
        inactive = {key.id for key in manager.list_access_keys(user_name) if not key.is_active}
        for key_id in record.keys:
            if key_id not in inactive:
                continue
            try:
                manager.update_access_key(user_name, key_id, active=True)
            except NotFound:
                continue  # deleted since the listing
            except _GENERAL:
                raise
            except AWSIAMError as err:
                if state.error is None:
                    state.error = err
                continue
            state.reactivated.append(key_id)

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
    step: EnableStep | None = None  # the step under way, while it is
    cause: DisableCause | None = None
    error: Exception | None = None
    tag_value: str | None = None
    mode: RestoreMode = RestoreMode.UNDO
    revoked_before: str | None = None

    def outcome(self, *, cause: DisableCause | None = None, error: Exception | None = None) -> EnableOutcome:
        """`cause` or `error` is what interrupted the restore, when the report is made without it."""
        interrupted = cause is not None or error is not None
        cause, error = cause or self.cause, error or self.error
        if cause is not None or error is not None:
            status = EnableStatus.FAILED
        elif self.nothing_recorded and not self.deny_removed and self.revoked_before is None:
            status = EnableStatus.NOT_DISABLED
        elif self.mode is RestoreMode.RECOVER:
            status = EnableStatus.RECOVERED
        else:
            status = EnableStatus.ENABLED
        return EnableOutcome(self.lookup, status, self.user_name, self.arn, self.deny_removed, tuple(self.recorded),
                             tuple(self.reactivated), self.step, cause, error, self.tag_value, interrupted,
                             self.principal,
                             self.revoked_before, tuple(self.recorded) if self.mode is RestoreMode.RECOVER else ())


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
