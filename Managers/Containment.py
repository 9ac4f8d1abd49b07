"""Disable User Access on the bulk engine: each User entity resolved to an IAM user and given the
deny-all inline policy, touching nothing else."""

from typing import Sequence

from AWSIAMExceptions import AWSIAMError, ConnectionFailure, NotFound
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, DeadlineReached, ItemRun, Settlement
from PolicyDocuments import DENY_ALL_DOCUMENT, DENY_ALL_POLICY_NAME
from UserAccessModels import DisableCause, DisableOutcome, DisableRun, DisableStatus, parse_user_reference, unusable_cause


class Containment:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine

    def disable_users(self, lookups: Sequence[str]) -> DisableRun:
        """Put the deny-all inline policy on each user named by an entity.
        Needs iam:PutUserPolicy; iam:ListUsers when a name's case differs; sts:GetCallerIdentity for ARNs.
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
        reference = parse_user_reference(lookup)
        if reference is None:
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, cause=unusable_cause(lookup))
        if reference.account and not self.manager.is_own_account(reference.partition, reference.account):
            # Same-named users exist in many accounts; disabling ours for another's ARN would be wrong.
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, reference.name, cause=DisableCause.OTHER_ACCOUNT)
        try:
            self.manager.put_user_policy(reference.name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT)
            return DisableOutcome(lookup, DisableStatus.DISABLED, reference.name, reference.arn)
        except NotFound:
            pass
        # The platform upper-cases identifiers: find the real spelling in one listing per run.
        user = self.manager.users_by_lower_name().get(reference.name.lower())
        if user is None or user.name == reference.name:
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, reference.name, cause=DisableCause.NO_SUCH_USER)
        try:
            self.manager.put_user_policy(user.name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT)
        except NotFound:  # deleted in between
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, user.name, user.arn, cause=DisableCause.NO_SUCH_USER)
        return DisableOutcome(lookup, DisableStatus.DISABLED, user.name, user.arn)


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
