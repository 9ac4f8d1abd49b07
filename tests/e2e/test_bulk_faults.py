"""Every bulk action as the platform runs it, through the fault proxy in front of moto: throttling
is waited out, lost answers are reported as the run's own work, and the platform's deadline ends
a run with an exact partial report. Faults are seeded or chosen by rule, so each run repeats."""

import time

import pytest
from conftest import COMPLETED, FAILED, assert_clean

import IdentityParser
from IdentityModels import ItemStatus
from report_truth import outcomes

S = ItemStatus
GROUP = "devs"
MIX = dict(throttling=0.3, unavailable=0.05, lost=0.1)
DEADLINE_LINE = ("The platform's execution deadline was near, so the action stopped starting new "
                 "calls and reported what it had done.")


def first_attempt(fault, action=None, only=None):
    """A rule: `fault` on the first attempt of each request (of `action`, for the names in `only`)."""
    def rule(request_action, params, occurrence):
        if occurrence != 1 or (action and request_action != action):
            return None
        if only and params.get("UserName", params.get("GroupName")) not in only:
            return None
        return fault
    return rule


def names(count, prefix="u"):
    return [f"{prefix}{index:02d}" for index in range(count)]


def existing_users(iam):
    return {user["UserName"] for user in iam.list_users()["Users"]}


def members(iam, group=GROUP):
    return {user["UserName"] for user in iam.get_group(GroupName=group)["Users"]}


# --- Create a User / Create a Group -----------------------------------------------------------

@pytest.mark.parametrize("fault", ["throttling", "503", "lost-503", "lost-drop"])
def test_create_a_user_waits_out_each_fault_and_claims_exactly_its_own_work(run_script, fault_proxy, server_iam, fault):
    users = names(6)
    fault_proxy.configure(rule=first_attempt(fault, "CreateUser"))
    out = run_script("Create a User", {"User Name": ",".join(users)}, endpoint_url=fault_proxy.url)
    assert_clean(out)
    assert out.message == f"Successfully added the following users to IAM: {', '.join(users)}"
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [user["UserName"] for user in out.json_result] == users
    assert existing_users(server_iam) == set(users)
    assert fault_proxy.count("CreateUser") == 12  # each name: the faulted attempt and its retry
    # A lost answer is confirmed by one GetUser per name; the other faults never reached moto.
    assert fault_proxy.count("GetUser") == (6 if fault.startswith("lost") else 0)


def test_a_name_that_existed_before_the_run_is_never_claimed(run_script, fault_proxy, server_iam):
    server_iam.create_user(UserName="carol")
    time.sleep(1.1)  # IAM dates to the second: the run must start in a later second than carol
    fault_proxy.configure(rule=first_attempt("503", "CreateUser"))
    out = run_script("Create a User", {"User Name": "alice,carol"}, endpoint_url=fault_proxy.url)
    assert out.lines == [
        "Successfully added the following users to IAM: alice",
        "Could not add the following users to IAM: carol. Names must be unique within an account.",
    ]
    assert [user["UserName"] for user in out.json_result] == ["alice"]
    # carol's retry met EntityAlreadyExists after a 503, so her CreateDate was checked: too old.
    assert fault_proxy.count("GetUser", UserName="carol") == 1


def test_a_first_attempt_answered_exists_costs_no_check(run_script, fault_proxy, server_iam):
    server_iam.create_user(UserName="carol")
    out = run_script("Create a User", {"User Name": "carol"}, endpoint_url=fault_proxy.url)
    assert out.state == FAILED
    assert fault_proxy.actions() == ["CreateUser"]


def test_create_a_group_claims_a_group_whose_answer_was_lost(run_script, fault_proxy, server_iam):
    fault_proxy.configure(rule=first_attempt("lost-drop", "CreateGroup"))
    out = run_script("Create a Group", {"Group Name": "devs,ops"}, endpoint_url=fault_proxy.url)
    assert out.message == "Successfully added the following groups to IAM: devs, ops"
    assert [group["GroupName"] for group in out.json_result] == ["devs", "ops"]
    assert fault_proxy.count("GetGroup") == 2


# --- Membership -------------------------------------------------------------------------------

@pytest.fixture
def team(server_iam):
    server_iam.create_group(GroupName=GROUP)
    users = names(6)
    for user in users:
        server_iam.create_user(UserName=user)
    return users


