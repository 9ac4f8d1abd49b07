"""The only module that talks to AWS. It owns the boto3 clients, paging and error translation,
and returns datamodels, never messages."""

import functools
import re
from contextlib import contextmanager
from typing import Iterator, Sequence

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from AWSIAMConstants import (
    CONNECT_TIMEOUT_SECONDS,
    DEFAULT_REGION,
    MAX_ATTEMPTS,
    PAGE_SIZE,
    READ_TIMEOUT_SECONDS,
)
from AWSIAMDatamodels import CallerIdentity, Group, Policy, User
from BulkOutcomes import BulkOutcome, ItemStatus
from InputValidation import is_valid_name
from AWSIAMExceptions import (
    AccessDenied,
    AlreadyExists,
    AWSIAMError,
    ConnectionFailure,
    InvalidInput,
    LimitExceeded,
    MalformedPolicy,
    NotFound,
)
from PolicyDocuments import DENY_ALL_DOCUMENT, DENY_ALL_POLICY_NAME
from PolicyModels import AttachOutcome, AttachStatus, PolicyMatch, PolicyReference
from UserAccessModels import DisableCause, DisableOutcome, DisableRun, DisableStatus, parse_user_reference

_ERROR_BY_CODE: dict[str, type[AWSIAMError]] = {
    "NoSuchEntity": NotFound,
    "EntityAlreadyExists": AlreadyExists,
    "LimitExceeded": LimitExceeded,
    "MalformedPolicyDocument": MalformedPolicy,
    "ValidationError": InvalidInput,
    "InvalidInput": InvalidInput,
    "AccessDenied": AccessDenied,
    "AccessDeniedException": AccessDenied,
    "UnauthorizedOperation": AccessDenied,
    # Bad or expired credentials: nothing this action does can work.
    "InvalidClientTokenId": ConnectionFailure,
    "SignatureDoesNotMatch": ConnectionFailure,
    "ExpiredToken": ConnectionFailure,
    "IncompleteSignature": ConnectionFailure,
}


@contextmanager
def translated(operation: str) -> Iterator[None]:
    """Turn botocore's errors for one IAM/STS operation into the integration's own."""
    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        code = error.get("Code", "Unknown")
        raise _ERROR_BY_CODE.get(code, AWSIAMError)(operation, code, error.get("Message", "")) from err
    except ParamValidationError as err:
        raise InvalidInput(operation, "ParamValidationError", str(err)) from err
    except BotoCoreError as err:
        # Unreachable endpoint, timeouts, TLS failures, missing credentials: botocore's sentence
        # names the endpoint, never the credentials.
        raise ConnectionFailure(operation, "ConnectionError", str(err)) from err


@functools.cache
def _session() -> boto3.session.Session:
    # One session per process: its loader caches the service models, so a second client
    # (STS beside IAM) costs a fraction of the first.
    return boto3.session.Session()


