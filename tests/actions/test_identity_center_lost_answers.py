"""Disable and Enable Identity Center User Access never report a write that took effect as failed.
Identity Center carries a request out but its answer is lost (a 500, a dropped connection), and the
retries are throttled until they run out: one GetInlinePolicyForPermissionSet then says whether the
policy changed. When that read cannot be made either, or the answer lost was ProvisionPermissionSet's,
the users of that set are `unconfirmed`, with a sentence telling the analyst what to check in AWS;
that is no failure of the action. Moto in-process, through the platform's path."""

import json

import BulkEngine
import pytest
from conftest import COMPLETED, FAILED
from identity_center_fakes import IC_CONFIG, S3_READ, ic_calls
from test_identity_center_access import (DISABLE, DISABLED, ENABLE, ENABLED, NOT_DISABLED_LINE, entry, only_statement,
                                         org, with_statement)

__all__ = ["org"]  # the contractors' organization, shared with the other Identity Center tests

PUT, DELETE, GET = "PutInlinePolicyToPermissionSet", "DeleteInlinePolicyFromPermissionSet", "GetInlinePolicyForPermissionSet"
PROVISION = "ProvisionPermissionSet"
# The first attempt is carried out but its answer lost; both retries are throttled, and then there are none left.
LOST_THEN_THROTTLED = ("lost", "throttled", "throttled")
THROTTLED_OUT = ("throttled", "throttled", "throttled")
UNCONFIRMED = "Could not confirm the following in IAM Identity Center, check them there: {} ({})"
DENY_ATTEMPTED = "the request to add them to the AWSIAMContainment statement of a permission set may have taken effect"
RELEASE_ATTEMPTED = ("the request to remove them from the AWSIAMContainment statement of a permission set may have "
                     "taken effect")
PROVISION_ATTEMPTED = "the request to provision a permission set that now denies them may have taken effect"
DENY_UNCONFIRMED = (
    "Permission set {}: Identity Center's answer to adding the user's ID to the AWSIAMContainment statement was lost, "
    "and no read could confirm whether it took effect, so the permission set was not provisioned. Check its inline "
    "policy in AWS: if the statement lists the user's ID, provision the permission set to its accounts there; if not, "
    "run the action again.")
RELEASE_UNCONFIRMED = (
    "Permission set {}: Identity Center's answer to removing the user's ID from the AWSIAMContainment statement was "
    "lost, and no read could confirm whether it took effect, so the permission set was not provisioned. Check its "
    "inline policy in AWS: if the statement no longer lists the user's ID, provision the permission set to its "
    "accounts there; if it does, run the action again.")
PROVISIONING_UNCONFIRMED = (
    "Permission set {}: the inline policy was written, but Identity Center's answer to provisioning it was lost: check "
    "the provisioning status of the permission set in AWS, and provision it to its accounts there if it did not start.")
# mary, found by user name (as the platform upper-cased it, then lower-cased), and her one permission set.
MARY_LOOKUP = ["ListInstances", "GetUserId", "ListGroupMembershipsForMember", "ListAccountAssignmentsForPrincipal",
               "ListAccountAssignmentsForPrincipal", "DescribePermissionSet", GET]


@pytest.fixture
def one_at_a_time(monkeypatch):
    """One permission set at a time, so that the scripted faults meet the calls in a known order."""
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 1)


def test_a_put_whose_answer_was_lost_then_throttled_out_is_confirmed_and_provisioned(run_action, org, faults):
    faults(PUT, *LOST_THEN_THROTTLED)
    out = run_action(DISABLE, entities=["mary"], config=IC_CONFIG)

    assert out.message == DISABLED.format("mary")
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [entry("MARY", "mary", org.mary, "disabled", ["ReadOnly"])]
    # One confirming read after the write's retries ran out, then the provisioning.
    assert ic_calls(out) == [*MARY_LOOKUP, PUT, GET, PROVISION]
    assert faults.attempts.count(PUT) == 3
    assert org.policy(org.readonly) == with_statement(org.mary)


def test_a_put_whose_connection_dropped_after_it_went_out_is_confirmed_not_a_stopped_run(run_action, org, faults):
    faults(PUT, "dropped", "dropped", "dropped")
    out = run_action(DISABLE, entities=["mary"], config=IC_CONFIG)

    assert out.message == DISABLED.format("mary")
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [entry("MARY", "mary", org.mary, "disabled", ["ReadOnly"])]
    assert ic_calls(out) == [*MARY_LOOKUP, PUT, GET, PROVISION]
    assert org.policy(org.readonly) == with_statement(org.mary)


def test_a_lost_put_whose_confirming_read_is_throttled_is_unconfirmed_and_not_provisioned(run_action, org, faults,
                                                                                         one_at_a_time):
    # Developer (jdoe's own set) is written as usual; ReadOnly (the group's) loses its answer.
    faults(PUT, "ok", *LOST_THEN_THROTTLED)
    faults(GET, "ok", "ok", *THROTTLED_OUT)
    out = run_action(DISABLE, entities=["jdoe", "mary"], config=IC_CONFIG)

    assert out.message == UNCONFIRMED.format("jdoe, mary", DENY_ATTEMPTED)
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.json_result == [
        entry("JDOE", "jdoe", org.jdoe, "unconfirmed", ["Developer"], DENY_UNCONFIRMED.format("ReadOnly")),
        entry("MARY", "mary", org.mary, "unconfirmed", [], DENY_UNCONFIRMED.format("ReadOnly")),
    ]
    calls = ic_calls(out)
    assert calls[calls.index(PUT):] == [PUT, PROVISION, "DescribePermissionSet", GET, PUT, GET]
    assert calls.count(PROVISION) == 1  # Developer's; ReadOnly's outcome is unknown, so it is not pushed
    # The write did take effect: only the read that would have said so was refused.
    assert org.policy(org.readonly) == with_statement(org.jdoe, org.mary)
    assert org.policy(org.developer) == only_statement(org.jdoe)


