"""Disable User Access: the deny-all inline policy on each IAM user among the User entities, found
by GetUser with the exact name first and by one case-insensitive listing only when needed; nothing
else changes."""

import json

import pytest
from conftest import COMPLETED, FAILED, assert_no_credentials, stub_get_user

ACTION = "Disable User Access"
USER = "USERUNIQNAME"
ACCOUNT = "123456789012"
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
DISABLED = "Successfully added deny policy to the following users in AWS IAM: {}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {}"
FAILED_LINE = "Action wasn't able to add deny policy to the following users in AWS IAM: {}"
NO_SUCH_USER = "No IAM user with this name exists in the account."


def entry(entity, user_name, status, arn=None, reason=None, keys=(), *, account=ACCOUNT, resolved_from="name", found=None):
    """One entity's JSON; a user found (by default: disabled) by name has its real ARN."""
    if arn is None and (status == "disabled" if found is None else found):
        arn = f"arn:aws:iam::{account}:user/{user_name}"
    result = {"UserName": user_name, "Arn": arn, "PolicyName": "DisableUserAccessPolicy", "Status": status,
              "Account": account, "ResolvedFrom": resolved_from, "DeactivatedKeys": list(keys)}
    if reason is not None:
        result["Reason"] = reason
    return {"Entity": entity, "EntityResult": result}


def upper_cased(*identifiers):
    """Entity details as the platform has them when it kept no original spelling."""
    return {identifier: {"additional_properties": {}} for identifier in identifiers}


@pytest.fixture
def account(iam):
    """john.doe and Mary carry policies and memberships of their own; carol is a bystander."""
    iam.create_group(GroupName="Developers")
    managed = iam.create_policy(PolicyName="dev-read", PolicyDocument=json.dumps(ALLOW_S3))["Policy"]["Arn"]
    for name, path in (("john.doe", "/"), ("Mary", "/eng/"), ("carol", "/")):
        iam.create_user(UserName=name, Path=path)
        iam.put_user_policy(UserName=name, PolicyName="s3-access", PolicyDocument=json.dumps(ALLOW_S3))
        iam.attach_user_policy(UserName=name, PolicyArn=managed)
        iam.add_user_to_group(GroupName="Developers", UserName=name)
    return iam


def state_of(iam, name):
    inline = {
        policy: iam.get_user_policy(UserName=name, PolicyName=policy)["PolicyDocument"]
        for policy in iam.list_user_policies(UserName=name)["PolicyNames"]
    }
    attached = [p["PolicyName"] for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]]
    groups = [g["GroupName"] for g in iam.list_groups_for_user(UserName=name)["Groups"]]
    return {"inline": inline, "attached": attached, "groups": groups}


UNTOUCHED = {"inline": {"s3-access": ALLOW_S3}, "attached": ["dev-read"], "groups": ["Developers"]}
DISABLED_STATE = {"inline": {"s3-access": ALLOW_S3, "DisableUserAccessPolicy": DENY_ALL}, "attached": ["dev-read"], "groups": ["Developers"]}


def test_disables_a_user_by_its_original_spelling_with_two_calls(run_action, account):
    out = run_action(ACTION, entities=[("john.doe", USER)])
    assert (out.message, out.state, out.result_value) == (DISABLED.format("john.doe"), COMPLETED, True)
    # GetUser finds the user and its real ARN; the account comes from that ARN, with no STS call.
    assert out.calls == [("iam", "GetUser"), ("iam", "PutUserPolicy")]
    assert out.json_result == [entry("JOHN.DOE", "john.doe", "disabled")]
    assert state_of(account, "john.doe") == DISABLED_STATE
    assert state_of(account, "Mary") == UNTOUCHED and state_of(account, "carol") == UNTOUCHED


def test_upper_cased_name_is_found_by_one_listing(run_action, account):
    out = run_action(ACTION, entities=[("JOHN.DOE", USER)], entity_details=upper_cased("JOHN.DOE"))
    assert (out.message, out.state, out.result_value) == (DISABLED.format("john.doe"), COMPLETED, True)
    assert out.iam_calls == ["GetUser", "ListUsers", "GetUser", "PutUserPolicy"]
    assert out.json_result == [entry("JOHN.DOE", "john.doe", "disabled")]
    assert state_of(account, "john.doe") == DISABLED_STATE
    assert state_of(account, "carol") == UNTOUCHED


