"""The demo's organization scene: an alert names only an access key ID, and it belongs to a user of
the company's second account. The first instance of the integration, given the Cross-Account Role
Name, finds the account from the key, assumes the role there (the same role the second instance
uses), and enriches and contains the user in that account, under moto's policy enforcement."""

import json

import boto3

import demo_view as view
from demo_account import ALLOWED, DENIED, INTEGRATION_ROLE, SECOND_ACCOUNT, Keys, attempt_outcome

ALERTED_USER = "bob"  # the data team's Bob, in the second account; not the first account's Bob.Jones
LIST_BUCKETS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}


class OrganizationScene:
    def __init__(self, demo, run_class, failure):
        self.demo = demo
        self.Run = run_class
        self.failure = failure
        self.key: Keys | None = None
        self.iam = None
        self.first_account_bob = None  # Bob.Jones of the first account, which this scene must not touch

    def chapter(self):
        return ("17. An alert from the second account names only an access key ID",
                f"GuardDuty reports credential abuse in account {SECOND_ACCOUNT}: the finding names an access key ID and "
                "nothing else the analyst can use. The first instance of the integration gets one more setting, "
                f"Cross-Account Role Name = {INTEGRATION_ROLE} (the role the second instance already assumes there), and "
                "the case's User entity is the key ID alone.",
                [self.set_up, self.contain, self.show_contained])

    def set_up(self):
        self.first_account_bob = self.demo.account.user_state("Bob.Jones")
        self.iam = self.demo.account.admin_iam_in(SECOND_ACCOUNT)
        self.iam.create_user(UserName=ALERTED_USER)
        self.iam.put_user_policy(UserName=ALERTED_USER, PolicyName="list-buckets", PolicyDocument=json.dumps(LIST_BUCKETS))
        created = self.iam.create_access_key(UserName=ALERTED_USER)["AccessKey"]
        self.key = Keys(ALERTED_USER, created["AccessKeyId"], created["SecretAccessKey"])
        before = self._his_request()
        if before != ALLOWED:
            raise self.failure(f"{ALERTED_USER}'s own key got {before} for s3:ListBuckets before containment")
        view.note(f"Done by John through the second account's organization role: the user {ALERTED_USER} there, who "
                  f"may list the account's buckets, and his access key {self.key.access_key_id}. With that key, "
                  f"{ALERTED_USER} lists the buckets: {before}.")

    def contain(self):
        key_id = self.key.access_key_id
        configuration = {**self.demo.configuration, "Cross-Account Role Name": INTEGRATION_ROLE,
                         "External ID": self.demo.role_configuration["External ID"]}
        saved, self.demo.configuration = self.demo.configuration, configuration
        try:
            self.demo.run(self.Run(
                "Enrich User", entities=(key_id,),
                message=f"Successfully enriched the following users from AWS IAM: {ALERTED_USER}",
                check=_resolved(key_id)))
            self.demo.run(self.Run(
                "Disable User Access", {"Deactivate Access Keys": "true"}, entities=(key_id,),
                message=f"Successfully added deny policy to the following users in AWS IAM: {ALERTED_USER}\n"
                        f"Successfully deactivated the access keys of the following users in AWS IAM: {ALERTED_USER} ({key_id})",
                check=_resolved(key_id)))
        finally:
            self.demo.configuration = saved

    def show_contained(self):
        after = self._his_request()
        inline = self.iam.list_user_policies(UserName=ALERTED_USER)["PolicyNames"]
        status = {key["AccessKeyId"]: key["Status"] for key in self.iam.list_access_keys(UserName=ALERTED_USER)["AccessKeyMetadata"]}
        first_account = self.demo.account.user_state("Bob.Jones")
        problems = []
        if after != DENIED:
            problems.append(f"{ALERTED_USER}'s own key still got {after}")
        if "DisableUserAccessPolicy" not in inline or status != {self.key.access_key_id: "Inactive"}:
            problems.append(f"{ALERTED_USER} in {SECOND_ACCOUNT} holds {inline} and keys {status}")
        if first_account != self.first_account_bob:
            problems.append(f"the first account's Bob.Jones was touched: {self.first_account_bob} became {first_account}")
        if problems:
            raise self.failure("the second account's user is not contained: " + "; ".join(problems))
        view.note(f"In account {SECOND_ACCOUNT}, read back with John's admin rights there: {ALERTED_USER} carries "
                  f"DisableUserAccessPolicy, and his key {self.key.access_key_id} is {status[self.key.access_key_id]}. "
                  f"With that key he tries to list the buckets again: {after}. Each run made sts:GetAccessKeyInfo (the key's "
                  "account), one sts:AssumeRole of the role in that account (with the External ID), and "
                  "iam:GetAccessKeyLastUsed there (the key's user): the account that owns the key answered, not the first "
                  "one. The first account's Bob.Jones was not touched.")

    def _his_request(self) -> str:
        s3 = boto3.client("s3", aws_access_key_id=self.key.access_key_id, aws_secret_access_key=self.key.secret)
        return attempt_outcome(s3.list_buckets)


def _resolved(key_id: str):
    def check(out):
        got = [(entry["EntityResult"].get("Account"), entry["EntityResult"].get("ResolvedFrom"),
                entry["EntityResult"].get("AccessKeyId"), entry["EntityResult"].get("Arn")) for entry in out.json_result or []]
        expected = [(SECOND_ACCOUNT, "access_key", key_id, f"arn:aws:iam::{SECOND_ACCOUNT}:user/{ALERTED_USER}")]
        return None if got == expected else f"resolved as {got}, expected {expected}"
    return check


def chapter(demo, run_class, failure):
    """The scene as one of demo.py's chapters: (title, narrative, steps)."""
    return OrganizationScene(demo, run_class, failure).chapter()