def _new_client(service: str, *, access_key_id: str, secret_key: str, verify_ssl: bool, region: str):
    """One boto3 client. The endpoint stays overridable only the standard way
    (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>), so local runs need no special branch."""
    config = Config(
        region_name=region,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    return _session().client(
        service,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_key,
        region_name=region,
        verify=verify_ssl,
        config=config,
    )


class AWSIAMManager:
    def __init__(self, access_key_id: str, secret_key: str, *, verify_ssl: bool = True, region: str = DEFAULT_REGION):
        self._client_args = dict(access_key_id=access_key_id, secret_key=secret_key, verify_ssl=verify_ssl, region=region)
        self.iam = _new_client("iam", **self._client_args)
        self._sts = None
        self._caller_identity: CallerIdentity | None = None  # asked once per run
        self._user_listing: dict[str, User] | AWSIAMError | None = None  # listed once per run

    @property
    def sts(self):
        # Only Attach a Policy needs STS; other actions skip the cost of building the client.
        if self._sts is None:
            self._sts = _new_client("sts", **self._client_args)
        return self._sts

    def _collect(self, operation: str, result_key: str, limit: int | None, **params) -> tuple[list[dict], bool]:
        """Up to `limit` items (all of them when None), asking IAM for up to 1000 per call and
        following the marker only while short of the limit. The bool says whether more items match
        than were returned."""
        paging = {"PageSize": PAGE_SIZE} if limit is None else {"MaxItems": limit, "PageSize": min(limit, PAGE_SIZE)}
        pages = self.iam.get_paginator(operation).paginate(**params, PaginationConfig=paging)
        # Messages name the API operation (ListUsers), not boto3's method name (list_users).
        with translated(self.iam.meta.method_to_api_mapping.get(operation, operation)):
            result = pages.build_full_result()
        # botocore leaves a resume token exactly when it stopped with items left over.
        return result.get(result_key, []), "NextToken" in result

    # --- Reads ------------------------------------------------------------------------------

    def test_connectivity(self) -> None:
        """The cheapest authenticated IAM read. Needs iam:ListUsers."""
        with translated("ListUsers"):
            self.iam.list_users(MaxItems=1)

    def list_users(self, limit: int) -> tuple[list[User], bool]:
        """Up to `limit` users, and whether there are more. Needs iam:ListUsers."""
        items, more = self._collect("list_users", "Users", limit)
        return [User(item) for item in items], more

    def list_groups(self, limit: int) -> tuple[list[Group], bool]:
        """Up to `limit` groups, and whether there are more. Needs iam:ListGroups."""
        items, more = self._collect("list_groups", "Groups", limit)
        return [Group(item) for item in items], more

    def list_policies(self, limit: int, *, scope: str = "All", only_attached: bool = False) -> tuple[list[Policy], bool]:
        """Up to `limit` managed policies matching the filter, and whether more match. Needs iam:ListPolicies."""
        items, more = self._collect("list_policies", "Policies", limit, Scope=scope, OnlyAttached=only_attached)
        return [Policy(item) for item in items], more

    def get_group(self, group_name: str) -> Group:
        """The group alone, without paging its members. Needs iam:GetGroup."""
        with translated("GetGroup"):
            return Group(self.iam.get_group(GroupName=group_name, MaxItems=1)["Group"])

    def get_policy(self, policy_arn: str) -> Policy:
        """Needs iam:GetPolicy."""
        with translated("GetPolicy"):
            return Policy(self.iam.get_policy(PolicyArn=policy_arn)["Policy"])

    def get_caller_identity(self) -> CallerIdentity:
        """Account and ARN of the integration's own credentials. Needs no permission (sts:GetCallerIdentity)."""
        with translated("GetCallerIdentity"):
            response = self.sts.get_caller_identity()
        return CallerIdentity(account=response["Account"], arn=response["Arn"])

    # --- Writes -----------------------------------------------------------------------------

    def create_user(self, user_name: str) -> User:
        """Needs iam:CreateUser."""
        with translated("CreateUser"):
            return User(self.iam.create_user(UserName=user_name)["User"])

    def create_group(self, group_name: str) -> Group:
        """Needs iam:CreateGroup."""
        with translated("CreateGroup"):
            return Group(self.iam.create_group(GroupName=group_name)["Group"])

    def add_user_to_group(self, group_name: str, user_name: str) -> None:
        """Needs iam:AddUserToGroup."""
        with translated("AddUserToGroup"):
            self.iam.add_user_to_group(GroupName=group_name, UserName=user_name)

    def remove_user_from_group(self, group_name: str, user_name: str) -> None:
        """Needs iam:RemoveUserFromGroup."""
        with translated("RemoveUserFromGroup"):
            self.iam.remove_user_from_group(GroupName=group_name, UserName=user_name)

    def create_policy(self, policy_name: str, document: str, description: str | None = None) -> Policy:
        """Needs iam:CreatePolicy."""
        params = {"PolicyName": policy_name, "PolicyDocument": document}
        if description:
            params["Description"] = description
        with translated("CreatePolicy"):
            return Policy(self.iam.create_policy(**params)["Policy"])

    def attach_policy(self, identity_type: str, identity_name: str, policy_arn: str) -> None:
        """Attach a managed policy to a user, group or role.
        Needs iam:AttachUserPolicy, iam:AttachGroupPolicy or iam:AttachRolePolicy."""
        operation, name_key = _ATTACH_BY_IDENTITY_TYPE[identity_type]
        with translated(operation):
            getattr(self.iam, xform_name(operation))(**{name_key: identity_name, "PolicyArn": policy_arn})

    def put_user_policy(self, user_name: str, policy_name: str, document: str) -> None:
        """Create or replace one inline policy of a user. Needs iam:PutUserPolicy."""
        with translated("PutUserPolicy"):
            self.iam.put_user_policy(UserName=user_name, PolicyName=policy_name, PolicyDocument=document)

    # --- Identity actions (issue 3): bulk create and group membership -----------------------
    # Each settles every name under exactly one ItemStatus. A general error (access denied,
    # throttling past the retries, no connection) stops the run but keeps what was already done,
    # so the action can still report it.

    def create_users(self, user_names: list[str]) -> BulkOutcome:
        """One CreateUser per valid name; names failing the local check cost no call. Needs iam:CreateUser."""
        return self._create_each(user_names, "user", self.create_user)

    def create_groups(self, group_names: list[str]) -> BulkOutcome:
        """One CreateGroup per valid name; names failing the local check cost no call. Needs iam:CreateGroup."""
        return self._create_each(group_names, "group", self.create_group)

    def add_users_to_group(self, group_name: str, user_names: list[str]) -> BulkOutcome:
        """One AddUserToGroup per valid user, plus at most one GetGroup per run.
        Needs iam:AddUserToGroup and iam:GetGroup."""
        return self._change_membership(group_name, user_names, self.add_user_to_group, removing=False)

    def remove_users_from_group(self, group_name: str, user_names: list[str]) -> BulkOutcome:
        """One RemoveUserFromGroup per valid user, plus at most one GetGroup per run.
        Needs iam:RemoveUserFromGroup and iam:GetGroup."""
        return self._change_membership(group_name, user_names, self.remove_user_from_group, removing=True)

    def _create_each(self, names: list[str], kind: str, create) -> BulkOutcome:
        outcome = BulkOutcome()
        valid = _set_aside_invalid(outcome, names, kind)
        for index, name in enumerate(valid):
            try:
                outcome.created.append(create(name))
            except (InvalidInput, AlreadyExists, LimitExceeded) as err:
                # Keep calling after LimitExceeded: a later name may already exist, and each
                # name gets IAM's real answer.
                outcome.add(_CREATE_STATUS_BY_ERROR[type(err)], name)
            except AWSIAMError as err:
                outcome.stop(err, valid[index:])
                break
            else:
                outcome.add(ItemStatus.DONE, name)
        return outcome

    def _change_membership(self, group_name: str, user_names: list[str], change, *, removing: bool) -> BulkOutcome:
        outcome = BulkOutcome()
        valid = _set_aside_invalid(outcome, user_names, "user")
        if not is_valid_name(group_name, "group"):
            outcome.add(ItemStatus.GROUP_INVALID, *valid)
            return outcome

        @functools.cache
        def group_exists() -> bool:
            # The run's one extra call, made only once a NoSuchEntity needs explaining.
            return self._group_exists(group_name)

        for index, user in enumerate(valid):
            try:
                status = self._membership_status(change, group_name, user, group_exists, removing=removing)
            except AWSIAMError as err:
                outcome.stop(err, valid[index:])
                break
            if status is ItemStatus.GROUP_MISSING:
                # IAM would refuse every remaining user the same way: no point asking again.
                outcome.add(status, *valid[index:])
                break
            outcome.add(status, user)
        return outcome

    def _membership_status(self, change, group_name: str, user: str, group_exists, *, removing: bool) -> ItemStatus:
        """What one AddUserToGroup/RemoveUserFromGroup call came to.

        NoSuchEntity does not say which entity is missing, so:
        - IAM's message for a missing user is "The user with name X cannot be found." For
          RemoveUserFromGroup IAM checks the user before the group, so a missing user is named
          even when the group is missing too, as the spec asks. That text settles it, no call.
        - Otherwise one GetGroup per run (cached) tells whether the group is missing.
        - If the group exists, a remove failed because the user is not a member: moto says
          "User X not in group Y"; IAM documents no separate error code for it.
        """
        try:
            change(group_name, user)
            return ItemStatus.DONE
        except LimitExceeded:
            return ItemStatus.LIMIT
        except InvalidInput:
            return ItemStatus.INVALID
        except NotFound as err:
            missing = err
        # Outside the except block, so a failing GetGroup is not chained to the NoSuchEntity.
        if _USER_NOT_FOUND.search(missing.aws_message):
            return ItemStatus.USER_MISSING
        if not group_exists():
            return ItemStatus.GROUP_MISSING
        return ItemStatus.NOT_MEMBER if removing else ItemStatus.USER_MISSING

    def _group_exists(self, group_name: str) -> bool:
        try:
            self.get_group(group_name)
        except NotFound:
            return False
        return True

    # --- Policies and containment (issue 4: Attach a Policy, Disable User Access) -----------

    def find_policy(self, name: str) -> PolicyMatch | None:
        """The managed policy a friendly name means; customer-managed wins over AWS-managed.
        Needs sts:GetCallerIdentity, iam:GetPolicy and, for policies with a path, iam:ListPolicies."""
        caller = self._caller()
        # Both direct reads are made even when the first one hits: the second is what tells the
        # analyst that an AWS-managed policy of the same name was passed over. It keeps the
        # common case at four calls (STS, two GetPolicy, the attach) whichever kind it is.
        customer = self._policy_or_none(f"arn:{caller.partition}:iam::{caller.account}:policy/{name}")
        aws_managed = self._policy_or_none(f"arn:{caller.partition}:iam::aws:policy/{name}")
        if customer is None and aws_managed is None:
            customer, aws_managed = self._scan_policies_named(name)
        if customer is not None:
            return PolicyMatch(customer.arn, shadowed_arn=aws_managed.arn if aws_managed else None)
        return PolicyMatch(aws_managed.arn) if aws_managed is not None else None

    def _policy_or_none(self, policy_arn: str) -> Policy | None:
        try:
            return self.get_policy(policy_arn)
        except NotFound:
            return None

    def _scan_policies_named(self, name: str) -> tuple[Policy | None, Policy | None]:
        """(customer-managed, AWS-managed) policies called `name` under any path. Policy names are
        unique per kind regardless of case and path, so each kind has at most one."""
        items, _ = self._collect("list_policies", "Policies", None, Scope="All")
        found = {}
        for item in items:
            if item["PolicyName"].lower() == name.lower():
                policy = Policy(item)
                found[policy.is_aws_managed] = policy
        return found.get(False), found.get(True)

    def attach_managed_policy(self, identity_type: str, identity_name: str, policy: PolicyReference) -> AttachOutcome:
        """Resolve the policy (unless given as an ARN) and attach it to the user, group or role.
        Needs what find_policy needs, plus iam:Attach{User,Group,Role}Policy."""
        match = PolicyMatch(policy.arn) if policy.arn else self.find_policy(policy.name)
        if match is None:
            return AttachOutcome(AttachStatus.POLICY_MISSING)
        try:
            self.attach_policy(identity_type, identity_name, match.arn)
        except NotFound:
            # NoSuchEntity covers a missing identity and a missing policy alike. A resolved policy
            # was just read; only an ARN taken on trust needs the one extra read to tell them apart.
            if policy.arn and self._policy_or_none(policy.arn) is None:
                return AttachOutcome(AttachStatus.POLICY_MISSING)
            return AttachOutcome(AttachStatus.IDENTITY_MISSING, match)
        except LimitExceeded:
            return AttachOutcome(AttachStatus.LIMIT_EXCEEDED, match)
        return AttachOutcome(AttachStatus.ATTACHED, match)

    def disable_users(self, lookups: Sequence[str]) -> DisableRun:
        """Put the deny-all inline policy on each user named by an entity, touching nothing else.
        Needs iam:PutUserPolicy; iam:ListUsers when a name's case differs; sts:GetCallerIdentity for ARNs.
        A connection or credential failure stops the run; every other error is the user's own."""
        outcomes: list[DisableOutcome] = []
        for index, lookup in enumerate(lookups):
            try:
                outcomes.append(self._disable_user(lookup))
            except ConnectionFailure as err:
                outcomes.append(DisableOutcome(lookup, DisableStatus.FAILED, _name_in(lookup), error=err))
                outcomes.extend(
                    DisableOutcome(rest, DisableStatus.FAILED, _name_in(rest), cause=DisableCause.NOT_ATTEMPTED)
                    for rest in lookups[index + 1:]
                )
                return DisableRun(tuple(outcomes), error=err)
            except AWSIAMError as err:
                outcomes.append(DisableOutcome(lookup, DisableStatus.FAILED, _name_in(lookup), error=err))
        return DisableRun(tuple(outcomes))

    def _disable_user(self, lookup: str) -> DisableOutcome:
        reference = parse_user_reference(lookup)
        if reference is None:
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, cause=DisableCause.NOT_A_USER_NAME)
        if reference.account and reference.account != self._caller().account:
            # Same-named users exist in many accounts; disabling ours for another's ARN would be wrong.
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, reference.name, cause=DisableCause.OTHER_ACCOUNT)
        try:
            self.put_user_policy(reference.name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT)
            return DisableOutcome(lookup, DisableStatus.DISABLED, reference.name, reference.arn)
        except NotFound:
            pass
        user = self._users_by_lower_name().get(reference.name.lower())
        if user is None or user.name == reference.name:
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, reference.name, cause=DisableCause.NO_SUCH_USER)
        try:
            self.put_user_policy(user.name, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT)
        except NotFound:  # deleted in between
            return DisableOutcome(lookup, DisableStatus.NOT_FOUND, user.name, user.arn, cause=DisableCause.NO_SUCH_USER)
        return DisableOutcome(lookup, DisableStatus.DISABLED, user.name, user.arn)

    def _caller(self) -> CallerIdentity:
        if self._caller_identity is None:
            self._caller_identity = self.get_caller_identity()
        return self._caller_identity

    def _users_by_lower_name(self) -> dict[str, User]:
        """Every user of the account, listed at most once per run (1000 per call); a failed
        listing is not retried for the next entity either."""
        if self._user_listing is None:
            try:
                users = self.all_users()
                self._user_listing = {user.name.lower(): user for user in users}
            except AWSIAMError as err:
                self._user_listing = err
        if isinstance(self._user_listing, AWSIAMError):
            raise self._user_listing
        return self._user_listing

    def all_users(self) -> list[User]:
        """Every user of the account, 1000 per call. Needs iam:ListUsers."""
        items, _ = self._collect("list_users", "Users", None)
        return [User(item) for item in items]


def _name_in(lookup: str) -> str | None:
    reference = parse_user_reference(lookup)
    return reference.name if reference else None


_ATTACH_BY_IDENTITY_TYPE = {
    "User": ("AttachUserPolicy", "UserName"),
    "Group": ("AttachGroupPolicy", "GroupName"),
    "Role": ("AttachRolePolicy", "RoleName"),
}


# --- Identity actions (issue 3): helpers ---------------------------------------------------

_CREATE_STATUS_BY_ERROR = {
    InvalidInput: ItemStatus.INVALID,
    AlreadyExists: ItemStatus.EXISTS,
    LimitExceeded: ItemStatus.LIMIT,
}

_USER_NOT_FOUND = re.compile(r"\buser with name \S+ cannot be found", re.IGNORECASE)


def _set_aside_invalid(outcome: BulkOutcome, names: list[str], kind: str) -> list[str]:
    """Record the names that break AWS's naming rule; return the others, in order."""
    outcome.add(ItemStatus.INVALID, *(name for name in names if not is_valid_name(name, kind)))
    return [name for name in names if is_valid_name(name, kind)]
