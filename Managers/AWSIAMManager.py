"""The only module that talks to AWS. It owns the boto3 clients, paging and error translation,
and returns datamodels, never messages."""

import functools
import json
import random
import re
import threading
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import unquote

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ParamValidationError,
    ReadTimeoutError,
)
from botocore.loaders import create_loader
from botocore.parsers import ResponseParserError
from botocore.retries import standard as standard_retries
from botocore.session import Session
from urllib3 import Timeout

from AWSIAMConstants import (
    CONNECT_TIMEOUT_SECONDS,
    DEFAULT_REGION,
    MAX_ATTEMPTS,
    PAGE_SIZE,
    READ_TIMEOUT_SECONDS,
    RETRY_BASE_SECONDS,
    RETRY_MAX_DELAY_SECONDS,
    SHORTEST_ATTEMPT_SECONDS,
    is_change,
)
from AWSIAMDatamodels import CallerIdentity, Group, Policy, Role, User
from AWSIAMExceptions import (
    AccessDenied,
    AccountNotReached,
    AlreadyExists,
    AWSIAMError,
    ConnectionFailure,
    InvalidInput,
    LimitExceeded,
    MalformedPolicy,
    NotAnAWSAnswer,
    NotFound,
    RoleNotAssumed,
    Throttled,
    Unmodifiable,
)
from BulkEngine import MAX_READS_IN_FLIGHT, MAX_WORKERS, Deadline, DeadlineReached, NoAnswerBeforeDeadline, Once
from ConnectionSettings import (
    ROLE_SESSION_NAME,
    identity_center_region_elsewhere,
    member_role_arn,
    role_in_other_partition,
    role_partition,
    unknown_identity_center_region,
    unknown_region,
)
from EnrichmentModels import AccessKey, AttachedPolicy, LoginProfile, MFADevice
from IdentityCenterModels import Assignment, IdentityCenterInstance, IdentityCenterUser, Provisioning
from IdentityRisksModels import CredentialReport

_ERROR_BY_CODE: dict[str, type[AWSIAMError]] = {
    "NoSuchEntity": NotFound,
    "EntityAlreadyExists": AlreadyExists,
    "LimitExceeded": LimitExceeded,
    "MalformedPolicyDocument": MalformedPolicy,
    "UnmodifiableEntity": Unmodifiable,
    "ValidationError": InvalidInput,
    "InvalidInput": InvalidInput,
    "Throttling": Throttled,
    "ThrottlingException": Throttled,
    "AccessDenied": AccessDenied,
    "AccessDeniedException": AccessDenied,
    "UnauthorizedOperation": AccessDenied,
    # Bad or expired credentials: nothing this action does can work.
    "InvalidClientTokenId": ConnectionFailure,
    "SignatureDoesNotMatch": ConnectionFailure,
    "ExpiredToken": ConnectionFailure,
    "IncompleteSignature": ConnectionFailure,
    # The JSON-protocol services (sso-admin, identitystore) name the same answers differently.
    "ResourceNotFoundException": NotFound,
    "ValidationException": InvalidInput,
    "ServiceQuotaExceededException": LimitExceeded,
    "UnrecognizedClientException": ConnectionFailure,
    "InvalidSignatureException": ConnectionFailure,
}


# What the retries of the current call saw, per thread: one boto3 client serves every worker
# thread, and botocore runs a call's retry hooks on the thread that made the call.
_this_call = threading.local()


@contextmanager
def translated(operation: str) -> Iterator[None]:
    """Turn botocore's errors for one IAM/STS operation into the integration's own."""
    _this_call.maybe_applied = _this_call.cut_by_deadline = _this_call.retry_judged = False
    _this_call.waits = {}
    _this_call.answer, _this_call.foreign_answer = (None, None), False
    try:
        yield
    except ClientError as err:
        error = err.response.get("Error", {})
        code = error.get("Code", "Unknown")
        raise _ERROR_BY_CODE.get(code, AWSIAMError)(operation, code, error.get("Message", ""), **_call_facts()) from err
    except ParamValidationError as err:
        raise InvalidInput(operation, "ParamValidationError", str(err)) from err
    except ResponseParserError as err:
        # A body botocore cannot read as XML at all (an HTML page, plain text).
        raise NotAnAWSAnswer(operation, *_this_call.answer) from err
    except KeyError as err:
        if not _this_call.foreign_answer:
            raise  # a bug, not an answer: it keeps its traceback
        # Well-formed XML, but not the operation's answer (a proxy's XHTML page): botocore looked
        # for the operation's result element in it.
        raise NotAnAWSAnswer(operation, *_this_call.answer) from err
    except BotoCoreError as err:
        _, deadline_cut = _timed_out(err) or (0.0, False)
        if deadline_cut and isinstance(err, ReadTimeoutError):
            # The wait was cut short to end at the deadline: the request went out, its answer is unknown.
            raise NoAnswerBeforeDeadline(operation) from err
        if deadline_cut:
            raise DeadlineReached(operation) from err  # no connection, so nothing was sent
        # Unreachable endpoint, timeouts, TLS failures, missing credentials: botocore's sentence
        # names the endpoint, never the credentials.
        raise ConnectionFailure(operation, "ConnectionError", str(err), **_call_facts()) from err


