"""The integration's own errors.

AWS errors are translated into these exactly once, at the manager boundary, so that action code
catches meaning ("the user is missing") rather than botocore error codes.
"""

from typing import Callable

from BulkEngine import DeadlineReached


class AWSIAMError(Exception):
    """An AWS call failed. Keeps the operation, the AWS error code and AWS's own message apart."""

    def __init__(self, operation: str, code: str, message: str, *, maybe_applied: bool = False,
                 cut_by_deadline: bool = False):
        super().__init__(operation, code, message)
        self.operation = operation
        self.code = code
        self.aws_message = message
        # An earlier attempt of this call was retried after an answer that may hide success (a 5xx,
        # or a connection lost after the request went out): this error may be about our own work.
        self.maybe_applied = maybe_applied
        # The retries stopped because the platform's deadline left no time for another one.
        self.cut_by_deadline = cut_by_deadline

    def __str__(self) -> str:
        return self._cut(f"An error occurred ({self.code}) when calling the {self.operation} operation: {self.aws_message}")

    def _cut(self, text: str) -> str:
        if self.cut_by_deadline:
            text += " (not retried: the platform's execution deadline left no time to try again)"
        return text


class NotFound(AWSIAMError):
    """NoSuchEntity: the user, group, role or policy does not exist."""


class AlreadyExists(AWSIAMError):
    """EntityAlreadyExists."""


class InvalidInput(AWSIAMError):
    """AWS rejected a value (ValidationError, InvalidInput, or botocore's own parameter check)."""


class LimitExceeded(AWSIAMError):
    """An account or entity quota would be exceeded."""


class MalformedPolicy(AWSIAMError):
    """MalformedPolicyDocument."""


class Unmodifiable(AWSIAMError):
    """UnmodifiableEntity: IAM lets only the owning AWS service change the entity (a service-linked role)."""


class Throttled(AWSIAMError):
    """AWS kept throttling the call past every retry the attempts or the deadline allowed."""


class AccessDenied(AWSIAMError):
    """The integration's credentials may not perform the operation."""


class ConnectionFailure(AWSIAMError):
    """No usable connection to AWS: unreachable endpoint, timeout, TLS or credential failure."""

    def __str__(self) -> str:
        # Transport errors carry no AWS error code; botocore's own sentence says it all.
        return self._cut(self.aws_message) if self.code == "ConnectionError" else super().__str__()


class NotAnAWSAnswer(ConnectionFailure):
    """The endpoint answered, but not as IAM or STS answers (a proxy's login page, a wrong
    endpoint): nothing this action does through it can work."""

    _STS_OPERATIONS = ("AssumeRole", "GetCallerIdentity", "GetAccessKeyInfo")

    def __init__(self, operation: str, status: int | None = None, content_type: str | None = None):
        super().__init__(operation, "NotAnAWSAnswer", "")
        # Only the media type, and short: the header comes from whatever answered.
        self.status = status
        self.content_type = content_type.split(";")[0].strip()[:64] if content_type else None

    def __str__(self) -> str:
        service = "STS" if self.operation in self._STS_OPERATIONS else "IAM"
        facts = ", ".join(fact for fact in (f"HTTP {self.status}" if self.status else None, self.content_type) if fact)
        return (f"The answer to {self.operation} was not an {service} response{f' ({facts})' if facts else ''}. "
                "Check the endpoint, and any proxy between the integration and AWS.")


class RoleNotAssumed(ConnectionFailure):
    """AssumeRole with the configured keys failed (refused, wrong External ID, bad keys, no
    connection): no later call could work. The sentence names the role, never a key."""

    def __init__(self, role_arn: str, cause: AWSIAMError):
        super().__init__(cause.operation, cause.code, cause.aws_message)
        self.role_arn = role_arn
        self._cause = str(cause)

    def __str__(self) -> str:
        return f"Could not assume the role {self.role_arn} with the configured keys: {self._cause}"


class AccountNotReached(AWSIAMError):
    """AssumeRole of the Cross-Account Role Name in one member account was refused. Only the
    entities of that account fail with it; the sentence names the role, never a key."""

    def __init__(self, role_arn: str, account: str, cause: AWSIAMError):
        super().__init__(cause.operation, cause.code, cause.aws_message,
                         maybe_applied=cause.maybe_applied, cut_by_deadline=cause.cut_by_deadline)
        self.role_arn = role_arn
        self.account = account
        self._cause = str(cause)

    def __str__(self) -> str:
        return f"Could not assume the role {self.role_arn} to reach account {self.account}: {self._cause}"


class InvalidParameter(Exception):
    """An action or configuration parameter failed local validation; no AWS call was made."""


# Errors that end a whole run rather than settle one item: no connection to AWS, or no time left.
# A workflow lets them through to the action runner, which reports every item not yet done.
RUN_STOPPERS = (ConnectionFailure, DeadlineReached)


def may_have_taken_effect(error: BaseException) -> bool:
    """Whether a write that ended in `error` may have taken effect all the same: an earlier attempt
    of it, or its last one, got an answer that can hide success (a 5xx, a connection lost after the
    request went out)."""
    return isinstance(error, AWSIAMError) and error.maybe_applied


def confirm(error: AWSIAMError, took_effect: Callable[[], bool]) -> bool:
    """After a write failed with `error`, one confirming read (`took_effect`) says whether it took
    effect all the same. True: it did. False: the read could not be made (refused, throttled, no
    time left before the deadline), so the outcome stays unknown and the item is unconfirmed.
    Raises `error` when the write cannot have taken effect, or when the read shows it did not."""
    if not may_have_taken_effect(error):
        raise error
    try:
        done = took_effect()
    except (AWSIAMError, DeadlineReached):
        return False
    if not done:
        raise error
    return True


def write_and_confirm(write: Callable[[], None], took_effect: Callable[[], bool], *,
                      passing: tuple[type[AWSIAMError], ...] = (NotFound,)) -> AWSIAMError | None:
    """Make a write and settle it: None once it is known to have taken effect (answered, or shown
    by `confirm`'s one read after an error that may hide success, a connection lost after the
    request went out included); the write's error when that read could not be made, so the outcome
    is unknown. Raises the error when the write cannot have taken effect or the read shows it did
    not; errors of the types in `passing` are raised as they are, without a read."""
    try:
        write()
    except passing:
        raise
    except AWSIAMError as err:
        failed = err
    else:
        return None
    # Outside the except block, so a failing read is not chained to the write's error.
    return None if confirm(failed, took_effect) else failed
