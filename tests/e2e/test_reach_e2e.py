"""Role ARN, External ID and Region as the platform runs the scripts: subprocesses against moto's
server, whose request log shows which service each call went to."""

import json
import urllib.request

import pytest
from conftest import (
    COMPLETED,
    CONFIG,
    FAILED,
    KEYS_ACCOUNT,
    ROLE_ACCOUNT,
    ROLE_ARN,
    ROLE_CONFIG,
    assert_clean,
    iam_acting_in,
)

PING_SUCCESS = "Successfully connected to the AWS IAM server with the provided connection parameters!"


@pytest.fixture
def server_role_iam(server_iam, moto_server):
    """The role's account on the same moto server, for arranging and checking its state."""
    return iam_acting_in(ROLE_ACCOUNT, endpoint_url=moto_server.url, region_name="us-east-1",
                         aws_access_key_id="testing", aws_secret_access_key="testing")


def user_names(client) -> list[str]:
    return sorted(user["UserName"] for user in client.list_users()["Users"])


def test_ping_through_the_role_is_one_sts_call_then_one_iam_call(run_script):
    out = run_script("Ping", config=ROLE_CONFIG)
    assert (out.message, out.state, out.result_value) == (PING_SUCCESS, COMPLETED, True)
    assert out.calls == [("sts", "AssumeRole"), ("iam", "ListUsers")]
    assert out.configuration_fetches == 1
    assert_clean(out)


def test_a_user_created_through_the_role_lands_in_the_roles_account(run_script, server_iam, server_role_iam):
    out = run_script("Create a User", {"User Name": "dana"}, config=ROLE_CONFIG)
    assert (out.message, out.state) == ("Successfully added the following users to IAM: dana", COMPLETED)
    assert out.json_result[0]["Arn"] == f"arn:aws:iam::{ROLE_ACCOUNT}:user/dana"
    assert out.calls == [("sts", "AssumeRole"), ("iam", "CreateUser")]
    assert user_names(server_role_iam) == ["dana"]
    assert user_names(server_iam) == []
    assert_clean(out)


def test_list_users_through_the_role_sees_only_the_roles_account(run_script, server_iam, server_role_iam):
    server_iam.create_user(UserName="alice")
    server_role_iam.create_user(UserName="dana")
    out = run_script("List Users", config=ROLE_CONFIG)
    assert [user["UserName"] for user in out.json_result] == ["dana"]
    plain = run_script("List Users", config=CONFIG)
    assert [user["UserName"] for user in plain.json_result] == ["alice"]
    assert_clean(out)


def test_attach_a_policy_by_name_through_the_role_makes_no_get_caller_identity(run_script, server_role_iam):
    server_role_iam.create_group(GroupName="Developers")
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    arn = server_role_iam.create_policy(PolicyName="dev-read", PolicyDocument=document)["Policy"]["Arn"]
    out = run_script("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "dev-read"},
                     config=ROLE_CONFIG)
    assert (out.message, out.state) == ("Policy was attached to Group: Developers", COMPLETED)
    assert out.calls == [("sts", "AssumeRole"), ("iam", "GetPolicy"), ("iam", "GetPolicy"), ("iam", "AttachGroupPolicy")]
    attached = server_role_iam.list_attached_group_policies(GroupName="Developers")["AttachedPolicies"]
    assert [policy["PolicyArn"] for policy in attached] == [arn]
    assert_clean(out)


def _enforce_policies(moto_server, *, on: bool):
    # moto's reset-auth: how many further requests it lets through unchecked.
    request = urllib.request.Request(f"{moto_server.url}/moto-api/reset-auth", data=b"0" if on else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10):
        pass


def test_assume_role_refused_by_aws_fails_naming_the_role(run_script, server_iam, moto_server):
    """Under moto's policy enforcement, keys whose user may not sts:AssumeRole are refused."""
    server_iam.create_user(UserName="soar-awsiam")
    server_iam.put_user_policy(UserName="soar-awsiam", PolicyName="list-only", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))
    key = server_iam.create_access_key(UserName="soar-awsiam")["AccessKey"]
    config = {**ROLE_CONFIG, "AWS Access Key ID": key["AccessKeyId"], "AWS Secret Key": key["SecretAccessKey"]}
    _enforce_policies(moto_server, on=True)
    try:
        out = run_script("Ping", config=config)
    finally:
        _enforce_policies(moto_server, on=False)
    assert out.message == (
        f"Failed to connect to the AWS IAM server! Error is Could not assume the role {ROLE_ARN} with the configured keys: "
        "An error occurred (AccessDenied) when calling the AssumeRole operation: "
        f"User: arn:aws:iam::{KEYS_ACCOUNT}:user/soar-awsiam is not authorized to perform: sts:AssumeRole"
    )
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [("sts", "AssumeRole")]
    assert key["SecretAccessKey"] not in out.stdout + out.stderr + out.debug_output
    assert_clean(out)


@pytest.mark.parametrize(
    "settings, reason",
    [({"External ID": "secops-7Hq2-awsiam"}, "Configuration parameter 'External ID' is set but 'Role ARN' and 'Cross-Account Role Name' are empty."),
     ({"Role ARN": "arn:aws:iam::2222:role/x"}, "Configuration parameter 'Role ARN' is not an IAM role ARN: 'arn:aws:iam::2222:role/x'."),
     ({"Region": "eu-nowhere-1"}, "Configuration parameter 'Region' is not a known AWS region: 'eu-nowhere-1'.")],
    ids=["external-id-without-role", "malformed-role-arn", "unknown-region"],
)
def test_a_bad_configuration_is_a_sentence_and_no_call(run_script, settings, reason):
    out = run_script("List Users", config={**CONFIG, **settings})
    assert out.message.startswith(f"Error executing action 'List Users'. Reason: {reason}")
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])
    assert "Traceback" not in out.stdout + out.stderr
    assert_clean(out)


def test_a_china_run_uses_aws_cn_arns_in_json_and_entity_resolution(run_script, moto_server):
    china = {**CONFIG, "Region": "cn-north-1"}
    created = run_script("Create a User", {"User Name": "li.wei,wang.fang"}, config=china)
    assert [user["Arn"] for user in created.json_result] == [
        f"arn:aws-cn:iam::{KEYS_ACCOUNT}:user/li.wei", f"arn:aws-cn:iam::{KEYS_ACCOUNT}:user/wang.fang"]

    entities = [f"arn:aws-cn:iam::{KEYS_ACCOUNT}:user/li.wei", f"arn:aws:iam::{KEYS_ACCOUNT}:user/wang.fang"]
    out = run_script("Disable User Access", entities=entities, config=china,
                     entity_details={entity.upper(): {"additional_properties": {"OriginalIdentifier": entity}} for entity in entities})
    assert [(entry["EntityResult"]["Status"], entry["EntityResult"]["Arn"]) for entry in out.json_result] == [
        ("disabled", entities[0]), ("not_found", None)]
    assert out.calls == [("sts", "GetCallerIdentity"), ("iam", "GetUser"), ("iam", "PutUserPolicy")]
    listed = run_script("List Users", config=china)
    assert all(user["Arn"].startswith("arn:aws-cn:iam::") for user in listed.json_result)
    for run in (created, out, listed):
        assert_clean(run)
