"""The containment record as the platform runs the actions, against moto (through the fault proxy
where faults matter): a record on a user who is no longer contained is replaced, never merged; at
the end of a user's step the record agrees with ListAccessKeys; so Enable never turns on a key
that the latest containment did not turn off. And a deny policy whose answer was lost is
confirmed by one read, or reported as unconfirmed, never as failed."""

import re

import pytest
from conftest import COMPLETED, FAILED, assert_clean

USER = "USERUNIQNAME"
TAG = "AWSIAM-Containment"
DENY = "DisableUserAccessPolicy"
WITH_KEYS = {"Deactivate Access Keys": "true"}
# Few, quick retries, so that a fault repeated on every attempt ends the call soon.
QUICK_RETRIES = {"AWSIAMConstants.MAX_ATTEMPTS": 3, "AWSIAMConstants.RETRY_MAX_DELAY_SECONDS": 0.01}


def key_status(iam, user="bob"):
    return {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def recorded(iam, user="bob"):
    """The keys the user's record lists, or None when the user carries no record."""
    value = {tag["Key"]: tag["Value"] for tag in iam.list_user_tags(UserName=user)["Tags"]}.get(TAG)
    if value is None:
        return None
    match = re.fullmatch(r"keys=(\S*) at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value)
    assert match, value
    return [key for key in match[1].split("/") if key]


def results(out):
    return [entry["EntityResult"] for entry in out.json_result]


def on_calls(faults, user="bob"):
    """A rule: faults[action](occurrence) for the actions named on `user`, nothing for the others."""
    def rule(action, params, occurrence):
        return faults[action](occurrence) if action in faults and params.get("UserName") == user else None
    return rule


@pytest.fixture
def bob(server_iam):
    server_iam.create_user(UserName="bob")
    return server_iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]


def retire_and_reissue(iam, retired):
    """What an administrator does after undoing a containment: the old key off, a new one issued."""
    iam.update_access_key(UserName="bob", AccessKeyId=retired, Status="Inactive")
    return iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]


def test_a_containment_undone_by_hand_leaves_a_stale_record_that_the_next_one_replaces(run_script, server_iam, bob):
    k1 = bob
    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    assert results(out)[0]["DeactivatedKeys"] == [k1]
    # An administrator undoes it by hand, but leaves the tag: K1 on again, the deny policy gone.
    server_iam.update_access_key(UserName="bob", AccessKeyId=k1, Status="Active")
    server_iam.delete_user_policy(UserName="bob", PolicyName=DENY)
    k2 = retire_and_reissue(server_iam, k1)

    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert results(out)[0]["DeactivatedKeys"] == [k2]
    assert out.iam_calls == ["GetUser", "ListUserTags", "ListUserPolicies", "PutUserPolicy", "ListAccessKeys", "TagUser",
                             "UpdateAccessKey"]
    assert recorded(server_iam) == [k2]  # the report and the record agree: K1 was not this containment's

    out = run_script("Enable User Access", entities=[("bob", USER)])
    assert results(out)[0]["ReactivatedKeys"] == [k2]
    assert key_status(server_iam) == {k1: "Inactive", k2: "Active"}  # the retired key stays retired


def test_a_stale_record_is_replaced_even_when_no_key_is_active(run_script, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    server_iam.delete_user_policy(UserName="bob", PolicyName=DENY)  # undone by hand; the key stays off

    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    assert out.lines == ["Successfully added deny policy to the following users in AWS IAM: bob",
                         "The following users in AWS IAM had no active access keys to deactivate: bob"]
    assert recorded(server_iam) == []
    run_script("Enable User Access", entities=[("bob", USER)])
    assert key_status(server_iam) == {bob: "Inactive"}


def test_a_record_enable_could_not_remove_is_replaced_by_the_next_containment(run_script, fault_proxy, server_iam, bob):
    k1 = bob
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)], endpoint_url=fault_proxy.url)
    fault_proxy.configure(rule=on_calls({"UntagUser": lambda occurrence: "throttling"}))
    out = run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert results(out)[0]["Status"] == "failed"
    assert (key_status(server_iam), recorded(server_iam)) == ({k1: "Active"}, [k1])  # restored, tag left behind
    k2 = retire_and_reissue(server_iam, k1)
    fault_proxy.configure(rule=None)

    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)], endpoint_url=fault_proxy.url)
    assert results(out)[0]["DeactivatedKeys"] == [k2]
    assert recorded(server_iam) == [k2]
    run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url)
    assert key_status(server_iam) == {k1: "Inactive", k2: "Active"}


