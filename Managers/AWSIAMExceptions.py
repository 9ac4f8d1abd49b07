"""The integration's own errors.

AWS errors are translated into these exactly once, at the manager boundary, so that action code
catches meaning ("the user is missing") rather than botocore error codes.
"""


class AWSIAMError(Exception):
    """An AWS call failed. Keeps the operation, the AWS error code and AWS's own message apart."""

    def __init__(self, operation: str, code: str, message: str):
        super().__init__(operation, code, message)
        self.operation = operation
        self.code = code
        self.aws_message = message

    def __str__(self) -> str:
        return f"An error occurred ({self.code}) when calling the {self.operation} operation: {self.aws_message}"


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


class AccessDenied(AWSIAMError):
    """The integration's credentials may not perform the operation."""


class ConnectionFailure(AWSIAMError):
    """No usable connection to AWS: unreachable endpoint, timeout, TLS or credential failure."""

    def __str__(self) -> str:
        # Transport errors carry no AWS error code; botocore's own sentence says it all.
        return self.aws_message if self.code == "ConnectionError" else super().__str__()


class InvalidParameter(Exception):
    """An action or configuration parameter failed local validation; no AWS call was made."""
