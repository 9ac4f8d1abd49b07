"""Attach a Policy and Detach a Policy: which managed policy the analyst means, and the one change
to an identity's attachments, with the same calls and the same answers for both directions."""

import math
from datetime import datetime

from AWSIAMDatamodels import Policy
from AWSIAMExceptions import AlreadyExists, AWSIAMError, LimitExceeded, NotFound, confirm
from AWSIAMManager import AWSIAMManager
from PolicyModels import (
    AttachOutcome,
    AttachStatus,
    CreateOutcome,
    CreateStatus,
    DetachOutcome,
    DetachStatus,
    PolicyMatch,
    PolicyReference,
)


class PolicyWorkflow:
    def __init__(self, manager: AWSIAMManager):
        self.manager = manager

    def create(self, name: str, document: str, description: str | None, *, started_at: float) -> CreateOutcome:
        """One CreatePolicy. When it failed after an attempt whose answer was lost (answered
        EntityAlreadyExists on the retry, or throttled or refused to the end), one GetPolicy tells
        whether the policy is there and was created after `started_at` (the run's start): then it
        is this run's. Needs iam:CreatePolicy; after a lost answer sts:GetCallerIdentity (the
        account, for the ARN) and iam:GetPolicy. A malformed document is raised, as any error
        that cannot hide a create."""
        try:
            return CreateOutcome(CreateStatus.CREATED, self.manager.create_policy(name, document, description))
        except AlreadyExists as err:
            if not err.maybe_applied:
                return CreateOutcome(CreateStatus.EXISTS)
            error = err
        except AWSIAMError as err:
            error = err
        found = []

        def exists() -> bool:
            # CreatePolicy without a path puts the policy at "/".
            arn = f"arn:{self.manager.partition}:iam::{self.manager.caller().account}:policy/{name}"
            policy = self._policy_or_none(arn)
            found.append(policy)
            return policy is not None

        try:
            if not confirm(error, exists):
                return CreateOutcome(CreateStatus.UNCONFIRMED)
        except AlreadyExists:
            return CreateOutcome(CreateStatus.EXISTS)
        policy = found[0]
        created = policy.raw.get("CreateDate")
        # CreateDate has whole seconds, so the start is rounded down to match.
        if isinstance(created, datetime) and created.timestamp() >= math.floor(started_at):
            return CreateOutcome(CreateStatus.CREATED, policy)
        return CreateOutcome(CreateStatus.EXISTS)

    def find_policy(self, name: str) -> PolicyMatch | None:
        """The managed policy a friendly name means; customer-managed wins over AWS-managed.
        Needs sts:GetCallerIdentity, iam:GetPolicy and, for policies with a path, iam:ListPolicies."""
        caller = self.manager.caller()
        # Both direct reads are made even when the first one hits: the second is what tells the
        # analyst that an AWS-managed policy of the same name was passed over. It keeps the
        # common case at four calls (STS, two GetPolicy, the change) whichever kind it is.
        customer = self._policy_or_none(f"arn:{self.manager.partition}:iam::{caller.account}:policy/{name}")
        aws_managed = self._policy_or_none(f"arn:{self.manager.partition}:iam::aws:policy/{name}")
        if customer is None and aws_managed is None:
            customer, aws_managed = self._scan_policies_named(name)
        if customer is not None:
            return PolicyMatch(customer.arn, shadowed_arn=aws_managed.arn if aws_managed else None)
        return PolicyMatch(aws_managed.arn) if aws_managed is not None else None

    def attach(self, identity_type: str, identity_name: str, policy: PolicyReference) -> AttachOutcome:
        """Resolve the policy (unless given as an ARN) and attach it to the user, group or role.
        Needs what find_policy needs, plus iam:Attach{User,Group,Role}Policy, and
        iam:ListAttached{User,Group,Role}Policies to confirm a lost answer."""
        match = self._match(policy)
        if match is None:
            return AttachOutcome(AttachStatus.POLICY_MISSING)
        try:
            self.manager.attach_policy(identity_type, identity_name, match.arn)
        except NotFound:
            # NoSuchEntity covers a missing identity and a missing policy alike.
            if self._given_arn_is_gone(policy):
                return AttachOutcome(AttachStatus.POLICY_MISSING)
            return AttachOutcome(AttachStatus.IDENTITY_MISSING, match)
        except LimitExceeded:
            return AttachOutcome(AttachStatus.LIMIT_EXCEEDED, match)
        except AWSIAMError as err:
            failed = err
        else:
            return AttachOutcome(AttachStatus.ATTACHED, match)
        # Outside the except block, so a failing read is not chained to the attach's error.
        attached = self._confirm_attachment(failed, identity_type, identity_name, match.arn, attached=True)
        return AttachOutcome(AttachStatus.ATTACHED if attached else AttachStatus.UNCONFIRMED, match)

    def detach(self, identity_type: str, identity_name: str, policy: PolicyReference) -> DetachOutcome:
        """Resolve the policy (unless given as an ARN) and detach it from the user, group or role.
        Needs what find_policy needs, plus iam:Detach{User,Group,Role}Policy, and
        iam:ListAttached{User,Group,Role}Policies to confirm a lost answer."""
        match = self._match(policy)
        if match is None:
            return DetachOutcome(DetachStatus.POLICY_MISSING)
        failed = None
        try:
            self.manager.detach_policy(identity_type, identity_name, match.arn)
        except NotFound as err:
            missing = err
        except AWSIAMError as err:
            failed = err
        else:
            return DetachOutcome(DetachStatus.DETACHED, match)
        if failed is not None:
            detached = self._confirm_attachment(failed, identity_type, identity_name, match.arn, attached=False)
            return DetachOutcome(DetachStatus.DETACHED if detached else DetachStatus.UNCONFIRMED, match)
        # NoSuchEntity again covers three causes. IAM names the policy ARN when the policy is not
        # attached ("Policy arn:... was not found.") and only the identity when that is missing.
        if match.arn not in missing.aws_message:
            return DetachOutcome(DetachStatus.IDENTITY_MISSING, match)
        if missing.maybe_applied:
            # Retried after an answer that was lost: the lost attempt is what detached it.
            return DetachOutcome(DetachStatus.DETACHED, match)
        # Outside the except block, so a failing GetPolicy is not chained to the NoSuchEntity.
        if self._given_arn_is_gone(policy):
            return DetachOutcome(DetachStatus.POLICY_MISSING)
        return DetachOutcome(DetachStatus.NOT_ATTACHED, match)

    def _confirm_attachment(self, error: AWSIAMError, identity_type: str, identity_name: str, policy_arn: str, *,
                            attached: bool) -> bool:
        """After an attach (`attached`) or detach that failed following an attempt that may have
        taken effect: True when the identity's attached policies show it did, False when they
        could not be read. Raises `error` when it cannot have taken effect, or did not."""
        return confirm(error, lambda: (policy_arn in {
            item.arn for item in self.manager.list_attached_policies(identity_type, identity_name)}) == attached)

    def _match(self, policy: PolicyReference) -> PolicyMatch | None:
        return PolicyMatch(policy.arn) if policy.arn else self.find_policy(policy.name)

    def _given_arn_is_gone(self, policy: PolicyReference) -> bool:
        """Whether the policy ARN the analyst gave names no policy. A policy resolved by name was
        just read; only an ARN taken on trust needs this one extra read."""
        return policy.arn is not None and self._policy_or_none(policy.arn) is None

    def _policy_or_none(self, policy_arn: str) -> Policy | None:
        try:
            return self.manager.get_policy(policy_arn)
        except NotFound:
            return None

    def _scan_policies_named(self, name: str) -> tuple[Policy | None, Policy | None]:
        """(customer-managed, AWS-managed) policies called `name` under any path. Policy names are
        unique per kind regardless of case and path, so each kind has at most one."""
        found = {}
        for policy in self.manager.all_policies():
            if policy.name.lower() == name.lower():
                found[policy.is_aws_managed] = policy
        return found.get(False), found.get(True)
