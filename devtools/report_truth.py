"""Does a bulk action's report say what happened in the account? Dev tooling only, never packaged.

For each bulk action that writes, `TRUTH_CASES` knows how to arrange an account for some names,
what the action is given, what its report claims for each name (done, not done, or not known:
unconfirmed, or unanswered at the deadline), and what the account really holds afterwards. `judge`
compares the two:

- "exact": every name is reported once, and every claim matches the account;
- "unconfirmed": no claim is wrong, but some names were reported as not known (the report tells the
  analyst to check them in AWS);
- "misreported": some name is claimed done and is not, claimed not done and is, or not reported.

`make bench` runs each case under a fault mix with a deadline and counts the three; a small seeded
version is a test.
"""

import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Managers"))

import IdentityParser  # noqa: E402
from ContainmentModels import CONTAINMENT_TAG, ContainmentRecord  # noqa: E402
from AWSIAMPolicyDocuments import (BLOCK_NEW_SESSIONS_SID, REVOKED_SESSIONS_POLICY_NAME,  # noqa: E402
                                   revoke_older_sessions_document, revoked_sessions_document, with_block)
from ContainmentParser import KEYS_REASON  # noqa: E402
from IdentityModels import ItemStatus  # noqa: E402

DONE, NOT_DONE, UNKNOWN = "done", "not done", "unknown"
GROUP = "bench-team"
DENY = "DisableUserAccessPolicy"
REVOKE_POLICY = "AWSRevokeOlderSessions"
DENY_ALL = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
TRUST = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", '
         '"Principal": {"Service": "ec2.amazonaws.com"}}]}')
# Reasons of a per-entity JSON result that say the outcome is not known.
_NOT_KNOWN = re.compile(r"no answer came before the platform's deadline|got no answer before the platform's deadline")
_UNKNOWN_STATUSES = {ItemStatus.UNCONFIRMED, ItemStatus.UNANSWERED}
# A Disable reason that says the deny policy went on before the key step stopped.
_DENY_ADDED = KEYS_REASON.split("{detail}")[0]
# A Disable reason that says some recorded keys may still be Active: their state is not known.
_KEYS_NOT_KNOWN = re.compile(r"which may still be Active|check the user's access keys in AWS")
# An Enable reason that says a reactivation may have taken effect: that key's state is not known.
_REACTIVATION_NOT_KNOWN = re.compile(r"answer to reactivating .* was lost")
_NOTHING = re.compile(r"(?!)")  # matches no reason


def outcomes(lines, templates, **fields):
    """{name: status} read back from a message, with the parser's own templates."""
    patterns = []
    # A line that ends in an error message would match any tail: try those templates last.
    for status, template in sorted(templates.items(), key=lambda entry: "{error}" in entry[1]):
        regex = re.escape(template)
        for field, value in fields.items():
            regex = regex.replace(re.escape("{" + field + "}"), re.escape(value))
        for placeholder in (re.escape("{names}"), re.escape("{user}")):
            # The first mention captures the names; a second one ("The user X ...") repeats them.
            regex = regex.replace(placeholder, "(?P<names>.+?)", 1).replace(placeholder, "(?P=names)")
        regex = regex.replace(re.escape("{error}"), ".*")
        patterns.append((status, re.compile(f"^{regex}$")))
    found = {}
    for line in lines:
        for status, pattern in patterns:
            match = pattern.match(line)
            if match:
                for name in match["names"].split(", "):
                    assert name not in found, f"{name} reported twice"
                    found[name] = status
                break
    return found


def _stopped_before_any_item(output):
    """A general error (the home account not known, no connection) before any item: the report
    names none, and so claims that none was done; the account must agree."""
    return not output.json_result and output.message.startswith("Error executing action")


def _claims_from_lines(templates, **fields):
    def claims(output, names):
        found = outcomes(output.message.split("\n"), templates, **fields)
        return {name: DONE if status is ItemStatus.DONE else UNKNOWN if status in _UNKNOWN_STATUSES else NOT_DONE
                for name, status in found.items()}
    return claims


def _claims_from_entities(done_statuses, removed_field=None):
    """Per-entity JSON: Status in `done_statuses` is done; unconfirmed, or a reason saying no answer
    came, is not known. With `removed_field`, that field says whether the deny policy went."""
    def done(result):
        return result[removed_field] if removed_field else result["Status"] in done_statuses
    return _claims_of_state(_NOTHING, lambda result: DONE if done(result) else NOT_DONE, NOT_DONE)


