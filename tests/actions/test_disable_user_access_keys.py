"""Disable User Access with Deactivate Access Keys: deny first, then the Active keys turned Inactive,
each recorded in the user's AWSIAM-Containment tag before it is touched; keys already Inactive are
never recorded. Without the option nothing changes but "DeactivatedKeys": [] in the JSON."""

import unicodedata
from datetime import datetime, timezone

import pytest
from conftest import COMPLETED, FAILED, stub_get_user

import ContainmentWorkflow as Containment
from test_disable_user_access import DENY_ALL, entry, put_expected

ACTION = "Disable User Access"
USER = "USERUNIQNAME"
ACCOUNT = "123456789012"
TAG = "AWSIAM-Containment"
NOW = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 12, 1, 8, 30, 0, tzinfo=timezone.utc)
DISABLED = "Successfully added deny policy to the following users in AWS IAM: {}"
DEACTIVATED = "Successfully deactivated the access keys of the following users in AWS IAM: {}"
NO_ACTIVE = "The following users in AWS IAM had no active access keys to deactivate: {}"
KEYS_FAILED = "Added deny policy to the following users in AWS IAM, but could not deactivate all of their access keys: {}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {}"
WITH_KEYS = {"Deactivate Access Keys": "true"}


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = NOW

    monkeypatch.setattr(Containment, "utc_now", lambda: Clock.now)
    return Clock


@pytest.fixture
def bob(iam, clock):
    """Bob holds two keys: one in use, and an old one he had already switched off himself."""
    iam.create_user(UserName="Bob.Jones")
    active = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    old = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="Bob.Jones", AccessKeyId=old, Status="Inactive")
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": "team", "Value": "payments"}])
    return {"active": active, "old": old}


def key_status(iam, user):
    return {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def tags(iam, user):
    return {tag["Key"]: tag["Value"] for tag in iam.list_user_tags(UserName=user)["Tags"]}


def deny_policy(iam, user):
    return iam.get_user_policy(UserName=user, PolicyName="DisableUserAccessPolicy")["PolicyDocument"]


# --- With moto: the account state ----------------------------------------------------------


def test_active_keys_are_recorded_then_deactivated_and_the_inactive_one_is_left_out(run_action, iam, bob):
    out = run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    assert out.lines == [DISABLED.format("Bob.Jones"), DEACTIVATED.format(f"Bob.Jones ({bob['active']})")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser", "UpdateAccessKey"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "disabled", keys=[bob["active"]])]
    assert key_status(iam, "Bob.Jones") == {bob["active"]: "Inactive", bob["old"]: "Inactive"}
    assert tags(iam, "Bob.Jones") == {"team": "payments", TAG: f"keys={bob['active']} at=2026-11-29T10:00:00Z"}
    assert deny_policy(iam, "Bob.Jones") == DENY_ALL


def test_the_second_run_finds_no_active_key_and_keeps_the_record(run_action, iam, bob, clock):
    run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    clock.now = LATER
    out = run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    assert out.lines == [DISABLED.format("Bob.Jones"), NO_ACTIVE.format("Bob.Jones")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    # The record found makes the deny policy's presence before this run matter: still contained.
    assert out.iam_calls == ["GetUser", "ListUserTags", "ListUserPolicies", "PutUserPolicy", "ListAccessKeys"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "disabled")]
    assert tags(iam, "Bob.Jones")[TAG] == f"keys={bob['active']} at=2026-11-29T10:00:00Z"


def test_disabling_again_merges_new_keys_keeps_the_first_time_and_drops_deleted_keys(run_action, iam, bob, clock):
    run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    # Meanwhile an administrator deletes the old key and gives Bob a new one.
    iam.delete_access_key(UserName="Bob.Jones", AccessKeyId=bob["old"])
    new = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    clock.now = LATER
    out = run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "disabled", keys=[new])]
    assert tags(iam, "Bob.Jones")[TAG] == f"keys={bob['active']}/{new} at=2026-11-29T10:00:00Z"
    assert key_status(iam, "Bob.Jones") == {bob["active"]: "Inactive", new: "Inactive"}


def test_a_recorded_key_deleted_since_is_dropped_from_the_record(run_action, iam, bob, clock):
    run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    iam.delete_access_key(UserName="Bob.Jones", AccessKeyId=bob["active"])
    iam.update_access_key(UserName="Bob.Jones", AccessKeyId=bob["old"], Status="Active")
    run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    assert tags(iam, "Bob.Jones")[TAG] == f"keys={bob['old']} at=2026-11-29T10:00:00Z"


