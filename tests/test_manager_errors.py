"""The manager translates every botocore failure into the integration's own exceptions, once."""

import ast
from pathlib import Path

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)

import AWSIAMExceptions as errors
from AWSIAMManager import translated


def client_error(code, message="details"):
    return ClientError({"Error": {"Code": code, "Message": message}}, "CreateUser")


@pytest.mark.parametrize(
    "code, expected",
    [("NoSuchEntity", errors.NotFound), ("EntityAlreadyExists", errors.AlreadyExists),
     ("LimitExceeded", errors.LimitExceeded), ("MalformedPolicyDocument", errors.MalformedPolicy),
     ("ValidationError", errors.InvalidInput), ("InvalidInput", errors.InvalidInput),
     ("AccessDenied", errors.AccessDenied), ("InvalidClientTokenId", errors.ConnectionFailure),
     ("SignatureDoesNotMatch", errors.ConnectionFailure), ("Throttling", errors.Throttled),
     ("ServiceFailure", errors.AWSIAMError)],
)
def test_client_errors_map_by_code(code, expected):
    with pytest.raises(errors.AWSIAMError) as caught:
        with translated("CreateUser"):
            raise client_error(code, "the AWS message")
    assert type(caught.value) is expected
    assert (caught.value.operation, caught.value.code, caught.value.aws_message) == ("CreateUser", code, "the AWS message")
    assert str(caught.value) == f"An error occurred ({code}) when calling the CreateUser operation: the AWS message"
    assert isinstance(caught.value.__cause__, ClientError)


def test_parameter_validation_is_invalid_input():
    with pytest.raises(errors.InvalidInput) as caught:
        with translated("CreateUser"):
            raise ParamValidationError(report="Invalid length for parameter UserName, value: 0, valid min length: 1")
    assert caught.value.code == "ParamValidationError"
    assert "Invalid length for parameter UserName" in str(caught.value)


@pytest.mark.parametrize(
    "error",
    [EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/"),
     ConnectTimeoutError(endpoint_url="https://iam.amazonaws.com/"),
     ReadTimeoutError(endpoint_url="https://iam.amazonaws.com/"),
     NoCredentialsError()],
    ids=["unreachable", "connect-timeout", "read-timeout", "no-credentials"],
)
def test_transport_failures_are_connection_failures_with_botocores_sentence(error):
    with pytest.raises(errors.ConnectionFailure) as caught:
        with translated("ListUsers"):
            raise error
    assert str(caught.value) == str(error)


def test_unrelated_exceptions_pass_through():
    with pytest.raises(KeyError):
        with translated("ListUsers"):
            raise KeyError("bug")


def test_client_is_configured_for_timeouts_retries_region_and_ssl(aws):
    from AWSIAMManager import AWSIAMManager

    manager = AWSIAMManager("AKIDEXAMPLE", "secret", verify_ssl=False)
    config = manager.iam.meta.config
    assert (config.connect_timeout, config.read_timeout) == (5, 30)
    assert config.retries == {"mode": "standard", "total_max_attempts": 10}
    assert config.max_pool_connections == 16  # one connection per call that may be in flight
    assert manager.iam._request_signer._region_name == "us-east-1"  # IAM signs in us-east-1
    assert manager.iam._endpoint.http_session._verify is False


def test_endpoint_follows_the_standard_override(aws, monkeypatch):
    from AWSIAMManager import AWSIAMManager

    # With an override and no region anywhere, botocore would raise NoRegionError for IAM.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    client = AWSIAMManager("AKIDEXAMPLE", "secret").iam
    assert (client.meta.endpoint_url, client.meta.region_name) == ("http://127.0.0.1:9", "us-east-1")


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0]


def test_only_the_manager_imports_boto3_or_botocore():
    root = Path(__file__).resolve().parents[1]
    offenders = sorted(
        path.name
        for folder in ("Managers", "ActionsScripts")
        for path in (root / folder).glob("*.py")
        if path.name != "AWSIAMManager.py" and {"boto3", "botocore"} & set(imported_modules(path))
    )
    assert offenders == []


def test_xml_that_is_not_the_operations_answer_is_said_to_be_so():
    import AWSIAMManager

    with pytest.raises(errors.NotAnAWSAnswer) as caught:
        with translated("ListUsers"):
            # What botocore's before-parse hook notes of an XHTML login page answered with HTTP 200.
            AWSIAMManager._Retries(None).before_parse(
                operation_model=type("Model", (), {"name": "ListUsers"}),
                response_dict={"status_code": 200, "headers": {"Content-Type": "text/html"}, "body": b"<html></html>"})
            raise KeyError("ListUsersResult")  # botocore's parser, looking for the result element
    assert str(caught.value) == ("The answer to ListUsers was not an IAM response (HTTP 200, text/html). Check the "
                                 "endpoint, and any proxy between the integration and AWS.")
    assert isinstance(caught.value, errors.ConnectionFailure)  # a general error: it stops a bulk run


def test_a_body_that_is_not_xml_is_said_to_be_no_aws_answer():
    from botocore.parsers import ResponseParserError

    with pytest.raises(errors.NotAnAWSAnswer) as caught:
        with translated("AssumeRole"):
            raise ResponseParserError("Unable to parse response, invalid XML received: b'<!DOCTYPE html>'")
    assert str(caught.value) == ("The answer to AssumeRole was not an STS response. Check the endpoint, and any "
                                 "proxy between the integration and AWS.")


@pytest.mark.parametrize("body, expected", [
    (b'<?xml version="1.0"?>\n<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">', True),
    (b"<ListUsersResponse>", True),
    (b"<html><body>", False),
    (b"<CreateUserResponse>", False),
    (b"", False),
])
def test_what_counts_as_the_operations_own_answer(body, expected):
    from AWSIAMManager import _is_answer_to

    assert _is_answer_to("ListUsers", body) is expected
