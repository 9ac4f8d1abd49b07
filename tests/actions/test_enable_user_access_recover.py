"""Enable User Access, Restore Mode Recover: after a real compromise the deny policy and the record
go, the recorded keys stay Inactive, and the user gets the console's AWSRevokeOlderSessions
document dated at the record's `at` (now, without a record), written before the deny goes. moto
stores that document faithfully but does not evaluate aws:TokenIssueTime, so the document itself
is what these tests compare."""

import json
from datetime import datetime, timezone

import pytest
from conftest import COMPLETED, FAILED, stub_get_user

import ContainmentWorkflow as Containment

ACTION = "Enable User Access"
USER = "USERUNIQNAME"
RECOVER = {"Restore Mode": "Recover"}
CONTAINED_AT = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
RECOVERED_AT = datetime(2026, 11, 30, 16, 45, 12, 345678, tzinfo=timezone.utc)
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
RECOVERED = "Successfully recovered the following users in AWS IAM: {}"
SESSIONS_CUT = "Revoked the sessions and temporary credentials issued before containment of the following users in AWS IAM: {}"
KEYS_KEPT = ("Kept Inactive, as a compromised access key is never reactivated, the recorded access keys of the following "
             "users in AWS IAM: {}")
NOT_DISABLED = "The following users in AWS IAM were not disabled, so there was nothing to restore: {}"
FAILED_LINE = "Action wasn't able to restore the access of the following users in AWS IAM: {}"
NOTHING = "Neither the deny policy DisableUserAccessPolicy nor the AWSIAM-Containment tag was on the user."