def _call_facts() -> dict:
    return dict(maybe_applied=_this_call.maybe_applied, cut_by_deadline=_this_call.cut_by_deadline)


def attempt_timeouts(deadline: Deadline) -> tuple[float, float]:
    """(connect, read) timeouts for an attempt starting now: no attempt waits on AWS past the
    deadline, whatever the call and however late in the run it starts."""
    left = max(deadline.seconds_left(), _SHORTEST_WAIT_SECONDS)
    return min(CONNECT_TIMEOUT_SECONDS, left), min(READ_TIMEOUT_SECONDS, left)


# urllib3 refuses a timeout of 0; an attempt that starts this late simply ends at once.
_SHORTEST_WAIT_SECONDS = 0.01


class _Retries:
    """botocore's standard retry conditions (throttling, 5xx, lost connections; at most
    MAX_ATTEMPTS tries) with three changes:
    - a short full-jitter backoff, so concurrent workers keep the run short while IAM throttles;
    - no attempt, first try or retry, that would start with less than SHORTEST_ATTEMPT_SECONDS
      left before the platform's deadline, and no attempt waiting on AWS past it (see
      attempt_timeouts);
    - after an attempt that timed out, no retry with less time than that attempt waited in vain.
    It also notes, per call, whether an earlier attempt may have taken effect although its answer
    was lost (a 5xx, or a connection dropped after the request went out), so the workflows can
    tell their own work from work that was there before."""

    def __init__(self, deadline: Deadline):
        self._deadline = deadline
        self._adapter = standard_retries.RetryEventAdapter()
        self._conditions = standard_retries.StandardRetryConditions(max_attempts=MAX_ATTEMPTS)

    def install(self, client) -> None:
        events, name = client.meta.events, client.meta.service_model.service_id.hyphenize()
        events.unregister(f"needs-retry.{name}", unique_id=f"retry-config-{name}")
        events.register(f"needs-retry.{name}", self.needs_retry, unique_id=f"retry-config-{name}")
        events.register(f"before-parse.{name}", self.before_parse)
        # First, so that nothing (moto in tests) answers an attempt the deadline refuses.
        events.register_first(f"before-send.{name}", self.before_send)
        # botocore asks its HTTP session for each request's timeouts just before sending it; the
        # client's own Config only sets them once, when the client is made.
        client._endpoint.http_session._get_request_timeout = self.request_timeout

    def before_send(self, event_name: str, **kwargs) -> None:
        """Each attempt, first or retry, just before it goes out. botocore hands what this raises
        back to the caller."""
        if getattr(_this_call, "retry_judged", False):
            # needs_retry let this retry wait for it with time to spare; only the wait's own
            # overshoot can have eaten into that, and the attempt's timeouts still fit.
            _this_call.retry_judged = False
            return
        if not self._deadline.allows(SHORTEST_ATTEMPT_SECONDS):
            operation = event_name.rsplit(".", 1)[-1]
            # After an attempt that may have taken effect, the outcome is unknown, not "not made".
            unknown = getattr(_this_call, "maybe_applied", False)
            raise (NoAnswerBeforeDeadline if unknown else DeadlineReached)(operation)

    def before_parse(self, operation_model, response_dict: dict, **kwargs) -> None:
        """Notes what answered this thread's attempt, for the sentence when it is no AWS answer,
        and whether a success is something else than the operation's own <{Operation}Response>."""
        headers = response_dict.get("headers") or {}
        status = response_dict.get("status_code")
        _this_call.answer = (status, headers.get("Content-Type") or headers.get("content-type"))
        body = response_dict.get("body")
        if isinstance(status, int) and status < 300 and isinstance(body, bytes):
            _this_call.foreign_answer = not _is_answer_to(operation_model.name, body)

    def request_timeout(self, request) -> Timeout:
        connect, read = attempt_timeouts(self._deadline)
        # What this thread's attempt may wait, and whether the deadline is what shortened it.
        _this_call.waits = {ConnectTimeoutError: (connect, connect < CONNECT_TIMEOUT_SECONDS),
                            ReadTimeoutError: (read, read < READ_TIMEOUT_SECONDS)}
        return Timeout(connect=connect, read=read)

    def needs_retry(self, **kwargs) -> float | None:
        context = self._adapter.create_retry_context(**kwargs)
        if _may_have_taken_effect(context):
            _this_call.maybe_applied = True
        delay = None
        if self._conditions.is_retryable(context):
            delay = random.random() * min(
                RETRY_BASE_SECONDS * 2 ** (context.attempt_number - 1), RETRY_MAX_DELAY_SECONDS)
            # An endpoint that let one attempt time out is given at least as long on the next.
            waited, _ = _timed_out(context.caught_exception) or (0.0, False)
            if not self._deadline.allows(delay + max(waited, SHORTEST_ATTEMPT_SECONDS)):
                _this_call.cut_by_deadline = True
                delay = None
            else:
                _this_call.retry_judged = True
        self._adapter.adapt_retry_response_from_context(context)
        return delay


