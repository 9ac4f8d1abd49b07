"""The manager's reach: which region its clients sign for, which partition it builds ARNs in, and
which credentials its clients carry after AssumeRole."""

import pytest
from conftest import ROLE_ACCOUNT, ROLE_ARN

from AWSIAMExceptions import InvalidParameter
from AWSIAMManager import AWSIAMManager, partition_of
from ConnectionSettings import ROLE_SESSION_NAME, reach_settings


@pytest.mark.parametrize(
    "region, partition",
    [("us-east-1", "aws"), ("eu-central-2", "aws"), ("us-gov-west-1", "aws-us-gov"), ("us-gov-east-1", "aws-us-gov"),
     ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"), ("us-iso-east-1", "aws-iso")],
)
def test_the_region_decides_the_partition(region, partition):
    assert partition_of(region) == partition


@pytest.mark.parametrize("region", ["us-nowhere-9", "aws-global", "aws-cn-global", "", "US-EAST-1"])
def test_a_region_botocore_does_not_list_is_refused(region):
    with pytest.raises(InvalidParameter, match="^Configuration parameter 'Region' is not a known AWS region"):
        partition_of(region)


@pytest.mark.parametrize(
    "region, iam_endpoint, iam_signing_region",
    [("us-east-1", "https://iam.amazonaws.com", "us-east-1"),
     # IAM of the aws partition has one global endpoint, signed for us-east-1 whatever the region.
     ("eu-west-1", "https://iam.amazonaws.com", "us-east-1"),
     ("us-gov-west-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
     ("cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1")],
)
def test_sts_and_iam_are_signed_for_the_configured_region(aws, region, iam_endpoint, iam_signing_region):
    manager = AWSIAMManager("AKIDEXAMPLE", "secret", region=region)
    assert (manager.iam.meta.endpoint_url, manager.iam._request_signer._region_name) == (iam_endpoint, iam_signing_region)
    assert manager.sts._request_signer._region_name == region
    assert manager.sts.meta.endpoint_url.startswith(f"https://sts.{region}.amazonaws.com")
    assert manager.partition == partition_of(region)


def test_after_assume_role_every_client_carries_the_temporary_credentials(aws):
    manager = AWSIAMManager("AKIDEXAMPLE", "secret", role_arn=ROLE_ARN)
    for client in (manager.iam, manager.sts):
        credentials = client._request_signer._credentials
        assert credentials.access_key.startswith("ASIA")  # moto's temporary keys, not AKIDEXAMPLE
        assert credentials.token
    # AssumeRole's answer named the account: no GetCallerIdentity to come.
    assert manager.is_own_account("aws", ROLE_ACCOUNT)
    assert not manager.is_own_account("aws-cn", ROLE_ACCOUNT)
    assert manager.caller().arn == f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AWSIAMIntegrationRole/{ROLE_SESSION_NAME}"


def test_the_settings_default_to_the_keys_in_us_east_1():
    assert reach_settings(role_arn=None, external_id=None, region=None) == {
        "role_arn": None, "external_id": None, "region": "us-east-1", "cross_account_role": None}


def test_the_settings_keep_a_role_and_its_external_id():
    assert reach_settings(role_arn=ROLE_ARN, external_id="secops-7Hq2-awsiam", region="EU-WEST-1") == {
        "role_arn": ROLE_ARN, "external_id": "secops-7Hq2-awsiam", "region": "eu-west-1", "cross_account_role": None}


@pytest.mark.parametrize(
    "role_arn",
    [ROLE_ARN, "arn:aws:iam::123456789012:role/service-role/team/AWSIAMIntegrationRole",
     "arn:aws-us-gov:iam::123456789012:role/r", "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f-g_h"],
    ids=["plain", "with-path", "gov", "every-allowed-character"],
)
def test_role_arns_iam_accepts_are_accepted(role_arn):
    assert reach_settings(role_arn=role_arn, external_id=None, region=None)["role_arn"] == role_arn
