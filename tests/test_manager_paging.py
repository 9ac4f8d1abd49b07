"""Paging of ListUsers/ListGroups as real IAM pages (moto 5.2 ignores MaxItems for these, so a
Stubber plays IAM): up to 1000 per call, and the marker followed only while short of the max."""

import pytest
from botocore.stub import Stubber
from identity_fakes import aws_group, aws_user

import AWSIAMManager


@pytest.fixture
def stubbed(aws, monkeypatch):
    import boto3

    client = boto3.client("iam", region_name="us-east-1")
    monkeypatch.setattr(AWSIAMManager, "_new_client", lambda service, **kwargs: client)
    with Stubber(client) as stubber:
        yield AWSIAMManager.AWSIAMManager("AKIDEXAMPLE", "secret"), stubber
        stubber.assert_no_pending_responses()


LISTINGS = {
    "users": ("list_users", "Users", aws_user),
    "groups": ("list_groups", "Groups", aws_group),
}


@pytest.mark.parametrize("kind", LISTINGS)
def test_1000_of_1200_take_one_call(stubbed, kind):
    manager, stubber = stubbed
    operation, key, make = LISTINGS[kind]
    stubber.add_response(operation, {key: [make(f"n{i}", i) for i in range(1000)], "IsTruncated": True, "Marker": "m1"}, {"MaxItems": 1000})
    items, more = getattr(manager, operation)(1000)
    assert [item.name for item in items] == [f"n{i}" for i in range(1000)]
    assert more is True


@pytest.mark.parametrize("kind", LISTINGS)
def test_150_from_short_pages_follow_the_marker_until_enough(stubbed, kind):
    manager, stubber = stubbed
    operation, key, make = LISTINGS[kind]
    stubber.add_response(operation, {key: [make(f"a{i}") for i in range(60)], "IsTruncated": True, "Marker": "m1"}, {"MaxItems": 150})
    stubber.add_response(operation, {key: [make(f"b{i}") for i in range(60)], "IsTruncated": True, "Marker": "m2"}, {"MaxItems": 150, "Marker": "m1"})
    stubber.add_response(operation, {key: [make(f"c{i}") for i in range(60)], "IsTruncated": True, "Marker": "m3"}, {"MaxItems": 150, "Marker": "m2"})
    items, more = getattr(manager, operation)(150)
    assert [item.name for item in items] == [f"a{i}" for i in range(60)] + [f"b{i}" for i in range(60)] + [f"c{i}" for i in range(30)]
    assert more is True


def test_stops_when_iam_has_no_more(stubbed):
    manager, stubber = stubbed
    stubber.add_response("list_users", {"Users": [aws_user("a")], "IsTruncated": True, "Marker": "m1"}, {"MaxItems": 50})
    stubber.add_response("list_users", {"Users": [aws_user("b")], "IsTruncated": False}, {"MaxItems": 50, "Marker": "m1"})
    items, more = manager.list_users(50)
    assert [item.name for item in items] == ["a", "b"]
    assert more is False


def test_list_users_action_pages_like_iam(stub_aws, run_action):
    stub_aws.iam.add_response("list_users", {"Users": [aws_user(f"n{i}", i) for i in range(1000)], "IsTruncated": True, "Marker": "m1"}, {"MaxItems": 1000})
    out = run_action("List Users", {"Max Users to Return": "1000"})
    assert out.iam_calls == ["ListUsers"]
    assert len(out.json_result) == 1000 and len(out.tables["IAM Users"]) == 1001
