"""An organization's IAM Identity Center, arranged in moto for the Identity Center actions' tests:
users and groups in the identity store, permission sets with inline policies, and account
assignments. Works on moto in-process (no endpoint) and on moto's server (endpoint_url)."""

import json

from conftest import CONFIG

IC_REGION = "eu-west-1"
IC_CONFIG = {**CONFIG, "Identity Center Region": IC_REGION}
ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
# A policy a permission set held before containment, which the undo must give back exactly.
S3_READ = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]}]}


def containment(*user_ids: str) -> dict:
    return {"Sid": "AWSIAMContainment", "Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"identitystore:UserId": list(user_ids)}}}


class Org:
    def __init__(self, endpoint_url: str | None = None):
        import boto3

        args = {"region_name": IC_REGION}
        if endpoint_url:
            args.update(endpoint_url=endpoint_url, aws_access_key_id="testing", aws_secret_access_key="testing")
        self.sso = boto3.client("sso-admin", **args)
        self.ids = boto3.client("identitystore", **args)
        instance = self.sso.list_instances()["Instances"][0]
        self.arn, self.store = instance["InstanceArn"], instance["IdentityStoreId"]

    def user(self, name: str, email: str | None = None, display: str | None = None) -> str:
        emails = [{"Value": email, "Type": "work", "Primary": True}] if email else []
        return self.ids.create_user(IdentityStoreId=self.store, UserName=name, DisplayName=display or name,
                                    Name={"GivenName": name, "FamilyName": "Test"}, Emails=emails)["UserId"]

    def group(self, name: str, *members: str) -> str:
        group_id = self.ids.create_group(IdentityStoreId=self.store, DisplayName=name)["GroupId"]
        for member in members:
            self.join(group_id, member)
        return group_id

    def join(self, group_id: str, user_id: str) -> None:
        self.ids.create_group_membership(IdentityStoreId=self.store, GroupId=group_id, MemberId={"UserId": user_id})

    def permission_set(self, name: str, policy: dict | str | None = None) -> str:
        arn = self.sso.create_permission_set(Name=name, InstanceArn=self.arn)["PermissionSet"]["PermissionSetArn"]
        if policy is not None:
            text = policy if isinstance(policy, str) else json.dumps(policy)
            self.sso.put_inline_policy_to_permission_set(InstanceArn=self.arn, PermissionSetArn=arn, InlinePolicy=text)
        return arn

    def assign(self, permission_set: str, principal_id: str, *accounts: str, group: bool = False) -> None:
        for account in accounts:
            self.sso.create_account_assignment(
                InstanceArn=self.arn, TargetId=account, TargetType="AWS_ACCOUNT", PermissionSetArn=permission_set,
                PrincipalType="GROUP" if group else "USER", PrincipalId=principal_id)

    def policy_text(self, permission_set: str) -> str:
        return self.sso.get_inline_policy_for_permission_set(InstanceArn=self.arn,
                                                             PermissionSetArn=permission_set)["InlinePolicy"]

    def policy(self, permission_set: str) -> dict | None:
        """The inline policy as parsed JSON; None when the permission set has none."""
        text = self.policy_text(permission_set)
        return json.loads(text) if text else None


def contractors_org(endpoint_url: str | None = None) -> Org:
    """jdoe (a contractor, Jane Doe) reaches ReadOnly in two accounts through the group contractors,
    and Developer directly; mary, a colleague, holds ReadOnly through the same group; ReadOnly
    already has an inline policy of its own, Developer none."""
    org = Org(endpoint_url)
    org.jdoe = org.user("jdoe", "jdoe@example.com", "Jane Doe")
    org.mary = org.user("mary", "mary@example.com")
    org.contractors = org.group("contractors", org.jdoe, org.mary)
    org.readonly = org.permission_set("ReadOnly", S3_READ)
    org.developer = org.permission_set("Developer")
    org.assign(org.readonly, org.contractors, ACCOUNT_A, ACCOUNT_B, group=True)
    org.assign(org.developer, org.jdoe, ACCOUNT_A)
    return org


def ic_calls(out) -> list[str]:
    """The action's Identity Center calls (sso-admin signs as sso), in order."""
    return [operation for service, operation in out.calls if service in ("sso", "identitystore")]
