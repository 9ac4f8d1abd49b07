"""Disable User Access on the bulk engine: each User entity resolved to an IAM user and given the
deny-all inline policy, touching nothing else."""

from typing import Sequence

from AWSIAMExceptions import AWSIAMError, ConnectionFailure
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, DeadlineReached, ItemRun, Settlement
from PolicyDocuments import DENY_ALL_DOCUMENT, DENY_ALL_POLICY_NAME
from UserAccessModels import DisableCause, DisableOutcome, DisableRun, DisableStatus, parse_user_reference
from UserResolution import Missing, UserResolver

_CAUSE_OF = {
    Missing.NOT_A_USER_NAME: DisableCause.NOT_A_USER_NAME,
    Missing.NAME_TOO_LONG: DisableCause.NAME_TOO_LONG,
    Missing.OTHER_ACCOUNT: DisableCause.OTHER_ACCOUNT,
    Missing.NO_SUCH_USER: DisableCause.NO_SUCH_USER,
}


class Containment:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine
        self.resolver = UserResolver(manager)

    def disable_users(self, lookups: Sequence[str]) -> DisableRun:
        """Put the deny-all inline policy on each user named by an entity.
        Needs iam:PutUserPolicy, and what UserResolver.resolve needs.
        A connection or credential failure stops the run; every other error is the user's own."""
        run = self.engine.run(lookups, self._disable_one, describe=_describe)
        return DisableRun(tuple(_disable_outcome(item, run.stopped_by) for item in run.runs), error=run.stopped_by)

    def _disable_one(self, lookup: str) -> DisableOutcome:
        try:
            return self._disable_user(lookup)
        except (ConnectionFailure, DeadlineReached):
            raise
        except AWSIAMError as err:
            return DisableOutcome(lookup, DisableStatus.FAILED, _name_in(lookup), error=err)

    def _disable_user(self, lookup: str) -> DisableOutcome:
        # The deny policy's own PutUserPolicy is the existence check.
        found = self.resolver.resolve(
            lookup, lambda name: self.manager.put_user_policy(name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT))
        if not found.found:
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, found.user_name, found.arn, cause=_CAUSE_OF[found.missing])
        return DisableOutcome(lookup, DisableStatus.DISABLED, found.user_name, found.arn)


def _disable_outcome(item: ItemRun, stopped_by: Exception | None) -> DisableOutcome:
    lookup = item.item
    if item.settlement is Settlement.SETTLED:
        return item.value
    if item.settlement is Settlement.FAILED:
        return DisableOutcome(lookup, DisableStatus.FAILED, _name_in(lookup), error=item.error)
    if item.settlement is Settlement.UNANSWERED:
        cause = DisableCause.UNANSWERED
    else:
        cause = DisableCause.OUT_OF_TIME if isinstance(stopped_by, DeadlineReached) else DisableCause.NOT_ATTEMPTED
    return DisableOutcome(lookup, DisableStatus.FAILED, _name_in(lookup), cause=cause)


def _describe(item: ItemRun) -> str:
    if item.settlement is Settlement.SETTLED:
        return item.value.status.value.replace("_", " ")
    return item.settlement.value.replace("_", " ")


def _name_in(lookup: str) -> str | None:
    reference = parse_user_reference(lookup)
    return reference.name if reference else None