def cutoff_document(issued_before: str) -> dict:
    """The console's "Revoke active sessions" document, as the contract quotes it."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                                                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": issued_before}}}]}


def entry(entity, user_name, status, *, removed=False, recorded=(), revoked_before=None, kept=(), reason=None):
    result = {"UserName": user_name, "Arn": f"arn:aws:iam::123456789012:user/{user_name}",
              "PolicyName": "DisableUserAccessPolicy", "Status": status, "Account": "123456789012", "ResolvedFrom": "name",
              "DenyPolicyRemoved": removed, "RecordedKeys": list(recorded), "ReactivatedKeys": [],
              "RevokedBefore": revoked_before, "KeptInactive": list(kept)}
    if reason is not None:
        result["Reason"] = reason
    return {"Entity": entity, "EntityResult": result}


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = CONTAINED_AT

    monkeypatch.setattr(Containment, "utc_now", lambda: Clock.now)
    return Clock


@pytest.fixture
def bob(iam, clock):
    iam.create_user(UserName="Bob.Jones")
    iam.put_user_policy(UserName="Bob.Jones", PolicyName="s3-access", PolicyDocument=json.dumps(ALLOW_S3))
    active = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": "team", "Value": "payments"}])
    return active


def inline(iam, user):
    return {name: iam.get_user_policy(UserName=user, PolicyName=name)["PolicyDocument"]
            for name in iam.list_user_policies(UserName=user)["PolicyNames"]}


def key_status(iam, user):
    return {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def tags(iam, user):
    return {tag["Key"]: tag["Value"] for tag in iam.list_user_tags(UserName=user)["Tags"]}


def test_recover_keeps_the_keys_off_and_revokes_what_was_issued_before_containment(run_action, iam, bob, clock):
    run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("Bob.Jones", USER)])
    clock.now = RECOVERED_AT  # a day later: the cut-off is still the containment's moment
    out = run_action(ACTION, RECOVER, entities=[("BOB.JONES", USER)],
                     entity_details={"BOB.JONES": {"additional_properties": {"OriginalIdentifier": "Bob.Jones"}}})
    assert out.lines == [RECOVERED.format("Bob.Jones"), SESSIONS_CUT.format("Bob.Jones (before 2026-11-29T10:00:00Z)"),
                         KEYS_KEPT.format(f"Bob.Jones ({bob})")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    # The cut-off is written before the deny goes: no moment in which old credentials work again.
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "DeleteUserPolicy", "UntagUser"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "recovered", removed=True, recorded=[bob],
                                     revoked_before="2026-11-29T10:00:00Z", kept=[bob])]
    assert key_status(iam, "Bob.Jones") == {bob: "Inactive"}
    assert inline(iam, "Bob.Jones") == {"s3-access": ALLOW_S3, "AWSRevokeOlderSessions": cutoff_document("2026-11-29T10:00:00Z")}
    assert tags(iam, "Bob.Jones") == {"team": "payments"}


def test_the_second_recover_changes_nothing_and_says_so(run_action, iam, bob, clock):
    run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("Bob.Jones", USER)])
    run_action(ACTION, RECOVER, entities=[("Bob.Jones", USER)])
    clock.now = RECOVERED_AT
    out = run_action(ACTION, RECOVER, entities=[("Bob.Jones", USER)])
    assert (out.message, out.state, out.result_value) == (NOT_DISABLED.format("Bob.Jones"), COMPLETED, False)
    # No new cut-off: one dated now would end the sessions of his new key.
    assert out.iam_calls == ["GetUser", "ListUserTags", "ListUserPolicies"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "not_disabled", reason=NOTHING)]
    assert inline(iam, "Bob.Jones")["AWSRevokeOlderSessions"] == cutoff_document("2026-11-29T10:00:00Z")


def test_a_deny_without_a_record_is_cut_off_at_now(run_action, iam, bob, clock):
    run_action("Disable User Access", entities=[("Bob.Jones", USER)])
    clock.now = RECOVERED_AT
    out = run_action(ACTION, RECOVER, entities=[("Bob.Jones", USER)])
    assert out.lines == [RECOVERED.format("Bob.Jones"), SESSIONS_CUT.format("Bob.Jones (before 2026-11-30T16:45:12Z)")]
    assert out.iam_calls == ["GetUser", "ListUserTags", "ListUserPolicies", "PutUserPolicy", "DeleteUserPolicy"]
    assert out.json_result == [entry("BOB.JONES", "Bob.Jones", "recovered", removed=True,
                                     revoked_before="2026-11-30T16:45:12Z")]
    # A key containment did not turn off is not containment's to change.
    assert key_status(iam, "Bob.Jones") == {bob: "Active"}
    assert inline(iam, "Bob.Jones") == {"s3-access": ALLOW_S3, "AWSRevokeOlderSessions": cutoff_document("2026-11-30T16:45:12Z")}


def test_a_user_never_contained_gets_no_cut_off(run_action, iam, bob):
    out = run_action(ACTION, RECOVER, entities=[("Bob.Jones", USER)])
    assert (out.message, out.state, out.result_value) == (NOT_DISABLED.format("Bob.Jones"), COMPLETED, False)
    assert out.iam_calls == ["GetUser", "ListUserTags", "ListUserPolicies"]
    assert inline(iam, "Bob.Jones") == {"s3-access": ALLOW_S3}


def test_undo_and_recover_side_by_side_in_one_case_each_keep_their_own_json(run_action, iam, bob):
    run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("Bob.Jones", USER)])
    undo = run_action(ACTION, {"Restore Mode": "undo"}, entities=[("Bob.Jones", USER)])
    # Undo's JSON has exactly the fields it always had.
    assert sorted(undo.json_result[0]["EntityResult"]) == ["Account", "Arn", "DenyPolicyRemoved", "PolicyName",
                                                           "ReactivatedKeys", "RecordedKeys", "ResolvedFrom", "Status",
                                                           "UserName"]
    assert key_status(iam, "Bob.Jones") == {bob: "Active"}
    assert "AWSRevokeOlderSessions" not in inline(iam, "Bob.Jones")


def test_an_unknown_mode_fails_without_any_call(run_action):
    out = run_action(ACTION, {"Restore Mode": "Rewind"}, entities=[("bob", USER)])
    assert out.message == "Error executing action 'Enable User Access'. Reason: 'Restore Mode' must be one of: Undo, Recover."
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_an_edited_tag_still_gets_the_cut_off_and_stays_for_a_person(run_action, iam, bob, clock):
    iam.put_user_policy(UserName="Bob.Jones", PolicyName="DisableUserAccessPolicy",
                        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')
    iam.tag_user(UserName="Bob.Jones", Tags=[{"Key": "AWSIAM-Containment", "Value": "edited by hand"}])
    out = run_action(ACTION, RECOVER, entities=[("Bob.Jones", USER)])
    assert (out.lines, out.state) == ([FAILED_LINE.format("Bob.Jones")], FAILED)
    result = out.json_result[0]["EntityResult"]
    assert (result["Status"], result["RevokedBefore"], result["DenyPolicyRemoved"]) == ("failed", "2026-11-29T10:00:00Z", True)
    assert result["Reason"].startswith("The AWSIAM-Containment tag does not hold a record this integration wrote (edited by hand)")
    assert tags(iam, "Bob.Jones")["AWSIAM-Containment"] == "edited by hand"
    assert set(inline(iam, "Bob.Jones")) == {"s3-access", "AWSRevokeOlderSessions"}


# --- What moto cannot do (Stubber) ----------------------------------------------------------------

KEY = "AKIAIOSFODNN7EXAMPLE"
RECORD = f"keys={KEY} at=2026-11-29T10:00:00Z"


def queue_tags(stub_aws):
    stub_get_user(stub_aws, "bob")
    stub_aws.iam.add_response("list_user_tags", {"Tags": [{"Key": "AWSIAM-Containment", "Value": RECORD}], "IsTruncated": False},
                              expected_params={"UserName": "bob", "MaxItems": 1000})


def test_a_refused_cut_off_leaves_the_deny_on(stub_aws, run_action):
    queue_tags(stub_aws)
    stub_aws.iam.add_client_error("put_user_policy", "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user bob", 409)
    out = run_action(ACTION, RECOVER, entities=[("bob", USER)])
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy"]
    assert (out.lines, out.state, out.result_value) == ([FAILED_LINE.format("bob")], FAILED, False)
    # The record is read before any change, so the report names its keys, still Inactive.
    assert out.json_result == [entry("BOB", "bob", "failed", recorded=[KEY], kept=[KEY], reason=(
        "The sessions issued before containment could not be revoked, so the deny policy was left on and nothing was "
        "changed: An error occurred (LimitExceeded) when calling the PutUserPolicy operation: Maximum policy size of "
        "2048 bytes exceeded for user bob"))]


def test_a_deny_iam_refuses_to_delete_after_the_cut_off_says_what_was_done(stub_aws, run_action):
    queue_tags(stub_aws)
    stub_aws.iam.add_response("put_user_policy", {}, expected_params={
        "UserName": "bob", "PolicyName": "AWSRevokeOlderSessions",
        "PolicyDocument": json.dumps(cutoff_document("2026-11-29T10:00:00Z"), separators=(",", ":"))})
    stub_aws.iam.add_client_error("delete_user_policy", "ServiceFailure", "Try later", 400)
    out = run_action(ACTION, RECOVER, entities=[("bob", USER)])
    assert out.json_result == [entry("BOB", "bob", "failed", recorded=[KEY], revoked_before="2026-11-29T10:00:00Z", kept=[KEY], reason=(
        "The sessions issued before 2026-11-29T10:00:00Z were revoked, but the deny policy could not be removed: An "
        "error occurred (ServiceFailure) when calling the DeleteUserPolicy operation: Try later. Running the action "
        "again finishes the recovery."))]
    assert out.state == FAILED
