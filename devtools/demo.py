#!/usr/bin/env python3
"""`make demo`: the spec's use case, end to end, on an embedded moto server.

John's company keeps its data in the S3 bucket `aws-s3-bucket`. Through the AWSIAM integration he
creates the developers and their group, gives the group access to the bucket, promotes one
developer to manager and contains another, keys included. A second instance of the integration
reaches the company's second AWS account through a role, with the same key. Then the case on the
contained developer turns out to be a false positive, so the containment is undone exactly; last,
a role's sessions are revoked and a policy is detached. Every action runs as the platform runs it
(the real script, in a subprocess, through devtools/local_runner.py). The demo proves with each
user's own access key, under moto's IAM policy enforcement, that access really changed, and reads
key status and the account's state back with John's admin key.

No AWS account or configuration is needed; nothing outside 127.0.0.1 is contacted. Exit code 0
when every step behaved as expected, 1 (with the reason) when one did not.
"""

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo_identity_risks as identity_risks  # noqa: E402
import demo_role_containment  # noqa: E402
import demo_organization  # noqa: E402
import demo_view as view  # noqa: E402
from demo_identity_center import chapter as identity_center_chapter  # noqa: E402
from demo_account import (  # noqa: E402
    ADMIN_USER, ALLOWED, BUCKET, DENIED, INTEGRATION_POLICY, INTEGRATION_ROLE, INTEGRATION_USER, ORGANIZATION_ROLE,
    OTHER_BUCKET, PROBES, SECOND_ACCOUNT, Account, attempt_outcome, probe,
)
from demo_permissions import (  # noqa: E402
    ASSUME_ROLE_SID, LEAST_PRIVILEGE_SID, POLICY_DOCS, REPO_ROOT, TRUST_SID, published_policy,
)
from local_runner import RunnerError, run_script  # noqa: E402
from moto_server import MotoServer, issued_role_credentials  # noqa: E402

DEVELOPERS = ["alice", "Bob.Jones", "carol"]
DATA_USER = "erin"  # the data team's new member, in the second account
PING_OK = "Successfully connected to the AWS IAM server with the provided connection parameters!"
PROMOTED, DISABLED = "carol", "Bob.Jones"
DEVELOPERS_POLICY, MANAGERS_POLICY = "DevelopersBucketReadWriteList", "ManagersBucketReadOnly"
ROLE = "ci-deploy"
NAME_RULE = "must contain only alphanumeric characters and/or the following: +=,.@_-."

