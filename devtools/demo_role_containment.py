"""The demo's scene of containment beyond one user: a build role's one stolen session is denied
while its colleagues' are not, new sessions are blocked, and everything is restored exactly; then
Bob's case closes as a real compromise, and Enable User Access's Recover mode lets him work again
with a new key while his old key stays off and his earlier sessions stay revoked.

demo.py calls `chapters(...)` with its Demo, its Run and the access a developer has."""

import json
import re
from functools import partial

import demo_view as view

BUILD_ROLE = "build"
STOLEN, COLLEAGUE = "runner-07", "runner-12"
BOB = "Bob.Jones"
BLOCK_SID = "AWSIAMBlockNewSessions"


def teach_moto_missing_condition_keys() -> None:
    """moto evaluates only StringEquals in a Condition and takes any other operator as met, and it
    takes an unmet condition as an explicit Deny. With that, the console's AWSRevokeOlderSessions
    (DateLessThan aws:TokenIssueTime) would deny every request of the user, new keys included. AWS's
    rule is that a condition on a key the request does not carry is not met, so the statement does
    not apply; a request signed with a long-term access key carries no aws:TokenIssueTime. The
    demo's in-process moto server is taught that one rule, and nothing else."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    original = IAMPolicyStatement.is_action_permitted
    if getattr(original, "taught", False):
        return

    def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        present = incoming_condition_values or {}
        for operator, keys in (self._statement.get("Condition") or {}).items():
            if operator == "Null" or operator.endswith("IfExists"):
                continue
            if any(key not in present for key in keys):
                return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    is_action_permitted.taught = True
    IAMPolicyStatement.is_action_permitted = is_action_permitted


class DemoFailure(Exception):
    """A step of this scene did not behave as the contract says."""


class RoleScene:
    def __init__(self, demo):
        self.demo = demo
        self.account = demo.account
        self.role_id = None
        self.sessions = {}
        self.before = None
        self.contained_key = None
        self.at = None

    # The build role.

    def set_up_build_role(self):
        _, self.role_id = self.account.create_shared_role(BUILD_ROLE)
        for session in (STOLEN, COLLEAGUE):
            self.sessions[session] = self.account.start_session(f"arn:aws:iam::{self.account.account_id}:role/{BUILD_ROLE}", session)
        self.before = self.account.role_documents(BUILD_ROLE)
        view.note(
            f"John's build fleet shares the role {BUILD_ROLE} (RoleId {self.role_id}); two runners hold sessions of it "
            f"right now: {self.sessions[STOLEN]} and {self.sessions[COLLEAGUE]}. GuardDuty reports the first one's "
            "credentials used from an unknown address, and the case's User entity is that assumed-role ARN.")

    def show_named_deny(self):
        trust, inline = self.account.role_documents(BUILD_ROLE)
        document = inline.get("AWSIAMRevokedSessions")
        expected = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
            "StringEquals": {"aws:userid": [f"{self.role_id}:{STOLEN}"]}}}]}
        if document != expected or trust != self.before[0] or "AWSRevokeOlderSessions" in inline:
            raise DemoFailure(f"{BUILD_ROLE} should carry only the named deny, not {inline} with trust {trust}")
        view.note(f"The role's inline policy AWSIAMRevokedSessions, read back with John's admin key:\n{_shown(document)}\n"
                  f"Only {self.role_id}:{STOLEN} is denied: the session {COLLEAGUE} is not in the list, and no cut-off "
                  "touches the fleet. The trust policy is unchanged.")

    def show_block(self):
        trust, _ = self.account.role_documents(BUILD_ROLE)
        if trust["Statement"][0].get("Sid") != BLOCK_SID or trust["Statement"][1:] != self.before[0]["Statement"]:
            raise DemoFailure(f"the block statement should head the trust policy, which is {trust}")
        view.note(f"The trust policy now starts with the block; the statement that was there follows unchanged:\n{_shown(trust)}")

    def show_restored(self):
        after = self.account.role_documents(BUILD_ROLE)
        if after != self.before:
            raise DemoFailure(f"{BUILD_ROLE} is not as it was before the first revoke: {after} != {self.before}")
        view.note("Compared as parsed JSON with what they were before the first revoke, the trust policy and the "
                  "inline policies are identical.\n"
                  "In AWS these documents take effect within seconds: aws:userid is the session's RoleId:session, "
                  "and a Deny in the trust policy refuses every AssumeRole. moto stores them exactly, but it does not "
                  "evaluate aws:userid (it would deny the whole fleet), and its own trust check cannot read a statement "
                  "whose Principal is \"*\", so the demo shows the documents rather than a refused session.")

    # Bob's real compromise.

    def remember_record(self):
        """The containment record's time, read before Recover removes the record."""
        self.contained_key = self.demo.keys[BOB].access_key_id
        _, _, tags = self.account.user_state(BOB)
        self.at = tags["AWSIAM-Containment"].split("at=")[1]
        view.note(f"The record on Bob: AWSIAM-Containment = {tags['AWSIAM-Containment']}")

    def show_recovered(self):
        statuses = self.account.key_statuses(BOB)
        cutoff = self.account.user_policy(BOB, "AWSRevokeOlderSessions")["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
        if statuses.get(self.contained_key) != "Inactive" or cutoff != self.at:
            raise DemoFailure(f"Bob's compromised key should stay Inactive: {statuses}")
        view.note(f"Bob's keys (ListAccessKeys): {', '.join(f'{k} {v}' for k, v in statuses.items())}: the copied key "
                  f"{self.contained_key} stays Inactive. His inline policy AWSRevokeOlderSessions denies everything to "
                  f"credentials issued before {cutoff}, the moment he was contained: any GetSessionToken or "
                  "GetFederationToken credentials minted with the copied key (they live up to 36 hours) stay dead.")

    def new_key_for_bob(self):
        retired = self.demo.retired_key
        self.account.delete_key(BOB, retired)
        self.demo.keys[BOB] = self.account.access_key_for(BOB)
        teach_moto_missing_condition_keys()
        view.note(f"John deletes Bob's long-retired key {retired} (IAM allows two keys per user) and gives him a new one, "
                  f"{self.demo.keys[BOB].access_key_id}, with boto3 directly. A request signed with a long-term key "
                  "carries no aws:TokenIssueTime, so in AWS the cut-off does not apply to it. moto would apply the "
                  "Deny regardless (it takes a condition it cannot evaluate as met), so from here the demo's moto "
                  "server knows AWS's rule that a condition on a key the request does not carry is not met.")


def _shown(document: dict) -> str:
    return "\n".join("    " + line for line in json.dumps(document, indent=2).splitlines())


def chapters(demo, Run, developer: dict):
    """The scene's chapters, in demo.py's (title, narrative, steps) form."""
    scene = RoleScene(demo)
    stolen = lambda: scene.sessions[STOLEN]  # noqa: E731
    return [
        ("14. One stolen session of a shared role; new sessions blocked; everything restored",
         "Revoking every session of the build role would stop the whole fleet. Revoke Role Sessions with Scope "
         "'Named session only' denies just the stolen one, named by the alert's entity.",
         [scene.set_up_build_role,
          lambda: demo.run(Run("Revoke Role Sessions", {"Scope": "Named session only"}, entities=(stolen(), BOB),
                               message=f"Successfully revoked only the named sessions of the following roles in AWS IAM: "
                                       f"{BUILD_ROLE} ({scene.role_id}:{STOLEN})\n"
                                       "Skipped 1 User entities that name no IAM role (users, or nothing in IAM): BOB.JONES")),
          scene.show_named_deny,
          partial(view.note, "The attacker may still hold the build service's trust, so the analyst also blocks new "
                             "sessions until the pipeline's secrets are rotated. Running the action again adds the block "
                             "and leaves the session already denied as it is."),
          lambda: demo.run(Run("Revoke Role Sessions", {"Scope": "Named session only", "Block New Sessions": "true"},
                               entities=(stolen(),),
                               message=f"Successfully revoked only the named sessions of the following roles in AWS IAM: "
                                       f"{BUILD_ROLE} ({scene.role_id}:{STOLEN})\n"
                                       f"Blocked new sessions, in the trust policy, of the following roles in AWS IAM: {BUILD_ROLE}",
                               calls=("sts:GetCallerIdentity", "GetRole", "GetRolePolicy", "UpdateAssumeRolePolicy"))),
          scene.show_block,
          partial(view.note, "The runner is rebuilt and the secrets rotated: Restore Role Access takes off exactly what "
                             "Revoke Role Sessions put on the role."),
          Run("Restore Role Access", {"Role Name": BUILD_ROLE},
              message=f"Successfully restored the access of the following roles in AWS IAM: {BUILD_ROLE} "
                      "(AWSIAMBlockNewSessions, AWSIAMRevokedSessions)"),
          scene.show_restored,
          Run("Restore Role Access", {"Role Name": BUILD_ROLE}, result=False,
              message=f"The following roles in AWS IAM carried nothing to restore: {BUILD_ROLE}")]),
        ("15. Bob's case closes as a real compromise: Recover, not Undo",
         "Bob's leaked key was contained in step 13; the leak is cleaned up. An exact undo would turn the leaked key "
         "back on and bring back every session minted with it. Enable User Access with Restore Mode 'Recover' lifts "
         "the deny but keeps the recorded key off, and revokes every session issued before the containment.",
         [scene.remember_record,
          Run("Enable User Access", {"Restore Mode": "Recover"}, entities=("BOB.JONES",),
              message=lambda: "Successfully recovered the following users in AWS IAM: Bob.Jones\n"
                              "Revoked the sessions and temporary credentials issued before containment of the "
                              f"following users in AWS IAM: Bob.Jones (before {scene.at})\n"
                              "Kept Inactive, as a compromised access key is never reactivated, the recorded access "
                              f"keys of the following users in AWS IAM: Bob.Jones ({scene.contained_key})",
              calls=("GetUser", "ListUsers", "GetUser", "ListUserTags", "PutUserPolicy", "DeleteUserPolicy", "UntagUser")),
          scene.show_recovered,
          scene.new_key_for_bob,
          partial(view.note, "With the leaked key off and a new one issued, John takes back AWS's quarantine policy, as "
                             "AWS's guidance says once the key is dealt with."),
          Run("Detach a Policy", {"Identity Type": "User", "Identity Name": BOB, "Policy Name": "AWSCompromisedKeyQuarantineV3"},
              message=f"Policy was detached from User: {BOB}"),
          partial(demo.show_access, "Bob tries the bucket with his new key, moto's policy enforcement on.",
                  {"alice": ("developer", developer), BOB: ("developer, new key", developer)}),
          Run("Enable User Access", {"Restore Mode": "Recover"}, entities=("BOB.JONES",), result=False,
              message="The following users in AWS IAM were not disabled, so there was nothing to restore: Bob.Jones")]),
    ]

