"""Role containment and Recover as the platform runs them: subprocesses with a stdin context,
against moto's server; calls are read from the server's request log. moto stores the documents
but evaluates neither trust policies nor aws:userid / aws:TokenIssueTime, so the documents are
what is checked."""

import json
import re

from conftest import COMPLETED, assert_clean

USER = "USERUNIQNAME"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
BLOCK = {"Sid": "AWSIAMBlockNewSessions", "Effect": "Deny", "Principal": "*",
         "Action": ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]}


def role_state(iam, role):
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    inline = {name: iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
              for name in iam.list_role_policies(RoleName=role)["PolicyNames"]}
    return trust, inline


def test_one_session_denied_new_sessions_blocked_then_everything_restored(run_script, server_iam):
    role_id = server_iam.create_role(RoleName="build", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["RoleId"]
    server_iam.create_user(UserName="alice")
    before = role_state(server_iam, "build")
    stolen = "arn:aws:sts::123456789012:assumed-role/build/i-0stolen"
    out = run_script("Revoke Role Sessions", {"Scope": "Named session only", "Block New Sessions": "true"},
                     entities=[(stolen, USER), ("alice", USER)])
    assert out.message.split("\n") == [
        f"Successfully revoked only the named sessions of the following roles in AWS IAM: build ({role_id}:i-0stolen)",
        "Blocked new sessions, in the trust policy, of the following roles in AWS IAM: build",
        "Skipped 1 User entities that name no IAM role (users, or nothing in IAM): ALICE",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [{
        "RoleName": "build", "Arn": "arn:aws:iam::123456789012:role/build", "Account": "123456789012",
        "Status": "revoked", "Scope": "Named session only", "RevokedBefore": None,
        "RevokedSessions": [f"{role_id}:i-0stolen"], "NewSessionsBlocked": True, "Inputs": [stolen.upper()]}]
    assert sorted(out.iam_calls) == ["GetRole", "GetRole", "GetRolePolicy", "PutRolePolicy", "UpdateAssumeRolePolicy"]
    trust, inline = role_state(server_iam, "build")
    assert trust == {"Version": "2012-10-17", "Statement": [BLOCK, *TRUST["Statement"]]}
    assert inline == {"AWSIAMRevokedSessions": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:userid": [f"{role_id}:i-0stolen"]}}}]}}
    assert_clean(out)

    again = run_script("Revoke Role Sessions", {"Scope": "Named session only", "Block New Sessions": "true"},
                       entities=[(stolen, USER)])
    assert again.iam_calls == ["GetRole", "GetRolePolicy"]  # nothing new to write
    assert role_state(server_iam, "build") == (trust, inline)

    out = run_script("Restore Role Access", entities=[(stolen, USER)])
    assert out.message == ("Successfully restored the access of the following roles in AWS IAM: "
                           "build (AWSIAMBlockNewSessions, AWSIAMRevokedSessions)")
    assert [(r["Status"], r["Removed"]) for r in out.json_result] == [
        ("restored", ["AWSIAMBlockNewSessions", "AWSIAMRevokedSessions"])]
    assert role_state(server_iam, "build") == before
    assert_clean(out)

    again = run_script("Restore Role Access", {"Role Name": "build, ghost"})
    assert (again.state, again.result_value) == (COMPLETED, False)
    assert [r["Status"] for r in again.json_result] == ["not_contained", "not_found"]
    assert role_state(server_iam, "build") == before


def test_recover_keeps_the_old_key_off_and_dates_the_cut_off_at_containment(run_script, server_iam):
    server_iam.create_user(UserName="Bob.Jones")
    key = server_iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    run_script("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("Bob.Jones", USER)])
    at = {t["Key"]: t["Value"] for t in server_iam.list_user_tags(UserName="Bob.Jones")["Tags"]}["AWSIAM-Containment"].split("at=")[1]
    out = run_script("Enable User Access", {"Restore Mode": "Recover"}, entities=[("Bob.Jones", USER)])
    assert out.message.split("\n") == [
        "Successfully recovered the following users in AWS IAM: Bob.Jones",
        f"Revoked the sessions and temporary credentials issued before containment of the following users in AWS IAM: Bob.Jones (before {at})",
        f"Kept Inactive, as a compromised access key is never reactivated, the recorded access keys of the following users in AWS IAM: Bob.Jones ({key})",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["GetUser", "ListUserTags", "PutUserPolicy", "DeleteUserPolicy", "UntagUser"]
    result = out.json_result[0]["EntityResult"]
    assert (result["Status"], result["RevokedBefore"], result["KeptInactive"], result["ReactivatedKeys"]) == (
        "recovered", at, [key], [])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", at)
    assert server_iam.get_user_policy(UserName="Bob.Jones", PolicyName="AWSRevokeOlderSessions")["PolicyDocument"] == {
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                                                "Condition": {"DateLessThan": {"aws:TokenIssueTime": at}}}]}
    assert server_iam.list_user_policies(UserName="Bob.Jones")["PolicyNames"] == ["AWSRevokeOlderSessions"]
    assert [k["Status"] for k in server_iam.list_access_keys(UserName="Bob.Jones")["AccessKeyMetadata"]] == ["Inactive"]
    assert server_iam.list_user_tags(UserName="Bob.Jones")["Tags"] == []
    assert_clean(out)
    again = run_script("Enable User Access", {"Restore Mode": "Recover"}, entities=[("Bob.Jones", USER)])
    assert (again.state, again.result_value, again.iam_calls) == (COMPLETED, False, ["GetUser", "ListUserTags", "ListUserPolicies"])


def test_every_way_a_role_fails_is_a_sentence_and_writes_nothing(run_script, server_iam):
    server_iam.create_role(RoleName="build", AssumeRolePolicyDocument=json.dumps(TRUST))
    padding = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole",
               "Condition": {"StringEquals": {"sts:ExternalId": "x" * 1900}}}
    full = {"Version": "2012-10-17", "Statement": [padding]}
    server_iam.create_role(RoleName="full", AssumeRolePolicyDocument=json.dumps(full))
    server_iam.create_role(RoleName="AWSServiceRoleForSupport", Path="/aws-service-role/support.amazonaws.com/",
                           AssumeRolePolicyDocument=json.dumps(TRUST))
    before = {role: role_state(server_iam, role) for role in ("build", "full", "AWSServiceRoleForSupport")}
    out = run_script("Revoke Role Sessions", {"Block New Sessions": "true", "Scope": "Named session only",
                                              "Role Name": "build, arn:aws:sts::123456789012:assumed-role/full/i-0a, "
                                                           "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForSupport/x1"})
    assert out.message.split("\n") == [
        "Action wasn't able to revoke the sessions of the following roles in AWS IAM: build, full, AWSServiceRoleForSupport"]
    assert (out.state_name, out.result_value) == ("FAILED", False)
    reasons = [r["Reason"] for r in out.json_result]
    assert reasons[0].startswith("Scope 'Named session only' needs a session")
    assert reasons[1].startswith("The role's trust policy has no room for the block statement")
    assert reasons[2].startswith("The role is a service-linked role")
    assert [(r["Status"], r["RevokedSessions"], r["NewSessionsBlocked"]) for r in out.json_result] == [("failed", [], False)] * 3
    assert {role: role_state(server_iam, role) for role in before} == before
    assert_clean(out)

    server_iam.put_role_policy(RoleName="build", PolicyName="AWSIAMRevokedSessions", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}))
    out = run_script("Restore Role Access", {"Role Name": "build", "Session Name": "i-0a"})
    assert (out.message, out.state_name) == ("Action wasn't able to restore the access of the following roles in AWS IAM: build", "FAILED")
    assert out.json_result[0]["Reason"].startswith("The inline policy AWSIAMRevokedSessions on the role is not one this integration wrote")
    assert_clean(out)
