"""The AWS side of the demo that is not the integration: what John does as the account's
administrator with boto3 directly (the bucket, access keys, the second account's role), moto's
policy enforcement, and the S3 requests that show what each user may really do."""

import json
import urllib.request
from dataclasses import dataclass

import boto3
from botocore.exceptions import ClientError

BUCKET = "aws-s3-bucket"
OTHER_BUCKET = "aws-s3-bucket-finance"  # somebody else's data: nobody in the story may read it
SHARED_OBJECT = "welcome.txt"
ADMIN_USER = "john"
INTEGRATION_USER = "soar-awsiam"
INTEGRATION_POLICY = "AWSIAMIntegrationLeastPrivilege"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
# The company's second account, which the integration reaches only through a role.
SECOND_ACCOUNT = "444455556666"
ORGANIZATION_ROLE = "OrganizationAccountAccessRole"
INTEGRATION_ROLE = "AWSIAMIntegrationRole"
EC2_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
DENIED = "AccessDenied"
ALLOWED = "allowed"


@dataclass(frozen=True)
class Keys:
    user: str
    access_key_id: str
    secret: str

    def client(self, service: str):
        return boto3.client(service, aws_access_key_id=self.access_key_id, aws_secret_access_key=self.secret)


class Account:
    """One moto account. Until enforcement starts, moto accepts any signature; afterwards every
    request is checked against the caller's policies, John's included."""

    def __init__(self, endpoint_url: str):
        self._endpoint_url = endpoint_url
        self._admin = None
        self._admin_keys = None
        self.account_id = None

    def set_up(self, integration_policy: dict) -> Keys:
        """John's bucket and admin key, and the integration's own user, holding only
        `integration_policy`. Returns the integration's key."""
        iam, s3 = boto3.client("iam"), boto3.client("s3")
        self.account_id = boto3.client("sts").get_caller_identity()["Account"]
        for bucket in (BUCKET, OTHER_BUCKET):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=BUCKET, Key=SHARED_OBJECT, Body=b"Company data lives here.\n")
        s3.put_object(Bucket=OTHER_BUCKET, Key="salaries.csv", Body=b"name,salary\n")

        iam.create_user(UserName=ADMIN_USER)
        iam.put_user_policy(UserName=ADMIN_USER, PolicyName="AdministratorAccess", PolicyDocument=json.dumps(ALLOW_ALL))
        admin = _new_key(iam, ADMIN_USER)
        self._admin, self._admin_sts = admin.client("iam"), admin.client("sts")
        self._admin_keys = admin

        iam.create_user(UserName=INTEGRATION_USER)
        arn = iam.create_policy(PolicyName=INTEGRATION_POLICY, PolicyDocument=json.dumps(integration_policy))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=INTEGRATION_USER, PolicyArn=arn)
        self._open_member_account(SECOND_ACCOUNT)
        return _new_key(iam, INTEGRATION_USER)

    def _open_member_account(self, account_id: str) -> None:
        """What AWS Organizations leaves in an account it creates: a role with full rights that the
        management account's administrators may assume. moto hands out credentials for a role ARN
        even before the role exists, which is how the role gets created (before enforcement)."""
        iam = _iam_as_role(boto3.client("sts"), account_id, ORGANIZATION_ROLE)
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"}, "Action": "sts:AssumeRole"}]}
        iam.create_role(RoleName=ORGANIZATION_ROLE, AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=ORGANIZATION_ROLE, PolicyName="AdministratorAccess", PolicyDocument=json.dumps(ALLOW_ALL))

    def set_up_integration_role(self, trust_policy: dict, permissions_policy: dict, assume_policy: dict) -> str:
        """John, through the organization role, creates the role the integration assumes in the
        second account; in the first, he lets the integration's user assume it. Returns its ARN."""
        iam = _iam_as_role(self._admin_sts, SECOND_ACCOUNT, ORGANIZATION_ROLE)
        role_arn = iam.create_role(RoleName=INTEGRATION_ROLE, AssumeRolePolicyDocument=json.dumps(trust_policy))["Role"]["Arn"]
        policy_arn = iam.create_policy(PolicyName=INTEGRATION_POLICY, PolicyDocument=json.dumps(permissions_policy))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=INTEGRATION_ROLE, PolicyArn=policy_arn)
        self._admin.put_user_policy(UserName=INTEGRATION_USER, PolicyName="AssumeIntegrationRoles",
                                    PolicyDocument=json.dumps(assume_policy))
        return role_arn

    def admin_iam_in(self, account_id: str):
        """John's IAM client in a member account, through its organization role (allow-all there)."""
        return _iam_as_role(self._admin_sts, account_id, ORGANIZATION_ROLE)

    def enforce_policies(self, *, on: bool) -> None:
        """Switch moto's IAM policy enforcement for every later request (moto's reset-auth API:
        the number of requests still let through unchecked)."""
        request = urllib.request.Request(
            f"{self._endpoint_url}/moto-api/reset-auth", data=b"0" if on else b"inf", method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    def admin_client(self, service: str):
        """A client of any service acting with John's admin key."""
        return self._admin_keys.client(service)

    def access_key_for(self, user: str) -> Keys:
        """A new access key for `user`, made with John's admin key (no action creates keys)."""
        return _new_key(self._admin, user)

    def retired_key_for(self, user: str) -> str:
        """A second key for `user`, switched off at once: an old key the user no longer uses."""
        key_id = _new_key(self._admin, user).access_key_id
        self._admin.update_access_key(UserName=user, AccessKeyId=key_id, Status="Inactive")
        return key_id

    def key_statuses(self, user: str) -> dict[str, str]:
        """{access key ID: "Active" or "Inactive"}, as ListAccessKeys reports them."""
        keys = self._admin.list_access_keys(UserName=user)["AccessKeyMetadata"]
        return {key["AccessKeyId"]: key["Status"] for key in keys}

    def create_role(self, name: str) -> str:
        """A role that EC2 instances assume; returns its ARN."""
        return self._admin.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))["Role"]["Arn"]

    def create_shared_role(self, name: str) -> tuple[str, str]:
        """A role the build runners assume (here John's key stands in for them); returns its ARN and
        its RoleId. One trust statement: moto, which checks trust policies on AssumeRole under
        enforcement, fails on a statement whose principal is a service or another identity."""
        trust = {"Version": "2012-10-17", "Statement": [
            {"Sid": "BuildRunners", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:user/{ADMIN_USER}"},
             "Action": "sts:AssumeRole"}]}
        role = self._admin.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        return role["Arn"], role["RoleId"]

    def start_session(self, role_arn: str, session: str) -> str:
        """John assumes the role, as a build runner would; returns the session's assumed-role ARN."""
        return self._admin_sts.assume_role(RoleArn=role_arn, RoleSessionName=session)["AssumedRoleUser"]["Arn"]

    def role_documents(self, role: str) -> tuple[dict, dict[str, dict]]:
        """The role's trust policy and {inline policy name: document}, as parsed JSON."""
        trust = self._admin.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        names = self._admin.list_role_policies(RoleName=role)["PolicyNames"]
        return trust, {name: self._admin.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"] for name in names}

    def user_policy(self, user: str, name: str) -> dict:
        return self._admin.get_user_policy(UserName=user, PolicyName=name)["PolicyDocument"]

    def delete_key(self, user: str, key_id: str) -> None:
        self._admin.delete_access_key(UserName=user, AccessKeyId=key_id)

    def user_state(self, user: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
        """(inline policy names, {access key ID: status}, {tag key: value}) of a user."""
        inline = self._admin.list_user_policies(UserName=user)["PolicyNames"]
        tags = {tag["Key"]: tag["Value"] for tag in self._admin.list_user_tags(UserName=user)["Tags"]}
        return sorted(inline), self.key_statuses(user), tags

    def role_policy(self, role: str, name: str) -> dict | None:
        """One inline policy document of a role, or None when the role has no policy of that name."""
        if name not in self._admin.list_role_policies(RoleName=role)["PolicyNames"]:
            return None
        return self._admin.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]

    def attach_user_policy(self, user: str, policy_arn: str) -> None:
        """Attach a managed policy to a user with John's admin key (as AWS attaches its quarantine)."""
        self._admin.attach_user_policy(UserName=user, PolicyArn=policy_arn)

    def group_policies(self, group: str) -> list[str]:
        """Names of the managed policies attached to a group."""
        return sorted(p["PolicyName"] for p in self._admin.list_attached_group_policies(GroupName=group)["AttachedPolicies"])


def _iam_as_role(sts, account_id: str, role_name: str):
    """An IAM client acting as a role of another account, assumed with the given STS client's keys."""
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}",
                                  RoleSessionName="john")["Credentials"]
    return boto3.client("iam", aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def _new_key(iam, user: str) -> Keys:
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return Keys(user, key["AccessKeyId"], key["SecretAccessKey"])


# What a user tries in S3, by the column title the demo prints.
PROBES = {
    "put object": lambda s3, user: s3.put_object(Bucket=BUCKET, Key=f"{user}/notes.txt", Body=b"work"),
    "get object": lambda s3, user: s3.get_object(Bucket=BUCKET, Key=SHARED_OBJECT)["Body"].read(),
    "list objects": lambda s3, user: s3.list_objects_v2(Bucket=BUCKET),
    "read other bucket": lambda s3, user: s3.get_object(Bucket=OTHER_BUCKET, Key="salaries.csv")["Body"].read(),
}


def probe(keys: Keys) -> dict[str, str]:
    """{probe: "allowed" or the error code} for each S3 request, made with the user's own key."""
    s3 = keys.client("s3")
    return {name: attempt_outcome(lambda: attempt(s3, keys.user)) for name, attempt in PROBES.items()}


def attempt_outcome(attempt) -> str:
    """"allowed", or the AWS error code the request got."""
    try:
        attempt()
    except ClientError as err:
        return err.response["Error"]["Code"]
    return ALLOWED
