"""List Policies: Scope and Only Attached go to IAM, up to 1000 per call, the "additional policies"
note comes from the same response, and bad input costs no call."""

import json
import re
from datetime import datetime, timezone

import pytest
from conftest import COMPLETED, FAILED

ACTION = "List Policies"
SUCCESS = "Successfully listed available policies in AWS IAM"
SUCCESS_WITH_MORE = (
    "Successfully listed available policies in AWS IAM. "
    "Please note, there are additional policies that match the provided filter."
)
NOTHING = "No Policies were found in AWS IAM"
COLUMNS = ["Policy Name", "Policy ID", "Create Date", "Update Date"]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})
WHEN = datetime(2020, 12, 6, 17, 16, 45, tzinfo=timezone.utc)


def stub_policy(name):
    return {
        "PolicyName": name, "PolicyId": f"ANPA{name.upper():0>16}", "Arn": f"arn:aws:iam::123456789012:policy/{name}",
        "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 2, "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True, "CreateDate": WHEN, "UpdateDate": WHEN,
    }


def test_lists_customer_policies_with_json_and_table(run_action, iam):
    for name in ("dev-read", "dev-write"):
        iam.create_policy(PolicyName=name, PolicyDocument=DOCUMENT)
    out = run_action(ACTION, {"Scope": "Local"})
    assert (out.message, out.state, out.result_value) == (SUCCESS, COMPLETED, True)
    assert out.calls == [("iam", "ListPolicies")]
    assert [p["PolicyName"] for p in out.json_result] == ["dev-read", "dev-write"]
    first = out.json_result[0]
    assert first["Arn"] == "arn:aws:iam::123456789012:policy/dev-read"
    assert type(first["AttachmentCount"]) is int and first["IsAttachable"] is True
    assert ISO.match(first["CreateDate"]) and ISO.match(first["UpdateDate"])
    rows = out.tables["IAM Policies"]
    assert rows[0] == COLUMNS
    assert rows[1:] == [[p["PolicyName"], p["PolicyId"], p["CreateDate"], p["UpdateDate"]] for p in out.json_result]


def test_only_attached_lists_only_policies_in_use(run_action, iam):
    used = iam.create_policy(PolicyName="in-use", PolicyDocument=DOCUMENT)["Policy"]
    iam.create_policy(PolicyName="unused", PolicyDocument=DOCUMENT)
    iam.create_group(GroupName="Developers")
    iam.attach_group_policy(GroupName="Developers", PolicyArn=used["Arn"])
    out = run_action(ACTION, {"Only Attached": True, "Scope": "Local"})
    assert out.state == COMPLETED
    assert [(p["PolicyName"], p["AttachmentCount"]) for p in out.json_result] == [("in-use", 1)]


def test_table_and_json_use_iso_dates(stub_aws, run_action):
    stub_aws.iam.add_response("list_policies", {"Policies": [stub_policy("dev-read")], "IsTruncated": False})
    out = run_action(ACTION)
    assert out.json_result == [{**stub_policy("dev-read"), "CreateDate": "2020-12-06T17:16:45", "UpdateDate": "2020-12-06T17:16:45"}]
    assert out.tables["IAM Policies"] == [COLUMNS, ["dev-read", "ANPA00000000DEV-READ", "2020-12-06T17:16:45", "2020-12-06T17:16:45"]]


@pytest.mark.parametrize(
    "params, expected",
    [({}, {"Scope": "All", "OnlyAttached": False, "MaxItems": 100}),
     ({"Scope": "", "Only Attached": "", "Max Policies to Return": ""}, {"Scope": "All", "OnlyAttached": False, "MaxItems": 100}),
     ({"Scope": "AWS", "Only Attached": True, "Max Policies to Return": "7"}, {"Scope": "AWS", "OnlyAttached": True, "MaxItems": 7}),
     ({"Scope": "local", "Only Attached": "False", "Max Policies to Return": " 1000 "}, {"Scope": "Local", "OnlyAttached": False, "MaxItems": 1000})],
    ids=["absent-defaults", "empty-defaults", "aws-attached", "lower-case-scope-max"],
)
def test_filters_and_page_size_go_to_iam(stub_aws, run_action, params, expected):
    stub_aws.iam.add_response("list_policies", {"Policies": [stub_policy("p")], "IsTruncated": False}, expected_params=expected)
    out = run_action(ACTION, params)
    assert (out.message, out.state, out.iam_calls) == (SUCCESS, COMPLETED, ["ListPolicies"])


