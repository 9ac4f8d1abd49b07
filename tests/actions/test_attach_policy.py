"""Attach a Policy: inputs checked before any call, the policy resolved with the fewest calls
(STS, GetPolicy customer, GetPolicy AWS, a ListPolicies scan only for policies with a path), and
only the named identity changed."""

import pytest
from conftest import COMPLETED, CONFIG, FAILED
from policy_fakes import (
    ACCOUNT,
    BAD_PARAMETER_IDS,
    BAD_PARAMETERS,
    INVALID_NAMES,
    RESOLVED_BY_GET,
    TRUST,
    attached,
    customer_policy,
    stub_dev_read_found,
)

ACTION = "Attach a Policy"


def attach(run_action, policy, identity="Developers", identity_type="Group", config=CONFIG):
    return run_action(ACTION, {"Identity Type": identity_type, "Identity Name": identity, "Policy Name": policy}, config=config)


@pytest.fixture
def identities(iam):
    """One identity of each type, plus a bystander of each, to prove nothing else changes."""
    for name in ("Developers", "Managers"):
        iam.create_group(GroupName=name)
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    for name in ("app-role", "other-role"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    return iam


# --- Resolving and attaching ----------------------------------------------------------------


@pytest.mark.parametrize(
    "identity_type, identity, operation",
    [("Group", "Developers", "AttachGroupPolicy"), ("User", "alice", "AttachUserPolicy"), ("Role", "app-role", "AttachRolePolicy")],
    ids=["group", "user", "role"],
)
def test_attaches_a_customer_managed_policy_by_name_in_four_calls(run_action, identities, identity_type, identity, operation):
    arn = customer_policy(identities, "S3-read-only-bucket")
    out = attach(run_action, "S3-read-only-bucket", identity, identity_type)
    assert (out.message, out.state, out.result_value) == (f"Policy was attached to {identity_type}: {identity}", COMPLETED, True)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", operation)]
    assert attached(identities) == {(identity_type, identity): [arn]}


def test_identity_type_defaults_to_group_and_is_case_insensitive(run_action, identities):
    arn = customer_policy(identities, "dev-read")
    out = run_action(ACTION, {"Identity Name": "Developers", "Policy Name": "dev-read"})
    assert out.message == "Policy was attached to Group: Developers"
    out = attach(run_action, "dev-read", "alice", "user")
    assert out.message == "Policy was attached to User: alice"
    assert attached(identities) == {("Group", "Developers"): [arn], ("User", "alice"): [arn]}


def test_attaches_an_aws_managed_policy_by_name_in_four_calls(aws_managed_policies, run_action, identities):
    out = attach(run_action, "ReadOnlyAccess")
    assert (out.message, out.state, out.result_value) == ("Policy was attached to Group: Developers", COMPLETED, True)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "AttachGroupPolicy")]
    assert attached(identities) == {("Group", "Developers"): ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}


def test_customer_managed_wins_over_aws_managed_of_the_same_name_and_says_so(aws_managed_policies, run_action, identities):
    arn = customer_policy(identities, "ReadOnlyAccess")
    out = attach(run_action, "ReadOnlyAccess")
    assert out.message == (
        "Policy was attached to Group: Developers. An AWS managed policy is also named ReadOnlyAccess; "
        f"the customer managed policy arn:aws:iam::{ACCOUNT}:policy/ReadOnlyAccess was attached instead of "
        "arn:aws:iam::aws:policy/ReadOnlyAccess."
    )
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "AttachGroupPolicy")]
    assert attached(identities) == {("Group", "Developers"): [arn]}


def test_customer_policy_with_a_path_is_found_by_one_list_page(run_action, identities):
    arn = customer_policy(identities, "team-read", path="/security/team/")
    out = attach(run_action, "team-read", "app-role", "Role")
    assert (out.message, out.state) == ("Policy was attached to Role: app-role", COMPLETED)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "ListPolicies"), ("iam", "AttachRolePolicy")]
    assert attached(identities) == {("Role", "app-role"): [arn]}


def test_aws_managed_policy_with_a_path_scans_1000_per_page(aws_managed_policies, run_action, identities):
    # ~1,500 AWS-managed policies: two pages of 1000, never fifteen of 100.
    out = attach(run_action, "ViewOnlyAccess", "alice", "User")
    assert out.message == "Policy was attached to User: alice"
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "ListPolicies"), ("iam", "ListPolicies"), ("iam", "AttachUserPolicy")]
    assert attached(identities) == {("User", "alice"): ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]}