@pytest.mark.parametrize("fault", ["throttling", "lost-503", "lost-drop"])
def test_remove_a_user_from_a_group_counts_a_removal_whose_answer_was_lost(run_script, fault_proxy, server_iam, team, fault):
    for user in team:
        server_iam.add_user_to_group(GroupName=GROUP, UserName=user)
    fault_proxy.configure(rule=first_attempt(fault, "RemoveUserFromGroup"))
    out = run_script("Remove a User from a Group", {"Group Name": GROUP, "User Name": ",".join(team)},
                     endpoint_url=fault_proxy.url)
    assert out.message == f"{', '.join(team)} has been removed from group: {GROUP}"
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert members(server_iam) == set()
    assert fault_proxy.count("GetGroup") == 0  # a retried "not in group" needs no explaining


@pytest.mark.parametrize("fault", ["throttling", "lost-503", "lost-drop"])
def test_add_a_user_to_a_group_is_idempotent_under_lost_answers(run_script, fault_proxy, server_iam, team, fault):
    fault_proxy.configure(rule=first_attempt(fault, "AddUserToGroup"))
    out = run_script("Add a User to a Group", {"Group Name": GROUP, "User Name": ",".join(team)},
                     endpoint_url=fault_proxy.url)
    assert out.message == f"Successfully added the user {', '.join(team)} to the IAM group: {GROUP}"
    assert members(server_iam) == set(team)


# --- Disable User Access ----------------------------------------------------------------------

def test_disable_user_access_under_lost_answers(run_script, fault_proxy, server_iam, team):
    fault_proxy.configure(rule=first_attempt("lost-drop", "PutUserPolicy"))
    out = run_script("Disable User Access", entities=team, endpoint_url=fault_proxy.url)
    assert out.message == f"Successfully added deny policy to the following users in AWS IAM: {', '.join(team)}"
    assert [entry["EntityResult"]["Status"] for entry in out.json_result] == ["disabled"] * 6
    for user in team:
        assert server_iam.list_user_policies(UserName=user)["PolicyNames"] == ["DisableUserAccessPolicy"]


# --- The fault mix, every bulk action: the report matches the account ---------------

MIX_SEED = 8


def test_create_a_user_under_the_fault_mix_reports_exactly(run_script, fault_proxy, server_iam):
    users = names(20)
    fault_proxy.configure(seed=MIX_SEED, **MIX)
    out = run_script("Create a User", {"User Name": ",".join(users)}, endpoint_url=fault_proxy.url)
    assert_clean(out)
    assert fault_proxy.faults("throttling") and fault_proxy.faults("lost")  # the mix really struck
    assert out.message == f"Successfully added the following users to IAM: {', '.join(users)}"
    assert existing_users(server_iam) == set(users)


def test_create_a_group_under_the_fault_mix_reports_exactly(run_script, fault_proxy, server_iam):
    groups = names(20, "g")
    fault_proxy.configure(seed=MIX_SEED, **MIX)
    out = run_script("Create a Group", {"Group Name": ",".join(groups)}, endpoint_url=fault_proxy.url)
    assert fault_proxy.faults("lost")
    assert out.message == f"Successfully added the following groups to IAM: {', '.join(groups)}"
    assert {group["GroupName"] for group in server_iam.list_groups()["Groups"]} == set(groups)


def test_membership_under_the_fault_mix_reports_exactly(run_script, fault_proxy, server_iam, team):
    outsiders = ["ghost1", "ghost2"]
    fault_proxy.configure(seed=MIX_SEED, **MIX)
    added = run_script("Add a User to a Group", {"Group Name": GROUP, "User Name": ",".join(team + outsiders)},
                       endpoint_url=fault_proxy.url)
    assert outcomes(added.lines, IdentityParser.MEMBERSHIP_LINES["add"], group=GROUP) == {
        **{user: S.DONE for user in team}, **{ghost: S.USER_MISSING for ghost in outsiders}}
    assert members(server_iam) == set(team)

    fault_proxy.reset()
    removed = run_script("Remove a User from a Group", {"Group Name": GROUP, "User Name": ",".join(team[:4])},
                         endpoint_url=fault_proxy.url)
    assert fault_proxy.faults()
    assert removed.message == f"{', '.join(team[:4])} has been removed from group: {GROUP}"
    assert members(server_iam) == set(team[4:])


def test_disable_user_access_under_the_fault_mix_reports_exactly(run_script, fault_proxy, server_iam, team):
    fault_proxy.configure(seed=MIX_SEED, **MIX)
    out = run_script("Disable User Access", entities=team + ["ghost"], endpoint_url=fault_proxy.url)
    assert fault_proxy.faults()
    assert [entry["EntityResult"]["Status"] for entry in out.json_result] == ["disabled"] * 6 + ["not_found"]
    for user in team:
        assert server_iam.list_user_policies(UserName=user)["PolicyNames"] == ["DisableUserAccessPolicy"]


# --- The platform's deadline --------------------------------------------------------------------