def test_a_key_refused_after_an_unexecuted_503_is_taken_out_of_the_record(run_script, fault_proxy, server_iam, bob):
    # The first attempt's 503 was never executed, but could have been: only a read can tell.
    fault_proxy.configure(rule=on_calls({"UpdateAccessKey": lambda occurrence: "503" if occurrence == 1 else "denied"}))
    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)], endpoint_url=fault_proxy.url)
    assert_clean(out)
    assert out.lines == [
        'Error executing action "Disable User Access". Reason: An error occurred (AccessDenied) when calling the '
        "UpdateAccessKey operation: not authorized to perform: iam:UpdateAccessKey",
        "Added deny policy to the following users in AWS IAM, but could not deactivate all of their access keys: bob"]
    assert results(out)[0]["Reason"] == (
        f"The deny policy was added, but not every Active access key was deactivated: access key {bob}: An error "
        "occurred (AccessDenied) when calling the UpdateAccessKey operation: not authorized to perform: "
        "iam:UpdateAccessKey")
    assert results(out)[0]["DeactivatedKeys"] == []
    # One listing confirms the key is still Active; the record is corrected to say so.
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser", "ListAccessKeys",
                             "TagUser"]
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Active"}, [])


def test_a_key_update_whose_answer_was_lost_and_then_refused_is_confirmed_off(run_script, fault_proxy, server_iam, bob):
    fault_proxy.configure(rule=on_calls({"UpdateAccessKey": lambda occurrence: "lost-503" if occurrence == 1 else "denied"}))
    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)], endpoint_url=fault_proxy.url)
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert results(out)[0]["Status"] == "disabled"
    assert results(out)[0]["DeactivatedKeys"] == [bob]
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Inactive"}, [bob])


def test_a_record_whose_answer_was_lost_and_then_throttled_is_confirmed_and_the_keys_turned_off(
        run_script, fault_proxy, server_iam, bob):
    # The record goes on before any key is touched; IAM wrote it, but its answer was lost.
    fault_proxy.configure(rule=on_calls({"TagUser": lambda occurrence: "lost-503" if occurrence == 1 else "throttling"}))
    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert (results(out)[0]["Status"], results(out)[0]["DeactivatedKeys"]) == ("disabled", [bob])
    # One ListUserTags before the deny (is a record there?), one to confirm the record went on.
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser", "ListUserTags",
                             "UpdateAccessKey"]
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Inactive"}, [bob])


def test_a_record_that_cannot_be_confirmed_leaves_the_keys_on_and_says_the_record_may_list_them(
        run_script, fault_proxy, server_iam, bob):
    fault_proxy.configure(rule=on_calls({"TagUser": lambda occurrence: "lost-503" if occurrence == 1 else "throttling",
                                         "ListUserTags": lambda occurrence: None if occurrence == 1 else "throttling"}))
    out = run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert out.lines[-1] == ("Added deny policy to the following users in AWS IAM, but could not deactivate all of "
                             "their access keys: bob")
    assert results(out)[0]["DeactivatedKeys"] == []
    assert results(out)[0]["Reason"] == (
        "The deny policy was added, but not every Active access key was deactivated: An error occurred (Throttling) "
        f"when calling the TagUser operation: Rate exceeded The AWSIAM-Containment tag also lists {bob}, which may "
        "still be Active; Enable User Access only reactivates recorded keys that are Inactive.")
    assert fault_proxy.count("UpdateAccessKey") == 0
    # What the report warns of: the record IAM did write lists a key that is still Active.
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Active"}, [bob])