# The start of an IAM or STS answer: an optional XML declaration, then its root element.
_ANSWER_ROOT = re.compile(rb"\s*(?:<\?xml[^>]*\?>\s*)?<(?P<root>[\w.:-]+)")


def _is_answer_to(operation: str, body: bytes) -> bool:
    """Whether a success's body is the operation's own answer, <{Operation}Response ...>."""
    match = _ANSWER_ROOT.match(body)
    return bool(match) and match["root"] == f"{operation}Response".encode()


def _timed_out(error: BaseException | None) -> tuple[float, bool] | None:
    """For an attempt of this thread that timed out: how long it waited, and whether the deadline
    is what cut that wait short."""
    for kind, wait in getattr(_this_call, "waits", {}).items():
        if isinstance(error, kind):
            return wait
    return None


def _may_have_taken_effect(context) -> bool:
    if context.http_response is not None:
        return context.http_response.status_code >= 500
    return isinstance(context.caught_exception, (ConnectionClosedError, ReadTimeoutError))


@functools.cache
def _session() -> Session:
    # One session per process: its loader caches the service models, so a second client
    # (STS beside IAM) costs a fraction of the first. botocore's own session, not boto3's: boto3
    # adds nothing to IAM and STS clients, but importing it pulls in s3transfer, which costs every
    # action process about a third of its import time.
    return Session()


def _new_client(service: str, *, access_key_id: str, secret_key: str, verify_ssl: bool, region: str,
                deadline: Deadline | None = None, session_token: str | None = None):
    """One boto3 client, shared by every worker thread of the run. The endpoint stays overridable
    only the standard way (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>), so local runs need no
    special branch."""
    deadline = deadline or Deadline(None)
    config = Config(
        region_name=region,
        # Each attempt's own timeouts are fitted to the deadline when it is sent (see _Retries).
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        # One connection per call that may be in flight at once.
        max_pool_connections=max(MAX_WORKERS, MAX_READS_IN_FLIGHT),
    )
    client = _session().create_client(
        service,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        region_name=region,
        verify=verify_ssl,
        config=config,
    )
    _Retries(deadline).install(client)
    return client


@functools.cache
def _partition_by_region() -> dict[str, str]:
    """{region: partition} for every region in botocore's bundled partition data (a small file
    on disk, no network call). Pseudo-regions such as aws-global are left out."""
    regions = {}
    for partition in create_loader().load_data("partitions")["partitions"]:
        shape = re.compile(partition["regionRegex"])
        regions.update({region: partition["id"] for region in partition["regions"] if shape.match(region)})
    return regions


def partition_of(region: str) -> str:
    """aws, aws-us-gov, aws-cn, ...; a region botocore does not know is a configuration error,
    before botocore could fail on it with a traceback or an unreachable endpoint."""
    partition = _partition_by_region().get(region)
    if partition is None:
        raise unknown_region(region)
    return partition


def _assume_role(sts, client_args: dict, role_arn: str, external_id: str | None) -> tuple[dict, CallerIdentity]:
    """Trade the credentials of `sts` (an STS client) for the role's temporary credentials: the
    client arguments that act as the role, and who that is. Raises the call's own error."""
    params = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION_NAME}
    if external_id:
        params["ExternalId"] = external_id
    # The answer is read inside translated too: one without these fields is no STS answer.
    with translated("AssumeRole"):
        response = sts.assume_role(**params)
        credentials = response["Credentials"]
        temporary = {**client_args, "access_key_id": credentials["AccessKeyId"],
                     "secret_key": credentials["SecretAccessKey"], "session_token": credentials["SessionToken"]}
        # arn:{partition}:sts::{account}:assumed-role/{role}/{session} names the account the role
        # acts in, so building or checking an ARN later needs no GetCallerIdentity.
        assumed = response["AssumedRoleUser"]["Arn"]
    return temporary, CallerIdentity(account=assumed.split(":")[4], arn=assumed)


