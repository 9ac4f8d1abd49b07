"""Containment and its undo as the platform runs them, through the fault proxy in front of moto:
whatever faults strike, every key the action turned off is in the user's record, the report
matches the account, and Enable restores exactly what Disable changed."""

import pytest
from conftest import COMPLETED, FAILED, assert_clean
from test_bulk_faults import DEADLINE_LINE, MIX, first_attempt, names

TAG = "AWSIAM-Containment"
MIX_SEED = 8
# Access key IDs are random, so requests naming them draw new faults on every run; attempts to
# spare keep the retry bound (tested on its own) from deciding these runs.
SPARE_ATTEMPTS = {"AWSIAMConstants.MAX_ATTEMPTS": 30}


@pytest.fixture
def staff(server_iam):
    """Six users, each with a key in use and an old one switched off before any containment."""
    keys = {}
    for user in names(6):
        server_iam.create_user(UserName=user)
        active = server_iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
        old = server_iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
        server_iam.update_access_key(UserName=user, AccessKeyId=old, Status="Inactive")
        keys[user] = (active, old)
    return keys


def key_status(iam, user):
    return {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def record(iam, user):
    return {tag["Key"]: tag["Value"] for tag in iam.list_user_tags(UserName=user)["Tags"]}.get(TAG)


def recorded_keys(iam, user):
    value = record(iam, user)
    return set(value.split(" ")[0].removeprefix("keys=").split("/")) - {""} if value else set()


def test_disable_then_enable_under_the_fault_mix_restore_exactly(run_script, fault_proxy, server_iam, staff):
    users = list(staff)
    fault_proxy.configure(seed=MIX_SEED, **MIX)
    out = run_script("Disable User Access", {"Deactivate Access Keys": "true"}, entities=users,
                     endpoint_url=fault_proxy.url, overrides=SPARE_ATTEMPTS)
    assert_clean(out)
    assert fault_proxy.faults()
    assert [e["EntityResult"]["Status"] for e in out.json_result] == ["disabled"] * 6, out.json_result
    assert [e["EntityResult"]["DeactivatedKeys"] for e in out.json_result] == [[staff[user][0]] for user in users]
    for user, (active, old) in staff.items():
        assert key_status(server_iam, user) == {active: "Inactive", old: "Inactive"}
        assert recorded_keys(server_iam, user) == {active}

    out = run_script("Enable User Access", entities=users, endpoint_url=fault_proxy.url, overrides=SPARE_ATTEMPTS)
    assert_clean(out)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [e["EntityResult"]["ReactivatedKeys"] for e in out.json_result] == [[staff[user][0]] for user in users]
    for user, (active, old) in staff.items():
        assert key_status(server_iam, user) == {active: "Active", old: "Inactive"}
        assert record(server_iam, user) is None
        assert server_iam.list_user_policies(UserName=user)["PolicyNames"] == []


@pytest.mark.parametrize("fault", ["lost-503", "lost-drop"])
def test_a_deny_policy_deleted_on_a_lost_answer_counts_as_removed(run_script, fault_proxy, server_iam, staff, fault):
    users = list(staff)
    run_script("Disable User Access", entities=users, endpoint_url=fault_proxy.url)
    fault_proxy.configure(rule=first_attempt(fault, "DeleteUserPolicy"))
    out = run_script("Enable User Access", entities=users, endpoint_url=fault_proxy.url)
    assert out.message == f"Successfully enabled the following users in AWS IAM: {', '.join(users)}"
    assert [e["EntityResult"]["DenyPolicyRemoved"] for e in out.json_result] == [True] * 6
    assert fault_proxy.faults()


@pytest.mark.parametrize("fault", ["throttling", "lost-503", "lost-drop"])
def test_revoke_role_sessions_under_lost_answers(run_script, fault_proxy, server_iam, fault):
    trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    roles = names(4, prefix="role")
    for role in roles:
        server_iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    fault_proxy.configure(rule=first_attempt(fault, "PutRolePolicy"))
    out = run_script("Revoke Role Sessions", {"Role Name": ",".join(roles)}, endpoint_url=fault_proxy.url)
    assert_clean(out)
    assert [r["Status"] for r in out.json_result] == ["revoked"] * 4
    for role in roles:
        assert server_iam.list_role_policies(RoleName=role)["PolicyNames"] == ["AWSRevokeOlderSessions"]


def test_the_deadline_never_leaves_a_key_turned_off_and_unrecorded(run_script, fault_proxy, server_iam):
    keys = {}
    for user in names(40):
        server_iam.create_user(UserName=user)
        keys[user] = server_iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    # Six calls per user (GetUser, PutUserPolicy, ListAccessKeys, ListUserTags, TagUser,
    # UpdateAccessKey) at 500 ms each, eight users at a time: five waves need 15 s, the deadline
    # leaves at most 7.5 s. The first users finish 3 s after start-up (so a start-up of up to 4.5 s
    # on a loaded machine still leaves some disabled); the deadline cuts later ones anywhere in
    # their sequence.
    fault_proxy.configure(latency_ms=500)
    out = run_script("Disable User Access", {"Deactivate Access Keys": "true"}, entities=list(keys),
                     endpoint_url=fault_proxy.url, deadline_seconds=10)
    assert_clean(out)
    assert out.state == FAILED
    assert out.lines[0] == f'Error executing action "Disable User Access". Reason: {DEADLINE_LINE}'
    results = {e["EntityResult"]["UserName"]: e["EntityResult"] for e in out.json_result}
    assert sorted(results) == sorted(keys)
    assert any(result["Status"] == "disabled" for result in results.values())
    assert any(result["Status"] == "failed" for result in results.values())
    for user, key in keys.items():
        status = key_status(server_iam, user)[key]
        if status == "Inactive":
            # Turned off by the run: recorded before it was touched, whatever the report says.
            assert key in recorded_keys(server_iam, user), user
        if results[user]["Status"] == "disabled":
            assert (status, results[user]["DeactivatedKeys"]) == ("Inactive", [key])
        if key in results[user]["DeactivatedKeys"]:
            assert status == "Inactive"
        if results[user].get("Reason", "").startswith("The deny policy was added"):
            # Cut short in the key step: the deny is on and said to be.
            assert server_iam.list_user_policies(UserName=user)["PolicyNames"] == ["DisableUserAccessPolicy"]