def test_the_deadline_ends_create_a_user_with_an_exact_partial_report(run_script, fault_proxy, server_iam):
    users = names(40)
    # Five waves of eight at 2 s each need 10 s, while the deadline leaves at most 7.5 s: some
    # names are never tried. The first wave is done by 2 s after start-up, so a start-up of up to
    # 5 s (a loaded machine) still leaves names created.
    fault_proxy.configure(latency_ms=2000)
    # The script is killed at the deadline, like the platform does: ending by itself is the test.
    out = run_script("Create a User", {"User Name": ",".join(users)}, endpoint_url=fault_proxy.url,
                     deadline_seconds=10)
    assert_clean(out)
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.lines[0] == f"Error executing action 'Create a User'. Reason: {DEADLINE_LINE}"
    reported = outcomes(out.lines[1:], IdentityParser.CREATE_LINES["user"])
    assert sorted(reported) == users  # every name once
    done = {name for name, status in reported.items() if status is S.DONE}
    not_tried = {name for name, status in reported.items() if status is S.OUT_OF_TIME}
    unanswered = {name for name, status in reported.items() if status is S.UNANSWERED}
    assert done and not_tried and set(reported.values()) <= {S.DONE, S.OUT_OF_TIME, S.UNANSWERED}
    assert [user["UserName"] for user in out.json_result] == sorted(done)
    in_account = existing_users(server_iam)
    assert done <= in_account and not (not_tried & in_account)
    assert in_account <= done | unanswered
    # Names reported as not attempted were never sent.
    assert all(fault_proxy.count("CreateUser", UserName=name) == 0 for name in not_tried)


def test_the_deadline_ends_disable_user_access_with_every_entity_reported(run_script, fault_proxy, server_iam):
    # Names of its own: the previous test's CreateUser requests still held at its deadline may
    # reach moto after this test's state was reset.
    users = names(40, "d")
    for user in users:
        server_iam.create_user(UserName=user)
    # As for Create a User: margins no start-up on a loaded machine can eat.
    fault_proxy.configure(latency_ms=2000)
    out = run_script("Disable User Access", entities=users, endpoint_url=fault_proxy.url, deadline_seconds=10)
    assert_clean(out)
    assert out.state == FAILED
    assert out.lines[0] == f'Error executing action "Disable User Access". Reason: {DEADLINE_LINE}'
    results = {entry["EntityResult"]["UserName"]: entry["EntityResult"] for entry in out.json_result}
    assert sorted(results) == users
    disabled = {name for name, result in results.items() if result["Status"] == "disabled"}
    out_of_time = {name for name, result in results.items()
                   if result.get("Reason") == "Not attempted: the platform's execution deadline was near."}
    assert disabled and out_of_time
    for name in disabled:
        assert server_iam.list_user_policies(UserName=name)["PolicyNames"] == ["DisableUserAccessPolicy"]
    for name in out_of_time:
        assert server_iam.list_user_policies(UserName=name)["PolicyNames"] == []


THROTTLED = "An error occurred (Throttling) when calling the CreateUser operation: Rate exceeded"
ALWAYS_THROTTLED = dict(rule=lambda action, params, occurrence: "throttling" if action == "CreateUser" else None)


def test_throttling_that_outlasts_the_deadline_is_reported_not_done(run_script, fault_proxy, server_iam):
    fault_proxy.configure(**ALWAYS_THROTTLED)
    # Attempts enough that only the deadline can end the retries.
    out = run_script("Create a User", {"User Name": "alice"}, endpoint_url=fault_proxy.url, deadline_seconds=8,
                     overrides={"AWSIAMConstants.MAX_ATTEMPTS": 100})
    assert_clean(out)
    cut = f"{THROTTLED} (not retried: the platform's execution deadline left no time to try again)"
    assert out.lines == [f"Error executing action 'Create a User'. Reason: {cut}",
                         f"Could not add the following users to IAM: alice. {cut}"]
    assert existing_users(server_iam) == set()
    assert fault_proxy.count("CreateUser") >= 2  # retried while the deadline allowed


def test_throttling_is_retried_a_bounded_number_of_times(run_script, fault_proxy, server_iam):
    fault_proxy.configure(**ALWAYS_THROTTLED)
    out = run_script("Create a User", {"User Name": "alice"}, endpoint_url=fault_proxy.url,
                     overrides={"AWSIAMConstants.RETRY_MAX_DELAY_SECONDS": 0.01})
    assert out.lines == [f"Error executing action 'Create a User'. Reason: {THROTTLED}",
                         f"Could not add the following users to IAM: alice. {THROTTLED}"]
    assert fault_proxy.count("CreateUser") == 10  # MAX_ATTEMPTS, the first try included