# Developers read, write and list the bucket's objects, and nothing else.
DEVELOPERS_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadWriteObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": f"arn:aws:s3:::{BUCKET}/*"},
        {"Sid": "ListObjects", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
    ],
}
# A manager reviews the developers' work: read and list, no more writing.
MANAGERS_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
        {"Sid": "ListObjects", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"},
    ],
}


class DemoFailure(Exception):
    """A step did not behave as the contract says."""


@dataclass(frozen=True)
class Run:
    """One action run and what the analyst must see."""

    action: str
    params: dict = field(default_factory=dict)
    entities: tuple = ()
    message: str | re.Pattern | Callable[[], str] = ""  # a pattern must match whole; a callable is asked at run time
    state: str = "COMPLETED"
    result: object = True
    check: Callable | None = None  # further expectation on the output; returns what is wrong, or None
    via_role: bool = False  # run by the second instance: the same key, through the role in the second account
    calls: tuple | None = None  # the exact IAM/STS calls, when the step is about them


# --- Expectations beyond message, state and result value -----------------------------------------

def doc_name(sid: str = LEAST_PRIVILEGE_SID) -> str:
    """The docs file that publishes the policy with this Sid, as the reader finds it in the repository."""
    return POLICY_DOCS[sid].relative_to(REPO_ROOT).as_posix()


def json_field(key: str, expected: list):
    def check(out):
        got = [item.get(key) for item in out.json_result or []]
        return None if got == expected else f"JSON result {key} values {got}, expected {expected}"
    return check


def json_types(**expected):
    def check(out):
        wrong = {key: out.json_result.get(key) for key, value in expected.items() if out.json_result.get(key) != value}
        return f"JSON result has {wrong}, expected {expected}" if wrong else None
    return check


def table_names(title: str, expected: set):
    def check(out):
        lines = out.tables.get(title)
        if not lines:
            return f"no table '{title}' (tables: {sorted(out.tables)})"
        got = {line.split(",", 1)[0] for line in lines[1:]}
        return None if got == expected else f"table '{title}' lists {sorted(got)}, expected {sorted(expected)}"
    return check


def entity_field(key: str, expected: Callable[[], list]):
    """Each entity's EntityResult[key], against a list computed when the step runs."""
    def check(out):
        got = [entry["EntityResult"].get(key) for entry in out.json_result or []]
        return None if got == expected() else f"entity {key} values {got}, expected {expected()}"
    return check


def entity_statuses(expected: list):
    def check(out):
        got = [entry["EntityResult"]["Status"] for entry in out.json_result or []]
        return None if got == expected else f"entity statuses {got}, expected {expected}"
    return check


def enrichment(*, disabled: bool, insight: str | None):
    """One UpdateEntities call, the entity's AWSIAM_Disabled, and the insight (a line of it) or none."""
    def check(out):
        if len(out.entity_updates) != 1:
            return f"{len(out.entity_updates)} UpdateEntities calls, expected one"
        flags = [entity["additional_properties"].get("AWSIAM_Disabled") for entity in out.entity_updates[0]]
        if flags != [str(disabled)]:
            return f"AWSIAM_Disabled {flags}, expected {[str(disabled)]}"
        insights = [item["content"] for item in out.insights]
        if insight is None and insights:
            return f"unexpected insights {insights}"
        if insight is not None and not any(insight in text for text in insights):
            return f"insights {insights}, expected one saying {insight!r}"
        return None
    return check


# --- The story -------------------------------------------------------------------------------------

class Demo:
    def __init__(self, server: MotoServer):
        self.server = server
        self.account = Account(server.url)
        self.configuration = None
        self.role_configuration = None
        self.secret = None
        self.keys = {}
        self.retired_key = None  # Bob's old key, switched off before any containment
        self.role_arn = None

    # Scenes: what John does outside SOAR, and the proof of access.

    def set_up_account(self):
        policy = published_policy()
        keys = self.account.set_up(policy)
        self.secret = keys.secret
        self.configuration = {"AWS Access Key ID": keys.access_key_id, "AWS Secret Key": keys.secret, "Verify SSL": True}
        self.account.enforce_policies(on=True)
        # The control: a call outside the integration's policy must now be refused.
        outside = attempt_outcome(lambda: keys.client("iam").create_access_key(UserName=INTEGRATION_USER))
        if outside != DENIED:
            raise DemoFailure(f"enforcement is not on: the integration's key got {outside} for iam:CreateAccessKey")
        view.note(
            f"Done with boto3 directly, before any action: the buckets {BUCKET} and {OTHER_BUCKET} (with one object "
            f"each), John's admin user '{ADMIN_USER}' with an allow-all policy, and the integration's own IAM user "
            f"'{INTEGRATION_USER}' holding only '{INTEGRATION_POLICY}', the least-privilege policy from "
            f"{doc_name()} ({len(policy['Statement'][0]['Action'])} actions). The integration is configured with that "
            "user's access key.\nmoto's IAM policy enforcement is ON from here: every request below, the "
            "integration's included, is checked against the caller's policies. Check: the integration's key asking "
            f"for iam:CreateAccessKey, which its policy does not grant, gets {outside}."
        )

    def set_up_second_account(self):
        trust = published_policy(sid=TRUST_SID)
        statement = trust["Statement"][0]
        # The docs' example names a placeholder user; here it is the integration's real one.
        statement["Principal"]["AWS"] = f"arn:aws:iam::{self.account.account_id}:user/{INTEGRATION_USER}"
        external_id = statement["Condition"]["StringEquals"]["sts:ExternalId"]
        role_arn = self.account.set_up_integration_role(trust, published_policy(), published_policy(sid=ASSUME_ROLE_SID))
        self.role_configuration = {**self.configuration, "Role ARN": role_arn, "External ID": external_id}
        view.note(
            f"Done by John with boto3 directly, through the second account's {ORGANIZATION_ROLE}: the "
            f"role {INTEGRATION_ROLE} in account {SECOND_ACCOUNT}, with the trust policy from {doc_name(TRUST_SID)} (the "
            f"integration's user may assume it with the External ID {external_id}) and the same least-privilege "
            f"policy as its permissions. In the first account, the integration's user gets {doc_name(ASSUME_ROLE_SID)}'s "
            "sts:AssumeRole policy, and nothing else new.\n"
            f"The second instance of the integration: the same key, Role ARN {role_arn}, External ID {external_id}. "
            "Every run below marked 'through the role' assumes it once and then acts as the role."
        )

    def create_access_keys(self):
        for user in DEVELOPERS:
            self.keys[user] = self.account.access_key_for(user)
        self.retired_key = self.account.retired_key_for(DISABLED)
        view.note(
            "No action creates access keys, so John creates one for each developer with boto3 directly "
            f"(his admin key): {', '.join(DEVELOPERS)}. They are used in the access checks. {DISABLED} also holds an "
            f"old key, {self.retired_key}, which he stopped using and John switched off long ago."
        )

    def show_keys(self, user: str, expected: dict[str, str]):
        """The user's access keys as ListAccessKeys reports them (John's admin key); `expected` is
        {"in use" or "retired": status}."""
        statuses = self.account.key_statuses(user)
        labels = {self.keys[user].access_key_id: "in use", self.retired_key: "retired"}
        print()
        print("    " + view.grid(["access key", "", "status (ListAccessKeys)"],
                                 [[key_id, labels.get(key_id, ""), status] for key_id, status in statuses.items()]).replace("\n", "\n    "))
        got = {labels.get(key_id, key_id): status for key_id, status in statuses.items()}
        if got != expected:
            raise DemoFailure(f"{user}'s access keys are {got}, expected {expected}")

    def show_record(self):
        """The containment record on Bob, as Disable User Access left it: his key in use, and only that."""
        _, _, tags = self.account.user_state(DISABLED)
        record = tags.get("AWSIAM-Containment", "")
        view.note(f"The record on {DISABLED}: AWSIAM-Containment = {record}")
        if not re.fullmatch(rf"keys={self.keys[DISABLED].access_key_id} at=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record):
            raise DemoFailure(f"the containment record should list {self.keys[DISABLED].access_key_id} alone, not {record!r}")

    def create_role(self):
        self.role_arn = self.account.create_role(ROLE)
        view.note(f"John created the role {ROLE} for the company's build servers (with boto3 directly): {self.role_arn}.")

    def show_revocation(self):
        document = self.account.role_policy(ROLE, "AWSRevokeOlderSessions")
        if document is None:
            raise DemoFailure(f"{ROLE} has no inline policy AWSRevokeOlderSessions")
        statement, = document["Statement"]
        cutoff = statement.get("Condition", {}).get("DateLessThan", {}).get("aws:TokenIssueTime", "")
        if (statement["Effect"], statement["Action"], statement["Resource"]) != ("Deny", ["*"], ["*"]) or not cutoff.endswith("Z"):
            raise DemoFailure(f"{ROLE}'s AWSRevokeOlderSessions is not the console's document: {document}")
        view.note(
            f"{ROLE} now carries the inline policy AWSRevokeOlderSessions, as the IAM console's \"Revoke active sessions\" "
            f"writes it: Deny * on * when aws:TokenIssueTime is before {cutoff}. Credentials issued before then stop "
            "working; the build servers get fresh ones on their next AssumeRole, which the policy does not touch. moto "
            "does not evaluate policy Conditions, so the demo shows the policy rather than a refused session."
        )

    def show_account_state(self):
        """What the story left in the account, read back with John's admin key."""
        rows = []
        for user in DEVELOPERS:
            inline, keys, tags = self.account.user_state(user)
            key_list = ", ".join(f"{key_id[-4:]} {status}" for key_id, status in keys.items())
            rows.append([f"user {user}", ", ".join(inline) or "-", key_list, ", ".join(f"{k}={v}" for k, v in tags.items()) or "-"])
        for group in ("Developers", "Managers"):
            rows.append([f"group {group}", ", ".join(self.account.group_policies(group)) or "-", "", ""])
        revoke = self.account.role_policy(ROLE, "AWSRevokeOlderSessions")
        rows.append([f"role {ROLE}", "AWSRevokeOlderSessions" if revoke else "-", "", ""])
        print()
        print("    " + view.grid(["identity", "inline / attached policies", "access keys (last 4: status)", "tags"], rows)
              .replace("\n", "\n    "))
        bob_inline, bob_keys, bob_tags = self.account.user_state(DISABLED)
        problems = []
        if bob_inline or bob_tags:
            problems.append(f"{DISABLED} still has {bob_inline} {bob_tags}")
        if self.account.group_policies("Managers"):
            problems.append("Managers still holds a policy")
        if problems:
            raise DemoFailure("the account is not as the story left it: " + "; ".join(problems))

    def show_access(self, intro: str, expected: dict[str, tuple[str, dict]]):
        """Each user tries S3 with their own key; `expected` is {user: (role, {probe: outcome})}."""
        view.note(intro)
        rows, problems = [], []
        for user, (role, outcome) in expected.items():
            got = probe(self.keys[user])
            rows.append([user, role, *(got[name] for name in PROBES)])
            problems += [f"{user} {name}: {got[name]}, expected {want}" for name, want in outcome.items() if got[name] != want]
        print()
        print("    " + view.grid(["user", "role", *PROBES], rows).replace("\n", "\n    "))
        if problems:
            raise DemoFailure("access is not as intended: " + "; ".join(problems))

    # Action runs.

    def run(self, step: Run):
        self.server.reset_calls()
        configuration = self.role_configuration if step.via_role else self.configuration
        try:
            out = run_script(step.action, step.params, configuration, list(step.entities), endpoint_url=self.server.url)
        except RunnerError as err:
            raise DemoFailure(f"'{step.action}' produced no result: {err}") from None
        calls = [action if service == "iam" else f"{service}:{action}" for service, action in self.server.calls
                 if service in ("iam", "sts", "sso", "identitystore")]
        instance = f"second instance, through the role {INTEGRATION_ROLE} in {SECOND_ACCOUNT}" if step.via_role else None
        view.action_output(step.action, step.params, step.entities, out, calls, instance=instance)
        problems = []
        if step.calls is not None and tuple(calls) != step.calls:
            problems.append(f"calls {calls}, expected {list(step.calls)}")
        if (out.state_name, out.result_value) != (step.state, step.result):
            problems.append(f"state {out.state_name} and result {out.result_value!r}, expected {step.state} and {step.result!r}")
        expected = step.message() if callable(step.message) else step.message
        if isinstance(expected, re.Pattern) and not expected.fullmatch(out.message):
            problems.append(f"message {out.message!r}, expected one matching {expected.pattern!r}")
        elif isinstance(expected, str) and out.message != expected:
            problems.append(f"message {out.message!r}, expected {expected!r}")
        if step.check and (problem := step.check(out)):
            problems.append(problem)
        printed = out.stdout + out.stderr + out.debug_output
        if self.secret in printed:
            problems.append("the secret key appears in the script's output")
        if any(credential in printed for credential in issued_role_credentials()):
            problems.append("a temporary credential of the role appears in the script's output")
        if problems:
            raise DemoFailure(f"'{step.action}': " + "; ".join(problems))


def chapters(demo: Demo):
    """(title, narrative, steps); a step is a Run or a scene (a callable)."""
    developer = {"put object": ALLOWED, "get object": ALLOWED, "list objects": ALLOWED, "read other bucket": DENIED}
    manager = {**developer, "put object": DENIED}
    disabled = dict.fromkeys(PROBES, DENIED)
    return [
        ("1. John's bucket, and the integration's connection",
         "John created the bucket aws-s3-bucket for the company. He configures the integration and pings AWS.",
         [demo.set_up_account,
          Run("Ping", message="Successfully connected to the AWS IAM server with the provided connection parameters!")]),
        ("2. Create a User: the developers, in one call",
         "One name has a space, which IAM forbids: the others are still created, and the message says which is which.",
         [Run("Create a User", {"User Name": ", ".join([*DEVELOPERS, "dave smith"])},
              message="Successfully added the following users to IAM: alice, Bob.Jones, carol\n"
                      f"Could not add the following users to IAM: dave smith. Usernames {NAME_RULE}",
              check=json_field("UserName", DEVELOPERS)),
          demo.create_access_keys]),
        ("3. Create a Group: Developers and Managers",
         "",
         [Run("Create a Group", {"Group Name": "Developers, Managers"},
              message="Successfully added the following groups to IAM: Developers, Managers",
              check=json_field("GroupName", ["Developers", "Managers"]))]),
        ("4. Create a Policy: what each group may do in the bucket",
         "Developers read, write and list objects in aws-s3-bucket, and nothing else. Managers review: read and list.",
         [Run("Create a Policy", {"Policy Name": DEVELOPERS_POLICY, "Policy Document": json.dumps(DEVELOPERS_DOCUMENT),
                                  "Description": f"Read, write and list objects in {BUCKET}"},
              message=f"{DEVELOPERS_POLICY} policy was successfully created",
              check=json_types(PolicyName=DEVELOPERS_POLICY, DefaultVersionId="v1", AttachmentCount=0, IsAttachable=True)),
          Run("Create a Policy", {"Policy Name": MANAGERS_POLICY, "Policy Document": json.dumps(MANAGERS_DOCUMENT),
                                  "Description": f"Read and list objects in {BUCKET}"},
              message=f"{MANAGERS_POLICY} policy was successfully created",
              check=json_types(PolicyName=MANAGERS_POLICY, DefaultVersionId="v1", AttachmentCount=0, IsAttachable=True))]),
        ("5. Attach a Policy to each group",
         "The policy is given by its friendly name; the action finds its ARN.",
         [Run("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers", "Policy Name": DEVELOPERS_POLICY},
              message="Policy was attached to Group: Developers"),
          Run("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Managers", "Policy Name": MANAGERS_POLICY},
              message="Policy was attached to Group: Managers")]),
        ("6. Add a User to a Group: the developers join Developers; then the lists",
         "",
         [Run("Add a User to a Group", {"Group Name": "Developers", "User Name": ", ".join(DEVELOPERS)},
              message="Successfully added the user alice, Bob.Jones, carol to the IAM group: Developers"),
          Run("List Users", message="Successfully listed available users in AWS IAM",
              check=table_names("IAM Users", {*DEVELOPERS, ADMIN_USER, INTEGRATION_USER})),
          Run("List Groups", message="Successfully listed available groups in AWS IAM",
              check=table_names("IAM Groups", {"Developers", "Managers"})),
          Run("List Policies", {"Scope": "Local", "Only Attached": "true"},
              message="Successfully listed available policies in AWS IAM",
              check=table_names("IAM Policies", {DEVELOPERS_POLICY, MANAGERS_POLICY, INTEGRATION_POLICY})),
          partial(demo.show_access, "Each developer tries the bucket with their own key: the group's policy works.",
                  {user: ("developer", developer) for user in DEVELOPERS})]),
        ("7. carol becomes a manager: out of Developers, into Managers",
         "",
         [Run("Remove a User from a Group", {"Group Name": "Developers", "User Name": PROMOTED},
              message=f"{PROMOTED} has been removed from group: Developers"),
          Run("Add a User to a Group", {"Group Name": "Managers", "User Name": PROMOTED},
              message=f"Successfully added the user {PROMOTED} to the IAM group: Managers")]),
        ("8. Enrich User, Disable User Access, Enrich User: Bob.Jones's entity, as SOAR sends it, keys included",
         "An alert names Bob.Jones. Before containing him, the analyst looks at what he holds: Enrich User on his "
         "entity BOB.JONES (upper-cased by SOAR) writes it onto the entity.",
         [Run("Enrich User", entities=("BOB.JONES",),
              message="Successfully enriched the following users from AWS IAM: Bob.Jones",
              check=enrichment(disabled=False, insight=None)),
          partial(view.note,
                  "Two access keys: one used minutes ago for S3 (step 6), and an old one switched off long ago; no "
                  "console password; the group Developers. No risk finding, so no insight. The case also holds "
                  "MALLORY@EXAMPLE.COM, who is not an IAM user at all. Disable User Access runs with Deactivate Access "
                  "Keys on: after the deny policy, Bob's Active key is switched off, and the key it switched off is "
                  "recorded on him, in the tag AWSIAM-Containment."),
          Run("Disable User Access", {"Deactivate Access Keys": "true"}, entities=("BOB.JONES", "MALLORY@EXAMPLE.COM"),
              message=lambda: "Successfully added deny policy to the following users in AWS IAM: Bob.Jones\n"
                              "Successfully deactivated the access keys of the following users in AWS IAM: "
                              f"Bob.Jones ({demo.keys[DISABLED].access_key_id})\n"
                              "Action wasn't able to find the following users in AWS IAM: MALLORY@EXAMPLE.COM",
              check=entity_field("DeactivatedKeys", lambda: [[demo.keys[DISABLED].access_key_id], []])),
          partial(demo.show_keys, DISABLED, {"in use": "Inactive", "retired": "Inactive"}),
          demo.show_record,
          Run("Enrich User", entities=("BOB.JONES",),
              message="Successfully enriched the following users from AWS IAM: Bob.Jones\n"
                      "Risk findings were added as insights to the following users: Bob.Jones",
              check=enrichment(disabled=True, insight="Access is disabled: the deny-all inline policy "
                                                      "DisableUserAccessPolicy is on the user.")),
          partial(view.note,
                  "Enriched again after containment: AWSIAM_Disabled is now True on the entity, and the insight says so, "
                  "so a playbook branching on it does not contain him twice.")]),
        ("9. Did access really change?",
         "",
         [partial(demo.show_access, "Each user tries again with their own key, moto's policy enforcement still on.",
                  {"alice": ("developer", developer), PROMOTED: ("manager", manager), DISABLED: ("disabled", disabled)}),
          partial(view.note,
                  "alice still reads, writes and lists; carol lost write but still reads and lists; Bob.Jones is denied "
                  "everything by the explicit deny, although he is still in Developers. (His key is Inactive too, which "
                  "real AWS refuses outright; moto does not check key status, so here it is the deny that refuses him.) "
                  "Nobody reads the other bucket. "
                  f"The integration itself ran every action above under the same enforcement, holding only {doc_name()}'s "
                  "least-privilege policy.\n"
                  "moto enforced every check shown here: identity policies of the user and of their groups, inline and "
                  "managed, Resource ARNs, and explicit Deny over Allow. It does not model bucket policies, policy "
                  "Conditions, permissions boundaries or organization SCPs; none of them is used in this story.")]),
        ("10. A second account, reached through a role",
         f"The company's data team works in a second AWS account, {SECOND_ACCOUNT}. Instead of a second key, John "
         "lets the integration's user assume a role there, and adds a second instance of the integration.",
         [demo.set_up_second_account,
          Run("Ping", via_role=True, message=PING_OK, calls=("sts:AssumeRole", "ListUsers")),
          Run("Create a User", {"User Name": DATA_USER}, via_role=True,
              message=f"Successfully added the following users to IAM: {DATA_USER}",
              check=json_field("Arn", [f"arn:aws:iam::{SECOND_ACCOUNT}:user/{DATA_USER}"]),
              calls=("sts:AssumeRole", "CreateUser")),
          Run("List Users", via_role=True, message="Successfully listed available users in AWS IAM",
              check=table_names("IAM Users", {DATA_USER})),
          partial(view.note, "Back to the first instance: the key alone, acting in the first account."),
          Run("List Users", message="Successfully listed available users in AWS IAM",
              check=table_names("IAM Users", {*DEVELOPERS, ADMIN_USER, INTEGRATION_USER})),
          Run("Disable User Access", entities=(f"arn:aws:iam::{SECOND_ACCOUNT}:user/{DATA_USER}",), result=False,
              message="Action wasn't able to find the following users in AWS IAM: "
                      f"ARN:AWS:IAM::{SECOND_ACCOUNT}:USER/{DATA_USER.upper()}",
              check=entity_statuses(["not_found"])),
          partial(view.note,
                  f"{DATA_USER} exists only in the second account: the second instance lists her alone, the first "
                  "instance's List Users does not show her, and its Disable User Access refuses her ARN as another "
                  "account's. Each run of the second instance made one sts:AssumeRole with the key, then acted as the "
                  "role. moto checked that the integration's user may call sts:AssumeRole on the role, and the role's "
                  "own policy for every call after it; it does not evaluate trust policies, so the External ID "
                  "condition is shown here but not enforced.")]),
        ("11. A false positive: Enable User Access undoes exactly what containment did",
         "The investigation clears Bob: the activity came from a sanctioned test. Enable User Access deletes the deny "
         "policy, switches back on only the key that containment switched off, and removes the record.",
         [Run("Enable User Access", entities=("BOB.JONES",),
              message=lambda: "Successfully enabled the following users in AWS IAM: Bob.Jones\n"
                              "Successfully reactivated the access keys of the following users in AWS IAM: "
                              f"Bob.Jones ({demo.keys[DISABLED].access_key_id})",
              check=entity_field("ReactivatedKeys", lambda: [[demo.keys[DISABLED].access_key_id]])),
          partial(demo.show_access, "Each user tries again with their own key.",
                  {"alice": ("developer", developer), PROMOTED: ("manager", manager), DISABLED: ("developer", developer)}),
          partial(demo.show_keys, DISABLED, {"in use": "Active", "retired": "Inactive"}),
          partial(view.note,
                  "Bob reads and writes the bucket again. His key in use is Active again; his old key, which was off "
                  "before the containment, is still Inactive: it was never recorded, so it was never turned on. moto does "
                  "not refuse requests made with an Inactive key, so key status is shown as ListAccessKeys reports it, "
                  "and the access checks above prove the deny policy is gone."),
          Run("Enable User Access", entities=("BOB.JONES",), result=False,
              message="The following users in AWS IAM were not disabled, so there was nothing to restore: Bob.Jones",
              check=entity_statuses(["not_disabled"]))]),
        ("12. Revoke Role Sessions and Detach a Policy",
         "Elsewhere, the build role's temporary credentials showed up in a public log: its live sessions are revoked. "
         "And the managers' review of the bucket is over, so John takes their policy back.",
         [demo.create_role,
          Run("Revoke Role Sessions", {"Role Name": f"{ROLE}, arn:aws:iam::999999999999:role/{ROLE}"},
              message=re.compile(r"Successfully revoked the sessions issued before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC of "
                                 rf"the following roles in AWS IAM: {ROLE}\n"
                                 rf"Action wasn't able to find the following roles in AWS IAM: arn:aws:iam::999999999999:role/{ROLE}"),
              check=json_field("Status", ["revoked", "not_found"])),
          demo.show_revocation,
          Run("Detach a Policy", {"Identity Type": "Group", "Identity Name": "Managers", "Policy Name": MANAGERS_POLICY},
              message="Policy was detached from Group: Managers"),
          partial(demo.show_access, "carol tries the bucket again; the others are not affected.",
                  {"alice": ("developer", developer), PROMOTED: ("manager, policy taken back", disabled),
                   DISABLED: ("developer", developer)}),
          Run("Detach a Policy", {"Identity Type": "Group", "Identity Name": "Managers", "Policy Name": MANAGERS_POLICY},
              result=False, message=f"Policy {MANAGERS_POLICY} is not attached to Group: Managers"),
          partial(view.note, "The account afterwards, read back with John's admin key:"),
          demo.show_account_state]),
        identity_risks.chapter(demo, Run, DemoFailure),
        *demo_role_containment.chapters(demo, Run, developer),
        identity_center_chapter(demo, Run, DemoFailure),
        demo_organization.chapter(demo, Run, DemoFailure),
    ]


def _isolated_environment(endpoint_url: str) -> None:
    """Fake credentials and moto's endpoint for every client this process makes: nothing can reach AWS."""
    for name in [name for name in os.environ if name.startswith(("AWS_", "BOTO_"))]:
        del os.environ[name]
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint_url, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    })


def main() -> int:
    started = time.monotonic()
    server = MotoServer(managed_policies=True)  # a real account has them (ReadOnlyAccess, ...)
    demo = Demo(server)
    try:
        _isolated_environment(server.url)
        print(f"AWSIAM demo: John's company and its bucket {BUCKET}, on a moto server at {server.url}")
        for title, narrative, steps in chapters(demo):
            view.heading(title)
            if narrative:
                view.note(narrative)
            for step in steps:
                if isinstance(step, Run):
                    demo.run(step)
                else:
                    step()
    except (DemoFailure, demo_role_containment.DemoFailure, LookupError) as failure:  # LookupError: the docs lost a policy block
        print(f"\nDEMO FAILED: {failure}")
        return 1
    finally:
        try:
            demo.account.enforce_policies(on=False)
        finally:
            server.stop()
    print(f"\nDemo complete: every step behaved as expected ({time.monotonic() - started:.1f}s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
