"""Enable User Access: the exact undo of Disable User Access. The deny policy deleted, exactly the
recorded keys that still exist and are Inactive set back to Active, the record removed; no other
key, policy or tag touched; the second run says there was nothing left to restore."""

import json
from datetime import datetime, timezone

import pytest
from conftest import COMPLETED, FAILED, SECRET, stub_get_user

import ContainmentWorkflow as Containment

ACTION = "Enable User Access"
USER = "USERUNIQNAME"
ACCOUNT = "123456789012"
TAG = "AWSIAM-Containment"
NOW = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
DENY_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, separators=(",", ":"))
ENABLED = "Successfully enabled the following users in AWS IAM: {}"
REACTIVATED = "Successfully reactivated the access keys of the following users in AWS IAM: {}"
LEFT_OFF = "Left Inactive, as Reactivate Access Keys is off, the recorded access keys of the following users in AWS IAM: {}"
NOT_THE_USERS = ("Did not reactivate these recorded access keys of the following users in AWS IAM, because the user holds "
                 "no access key with that ID (it was deleted since, or it is not the user's): {}")
ACTIVE_ALREADY = "Did not reactivate these recorded access keys of the following users in AWS IAM, because they are Active already: {}"
NOT_DISABLED = "The following users in AWS IAM were not disabled, so there was nothing to restore: {}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {}"
FAILED_LINE = "Action wasn't able to restore the access of the following users in AWS IAM: {}"
NOTHING = "Neither the deny policy DisableUserAccessPolicy nor the AWSIAM-Containment tag was on the user."


def entry(entity, user_name, status, *, arn=None, removed=False, recorded=(), reactivated=(), reason=None, found=True):
    """One entity's JSON; a user that was found (by name, unless `arn` says otherwise) has its real ARN."""
    if found and arn is None:
        arn = f"arn:aws:iam::{ACCOUNT}:user/{user_name}"
    result = {"UserName": user_name, "Arn": arn, "PolicyName": "DisableUserAccessPolicy", "Status": status,
              "Account": ACCOUNT if found else None, "ResolvedFrom": ("arn" if arn and ":user/eng/" in arn else "name") if found else None,
              "DenyPolicyRemoved": removed, "RecordedKeys": list(recorded), "ReactivatedKeys": list(reactivated)}
    if reason is not None:
        result["Reason"] = reason
    return {"Entity": entity, "EntityResult": result}


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(Containment, "utc_now", lambda: NOW)


@pytest.fixture
def bob(iam, clock):
    """Bob holds a key in use and an old one he had switched off himself; he has his own policy and a tag."""
    iam.create_user(UserName="Bob.Jones")
    iam.put_user_policy(UserName="Bob.Jones", PolicyName="s3-access", PolicyDocument=json.dumps(ALLOW_S3))
    active = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    old = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="Bob.Jones", AccessKeyId=old, Status="Inactive")
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": "team", "Value": "payments"}])
    return {"active": active, "old": old}


@pytest.fixture
def contained_bob(run_action, bob):
    out = run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("Bob.Jones", USER)])
    assert out.json_result[0]["EntityResult"]["DeactivatedKeys"] == [bob["active"]]
    return bob


def key_status(iam, user):
    return {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def tags(iam, user):
    return {tag["Key"]: tag["Value"] for tag in iam.list_user_tags(UserName=user)["Tags"]}


def inline(iam, user):
    return sorted(iam.list_user_policies(UserName=user)["PolicyNames"])


# --- The exact restore --------------------------------------------------------------------


def test_restores_exactly_what_containment_changed(run_action, iam, contained_bob):
    keys = contained_bob
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert out.lines == [ENABLED.format("Bob.Jones"), REACTIVATED.format(f"Bob.Jones ({keys['active']})")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "ListAccessKeys", "UpdateAccessKey", "UntagUser"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "enabled", removed=True, recorded=[keys["active"]], reactivated=[keys["active"]])]
    # The key he had switched off before containment stays off; his own policy and tag stay.
    assert key_status(iam, "Bob.Jones") == {keys["active"]: "Active", keys["old"]: "Inactive"}
    assert inline(iam, "Bob.Jones") == ["s3-access"]
    assert tags(iam, "Bob.Jones") == {"team": "payments"}


def test_the_second_run_says_there_was_nothing_left_to_restore(run_action, iam, contained_bob):
    run_action(ACTION, entities=[("Bob.Jones", USER)])
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert (out.message, out.state, out.result_value) == (NOT_DISABLED.format("Bob.Jones"), COMPLETED, False)
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "not_disabled", reason=NOTHING)]
    assert key_status(iam, "Bob.Jones") == {contained_bob["active"]: "Active", contained_bob["old"]: "Inactive"}