class AWSIAMManager:
    """One method per IAM operation, plus the per-run caches the workflows share. Safe to use from
    the bulk engine's threads."""

    def __init__(self, access_key_id: str, secret_key: str, *, verify_ssl: bool = True, region: str = DEFAULT_REGION,
                 deadline: Deadline | None = None, role_arn: str | None = None, external_id: str | None = None,
                 cross_account_role: str | None = None, session_token: str | None = None,
                 acting_as: CallerIdentity | None = None, identity_center_region: str | None = None):
        """`session_token` and `acting_as` are for a member account's manager, built by in_account
        from an AssumeRole's temporary credentials and the identity it named."""
        # The region decides the partition of every ARN the integration builds or parses.
        self.partition = partition_of(region)
        self.identity_center_region = identity_center_region
        if identity_center_region:
            # Checked before AssumeRole, so that a typo costs no call.
            ic_partition = _partition_by_region().get(identity_center_region)
            if ic_partition is None:
                raise unknown_identity_center_region(identity_center_region)
            if ic_partition != self.partition:
                raise identity_center_region_elsewhere(identity_center_region, region, self.partition)
        self._client_args = dict(access_key_id=access_key_id, secret_key=secret_key, verify_ssl=verify_ssl,
                                 region=region, deadline=deadline, session_token=session_token)
        if role_arn:
            if role_partition(role_arn) != self.partition:
                # STS of one partition cannot hand out another partition's role.
                raise role_in_other_partition(role_arn, region, self.partition)
            # Assumed here, not on first use, so that a refusal ends the action before any item
            # is tried instead of being reported as the first item's failure.
            try:
                self._client_args, acting_as = _assume_role(
                    _new_client("sts", **self._client_args), self._client_args, role_arn, external_id)
            except AWSIAMError as err:
                raise RoleNotAssumed(role_arn, err) from err
        # Asked once per run; AssumeRole's answer named the account already, so then not at all.
        self._caller_identity = Once((lambda: acting_as) if acting_as else self.get_caller_identity)
        self.iam = _new_client("iam", **self._client_args)
        # The IAM changes AWS confirmed in this run, in order: what a report of an action the
        # deadline cut short says was done.
        self.changes_made: list[str] = []
        self.iam.meta.events.register("after-call.iam", self._note_change)
        # Only some actions need STS; the others skip the cost of building its client.
        self._sts = Once(lambda: _new_client("sts", **self._client_args))
        # Each listed at most once per run, and indexed once.
        self._user_listing = Once(self._index_users)
        self._role_listing = Once(self._index_roles)
        self._trust_quota = Once(self.assume_role_policy_size_quota)  # asked once per run, when needed
        self._cross_account_role, self._external_id = cross_account_role, external_id
        # account -> Once(the manager acting there): one AssumeRole per account per run.
        self._members: dict[str, Once] = {}
        self._members_lock = threading.Lock()
        # Only the Identity Center actions need these; same credentials, retries and deadline as
        # IAM's, signed for the Identity Center Region.
        ic_args = {**self._client_args, "region": identity_center_region}
        self._sso_admin = Once(lambda: self._identity_center_client("sso-admin", ic_args))
        self._identitystore = Once(lambda: self._identity_center_client("identitystore", ic_args))

    # --- The accounts of an organization ----------------------------------------------------

    def home_account(self) -> str:
        """The account of the integration's own credentials (the Role ARN's, when set).
        Needs sts:GetCallerIdentity unless a role was assumed."""
        return self.caller().account

    @property
    def reaches_other_accounts(self) -> bool:
        """Whether a Cross-Account Role Name is configured."""
        return bool(self._cross_account_role)

    def in_account(self, account: str) -> "AWSIAMManager | None":
        """The manager that acts in `account`: this one for the home account; for another account,
        one acting as the Cross-Account Role Name's role there, assumed from this manager's own
        credentials (role chaining when Role ARN is set), with the External ID, at most once per run
        however many threads ask. None for another account when no Cross-Account Role Name is set.
        Raises AccountNotReached when AWS refuses the role; every later ask for that account gets
        the same error without a second AssumeRole. Needs sts:AssumeRole on the member role."""
        if account == self.home_account():
            return self
        if not self._cross_account_role:
            return None
        with self._members_lock:
            member = self._members.get(account)
            if member is None:
                member = self._members[account] = Once(lambda: self._member(account))
        return member.get()

    def _member(self, account: str) -> "AWSIAMManager":
        role_arn = member_role_arn(self.partition, account, self._cross_account_role)
        try:
            client_args, identity = _assume_role(self.sts, self._client_args, role_arn, self._external_id)
        except ConnectionFailure:
            raise  # no connection, or the integration's own credentials failed: nothing can work
        except AWSIAMError as err:
            raise AccountNotReached(role_arn, account, err) from err
        # A member account's manager reaches no further account itself.
        return type(self)(**client_args, acting_as=identity)

    @property
    def sts(self):
        return self._sts.get()

    def _note_change(self, http_response, model, **kwargs) -> None:
        if is_change(model.name) and http_response is not None and http_response.status_code < 300:
            self.changes_made.append(model.name)

    def _identity_center_client(self, service: str, client_args: dict):
        client = _new_client(service, **client_args)
        client.meta.events.register(f"after-call.{service}", self._note_identity_center_change)
        return client

    def _note_identity_center_change(self, http_response, model, **kwargs) -> None:
        # Their reads are Describe*, Get* and List*; their writes, these.
        if model.name.startswith(_IDENTITY_CENTER_WRITES) and http_response is not None and http_response.status_code < 300:
            self.changes_made.append(model.name)

    @property
    def sso_admin(self):
        return self._sso_admin.get()

    @property
    def identitystore(self):
        return self._identitystore.get()

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

    def get_user(self, user_name: str) -> User:
        """Needs iam:GetUser."""
        with translated("GetUser"):
            return User(self.iam.get_user(UserName=user_name)["User"])

    def get_policy(self, policy_arn: str) -> Policy:
        """Needs iam:GetPolicy."""
        with translated("GetPolicy"):
            return Policy(self.iam.get_policy(PolicyArn=policy_arn)["Policy"])

    def get_role_policy(self, role_name: str, policy_name: str) -> dict | None:
        """One inline policy of a role as parsed JSON, or None when the role has no policy of that
        name (the role's own existence is checked by the caller first). Needs iam:GetRolePolicy."""
        try:
            with translated("GetRolePolicy"):
                return self.iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        except NotFound:
            return None

    def assume_role_policy_size_quota(self) -> int:
        """The account's limit on the characters of a role's trust policy (2048 unless raised).
        Needs iam:GetAccountSummary."""
        with translated("GetAccountSummary"):
            return self.iam.get_account_summary()["SummaryMap"]["AssumeRolePolicySizeQuota"]

    def list_user_tags(self, user_name: str) -> dict[str, str]:
        """The user's tags as {key: value}: at most 50, so one call. Needs iam:ListUserTags."""
        items, _ = self._collect("list_user_tags", "Tags", None, UserName=user_name)
        return {item["Key"]: item["Value"] for item in items}

    def get_role(self, role_name: str) -> Role:
        """Needs iam:GetRole."""
        with translated("GetRole"):
            return Role(self.iam.get_role(RoleName=role_name)["Role"])

    def get_access_key_account(self, access_key_id: str) -> str:
        """The account an access key ID belongs to, whoever asks: STS decodes it from the ID, so
        it answers for keys of any account, deleted ones too. Needs sts:GetAccessKeyInfo."""
        with translated("GetAccessKeyInfo"):
            return self.sts.get_access_key_info(AccessKeyId=access_key_id)["Account"]

    def get_access_key_owner(self, access_key_id: str) -> str:
        """The name of the user an access key of this account belongs to (GetAccessKeyLastUsed
        answers with it). Ask only the account that owns the key. Needs iam:GetAccessKeyLastUsed."""
        with translated("GetAccessKeyLastUsed"):
            return self.iam.get_access_key_last_used(AccessKeyId=access_key_id)["UserName"]

    def get_caller_identity(self) -> CallerIdentity:
        """Account and ARN of the integration's own credentials. Needs no permission (sts:GetCallerIdentity)."""
        with translated("GetCallerIdentity"):
            response = self.sts.get_caller_identity()
            return CallerIdentity(account=response["Account"], arn=response["Arn"])

    def is_own_account(self, partition: str, account: str) -> bool:
        """Whether an ARN's partition and account are the ones the integration acts in; an ARN of
        any other names somebody else's user. Needs sts:GetCallerIdentity unless a role was assumed."""
        return partition.lower() == self.partition and account == self.caller().account

    # --- Identity risks ------------------------------------------------------------------------

    def generate_credential_report(self) -> str:
        """Start the account's credential report, or ask how it is coming on: STARTED, INPROGRESS
        or COMPLETE. AWS builds a new one only when the last is over four hours old.
        Needs iam:GenerateCredentialReport."""
        with translated("GenerateCredentialReport"):
            return self.iam.generate_credential_report()["State"]

    def get_credential_report(self) -> CredentialReport:
        """The account's credential report, as CSV text. Needs iam:GetCredentialReport."""
        with translated("GetCredentialReport"):
            response = self.iam.get_credential_report()
        content = response["Content"]
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        return CredentialReport(text, response.get("GeneratedTime"))

    def list_entities_for_policy(self, policy_arn: str) -> list[str]:
        """The names of the users a managed policy is attached to, 1000 per call.
        Needs iam:ListEntitiesForPolicy."""
        items, _ = self._collect("list_entities_for_policy", "PolicyUsers", None, PolicyArn=policy_arn,
                                 EntityFilter="User", PolicyUsageFilter="PermissionsPolicy")
        return [item["UserName"] for item in items]

    # --- What a user holds (each of the user's lists in full, 1000 per call) ------------------

    def list_groups_for_user(self, user_name: str) -> list[Group]:
        """Needs iam:ListGroupsForUser."""
        items, _ = self._collect("list_groups_for_user", "Groups", None, UserName=user_name)
        return [Group(item) for item in items]

    def list_attached_user_policies(self, user_name: str) -> list[AttachedPolicy]:
        """The managed policies attached to the user itself (not through a group). Needs iam:ListAttachedUserPolicies."""
        items, _ = self._collect("list_attached_user_policies", "AttachedPolicies", None, UserName=user_name)
        return [AttachedPolicy(item) for item in items]

    def list_attached_policies(self, identity_type: str, identity_name: str) -> list[AttachedPolicy]:
        """The managed policies attached to a user, group or role itself.
        Needs iam:ListAttachedUserPolicies, iam:ListAttachedGroupPolicies or iam:ListAttachedRolePolicies."""
        operation, name_key = _LIST_ATTACHED_BY_IDENTITY_TYPE[identity_type]
        items, _ = self._collect(xform_name(operation), "AttachedPolicies", None, **{name_key: identity_name})
        return [AttachedPolicy(item) for item in items]

    def list_user_policies(self, user_name: str) -> list[str]:
        """Names of the user's inline policies. Needs iam:ListUserPolicies."""
        names, _ = self._collect("list_user_policies", "PolicyNames", None, UserName=user_name)
        return names

    def list_access_keys(self, user_name: str) -> list[AccessKey]:
        """Needs iam:ListAccessKeys."""
        items, _ = self._collect("list_access_keys", "AccessKeyMetadata", None, UserName=user_name)
        return [AccessKey(item) for item in items]

    def get_access_key_last_used(self, access_key_id: str) -> dict:
        """When, where and for which service the key was last used; no LastUsedDate when IAM has
        no record of a use. Needs iam:GetAccessKeyLastUsed."""
        with translated("GetAccessKeyLastUsed"):
            return dict(self.iam.get_access_key_last_used(AccessKeyId=access_key_id)["AccessKeyLastUsed"])

    def list_mfa_devices(self, user_name: str) -> list[MFADevice]:
        """Needs iam:ListMFADevices."""
        items, _ = self._collect("list_mfa_devices", "MFADevices", None, UserName=user_name)
        return [MFADevice(item) for item in items]

    def get_login_profile(self, user_name: str) -> LoginProfile | None:
        """The user's console password, or None when the user has none. Needs iam:GetLoginProfile."""
        try:
            with translated("GetLoginProfile"):
                return LoginProfile(self.iam.get_login_profile(UserName=user_name)["LoginProfile"])
        except NotFound:
            # IAM says NoSuchEntity both for "no console password" and for "no such user"; the
            # callers read the user first, so here it means no console access.
            return None

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

    def detach_policy(self, identity_type: str, identity_name: str, policy_arn: str) -> None:
        """Detach a managed policy from a user, group or role.
        Needs iam:DetachUserPolicy, iam:DetachGroupPolicy or iam:DetachRolePolicy."""
        operation, name_key = _DETACH_BY_IDENTITY_TYPE[identity_type]
        with translated(operation):
            getattr(self.iam, xform_name(operation))(**{name_key: identity_name, "PolicyArn": policy_arn})

    def put_user_policy(self, user_name: str, policy_name: str, document: str) -> None:
        """Create or replace one inline policy of a user. Needs iam:PutUserPolicy."""
        with translated("PutUserPolicy"):
            self.iam.put_user_policy(UserName=user_name, PolicyName=policy_name, PolicyDocument=document)

    def delete_user_policy(self, user_name: str, policy_name: str) -> None:
        """Delete one inline policy of a user. Needs iam:DeleteUserPolicy."""
        with translated("DeleteUserPolicy"):
            self.iam.delete_user_policy(UserName=user_name, PolicyName=policy_name)

    def get_role_policy(self, role_name: str, policy_name: str) -> dict:
        """The document of one inline policy of a role, parsed. Needs iam:GetRolePolicy."""
        with translated("GetRolePolicy"):
            document = self.iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        # botocore decodes IAM's URL-encoded JSON into a dict; a stand-in endpoint may leave the text.
        return json.loads(unquote(document)) if isinstance(document, str) else document

    def put_role_policy(self, role_name: str, policy_name: str, document: str) -> None:
        """Create or replace one inline policy of a role. Needs iam:PutRolePolicy."""
        with translated("PutRolePolicy"):
            self.iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=document)

    def delete_role_policy(self, role_name: str, policy_name: str) -> None:
        """Delete one inline policy of a role. Needs iam:DeleteRolePolicy."""
        with translated("DeleteRolePolicy"):
            self.iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)

    def update_assume_role_policy(self, role_name: str, document: str) -> None:
        """Replace a role's trust policy. Needs iam:UpdateAssumeRolePolicy."""
        with translated("UpdateAssumeRolePolicy"):
            self.iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=document)

    def update_access_key(self, user_name: str, access_key_id: str, *, active: bool) -> None:
        """Set one access key Active or Inactive. Needs iam:UpdateAccessKey."""
        with translated("UpdateAccessKey"):
            self.iam.update_access_key(UserName=user_name, AccessKeyId=access_key_id,
                                       Status="Active" if active else "Inactive")

    def tag_user(self, user_name: str, key: str, value: str) -> None:
        """Add one tag to a user, or replace the value of a tag with that key. Needs iam:TagUser."""
        with translated("TagUser"):
            self.iam.tag_user(UserName=user_name, Tags=[{"Key": key, "Value": value}])

    def untag_user(self, user_name: str, key: str) -> None:
        """Remove one tag from a user; a key the user does not carry is no error. Needs iam:UntagUser."""
        with translated("UntagUser"):
            self.iam.untag_user(UserName=user_name, TagKeys=[key])

    # --- IAM Identity Center (sso-admin and identitystore) ----------------------------------

    def list_instances(self) -> list[IdentityCenterInstance]:
        """The Identity Center instances the credentials can see in the Identity Center Region.
        Needs sso:ListInstances."""
        items = _json_pages(self.sso_admin.list_instances, "ListInstances", "Instances", 100)
        return [IdentityCenterInstance(item) for item in items]

    def get_user_id(self, identity_store_id: str, attribute_path: str, value: str) -> str:
        """The ID of the one user whose `attribute_path` (userName, emails.value) equals `value`
        exactly. Needs identitystore:GetUserId."""
        with translated("GetUserId"):
            return self.identitystore.get_user_id(IdentityStoreId=identity_store_id, AlternateIdentifier={
                "UniqueAttribute": {"AttributePath": attribute_path, "AttributeValue": value}})["UserId"]

    def describe_user(self, identity_store_id: str, user_id: str) -> IdentityCenterUser:
        """Needs identitystore:DescribeUser."""
        with translated("DescribeUser"):
            return IdentityCenterUser(self.identitystore.describe_user(IdentityStoreId=identity_store_id, UserId=user_id))

    def list_group_memberships_for_member(self, identity_store_id: str, user_id: str) -> list[str]:
        """IDs of the groups the user is a member of. Needs identitystore:ListGroupMembershipsForMember."""
        items = _json_pages(self.identitystore.list_group_memberships_for_member, "ListGroupMembershipsForMember",
                            "GroupMemberships", 100, IdentityStoreId=identity_store_id, MemberId={"UserId": user_id})
        return [item["GroupId"] for item in items]

    def describe_group(self, identity_store_id: str, group_id: str) -> str:
        """The group's display name. Needs identitystore:DescribeGroup."""
        with translated("DescribeGroup"):
            return self.identitystore.describe_group(IdentityStoreId=identity_store_id, GroupId=group_id)["DisplayName"]

    def list_account_assignments_for_principal(self, instance_arn: str, principal_id: str,
                                               principal_type: str) -> list[Assignment]:
        """Every account and permission set assigned to a user or a group itself (a user's groups
        are asked separately). Needs sso:ListAccountAssignmentsForPrincipal."""
        items = _json_pages(self.sso_admin.list_account_assignments_for_principal, "ListAccountAssignmentsForPrincipal",
                            "AccountAssignments", 100, InstanceArn=instance_arn, PrincipalId=principal_id,
                            PrincipalType=principal_type)
        return [Assignment(item["AccountId"], item["PermissionSetArn"]) for item in items]

    def list_permission_sets(self, instance_arn: str) -> list[str]:
        """ARNs of every permission set of the instance. Needs sso:ListPermissionSets."""
        return _json_pages(self.sso_admin.list_permission_sets, "ListPermissionSets", "PermissionSets", 100,
                           InstanceArn=instance_arn)

    def describe_permission_set(self, instance_arn: str, permission_set_arn: str) -> str:
        """The permission set's name. Needs sso:DescribePermissionSet."""
        with translated("DescribePermissionSet"):
            return self.sso_admin.describe_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=permission_set_arn)["PermissionSet"]["Name"]

    def get_inline_policy_for_permission_set(self, instance_arn: str, permission_set_arn: str) -> str:
        """The inline policy's text; empty when the permission set has none.
        Needs sso:GetInlinePolicyForPermissionSet."""
        with translated("GetInlinePolicyForPermissionSet"):
            return self.sso_admin.get_inline_policy_for_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=permission_set_arn).get("InlinePolicy") or ""

    def put_inline_policy_to_permission_set(self, instance_arn: str, permission_set_arn: str, document: str) -> None:
        """Create or replace the permission set's inline policy. Needs sso:PutInlinePolicyToPermissionSet."""
        with translated("PutInlinePolicyToPermissionSet"):
            self.sso_admin.put_inline_policy_to_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=permission_set_arn, InlinePolicy=document)

    def delete_inline_policy_from_permission_set(self, instance_arn: str, permission_set_arn: str) -> None:
        """Needs sso:DeleteInlinePolicyFromPermissionSet."""
        with translated("DeleteInlinePolicyFromPermissionSet"):
            self.sso_admin.delete_inline_policy_from_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=permission_set_arn)

    def provision_permission_set(self, instance_arn: str, permission_set_arn: str) -> Provisioning:
        """Push the permission set's current policies to the role in every account it is provisioned
        to. AWS answers at once, usually with IN_PROGRESS. Needs sso:ProvisionPermissionSet."""
        with translated("ProvisionPermissionSet"):
            status = self.sso_admin.provision_permission_set(
                InstanceArn=instance_arn, PermissionSetArn=permission_set_arn,
                TargetType="ALL_PROVISIONED_ACCOUNTS")["PermissionSetProvisioningStatus"]
        return Provisioning(status.get("Status", ""), status.get("FailureReason"), status.get("RequestId"))

    # --- Per-run caches ---------------------------------------------------------------------

    def caller(self) -> CallerIdentity:
        """The account the integration acts in (the keys' own, or the assumed role's), asked at
        most once per run, and not at all after AssumeRole."""
        return self._caller_identity.get()

    def trust_policy_quota(self) -> int:
        """assume_role_policy_size_quota, asked at most once per run."""
        return self._trust_quota.get()

    def users_by_lower_name(self) -> dict[str, User]:
        """Every user of the account, listed at most once per run (1000 per call); a failed
        listing is not retried for the next entity either."""
        return self._user_listing.get()[0]

    def users_by_id(self) -> dict[str, User]:
        """Every user of the account by its unique ID (AIDA...), from the same one listing."""
        return self._user_listing.get()[1]

    def roles_by_id(self) -> dict[str, Role]:
        """Every role of the account by its unique ID (AROA...), listed at most once per run."""
        return self._role_listing.get()[1]

    def _index_users(self) -> tuple[dict, dict]:
        return _indexed(self.all_users())

    def _index_roles(self) -> tuple[dict, dict]:
        return _indexed(self.all_roles())

    def all_policies(self) -> list[Policy]:
        """Every managed policy, AWS's and the account's, 1000 per call. Needs iam:ListPolicies."""
        items, _ = self._collect("list_policies", "Policies", None, Scope="All")
        return [Policy(item) for item in items]

    def all_roles(self) -> list[Role]:
        """Every role of the account, 1000 per call. Needs iam:ListRoles."""
        items, _ = self._collect("list_roles", "Roles", None)
        return [Role(item) for item in items]

    def all_users(self) -> list[User]:
        """Every user of the account, 1000 per call. Needs iam:ListUsers."""
        items, _ = self._collect("list_users", "Users", None)
        return [User(item) for item in items]


