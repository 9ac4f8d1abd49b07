"""List Groups: Max 1..1000 (default 50), 1000 per call, the spec's table and messages."""

import pytest
from conftest import COMPLETED, FAILED
from identity_fakes import WHEN_ISO, aws_group, group_json

ACTION = "List Groups"
PARAM = "Max Groups to Return"


def test_lists_every_group_with_table_and_json(run_action, iam):
    iam.create_group(GroupName="devs")
    iam.create_group(GroupName="ops", Path="/team/")
    out = run_action(ACTION)
    assert (out.message, out.state, out.result_value) == ("Successfully listed available groups in AWS IAM", COMPLETED, True)
    assert out.iam_calls == ["ListGroups"]
    assert [(group["GroupName"], group["Path"]) for group in out.json_result] == [("devs", "/"), ("ops", "/team/")]
    rows = out.tables["IAM Groups"]
    assert rows[0] == ["Group name", "Group ID", "ARN", "Creation Date"]
    assert [row[0] for row in rows[1:]] == ["devs", "ops"]
    assert rows[2][2] == "arn:aws:iam::123456789012:group/team/ops"


def test_json_and_row_use_iso_dates(stub_aws, run_action):
    stub_aws.iam.add_response("list_groups", {"Groups": [aws_group("ZivGroup")], "IsTruncated": False}, {"MaxItems": 50})
    out = run_action(ACTION)
    assert out.json_result == [group_json("ZivGroup")]
    assert out.tables["IAM Groups"][1] == ["ZivGroup", "AGPA0000000000000000", "arn:aws:iam::123456789012:group/ZivGroup", WHEN_ISO]


@pytest.mark.parametrize("raw, asked", [("", 50), ("2", 2), ("1000", 1000)], ids=["empty", "two", "max"])
def test_asks_iam_for_the_requested_number(stub_aws, run_action, raw, asked):
    stub_aws.iam.add_response("list_groups", {"Groups": [], "IsTruncated": False}, {"MaxItems": asked})
    out = run_action(ACTION, {PARAM: raw})
    assert (out.message, out.state, out.result_value) == ("No Groups found in AWS IAM", COMPLETED, False)
    assert out.json_result == [] and out.tables == {}
    assert out.iam_calls == ["ListGroups"]


@pytest.mark.parametrize(
    "raw", ["0", "1001", "-1", "many", "2.0"], ids=["zero", "over-max", "negative", "word", "fraction"]
)
def test_rejects_bad_max_without_any_call(run_action, raw):
    out = run_action(ACTION, {PARAM: raw})
    assert out.message == "Error executing action 'List Groups'. Reason: 'Max Groups to Return' must be a whole number between 1 and 1000."
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_general_error_fails_cleanly(stub_aws, run_action):
    stub_aws.iam.add_client_error("list_groups", "ServiceFailure", "internal", 500)
    out = run_action(ACTION)
    assert out.message == "Error executing action 'List Groups'. Reason: An error occurred (ServiceFailure) when calling the ListGroups operation: internal"
    assert (out.state, out.result_value) == (FAILED, False)
