"""Ping: one ListUsers(MaxItems=1), the configuration fetched once, clean failures."""

import pytest
from conftest import COMPLETED, CONFIG, FAILED, assert_no_credentials

SUCCESS = "Successfully connected to the AWS IAM server with the provided connection parameters!"


def test_ping_succeeds_with_one_list_users_call(run_action):
    out = run_action("Ping")
    assert (out.message, out.state, out.result_value) == (SUCCESS, COMPLETED, True)
    assert out.iam_calls == ["ListUsers"]
    assert out.calls == [("iam", "ListUsers")]
    assert out.configuration_fetches == 1
    assert out.json_result is None and out.tables == {}


def test_ping_asks_for_a_single_user(stub_aws, run_action):
    stub_aws.iam.add_response("list_users", {"Users": [], "IsTruncated": False}, expected_params={"MaxItems": 1})
    assert run_action("Ping").message == SUCCESS


@pytest.mark.parametrize(
    "missing, value",
    [("AWS Secret Key", ""), ("AWS Secret Key", "   "), ("AWS Secret Key", None),
     ("AWS Access Key ID", ""), ("AWS Access Key ID", None)],
    ids=["secret-empty", "secret-whitespace", "secret-absent", "key-empty", "key-absent"],
)
def test_ping_fails_cleanly_without_mandatory_configuration(run_action, missing, value):
    config = {name: v for name, v in CONFIG.items() if name != missing}
    if value is not None:
        config[missing] = value
    out = run_action("Ping", config=config)
    assert out.message == f"Failed to connect to the AWS IAM server! Error is Missing mandatory configuration parameter '{missing}'."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == []
    assert out.configuration_fetches == 1


def test_ping_rejects_a_verify_ssl_value_that_is_not_boolean(run_action):
    out = run_action("Ping", config={**CONFIG, "Verify SSL": "maybe"})
    assert out.message.startswith("Failed to connect to the AWS IAM server! Error is Configuration parameter 'Verify SSL' is invalid:")
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


@pytest.mark.parametrize(
    "code, message",
    [("InvalidClientTokenId", "The security token included in the request is invalid."),
     ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."),
     ("AccessDenied", "User: arn:aws:iam::123456789012:user/soar is not authorized to perform: iam:ListUsers")],
    ids=["bad-key-id", "bad-secret", "access-denied"],
)
def test_ping_reports_the_aws_error_without_traceback(stub_aws, run_action, code, message):
    stub_aws.iam.add_client_error("list_users", service_error_code=code, service_message=message, http_status_code=403)
    out = run_action("Ping")
    assert out.message == (
        "Failed to connect to the AWS IAM server! Error is "
        f"An error occurred ({code}) when calling the ListUsers operation: {message}"
    )
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["ListUsers"]
    assert "Traceback" not in out.message


def test_no_secret_nor_temporary_credential_appears_in_any_output(stub_aws, stubbed_connection, run_action):
    stub_aws.iam.add_client_error("list_users", service_error_code="SignatureDoesNotMatch", service_message="bad signature")
    out = run_action("Ping", config=stubbed_connection)
    assert out.state == FAILED
    assert_no_credentials(out.raw_stdout)