def test_a_name_in_another_letter_case_is_found_by_the_scan(run_action, identities):
    arn = customer_policy(identities, "Dev-Read")
    out = attach(run_action, "dev-read")
    assert out.message == "Policy was attached to Group: Developers"
    assert attached(identities) == {("Group", "Developers"): [arn]}


def test_scan_pages_at_1000_and_prefers_customer_managed(stub_aws, run_action):
    stub_aws.sts.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws-us-gov:iam::{ACCOUNT}:user/soar", "UserId": "AIDAEXAMPLEEXAMPLE"})
    for arn in (f"arn:aws-us-gov:iam::{ACCOUNT}:policy/Audit", "arn:aws-us-gov:iam::aws:policy/Audit"):
        stub_aws.iam.add_client_error("get_policy", "NoSuchEntity", f"Policy {arn} was not found.", 404, expected_params={"PolicyArn": arn})
    aws_arn = "arn:aws-us-gov:iam::aws:policy/job-function/Audit"
    customer_arn = f"arn:aws-us-gov:iam::{ACCOUNT}:policy/team/Audit"
    stub_aws.iam.add_response(
        "list_policies", {"Policies": [{"PolicyName": "Audit", "Arn": aws_arn}], "IsTruncated": True, "Marker": "m1"},
        expected_params={"Scope": "All", "MaxItems": 1000},
    )
    stub_aws.iam.add_response(
        "list_policies", {"Policies": [{"PolicyName": "Audit", "Arn": customer_arn}], "IsTruncated": False},
        expected_params={"Scope": "All", "MaxItems": 1000, "Marker": "m1"},
    )
    stub_aws.iam.add_response("attach_group_policy", {}, expected_params={"GroupName": "Developers", "PolicyArn": customer_arn})
    # The configured region decides the partition of the ARNs tried.
    out = attach(run_action, "Audit", config={**CONFIG, "Region": "us-gov-west-1"})
    assert out.message == (
        "Policy was attached to Group: Developers. An AWS managed policy is also named Audit; the customer managed "
        f"policy {customer_arn} was attached instead of {aws_arn}."
    )
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "ListPolicies"), ("iam", "ListPolicies"), ("iam", "AttachGroupPolicy")]


def test_a_policy_arn_is_attached_without_resolving(run_action, identities):
    arn = customer_policy(identities, "team-read", path="/team/")
    out = attach(run_action, arn, "bob", "User")
    assert (out.message, out.state) == ("Policy was attached to User: bob", COMPLETED)
    assert out.calls == [("iam", "AttachUserPolicy")]
    assert attached(identities) == {("User", "bob"): [arn]}


def test_attaching_twice_is_harmless(run_action, identities):
    arn = customer_policy(identities, "dev-read")
    assert attach(run_action, "dev-read").state == COMPLETED
    out = attach(run_action, "dev-read")
    assert (out.message, out.state) == ("Policy was attached to Group: Developers", COMPLETED)
    assert attached(identities) == {("Group", "Developers"): [arn]}


# --- Refusals -------------------------------------------------------------------------------


def test_missing_policy_by_name(run_action, identities):
    out = attach(run_action, "no-such-policy")
    assert out.message == "Could not attach no-such-policy to Group: Developers. The policy no-such-policy cannot be found."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "ListPolicies")]
    assert attached(identities) == {}


def test_missing_policy_by_arn_costs_one_extra_read(run_action, identities):
    arn = f"arn:aws:iam::{ACCOUNT}:policy/no-such-policy"
    out = attach(run_action, arn)
    assert out.message == f"Could not attach {arn} to Group: Developers. The policy {arn} cannot be found."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [("iam", "AttachGroupPolicy"), ("iam", "GetPolicy")]


@pytest.mark.parametrize(
    "identity_type, identity, operation",
    [("Group", "Ghosts", "AttachGroupPolicy"), ("User", "ghost", "AttachUserPolicy"), ("Role", "ghost-role", "AttachRolePolicy")],
    ids=["group", "user", "role"],
)
def test_missing_identity(run_action, identities, identity_type, identity, operation):
    customer_policy(identities, "dev-read")
    out = attach(run_action, "dev-read", identity, identity_type)
    assert out.message == (
        f"Could not attach dev-read to {identity_type}: {identity}. The {identity_type.lower()} {identity} cannot be found."
    )
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", operation)]
    assert attached(identities) == {}