def test_the_record_is_a_value_iam_accepts(run_action, iam, bob):
    """IAM refuses tag values outside [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]* (moto does not check), and at most 256 long."""
    second = iam.create_user(UserName="two-keys")["User"]["UserName"]
    for _ in range(2):
        iam.create_access_key(UserName=second)
    run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER), ("two-keys", USER)])
    for user in ("Bob.Jones", "two-keys"):
        value = tags(iam, user)[TAG]
        assert len(value) <= 256
        assert all(unicodedata.category(ch)[0] in "LZN" or ch in "_.:/=+-@" for ch in value), value
    assert len(tags(iam, "two-keys")[TAG]) == 70  # two 20-character key IDs: the longest record AWS's keys make


def test_a_user_without_keys_is_disabled_and_no_record_is_written(run_action, iam, clock):
    iam.create_user(UserName="carol")
    out = run_action(ACTION, WITH_KEYS, entities=[("carol", USER)])
    assert out.lines == [DISABLED.format("carol"), NO_ACTIVE.format("carol")]
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys"]
    assert tags(iam, "carol") == {}


def test_upper_cased_entities_are_resolved_before_the_keys_are_touched(run_action, iam, bob):
    out = run_action(ACTION, WITH_KEYS, entities=[("BOB.JONES", USER), ("ghost", USER)],
                     entity_details={"BOB.JONES": {"additional_properties": {}}})
    assert out.lines == [DISABLED.format("Bob.Jones"), DEACTIVATED.format(f"Bob.Jones ({bob['active']})"), NOT_FOUND.format("GHOST")]
    assert out.json_result[1] == entry("GHOST", "ghost", "not_found", reason="No IAM user with this name exists in the account.")
    assert key_status(iam, "Bob.Jones")[bob["active"]] == "Inactive"


@pytest.mark.parametrize("value", ["false", "FALSE", ""], ids=["false", "upper-case", "empty-means-default"])
def test_without_the_option_the_seed_behaviour_is_unchanged(run_action, iam, bob, value):
    out = run_action(ACTION, {"Deactivate Access Keys": value}, entities=[("Bob.Jones", USER)])
    assert (out.message, out.state, out.result_value) == (DISABLED.format("Bob.Jones"), COMPLETED, True)
    assert out.iam_calls == ["GetUser", "PutUserPolicy"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "disabled")]
    assert key_status(iam, "Bob.Jones") == {bob["active"]: "Active", bob["old"]: "Inactive"}
    assert TAG not in tags(iam, "Bob.Jones")


def test_a_bad_option_value_fails_without_any_call(run_action):
    out = run_action(ACTION, {"Deactivate Access Keys": "maybe"}, entities=[("Bob.Jones", USER)])
    assert out.message == "Error executing action \"Disable User Access\". Reason: 'Deactivate Access Keys' must be true or false."
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_a_tag_someone_edited_is_not_overwritten_and_the_keys_stay_on(run_action, iam, bob):
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": TAG, "Value": "restore me later"}])
    out = run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER)])
    assert out.lines == [KEYS_FAILED.format("Bob.Jones")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "failed", found=True, reason=(
        "The deny policy was added, but not every Active access key was deactivated: the AWSIAM-Containment tag already "
        "on the user does not hold a record this integration wrote, so the keys were left Active rather than overwrite "
        "it. Check the tag, correct or delete it, and run the action again."))]
    assert deny_policy(iam, "Bob.Jones") == DENY_ALL
    assert key_status(iam, "Bob.Jones")[bob["active"]] == "Active"
    assert tags(iam, "Bob.Jones")[TAG] == "restore me later"


