"""The demo's IAM Identity Center chapter: a contractor who signs in through Identity Center is
enriched, contained in every permission set that reaches an account, and restored exactly.

jdoe@example.com reaches two accounts through the group contractors (the permission set ReadOnly)
and one account directly (DataEngineer). A colleague, mary, holds ReadOnly through the same group.
John arranges it with his admin key; the integration acts with its own least-privilege key, under
moto's policy enforcement, so the run also proves the published policy covers these actions.
"""

import json

import demo_view as view
from demo_account import ALLOWED, BUCKET, SECOND_ACCOUNT, Keys, attempt_outcome

# AWS_DEFAULT_REGION of the demo process: John's clients and the integration sign for the same one.
IC_REGION = "us-east-1"
CONTRACTOR, COLLEAGUE = "jdoe", "mary"
GROUP, READ_ONLY, DATA_ENGINEER = "contractors", "ReadOnly", "DataEngineer"
# ReadOnly already carries an inline policy of its own, which containment must leave as it is.
READ_ONLY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadCompanyBucket", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]}]}


class IdentityCenterScene:
    def __init__(self, demo, failure):
        self.demo = demo
        self.failure = failure  # the demo's exception for a step that did not behave
        self.sso = self.store = None
        self.instance_arn = None
        self.ids: dict[str, str] = {}
        self.sets: dict[str, str] = {}
        self.before: dict[str, dict | None] = {}

    def set_up(self):
        self.sso, self.store = (self.demo.account.admin_client(service) for service in ("sso-admin", "identitystore"))
        instance = self.sso.list_instances()["Instances"][0]
        self.instance_arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
        for name, display in ((CONTRACTOR, "Jane Doe (contractor)"), (COLLEAGUE, "Mary Major")):
            self.ids[name] = self.store.create_user(
                IdentityStoreId=store_id, UserName=name, DisplayName=display,
                Name={"GivenName": name, "FamilyName": "Example"},
                Emails=[{"Value": f"{name}@example.com", "Type": "work", "Primary": True}])["UserId"]
        group = self.store.create_group(IdentityStoreId=store_id, DisplayName=GROUP)["GroupId"]
        for name in (CONTRACTOR, COLLEAGUE):
            self.store.create_group_membership(IdentityStoreId=store_id, GroupId=group, MemberId={"UserId": self.ids[name]})
        for name in (READ_ONLY, DATA_ENGINEER):
            self.sets[name] = self.sso.create_permission_set(Name=name, InstanceArn=self.instance_arn)["PermissionSet"]["PermissionSetArn"]
        self.sso.put_inline_policy_to_permission_set(InstanceArn=self.instance_arn, PermissionSetArn=self.sets[READ_ONLY],
                                                     InlinePolicy=json.dumps(READ_ONLY_POLICY))
        first = self.demo.account.account_id
        for permission_set, kind, principal, account in ((READ_ONLY, "GROUP", group, first),
                                                         (READ_ONLY, "GROUP", group, SECOND_ACCOUNT),
                                                         (DATA_ENGINEER, "USER", self.ids[CONTRACTOR], first)):
            self.sso.create_account_assignment(InstanceArn=self.instance_arn, TargetId=account, TargetType="AWS_ACCOUNT",
                                               PermissionSetArn=self.sets[permission_set], PrincipalType=kind,
                                               PrincipalId=principal)
        self.before = {name: self.policy(name) for name in self.sets}
        self.demo.configuration = {**self.demo.configuration, "Identity Center Region": IC_REGION}
        # The control: moto checks sso: calls against the caller's policies too (it answers a refusal
        # there with the bare code 403, where AWS says AccessDeniedException).
        integration = Keys("integration", self.demo.configuration["AWS Access Key ID"], self.demo.configuration["AWS Secret Key"])
        outside = attempt_outcome(lambda: integration.client("sso-admin").create_permission_set(
            Name="NotGranted", InstanceArn=self.instance_arn))
        if outside == ALLOWED:
            raise self.failure(f"enforcement does not cover sso-admin: the integration's key got {outside} "
                               "for sso:CreatePermissionSet")
        view.note(
            f"Done by John with his admin key (boto3 directly): in the organization's IAM Identity Center ({IC_REGION}), "
            f"the users {CONTRACTOR} ({CONTRACTOR}@example.com) and {COLLEAGUE}, the group {GROUP} holding both, and "
            f"two permission sets: {READ_ONLY} (with an inline policy of its own) assigned to {GROUP} in accounts "
            f"{first} and {SECOND_ACCOUNT}, and {DATA_ENGINEER} assigned to {CONTRACTOR} directly in {first}. The "
            "integration's configuration gains 'Identity Center Region'. Its key still holds only the published "
            "least-privilege policy, and moto's policy enforcement is still on: the integration's key asking for "
            f"sso:CreatePermissionSet, which its policy does not grant, gets {outside}.")
        self.show_documents("The permission sets' inline policies before anything is done:")

    def policy(self, name: str) -> dict | None:
        text = self.sso.get_inline_policy_for_permission_set(InstanceArn=self.instance_arn,
                                                             PermissionSetArn=self.sets[name])["InlinePolicy"]
        return json.loads(text) if text else None

    def show_documents(self, intro: str) -> dict:
        view.note(intro)
        documents = {name: self.policy(name) for name in self.sets}
        for name, document in documents.items():
            print(f"    {name}:")
            print("      " + (json.dumps(document, indent=2).replace("\n", "\n      ") if document else "(no inline policy)"))
        return documents

    def show_contained(self):
        documents = self.show_documents("The inline policies after Disable Identity Center User Access:")
        denied = {"Sid": "AWSIAMContainment", "Effect": "Deny", "Action": "*", "Resource": "*",
                  "Condition": {"StringEquals": {"identitystore:UserId": [self.ids[CONTRACTOR]]}}}
        expected = {READ_ONLY: {**READ_ONLY_POLICY, "Statement": [*READ_ONLY_POLICY["Statement"], denied]},
                    DATA_ENGINEER: {"Version": "2012-10-17", "Statement": [denied]}}
        if documents != expected:
            raise self.failure(f"the permission sets do not hold exactly the containment statement: {documents}")
        if self.ids[COLLEAGUE] in json.dumps(documents):
            raise self.failure(f"{COLLEAGUE}, who holds {READ_ONLY} too, is in a containment statement")
        view.note(
            f"Both permission sets {CONTRACTOR} reaches now deny everything when identitystore:UserId is "
            f"{self.ids[CONTRACTOR]}: every session of {CONTRACTOR} from them, in both accounts, is refused, old or "
            f"new, once AWS has provisioned the change. {COLLEAGUE} ({self.ids[COLLEAGUE]}) holds {READ_ONLY} through "
            f"the same group and is not in the statement, so her sessions keep working; {READ_ONLY}'s own statement "
            "is kept as it was. AWS evaluates the identitystore:UserId condition on each request of a role session "
            "Identity Center created; moto stores the documents but evaluates no condition, so the demo shows the "
            "documents rather than a refused session.")

    def show_restored(self):
        documents = self.show_documents("The inline policies after Enable Identity Center User Access:")
        if documents != self.before:
            raise self.failure(f"the permission sets are not exactly as before containment: {documents} != {self.before}")
        view.note(f"Exactly as before: {READ_ONLY} holds only its own statement again, and {DATA_ENGINEER}, which had "
                  "no inline policy, has none (it was deleted, not written empty).")