def test_user_arn_is_checked_against_the_account_and_disabled(run_action, account):
    arn = f"arn:aws:iam::{ACCOUNT}:user/eng/Mary"
    out = run_action(ACTION, entities=[(arn, USER)])
    assert (out.message, out.state) == (DISABLED.format("Mary"), COMPLETED)
    assert out.calls == [("sts", "GetCallerIdentity"), ("iam", "GetUser"), ("iam", "PutUserPolicy")]
    assert out.json_result == [entry(arn.upper(), "Mary", "disabled", arn=arn, resolved_from="arn")]
    assert state_of(account, "Mary") == DISABLED_STATE


def test_upper_cased_arn_is_resolved_to_the_real_user(run_action, account):
    arn = f"ARN:AWS:IAM::{ACCOUNT}:USER/ENG/MARY"
    out = run_action(ACTION, entities=[(arn, USER)], entity_details=upper_cased(arn))
    assert (out.message, out.state) == (DISABLED.format("Mary"), COMPLETED)
    assert out.calls == [("sts", "GetCallerIdentity"), ("iam", "GetUser"), ("iam", "ListUsers"), ("iam", "GetUser"),
                         ("iam", "PutUserPolicy")]
    assert out.json_result == [entry(arn, "Mary", "disabled", arn=f"arn:aws:iam::{ACCOUNT}:user/eng/Mary", resolved_from="arn")]
    assert state_of(account, "Mary") == DISABLED_STATE


@pytest.mark.parametrize("path", ["/", "/dev/", "/eng/team/"])
def test_an_arn_whose_path_is_not_the_users_is_not_found_and_not_touched(run_action, account, path):
    arn = f"arn:aws:iam::{ACCOUNT}:user{path}Mary"
    out = run_action(ACTION, entities=[(arn, USER)])
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(arn.upper()), COMPLETED, False)
    assert out.iam_calls == ["GetUser"]
    assert out.json_result == [entry(arn.upper(), "Mary", "not_found", resolved_from="arn",
                                     reason="An IAM user of this name exists in the account, but not at the path the ARN gives.")]
    assert state_of(account, "Mary") == UNTOUCHED


def test_arn_of_another_account_is_not_found_and_not_touched(run_action, account):
    arn = "arn:aws:iam::999999999999:user/john.doe"
    out = run_action(ACTION, entities=[(arn, USER)])
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(arn.upper()), COMPLETED, False)
    assert out.calls == [("sts", "GetCallerIdentity")]
    assert out.json_result == [entry(arn.upper(), "john.doe", "not_found", account="999999999999", resolved_from="arn",
                                     reason="The user ARN belongs to another AWS account.")]
    assert state_of(account, "john.doe") == UNTOUCHED


def test_unknown_users_complete_false_and_list_the_account_once(run_action, account):
    out = run_action(ACTION, entities=[("ghost", USER), ("GHOST2", USER)], entity_details=upper_cased("GHOST2"))
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format("GHOST, GHOST2"), COMPLETED, False)
    # Both users are tried at once; the one listing serves both; a name that is no user may be a role.
    assert sorted(out.iam_calls) == ["GetRole", "GetRole", "GetUser", "GetUser", "ListUsers"]
    assert out.json_result == [entry("GHOST", "ghost", "not_found", reason=NO_SUCH_USER),
                               entry("GHOST2", "GHOST2", "not_found", reason=NO_SUCH_USER)]
    assert all(state_of(account, name) == UNTOUCHED for name in ("john.doe", "Mary", "carol"))