def test_a_reactivation_whose_answer_was_lost_and_then_throttled_is_confirmed_back_on(
        run_script, fault_proxy, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    fault_proxy.configure(rule=on_calls({"UpdateAccessKey": lambda occurrence: "lost-503" if occurrence == 1 else "throttling"}))
    out = run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url, overrides=QUICK_RETRIES)
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert (results(out)[0]["Status"], results(out)[0]["ReactivatedKeys"]) == ("enabled", [bob])
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "ListAccessKeys", "UpdateAccessKey",
                             "ListAccessKeys", "UntagUser"]
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Active"}, None)


def test_a_reactivation_that_cannot_be_confirmed_keeps_the_tag_and_says_the_key_may_be_back_on(
        run_script, fault_proxy, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    fault_proxy.configure(rule=on_calls({"UpdateAccessKey": lambda occurrence: "lost-503" if occurrence == 1 else "throttling",
                                         "ListAccessKeys": lambda occurrence: None if occurrence == 1 else "throttling"}))
    out = run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url, overrides=QUICK_RETRIES)
    assert_clean(out)
    assert results(out)[0]["ReactivatedKeys"] == []
    assert results(out)[0]["Reason"] == (
        "The deny policy was removed, but not every recorded access key was reactivated: An error occurred "
        "(Throttling) when calling the UpdateAccessKey operation: Rate exceeded. The AWSIAM-Containment tag was kept, "
        f"so running the action again finishes the restore. IAM's answer to reactivating {bob} was lost, and no read "
        "could confirm whether it took effect: check the user's access keys in AWS.")
    assert fault_proxy.count("UntagUser") == 0
    # What the report warns of: IAM did turn the key back on. The kept record lets a second run finish.
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Active"}, [bob])


RECOVER = {"Restore Mode": "Recover"}


def on_policy(faults, policy, user="bob"):
    """A rule: faults[action](occurrence) for the calls on `user` that name `policy` or no policy."""
    def rule(action, params, occurrence):
        if action in faults and params.get("UserName") == user and params.get("PolicyName", policy) == policy:
            return faults[action](occurrence)
        return None
    return rule


