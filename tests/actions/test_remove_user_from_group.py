"""Remove a User from a Group: one RemoveUserFromGroup per user, at most one GetGroup per run;
a missing user, a missing group and a user who is not a member are each told apart."""

import pytest
from conftest import COMPLETED, FAILED
from identity_fakes import aws_group, members

ACTION = "Remove a User from a Group"
CHARS = "alphanumeric characters and/or the following: +=,.@_-."


@pytest.fixture
def account(iam):
    iam.create_group(GroupName="devs")
    iam.create_group(GroupName="ops")
    for user in ("alice", "bob", "carol", "outsider"):
        iam.create_user(UserName=user)
        if user != "outsider":
            iam.add_user_to_group(GroupName="devs", UserName=user)
            iam.add_user_to_group(GroupName="ops", UserName=user)
    return iam


def remove(run_action, group, users):
    return run_action(ACTION, {"Group Name": group, "User Name": users})


@pytest.mark.parametrize(
    "users, removed, left",
    [("alice", ["alice"], ["bob", "carol"]), (" alice,bob , alice,carol", ["alice", "bob", "carol"], [])],
    ids=["one", "several-with-duplicates"],
)
def test_removes_each_member_with_one_call(run_action, account, users, removed, left):
    out = remove(run_action, "devs", users)
    assert out.message == f"{', '.join(removed)} has been removed from group: devs"
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["RemoveUserFromGroup"] * len(removed)
    assert members(account, "devs") == left
    assert members(account, "ops") == ["alice", "bob", "carol"]  # other groups untouched


def test_not_a_member_missing_user_and_member_each_in_their_own_words(run_action, account):
    out = remove(run_action, "devs", "outsider,ghost,alice,phantom")
    assert out.lines == [
        "alice has been removed from group: devs",
        "Could not remove ghost from devs. The user ghost cannot be found.",
        "Could not remove phantom from devs. The user phantom cannot be found.",
        "Could not remove outsider from devs. The user outsider is not a member of the group devs.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    # The missing users are named by IAM's own message; only the non-member needed the group check.
    # Users are settled concurrently, so only the counts are fixed, not the order.
    assert sorted(out.iam_calls) == ["GetGroup"] + ["RemoveUserFromGroup"] * 4
    assert members(account, "devs") == ["bob", "carol"]


def test_several_non_members_need_a_single_group_check(run_action, account):
    account.create_user(UserName="stranger")
    out = remove(run_action, "devs", "outsider,stranger")
    assert out.lines == [
        "Could not remove outsider from devs. The user outsider is not a member of the group devs.",
        "Could not remove stranger from devs. The user stranger is not a member of the group devs.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert sorted(out.iam_calls) == ["GetGroup", "RemoveUserFromGroup", "RemoveUserFromGroup"]


def test_missing_group_takes_one_get_group_and_stops_asking(run_action, account):
    out = remove(run_action, "nogroup", ",".join(f"user{n}" for n in range(20)))
    users = ", ".join(f"user{n}" for n in range(20))
    assert out.message == f"Could not remove {users} from nogroup. The Group nogroup cannot be found."
    assert (out.state, out.result_value) == (COMPLETED, False)
    # Calls already in flight when the first answer came still count; no new one starts after it.
    assert out.iam_calls.count("GetGroup") == 1
    assert 1 <= out.iam_calls.count("RemoveUserFromGroup") <= 8
    assert members(account, "devs") == ["alice", "bob", "carol"]


def test_iam_names_the_user_when_user_and_group_are_both_missing(stub_aws, run_action):
    # Real IAM checks the user first for this operation.
    stub_aws.iam.add_client_error("remove_user_from_group", "NoSuchEntity", "The user with name ghost cannot be found.", 404,
                                  expected_params={"GroupName": "nogroup", "UserName": "ghost"})
    out = remove(run_action, "nogroup", "ghost")
    assert out.message == "Could not remove ghost from nogroup. The user ghost cannot be found."
    assert (out.state, out.result_value, out.iam_calls) == (COMPLETED, False, ["RemoveUserFromGroup"])


def test_not_a_member_with_iam_wording_of_a_group_that_exists(stub_aws, run_action):
    stub_aws.iam.add_client_error("remove_user_from_group", "NoSuchEntity", "User outsider is not in group devs.", 404)
    stub_aws.iam.add_response("get_group", {"Group": aws_group("devs"), "Users": [], "IsTruncated": False}, {"GroupName": "devs", "MaxItems": 1})
    out = remove(run_action, "devs", "outsider")
    assert out.message == "Could not remove outsider from devs. The user outsider is not a member of the group devs."
    assert out.iam_calls == ["RemoveUserFromGroup", "GetGroup"]


def test_limit_exceeded(stub_aws, run_action):
    stub_aws.iam.add_client_error("remove_user_from_group", "LimitExceeded", "quota", 409)
    out = remove(run_action, "devs", "alice")
    assert out.message == "Could not remove alice from devs because it attempted to create resources beyond the current AWS account limits."
    assert (out.state, out.result_value) == (COMPLETED, False)


@pytest.mark.parametrize(
    "group, users, line",
    [
        ("devs", "john smith", f"Could not remove john smith from devs. Names must contain only {CHARS}"),
        ("devs", "x!y", f"Could not remove x!y from devs. Names must contain only {CHARS}"),
        ("dev ops", "alice", f"Could not remove alice from dev ops. Group names must contain only {CHARS}"),
        ("g" * 129, "alice", f"Could not remove alice from {'g' * 129}. Group names must be at most 128 characters."),
    ],
    ids=["user-space-inside", "user-bang", "group-space-inside", "group-129-characters"],
)
def test_invalid_names_cost_no_call(run_action, account, group, users, line):
    out = remove(run_action, group, users)
    assert out.message == line
    assert (out.state, out.result_value, out.calls) == (COMPLETED, False, [])
    assert members(account, "devs") == ["alice", "bob", "carol"]


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"Group Name": "", "User Name": "alice"}, "Missing mandatory parameter 'Group Name'."),
        ({"Group Name": "devs", "User Name": "  "}, "'User Name' must contain at least one name."),
        ({"Group Name": "devs", "User Name": ",,"}, "'User Name' must contain at least one name."),
    ],
    ids=["group-empty", "users-whitespace", "users-only-commas"],
)
def test_missing_input_fails_without_any_call(run_action, params, reason):
    out = run_action(ACTION, params)
    assert out.message == f"Error executing action 'Remove a User from a Group'. Reason: {reason}"
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_general_error_midway_lists_what_was_done(stub_aws, run_action):
    stub_aws.iam.add_response("remove_user_from_group", {}, {"GroupName": "devs", "UserName": "alice"})
    stub_aws.iam.add_client_error("remove_user_from_group", "Throttling", "Rate exceeded", 400,
                                  expected_params={"GroupName": "devs", "UserName": "bob"})
    out = remove(run_action, "devs", "alice,bob,carol")
    assert out.lines == [
        "Error executing action 'Remove a User from a Group'. Reason: An error occurred (Throttling) when calling the RemoveUserFromGroup operation: Rate exceeded",
        "alice has been removed from group: devs",
        "Could not remove bob from devs. An error occurred (Throttling) when calling the RemoveUserFromGroup operation: Rate exceeded",
        "Could not remove carol from devs. The error stopped the action before them.",
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["RemoveUserFromGroup", "RemoveUserFromGroup"]