def test_the_deadline_between_record_and_keys_reports_the_deny_and_the_unconfirmed_key(run_action, iam, bob, deadline_after):
    iam.create_user(UserName="carol")
    deadline_after("TagUser")
    out = run_action(ACTION, WITH_KEYS, entities=[("Bob.Jones", USER), ("carol", USER)])
    assert out.lines == [
        "Error executing action \"Disable User Access\". Reason: The platform's execution deadline was near, so the "
        "action stopped starting new calls and reported what it had done.",
        KEYS_FAILED.format("Bob.Jones"),
        "Action wasn't able to add deny policy to the following users in AWS IAM: carol",
    ]
    assert out.json_result == [
        entry("BOB.JONES", "Bob.Jones", "failed", found=True, reason=(
            "The deny policy was added, but not every Active access key was deactivated: the platform's execution "
            f"deadline was near. The AWSIAM-Containment tag also lists {bob['active']}, which may still be Active; "
            "Enable User Access only reactivates recorded keys that are Inactive.")),
        entry("CAROL", "carol", "failed", reason="Not attempted: the platform's execution deadline was near.",
              account=None, resolved_from=None),
    ]
    # The UpdateAccessKey was refused before it went out: the key is still Active below.
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser", "UpdateAccessKey"]
    # What was done stays done and is recorded; the key the deadline saved stays Active.
    assert deny_policy(iam, "Bob.Jones") == DENY_ALL
    assert key_status(iam, "Bob.Jones")[bob["active"]] == "Active"
    assert tags(iam, "Bob.Jones")[TAG] == f"keys={bob['active']} at=2026-11-29T10:00:00Z"


# --- With Stubber: exact calls, and refusals moto cannot produce ----------------------------

KEY1, KEY2 = "AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"
CREATED = datetime(2026, 1, 5, tzinfo=timezone.utc)


def key(key_id, status="Active", user="bob"):
    return {"UserName": user, "AccessKeyId": key_id, "Status": status, "CreateDate": CREATED}


def queue_up_to_the_record(stub_aws, keys, existing_tags=(), user="bob", deny_before=None):
    """The calls before the record is written. `deny_before`: the user's inline policies, read only
    when a record is already on the user."""
    stub_get_user(stub_aws, user)
    stub_aws.iam.add_response("list_user_tags", {"Tags": list(existing_tags), "IsTruncated": False},
                              expected_params={"UserName": user, "MaxItems": 1000})
    if deny_before is not None:
        stub_aws.iam.add_response("list_user_policies", {"PolicyNames": deny_before, "IsTruncated": False},
                                  expected_params={"UserName": user, "MaxItems": 1000})
    stub_aws.iam.add_response("put_user_policy", {}, expected_params=put_expected(user))
    stub_aws.iam.add_response("list_access_keys", {"AccessKeyMetadata": keys, "IsTruncated": False},
                              expected_params={"UserName": user, "MaxItems": 1000})


def tag_expected(value, user="bob"):
    return {"UserName": user, "Tags": [{"Key": TAG, "Value": value}]}


def update_expected(key_id, status="Inactive", user="bob"):
    return {"UserName": user, "AccessKeyId": key_id, "Status": status}


def test_the_exact_calls_in_order(stub_aws, run_action, clock):
    queue_up_to_the_record(stub_aws, [key(KEY1), key(KEY2)], existing_tags=[{"Key": "team", "Value": "payments"}])
    stub_aws.iam.add_response("tag_user", {}, expected_params=tag_expected(f"keys={KEY1}/{KEY2} at=2026-11-29T10:00:00Z"))
    stub_aws.iam.add_response("update_access_key", {}, expected_params=update_expected(KEY1))
    stub_aws.iam.add_response("update_access_key", {}, expected_params=update_expected(KEY2))
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER)])
    assert out.lines == [DISABLED.format("bob"), DEACTIVATED.format(f"bob ({KEY1}, {KEY2})")]
    assert out.json_result == [entry("BOB", "bob", "disabled", keys=[KEY1, KEY2])]


def test_a_refused_key_is_reported_and_taken_out_of_the_record_again(stub_aws, run_action, clock):
    queue_up_to_the_record(stub_aws, [key(KEY1), key(KEY2)])
    stub_aws.iam.add_response("tag_user", {}, expected_params=tag_expected(f"keys={KEY1}/{KEY2} at=2026-11-29T10:00:00Z"))
    stub_aws.iam.add_response("update_access_key", {}, expected_params=update_expected(KEY1))
    stub_aws.iam.add_client_error("update_access_key", "LimitExceeded", "Rate of key updates exceeded", 409,
                                  expected_params=update_expected(KEY2))
    stub_aws.iam.add_response("tag_user", {}, expected_params=tag_expected(f"keys={KEY1} at=2026-11-29T10:00:00Z"))
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER)])
    assert out.lines == [DEACTIVATED.format(f"bob ({KEY1})"), KEYS_FAILED.format("bob")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("BOB", "bob", "failed", keys=[KEY1], found=True, reason=(
        f"The deny policy was added, but not every Active access key was deactivated: access key {KEY2}: An error "
        "occurred (LimitExceeded) when calling the UpdateAccessKey operation: Rate of key updates exceeded"))]