def test_a_user_disabled_without_keys_is_enabled_in_two_calls(run_action, iam, bob):
    run_action("Disable User Access", entities=[("Bob.Jones", USER)])
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert (out.message, out.state, out.result_value) == (ENABLED.format("Bob.Jones"), COMPLETED, True)
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "enabled", removed=True)]
    assert key_status(iam, "Bob.Jones") == {bob["active"]: "Active", bob["old"]: "Inactive"}


def test_with_reactivate_off_the_keys_stay_off_and_the_record_goes(run_action, iam, contained_bob):
    keys = contained_bob
    out = run_action(ACTION, {"Reactivate Access Keys": "false"}, entities=[("Bob.Jones", USER)])
    assert out.lines == [ENABLED.format("Bob.Jones"), LEFT_OFF.format(f"Bob.Jones ({keys['active']})")]
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "UntagUser"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "enabled", removed=True, recorded=[keys["active"]])]
    assert key_status(iam, "Bob.Jones") == {keys["active"]: "Inactive", keys["old"]: "Inactive"}
    assert tags(iam, "Bob.Jones") == {"team": "payments"}


def test_a_recorded_key_deleted_since_cannot_come_back(run_action, iam, bob, clock):
    second = iam.create_user(UserName="two-keys")["User"]["UserName"]
    first, gone = (iam.create_access_key(UserName=second)["AccessKey"]["AccessKeyId"] for _ in range(2))
    run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("two-keys", USER)])
    iam.delete_access_key(UserName=second, AccessKeyId=gone)
    out = run_action(ACTION, entities=[("two-keys", USER)])
    assert out.lines == [ENABLED.format("two-keys"), REACTIVATED.format(f"two-keys ({first})"), NOT_THE_USERS.format(f"two-keys ({gone})")]
    assert out.json_result == [entry("TWO-KEYS", "two-keys", "enabled", removed=True, recorded=[first, gone], reactivated=[first])]
    assert key_status(iam, second) == {first: "Active"}
    assert tags(iam, second) == {}


def test_a_recorded_key_that_is_active_is_not_touched(run_action, iam, bob):
    # A record can list a key that stayed Active: the deadline came between the record and the key.
    iam.put_user_policy(UserName="Bob.Jones", PolicyName="DisableUserAccessPolicy", PolicyDocument=DENY_ALL)
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": TAG, "Value": f"keys={bob['active']} at=2026-11-29T10:00:00Z"}])
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "ListAccessKeys", "UntagUser"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "enabled", removed=True, recorded=[bob["active"]])]
    assert key_status(iam, "Bob.Jones") == {bob["active"]: "Active", bob["old"]: "Inactive"}


def test_a_record_without_the_deny_policy_is_still_restored(run_action, iam, bob):
    """Someone deleted the deny policy by hand: the keys are still off, so the record is still honoured."""
    iam.update_access_key(UserName="Bob.Jones", AccessKeyId=bob["active"], Status="Inactive")
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": TAG, "Value": f"keys={bob['active']} at=2026-11-29T10:00:00Z"}])
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "enabled", recorded=[bob["active"]], reactivated=[bob["active"]])]
    assert key_status(iam, "Bob.Jones")[bob["active"]] == "Active"


@pytest.mark.parametrize("value", ['{"keys":["AKIA', "restore me later"], ids=["broken-json", "free-text"])
def test_an_edited_tag_is_reported_the_deny_still_goes_and_the_tag_stays(run_action, iam, contained_bob, value):
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": TAG, "Value": value}])
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert out.lines == [FAILED_LINE.format("Bob.Jones")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "failed", removed=True, reason=(
        f"The AWSIAM-Containment tag does not hold a record this integration wrote ({value}), so no access key was "
        "reactivated and the tag was left on the user: check the user's access keys, then delete the tag. "
        "The deny policy was removed."))]
    assert inline(iam, "Bob.Jones") == ["s3-access"]
    assert tags(iam, "Bob.Jones")[TAG] == value
    assert key_status(iam, "Bob.Jones")[contained_bob["active"]] == "Inactive"
    # Running again says the deny policy is gone now, and still points at the tag.
    again = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert again.json_result[0]["EntityResult"]["Reason"].endswith("delete the tag. The deny policy was not there.")


# --- Finding the users --------------------------------------------------------------------


