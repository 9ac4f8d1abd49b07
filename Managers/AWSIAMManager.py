"""The only module that talks to AWS. It owns the boto3 clients, paging and error translation,
and returns datamodels, never messages."""

import functools
import re
from contextlib import contextmanager
from typing import Iterator

import boto3
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


def _new_client(service: str, *, access_key_id: str, secret_key: str, verify_ssl: bool, region: str):
    """One boto3 client. The endpoint stays overridable only the standard way
    (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>), so local runs need no special branch."""
    config = Config(
        region_name=region,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    )
    return boto3.session.Session().client(
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

    @property
    def sts(self):
        # Only Attach a Policy needs STS; other actions skip the cost of building the client.
        if self._sts is None:
            self._sts = _new_client("sts", **self._client_args)
        return self._sts

    def _collect(self, operation: str, result_key: str, limit: int, **params) -> tuple[list[dict], bool]:
        """Up to `limit` items, asking IAM for up to 1000 per call and following the marker only
        while short of the limit. The bool says whether more items match than were returned."""
        paginator = self.iam.get_paginator(operation)
        pages = paginator.paginate(**params, PaginationConfig={"MaxItems": limit, "PageSize": min(limit, PAGE_SIZE)})
        with translated(operation):
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

    def get_user(self, user_name: str) -> User:
        """Needs iam:GetUser."""
        with translated("GetUser"):
            return User(self.iam.get_user(UserName=user_name)["User"])

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
            getattr(self.iam, _snake(operation))(**{name_key: identity_name, "PolicyArn": policy_arn})

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


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