def test_missing_identity_with_a_policy_arn(run_action, identities):
    arn = customer_policy(identities, "dev-read")
    out = attach(run_action, arn, "ghost", "User")
    assert out.message == f"Could not attach {arn} to User: ghost. The user ghost cannot be found."
    assert out.calls == [("iam", "AttachUserPolicy"), ("iam", "GetPolicy")]


def test_limit_exceeded(stub_aws, run_action):
    arn = f"arn:aws:iam::{ACCOUNT}:policy/dev-read"
    stub_aws.iam.add_client_error("attach_group_policy", "LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10", 409)
    out = attach(run_action, arn)
    assert out.message == (
        f"Could not attach {arn} to Group: Developers because it attempted to create resources beyond the current AWS account limits."
    )
    assert (out.state, out.result_value, out.iam_calls) == (FAILED, False, ["AttachGroupPolicy"])


@pytest.mark.parametrize(
    "service, operation, code",
    [("sts", "get_caller_identity", "InvalidClientTokenId"), ("iam", "attach_group_policy", "AccessDenied")],
    ids=["bad-credentials", "access-denied"],
)
def test_general_errors_fail_the_action(stub_aws, run_action, service, operation, code):
    if service == "iam":
        stub_dev_read_found(stub_aws)
    getattr(stub_aws, service).add_client_error(operation, code, "Denied for this test.", 403)
    out = attach(run_action, "dev-read")
    api = {"get_caller_identity": "GetCallerIdentity", "attach_group_policy": "AttachGroupPolicy"}[operation]
    assert out.message == (
        f"Error executing action 'Attach a Policy'. Reason: An error occurred ({code}) when calling the {api} operation: Denied for this test."
    )
    assert (out.state, out.result_value) == (FAILED, False)


# --- Bad input: no call at all --------------------------------------------------------------


@pytest.mark.parametrize(
    "identity_type, identity, policy, message",
    [
        ("Group", "Dev Team", "dev-read", "Could not attach dev-read to Group: Dev Team" + INVALID_NAMES),
        ("User", "alice!", "dev-read", "Could not attach dev-read to User: alice!" + INVALID_NAMES),
        ("User", "u" * 65, "dev-read", f"Could not attach dev-read to User: {'u' * 65}. User names must be at most 64 characters."),
        ("Role", "r" * 65, "dev-read", f"Could not attach dev-read to Role: {'r' * 65}. Role names must be at most 64 characters."),
        ("Group", "Developers", "dev read", "Could not attach dev read to Group: Developers" + INVALID_NAMES),
        ("Group", "Developers", "dev/read", "Could not attach dev/read to Group: Developers" + INVALID_NAMES),
        ("Group", "Developers", "p" * 129, f"Could not attach {'p' * 129} to Group: Developers. Policy names must be at most 128 characters."),
        ("Group", "Developers", "p" * 300, f"Could not attach {'p' * 64}... (300 characters) to Group: Developers. Policy names must be at most 128 characters."),
        ("Group", "Developers", "arn:aws:iam::12345:policy/x",
         "Could not attach arn:aws:iam::12345:policy/x to Group: Developers. A policy ARN must look like arn:aws:iam::123456789012:policy/Name."),
        ("Group", "Developers", "arn:aws:iam::123456789012:user/alice",
         "Could not attach arn:aws:iam::123456789012:user/alice to Group: Developers. A policy ARN must look like arn:aws:iam::123456789012:policy/Name."),
    ],
    ids=["identity-space", "identity-char", "user-too-long", "role-too-long", "policy-space", "policy-slash",
         "policy-too-long", "policy-absurdly-long", "arn-short-account", "arn-of-a-user"],
)
def test_invalid_names_fail_without_any_call(run_action, identity_type, identity, policy, message):
    out = attach(run_action, policy, identity, identity_type)
    assert out.message == message
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_a_group_name_of_128_characters_is_valid(stub_aws, run_action):
    arn = f"arn:aws:iam::{ACCOUNT}:policy/dev-read"
    stub_aws.iam.add_response("attach_group_policy", {}, expected_params={"GroupName": "g" * 128, "PolicyArn": arn})
    assert attach(run_action, arn, "g" * 128).message == f"Policy was attached to Group: {'g' * 128}"


@pytest.mark.parametrize("params, reason", BAD_PARAMETERS, ids=BAD_PARAMETER_IDS)
def test_bad_parameters_fail_without_any_call(run_action, params, reason):
    out = run_action(ACTION, params)
    assert out.message == f"Error executing action 'Attach a Policy'. Reason: {reason}"
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])