def test_access_denied_on_the_keys_of_every_user_is_an_error_of_the_action(stub_aws, run_action, clock):
    queue_up_to_the_record(stub_aws, [key(KEY1)])
    stub_aws.iam.add_response("tag_user", {})
    stub_aws.iam.add_client_error("update_access_key", "AccessDenied", "not authorized to perform: iam:UpdateAccessKey", 403)
    stub_aws.iam.add_response("tag_user", {}, expected_params=tag_expected("keys= at=2026-11-29T10:00:00Z"))
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER)])
    assert out.lines == [
        'Error executing action "Disable User Access". Reason: An error occurred (AccessDenied) when calling the '
        "UpdateAccessKey operation: not authorized to perform: iam:UpdateAccessKey",
        KEYS_FAILED.format("bob"),
    ]
    assert (out.state, out.result_value) == (FAILED, False)


def test_when_the_correction_fails_too_the_key_is_named_as_unconfirmed(stub_aws, run_action, clock):
    queue_up_to_the_record(stub_aws, [key(KEY1)])
    stub_aws.iam.add_response("tag_user", {}, expected_params=tag_expected(f"keys={KEY1} at=2026-11-29T10:00:00Z"))
    stub_aws.iam.add_client_error("update_access_key", "LimitExceeded", "Rate of key updates exceeded", 409)
    stub_aws.iam.add_client_error("tag_user", "ConcurrentModification", "Try again", 409,
                                  expected_params=tag_expected("keys= at=2026-11-29T10:00:00Z"))
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER)])
    assert out.json_result[0]["EntityResult"]["Reason"] == (
        f"The deny policy was added, but not every Active access key was deactivated: access key {KEY1}: An error "
        "occurred (LimitExceeded) when calling the UpdateAccessKey operation: Rate of key updates exceeded "
        f"The AWSIAM-Containment tag also lists {KEY1}, which may still be Active; Enable User Access only reactivates "
        "recorded keys that are Inactive.")


def test_a_refused_record_means_no_key_is_touched(stub_aws, run_action, clock):
    queue_up_to_the_record(stub_aws, [key(KEY1)])
    stub_aws.iam.add_client_error("tag_user", "LimitExceeded", "Cannot exceed quota for TagsPerUser: 50", 409)
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER)])
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser"]
    assert out.json_result == [entry("BOB", "bob", "failed", found=True, reason=(
        "The deny policy was added, but not every Active access key was deactivated: An error occurred (LimitExceeded) "
        "when calling the TagUser operation: Cannot exceed quota for TagsPerUser: 50"))]


def test_a_record_longer_than_a_tag_holds_leaves_the_keys_on(stub_aws, run_action, clock):
    # IAM allows key IDs of up to 128 characters; AWS's own are 20.
    long1, long2 = "AKIA" + "A" * 124, "AKIA" + "B" * 124
    queue_up_to_the_record(stub_aws, [key(long1), key(long2)])
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER)])
    assert out.json_result[0]["EntityResult"]["Reason"] == (
        "The deny policy was added, but not every Active access key was deactivated: the record of the keys would not "
        "fit in the 256 characters of the AWSIAM-Containment tag, so the keys were left Active.")


def test_a_general_error_on_a_key_stops_the_run_and_still_reports_the_deny(stub_aws, run_action, clock):
    queue_up_to_the_record(stub_aws, [key(KEY1)])
    stub_aws.iam.add_response("tag_user", {})
    stub_aws.iam.add_client_error("update_access_key", "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    out = run_action(ACTION, WITH_KEYS, entities=[("bob", USER), ("carol", USER)])
    reason = ("An error occurred (InvalidClientTokenId) when calling the UpdateAccessKey operation: The security token "
              "included in the request is invalid.")
    assert out.lines == [f'Error executing action "Disable User Access". Reason: {reason}', KEYS_FAILED.format("bob"),
                         "Action wasn't able to add deny policy to the following users in AWS IAM: carol"]
    assert out.json_result == [
        entry("BOB", "bob", "failed", found=True, reason=(
            f"The deny policy was added, but not every Active access key was deactivated: {reason} The AWSIAM-Containment "
            f"tag also lists {KEY1}, which may still be Active; Enable User Access only reactivates recorded keys that are Inactive.")),
        entry("CAROL", "carol", "failed", reason="Not attempted: an earlier error stopped the action.", account=None,
              resolved_from=None),
    ]