def test_mixed_entities_report_every_user_and_ignore_other_types(run_action, account):
    entities = [("10.0.0.1", "ADDRESS"), ("GHOST", USER), ("JOHN.DOE", USER), ("host-1", "HOSTNAME"), ("Mary", USER), ("CORP\\carol", USER)]
    out = run_action(ACTION, entities=entities, entity_details=upper_cased("GHOST", "JOHN.DOE"))
    assert out.lines == [DISABLED.format("john.doe, Mary"), NOT_FOUND.format("GHOST, CORP\\CAROL")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    # GHOST lists the account; JOHN.DOE reuses that listing.
    # Users are settled concurrently, so only the counts are fixed, not the order.
    assert sorted(out.iam_calls) == ["GetRole", "GetUser", "GetUser", "GetUser", "GetUser", "ListUsers", "PutUserPolicy",
                                     "PutUserPolicy"]
    assert out.json_result == [
        entry("GHOST", "GHOST", "not_found", reason=NO_SUCH_USER),
        entry("JOHN.DOE", "john.doe", "disabled"),
        entry("MARY", "Mary", "disabled", arn=f"arn:aws:iam::{ACCOUNT}:user/eng/Mary"),
        entry("CORP\\CAROL", None, "not_found", account=None, resolved_from=None,
              reason="The identifier is neither an IAM user name nor an IAM user ARN."),
    ]
    assert state_of(account, "john.doe") == DISABLED_STATE and state_of(account, "Mary") == DISABLED_STATE
    assert state_of(account, "carol") == UNTOUCHED


def test_running_twice_is_harmless(run_action, account):
    first = run_action(ACTION, entities=[("john.doe", USER)])
    second = run_action(ACTION, entities=[("john.doe", USER)])
    assert (second.message, second.state, second.json_result) == (first.message, first.state, first.json_result)
    assert second.iam_calls == ["GetUser", "PutUserPolicy"]
    assert state_of(account, "john.doe") == DISABLED_STATE


@pytest.mark.parametrize(
    "entities",
    [[], [("10.0.0.1", "ADDRESS"), ("host-1", "HOSTNAME")]],
    ids=["no-entities", "no-user-entities"],
)
def test_without_user_entities_nothing_is_called(run_action, entities):
    out = run_action(ACTION, entities=entities)
    assert (out.message, out.state, out.result_value) == ("No User entities were found in the scope of the action.", COMPLETED, False)
    assert (out.json_result, out.calls) == ([], [])


@pytest.mark.parametrize(
    "identifier",
    ["john doe", "CORP\\john", "arn:aws:iam::123456789012:user/bad name"],
    ids=["space", "domain-account", "arn-with-bad-name"],
)
def test_identifiers_that_cannot_be_iam_users_cost_no_call(run_action, identifier):
    out = run_action(ACTION, entities=[(identifier, USER)])
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(identifier.upper()), COMPLETED, False)
    assert out.calls == []
    assert out.json_result[0]["EntityResult"]["Status"] == "not_found"
    assert out.json_result[0]["EntityResult"]["Reason"] == "The identifier is neither an IAM user name nor an IAM user ARN."


@pytest.mark.parametrize("identifier", ["a" * 65, "arn:aws:iam::123456789012:user/" + "a" * 65], ids=["name", "arn"])
def test_a_name_too_long_for_iam_is_told_so_without_a_call(run_action, identifier):
    out = run_action(ACTION, entities=[(identifier, USER)])
    assert (out.message, out.state, out.calls) == (NOT_FOUND.format(identifier.upper()), COMPLETED, [])
    assert out.json_result[0]["EntityResult"]["Reason"] == "The name is longer than the 64 characters IAM allows for a user name."


# --- Paging and errors (Stubber) ------------------------------------------------------------


def put_expected(name):
    return {"UserName": name, "PolicyName": "DisableUserAccessPolicy", "PolicyDocument": json.dumps(DENY_ALL, separators=(",", ":"))}


def test_listing_asks_for_1000_per_call_and_follows_the_marker(stub_aws, run_action):
    stub_aws.iam.add_client_error("get_user", "NoSuchEntity", "The user with name ZOE cannot be found.", 404, expected_params={"UserName": "ZOE"})
    first_page = [{"UserName": f"user{i}", "UserId": f"AIDA{i:0>16}", "Arn": f"arn:aws:iam::{ACCOUNT}:user/user{i}", "Path": "/",
                   "CreateDate": "2020-12-03T12:12:20Z"} for i in range(1000)]
    zoe = {"UserName": "zoe", "UserId": "AIDAZOEZOEZOEZOEZOE", "Arn": f"arn:aws:iam::{ACCOUNT}:user/zoe", "Path": "/", "CreateDate": "2020-12-03T12:12:20Z"}
    stub_aws.iam.add_response("list_users", {"Users": first_page, "IsTruncated": True, "Marker": "m1"}, expected_params={"MaxItems": 1000})
    stub_aws.iam.add_response("list_users", {"Users": [zoe], "IsTruncated": False}, expected_params={"MaxItems": 1000, "Marker": "m1"})
    stub_get_user(stub_aws, "zoe")
    stub_aws.iam.add_response("put_user_policy", {}, expected_params=put_expected("zoe"))
    out = run_action(ACTION, entities=[("ZOE", USER)], entity_details=upper_cased("ZOE"))
    assert (out.message, out.state) == (DISABLED.format("zoe"), COMPLETED)
    assert out.iam_calls == ["GetUser", "ListUsers", "ListUsers", "GetUser", "PutUserPolicy"]