def _claims_of_state(not_known, state, nothing):
    """Per item from the per-entity JSON: UNKNOWN when the status or the reason (`not_known`, a
    pattern) says the outcome is not known, else the state claimed: `state(result)`. A run that
    ended in a general error before any item reports none, and so claims `nothing` for each."""
    def claims(output, names):
        if _stopped_before_any_item(output):
            return dict.fromkeys(names, nothing)
        found = {}
        for entry in output.json_result or []:
            result = entry.get("EntityResult", entry)
            reason = result.get("Reason", "")
            unknown = result["Status"] == "unconfirmed" or _NOT_KNOWN.search(reason) or not_known.search(reason)
            # A user's entry names it in UserName, a role's in RoleName.
            found[result.get("UserName") or result["RoleName"]] = UNKNOWN if unknown else state(result)
        return found
    return claims


# Disable User Access with Deactivate Access Keys: (the deny policy is on, the keys turned Inactive).
_claims_of_containment = _claims_of_state(_KEYS_NOT_KNOWN, lambda result: (
    result["Status"] == "disabled" or result.get("Reason", "").startswith(_DENY_ADDED),
    frozenset(result["DeactivatedKeys"])), (False, frozenset()))
# Restore Role Access: which of the three things Revoke Role Sessions puts on a role it removed.
_claims_of_role_restore = _claims_of_state(_NOTHING, lambda result: frozenset(result["Removed"]), frozenset())
# Enable User Access in Recover mode: (the deny policy removed, the old sessions cut off).
_claims_of_recover = _claims_of_state(_NOTHING, lambda result: (result["DenyPolicyRemoved"], result["RevokedBefore"] is not None),
                                      (False, False))
# Revoke Role Sessions, Named session only, with Block New Sessions: (the session denied, new
# sessions blocked).
_claims_of_named_revoke = _claims_of_state(_NOTHING, lambda result: (bool(result["RevokedSessions"]),
                                                                     result["NewSessionsBlocked"]),
                                           (False, False))
# Enable User Access: (the deny policy removed, the keys turned Active).
_claims_of_restore = _claims_of_state(_REACTIVATION_NOT_KNOWN, lambda result: (
    result["DenyPolicyRemoved"], frozenset(result["ReactivatedKeys"])), (False, frozenset()))


def arrange_users(iam, names):
    for name in names:
        iam.create_user(UserName=name)


def arrange_users_with_keys(iam, names):
    for name in names:
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)


def arrange_contained_users_with_keys(iam, names):
    """Users as Disable User Access with Deactivate Access Keys leaves them: the deny policy on,
    the key Inactive and listed in the record."""
    for name in names:
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        iam.update_access_key(UserName=name, AccessKeyId=key, Status="Inactive")
        iam.put_user_policy(UserName=name, PolicyName=DENY, PolicyDocument=DENY_ALL)
        iam.tag_user(UserName=name, Tags=[{"Key": CONTAINMENT_TAG, "Value": f"keys={key} at=2026-12-01T08:00:00Z"}])


def arrange_group_and_users(iam, names):
    iam.create_group(GroupName=GROUP)
    arrange_users(iam, names)


def arrange_members(iam, names):
    arrange_group_and_users(iam, names)
    for name in names:
        iam.add_user_to_group(GroupName=GROUP, UserName=name)


def arrange_disabled_users(iam, names):
    for name in names:
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=DENY, PolicyDocument=DENY_ALL)


def arrange_roles(iam, names):
    for name in names:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)


def arrange_contained_roles(iam, names):
    """Roles as Revoke Role Sessions leaves them with every option: the cut-off, a named session
    denied and new sessions blocked."""
    for name in names:
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(with_block(json.loads(TRUST))))["Role"]
        iam.put_role_policy(RoleName=name, PolicyName=REVOKE_POLICY,
                            PolicyDocument=revoke_older_sessions_document(datetime(2026, 12, 1, 8, tzinfo=timezone.utc)))
        iam.put_role_policy(RoleName=name, PolicyName=REVOKED_SESSIONS_POLICY_NAME,
                            PolicyDocument=revoked_sessions_document([f"{role['RoleId']}:attacker"]))


