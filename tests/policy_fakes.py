"""The account, documents and call budget that Attach a Policy's and Detach a Policy's tests share,
and a reading of every managed-policy attachment, to prove that only the named identity changed."""

import json

ACCOUNT = "123456789012"
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
STS = ("sts", "GetCallerIdentity")
# A policy given by name: the caller's account, then the customer-managed and AWS-managed ARNs.
RESOLVED_BY_GET = [STS, ("iam", "GetPolicy"), ("iam", "GetPolicy")]
INVALID_NAMES = ". Names must contain only alphanumeric characters and/or the following: +=,.@_-."
DEV_READ = f"arn:aws:iam::{ACCOUNT}:policy/dev-read"

# Parameters the action refuses before any call, and the reason it gives.
BAD_PARAMETERS = [
    ({"Identity Type": "Computer", "Identity Name": "Developers", "Policy Name": "dev-read"}, "'Identity Type' must be one of: User, Group, Role."),
    ({"Identity Type": "Group", "Identity Name": " ", "Policy Name": "dev-read"}, "Missing mandatory parameter 'Identity Name'."),
    ({"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": ""}, "Missing mandatory parameter 'Policy Name'."),
]
BAD_PARAMETER_IDS = ["unknown-identity-type", "empty-identity", "empty-policy"]


def customer_policy(iam, name, path="/"):
    return iam.create_policy(PolicyName=name, PolicyDocument=DOCUMENT, Path=path)["Policy"]["Arn"]


def attached(iam):
    """Every managed-policy attachment in the account, as {(type, name): [arn, ...]}."""
    state = {}
    for group in iam.list_groups()["Groups"]:
        state[("Group", group["GroupName"])] = [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=group["GroupName"])["AttachedPolicies"]]
    for user in iam.list_users()["Users"]:
        state[("User", user["UserName"])] = [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=user["UserName"])["AttachedPolicies"]]
    for role in iam.list_roles()["Roles"]:
        state[("Role", role["RoleName"])] = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]]
    return {key: arns for key, arns in state.items() if arns}


def stub_dev_read_found(stub_aws):
    """Stubber's answers for resolving dev-read: the caller's account, the customer-managed policy
    found, and no AWS-managed policy of that name."""
    stub_aws.sts.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/soar", "UserId": "AIDAEXAMPLEEXAMPLE"})
    stub_aws.iam.add_response("get_policy", {"Policy": {"PolicyName": "dev-read", "Arn": DEV_READ}})
    stub_aws.iam.add_client_error("get_policy", "NoSuchEntity", "not found", 404)
