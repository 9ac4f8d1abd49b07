"""Add a User to a Group: one AddUserToGroup per user, at most one GetGroup per run."""

import pytest
from conftest import COMPLETED, FAILED
from identity_fakes import aws_group, members

ACTION = "Add a User to a Group"
CHARS = "alphanumeric characters and/or the following: +=,.@_-."


@pytest.fixture
def account(iam):
    iam.create_group(GroupName="devs")
    for user in ("alice", "bob", "carol"):
        iam.create_user(UserName=user)
    return iam


def add(run_action, group, users):
    return run_action(ACTION, {"Group Name": group, "User Name": users})


@pytest.mark.parametrize(
    "users, added",
    [("alice", ["alice"]), ("alice, bob ,carol", ["alice", "bob", "carol"]), ("alice,ALICE,,bob", ["alice", "bob"])],
    ids=["one", "three", "duplicates-and-empties"],
)
def test_adds_each_user_with_one_call(run_action, account, users, added):
    out = add(run_action, "devs", users)
    assert out.message == f"Successfully added the user {', '.join(added)} to the IAM group: devs"
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["AddUserToGroup"] * len(added)
    assert members(account, "devs") == added
    assert out.json_result is None and out.tables == {}


def test_adding_a_member_again_is_harmless(run_action, account):
    account.add_user_to_group(GroupName="devs", UserName="alice")
    out = add(run_action, "devs", "alice")
    assert (out.message, out.state, out.result_value) == ("Successfully added the user alice to the IAM group: devs", COMPLETED, True)
    assert members(account, "devs") == ["alice"]


