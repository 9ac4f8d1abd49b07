"""IdentityParser alone: outcomes in, wording, state and JSON out. No AWS."""

import pytest
from ActionResults import ActionResult
from AWSIAMConstants import ADD_USER_TO_GROUP, CREATE_GROUP, CREATE_USER, REMOVE_USER_FROM_GROUP
from AWSIAMDatamodels import Group, User
from AWSIAMExceptions import AccessDenied
from IdentityModels import BulkOutcome, ItemStatus
from identity_fakes import aws_group, aws_user, group_json, user_json

import IdentityParser as parser

S = ItemStatus
CHARS = "alphanumeric characters and/or the following: +=,.@_-."


def outcome(created=(), error=None, **names) -> BulkOutcome:
    result = BulkOutcome(created=list(created), error=error)
    for status, values in names.items():
        result.add(S(status), *values)
    return result


def test_created_users_in_contract_order():
    result = parser.created_result(CREATE_USER, "user", outcome(
        [User(aws_user("a")), User(aws_user("b"))], limit=["l"], invalid=["x y"], exists=["e1", "e2"], done=["a", "b"]))
    assert result == ActionResult(
        "Successfully added the following users to IAM: a, b\n"
        "Could not add the following users to IAM: e1, e2. Names must be unique within an account.\n"
        f"Could not add the following users to IAM: x y. Usernames must contain only {CHARS}\n"
        "Could not add the following users to IAM: l. Reach to Users limitation in your aws account.",
        success=True, json_result=[user_json("a"), user_json("b")],
    )


@pytest.mark.parametrize(
    "names, reason",
    [
        (dict(invalid=["x y"]), f"x y: Group names must contain only {CHARS}"),
        (dict(exists=["e"]), "e: Names must be unique within an account."),
        (dict(limit=["l"]), "l: Reach to Groups limitation in your aws account."),
        (dict(limit=["l"], exists=["e"], invalid=["x y", "z!"]),
         f"x y, z!: Group names must contain only {CHARS} e: Names must be unique within an account. "
         "l: Reach to Groups limitation in your aws account."),
    ],
    ids=["invalid", "exists", "limit", "all-three"],
)
def test_nothing_created_fails_with_only_the_parts_that_apply(names, reason):
    result = parser.created_result(CREATE_GROUP, "group", outcome(**names))
    assert result == ActionResult.failure(f"Error executing action 'Create a Group'. Reason: {reason}")


def test_created_groups_after_a_general_error_keep_their_json():
    error = AccessDenied("CreateGroup", "AccessDenied", "denied")
    result = parser.created_result(CREATE_GROUP, "group", outcome([Group(aws_group("g"))], error, done=["g"], not_processed=["h"]))
    assert result.failed and not result.success
    assert result.message.split("\n") == [
        "Error executing action 'Create a Group'. Reason: An error occurred (AccessDenied) when calling the CreateGroup operation: denied",
        "Successfully added the following groups to IAM: g",
        "Could not add the following groups to IAM: h. The error stopped the action before them.",
    ]
    assert result.json_result == [group_json("g")]


def test_membership_lines_name_each_missing_user_once():
    result = parser.membership_result(REMOVE_USER_FROM_GROUP, "remove", "devs", outcome(
        done=["a"], user_missing=["m1", "m2"], not_member=["n"], limit=["l"], invalid=["x y"]))
    assert result == ActionResult(
        "a has been removed from group: devs\n"
        "Could not remove m1 from devs. The user m1 cannot be found.\n"
        "Could not remove m2 from devs. The user m2 cannot be found.\n"
        "Could not remove n from devs. The user n is not a member of the group devs.\n"
        "Could not remove l from devs because it attempted to create resources beyond the current AWS account limits.\n"
        f"Could not remove x y from devs. Names must contain only {CHARS}",
        success=True,
    )


@pytest.mark.parametrize(
    "names, message",
    [
        (dict(group_missing=["a", "b"]), "Could not add a, b to g. The Group g cannot be found."),
        (dict(group_invalid=["a"]), f"Could not add a to g. Group names must contain only {CHARS}"),
        (dict(user_missing=["a"]), "Could not add a to g. The user a cannot be found."),
    ],
    ids=["group-missing", "group-invalid", "user-missing"],
)
def test_nothing_added_is_completed_false(names, message):
    assert parser.membership_result(ADD_USER_TO_GROUP, "add", "g", outcome(**names)) == ActionResult(message, success=False)


def test_listing_builds_the_spec_table():
    result = parser.listed_result("group", [Group(aws_group("g1", 1)), Group(aws_group("g2", 2))])
    assert (result.message, result.success, result.failed) == ("Successfully listed available groups in AWS IAM", True, False)
    assert result.json_result == [group_json("g1", 1), group_json("g2", 2)]
    (table,) = result.tables
    assert table.csv_lines() == [
        "Group name,Group ID,ARN,Creation Date",
        "g1,AGPA0000000000000001,arn:aws:iam::123456789012:group/g1,2020-12-03T12:12:20",
        "g2,AGPA0000000000000002,arn:aws:iam::123456789012:group/g2,2020-12-03T12:12:20",
    ]


def test_empty_listing():
    assert parser.listed_result("user", []) == ActionResult("No users found in AWS IAM", success=False, json_result=[])