def chapter(demo, run_step, failure):
    """The chapter as demo.py tells it: (title, narrative, steps). `run_step` is the demo's Run (one
    action run and what the analyst must see), `failure` its exception for a step gone wrong."""
    scene = IdentityCenterScene(demo, failure)
    entity = f"{CONTRACTOR.upper()}@EXAMPLE.COM"

    def vias(out):
        got = [(a["PermissionSetName"], a["Via"]) for a in out.json_result[0]["EntityResult"]["Assignments"]]
        want = [(DATA_ENGINEER, "user"), (READ_ONLY, f"group:{GROUP}"), (READ_ONLY, f"group:{GROUP}")]
        return None if got == want else f"assignments {got}, expected {want}"

    return (
        "16. IAM Identity Center: a contractor contained in every account, and restored exactly",
        f"An alert names {CONTRACTOR}@example.com, a contractor who signs in through IAM Identity Center, not as an "
        "IAM user. SOAR sends the entity upper-cased.",
        [scene.set_up,
         run_step("Enrich Identity Center User", entities=(entity,), check=vias,
                  message=f"Successfully enriched the following users from IAM Identity Center: {CONTRACTOR}"),
         run_step("Disable Identity Center User Access", entities=(entity,),
                  message="Successfully denied the following users in every permission set they reach in IAM Identity "
                          f"Center: {CONTRACTOR}"),
         scene.show_contained,
         run_step("Enable Identity Center User Access", entities=(entity,),
                  message="Successfully removed the following users from the deny statement of every permission set in "
                          f"IAM Identity Center: {CONTRACTOR}"),
         scene.show_restored],
    )
