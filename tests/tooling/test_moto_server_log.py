"""MotoServer records each AWS request as (service, action)."""

import io
import os

import boto3
import pytest
from botocore.exceptions import ClientError

from moto_server import MANAGED_POLICIES_ENV, MotoServer, _describe, fetch_calls


def client(server, service):
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_records_iam_and_sts_actions_in_order(moto):
    iam = client(moto, "iam")
    iam.create_user(UserName="alice")
    iam.list_users(MaxItems=1)
    client(moto, "sts").get_caller_identity()

    assert moto.calls == [("iam", "CreateUser"), ("iam", "ListUsers"),
                          ("sts", "GetCallerIdentity")]
    assert moto.iam_calls() == ["CreateUser", "ListUsers"]
    assert moto.calls_for("sts") == ["GetCallerIdentity"]


def test_moto_still_reads_the_body_after_the_log_read_it(moto):
    client(moto, "iam").create_user(UserName="body-check", Path="/ops/")

    assert client(moto, "iam").get_user(UserName="body-check")["User"]["Path"] == "/ops/"


def test_reset_calls_and_reset_state(moto):
    iam = client(moto, "iam")
    iam.create_user(UserName="alice")

    moto.reset_calls()
    assert moto.calls == []

    moto.reset_state()
    assert iam.list_users()["Users"] == []
    assert moto.iam_calls() == ["ListUsers"]  # the reset request itself is not logged


def test_log_is_served_over_http(moto):
    client(moto, "iam").list_groups()

    assert fetch_calls(moto.url) == [("iam", "ListGroups")]
    assert fetch_calls("http://127.0.0.1:9") is None


def test_only_listens_on_loopback(moto):
    assert moto.url.startswith("http://127.0.0.1:")


AUTH = ("AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/{}/aws4_request, "
        "SignedHeaders=host, Signature=abc")


@pytest.mark.parametrize("environ, expected", [
    ({"HTTP_AUTHORIZATION": AUTH.format("iam"), "REQUEST_METHOD": "POST",
      "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
      "body": b"Action=ListUsers&Version=2010-05-08"}, ("iam", "ListUsers")),
    ({"HTTP_AUTHORIZATION": AUTH.format("iam"), "REQUEST_METHOD": "GET",
      "QUERY_STRING": "Action=GetUser&UserName=a"}, ("iam", "GetUser")),
    ({"HTTP_AUTHORIZATION": AUTH.format("dynamodb"), "REQUEST_METHOD": "POST",
      "CONTENT_TYPE": "application/x-amz-json-1.0", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.ListTables",
      "body": b"{}"}, ("dynamodb", "ListTables")),
    ({"HTTP_AUTHORIZATION": AUTH.format("s3"), "REQUEST_METHOD": "PUT",
      "PATH_INFO": "/bucket/key"}, ("s3", "PUT /bucket/key")),
    ({"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
      "body": b"Action=ListUsers"}, (None, "ListUsers")),
], ids=["form-body", "query-string", "json-target", "s3", "unsigned"])
def test_describe_request(environ, expected):
    body = environ.pop("body", b"")
    environ = {**environ, "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}

    assert _describe(environ) == expected
    assert environ["wsgi.input"].read() == body


READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def test_a_server_imitating_a_real_account_has_the_aws_managed_policies_after_each_reset(moto):
    with MotoServer(managed_policies=True) as server:
        iam = client(server, "iam")
        assert iam.get_policy(PolicyArn=READ_ONLY_ACCESS)["Policy"]["PolicyName"] == "ReadOnlyAccess"
        iam.create_user(UserName="alice")

        server.reset_state()

        assert iam.list_users()["Users"] == []
        assert iam.get_policy(PolicyArn=READ_ONLY_ACCESS)["Policy"]["PolicyName"] == "ReadOnlyAccess"
    # Only that backend got them: the variable is not left set for the rest of the process.
    assert MANAGED_POLICIES_ENV not in os.environ
    moto.reset_state()
    with pytest.raises(ClientError, match="NoSuchEntity"):
        client(moto, "iam").get_policy(PolicyArn=READ_ONLY_ACCESS)