def test_an_error_on_one_user_fails_the_action_and_reports_every_user(stub_aws, run_action):
    stub_get_user(stub_aws, "alice")
    stub_aws.iam.add_response("put_user_policy", {}, expected_params=put_expected("alice"))
    stub_get_user(stub_aws, "bob")
    stub_aws.iam.add_client_error("put_user_policy", "LimitExceeded", "Cannot exceed quota for UserPolicySize: 2048", 409,
                                  expected_params=put_expected("bob"))
    stub_get_user(stub_aws, "carol")
    stub_aws.iam.add_response("put_user_policy", {}, expected_params=put_expected("carol"))
    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER), ("carol", USER)])
    assert out.lines == [DISABLED.format("alice, carol"), FAILED_LINE.format("bob")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [
        entry("ALICE", "alice", "disabled"),
        entry("BOB", "bob", "failed", arn=f"arn:aws:iam::{ACCOUNT}:user/bob",
              reason="An error occurred (LimitExceeded) when calling the PutUserPolicy operation: Cannot exceed quota for UserPolicySize: 2048"),
        entry("CAROL", "carol", "disabled"),
    ]


def test_access_denied_for_some_users_still_disables_the_others(stub_aws, run_action):
    stub_get_user(stub_aws, "root-admin", path="/admins/")
    stub_aws.iam.add_client_error("put_user_policy", "AccessDenied", "not authorized on user/admins/root-admin", 403)
    stub_get_user(stub_aws, "alice")
    stub_aws.iam.add_response("put_user_policy", {}, expected_params=put_expected("alice"))
    out = run_action(ACTION, entities=[("root-admin", USER), ("alice", USER)])
    assert out.lines == [DISABLED.format("alice"), FAILED_LINE.format("root-admin")]
    assert (out.state, out.result_value) == (FAILED, False)


def test_access_denied_on_every_user_is_an_error_of_the_action(stub_aws, run_action):
    for name in ("alice", "bob"):
        stub_get_user(stub_aws, name)
        stub_aws.iam.add_client_error("put_user_policy", "AccessDenied", "not authorized to perform: iam:PutUserPolicy", 403)
    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER)])
    reason = "An error occurred (AccessDenied) when calling the PutUserPolicy operation: not authorized to perform: iam:PutUserPolicy"
    assert out.lines == [f'Error executing action "Disable User Access". Reason: {reason}', FAILED_LINE.format("alice, bob")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("ALICE", "alice", "failed", arn=f"arn:aws:iam::{ACCOUNT}:user/alice", reason=reason),
                               entry("BOB", "bob", "failed", arn=f"arn:aws:iam::{ACCOUNT}:user/bob", reason=reason)]


def test_a_general_error_midway_still_reports_what_was_disabled(stub_aws, stubbed_connection, run_action):
    account = ACCOUNT if stubbed_connection.get("Role ARN") is None else "222222222222"
    stub_get_user(stub_aws, "alice", account=account)
    stub_aws.iam.add_response("put_user_policy", {}, expected_params=put_expected("alice"))
    stub_aws.iam.add_client_error("get_user", "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER), ("carol", USER)], config=stubbed_connection)
    reason = "An error occurred (InvalidClientTokenId) when calling the GetUser operation: The security token included in the request is invalid."
    assert out.lines == [
        f'Error executing action "Disable User Access". Reason: {reason}',
        DISABLED.format("alice"),
        FAILED_LINE.format("bob, carol"),
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["GetUser", "PutUserPolicy", "GetUser"]
    assert out.json_result == [
        entry("ALICE", "alice", "disabled", account=account),
        entry("BOB", "bob", "failed", reason=reason, account=None, resolved_from=None),
        entry("CAROL", "carol", "failed", reason="Not attempted: an earlier error stopped the action.", account=None,
              resolved_from=None),
    ]
    assert_no_credentials(out.raw_stdout)


def test_a_failed_listing_is_not_repeated(stub_aws, run_action):
    for name in ("ANN", "BEN"):
        stub_aws.iam.add_client_error("get_user", "NoSuchEntity", "not found", 404, expected_params={"UserName": name})
        if name == "ANN":
            stub_aws.iam.add_client_error("list_users", "AccessDenied", "not authorized to perform: iam:ListUsers", 403)
    out = run_action(ACTION, entities=[("ANN", USER), ("BEN", USER)], entity_details=upper_cased("ANN", "BEN"))
    assert out.iam_calls == ["GetUser", "ListUsers", "GetUser"]
    assert out.lines[0] == (
        'Error executing action "Disable User Access". Reason: An error occurred (AccessDenied) '
        "when calling the ListUsers operation: not authorized to perform: iam:ListUsers"
    )
    assert out.state == FAILED
