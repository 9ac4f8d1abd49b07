"""Detach a Policy: Attach a Policy's mirror. The same input checks before any call, the same
policy resolution and call budget, Detach{User,Group,Role}Policy, "not attached" as COMPLETED
false, and only the named identity changed."""

import pytest
from conftest import COMPLETED, FAILED
from policy_fakes import (
    ACCOUNT,
    BAD_PARAMETER_IDS,
    BAD_PARAMETERS,
    DEV_READ,
    INVALID_NAMES,
    RESOLVED_BY_GET,
    TRUST,
    attached,
    customer_policy,
    stub_dev_read_found,
)

ACTION = "Detach a Policy"
IDENTITIES = [("Group", "Developers", "DetachGroupPolicy"), ("User", "alice", "DetachUserPolicy"), ("Role", "app-role", "DetachRolePolicy")]


def detach(run_action, policy, identity="Developers", identity_type="Group"):
    return run_action(ACTION, {"Identity Type": identity_type, "Identity Name": identity, "Policy Name": policy})


def attach_to(iam, identity_type, identity, arn):
    key = {"Group": "GroupName", "User": "UserName", "Role": "RoleName"}[identity_type]
    getattr(iam, f"attach_{identity_type.lower()}_policy")(**{key: identity, "PolicyArn": arn})


@pytest.fixture
def identities(iam):
    """One identity of each type and a bystander of each, every one holding dev-read."""
    arn = customer_policy(iam, "dev-read")
    for name in ("Developers", "Managers"):
        iam.create_group(GroupName=name)
        attach_to(iam, "Group", name, arn)
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
        attach_to(iam, "User", name, arn)
    for name in ("app-role", "other-role"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
        attach_to(iam, "Role", name, arn)
    return iam


EVERYONE = {("Group", "Developers"): [DEV_READ], ("Group", "Managers"): [DEV_READ], ("User", "alice"): [DEV_READ],
            ("User", "bob"): [DEV_READ], ("Role", "app-role"): [DEV_READ], ("Role", "other-role"): [DEV_READ]}


def without(state, key):
    return {k: v for k, v in state.items() if k != key}


# --- Resolving and detaching ----------------------------------------------------------------


@pytest.mark.parametrize("identity_type, identity, operation", IDENTITIES, ids=["group", "user", "role"])
def test_detaches_a_customer_managed_policy_by_name_in_four_calls(run_action, identities, identity_type, identity, operation):
    out = detach(run_action, "dev-read", identity, identity_type)
    assert (out.message, out.state, out.result_value) == (f"Policy was detached from {identity_type}: {identity}", COMPLETED, True)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", operation)]
    assert out.json_result is None
    assert attached(identities) == without(EVERYONE, (identity_type, identity))


def test_identity_type_defaults_to_group_and_is_case_insensitive(run_action, identities):
    assert run_action(ACTION, {"Identity Name": "Developers", "Policy Name": "dev-read"}).message == "Policy was detached from Group: Developers"
    assert detach(run_action, "dev-read", "alice", "user").message == "Policy was detached from User: alice"
    assert attached(identities) == without(without(EVERYONE, ("Group", "Developers")), ("User", "alice"))


def test_a_policy_arn_is_detached_without_resolving(run_action, identities):
    arn = customer_policy(identities, "team-read", path="/team/")
    attach_to(identities, "User", "bob", arn)
    out = detach(run_action, arn, "bob", "User")
    assert (out.message, out.state) == ("Policy was detached from User: bob", COMPLETED)
    assert out.calls == [("iam", "DetachUserPolicy")]
    assert attached(identities) == EVERYONE


def test_customer_policy_with_a_path_is_found_by_one_list_page(run_action, identities):
    arn = customer_policy(identities, "team-read", path="/security/team/")
    attach_to(identities, "Role", "app-role", arn)
    out = detach(run_action, "team-read", "app-role", "Role")
    assert (out.message, out.state) == ("Policy was detached from Role: app-role", COMPLETED)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "ListPolicies"), ("iam", "DetachRolePolicy")]
    assert attached(identities) == EVERYONE


def test_an_aws_managed_policy_by_name(aws_managed_policies, run_action, identities):
    attach_to(identities, "Group", "Developers", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    out = detach(run_action, "ReadOnlyAccess")
    assert (out.message, out.state, out.result_value) == ("Policy was detached from Group: Developers", COMPLETED, True)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "DetachGroupPolicy")]
    assert attached(identities) == EVERYONE