def test_a_recovery_cut_off_whose_answer_was_lost_is_confirmed_and_the_recovery_finished(
        run_script, fault_proxy, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    fault_proxy.configure(rule=on_policy({"PutUserPolicy": LOST_THEN_THROTTLED}, "AWSRevokeOlderSessions"))
    out = run_script("Enable User Access", RECOVER, entities=[("bob", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert results(out)[0]["Status"] == "recovered"
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "ListUserPolicies", "DeleteUserPolicy",
                             "UntagUser"]
    assert server_iam.list_user_policies(UserName="bob")["PolicyNames"] == ["AWSRevokeOlderSessions"]


def test_a_recovery_cut_off_that_cannot_be_confirmed_leaves_the_deny_on_and_says_so(
        run_script, fault_proxy, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    fault_proxy.configure(rule=on_policy({"PutUserPolicy": LOST_THEN_THROTTLED,
                                          "ListUserPolicies": lambda occurrence: "throttling"}, "AWSRevokeOlderSessions"))
    out = run_script("Enable User Access", RECOVER, entities=[("bob", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert out.lines == ["Could not confirm the following in AWS IAM, check them there: bob (the request to cut off "
                         "their sessions issued before containment may have taken effect)"]
    assert (out.state, out.result_value) == (COMPLETED, False)
    result = results(out)[0]
    assert (result["Status"], result["DenyPolicyRemoved"], result["RevokedBefore"]) == ("unconfirmed", False, None)
    assert result["Reason"] == (
        "IAM's answer to writing the policy AWSRevokeOlderSessions was lost, and no read could confirm whether it took "
        "effect, so the recovery stopped there: the deny policy was left on and the AWSIAM-Containment tag was kept. "
        "Check the user's inline policies in AWS, and run the action again.")
    # What the report warns of: the cut-off is on; the user is still contained, and keeps the record.
    assert sorted(server_iam.list_user_policies(UserName="bob")["PolicyNames"]) == ["AWSRevokeOlderSessions", DENY]
    assert recorded(server_iam) == [bob]


# --- The deny policy itself: a lost answer is confirmed, or reported as unconfirmed -------------

LOST_THEN_THROTTLED = lambda occurrence: "lost-503" if occurrence == 1 else "throttling"  # noqa: E731


@pytest.mark.parametrize("options", [{}, WITH_KEYS], ids=["deny-only", "with-keys"])
def test_a_deny_policy_whose_answer_was_lost_and_then_throttled_is_confirmed(run_script, fault_proxy, server_iam, bob, options):
    fault_proxy.configure(rule=on_calls({"PutUserPolicy": LOST_THEN_THROTTLED}))
    out = run_script("Disable User Access", options, entities=[("bob", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert out.lines[0] == "Successfully added deny policy to the following users in AWS IAM: bob"
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert results(out)[0]["Status"] == "disabled"
    assert fault_proxy.count("ListUserPolicies") == 1
    assert server_iam.list_user_policies(UserName="bob")["PolicyNames"] == [DENY]


def test_a_deny_policy_that_cannot_be_confirmed_is_reported_as_unconfirmed(run_script, fault_proxy, server_iam, bob):
    fault_proxy.configure(rule=on_calls({"PutUserPolicy": LOST_THEN_THROTTLED,
                                         "ListUserPolicies": lambda occurrence: "throttling"}))
    out = run_script("Disable User Access", entities=[("bob", USER), ("ghost", USER)], endpoint_url=fault_proxy.url,
                     overrides=QUICK_RETRIES)
    assert_clean(out)
    assert out.lines == [
        "Action wasn't able to find the following users in AWS IAM: GHOST",
        "Could not confirm the following in AWS IAM, check them there: bob (the request to add the deny policy may "
        "have taken effect)"]
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert results(out)[0] == {
        "UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob", "PolicyName": DENY, "Status": "unconfirmed",
        "Account": "123456789012", "ResolvedFrom": "name", "DeactivatedKeys": [],
        "Reason": "IAM's answer to adding the deny policy was lost, and no read could confirm whether it took effect: "
                  "check the user's inline policies in AWS, and run the action again if the deny policy is missing."}


def test_a_deny_policy_removal_whose_answer_was_lost_and_then_throttled_is_confirmed(run_script, fault_proxy, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    fault_proxy.configure(rule=on_calls({"DeleteUserPolicy": LOST_THEN_THROTTLED}))
    out = run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url, overrides=QUICK_RETRIES)
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert (results(out)[0]["Status"], results(out)[0]["DenyPolicyRemoved"]) == ("enabled", True)
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Active"}, None)


def test_a_deny_policy_removal_that_cannot_be_confirmed_stops_the_restore_as_unconfirmed(run_script, fault_proxy, server_iam, bob):
    run_script("Disable User Access", WITH_KEYS, entities=[("bob", USER)])
    fault_proxy.configure(rule=on_calls({"DeleteUserPolicy": LOST_THEN_THROTTLED,
                                         "ListUserPolicies": lambda occurrence: "throttling"}))
    out = run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url, overrides=QUICK_RETRIES)
    assert_clean(out)
    assert out.lines == ["Could not confirm the following in AWS IAM, check them there: bob (the request to remove the "
                         "deny policy may have taken effect)"]
    assert (out.state, out.result_value) == (COMPLETED, False)
    result = results(out)[0]
    assert (result["Status"], result["RecordedKeys"], result["ReactivatedKeys"]) == ("unconfirmed", [bob], [])
    assert result["Reason"] == (
        "IAM's answer to removing the deny policy was lost, and no read could confirm whether it took effect, so the "
        "restore stopped there: no access key was reactivated and the AWSIAM-Containment tag was kept. Check the user "
        "in AWS, and run the action again.")
    # Nothing else was changed: running the action again finishes the restore.
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Inactive"}, [bob])
    fault_proxy.configure(rule=None)
    out = run_script("Enable User Access", entities=[("bob", USER)], endpoint_url=fault_proxy.url)
    assert (key_status(server_iam), recorded(server_iam)) == ({bob: "Active"}, None)
