"""Create a User: one CreateUser per valid name; each name under exactly one outcome."""

import re

import pytest
from conftest import COMPLETED, FAILED, assert_no_credentials
from identity_fakes import aws_user, user_json, user_names

ACTION = "Create a User"
CHARS = "Usernames must contain only alphanumeric characters and/or the following: +=,.@_-."


def created_json_matches(json_result, names):
    assert [item["UserName"] for item in json_result] == names
    for item in json_result:
        assert set(item) >= {"Arn", "CreateDate", "Path", "UserId", "UserName"}
        assert all(isinstance(value, str) for value in item.values())
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", item["CreateDate"])


@pytest.mark.parametrize(
    "raw, created, calls",
    [
        ("alice", ["alice"], 1),
        ("alice,bob", ["alice", "bob"], 2),
        ("  alice , bob  ,", ["alice", "bob"], 2),
        ("alice,ALICE,bob,alice", ["alice", "bob"], 2),
        ("a+b=c,d.e@f_g-h", ["a+b=c", "d.e@f_g-h"], 2),
        ("u" * 64, ["u" * 64], 1),
    ],
    ids=["one", "two", "padding-and-trailing-comma", "case-insensitive-duplicates", "all-allowed-characters", "64-characters"],
)
def test_creates_each_valid_name_once(run_action, iam, raw, created, calls):
    out = run_action(ACTION, {"User Name": raw})
    assert out.lines == [f"Successfully added the following users to IAM: {', '.join(created)}"]
    assert (out.state, out.result_value) == (COMPLETED, True)
    created_json_matches(out.json_result, created)
    assert out.iam_calls == ["CreateUser"] * calls
    assert user_names(iam) == sorted(created)
    assert out.tables == {}


def test_created_json_carries_every_aws_field(stub_aws, run_action):
    stub_aws.iam.add_response("create_user", {"User": {**aws_user("ziv"), "Tags": [{"Key": "team", "Value": "soc"}]}}, {"UserName": "ziv"})
    out = run_action(ACTION, {"User Name": "ziv"})
    assert out.json_result == [{**user_json("ziv"), "Tags": [{"Key": "team", "Value": "soc"}]}]


