#!/usr/bin/env python3
"""`make demo`: the spec's use case, end to end, on an embedded moto server.

John's company keeps its data in the S3 bucket `aws-s3-bucket`. Through the AWSIAM integration he
creates the developers and their group, gives the group access to the bucket, promotes one
developer to manager and disables another. Every action runs as the platform runs it (the real
script, in a subprocess, through devtools/local_runner.py). The demo then proves with each user's
own access key, under moto's IAM policy enforcement, that access really changed.

No AWS account or configuration is needed; nothing outside 127.0.0.1 is contacted. Exit code 0
when every step behaved as expected, 1 (with the reason) when one did not.
"""

import json
import os
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo_view as view  # noqa: E402
from demo_account import (  # noqa: E402
    ADMIN_USER, ALLOWED, BUCKET, DENIED, INTEGRATION_POLICY, INTEGRATION_USER, OTHER_BUCKET, PROBES, Account,
    attempt_outcome, probe,
)
from demo_permissions import README, readme_policy  # noqa: E402
from local_runner import RunnerError, run_script  # noqa: E402
from moto_server import MotoServer  # noqa: E402

DEVELOPERS = ["alice", "Bob.Jones", "carol"]
PROMOTED, DISABLED = "carol", "Bob.Jones"
DEVELOPERS_POLICY, MANAGERS_POLICY = "DevelopersBucketReadWriteList", "ManagersBucketReadOnly"
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
    message: str = ""
    state: str = "COMPLETED"
    result: object = True
    check: Callable | None = None  # further expectation on the output; returns what is wrong, or None


# --- Expectations beyond message, state and result value -----------------------------------------

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


def entity_statuses(expected: list):
    def check(out):
        got = [entry["EntityResult"]["Status"] for entry in out.json_result or []]
        return None if got == expected else f"entity statuses {got}, expected {expected}"
    return check


# --- The story -------------------------------------------------------------------------------------

class Demo:
    def __init__(self, server: MotoServer):
        self.server = server
        self.account = Account(server.url)
        self.configuration = None
        self.secret = None
        self.keys = {}

    # Scenes: what John does outside SOAR, and the proof of access.

    def set_up_account(self):
        policy = readme_policy()
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
            f"{README.name} ({len(policy['Statement'][0]['Action'])} actions). The integration is configured with that "
            "user's access key.\nmoto's IAM policy enforcement is ON from here: every request below, the "
            "integration's included, is checked against the caller's policies. Check: the integration's key asking "
            f"for iam:CreateAccessKey, which its policy does not grant, gets {outside}."
        )

    def create_access_keys(self):
        for user in DEVELOPERS:
            self.keys[user] = self.account.access_key_for(user)
        view.note(
            "No action creates access keys, so John creates one for each developer with boto3 directly "
            f"(his admin key): {', '.join(DEVELOPERS)}. They are used in the access checks."
        )

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
        try:
            out = run_script(step.action, step.params, self.configuration, list(step.entities), endpoint_url=self.server.url)
        except RunnerError as err:
            raise DemoFailure(f"'{step.action}' produced no result: {err}") from None
        calls = [action if service == "iam" else f"{service}:{action}" for service, action in self.server.calls
                 if service in ("iam", "sts")]
        view.action_output(step.action, step.params, step.entities, out, calls)
        problems = []
        if (out.state_name, out.result_value) != (step.state, step.result):
            problems.append(f"state {out.state_name} and result {out.result_value!r}, expected {step.state} and {step.result!r}")
        if out.message != step.message:
            problems.append(f"message {out.message!r}, expected {step.message!r}")
        if step.check and (problem := step.check(out)):
            problems.append(problem)
        if self.secret in out.stdout + out.stderr + out.debug_output:
            problems.append("the secret key appears in the script's output")
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
        ("8. Disable User Access: Bob.Jones's entity, as SOAR sends it",
         "The case holds the User entities BOB.JONES (upper-cased by SOAR) and MALLORY@EXAMPLE.COM, who is "
         "not an IAM user at all.",
         [Run("Disable User Access", entities=("BOB.JONES", "MALLORY@EXAMPLE.COM"),
              message="Successfully added deny policy to the following users in AWS IAM: Bob.Jones\n"
                      "Action wasn't able to find the following users in AWS IAM: MALLORY@EXAMPLE.COM",
              check=entity_statuses(["disabled", "not_found"]))]),
        ("9. Did access really change?",
         "",
         [partial(demo.show_access, "Each user tries again with their own key, moto's policy enforcement still on.",
                  {"alice": ("developer", developer), PROMOTED: ("manager", manager), DISABLED: ("disabled", disabled)}),
          partial(view.note,
                  "alice still reads, writes and lists; carol lost write but still reads and lists; Bob.Jones is denied "
                  "everything by the explicit deny, although he is still in Developers. Nobody reads the other bucket. "
                  f"The integration itself ran every action above under the same enforcement, holding only {README.name}'s "
                  "least-privilege policy.\n"
                  "moto enforced every check shown here: identity policies of the user and of their groups, inline and "
                  "managed, Resource ARNs, and explicit Deny over Allow. It does not model bucket policies, policy "
                  "Conditions, permissions boundaries or organization SCPs; none of them is used in this story.")]),
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
    server = MotoServer()
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
    except (DemoFailure, LookupError) as failure:  # LookupError: the README lost its policy block
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