def test_customer_managed_wins_over_aws_managed_of_the_same_name_and_says_so(aws_managed_policies, run_action, identities):
    arn = customer_policy(identities, "ReadOnlyAccess")
    attach_to(identities, "Group", "Developers", arn)
    attach_to(identities, "Group", "Developers", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    out = detach(run_action, "ReadOnlyAccess")
    assert out.message == (
        "Policy was detached from Group: Developers. An AWS managed policy is also named ReadOnlyAccess; "
        f"the customer managed policy {arn} was detached instead of arn:aws:iam::aws:policy/ReadOnlyAccess."
    )
    assert sorted(attached(identities)[("Group", "Developers")]) == sorted([DEV_READ, "arn:aws:iam::aws:policy/ReadOnlyAccess"])


# --- Not attached: nothing to undo, no error ------------------------------------------------


def test_detaching_twice_says_the_second_time_that_it_is_not_attached(run_action, identities):
    assert detach(run_action, "dev-read").state == COMPLETED
    out = detach(run_action, "dev-read")
    assert (out.message, out.state, out.result_value) == ("Policy dev-read is not attached to Group: Developers", COMPLETED, False)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "DetachGroupPolicy")]
    assert attached(identities) == without(EVERYONE, ("Group", "Developers"))


def test_a_policy_arn_that_is_not_attached_costs_one_read_to_be_sure_it_exists(run_action, identities):
    arn = customer_policy(identities, "team-read")
    out = detach(run_action, arn, "bob", "User")
    assert (out.message, out.state, out.result_value) == (f"Policy {arn} is not attached to User: bob", COMPLETED, False)
    assert out.calls == [("iam", "DetachUserPolicy"), ("iam", "GetPolicy")]