def test_mix_of_every_outcome_reports_each_name_once(stub_aws, run_action):
    stub_aws.iam.add_response("create_user", {"User": aws_user("alice")}, {"UserName": "alice"})
    stub_aws.iam.add_client_error("create_user", "EntityAlreadyExists", "User with name taken already exists.", 409, expected_params={"UserName": "taken"})
    stub_aws.iam.add_client_error("create_user", "LimitExceeded", "Cannot exceed quota for UsersPerAccount: 5000", 409, expected_params={"UserName": "late"})
    stub_aws.iam.add_client_error("create_user", "ValidationError", "1 validation error detected", 400, expected_params={"UserName": "odd"})
    stub_aws.iam.add_response("create_user", {"User": aws_user("bob")}, {"UserName": "bob"})
    out = run_action(ACTION, {"User Name": "alice, bad name, taken, late, odd, bob"})
    assert out.lines == [
        "Successfully added the following users to IAM: alice, bob",
        "Could not add the following users to IAM: taken. Names must be unique within an account.",
        f"Could not add the following users to IAM: bad name, odd. {CHARS}",
        "Could not add the following users to IAM: late. Reach to Users limitation in your aws account.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [user_json("alice"), user_json("bob")]
    assert out.iam_calls == ["CreateUser"] * 5


def test_existing_user_is_reported_and_left_alone(run_action, iam):
    iam.create_user(UserName="alice", Path="/keep/")
    out = run_action(ACTION, {"User Name": "alice,bob"})
    assert out.lines == [
        "Successfully added the following users to IAM: bob",
        "Could not add the following users to IAM: alice. Names must be unique within an account.",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [item["UserName"] for item in out.json_result] == ["bob"]
    assert iam.get_user(UserName="alice")["User"]["Path"] == "/keep/"
    assert out.iam_calls == ["CreateUser", "CreateUser"]


def test_a_name_too_long_is_told_so_not_that_its_characters_are_wrong(run_action, iam):
    out = run_action(ACTION, {"User Name": "u" * 65 + ",bad name"})
    assert out.message == (f"Error executing action 'Create a User'. Reason: bad name: {CHARS} "
                           f"{'u' * 65}: Usernames must be at most 64 characters.")
    assert (out.state, out.iam_calls, user_names(iam)) == (FAILED, [], [])


def test_an_absurdly_long_name_is_shortened_in_the_message(run_action, iam):
    out = run_action(ACTION, {"User Name": "x" * 100_000 + ",alice"})
    assert out.lines == [
        "Successfully added the following users to IAM: alice",
        f"Could not add the following users to IAM: {'x' * 64}... (100000 characters). Usernames must be at most 64 characters.",
    ]
    assert len(out.message) < 500
    assert user_names(iam) == ["alice"]


@pytest.mark.parametrize(
    "raw, invalid",
    [
        ("john smith", "john smith"),
        ("bad#name", "bad#name"),
        ("naïve", "naïve"),
        ("slash/name", "slash/name"),
    ],
    ids=["space-inside", "hash", "non-ascii", "slash"],
)
def test_only_invalid_names_fail_without_any_call(run_action, iam, raw, invalid):
    out = run_action(ACTION, {"User Name": raw})
    assert out.message == f"Error executing action 'Create a User'. Reason: {invalid}: {CHARS}"
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == []
    assert out.json_result is None
    assert user_names(iam) == []


@pytest.mark.parametrize(
    "raw",
    ["", "   ", ",", " , ,, ", None],
    ids=["empty", "whitespace", "one-comma", "only-commas", "absent"],
)
def test_no_name_at_all_fails_without_any_call(run_action, raw):
    out = run_action(ACTION, {"User Name": raw} if raw is not None else {})
    assert out.message == "Error executing action 'Create a User'. Reason: 'User Name' must contain at least one name."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == []


def test_nothing_created_combines_every_reason(stub_aws, run_action):
    stub_aws.iam.add_client_error("create_user", "EntityAlreadyExists", "exists", 409, expected_params={"UserName": "taken"})
    stub_aws.iam.add_client_error("create_user", "LimitExceeded", "quota", 409, expected_params={"UserName": "late"})
    out = run_action(ACTION, {"User Name": "bad name,taken,late"})
    assert out.message == (
        "Error executing action 'Create a User'. Reason: "
        f"bad name: {CHARS} taken: Names must be unique within an account. "
        "late: Reach to Users limitation in your aws account."
    )
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["CreateUser", "CreateUser"]


def test_all_existing_fails_with_the_unique_reason(run_action, iam):
    iam.create_user(UserName="alice")
    out = run_action(ACTION, {"User Name": "alice"})
    assert out.message == "Error executing action 'Create a User'. Reason: alice: Names must be unique within an account."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["CreateUser"]


def test_limit_keeps_calling_so_every_name_gets_its_real_answer(stub_aws, run_action):
    stub_aws.iam.add_client_error("create_user", "LimitExceeded", "quota", 409, expected_params={"UserName": "a"})
    stub_aws.iam.add_client_error("create_user", "EntityAlreadyExists", "exists", 409, expected_params={"UserName": "b"})
    out = run_action(ACTION, {"User Name": "a,b"})
    assert out.message == (
        "Error executing action 'Create a User'. Reason: b: Names must be unique within an account. "
        "a: Reach to Users limitation in your aws account."
    )
    assert out.iam_calls == ["CreateUser", "CreateUser"]


@pytest.mark.parametrize(
    "code, status",
    [("AccessDenied", 403), ("Throttling", 400), ("ServiceFailure", 500)],
    ids=["access-denied", "throttled-past-retries", "service-failure"],
)
def test_general_error_midway_still_reports_what_was_done(stub_aws, stubbed_connection, run_action, code, status):
    stub_aws.iam.add_response("create_user", {"User": aws_user("alice")}, {"UserName": "alice"})
    stub_aws.iam.add_client_error("create_user", code, "no go", status, expected_params={"UserName": "bob"})
    out = run_action(ACTION, {"User Name": "alice,bad name,bob,carol"}, config=stubbed_connection)
    assert out.lines == [
        f"Error executing action 'Create a User'. Reason: An error occurred ({code}) when calling the CreateUser operation: no go",
        "Successfully added the following users to IAM: alice",
        f"Could not add the following users to IAM: bad name. {CHARS}",
        f"Could not add the following users to IAM: bob. An error occurred ({code}) when calling the CreateUser operation: no go",
        "Could not add the following users to IAM: carol. The error stopped the action before them.",
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [user_json("alice")]
    assert out.iam_calls == ["CreateUser", "CreateUser"]
    assert "Traceback" not in out.raw_stdout
    assert_no_credentials(out.raw_stdout)


def test_general_error_on_the_first_call_fails_that_name_and_lists_the_rest(stub_aws, run_action):
    stub_aws.iam.add_client_error("create_user", "AccessDenied", "not authorized", 403, expected_params={"UserName": "alice"})
    out = run_action(ACTION, {"User Name": "alice,bob"})
    assert out.lines == [
        "Error executing action 'Create a User'. Reason: An error occurred (AccessDenied) when calling the CreateUser operation: not authorized",
        "Could not add the following users to IAM: alice. An error occurred (AccessDenied) when calling the CreateUser operation: not authorized",
        "Could not add the following users to IAM: bob. The error stopped the action before them.",
    ]
    assert (out.state, out.json_result) == (FAILED, [])
