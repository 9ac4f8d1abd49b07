"""Role ARN, External ID and Region, for every action: one AssumeRole per run with the keys, then
every call as the role in the role's account; the region's partition in every ARN built or
parsed; each configuration error a sentence, before any call."""

import json

import pytest
from conftest import (
    COMPLETED,
    CONFIG,
    EXTERNAL_ID,
    FAILED,
    KEYS_ACCOUNT,
    ROLE_ACCOUNT,
    ROLE_ARN,
    ROLE_CONFIG,
    assert_no_credentials,
    iam_acting_in,
    stub_assume_role,
)

ASSUME_ROLE = ("sts", "AssumeRole")
PING_SUCCESS = "Successfully connected to the AWS IAM server with the provided connection parameters!"
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
CHINA = {**CONFIG, "Region": "cn-north-1"}


@pytest.fixture
def role_iam(aws):
    """The role's account, seen from the test's side; its calls are not recorded."""
    return iam_acting_in(ROLE_ACCOUNT, region_name="us-east-1")


def user_names(client) -> list[str]:
    return sorted(user["UserName"] for user in client.list_users()["Users"])


# --- Through the role, in the role's account ------------------------------------------------------

def test_ping_through_the_role_costs_one_assume_role_and_one_iam_read(run_action):
    out = run_action("Ping", config=ROLE_CONFIG)
    assert (out.message, out.state, out.result_value) == (PING_SUCCESS, COMPLETED, True)
    assert out.calls == [ASSUME_ROLE, ("iam", "ListUsers")]
    assert out.configuration_fetches == 1


def test_a_user_created_through_the_role_lands_in_the_roles_account(run_action, iam, role_iam):
    out = run_action("Create a User", {"User Name": "dana"}, config=ROLE_CONFIG)
    assert (out.message, out.state) == ("Successfully added the following users to IAM: dana", COMPLETED)
    assert out.json_result[0]["Arn"] == f"arn:aws:iam::{ROLE_ACCOUNT}:user/dana"
    assert out.calls == [ASSUME_ROLE, ("iam", "CreateUser")]
    assert user_names(role_iam) == ["dana"]
    assert user_names(iam) == []


def test_list_users_through_the_role_sees_only_the_roles_account(run_action, iam, role_iam):
    iam.create_user(UserName="alice")
    role_iam.create_user(UserName="dana")
    out = run_action("List Users", config=ROLE_CONFIG)
    assert [user["UserName"] for user in out.json_result] == ["dana"]
    assert [row[2] for row in out.tables["IAM Users"][1:]] == [f"arn:aws:iam::{ROLE_ACCOUNT}:user/dana"]
    assert out.calls == [ASSUME_ROLE, ("iam", "ListUsers")]


