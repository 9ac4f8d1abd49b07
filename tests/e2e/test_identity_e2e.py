"""The identity actions as the platform runs them: a subprocess with a stdin context, against
moto's server. IAM calls are read from the server's request log."""

from conftest import COMPLETED, FAILED, assert_clean


def test_create_a_user(run_script, server_iam):
    server_iam.create_user(UserName="taken")
    out = run_script("Create a User", {"User Name": "alice, taken, bad name"})
    assert out.message.split("\n") == [
        "Successfully added the following users to IAM: alice",
        "Could not add the following users to IAM: taken. Names must be unique within an account.",
        "Could not add the following users to IAM: bad name. Usernames must contain only alphanumeric characters and/or the following: +=,.@_-.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [user["UserName"] for user in out.json_result] == ["alice"]
    assert out.iam_calls == ["CreateUser", "CreateUser"]
    assert sorted(u["UserName"] for u in server_iam.list_users()["Users"]) == ["alice", "taken"]
    assert_clean(out)


def test_create_a_group(run_script, server_iam):
    out = run_script("Create a Group", {"Group Name": "devs,ops"})
    assert (out.message, out.state, out.result_value) == ("Successfully added the following groups to IAM: devs, ops", COMPLETED, True)
    assert [group["GroupName"] for group in out.json_result] == ["devs", "ops"]
    assert out.iam_calls == ["CreateGroup", "CreateGroup"]
    assert_clean(out)


def test_add_a_user_to_a_group(run_script, server_iam):
    server_iam.create_group(GroupName="devs")
    server_iam.create_user(UserName="alice")
    out = run_script("Add a User to a Group", {"Group Name": "devs", "User Name": "alice,ghost"})
    assert out.message.split("\n") == [
        "Successfully added the user alice to the IAM group: devs",
        "Could not add ghost to devs. The user ghost cannot be found.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["AddUserToGroup", "AddUserToGroup"]
    assert [u["UserName"] for u in server_iam.get_group(GroupName="devs")["Users"]] == ["alice"]
    assert_clean(out)


def test_remove_a_user_from_a_group(run_script, server_iam):
    server_iam.create_group(GroupName="devs")
    for user in ("alice", "outsider"):
        server_iam.create_user(UserName=user)
    server_iam.add_user_to_group(GroupName="devs", UserName="alice")
    out = run_script("Remove a User from a Group", {"Group Name": "devs", "User Name": "alice,outsider"})
    assert out.message.split("\n") == [
        "alice has been removed from group: devs",
        "Could not remove outsider from devs. The user outsider is not a member of the group devs.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["RemoveUserFromGroup", "RemoveUserFromGroup", "GetGroup"]
    assert server_iam.get_group(GroupName="devs")["Users"] == []
    assert_clean(out)


def test_list_users(run_script, server_iam):
    server_iam.create_user(UserName="alice")
    out = run_script("List Users", {"Max Users to Return": "10"})
    assert (out.message, out.state, out.result_value) == ("Successfully listed available users in AWS IAM", COMPLETED, True)
    assert [user["UserName"] for user in out.json_result] == ["alice"]
    (title, lines), = out.tables.items()
    assert title.startswith("IAM Users")
    assert lines[0] == "Username,User ID,ARN,Creation Date"
    assert out.iam_calls == ["ListUsers"]
    assert_clean(out)


def test_list_groups_rejects_a_bad_max_without_calls(run_script):
    out = run_script("List Groups", {"Max Groups to Return": "1001"})
    assert out.message == "Error executing action 'List Groups'. Reason: 'Max Groups to Return' must be a whole number between 1 and 1000."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == []
    assert_clean(out)


def test_list_groups_when_there_are_none(run_script):
    out = run_script("List Groups", {})
    assert (out.message, out.state, out.result_value) == ("No Groups found in AWS IAM", COMPLETED, False)
    assert out.json_result == []
    assert out.iam_calls == ["ListGroups"]
    assert_clean(out)