def test_upper_cased_names_and_arns_are_found_like_disable_finds_them(run_action, iam, contained_bob):
    iam.create_user(UserName="carol", Path="/eng/")
    arn = f"arn:aws:iam::{ACCOUNT}:user/eng/carol"
    out = run_action(ACTION, entities=[("BOB.JONES", USER), (arn, USER)], entity_details={"BOB.JONES": {"additional_properties": {}}})
    assert out.lines == [ENABLED.format("Bob.Jones"), REACTIVATED.format(f"Bob.Jones ({contained_bob['active']})"),
                         NOT_DISABLED.format("carol")]
    assert out.json_result[0]["EntityResult"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/Bob.Jones"
    assert out.json_result[1] == entry(arn.upper(), "carol", "not_disabled", arn=arn, reason=NOTHING)
    assert ("sts", "GetCallerIdentity") in out.calls and out.iam_calls.count("ListUsers") == 1


@pytest.mark.parametrize(
    "identifier, reason, calls",
    [("ghost", "No IAM user with this name exists in the account.", ["GetUser", "ListUsers", "GetRole"]),
     ("arn:aws:iam::999999999999:user/Bob.Jones", "The user ARN belongs to another AWS account.", []),
     ("CORP\\bob", "The identifier is neither an IAM user name nor an IAM user ARN.", [])],
    ids=["unknown-user", "other-account", "not-a-user-name"],
)
def test_users_that_are_not_found_complete_false_and_touch_nothing(run_action, iam, contained_bob, identifier, reason, calls):
    out = run_action(ACTION, entities=[(identifier, USER)])
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(identifier.upper()), COMPLETED, False)
    assert out.iam_calls == calls
    assert out.json_result[0]["EntityResult"]["Status"] == "not_found"
    assert out.json_result[0]["EntityResult"]["Reason"] == reason
    assert inline(iam, "Bob.Jones") == ["DisableUserAccessPolicy", "s3-access"]


@pytest.mark.parametrize("entities", [[], [("10.0.0.1", "ADDRESS")]], ids=["no-entities", "no-user-entities"])
def test_without_user_entities_nothing_is_called(run_action, entities):
    out = run_action(ACTION, entities=entities)
    assert (out.message, out.state, out.result_value) == ("No User entities were found in the scope of the action.", COMPLETED, False)
    assert (out.json_result, out.calls) == ([], [])


def test_a_bad_option_value_fails_without_any_call(run_action):
    out = run_action(ACTION, {"Reactivate Access Keys": "yes"}, entities=[("Bob.Jones", USER)])
    assert out.message == "Error executing action 'Enable User Access'. Reason: 'Reactivate Access Keys' must be true or false."
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


# --- Faults -------------------------------------------------------------------------------


def test_a_deny_policy_deleted_on_a_lost_answer_counts_as_removed(run_action, iam, contained_bob, lost_answers):
    lost_answers("DeleteUserPolicy")
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result[0]["EntityResult"]["DenyPolicyRemoved"] is True
    assert inline(iam, "Bob.Jones") == ["s3-access"]


def test_the_deadline_after_the_deny_policy_reports_what_was_done(run_action, iam, contained_bob, deadline_after):
    iam.create_user(UserName="carol")
    deadline_after("DeleteUserPolicy")
    out = run_action(ACTION, entities=[("Bob.Jones", USER), ("carol", USER)])
    assert out.lines == [
        "Error executing action 'Enable User Access'. Reason: The platform's execution deadline was near, so the action "
        "stopped starting new calls and reported what it had done.",
        FAILED_LINE.format("Bob.Jones, carol"),
    ]
    assert out.json_result == [
        entry("BOB.JONES", "Bob.Jones", "failed", removed=True, recorded=[contained_bob["active"]], reason=(
            "The platform's execution deadline came before the restore was complete. The deny policy was removed; "
            "running the action again finishes the restore.")),
        entry("CAROL", "carol", "failed", reason="Not attempted: the platform's execution deadline was near.", found=False),
    ]
    assert tags(iam, "Bob.Jones")[TAG] == f"keys={contained_bob['active']} at=2026-11-29T10:00:00Z"
    # Running again, in time, finishes the restore.
    deadline_after.lift()
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert out.json_result[0]["EntityResult"]["ReactivatedKeys"] == [contained_bob["active"]]


KEY1, KEY2 = "AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"
CREATED = datetime(2026, 1, 5, tzinfo=timezone.utc)


