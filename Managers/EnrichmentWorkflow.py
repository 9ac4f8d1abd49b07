"""Enrich User on the bulk engine: each User entity resolved to an IAM user and read in full.

Users run concurrently on the engine, and each user's independent reads run concurrently too.
Every IAM call of the run, the resolution's included, goes through one CallPool of MAX_READS_IN_FLIGHT,
so no more calls are in flight than boto3's connection pool holds, however many users fan out
at once. A user costs GetUser, then six reads at once (access keys, groups, attached and inline
policies, MFA devices, login profile), and one GetAccessKeyLastUsed per key as soon as the keys
are listed.
"""

from typing import Sequence

from AWSIAMDatamodels import User
from AWSIAMExceptions import AWSIAMError, ConnectionFailure, NotFound
from AWSIAMManager import AWSIAMManager
from BulkEngine import BulkEngine, BulkRun, CallPool, DeadlineReached, ItemRun, Settlement, Unsettled, status_in_words
from EnrichmentModels import AccessKey, EnrichCause, EnrichOutcome, EnrichRun, EnrichStatus, UserProfile
from PrincipalsWorkflow import Resolution, UserOutcomes, UserResolver

_ENRICH = UserOutcomes(EnrichOutcome, EnrichStatus)


class Enrichment:
    def __init__(self, manager: AWSIAMManager, engine: BulkEngine):
        self.manager = manager
        self.engine = engine

    def enrich_users(self, lookups: Sequence[str]) -> EnrichRun:
        """The profile of each user named by an entity. Needs iam:GetUser, iam:ListGroupsForUser,
        iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:ListAccessKeys, iam:GetAccessKeyLastUsed,
        iam:ListMFADevices, iam:GetLoginProfile, and what UserResolver.resolve needs.
        A connection or credential failure stops the run; every other error is the user's own."""
        with CallPool() as pool:
            reader = _ProfileReader(self.manager, pool)
            run = self.engine.run(lookups, reader.enrich, describe=status_in_words)
        return EnrichRun(tuple(_enrich_outcome(item, run) for item in run.runs), error=run.stopped_by)


class _ProfileReader:
    """Runs on the engine's workers; every IAM call it makes goes through the pool."""

    def __init__(self, manager: AWSIAMManager, pool: CallPool):
        self.manager = manager
        self.pool = pool
        self.resolver = UserResolver(manager, call=pool.call)

    def enrich(self, lookup: str) -> EnrichOutcome:
        # The lookup's GetUser is the profile's first part.
        found, ended = self.resolver.find(lookup, _ENRICH)
        if ended is not None:
            return ended
        return self.resolver.once(found, lookup, lambda: self._enrich_user(lookup, found))

    def _enrich_user(self, lookup: str, found: Resolution) -> EnrichOutcome:
        user = found.user
        try:
            profile = self._profile(found.manager, user)
        except (ConnectionFailure, DeadlineReached):
            raise
        except NotFound:  # deleted between GetUser and the reads after it
            return _ENRICH.gone(lookup, found)
        except AWSIAMError as err:
            return EnrichOutcome(lookup, EnrichStatus.FAILED, user.name, user.arn, error=err, principal=found.principal)
        return EnrichOutcome(lookup, EnrichStatus.ENRICHED, user.name, user.arn, profile=profile, principal=found.principal)

    def _profile(self, manager: AWSIAMManager, user: User) -> UserProfile:
        name = user.name
        # The key list goes to the pool first, and each key's last use as soon as it is back,
        # without waiting for the other five reads: that keeps the run's longest chain short.
        listed = self.pool.submit(manager.list_access_keys, name)
        others = [self.pool.submit(read, name) for read in (
            manager.list_groups_for_user,
            manager.list_attached_user_policies,
            manager.list_user_policies,
            manager.list_mfa_devices,
            manager.get_login_profile,
        )]
        last_uses = [] if listed.exception() else [self.pool.submit(self._with_last_use, manager, key) for key in listed.result()]
        groups, attached, inline, devices, login, _ = self.pool.results([*others, listed])
        keys = [key for key in self.pool.results(last_uses) if key is not None]
        return UserProfile(user, tuple(groups), tuple(attached), tuple(inline), tuple(keys), tuple(devices), login)

    def _with_last_use(self, manager: AWSIAMManager, key: AccessKey) -> AccessKey | None:
        try:
            return key.with_last_used(manager.get_access_key_last_used(key.id))
        except NotFound:  # the key was deleted since it was listed
            return None


_CAUSE_OF_UNSETTLED = {
    Unsettled.UNANSWERED: EnrichCause.UNANSWERED,
    Unsettled.OUT_OF_TIME: EnrichCause.OUT_OF_TIME,
    Unsettled.NOT_ATTEMPTED: EnrichCause.NOT_ATTEMPTED,
}


def _enrich_outcome(item: ItemRun, run: BulkRun) -> EnrichOutcome:
    lookup = item.item
    if item.settlement is Settlement.SETTLED:
        return item.value
    if item.settlement is Settlement.FAILED:
        return _ENRICH.failed(lookup, error=item.error)
    return _ENRICH.failed(lookup, cause=_CAUSE_OF_UNSETTLED[run.unsettled(item)])
