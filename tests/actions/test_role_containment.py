"""Revoke Role Sessions with roles from entities, Scope Named session only and Block New Sessions,
and Restore Role Access. moto writes trust and inline policies faithfully but evaluates neither
trust policies nor aws:userid / aws:TokenIssueTime, so every test compares the documents exactly
as IAM holds them, as parsed JSON."""

import json
import random
from datetime import datetime, timezone

import pytest
from conftest import COMPLETED, FAILED

import RoleSessionsWorkflow as RoleSessions

REVOKE, RESTORE = "Revoke Role Sessions", "Restore Role Access"
USER = "USERUNIQNAME"
ACCOUNT = "123456789012"
NOW = datetime(2026, 11, 29, 10, 0, 0, tzinfo=timezone.utc)
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"},
    {"Sid": "Humans", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
]}
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
BLOCK = {"Sid": "AWSIAMBlockNewSessions", "Effect": "Deny", "Principal": "*",
         "Action": ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]}
NAMED = {"Scope": "Named session only"}
NO_SESSION = ("Scope 'Named session only' needs a session: give the role as an assumed-role ARN "
              "(arn:aws:sts::<account>:assumed-role/<role>/<session>) or as a session's principal ID (AROA...:<session>). "
              "Nothing was changed.")
SKIPPED = "Skipped {} User entities that name no IAM role (users, or nothing in IAM): {}"
NOTHING_TO_RESTORE = ("Neither the trust-policy statement AWSIAMBlockNewSessions nor the inline policies AWSIAMRevokedSessions "
                      "and AWSRevokeOlderSessions were on the role.")


def session_arn(role, session, account=ACCOUNT):
    return f"arn:aws:sts::{account}:assumed-role/{role}/{session}"


def denied(*user_ids):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                                                    "Condition": {"StringEquals": {"aws:userid": list(user_ids)}}}]}


