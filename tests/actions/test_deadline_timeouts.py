"""Every action ends with a result before the platform's deadline, however slowly AWS answers:
each attempt's connect and read timeouts fit in the time left. AWS's slowness passes on a virtual
clock (see slow_aws), so these tests measure the integration's arithmetic, not the machine's load."""

import json

import pytest
from conftest import COMPLETED, FAILED, ROLE_CONFIG

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
MARGIN = 2.0  # BulkEngine.DEADLINE_MARGIN_SECONDS: what the action keeps back to report and end()


@pytest.fixture
def account(iam):
    iam.create_group(GroupName="Developers")
    iam.create_user(UserName="alice")
    iam.create_role(RoleName="ci-deploy", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    iam.create_policy(PolicyName="ReadBucket", PolicyDocument=DOCUMENT)
    return iam


def attached_to_developers(iam) -> list[str]:
    return [policy["PolicyName"] for policy in iam.list_attached_group_policies(GroupName="Developers")["AttachedPolicies"]]


def test_attach_a_policy_with_every_answer_8s_late_ends_before_a_20s_deadline(run_action, account, slow_aws):
    slow_aws(8)
    out = slow_aws.run("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "ReadBucket"}, deadline=20)
    # GetCallerIdentity ends at 8 s, the first GetPolicy at 16 s; the second may wait only 2 s.
    assert out.message == ("Error executing action 'Attach a Policy'. Reason: The platform's execution deadline came "
                           "before AWS answered the GetPolicy call. No change was made in AWS.")
    assert (out.state, out.result_value) == (FAILED, False)
    assert slow_aws.attempts == ["GetCallerIdentity", "GetPolicy", "GetPolicy"]
    assert slow_aws.clock.elapsed == 20 - MARGIN
    assert attached_to_developers(account) == []


def test_attach_a_policy_cut_while_attaching_says_it_may_have_taken_effect(run_action, account, slow_aws):
    slow_aws(5)
    out = slow_aws.run("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "ReadBucket"}, deadline=20)
    assert out.message == ("Error executing action 'Attach a Policy'. Reason: The platform's execution deadline came "
                           "before AWS answered the AttachGroupPolicy call. The AttachGroupPolicy call may have taken "
                           "effect: check in AWS. No other change was made.")
    assert out.state == FAILED
    assert slow_aws.clock.elapsed <= 20 - MARGIN
    # The request reached AWS, only its answer was late: it did take effect, as the message warns.
    assert attached_to_developers(account) == ["ReadBucket"]


def test_a_call_the_deadline_leaves_no_time_for_is_not_made(run_action, account, slow_aws):
    slow_aws(9)
    out = slow_aws.run("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "ReadBucket"}, deadline=20)
    # 9 s + 9 s is exactly the 18 s there are: nothing is left to start the second GetPolicy.
    assert out.message == ("Error executing action 'Attach a Policy'. Reason: The platform's execution deadline came "
                           "before the GetPolicy call could be made, so the action stopped there. No change was made in AWS.")
    assert slow_aws.attempts == ["GetCallerIdentity", "GetPolicy"]


def test_create_a_policy_reports_the_change_it_cannot_confirm(run_action, account, slow_aws):
    slow_aws(30)
    out = slow_aws.run("Create a Policy", {"Policy Name": "Fresh", "Policy Document": DOCUMENT}, deadline=20)
    assert out.message == ("Error executing action 'Create a Policy'. Reason: The platform's execution deadline came "
                           "before AWS answered the CreatePolicy call. The CreatePolicy call may have taken effect: "
                           "check in AWS. No other change was made.")
    assert slow_aws.clock.elapsed == 20 - MARGIN


def test_ping_with_a_hanging_list_users_starts_no_retry_it_cannot_finish(run_action, slow_aws):
    slow_aws(3600, only={"ListUsers"})
    out = slow_aws.run("Ping", deadline=60)
    # The first attempt waits the full 30 s read timeout; a retry would get only the 28 s left.
    assert out.message == ('Failed to connect to the AWS IAM server! Error is Read timeout on endpoint URL: '
                           '"https://iam.amazonaws.com/" (not retried: the platform\'s execution deadline left no '
                           'time to try again)')
    assert (out.state, out.result_value) == (FAILED, False)
    assert slow_aws.attempts == ["ListUsers"]
    assert slow_aws.clock.elapsed == 30


def test_a_timed_out_call_is_retried_while_a_full_wait_still_fits(run_action, slow_aws):
    slow_aws(3600, only={"ListUsers"})
    out = slow_aws.run("Ping", deadline=100)
    # 30 s, 60 s, 90 s: after the third, 8 s are left, less than the 30 s the endpoint already had.
    assert slow_aws.attempts == ["ListUsers"] * 3
    assert out.state == FAILED
    assert slow_aws.clock.elapsed <= 100 - MARGIN


def test_a_listing_of_many_pages_ends_at_the_deadline(run_action, iam, slow_aws, monkeypatch):
    import AWSIAMManager

    monkeypatch.setattr(AWSIAMManager, "PAGE_SIZE", 2)
    for index in range(5):
        iam.create_policy(PolicyName=f"policy{index}", PolicyDocument=DOCUMENT)
    slow_aws(8)
    out = slow_aws.run("List Policies", {"Scope": "Local", "Max Policies to Return": "100"}, deadline=20)
    # Two pages of two at 8 s each; the third page may wait only 2 s.
    assert out.message == ("Error executing action 'List Policies'. Reason: The platform's execution deadline came "
                           "before AWS answered the ListPolicies call. No change was made in AWS.")
    assert slow_aws.attempts == ["ListPolicies"] * 3
    assert slow_aws.clock.elapsed == 20 - MARGIN


def test_assume_role_waits_no_longer_than_the_deadline(run_action, slow_aws):
    slow_aws(3600, only={"AssumeRole"})
    out = slow_aws.run("Ping", config=ROLE_CONFIG, deadline=12)
    assert out.message == ("Failed to connect to the AWS IAM server! Error is The platform's execution deadline came "
                           "before AWS answered the AssumeRole call. No change was made in AWS.")
    assert slow_aws.clock.elapsed == 12 - MARGIN


SANE = {
    "Ping": {},
    "List Users": {}, "List Groups": {}, "List Policies": {},
    "Create a User": {"User Name": "bob"},
    "Create a Group": {"Group Name": "Ops"},
    "Add a User to a Group": {"Group Name": "Developers", "User Name": "alice"},
    "Remove a User from a Group": {"Group Name": "Developers", "User Name": "alice"},
    "Create a Policy": {"Policy Name": "Fresh", "Policy Document": DOCUMENT},
    "Attach a Policy": {"Identity Type": "Role", "Identity Name": "ci-deploy", "Policy Name": "ReadBucket"},
    "Detach a Policy": {"Identity Type": "Role", "Identity Name": "ci-deploy", "Policy Name": "ReadBucket"},
    "Revoke Role Sessions": {"Role Name": "ci-deploy"},
    "Restore Role Access": {"Role Name": "ci-deploy"},
    "List Identity Risks": {},
}
ENTITY_ACTIONS = {"Disable User Access": {"Deactivate Access Keys": "true"}, "Enable User Access": {}, "Enrich User": {}}


@pytest.mark.parametrize("latency", [3, 8, 19, 3600])
@pytest.mark.parametrize("action", [*SANE, *ENTITY_ACTIONS])
def test_every_action_ends_with_a_result_before_the_deadline(run_action, account, slow_aws, action, latency):
    slow_aws(latency)
    entities = ["alice"] if action in ENTITY_ACTIONS else None
    out = slow_aws.run(action, SANE.get(action, ENTITY_ACTIONS.get(action)), entities, deadline=20)
    assert out.state in (COMPLETED, FAILED)
    assert slow_aws.clock.elapsed <= 20 - MARGIN
    assert "Unexpected error" not in out.message
    if latency > 20 - MARGIN:
        # Even the first call got no answer in time: the message says the deadline came.
        assert "deadline" in out.message
        assert out.state == FAILED