def test_note_when_more_match_than_the_max_without_an_extra_call(stub_aws, run_action):
    stub_aws.iam.add_response(
        "list_policies",
        {"Policies": [stub_policy(f"p{i}") for i in range(3)], "IsTruncated": True, "Marker": "next"},
        expected_params={"Scope": "All", "OnlyAttached": False, "MaxItems": 3},
    )
    out = run_action(ACTION, {"Max Policies to Return": "3"})
    assert (out.message, out.state, out.result_value) == (SUCCESS_WITH_MORE, COMPLETED, True)
    assert out.iam_calls == ["ListPolicies"]
    assert len(out.json_result) == 3 and len(out.tables["IAM Policies"]) == 4


def test_follows_the_marker_only_while_short_of_the_max(stub_aws, run_action):
    # IAM may return fewer than MaxItems even when more match.
    stub_aws.iam.add_response(
        "list_policies", {"Policies": [stub_policy(f"a{i}") for i in range(100)], "IsTruncated": True, "Marker": "m1"},
        expected_params={"Scope": "All", "OnlyAttached": False, "MaxItems": 250},
    )
    stub_aws.iam.add_response(
        "list_policies", {"Policies": [stub_policy(f"b{i}") for i in range(150)], "IsTruncated": False},
        expected_params={"Scope": "All", "OnlyAttached": False, "MaxItems": 250, "Marker": "m1"},
    )
    out = run_action(ACTION, {"Max Policies to Return": "250"})
    assert (out.message, out.iam_calls) == (SUCCESS, ["ListPolicies", "ListPolicies"])
    assert len(out.json_result) == 250


def test_a_full_page_of_1000_is_one_call(stub_aws, run_action):
    stub_aws.iam.add_response(
        "list_policies", {"Policies": [stub_policy(f"p{i}") for i in range(1000)], "IsTruncated": True, "Marker": "m"},
        expected_params={"Scope": "All", "OnlyAttached": False, "MaxItems": 1000},
    )
    out = run_action(ACTION, {"Max Policies to Return": "1000"})
    assert (out.message, out.iam_calls) == (SUCCESS_WITH_MORE, ["ListPolicies"])
    assert len(out.json_result) == 1000


def test_nothing_found_completes_false(run_action):
    out = run_action(ACTION, {"Scope": "Local"})
    assert (out.message, out.state, out.result_value) == (NOTHING, COMPLETED, False)
    assert out.json_result == [] and out.tables == {}
    assert out.iam_calls == ["ListPolicies"]


BAD_MAX = ["0", "1001", "ten", "1.5", "-3", "1e3"]


@pytest.mark.parametrize("raw", BAD_MAX, ids=["zero", "over-max", "word", "fraction", "negative", "exponent"])
def test_rejects_bad_max_without_any_call(run_action, raw):
    out = run_action(ACTION, {"Max Policies to Return": raw})
    assert out.message == (
        "Error executing action 'List Policies'. Reason: 'Max Policies to Return' must be a whole number between 1 and 1000."
    )
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


@pytest.mark.parametrize(
    "params, reason",
    [({"Scope": "Global"}, "'Scope' must be one of: All, AWS, Local."),
     ({"Scope": "AWS,Local"}, "'Scope' must be one of: All, AWS, Local."),
     ({"Only Attached": "yes"}, "'Only Attached' must be true or false.")],
    ids=["unknown-scope", "two-scopes", "non-boolean-only-attached"],
)
def test_rejects_bad_filters_without_any_call(run_action, params, reason):
    out = run_action(ACTION, params)
    assert out.message == f"Error executing action 'List Policies'. Reason: {reason}"
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_aws_error_fails_the_action(stub_aws, run_action):
    stub_aws.iam.add_client_error("list_policies", "AccessDenied", "not authorized to perform: iam:ListPolicies", 403)
    out = run_action(ACTION)
    assert out.message == (
        "Error executing action 'List Policies'. Reason: An error occurred (AccessDenied) "
        "when calling the ListPolicies operation: not authorized to perform: iam:ListPolicies"
    )
    assert (out.state, out.result_value, out.json_result, out.tables) == (FAILED, False, None, {})
