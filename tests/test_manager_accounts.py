"""The accounts of an organization, from the manager's side: the home account is the manager
itself; another account is one AssumeRole of the Cross-Account Role Name per run, however many
threads ask, chained from the Role ARN's session when there is one; a refusal is that account's
own error; and a bad role name is a sentence before any call."""

import threading

import pytest
from conftest import EXTERNAL_ID, KEYS_ACCOUNT, ROLE_ACCOUNT, ROLE_ARN, iam_acting_in

from AWSIAMExceptions import AccountNotReached, InvalidParameter
from AWSIAMManager import AWSIAMManager
from ConnectionSettings import MALFORMED_CROSS_ACCOUNT_ROLE, reach_settings

MEMBER_A, MEMBER_B = "333333333333", "444444444444"


@pytest.fixture
def signed_calls(monkeypatch):
    """Every STS/IAM call the manager's clients make, as (Operation, access key that signed it, params)."""
    from botocore.client import BaseClient

    calls = []
    original = BaseClient._make_api_call

    def recording(client, operation_name, api_params):
        calls.append((operation_name, client._request_signer._credentials.access_key, dict(api_params)))
        return original(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return calls


def test_the_home_account_is_the_manager_itself_and_costs_no_assume_role(aws, signed_calls):
    manager = AWSIAMManager("AKIDEXAMPLE", "secret", cross_account_role="IRRole")
    assert manager.in_account(KEYS_ACCOUNT) is manager
    assert [operation for operation, _, _ in signed_calls] == ["GetCallerIdentity"]


def test_without_a_cross_account_role_another_account_is_out_of_reach(aws, signed_calls):
    manager = AWSIAMManager("AKIDEXAMPLE", "secret")
    assert not manager.reaches_other_accounts
    assert manager.in_account(MEMBER_A) is None
    assert [operation for operation, _, _ in signed_calls] == ["GetCallerIdentity"]


def test_each_member_account_is_assumed_once_however_many_threads_ask(aws, signed_calls):
    manager = AWSIAMManager("AKIDEXAMPLE", "secret", external_id=EXTERNAL_ID, cross_account_role="security/IRRole")
    members = {}

    def ask(account):
        members.setdefault(account, set()).add(id(manager.in_account(account)))

    threads = [threading.Thread(target=ask, args=(account,)) for account in [MEMBER_A, MEMBER_B] * 8]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {account: len(ids) for account, ids in members.items()} == {MEMBER_A: 1, MEMBER_B: 1}
    assumed = sorted((params["RoleArn"], params["RoleSessionName"], params["ExternalId"])
                     for operation, _, params in signed_calls if operation == "AssumeRole")
    assert assumed == [(f"arn:aws:iam::{MEMBER_A}:role/security/IRRole", "GoogleSecOpsSOAR-AWSIAM", EXTERNAL_ID),
                       (f"arn:aws:iam::{MEMBER_B}:role/security/IRRole", "GoogleSecOpsSOAR-AWSIAM", EXTERNAL_ID)]
    # The member's calls act in the member account.
    manager.in_account(MEMBER_A).create_user("bob")
    assert [user["UserName"] for user in iam_acting_in(MEMBER_A, region_name="us-east-1").list_users()["Users"]] == ["bob"]
    assert manager.in_account(MEMBER_A).home_account() == MEMBER_A


def test_with_a_role_arn_the_member_role_is_assumed_from_the_roles_session(aws, signed_calls):
    manager = AWSIAMManager("AKIDEXAMPLE", "secret", role_arn=ROLE_ARN, external_id=EXTERNAL_ID,
                            cross_account_role="IRRole")
    assert manager.home_account() == ROLE_ACCOUNT
    assert manager.in_account(ROLE_ACCOUNT) is manager
    manager.in_account(MEMBER_A)
    (first, first_key, first_params), (second, second_key, second_params) = signed_calls
    assert (first, first_key, first_params["RoleArn"]) == ("AssumeRole", "AKIDEXAMPLE", ROLE_ARN)
    # Role chaining: the member role is asked for with the Role ARN session's temporary key.
    assert (second, second_params["RoleArn"], second_params["ExternalId"]) == (
        "AssumeRole", f"arn:aws:iam::{MEMBER_A}:role/IRRole", EXTERNAL_ID)
    assert second_key.startswith("ASIA") and second_key != "AKIDEXAMPLE"


def test_a_refusal_is_kept_for_the_account_and_names_the_role(stub_aws):
    from botocore.stub import Stubber  # noqa: F401 (the fixture's Stubbers answer in order)

    stub_aws.sts.add_response("get_caller_identity", {"Account": KEYS_ACCOUNT, "Arn": f"arn:aws:iam::{KEYS_ACCOUNT}:user/soar",
                                                      "UserId": "AIDAEXAMPLE"})
    stub_aws.sts.add_client_error("assume_role", "AccessDenied", "User: soar is not authorized to perform: sts:AssumeRole",
                                  expected_params={"RoleArn": f"arn:aws:iam::{MEMBER_A}:role/IRRole",
                                                   "RoleSessionName": "GoogleSecOpsSOAR-AWSIAM"})
    manager = AWSIAMManager("AKIDEXAMPLE", "secret", cross_account_role="IRRole")
    for _ in range(2):  # the second ask makes no call
        with pytest.raises(AccountNotReached) as refused:
            manager.in_account(MEMBER_A)
        assert str(refused.value) == (
            f"Could not assume the role arn:aws:iam::{MEMBER_A}:role/IRRole to reach account {MEMBER_A}: "
            "An error occurred (AccessDenied) when calling the AssumeRole operation: "
            "User: soar is not authorized to perform: sts:AssumeRole")


@pytest.mark.parametrize("value, kept", [("IRRole", "IRRole"), ("security/IRRole", "security/IRRole"),
                                         ("/security/team/IRRole", "security/team/IRRole"),
                                         ("a+b=c,d.e@f-g_h", "a+b=c,d.e@f-g_h")])
def test_cross_account_role_names_iam_accepts_are_kept(value, kept):
    settings = reach_settings(role_arn=None, external_id=EXTERNAL_ID, region=None, cross_account_role=value)
    assert (settings["cross_account_role"], settings["external_id"]) == (kept, EXTERNAL_ID)


@pytest.mark.parametrize("value", ["IR Role", "IRRole/", "security//IRRole", "x" * 65, "arn:aws:iam::1:role/x*",
                                   "IRRole*", "ïrrole"])
def test_a_cross_account_role_name_iam_cannot_have_is_a_sentence(value):
    with pytest.raises(InvalidParameter) as refused:
        reach_settings(role_arn=None, external_id=None, region=None, cross_account_role=value)
    assert str(refused.value) == MALFORMED_CROSS_ACCOUNT_ROLE