def _indexed(objects: list) -> tuple[dict, dict]:
    """IAM objects by lower-case name (IAM names are unique regardless of case) and by unique ID."""
    return {item.name.lower(): item for item in objects}, {item.id: item for item in objects}


# The Identity Center operations the actions make that change something: the inline policy's
# Put/Delete and ProvisionPermissionSet.
_IDENTITY_CENTER_WRITES = ("Put", "Delete", "Provision")


def _json_pages(call, operation: str, result_key: str, page_size: int, **params) -> list:
    """Every item of a NextToken-paged list of the JSON-protocol services, `page_size` (the
    operation's own maximum) per call."""
    items, token = [], None
    while True:
        with translated(operation):
            page = call(**params, MaxResults=page_size, **({"NextToken": token} if token else {}))
        items.extend(page.get(result_key, []))
        token = page.get("NextToken")
        if not token:
            return items


_ATTACH_BY_IDENTITY_TYPE = {
    "User": ("AttachUserPolicy", "UserName"),
    "Group": ("AttachGroupPolicy", "GroupName"),
    "Role": ("AttachRolePolicy", "RoleName"),
}
_LIST_ATTACHED_BY_IDENTITY_TYPE = {
    "User": ("ListAttachedUserPolicies", "UserName"),
    "Group": ("ListAttachedGroupPolicies", "GroupName"),
    "Role": ("ListAttachedRolePolicies", "RoleName"),
}
_DETACH_BY_IDENTITY_TYPE = {
    "User": ("DetachUserPolicy", "UserName"),
    "Group": ("DetachGroupPolicy", "GroupName"),
    "Role": ("DetachRolePolicy", "RoleName"),
}