def queue_reads(stub_aws, record=f"keys={KEY1}/{KEY2} at=2026-11-29T10:00:00Z"):
    stub_get_user(stub_aws, "bob")
    stub_aws.iam.add_response("list_user_tags", {"Tags": [{"Key": TAG, "Value": record}], "IsTruncated": False},
                              expected_params={"UserName": "bob", "MaxItems": 1000})
    stub_aws.iam.add_response("delete_user_policy", {}, expected_params={"UserName": "bob", "PolicyName": "DisableUserAccessPolicy"})
    if record.startswith("keys= "):
        return  # a record without keys needs no key listing
    stub_aws.iam.add_response("list_access_keys", {"AccessKeyMetadata": [
        {"UserName": "bob", "AccessKeyId": key_id, "Status": "Inactive", "CreateDate": CREATED} for key_id in (KEY1, KEY2)],
        "IsTruncated": False}, expected_params={"UserName": "bob", "MaxItems": 1000})


def test_the_exact_calls_in_order(stub_aws, run_action):
    queue_reads(stub_aws)
    for key_id in (KEY1, KEY2):
        stub_aws.iam.add_response("update_access_key", {}, expected_params={"UserName": "bob", "AccessKeyId": key_id, "Status": "Active"})
    stub_aws.iam.add_response("untag_user", {}, expected_params={"UserName": "bob", "TagKeys": [TAG]})
    out = run_action(ACTION, entities=[("bob", USER)])
    assert out.json_result == [entry("BOB", "bob", "enabled", removed=True, recorded=[KEY1, KEY2], reactivated=[KEY1, KEY2])]


def test_a_key_iam_refuses_to_reactivate_keeps_the_record_for_the_next_run(stub_aws, run_action):
    queue_reads(stub_aws)
    stub_aws.iam.add_response("update_access_key", {})
    stub_aws.iam.add_client_error("update_access_key", "LimitExceeded", "Rate of key updates exceeded", 409)
    out = run_action(ACTION, entities=[("bob", USER)])
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "ListAccessKeys", "UpdateAccessKey", "UpdateAccessKey"]
    assert out.lines == [REACTIVATED.format(f"bob ({KEY1})"), FAILED_LINE.format("bob")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("BOB", "bob", "failed", removed=True, recorded=[KEY1, KEY2], reactivated=[KEY1], reason=(
        "The deny policy was removed, but not every recorded access key was reactivated: An error occurred (LimitExceeded) "
        "when calling the UpdateAccessKey operation: Rate of key updates exceeded. The AWSIAM-Containment tag was kept, "
        "so running the action again finishes the restore."))]


def test_a_tag_iam_refuses_to_remove_is_reported(stub_aws, run_action):
    queue_reads(stub_aws, record="keys= at=2026-11-29T10:00:00Z")
    stub_aws.iam.add_client_error("untag_user", "ConcurrentModification", "Try again", 409)
    out = run_action(ACTION, entities=[("bob", USER)])
    assert out.json_result[0]["EntityResult"]["Reason"] == (
        "Access was restored, but the AWSIAM-Containment tag could not be removed: An error occurred "
        "(ConcurrentModification) when calling the UntagUser operation: Try again")


def test_access_denied_on_the_deny_policy_of_every_user_is_an_error_of_the_action(stub_aws, run_action):
    stub_get_user(stub_aws, "bob")
    stub_aws.iam.add_response("list_user_tags", {"Tags": [], "IsTruncated": False})
    stub_aws.iam.add_client_error("delete_user_policy", "AccessDenied", "not authorized to perform: iam:DeleteUserPolicy", 403)
    out = run_action(ACTION, entities=[("bob", USER)])
    reason = "An error occurred (AccessDenied) when calling the DeleteUserPolicy operation: not authorized to perform: iam:DeleteUserPolicy"
    assert out.lines == [f"Error executing action 'Enable User Access'. Reason: {reason}", FAILED_LINE.format("bob")]
    assert out.json_result == [entry("BOB", "bob", "failed", reason=reason)]
    assert (out.state, out.result_value) == (FAILED, False)