def test_missing_users_are_named_one_by_one_without_extra_call(run_action, account):
    out = add(run_action, "devs", "ghost,alice,phantom")
    assert out.lines == [
        "Successfully added the user alice to the IAM group: devs",
        "Could not add ghost to devs. The user ghost cannot be found.",
        "Could not add phantom to devs. The user phantom cannot be found.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["AddUserToGroup"] * 3
    assert members(account, "devs") == ["alice"]


def test_missing_group_takes_one_get_group_and_stops_asking(run_action, account):
    out = add(run_action, "nogroup", "alice,bob,carol")
    assert out.message == "Could not add alice, bob, carol to nogroup. The Group nogroup cannot be found."
    assert (out.state, out.result_value) == (COMPLETED, False)
    # Calls already in flight when the first answer came still count; no new one starts after it.
    assert out.iam_calls.count("GetGroup") == 1
    assert 1 <= out.iam_calls.count("AddUserToGroup") <= 3
    assert [g["GroupName"] for g in account.list_groups()["Groups"]] == ["devs"]


def test_both_missing_names_the_user_as_the_spec_asks(run_action, account):
    out = add(run_action, "nogroup", "ghost")
    assert out.message == "Could not add ghost to nogroup. The user ghost cannot be found."
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.iam_calls == ["AddUserToGroup"]


def test_group_check_happens_at_most_once_per_run(stub_aws, run_action):
    # IAM's wording for a group it cannot find; the group turns out to exist (eventual consistency).
    for user in ("alice", "bob"):
        stub_aws.iam.add_client_error("add_user_to_group", "NoSuchEntity", "The group with name devs cannot be found.", 404,
                                      expected_params={"GroupName": "devs", "UserName": user})
        if user == "alice":
            stub_aws.iam.add_response("get_group", {"Group": aws_group("devs"), "Users": [], "IsTruncated": False},
                                      {"GroupName": "devs", "MaxItems": 1})
    out = add(run_action, "devs", "alice,bob")
    assert out.lines == ["Could not add alice to devs. The user alice cannot be found.",
                         "Could not add bob to devs. The user bob cannot be found."]
    assert out.iam_calls == ["AddUserToGroup", "GetGroup", "AddUserToGroup"]


def test_limit_exceeded_is_reported_per_user(stub_aws, run_action):
    stub_aws.iam.add_response("add_user_to_group", {}, {"GroupName": "devs", "UserName": "alice"})
    stub_aws.iam.add_client_error("add_user_to_group", "LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10", 409,
                                  expected_params={"GroupName": "devs", "UserName": "bob"})
    out = add(run_action, "devs", "alice,bob")
    assert out.lines == [
        "Successfully added the user alice to the IAM group: devs",
        "Could not add bob to devs because it attempted to create resources beyond the current AWS account limits.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["AddUserToGroup", "AddUserToGroup"]


def test_only_limits_is_completed_false(stub_aws, run_action):
    stub_aws.iam.add_client_error("add_user_to_group", "LimitExceeded", "quota", 409)
    out = add(run_action, "devs", "alice")
    assert out.message == "Could not add alice to devs because it attempted to create resources beyond the current AWS account limits."
    assert (out.state, out.result_value) == (COMPLETED, False)


@pytest.mark.parametrize(
    "users, line",
    [
        ("john smith", f"Could not add john smith to devs. Names must contain only {CHARS}"),
        ("bad#one,u" + "x" * 64, f"Could not add bad#one to devs. Names must contain only {CHARS}\n"
                                 f"Could not add u{'x' * 64} to devs. User names must be at most 64 characters."),
    ],
    ids=["space-inside", "character-and-65-long"],
)
def test_invalid_user_names_cost_no_call(run_action, account, users, line):
    out = add(run_action, "devs", users)
    assert out.message == line
    assert (out.state, out.result_value, out.iam_calls) == (COMPLETED, False, [])
    assert members(account, "devs") == []


def test_invalid_user_next_to_valid_ones(run_action, account):
    out = add(run_action, "devs", "alice,john smith")
    assert out.lines == ["Successfully added the user alice to the IAM group: devs",
                         f"Could not add john smith to devs. Names must contain only {CHARS}"]
    assert out.iam_calls == ["AddUserToGroup"]


@pytest.mark.parametrize(
    "group, reason",
    [("dev ops", f"Group names must contain only {CHARS}"), ("dev#ops", f"Group names must contain only {CHARS}"),
     ("g" * 129, "Group names must be at most 128 characters.")],
    ids=["space-inside", "hash", "129-characters"],
)
def test_invalid_group_name_is_said_and_costs_no_call(run_action, account, group, reason):
    out = add(run_action, group, "alice,bob")
    assert out.message == f"Could not add alice, bob to {group}. {reason}"
    assert (out.state, out.result_value, out.calls) == (COMPLETED, False, [])


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"Group Name": "", "User Name": "alice"}, "Missing mandatory parameter 'Group Name'."),
        ({"Group Name": "   ", "User Name": "alice"}, "Missing mandatory parameter 'Group Name'."),
        ({"Group Name": "devs", "User Name": ""}, "'User Name' must contain at least one name."),
        ({"Group Name": "devs", "User Name": " , ,"}, "'User Name' must contain at least one name."),
    ],
    ids=["group-empty", "group-whitespace", "users-empty", "users-only-commas"],
)
def test_missing_input_fails_without_any_call(run_action, params, reason):
    out = run_action(ACTION, params)
    assert out.message == f"Error executing action 'Add a User to a Group'. Reason: {reason}"
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_general_error_midway_lists_what_was_done(stub_aws, run_action):
    stub_aws.iam.add_response("add_user_to_group", {}, {"GroupName": "devs", "UserName": "alice"})
    stub_aws.iam.add_client_error("add_user_to_group", "AccessDenied", "not authorized", 403,
                                  expected_params={"GroupName": "devs", "UserName": "bob"})
    out = add(run_action, "devs", "alice,bob,carol")
    assert out.lines == [
        "Error executing action 'Add a User to a Group'. Reason: An error occurred (AccessDenied) when calling the AddUserToGroup operation: not authorized",
        "Successfully added the user alice to the IAM group: devs",
        "Could not add bob to devs. An error occurred (AccessDenied) when calling the AddUserToGroup operation: not authorized",
        "Could not add carol to devs. The error stopped the action before them.",
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["AddUserToGroup", "AddUserToGroup"]


def test_general_error_in_the_group_check_keeps_progress(stub_aws, run_action):
    stub_aws.iam.add_response("add_user_to_group", {}, {"GroupName": "devs", "UserName": "alice"})
    stub_aws.iam.add_client_error("add_user_to_group", "NoSuchEntity", "The group with name devs cannot be found.", 404)
    stub_aws.iam.add_client_error("get_group", "AccessDenied", "no GetGroup", 403)
    out = add(run_action, "devs", "alice,bob")
    assert out.lines == [
        "Error executing action 'Add a User to a Group'. Reason: An error occurred (AccessDenied) when calling the GetGroup operation: no GetGroup",
        "Successfully added the user alice to the IAM group: devs",
        "Could not add bob to devs. An error occurred (AccessDenied) when calling the GetGroup operation: no GetGroup",
    ]
    assert out.iam_calls == ["AddUserToGroup", "AddUserToGroup", "GetGroup"]
