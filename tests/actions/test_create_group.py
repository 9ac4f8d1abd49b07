"""Create a Group: one CreateGroup per valid name; each name under exactly one outcome."""

import pytest
from conftest import COMPLETED, FAILED
from identity_fakes import aws_group, group_json, group_names

ACTION = "Create a Group"
CHARS = "Group names must contain only alphanumeric characters and/or the following: +=,.@_-."


@pytest.mark.parametrize(
    "raw, created",
    [("devs", ["devs"]), (" devs ,ops,, DEVS", ["devs", "ops"]), ("g" * 128, ["g" * 128])],
    ids=["one", "padding-empties-duplicates", "128-characters"],
)
def test_creates_each_valid_name_once(run_action, iam, raw, created):
    out = run_action(ACTION, {"Group Name": raw})
    assert out.lines == [f"Successfully added the following groups to IAM: {', '.join(created)}"]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [item["GroupName"] for item in out.json_result] == created
    assert all(set(item) >= {"Arn", "CreateDate", "Path", "GroupId", "GroupName"} for item in out.json_result)
    assert out.iam_calls == ["CreateGroup"] * len(created)
    assert group_names(iam) == sorted(created)


def test_mix_of_every_outcome(stub_aws, run_action):
    stub_aws.iam.add_response("create_group", {"Group": aws_group("devs")}, {"GroupName": "devs"})
    stub_aws.iam.add_client_error("create_group", "EntityAlreadyExists", "exists", 409, expected_params={"GroupName": "ops"})
    stub_aws.iam.add_client_error("create_group", "LimitExceeded", "Cannot exceed quota for GroupsPerAccount: 300", 409, expected_params={"GroupName": "late"})
    out = run_action(ACTION, {"Group Name": "devs,ops,g" + "x" * 128 + ",late"})
    assert out.lines == [
        "Successfully added the following groups to IAM: devs",
        "Could not add the following groups to IAM: ops. Names must be unique within an account.",
        f"Could not add the following groups to IAM: g{'x' * 128}. Group names must be at most 128 characters.",
        "Could not add the following groups to IAM: late. Reach to Groups limitation in your aws account.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [group_json("devs")]
    assert out.iam_calls == ["CreateGroup"] * 3


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("dev ops", f"dev ops: {CHARS}"),
        ("dev$", f"dev$: {CHARS}"),
        ("dev ops,", f"dev ops: {CHARS}"),
    ],
    ids=["space-inside", "dollar", "invalid-and-trailing-comma"],
)
def test_only_invalid_names_fail_without_any_call(run_action, iam, raw, reason):
    out = run_action(ACTION, {"Group Name": raw})
    assert out.message == f"Error executing action 'Create a Group'. Reason: {reason}"
    assert (out.state, out.result_value, out.iam_calls) == (FAILED, False, [])
    assert group_names(iam) == []


@pytest.mark.parametrize("raw", ["", "  ", ",,,"], ids=["empty", "whitespace", "only-commas"])
def test_no_name_at_all_fails_without_any_call(run_action, raw):
    out = run_action(ACTION, {"Group Name": raw})
    assert out.message == "Error executing action 'Create a Group'. Reason: 'Group Name' must contain at least one name."
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_existing_group_is_not_touched(run_action, iam):
    iam.create_group(GroupName="devs", Path="/keep/")
    out = run_action(ACTION, {"Group Name": "devs"})
    assert out.message == "Error executing action 'Create a Group'. Reason: devs: Names must be unique within an account."
    assert (out.state, out.result_value) == (FAILED, False)
    assert iam.get_group(GroupName="devs")["Group"]["Path"] == "/keep/"
    assert out.iam_calls == ["CreateGroup"]


def test_general_error_midway_keeps_created_groups(stub_aws, run_action):
    stub_aws.iam.add_response("create_group", {"Group": aws_group("devs")}, {"GroupName": "devs"})
    stub_aws.iam.add_client_error("create_group", "AccessDenied", "not authorized", 403, expected_params={"GroupName": "ops"})
    out = run_action(ACTION, {"Group Name": "devs,ops,sec"})
    assert out.lines == [
        "Error executing action 'Create a Group'. Reason: An error occurred (AccessDenied) when calling the CreateGroup operation: not authorized",
        "Successfully added the following groups to IAM: devs",
        "Could not add the following groups to IAM: ops. An error occurred (AccessDenied) when calling the CreateGroup operation: not authorized",
        "Could not add the following groups to IAM: sec. The error stopped the action before them.",
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [group_json("devs")]
    assert out.iam_calls == ["CreateGroup", "CreateGroup"]