def test_a_general_error_midway_reports_each_user(stub_aws, run_action):
    stub_get_user(stub_aws, "alice")
    stub_aws.iam.add_response("list_user_tags", {"Tags": [], "IsTruncated": False})
    stub_aws.iam.add_response("delete_user_policy", {})
    stub_get_user(stub_aws, "bob")
    stub_aws.iam.add_client_error("list_user_tags", "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER), ("carol", USER)])
    reason = "An error occurred (InvalidClientTokenId) when calling the ListUserTags operation: The security token included in the request is invalid."
    assert out.lines == [f"Error executing action 'Enable User Access'. Reason: {reason}", ENABLED.format("alice"),
                         FAILED_LINE.format("bob, carol")]
    assert out.json_result == [entry("ALICE", "alice", "enabled", removed=True),
                               entry("BOB", "bob", "failed", reason=reason, found=False),
                               entry("CAROL", "carol", "failed", reason="Not attempted: an earlier error stopped the action.", found=False)]
    assert SECRET not in out.raw_stdout


def test_a_refused_deny_policy_deletion_still_reports_the_record_it_found(stub_aws, run_action):
    stub_get_user(stub_aws, "bob")
    stub_aws.iam.add_response("list_user_tags", {"Tags": [{"Key": TAG, "Value": f"keys={KEY1} at=2026-11-29T10:00:00Z"}],
                                                 "IsTruncated": False})
    stub_aws.iam.add_client_error("delete_user_policy", "ConcurrentModification", "Try again", 409)
    out = run_action(ACTION, entities=[("bob", USER)])
    assert out.json_result == [entry("BOB", "bob", "failed", recorded=[KEY1], reason=(
        "An error occurred (ConcurrentModification) when calling the DeleteUserPolicy operation: Try again"))]


def test_a_key_listed_twice_in_the_record_costs_one_call(stub_aws, run_action):
    queue_reads(stub_aws, record=f"keys={KEY1}/{KEY1}/{KEY2} at=2026-11-29T10:00:00Z")
    for key_id in (KEY1, KEY2):
        stub_aws.iam.add_response("update_access_key", {}, expected_params={"UserName": "bob", "AccessKeyId": key_id, "Status": "Active"})
    stub_aws.iam.add_response("untag_user", {}, expected_params={"UserName": "bob", "TagKeys": [TAG]})
    out = run_action(ACTION, entities=[("bob", USER)])
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "ListAccessKeys", "UpdateAccessKey", "UpdateAccessKey",
                             "UntagUser"]
    assert out.json_result == [entry("BOB", "bob", "enabled", removed=True, recorded=[KEY1, KEY2], reactivated=[KEY1, KEY2])]



def test_a_recorded_key_of_another_user_is_told_so_and_not_touched(run_action, iam, contained_bob):
    other = iam.create_user(UserName="eve")["User"]["UserName"]
    foreign = iam.create_access_key(UserName=other)["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName=other, AccessKeyId=foreign, Status="Inactive")
    # Someone edited Bob's record to name Eve's key.
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": TAG, "Value": f"keys={contained_bob['active']}/{foreign} at=2026-11-29T10:00:00Z"}])
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert out.lines == [ENABLED.format("Bob.Jones"), REACTIVATED.format(f"Bob.Jones ({contained_bob['active']})"),
                         NOT_THE_USERS.format(f"Bob.Jones ({foreign})")]
    assert key_status(iam, other) == {foreign: "Inactive"}


def test_a_recorded_key_switched_on_by_hand_is_told_so(run_action, iam, contained_bob):
    iam.update_access_key(UserName="Bob.Jones", AccessKeyId=contained_bob["active"], Status="Active")
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])
    assert out.lines == [ENABLED.format("Bob.Jones"), ACTIVE_ALREADY.format(f"Bob.Jones ({contained_bob['active']})")]


# --- A reactivation whose answer was lost -----------------------------------------------------------

def test_a_lost_reactivation_throttled_out_and_then_the_deadline_names_the_key_as_maybe_back_on(
        run_action, iam, contained_bob, faults, deadline_after):
    # Compound: IAM turned the key on but its answer was lost, every retry was throttled, and the
    # deadline came before the one ListAccessKeys that would have told.
    faults("UpdateAccessKey", "lost", "throttled", "throttled")
    deadline_after("UpdateAccessKey")
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])

    assert out.message == FAILED_LINE.format("Bob.Jones")
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "failed", removed=True, recorded=[contained_bob["active"]], reason=(
        "The deny policy was removed, but not every recorded access key was reactivated: An error occurred (Throttling) "
        "when calling the UpdateAccessKey operation: Rate exceeded. The AWSIAM-Containment tag "
        "was kept, so running the action again finishes the restore. IAM's answer to reactivating "
        f"{contained_bob['active']} was lost, and no read could confirm whether it took effect: check the user's access "
        "keys in AWS."))]
    # No confirming read was started, and the tag stays for a second run to finish the restore.
    assert faults.attempts.count("UpdateAccessKey") == 3 and faults.attempts[-1] == "UpdateAccessKey"
    assert key_status(iam, "Bob.Jones")[contained_bob["active"]] == "Active"
    assert TAG in tags(iam, "Bob.Jones")