def listed_input(parameter, **fixed):
    return lambda names: ({**fixed, parameter: ",".join(names)}, None)


def entities_input(names):
    return {}, list(names)


def sessions_input(names):
    """Each role's session `attacker`, named by its assumed-role ARN, as an alert names it."""
    return ({"Scope": "Named session only", "Block New Sessions": "true"},
            [f"arn:aws:sts::123456789012:assumed-role/{name}/attacker" for name in names])


def recover_input(names):
    return {"Restore Mode": "Recover"}, list(names)


def keys_input(names):
    return {"Deactivate Access Keys": "true"}, list(names)


def _paged(iam, operation, key, **params):
    return [item for page in iam.get_paginator(operation).paginate(**params) for item in page[key]]


def _existing_users(iam, names):
    existing = {user["UserName"] for user in _paged(iam, "list_users", "Users")}
    return {name: name in existing for name in names}


def _existing_groups(iam, names):
    existing = {group["GroupName"] for group in _paged(iam, "list_groups", "Groups")}
    return {name: name in existing for name in names}


def _membership(iam):
    return {user["UserName"] for user in _paged(iam, "get_group", "Users", GroupName=GROUP)}


def _deny_on(iam, names):
    return {name: DENY in iam.list_user_policies(UserName=name)["PolicyNames"] for name in names}


def _contained(iam, names):
    """Per user: (the deny policy is on, the keys now Inactive). Every key was Active before the run,
    so the record must list exactly the Inactive ones; a record that does not is a state no claim
    can match."""
    deny = _deny_on(iam, names)
    state = {}
    for name in names:
        inactive = frozenset(key["AccessKeyId"] for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
                             if key["Status"] == "Inactive")
        tags = {tag["Key"]: tag["Value"] for tag in iam.list_user_tags(UserName=name)["Tags"]}
        record = ContainmentRecord.from_tag_value(tags[CONTAINMENT_TAG]) if CONTAINMENT_TAG in tags else None
        recorded = frozenset(record.keys) if record else frozenset()
        state[name] = (deny[name], inactive) if recorded == inactive else ("record lists", recorded, "inactive", inactive)
    return state


def _restored(iam, names):
    """Per user: (the deny policy gone, the keys now Active)."""
    deny = _deny_on(iam, names)
    return {name: (not deny[name], frozenset(key["AccessKeyId"] for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
                                             if key["Status"] == "Active"))
            for name in names}


def _removed_from_roles(iam, names):
    """Per role: which of the three things Revoke Role Sessions puts on a role are gone."""
    state = {}
    for name in names:
        policies = set(iam.list_role_policies(RoleName=name)["PolicyNames"])
        present = {REVOKE_POLICY, REVOKED_SESSIONS_POLICY_NAME} & policies
        if any(statement.get("Sid") == BLOCK_NEW_SESSIONS_SID for statement in _trust_statements(iam, name)):
            present.add(BLOCK_NEW_SESSIONS_SID)
        state[name] = frozenset({BLOCK_NEW_SESSIONS_SID, REVOKE_POLICY, REVOKED_SESSIONS_POLICY_NAME} - present)
    return state


def _trust_statements(iam, name):
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(unquote(trust)) if isinstance(trust, str) else trust
    return trust["Statement"] if isinstance(trust["Statement"], list) else [trust["Statement"]]


def _session_denied_and_blocked(iam, names):
    """Per role: (its session `attacker` is denied, the trust policy refuses new sessions)."""
    state = {}
    for name in names:
        role_id = iam.get_role(RoleName=name)["Role"]["RoleId"]
        try:
            document = iam.get_role_policy(RoleName=name, PolicyName=REVOKED_SESSIONS_POLICY_NAME)["PolicyDocument"]
            denied = f"{role_id}:attacker" in (unquote(document) if isinstance(document, str) else json.dumps(document))
        except iam.exceptions.NoSuchEntityException:
            denied = False
        blocked = any(statement.get("Sid") == BLOCK_NEW_SESSIONS_SID for statement in _trust_statements(iam, name))
        state[name] = (denied, blocked)
    return state


def _recovered(iam, names):
    """Per user: (the deny policy gone, the cut-off AWSRevokeOlderSessions on the user)."""
    return {name: (DENY not in (policies := iam.list_user_policies(UserName=name)["PolicyNames"]),
                   REVOKE_POLICY in policies) for name in names}


