"""The policy actions and Disable User Access as the platform runs them: a subprocess with a stdin
context, against moto's server. Calls are read from the server's request log."""

import json

from conftest import assert_clean, COMPLETED

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}


def test_create_a_policy(run_script, server_iam):
    out = run_script("Create a Policy", {"Policy Name": "S3-read-only-bucket", "Policy Document": DOCUMENT,
                                         "Description": "Read the company bucket"})
    assert (out.message, out.state, out.result_value) == ("S3-read-only-bucket policy was successfully created", COMPLETED, True)
    assert out.json_result["Arn"] == "arn:aws:iam::123456789012:policy/S3-read-only-bucket"
    assert out.json_result["IsAttachable"] is True and out.json_result["AttachmentCount"] == 0
    assert out.iam_calls == ["CreatePolicy"]
    assert [p["PolicyName"] for p in server_iam.list_policies(Scope="Local")["Policies"]] == ["S3-read-only-bucket"]
    assert_clean(out)


def test_list_policies(run_script, server_iam):
    for name in ("dev-read", "dev-write", "ops-read"):
        server_iam.create_policy(PolicyName=name, PolicyDocument=DOCUMENT)
    out = run_script("List Policies", {"Scope": "Local", "Only Attached": False, "Max Policies to Return": "2"})
    assert out.message == (
        "Successfully listed available policies in AWS IAM. Please note, there are additional policies that match the provided filter."
    )
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [p["PolicyName"] for p in out.json_result] == ["dev-read", "dev-write"]
    assert out.tables["IAM Policies"][0] == "Policy Name,Policy ID,Create Date,Update Date"
    assert len(out.tables["IAM Policies"]) == 3
    assert out.iam_calls == ["ListPolicies"]
    assert_clean(out)


def test_attach_a_policy(run_script, server_iam, moto_server):
    server_iam.create_group(GroupName="Developers")
    arn = server_iam.create_policy(PolicyName="dev-read", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    out = run_script("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": "dev-read"})
    assert (out.message, out.state, out.result_value) == ("Policy was attached to Group: Developers", COMPLETED, True)
    assert out.iam_calls == ["GetPolicy", "GetPolicy", "AttachGroupPolicy"]
    assert moto_server.calls_for("sts") == ["GetCallerIdentity"]
    attached = server_iam.list_attached_group_policies(GroupName="Developers")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]
    assert_clean(out)


def test_detach_a_policy_and_detach_it_again(run_script, server_iam, moto_server):
    server_iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    arn = server_iam.create_policy(PolicyName="dev-read", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    server_iam.attach_role_policy(RoleName="app-role", PolicyArn=arn)
    params = {"Identity Type": "Role", "Identity Name": "app-role", "Policy Name": "dev-read"}
    out = run_script("Detach a Policy", params)
    assert (out.message, out.state, out.result_value) == ("Policy was detached from Role: app-role", COMPLETED, True)
    assert out.iam_calls == ["GetPolicy", "GetPolicy", "DetachRolePolicy"]
    assert moto_server.calls_for("sts") == ["GetCallerIdentity"]
    assert server_iam.list_attached_role_policies(RoleName="app-role")["AttachedPolicies"] == []
    assert_clean(out)
    again = run_script("Detach a Policy", params)
    assert (again.message, again.state, again.result_value) == ("Policy dev-read is not attached to Role: app-role", COMPLETED, False)
    assert_clean(again)


def test_disable_user_access(run_script, server_iam):
    for name in ("john.doe", "carol"):
        server_iam.create_user(UserName=name)
        server_iam.put_user_policy(UserName=name, PolicyName="s3-access", PolicyDocument=DOCUMENT)
    out = run_script("Disable User Access", entities=[("JOHN.DOE", "USERUNIQNAME"), ("ghost", "USERUNIQNAME"), ("10.0.0.1", "ADDRESS")],
                     entity_details={"JOHN.DOE": {"additional_properties": {}}})
    assert out.message.split("\n") == [
        "Successfully added deny policy to the following users in AWS IAM: john.doe",
        "Action wasn't able to find the following users in AWS IAM: GHOST",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [(e["Entity"], e["EntityResult"]["Status"]) for e in out.json_result] == [("JOHN.DOE", "disabled"), ("GHOST", "not_found")]
    # Users are settled concurrently, so only the counts are fixed, not the order.
    assert sorted(out.iam_calls) == ["GetRole"] + ["GetUser"] * 3 + ["ListUsers", "PutUserPolicy"]
    assert sorted(server_iam.list_user_policies(UserName="john.doe")["PolicyNames"]) == ["DisableUserAccessPolicy", "s3-access"]
    assert server_iam.get_user_policy(UserName="john.doe", PolicyName="DisableUserAccessPolicy")["PolicyDocument"] == DENY_ALL
    assert server_iam.list_user_policies(UserName="carol")["PolicyNames"] == ["s3-access"]
    assert_clean(out)


def test_attach_an_aws_managed_policy_by_name(run_script, server_iam):
    # docs/development.md's example: a local account has AWS's managed policies, as a real one does.
    server_iam.create_group(GroupName="Auditors")
    out = run_script("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Auditors", "Policy Name": "ReadOnlyAccess"})
    assert (out.message, out.state, out.result_value) == ("Policy was attached to Group: Auditors", COMPLETED, True)
    attached = server_iam.list_attached_group_policies(GroupName="Auditors")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert_clean(out)