def test_not_attached_with_an_aws_managed_namesake_says_how_to_reach_it(aws_managed_policies, run_action, identities):
    arn = customer_policy(identities, "ReadOnlyAccess")
    attach_to(identities, "Group", "Developers", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    out = detach(run_action, "ReadOnlyAccess")
    assert out.message == (
        "Policy ReadOnlyAccess is not attached to Group: Developers. An AWS managed policy is also named ReadOnlyAccess; "
        f"only the customer managed policy {arn} was looked for. To detach arn:aws:iam::aws:policy/ReadOnlyAccess, give its ARN."
    )
    assert (out.state, out.result_value) == (COMPLETED, False)


# --- Refusals -------------------------------------------------------------------------------


def test_missing_policy_by_name(run_action, identities):
    out = detach(run_action, "no-such-policy")
    assert out.message == "Could not detach no-such-policy from Group: Developers. The policy no-such-policy cannot be found."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", "ListPolicies")]
    assert attached(identities) == EVERYONE


def test_missing_policy_by_arn_costs_one_extra_read(run_action, identities):
    arn = f"arn:aws:iam::{ACCOUNT}:policy/no-such-policy"
    out = detach(run_action, arn)
    assert out.message == f"Could not detach {arn} from Group: Developers. The policy {arn} cannot be found."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [("iam", "DetachGroupPolicy"), ("iam", "GetPolicy")]


@pytest.mark.parametrize(
    "identity_type, identity, operation",
    [("Group", "Ghosts", "DetachGroupPolicy"), ("User", "ghost", "DetachUserPolicy"), ("Role", "ghost-role", "DetachRolePolicy")],
    ids=["group", "user", "role"],
)
def test_missing_identity(run_action, identities, identity_type, identity, operation):
    out = detach(run_action, "dev-read", identity, identity_type)
    assert out.message == (
        f"Could not detach dev-read from {identity_type}: {identity}. The {identity_type.lower()} {identity} cannot be found."
    )
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == [*RESOLVED_BY_GET, ("iam", operation)]
    assert attached(identities) == EVERYONE


def test_missing_identity_with_a_policy_arn_needs_no_extra_read(run_action, identities):
    out = detach(run_action, DEV_READ, "ghost", "User")
    assert out.message == f"Could not detach {DEV_READ} from User: ghost. The user ghost cannot be found."
    assert out.calls == [("iam", "DetachUserPolicy")]


# --- IAM's own wording and what moto cannot do (Stubber) ------------------------------------


def detach_expected(arn, group="Developers"):
    return {"GroupName": group, "PolicyArn": arn}


def test_iams_not_attached_answer_is_told_from_its_missing_group_answer(stub_aws, run_action):
    stub_aws.iam.add_client_error("detach_group_policy", "NoSuchEntity", f"Policy {DEV_READ} was not found.", 404,
                                  expected_params=detach_expected(DEV_READ))
    stub_aws.iam.add_response("get_policy", {"Policy": {"PolicyName": "dev-read", "Arn": DEV_READ}}, expected_params={"PolicyArn": DEV_READ})
    stub_aws.iam.add_client_error("detach_group_policy", "NoSuchEntity", "The group with name Ghosts cannot be found.", 404,
                                  expected_params=detach_expected(DEV_READ, "Ghosts"))
    assert detach(run_action, DEV_READ).message == f"Policy {DEV_READ} is not attached to Group: Developers"
    assert detach(run_action, DEV_READ, "Ghosts").message == (
        f"Could not detach {DEV_READ} from Group: Ghosts. The group Ghosts cannot be found.")


def test_a_service_linked_roles_policy_cannot_be_detached(stub_aws, run_action):
    arn = "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"
    stub_aws.iam.add_client_error("detach_role_policy", "UnmodifiableEntity",
                                  "Cannot perform the operation on the protected role 'AWSServiceRoleForSupport'", 400)
    out = detach(run_action, arn, "AWSServiceRoleForSupport", "Role")
    assert out.message == (
        "Error executing action 'Detach a Policy'. Reason: An error occurred (UnmodifiableEntity) when calling the "
        "DetachRolePolicy operation: Cannot perform the operation on the protected role 'AWSServiceRoleForSupport'"
    )
    assert (out.state, out.result_value) == (FAILED, False)


@pytest.mark.parametrize(
    "service, operation, code",
    [("sts", "get_caller_identity", "InvalidClientTokenId"), ("iam", "detach_group_policy", "AccessDenied")],
    ids=["bad-credentials", "access-denied"],
)
def test_general_errors_fail_the_action(stub_aws, run_action, service, operation, code):
    if service == "iam":
        stub_dev_read_found(stub_aws)
    getattr(stub_aws, service).add_client_error(operation, code, "Denied for this test.", 403)
    out = detach(run_action, "dev-read")
    api = {"get_caller_identity": "GetCallerIdentity", "detach_group_policy": "DetachGroupPolicy"}[operation]
    assert out.message == (
        f"Error executing action 'Detach a Policy'. Reason: An error occurred ({code}) when calling the {api} operation: Denied for this test."
    )
    assert (out.state, out.result_value) == (FAILED, False)


# --- Bad input: no call at all --------------------------------------------------------------


@pytest.mark.parametrize(
    "identity_type, identity, policy, message",
    [
        ("Group", "Dev Team", "dev-read", "Could not detach dev-read from Group: Dev Team" + INVALID_NAMES),
        ("User", "alice!", "dev-read", "Could not detach dev-read from User: alice!" + INVALID_NAMES),
        ("Role", "r" * 65, "dev-read", f"Could not detach dev-read from Role: {'r' * 65}. Role names must be at most 64 characters."),
        ("Group", "Developers", "dev read", "Could not detach dev read from Group: Developers" + INVALID_NAMES),
        ("Group", "Developers", "arn:aws:iam::12345:policy/x",
         "Could not detach arn:aws:iam::12345:policy/x from Group: Developers. A policy ARN must look like arn:aws:iam::123456789012:policy/Name."),
    ],
    ids=["identity-space", "identity-char", "role-too-long", "policy-space", "arn-short-account"],
)
def test_invalid_names_fail_without_any_call(run_action, identity_type, identity, policy, message):
    out = detach(run_action, policy, identity, identity_type)
    assert out.message == message
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


@pytest.mark.parametrize("params, reason", BAD_PARAMETERS, ids=BAD_PARAMETER_IDS)
def test_bad_parameters_fail_without_any_call(run_action, params, reason):
    out = run_action(ACTION, params)
    assert out.message == f"Error executing action 'Detach a Policy'. Reason: {reason}"
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_a_detach_retried_after_a_lost_answer_counts_as_detached(run_action, identities, lost_answers):
    lost_answers("DetachGroupPolicy")
    out = detach(run_action, DEV_READ)
    assert (out.message, out.state, out.result_value) == ("Policy was detached from Group: Developers", COMPLETED, True)
    # Both attempts went out; the second met the policy already gone.
    assert out.iam_calls == ["DetachGroupPolicy"]
    assert attached(identities) == without(EVERYONE, ("Group", "Developers"))