def _revoked(iam, names):
    return {name: REVOKE_POLICY in iam.list_role_policies(RoleName=name)["PolicyNames"] for name in names}


@dataclass(frozen=True)
class TruthCase:
    action: str
    kind: str  # what the names are: "user", "group", "role"
    arrange: Callable  # arrange(iam, names)
    inputs: Callable  # inputs(names) -> (parameters, entities)
    claims: Callable  # claims(output, names) -> {name: DONE | NOT_DONE | UNKNOWN, or a state claimed}
    done: Callable  # done(iam, names) -> {name: whether the account shows the action's work, or its state}
    action_name: str | None = None  # the action run, when the case's name says more than the action

    @property
    def script(self) -> str:
        return self.action_name or self.action


TRUTH_CASES = [
    TruthCase("Create a User", "user", lambda iam, names: None, listed_input("User Name"),
              _claims_from_lines(IdentityParser.CREATE_LINES["user"]), _existing_users),
    TruthCase("Create a Group", "group", lambda iam, names: None, listed_input("Group Name"),
              _claims_from_lines(IdentityParser.CREATE_LINES["group"]), _existing_groups),
    TruthCase("Add a User to a Group", "user", arrange_group_and_users, listed_input("User Name", **{"Group Name": GROUP}),
              _claims_from_lines(IdentityParser.MEMBERSHIP_LINES["add"], group=GROUP),
              lambda iam, names: {name: name in _membership(iam) for name in names}),
    TruthCase("Remove a User from a Group", "user", arrange_members, listed_input("User Name", **{"Group Name": GROUP}),
              _claims_from_lines(IdentityParser.MEMBERSHIP_LINES["remove"], group=GROUP),
              lambda iam, names: {name: name not in _membership(iam) for name in names}),
    TruthCase("Disable User Access", "user", arrange_users, entities_input, _claims_from_entities({"disabled"}), _deny_on),
    TruthCase("Disable User Access (keys)", "user", arrange_users_with_keys, keys_input, _claims_of_containment,
              _contained, action_name="Disable User Access"),
    TruthCase("Enable User Access", "user", arrange_disabled_users, entities_input,
              _claims_from_entities({"enabled"}, removed_field="DenyPolicyRemoved"),
              lambda iam, names: {name: not on for name, on in _deny_on(iam, names).items()}),
    TruthCase("Enable User Access (keys)", "user", arrange_contained_users_with_keys, entities_input, _claims_of_restore,
              _restored, action_name="Enable User Access"),
    TruthCase("Enable User Access (Recover)", "user", arrange_contained_users_with_keys, recover_input, _claims_of_recover,
              _recovered, action_name="Enable User Access"),
    TruthCase("Revoke Role Sessions", "role", arrange_roles, listed_input("Role Name"), _claims_from_entities({"revoked"}), _revoked),
    TruthCase("Revoke Role Sessions (named, block)", "role", arrange_roles, sessions_input, _claims_of_named_revoke,
              _session_denied_and_blocked, action_name="Revoke Role Sessions"),
    TruthCase("Restore Role Access", "role", arrange_contained_roles, listed_input("Role Name"), _claims_of_role_restore,
              _removed_from_roles),
]


def judge(names, claims, done):
    """("exact" | "unconfirmed" | "misreported", [problems]) for one run."""
    problems = []
    if missing := [name for name in names if name not in claims]:
        problems.append(f"not reported: {', '.join(missing)}")
    if wrong := [name for name in names if claims.get(name) == DONE and not done[name]]:
        problems.append(f"claimed done but not: {', '.join(wrong)}")
    if wrong := [name for name in names if claims.get(name) == NOT_DONE and done[name]]:
        problems.append(f"done but claimed not: {', '.join(wrong)}")
    # A case that claims a state (which keys, whether a policy is on) must claim exactly the state.
    if wrong := [f"{name} (claimed {claims[name]}, is {done[name]})" for name in names
                 if claims.get(name) not in (None, DONE, NOT_DONE, UNKNOWN) and claims[name] != done[name]]:
        problems.append(f"state claimed wrongly: {', '.join(wrong)}")
    if problems:
        return "misreported", problems
    return ("unconfirmed" if UNKNOWN in claims.values() else "exact"), []