def test_attach_a_policy_by_name_through_a_role_needs_no_get_caller_identity(run_action, iam, role_iam):
    role_iam.create_group(GroupName="Developers")
    arn = role_iam.create_policy(PolicyName="dev-read", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    iam.create_policy(PolicyName="dev-read", PolicyDocument=DOCUMENT)  # the keys' account's namesake
    out = run_action("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "dev-read"},
                     config=ROLE_CONFIG)
    assert (out.message, out.state) == ("Policy was attached to Group: Developers", COMPLETED)
    assert arn == f"arn:aws:iam::{ROLE_ACCOUNT}:policy/dev-read"
    assert out.calls == [ASSUME_ROLE, ("iam", "GetPolicy"), ("iam", "GetPolicy"), ("iam", "AttachGroupPolicy")]
    attached = role_iam.list_attached_group_policies(GroupName="Developers")["AttachedPolicies"]
    assert [policy["PolicyArn"] for policy in attached] == [arn]


def test_user_arns_are_checked_against_the_roles_account_without_get_caller_identity(run_action, iam, role_iam):
    role_iam.create_user(UserName="dana")
    iam.create_user(UserName="dana")  # same name in the keys' account: must stay untouched
    entities = [f"arn:aws:iam::{ROLE_ACCOUNT}:user/dana", f"arn:aws:iam::{KEYS_ACCOUNT}:user/dana"]
    out = run_action("Disable User Access", entities=entities, config=ROLE_CONFIG)
    assert [(entry["EntityResult"]["Status"], entry["EntityResult"].get("Reason")) for entry in out.json_result] == [
        ("disabled", None), ("not_found", "The user ARN belongs to another AWS account.")]
    assert out.calls == [ASSUME_ROLE, ("iam", "GetUser"), ("iam", "PutUserPolicy")]
    assert role_iam.list_user_policies(UserName="dana")["PolicyNames"] == ["DisableUserAccessPolicy"]
    assert iam.list_user_policies(UserName="dana")["PolicyNames"] == []


def test_enrich_user_reads_the_roles_account_and_checks_arns_against_it(run_action, iam, role_iam):
    role_iam.create_user(UserName="dana")
    role_iam.create_group(GroupName="Developers")
    role_iam.add_user_to_group(GroupName="Developers", UserName="dana")
    iam.create_user(UserName="dana")  # same name in the keys' account: not the one enriched
    entities = [f"arn:aws:iam::{ROLE_ACCOUNT}:user/dana", f"arn:aws:iam::{KEYS_ACCOUNT}:user/dana"]
    out = run_action("Enrich User", entities=entities, config=ROLE_CONFIG)
    assert [(entry["EntityResult"]["Status"], entry["EntityResult"]["Arn"]) for entry in out.json_result] == [
        ("enriched", f"arn:aws:iam::{ROLE_ACCOUNT}:user/dana"), ("not_found", None)]
    assert [group["GroupName"] for group in out.json_result[0]["EntityResult"]["Groups"]] == ["Developers"]
    assert out.calls[0] == ASSUME_ROLE and ("sts", "GetCallerIdentity") not in out.calls
    assert_no_credentials(out.raw_stdout)


def test_no_temporary_credential_reaches_the_output_of_a_moto_run(run_action, role_iam):
    role_iam.create_user(UserName="dana")
    out = run_action("List Users", config=ROLE_CONFIG)
    assert out.state == COMPLETED
    assert_no_credentials(out.raw_stdout)


# --- What AssumeRole is asked --------------------------------------------------------------------

def test_assume_role_sends_the_external_id_and_the_fixed_session_name(stub_aws, run_action):
    stub_assume_role(stub_aws, external_id=EXTERNAL_ID)
    stub_aws.iam.add_response("list_users", {"Users": [], "IsTruncated": False}, expected_params={"MaxItems": 1})
    assert run_action("Ping", config=ROLE_CONFIG).message == PING_SUCCESS


def test_without_an_external_id_none_is_sent(stub_aws, run_action):
    stub_assume_role(stub_aws, external_id=None)
    stub_aws.iam.add_response("list_users", {"Users": [], "IsTruncated": False}, expected_params={"MaxItems": 1})
    config = {**ROLE_CONFIG, "External ID": "  "}
    assert run_action("Ping", config=config).message == PING_SUCCESS


# --- AssumeRole refused: FAILED, naming the role, before any IAM call -----------------------------

REFUSALS = [
    ("AccessDenied", f"User: arn:aws:iam::{KEYS_ACCOUNT}:user/soar-awsiam is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"),
    ("InvalidClientTokenId", "The security token included in the request is invalid."),
    ("ValidationError", "1 validation error detected: Value at 'roleArn' failed to satisfy constraint"),
]


@pytest.mark.parametrize("code, aws_message", REFUSALS, ids=["access-denied", "bad-keys", "refused-as-malformed"])
def test_a_refused_assume_role_fails_the_action_naming_the_role(stub_aws, run_action, code, aws_message):
    stub_aws.sts.add_client_error("assume_role", code, aws_message, 403)
    out = run_action("List Users", config=ROLE_CONFIG)
    assert out.message == (
        f"Error executing action 'List Users'. Reason: Could not assume the role {ROLE_ARN} with the configured keys: "
        f"An error occurred ({code}) when calling the AssumeRole operation: {aws_message}"
    )
    assert (out.state, out.result_value, out.json_result) == (FAILED, False, None)
    assert out.calls == [ASSUME_ROLE]
    assert "Traceback" not in out.raw_stdout
    assert_no_credentials(out.raw_stdout)


def test_a_wrong_external_id_fails_ping_naming_the_role(stub_aws, run_action):
    message = f"User: arn:aws:iam::{KEYS_ACCOUNT}:user/soar-awsiam is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
    stub_aws.sts.add_client_error(
        "assume_role", "AccessDenied", message, 403,
        expected_params={"RoleArn": ROLE_ARN, "RoleSessionName": "GoogleSecOpsSOAR-AWSIAM", "ExternalId": "not-the-agreed-one"},
    )
    out = run_action("Ping", config={**ROLE_CONFIG, "External ID": "not-the-agreed-one"})
    assert out.message == (
        f"Failed to connect to the AWS IAM server! Error is Could not assume the role {ROLE_ARN} with the configured keys: "
        f"An error occurred (AccessDenied) when calling the AssumeRole operation: {message}"
    )
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [ASSUME_ROLE])


