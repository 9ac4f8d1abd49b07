"""List Users: Max 1..1000 (default 50), 1000 per call, the spec's table and messages."""

import pytest
from conftest import COMPLETED, FAILED
from identity_fakes import WHEN_ISO, aws_user, user_json

ACTION = "List Users"
PARAM = "Max Users to Return"


def test_lists_every_user_with_table_and_json(run_action, iam):
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    out = run_action(ACTION)
    assert (out.message, out.state, out.result_value) == ("Successfully listed available users in AWS IAM", COMPLETED, True)
    assert out.iam_calls == ["ListUsers"]
    assert [user["UserName"] for user in out.json_result] == ["alice", "bob"]
    created = {user["UserName"]: user for user in iam.list_users()["Users"]}
    rows = out.tables["IAM Users"]
    assert rows[0] == ["Username", "User ID", "ARN", "Creation Date"]
    assert rows[1:] == [
        [name, created[name]["UserId"], created[name]["Arn"], created[name]["CreateDate"].strftime("%Y-%m-%dT%H:%M:%S")]
        for name in ("alice", "bob")
    ]
    assert list(out.tables) == ["IAM Users"]


def test_json_keeps_every_aws_field_with_iso_dates(stub_aws, run_action):
    extra = {"PasswordLastUsed": aws_user("x")["CreateDate"], "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
    stub_aws.iam.add_response("list_users", {"Users": [{**aws_user("ziv"), **extra}], "IsTruncated": False}, {"MaxItems": 50})
    out = run_action(ACTION)
    assert out.json_result == [{**user_json("ziv"), **extra, "PasswordLastUsed": WHEN_ISO}]
    assert out.tables["IAM Users"][1] == ["ziv", "AIDA0000000000000000", "arn:aws:iam::123456789012:user/ziv", WHEN_ISO]


@pytest.mark.parametrize(
    "raw, asked",
    [(None, 50), ("", 50), ("  ", 50), ("1", 1), (" 7 ", 7), ("1000", 1000)],
    ids=["absent", "empty", "whitespace", "one", "padded", "max"],
)
def test_asks_iam_for_the_requested_number_in_one_call(stub_aws, run_action, raw, asked):
    stub_aws.iam.add_response("list_users", {"Users": [aws_user("alice")], "IsTruncated": False}, {"MaxItems": asked})
    out = run_action(ACTION, {PARAM: raw} if raw is not None else {})
    assert out.state == COMPLETED
    assert out.iam_calls == ["ListUsers"]


def test_returns_no_more_than_asked(run_action, iam):
    for index in range(5):
        iam.create_user(UserName=f"user{index}")
    out = run_action(ACTION, {PARAM: "3"})
    assert [user["UserName"] for user in out.json_result] == ["user0", "user1", "user2"]
    assert len(out.tables["IAM Users"]) == 4


def test_no_users_is_completed_false(run_action):
    out = run_action(ACTION)
    assert (out.message, out.state, out.result_value) == ("No users found in AWS IAM", COMPLETED, False)
    assert out.json_result == []
    assert out.tables == {}
    assert out.iam_calls == ["ListUsers"]


@pytest.mark.parametrize(
    "raw",
    ["0", "1001", "10000", "-3", "ten", "1.5", "5e2", "0x10"],
    ids=["zero", "over-max", "far-over-max", "negative", "word", "fraction", "exponent", "hex"],
)
def test_rejects_bad_max_without_any_call(run_action, raw):
    out = run_action(ACTION, {PARAM: raw})
    assert out.message == "Error executing action 'List Users'. Reason: 'Max Users to Return' must be a whole number between 1 and 1000."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == []


def test_general_error_fails_cleanly(stub_aws, run_action):
    stub_aws.iam.add_client_error("list_users", "AccessDenied", "not authorized to perform: iam:ListUsers", 403)
    out = run_action(ACTION)
    assert out.message == "Error executing action 'List Users'. Reason: An error occurred (AccessDenied) when calling the ListUsers operation: not authorized to perform: iam:ListUsers"
    assert (out.state, out.result_value, out.json_result) == (FAILED, False, None)