def test_a_lost_delete_on_enable_is_confirmed_and_the_user_enabled(run_action, org, faults, one_at_a_time):
    org.sso.put_inline_policy_to_permission_set(InstanceArn=org.arn, PermissionSetArn=org.developer,
                                                InlinePolicy=json.dumps(only_statement(org.jdoe)))
    faults(DELETE, *LOST_THEN_THROTTLED)
    out = run_action(ENABLE, entities=["jdoe"], config=IC_CONFIG)

    assert out.message == ENABLED.format("jdoe")
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "enabled", ["Developer"])]
    assert ic_calls(out) == ["ListInstances", "GetUserId", "ListPermissionSets", GET, GET, "DescribePermissionSet",
                             DELETE, GET, PROVISION]
    assert faults.attempts.count(DELETE) == 3
    assert org.policy(org.developer) is None


def test_a_lost_delete_whose_confirming_read_is_throttled_is_unconfirmed(run_action, org, faults, one_at_a_time):
    org.sso.put_inline_policy_to_permission_set(InstanceArn=org.arn, PermissionSetArn=org.developer,
                                                InlinePolicy=json.dumps(only_statement(org.jdoe)))
    faults(DELETE, *LOST_THEN_THROTTLED)
    faults(GET, "ok", "ok", *THROTTLED_OUT)
    out = run_action(ENABLE, entities=["jdoe"], config=IC_CONFIG)

    assert out.message == UNCONFIRMED.format("jdoe", RELEASE_ATTEMPTED)
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "unconfirmed", [], RELEASE_UNCONFIRMED.format("Developer"))]
    assert PROVISION not in ic_calls(out)
    assert org.policy(org.developer) is None


def test_a_lost_provisioning_answer_is_unconfirmed_with_where_to_check(run_action, org, faults):
    faults(PROVISION, *LOST_THEN_THROTTLED)
    out = run_action(DISABLE, entities=["mary"], config=IC_CONFIG)

    assert out.message == UNCONFIRMED.format("mary", PROVISION_ATTEMPTED)
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.json_result == [entry("MARY", "mary", org.mary, "unconfirmed", [], PROVISIONING_UNCONFIRMED.format("ReadOnly"))]
    # The write was answered, so nothing needs confirming; no read can tell an unanswered provisioning.
    assert ic_calls(out) == [*MARY_LOOKUP, PUT, PROVISION]
    assert faults.attempts.count(PROVISION) == 3
    assert org.policy(org.readonly) == with_statement(org.mary)


def test_a_put_refused_cannot_have_taken_effect_and_stays_failed_without_a_read(run_action, org, faults):
    faults(PUT, "denied")
    out = run_action(DISABLE, entities=["mary"], config=IC_CONFIG)

    assert out.message == NOT_DISABLED_LINE.format("mary")
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("MARY", "mary", org.mary, "failed", [], (
        "Permission set ReadOnly: An error occurred (AccessDeniedException) when calling the "
        "PutInlinePolicyToPermissionSet operation: User is not authorized to perform this action"))]
    assert ic_calls(out) == [*MARY_LOOKUP, PUT]
    assert faults.attempts.count(PUT) == 1
    assert org.policy(org.readonly) == S3_READ


def test_a_lost_answer_throttled_out_then_the_deadline_leaves_that_set_unconfirmed(run_action, org, faults,
                                                                                  deadline_after):
    # Developer (jdoe's own set) goes first: its answer is lost, the retries are throttled out, and
    # the deadline then refuses the confirming read; ReadOnly is never started.
    faults(PUT, *LOST_THEN_THROTTLED)
    deadline_after(PUT)
    out = run_action(DISABLE, entities=["jdoe", "mary"], config=IC_CONFIG)

    assert out.lines == [
        f"Error executing action '{DISABLE}'. Reason: The platform's execution deadline was near, so the action "
        "stopped starting new calls and reported what it had done.",
        NOT_DISABLED_LINE.format("jdoe, mary"),
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    not_reached = f"Permission set {org.readonly}: not attempted: the platform's execution deadline was near."
    assert out.json_result == [
        entry("JDOE", "jdoe", org.jdoe, "failed", [], f"{not_reached} {DENY_UNCONFIRMED.format('Developer')}"),
        entry("MARY", "mary", org.mary, "failed", [], not_reached),
    ]
    # The read was refused before it went out; nothing was provisioned.
    assert faults.attempts.count(GET) == 1
    assert PROVISION not in ic_calls(out)
    assert org.policy(org.developer) == only_statement(org.jdoe)
    assert org.policy(org.readonly) == S3_READ