def cutoff(at="2026-11-29T10:00:00Z"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                                                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": at}}}]}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(RoleSessions, "utc_now", lambda: NOW)


@pytest.fixture
def build(iam):
    """The build role a fleet shares; it has its own inline policy. Returns its RoleId."""
    role = iam.create_role(RoleName="build", Path="/ci/", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    iam.put_role_policy(RoleName="build", PolicyName="s3-access", PolicyDocument=json.dumps(ALLOW_S3))
    iam.create_user(UserName="alice")
    return role["RoleId"]


def state(iam, role="build"):
    """The role's trust policy and inline policies, as parsed JSON."""
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    inline = {name: iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
              for name in iam.list_role_policies(RoleName=role)["PolicyNames"]}
    return trust, inline


# --- Named session only ---------------------------------------------------------------------------


def test_one_stolen_session_is_denied_and_the_fleet_keeps_working(run_action, iam, build):
    out = run_action(REVOKE, NAMED, entities=[(session_arn("build", "i-0stolen"), USER)])
    assert out.lines == [f"Successfully revoked only the named sessions of the following roles in AWS IAM: build ({build}:i-0stolen)"]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["GetRole", "GetRolePolicy", "PutRolePolicy"]
    assert out.json_result == [{
        "RoleName": "build", "Arn": f"arn:aws:iam::{ACCOUNT}:role/ci/build", "Account": ACCOUNT, "Status": "revoked",
        "Scope": "Named session only", "RevokedBefore": None, "RevokedSessions": [f"{build}:i-0stolen"],
        "NewSessionsBlocked": False, "Inputs": [session_arn("build", "i-0stolen").upper()]}]
    trust, inline = state(iam)
    assert trust == TRUST
    assert inline == {"s3-access": ALLOW_S3, "AWSIAMRevokedSessions": denied(f"{build}:i-0stolen")}


def test_later_runs_merge_sessions_into_the_one_policy_and_a_repeat_writes_nothing(run_action, iam, build):
    run_action(REVOKE, NAMED, entities=[(session_arn("build", "i-0stolen"), USER)])
    out = run_action(REVOKE, {**NAMED, "Role Name": f"{session_arn('build', 'i-0second')}, {session_arn('build', 'i-0stolen')}"})
    assert out.json_result[0]["RevokedSessions"] == [f"{build}:i-0stolen", f"{build}:i-0second"]
    assert state(iam)[1]["AWSIAMRevokedSessions"] == denied(f"{build}:i-0stolen", f"{build}:i-0second")
    again = run_action(REVOKE, NAMED, entities=[(session_arn("build", "i-0second"), USER)])
    assert (again.state, again.result_value) == (COMPLETED, True)
    assert again.iam_calls == ["GetRole", "GetRolePolicy"]  # nothing new to write
    assert state(iam)[1]["AWSIAMRevokedSessions"] == denied(f"{build}:i-0stolen", f"{build}:i-0second")


def test_a_role_without_a_session_fails_under_the_named_scope_and_is_not_touched(run_action, iam, build):
    out = run_action(REVOKE, {**NAMED, "Role Name": "build"})
    assert (out.lines, out.state, out.result_value) == (
        ["Action wasn't able to revoke the sessions of the following roles in AWS IAM: build"], FAILED, False)
    assert out.json_result[0]["Reason"] == NO_SESSION
    assert out.iam_calls == []
    assert state(iam) == (TRUST, {"s3-access": ALLOW_S3})


def test_a_principal_id_names_the_session_too(run_action, iam, build):
    out = run_action(REVOKE, NAMED, entities=[(f"{build}:i-0stolen", USER)])
    assert out.json_result[0]["RevokedSessions"] == [f"{build}:i-0stolen"]
    assert out.iam_calls == ["ListRoles", "GetRole", "GetRolePolicy", "PutRolePolicy"]


# --- Roles from entities ----------------------------------------------------------------------------


def test_entities_naming_roles_are_worked_on_once_and_users_are_skipped_and_counted(run_action, iam, build):
    arn = f"arn:aws:iam::{ACCOUNT}:role/ci/build"
    entities = [("ALICE", USER), (arn.upper(), USER), ("build", USER), (build, USER), ("AKIAIOSFODNN7EXAMPLE", USER),
                (session_arn("build", "i-0stolen"), USER)]
    details = {arn.upper(): {"additional_properties": {"OriginalIdentifier": arn}},
               "ALICE": {"additional_properties": {"OriginalIdentifier": "alice"}}}
    out = run_action(REVOKE, entities=entities, entity_details=details)
    assert out.lines == [
        "Successfully revoked the sessions issued before 2026-11-29T10:00:00 UTC of the following roles in AWS IAM: build",
        SKIPPED.format(2, "ALICE, AKIAIOSFODNN7EXAMPLE"),
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    # alice: one GetRole that does not find her; the key needs none; the role: one PutRolePolicy for
    # four ways of naming it.
    assert sorted(out.iam_calls) == ["GetRole", "ListRoles", "PutRolePolicy"]
    assert [(r["RoleName"], r["Status"], r["Inputs"]) for r in out.json_result] == [
        ("build", "revoked", [arn.upper(), "BUILD", build, session_arn("build", "i-0stolen").upper()])]
    assert state(iam)[1] == {"s3-access": ALLOW_S3, "AWSRevokeOlderSessions": cutoff()}


def test_only_users_in_the_case_complete_false_with_the_count(run_action, iam, build):
    out = run_action(REVOKE, entities=[("alice", USER), ("arn:aws:iam::123456789012:user/alice", USER)])
    assert out.lines == ["No role to act on: 'Role Name' is empty and no User entity names an IAM role.",
                         SKIPPED.format(2, "ALICE, ARN:AWS:IAM::123456789012:USER/ALICE")]
    assert (out.state, out.result_value, out.json_result) == (COMPLETED, False, [])
    assert out.iam_calls == ["GetRole"]


@pytest.mark.parametrize("text, reason", [
    (session_arn("build", "a b"), "The session name is not one IAM can give a role session: 2 to 64 letters, digits and +=,.@_- characters."),
    (session_arn("build", "x"), "The session name is not one IAM can give a role session: 2 to 64 letters, digits and +=,.@_- characters."),
    (session_arn("gone", "i-0stolen"), "The assumed-role ARN names a role that does not exist in the account (deleted since, or never there), so no session of it can be revoked."),
    ("AROAZZZZZZZZZZZZZZZZZ", "No IAM role of the account has this unique ID."),
], ids=["space-in-session", "one-letter-session", "role-gone", "unknown-role-id"])
def test_bad_role_references_are_not_found_with_a_sentence(run_action, iam, build, text, reason):
    out = run_action(REVOKE, {"Role Name": text})
    assert (out.lines, out.state, out.result_value) == (
        [f"Action wasn't able to find the following roles in AWS IAM: {text}"], COMPLETED, False)
    assert out.json_result[0]["Reason"] == reason
    assert state(iam) == (TRUST, {"s3-access": ALLOW_S3})


# --- Block New Sessions -----------------------------------------------------------------------------


def test_block_puts_its_statement_at_the_head_and_a_second_run_adds_nothing(run_action, iam, build):
    out = run_action(REVOKE, {"Role Name": "build", "Block New Sessions": "true"})
    assert out.lines == [
        "Successfully revoked the sessions issued before 2026-11-29T10:00:00 UTC of the following roles in AWS IAM: build",
        "Blocked new sessions, in the trust policy, of the following roles in AWS IAM: build",
    ]
    assert out.iam_calls == ["GetRole", "PutRolePolicy", "UpdateAssumeRolePolicy"]
    assert out.json_result[0]["NewSessionsBlocked"] is True
    trust, inline = state(iam)
    assert trust == {"Version": "2012-10-17", "Statement": [BLOCK, *TRUST["Statement"]]}
    assert inline == {"s3-access": ALLOW_S3, "AWSRevokeOlderSessions": cutoff()}
    again = run_action(REVOKE, {"Role Name": "build", "Block New Sessions": "true"})
    assert again.iam_calls == ["GetRole", "PutRolePolicy"]
    assert state(iam)[0] == trust


def test_a_trust_policy_with_no_room_left_fails_and_nothing_is_written(run_action, iam, build):
    # 2048 characters without white space: IAM's default quota, which moto reports but does not enforce.
    padding = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
               "Condition": {"StringEquals": {"sts:ExternalId": ""}}}
    full = {"Version": "2012-10-17", "Statement": [padding]}
    padding["Condition"]["StringEquals"]["sts:ExternalId"] = "x" * (2048 - len(json.dumps(full, separators=(",", ":"))))
    assert len(json.dumps(full, separators=(",", ":"))) == 2048
    iam.update_assume_role_policy(RoleName="build", PolicyDocument=json.dumps(full))
    out = run_action(REVOKE, {"Role Name": "build", "Block New Sessions": "true"})
    assert (out.lines, out.state) == (["Action wasn't able to revoke the sessions of the following roles in AWS IAM: build"], FAILED)
    assert out.json_result[0]["Reason"] == (
        "The role's trust policy has no room for the block statement: with it, the policy would pass the account's size "
        "quota for trust policies (2048 characters unless raised in Service Quotas). Nothing was changed.")
    assert out.iam_calls == ["GetRole", "GetAccountSummary"]
    assert state(iam) == (full, {"s3-access": ALLOW_S3})


def test_a_service_linked_role_is_refused_before_any_write(run_action, iam):
    iam.create_role(RoleName="AWSServiceRoleForSupport", Path="/aws-service-role/support.amazonaws.com/",
                    AssumeRolePolicyDocument=json.dumps(TRUST))
    out = run_action(REVOKE, {"Role Name": "AWSServiceRoleForSupport", "Block New Sessions": "true"})
    assert out.json_result[0]["Reason"] == (
        "The role is a service-linked role: IAM lets only the AWS service it belongs to change it, so no policy can be "
        "added to revoke its sessions.")
    assert (out.state, out.iam_calls) == (FAILED, ["GetRole"])


# --- Restore Role Access ----------------------------------------------------------------------------


def test_restore_takes_off_exactly_the_three_things_and_a_second_run_says_nothing_was_there(run_action, iam, build):
    before = state(iam)
    run_action(REVOKE, {"Role Name": "build", "Block New Sessions": "true"})
    run_action(REVOKE, NAMED, entities=[(session_arn("build", "i-0stolen"), USER)])
    out = run_action(RESTORE, {"Role Name": "build"})
    assert out.lines == ["Successfully restored the access of the following roles in AWS IAM: "
                         "build (AWSIAMBlockNewSessions, AWSIAMRevokedSessions, AWSRevokeOlderSessions)"]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["GetRole", "UpdateAssumeRolePolicy", "DeleteRolePolicy", "DeleteRolePolicy"]
    assert out.json_result == [{"RoleName": "build", "Arn": f"arn:aws:iam::{ACCOUNT}:role/ci/build", "Account": ACCOUNT,
                                "Status": "restored", "Removed": ["AWSIAMBlockNewSessions", "AWSIAMRevokedSessions",
                                                                  "AWSRevokeOlderSessions"],
                                "LiftedSessions": [], "Inputs": ["build"]}]
    assert state(iam) == before
    again = run_action(RESTORE, {"Role Name": "build"})
    assert (again.lines, again.state, again.result_value) == (
        ["The following roles in AWS IAM carried nothing to restore: build"], COMPLETED, False)
    assert again.json_result[0]["Status"] == "not_contained"
    assert again.json_result[0]["Reason"] == NOTHING_TO_RESTORE
    assert state(iam) == before


def test_session_name_lifts_one_session_and_the_policy_goes_with_the_last(run_action, iam, build):
    run_action(REVOKE, {**NAMED, "Block New Sessions": "true",
                        "Role Name": f"{session_arn('build', 'i-0one')}, {session_arn('build', 'i-0two')}"})
    out = run_action(RESTORE, {"Role Name": "build", "Session Name": "i-0one"})
    assert out.lines == ["Lifted the deny on the session i-0one of the following roles in AWS IAM: build"]
    assert out.iam_calls == ["GetRole", "GetRolePolicy", "PutRolePolicy"]
    assert (out.json_result[0]["Removed"], out.json_result[0]["LiftedSessions"]) == ([], [f"{build}:i-0one"])
    trust, inline = state(iam)
    assert inline["AWSIAMRevokedSessions"] == denied(f"{build}:i-0two")
    assert trust["Statement"][0] == BLOCK  # the block stays
    out = run_action(RESTORE, {"Role Name": "build", "Session Name": "i-0two"})
    assert out.lines == ["Successfully restored the access of the following roles in AWS IAM: build (AWSIAMRevokedSessions)",
                         "Lifted the deny on the session i-0two of the following roles in AWS IAM: build"]
    assert "AWSIAMRevokedSessions" not in state(iam)[1]
    again = run_action(RESTORE, {"Role Name": "build", "Session Name": "i-0two"})
    assert (again.json_result[0]["Status"], again.json_result[0]["Reason"]) == (
        "not_contained", "The session is not in the role's inline policy AWSIAMRevokedSessions.")


def test_restore_reports_each_status(run_action, iam, build):
    iam.create_role(RoleName="quiet", AssumeRolePolicyDocument=json.dumps(TRUST))
    run_action(REVOKE, {"Role Name": "build"})
    out = run_action(RESTORE, {"Role Name": "build, quiet, ghost"}, entities=[("alice", USER)])
    assert out.lines == [
        "Successfully restored the access of the following roles in AWS IAM: build (AWSRevokeOlderSessions)",
        "The following roles in AWS IAM carried nothing to restore: quiet",
        "Action wasn't able to find the following roles in AWS IAM: ghost",
        SKIPPED.format(1, "ALICE"),
    ]
    assert [r["Status"] for r in out.json_result] == ["restored", "not_contained", "not_found"]
    assert (out.state, out.result_value) == (COMPLETED, True)


def test_a_session_name_iam_cannot_have_fails_without_any_call(run_action):
    out = run_action(RESTORE, {"Role Name": "build", "Session Name": "two words"})
    assert out.message == ("Error executing action 'Restore Role Access'. Reason: 'Session Name' must be a name IAM can "
                           "give a role session: 2 to 64 letters, digits and +=,.@_- characters.")
    assert (out.state, out.calls) == (FAILED, [])


def test_restore_without_any_role_makes_no_call(run_action):
    out = run_action(RESTORE, {})
    assert (out.message, out.state, out.result_value, out.calls) == (
        "No role to act on: 'Role Name' is empty and no User entity names an IAM role.", COMPLETED, False, [])


SCENES = [
    ({"Role Name": "build"}, ()),
    ({"Role Name": "build", "Block New Sessions": "true"}, ()),
    ({**NAMED}, (session_arn("build", "i-0a"),)),
    ({**NAMED, "Block New Sessions": "true"}, (session_arn("build", "i-0b"), session_arn("build", "i-0c"))),
    ({"Block New Sessions": "true"}, ("build",)),
]


@pytest.mark.parametrize("seed", range(6))
def test_restore_after_any_mix_of_revokes_leaves_the_role_exactly_as_before(run_action, iam, seed):
    """Property: whatever revokes ran, in whatever order and however often, Restore Role Access
    brings back the trust policy and the inline policies exactly, as parsed JSON."""
    chooser = random.Random(seed)
    trust = {"Version": "2012-10-17", "Statement": chooser.sample(TRUST["Statement"], k=chooser.randint(1, 2))}
    if seed % 2:
        trust["Statement"].append({"Sid": f"Extra{seed}", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                                   "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-example"}}})
    iam.create_role(RoleName="build", Path="/ci/", AssumeRolePolicyDocument=json.dumps(trust))
    for index in range(chooser.randint(0, 2)):
        iam.put_role_policy(RoleName="build", PolicyName=f"own-{index}", PolicyDocument=json.dumps(ALLOW_S3))
    before = state(iam)
    for params, entities in chooser.choices(SCENES, k=chooser.randint(1, 4)):
        out = run_action(REVOKE, params, entities=[(text, USER) for text in entities])
        assert out.state == COMPLETED, out.message
    out = run_action(RESTORE, {}, entities=[("build", USER)])
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert state(iam) == before


def test_another_accounts_role_is_worked_on_in_that_account(run_action, iam):
    """With a Cross-Account Role Name, an assumed-role ARN of a member account is acted on there."""
    from conftest import CONFIG, iam_acting_in

    member = iam_acting_in("222222222222", region_name="us-east-1")
    role_id = member.create_role(RoleName="build", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["RoleId"]
    stolen = session_arn("build", "i-0stolen", account="222222222222")
    out = run_action(REVOKE, NAMED, entities=[(stolen, USER)], config={**CONFIG, "Cross-Account Role Name": "SecOpsIR"})
    assert (out.state, out.result_value) == (COMPLETED, True), out.message
    assert out.json_result[0]["Account"] == "222222222222"
    assert ("sts", "AssumeRole") in out.calls
    assert member.get_role_policy(RoleName="build", PolicyName="AWSIAMRevokedSessions")["PolicyDocument"] == denied(f"{role_id}:i-0stolen")
    assert iam.list_roles()["Roles"] == []  # nothing in the home account
    without = run_action(REVOKE, NAMED, entities=[(stolen, USER)])
    assert without.json_result[0]["Reason"] == "The role ARN belongs to another AWS account."