def test_an_unreachable_sts_fails_naming_the_role(run_action, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
    out = run_action("Ping", config=ROLE_CONFIG)
    assert out.message == (
        f"Failed to connect to the AWS IAM server! Error is Could not assume the role {ROLE_ARN} with the configured keys: "
        'Could not connect to the endpoint URL: "http://127.0.0.1:9/"'
    )
    assert (out.state, out.calls) == (FAILED, [ASSUME_ROLE])


# --- Configuration errors: a sentence, and no call at all -------------------------------------------

ROLE_FORMAT = "It must look like arn:aws:iam::123456789012:role/RoleName."
REGION_HINT = "Enter a region code such as us-east-1, us-gov-west-1 or cn-north-1, or leave it empty for us-east-1."
BAD_CONFIGURATIONS = [
    ({"External ID": EXTERNAL_ID},
     "Configuration parameter 'External ID' is set but 'Role ARN' and 'Cross-Account Role Name' are empty. An "
     "External ID is only used when assuming a role: set 'Role ARN' or 'Cross-Account Role Name', or clear 'External ID'."),
    ({"Role ARN": "arn:aws:iam::2222:role/AWSIAMIntegrationRole"},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'arn:aws:iam::2222:role/AWSIAMIntegrationRole'. {ROLE_FORMAT}"),
    ({"Role ARN": f"arn:aws:iam::{ROLE_ACCOUNT}:user/soar"},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'arn:aws:iam::{ROLE_ACCOUNT}:user/soar'. {ROLE_FORMAT}"),
    ({"Role ARN": f"arn:aws:iam::{ROLE_ACCOUNT}:role/"},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'arn:aws:iam::{ROLE_ACCOUNT}:role/'. {ROLE_FORMAT}"),
    ({"Role ARN": "AWSIAMIntegrationRole"},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'AWSIAMIntegrationRole'. {ROLE_FORMAT}"),
    ({"Role ARN": f"arm:aws:iam::{ROLE_ACCOUNT}:role/AWSIAMIntegrationRole"},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'arm:aws:iam::{ROLE_ACCOUNT}:role/AWSIAMIntegrationRole'. "
     f"{ROLE_FORMAT}"),
    ({"Role ARN": f"arn:aws:iam::{ROLE_ACCOUNT}:role/\x1b[31mIR\u202eRole"},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'arn:aws:iam::{ROLE_ACCOUNT}:role/\\x1b[31mIR\\u202eRole'. "
     f"{ROLE_FORMAT}"),
    ({"Role ARN": f"arn:aws:iam::{ROLE_ACCOUNT}:role/" + "x" * 500},
     f"Configuration parameter 'Role ARN' is not an IAM role ARN: 'arn:aws:iam::{ROLE_ACCOUNT}:role/{'x' * 129}... "
     f"(531 characters)'. {ROLE_FORMAT}"),
    ({"Role ARN": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},  # a secret key in the wrong field is not echoed
     f"Configuration parameter 'Role ARN' is not an IAM role ARN. {ROLE_FORMAT}"),
    ({"Role ARN": ROLE_ARN, "External ID": "x"},
     "Configuration parameter 'External ID' must be 2 to 1224 characters long and contain only alphanumeric "
     "characters and/or the following: +=,.@:/-."),
    ({"Role ARN": ROLE_ARN, "External ID": "two words"},
     "Configuration parameter 'External ID' must be 2 to 1224 characters long and contain only alphanumeric "
     "characters and/or the following: +=,.@:/-."),
    ({"Region": "us-nowhere-9"}, f"Configuration parameter 'Region' is not a known AWS region: 'us-nowhere-9'. {REGION_HINT}"),
    ({"Region": "Frankfurt"}, f"Configuration parameter 'Region' is not a known AWS region: 'frankfurt'. {REGION_HINT}"),
    ({"Region": "aws-global"}, f"Configuration parameter 'Region' is not a known AWS region: 'aws-global'. {REGION_HINT}"),
    ({"Region": "eu west 1"}, f"Configuration parameter 'Region' is not a known AWS region. {REGION_HINT}"),
    ({"Role ARN": f"arn:aws-cn:iam::{ROLE_ACCOUNT}:role/AWSIAMIntegrationRole"},
     "Configuration parameter 'Role ARN' names a role in the aws-cn partition, but the region us-east-1 is in the "
     "aws partition. Set 'Region' to a region of the role's partition."),
]


@pytest.mark.parametrize(
    "settings, reason", BAD_CONFIGURATIONS,
    ids=["external-id-without-role", "short-account", "user-not-role", "role-without-name", "name-not-arn",
         "typo-in-arn", "control-characters", "too-long", "secret-key",
         "external-id-too-short", "external-id-with-space", "unknown-region", "city-not-region", "pseudo-region",
         "region-with-spaces", "role-in-other-partition"],
)
def test_a_bad_configuration_fails_with_a_sentence_and_no_call(run_action, settings, reason):
    out = run_action("Create a User", {"User Name": "dana"}, config={**CONFIG, **settings})
    assert out.message == f"Error executing action 'Create a User'. Reason: {reason}"
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])
    assert out.configuration_fetches == 1
    assert "Traceback" not in out.raw_stdout


def test_ping_reports_a_configuration_error_in_its_own_words(run_action):
    out = run_action("Ping", config={**CONFIG, "Region": "moon-1"})
    assert out.message == (
        f"Failed to connect to the AWS IAM server! Error is Configuration parameter 'Region' is not a known AWS region: 'moon-1'. {REGION_HINT}"
    )
    assert (out.state, out.calls) == (FAILED, [])


# --- Region and partition -------------------------------------------------------------------------

def test_a_china_run_creates_users_with_aws_cn_arns(run_action):
    out = run_action("Create a User", {"User Name": "li.wei"}, config=CHINA)
    assert out.json_result[0]["Arn"] == f"arn:aws-cn:iam::{KEYS_ACCOUNT}:user/li.wei"
    assert out.calls == [("iam", "CreateUser")]


def test_a_china_run_resolves_aws_cn_user_arns_and_refuses_aws_ones(run_action, aws):
    import boto3

    boto3.client("iam", region_name="cn-north-1").create_user(UserName="li.wei")
    entities = [f"arn:aws:iam::{KEYS_ACCOUNT}:user/li.wei", f"ARN:AWS-CN:IAM::{KEYS_ACCOUNT}:USER/li.wei"]
    out = run_action("Disable User Access", entities=entities, config=CHINA,
                     entity_details={entities[1]: {"additional_properties": {"OriginalIdentifier": f"arn:aws-cn:iam::{KEYS_ACCOUNT}:user/li.wei"}}})
    assert [(entry["EntityResult"]["Status"], entry["EntityResult"]["Arn"]) for entry in out.json_result] == [
        ("not_found", None), ("disabled", f"arn:aws-cn:iam::{KEYS_ACCOUNT}:user/li.wei")]
    assert out.json_result[0]["EntityResult"]["Reason"] == (
        "The ARN is of another AWS partition than the one this instance's Region is in, so its account cannot be reached.")
    # The aws ARN is another partition's: refused from its text alone, with no call.
    assert out.calls == [("sts", "GetCallerIdentity"), ("iam", "GetUser"), ("iam", "PutUserPolicy")]


def test_a_china_run_attaches_a_policy_by_name_with_aws_cn_arns(run_action, aws):
    import boto3

    china = boto3.client("iam", region_name="cn-north-1")
    china.create_group(GroupName="Developers")
    arn = china.create_policy(PolicyName="dev-read", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    assert arn.startswith("arn:aws-cn:")
    out = run_action("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "dev-read"},
                     config=CHINA)
    assert (out.message, out.state) == ("Policy was attached to Group: Developers", COMPLETED)
    assert [p["PolicyArn"] for p in china.list_attached_group_policies(GroupName="Developers")["AttachedPolicies"]] == [arn]


def test_a_china_role_is_assumed_in_the_china_partition(run_action):
    role = f"arn:aws-cn:iam::{ROLE_ACCOUNT}:role/AWSIAMIntegrationRole"
    out = run_action("Create a User", {"User Name": "li.wei"}, config={**CHINA, "Role ARN": role})
    assert out.json_result[0]["Arn"] == f"arn:aws-cn:iam::{ROLE_ACCOUNT}:user/li.wei"
    assert out.calls == [ASSUME_ROLE, ("iam", "CreateUser")]


def test_a_region_in_capitals_is_the_same_region(run_action):
    out = run_action("Create a User", {"User Name": "li.wei"}, config={**CONFIG, "Region": " CN-NORTH-1 "})
    assert out.json_result[0]["Arn"].startswith("arn:aws-cn:")
