"""The deadline end to end: a subprocess run as the platform runs it (and kills it at its
deadline), through the fault proxy's latency. The margins are seconds wide: start-up on a loaded
machine may move where the deadline cuts a run, so the tests assert what holds wherever it cuts."""

import json

import pytest
from conftest import FAILED, assert_clean

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
DEADLINE_CAME = "Error executing action 'Attach a Policy'. Reason: The platform's execution deadline came before "


def test_attach_a_policy_with_slow_answers_ends_by_itself_before_the_deadline(run_script, fault_proxy, server_iam):
    server_iam.create_group(GroupName="Developers")
    server_iam.create_policy(PolicyName="ReadBucket", PolicyDocument=DOCUMENT)
    # Four calls of 3 s each need 12 s; the deadline leaves at most 8 s after the 2 s margin.
    fault_proxy.configure(latency_ms=3000)
    # run_script kills the script at the deadline, as the platform does: ending by itself is the test.
    out = run_script("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers",
                                         "Policy Name": "ReadBucket"}, endpoint_url=fault_proxy.url, deadline_seconds=10)
    assert_clean(out)
    assert out.message.startswith(DEADLINE_CAME), out.message
    assert (out.state, out.result_value) == (FAILED, False)
    if "may have taken effect" not in out.message:
        # The cut came before AttachGroupPolicy went out, and the message says nothing changed.
        assert out.message.endswith("No change was made in AWS.")
        assert fault_proxy.arrived("AttachGroupPolicy") == 0
        assert server_iam.list_attached_group_policies(GroupName="Developers")["AttachedPolicies"] == []


def test_ping_with_a_hanging_list_users_ends_after_one_attempt(run_script, fault_proxy):
    fault_proxy.configure(hang={"ListUsers"})
    # A read timeout of 4 s and a deadline 10 s away: at most 8 s after the margin, less start-up,
    # so the first attempt's wait (4 s, or less when start-up was slow) leaves no room for a second.
    out = run_script("Ping", endpoint_url=fault_proxy.url, deadline_seconds=10,
                     overrides={"AWSIAMConstants.READ_TIMEOUT_SECONDS": 4})
    assert_clean(out)
    assert out.state == FAILED
    assert out.message.startswith("Failed to connect to the AWS IAM server! Error is "), out.message
    if fault_proxy.arrived("ListUsers") == 0:
        # A start-up slower than 7.5 s (a machine under extreme load) leaves no time for any try.
        assert out.message.endswith("before the ListUsers call could be made, so the action stopped there. "
                                    "No change was made in AWS."), out.message
        return
    assert fault_proxy.arrived("ListUsers") == 1
    assert out.message.endswith((
        "(not retried: the platform's execution deadline left no time to try again)",
        "The platform's execution deadline came before AWS answered the ListUsers call. No change was made in AWS.",
    )), out.message


@pytest.mark.parametrize("action, params", [
    ("List Users", {}),
    ("Create a User", {"User Name": "bob"}),
])
def test_a_hanging_call_ends_the_action_before_the_deadline(run_script, fault_proxy, action, params):
    operation = {"List Users": "ListUsers", "Create a User": "CreateUser"}[action]
    fault_proxy.configure(hang={operation})
    out = run_script(action, params, endpoint_url=fault_proxy.url, deadline_seconds=10)
    assert_clean(out)
    assert out.state == FAILED
    assert "deadline" in out.message
