"""Containment and its undo as the platform runs them: subprocesses with a stdin context, against
moto's server; calls are read from the server's request log."""

import json
import re

from conftest import COMPLETED, FAILED, assert_clean

USER = "USERUNIQNAME"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def key_status(iam, user):
    return {key["AccessKeyId"]: key["Status"] for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def test_disable_with_keys_then_enable_restores_exactly(run_script, server_iam):
    server_iam.create_user(UserName="Bob.Jones")
    active = server_iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    old = server_iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    server_iam.update_access_key(UserName="Bob.Jones", AccessKeyId=old, Status="Inactive")

    out = run_script("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("BOB.JONES", USER)],
                     entity_details={"BOB.JONES": {"additional_properties": {}}})
    assert out.message.split("\n") == [
        "Successfully added deny policy to the following users in AWS IAM: Bob.Jones",
        f"Successfully deactivated the access keys of the following users in AWS IAM: Bob.Jones ({active})",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result[0]["EntityResult"]["DeactivatedKeys"] == [active]
    assert out.iam_calls == ["GetUser", "ListUsers", "GetUser", "ListUserTags", "PutUserPolicy", "ListAccessKeys", "TagUser",
                             "UpdateAccessKey"]
    assert key_status(server_iam, "Bob.Jones") == {active: "Inactive", old: "Inactive"}
    record = {t["Key"]: t["Value"] for t in server_iam.list_user_tags(UserName="Bob.Jones")["Tags"]}["AWSIAM-Containment"]
    assert re.fullmatch(rf"keys={active} at=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record)
    assert_clean(out)

    out = run_script("Enable User Access", entities=[("Bob.Jones", USER)])
    assert out.message.split("\n") == [
        "Successfully enabled the following users in AWS IAM: Bob.Jones",
        f"Successfully reactivated the access keys of the following users in AWS IAM: Bob.Jones ({active})",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.iam_calls == ["GetUser", "ListUserTags", "DeleteUserPolicy", "ListAccessKeys", "UpdateAccessKey", "UntagUser"]
    assert key_status(server_iam, "Bob.Jones") == {active: "Active", old: "Inactive"}
    assert server_iam.list_user_policies(UserName="Bob.Jones")["PolicyNames"] == []
    assert server_iam.list_user_tags(UserName="Bob.Jones")["Tags"] == []
    assert_clean(out)

    again = run_script("Enable User Access", entities=[("Bob.Jones", USER)])
    assert (again.message, again.state, again.result_value) == (
        "The following users in AWS IAM were not disabled, so there was nothing to restore: Bob.Jones", COMPLETED, False)
    assert_clean(again)


def test_enable_with_an_edited_tag_ends_in_a_sentence(run_script, server_iam):
    server_iam.create_user(UserName="carol")
    server_iam.tag_user(UserName="carol", Tags=[{"Key": "AWSIAM-Containment", "Value": '{"keys":['}])
    out = run_script("Enable User Access", entities=[("carol", USER)])
    assert (out.message, out.state, out.result_value) == (
        "Action wasn't able to restore the access of the following users in AWS IAM: carol", FAILED, False)
    assert out.json_result[0]["EntityResult"]["Reason"].startswith("The AWSIAM-Containment tag does not hold a record")
    assert_clean(out)


def test_revoke_role_sessions(run_script, server_iam, moto_server):
    arn = server_iam.create_role(RoleName="ci-deploy", Path="/build/", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    out = run_script("Revoke Role Sessions", {"Role Name": f"{arn}, ghost-role, arn:aws:iam::999999999999:role/ci-deploy"})
    lines = out.message.split("\n")
    assert re.fullmatch(r"Successfully revoked the sessions issued before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC of the "
                        r"following roles in AWS IAM: ci-deploy", lines[0])
    assert lines[1] == "Action wasn't able to find the following roles in AWS IAM: ghost-role, arn:aws:iam::999999999999:role/ci-deploy"
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [(r["RoleName"], r["Status"]) for r in out.json_result] == [("ci-deploy", "revoked"), ("ghost-role", "not_found"), ("ci-deploy", "not_found")]
    assert sorted(out.iam_calls) == ["PutRolePolicy", "PutRolePolicy"]
    assert moto_server.calls_for("sts") == ["GetCallerIdentity"]
    document = server_iam.get_role_policy(RoleName="ci-deploy", PolicyName="AWSRevokeOlderSessions")["PolicyDocument"]
    cutoff = document["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
    assert cutoff == out.json_result[0]["RevokedBefore"] + "Z"
    assert document == {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"],
                                                               "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}}}]}
    assert_clean(out)
