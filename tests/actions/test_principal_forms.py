"""What a User entity may hold, through Enrich User, Disable User Access and Enable User Access
(in-process, moto with several accounts): a key ID resolved in the owning account, a user's unique
ID over one listing, a temporary key and a role reported and never acted on, bad input told from
the text alone, and two entities that name one user worked on once."""

import itertools

import pytest
from conftest import COMPLETED, CONFIG, FAILED, KEYS_ACCOUNT, iam_acting_in

USER = "USERUNIQNAME"
MEMBER = "333333333333"
CROSS = {**CONFIG, "Cross-Account Role Name": "security/IRRole"}
NOTHING_FOR_TEMPORARY = ("The access key is temporary (ASIA): it belongs to a role session or a federated user, whose "
                         "principal CloudTrail names. Nothing was done.")


@pytest.fixture
def real_looking_ids(monkeypatch):
    """moto gives users 20 lower-case characters as IDs; AWS gives AIDA and 17 more."""
    import moto.iam.models

    counter = itertools.count(1)
    monkeypatch.setattr(moto.iam.models, "random_resource_id", lambda size=20: f"AIDA{next(counter):017d}")


@pytest.fixture
def member_iam(aws):
    return iam_acting_in(MEMBER, region_name="us-east-1")


def deny_policies(client, name):
    return client.list_user_policies(UserName=name)["PolicyNames"]


def result(out, index=0):
    return out.json_result[index]["EntityResult"]


def test_a_key_of_the_home_account_is_resolved_to_its_user(run_action, iam):
    iam.create_user(UserName="bob", Path="/dev/")
    key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    out = run_action("Disable User Access", entities=[(key, USER)])
    assert (out.message, out.state) == ("Successfully added deny policy to the following users in AWS IAM: bob", COMPLETED)
    assert out.calls == [("sts", "GetAccessKeyInfo"), ("sts", "GetCallerIdentity"), ("iam", "GetAccessKeyLastUsed"),
                         ("iam", "GetUser"), ("iam", "PutUserPolicy")]
    assert result(out) == {"UserName": "bob", "Arn": f"arn:aws:iam::{KEYS_ACCOUNT}:user/dev/bob",
                           "PolicyName": "DisableUserAccessPolicy", "Status": "disabled", "Account": KEYS_ACCOUNT,
                           "ResolvedFrom": "access_key", "AccessKeyId": key, "DeactivatedKeys": []}
    assert deny_policies(iam, "bob") == ["DisableUserAccessPolicy"]


def test_a_key_of_a_member_account_is_looked_up_and_contained_there(run_action, iam, member_iam):
    iam.create_user(UserName="bob")  # the same name in the home account must stay untouched
    member_iam.create_user(UserName="bob")
    key = member_iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    out = run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[(key, USER)], config=CROSS)
    assert out.state == COMPLETED
    assert out.calls[:4] == [("sts", "GetAccessKeyInfo"), ("sts", "GetCallerIdentity"), ("sts", "AssumeRole"),
                             ("iam", "GetAccessKeyLastUsed")]
    assert (result(out)["Account"], result(out)["Arn"], result(out)["DeactivatedKeys"]) == (
        MEMBER, f"arn:aws:iam::{MEMBER}:user/bob", [key])
    assert deny_policies(member_iam, "bob") == ["DisableUserAccessPolicy"]
    assert deny_policies(iam, "bob") == []
    assert member_iam.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["Status"] == "Inactive"


def test_without_the_role_name_a_member_accounts_key_is_not_found(run_action, member_iam):
    member_iam.create_user(UserName="bob")
    key = member_iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    out = run_action("Enrich User", entities=[(key, USER)])
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert result(out) == {"UserName": None, "Arn": None, "Status": "not_found", "Account": MEMBER,
                           "ResolvedFrom": "access_key", "AccessKeyId": key, "Reason": (
                               "The access key belongs to another AWS account, and no Cross-Account Role Name is "
                               "configured to reach it.")}
    assert out.calls == [("sts", "GetAccessKeyInfo"), ("sts", "GetCallerIdentity")]


def test_unique_ids_share_one_listing_of_the_home_account(run_action, iam, real_looking_ids):
    ids = {name: iam.create_user(UserName=name)["User"]["UserId"] for name in ("alice", "bob", "carol")}
    assert all(user_id.startswith("AIDA") and len(user_id) == 21 for user_id in ids.values())
    unknown = "AIDA99999999999999999"
    out = run_action("Enrich User", entities=[(ids["alice"], USER), (ids["carol"], USER), (unknown, USER)])
    assert out.iam_calls.count("ListUsers") == 1
    assert [(entry["EntityResult"]["Status"], entry["EntityResult"]["ResolvedFrom"], entry["EntityResult"].get("UserName"))
            for entry in out.json_result] == [("enriched", "user_id", "alice"), ("enriched", "user_id", "carol"),
                                              ("not_found", "user_id", None)]
    assert result(out, 2)["Reason"] == (
        "No IAM user of the home account has this unique ID (no AWS API tells which account an ID belongs to, so only "
        "the home account is searched).")


def test_a_name_and_a_key_of_one_user_are_worked_on_once_and_both_reported(run_action, iam):
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    out = run_action("Disable User Access", {"Deactivate Access Keys": "true"}, entities=[("bob", USER), (key, USER)])
    # Both entities are reported in the JSON; a line names the user once.
    assert out.lines == ["Successfully added deny policy to the following users in AWS IAM: bob",
                         f"Successfully deactivated the access keys of the following users in AWS IAM: bob ({key})"]
    assert out.iam_calls.count("PutUserPolicy") == 1 and out.iam_calls.count("UpdateAccessKey") == 1
    assert [(result(out, i)["ResolvedFrom"], result(out, i)["DeactivatedKeys"]) for i in (0, 1)] == [
        ("name", [key]), ("access_key", [key])]
    assert "AccessKeyId" not in result(out, 0) and result(out, 1)["AccessKeyId"] == key


def test_a_temporary_key_is_reported_with_its_account_and_never_acted_on(run_action, member_iam):
    out = run_action("Disable User Access", entities=[("ASIAIOSFODNN7EXAMPLE", USER)])
    assert out.message == ("The following entities are temporary access keys of a role session or a federated user, so "
                           "nothing was done: ASIAIOSFODNN7EXAMPLE")
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.calls == [("sts", "GetAccessKeyInfo")]
    assert result(out) == {"UserName": None, "Arn": None, "PolicyName": "DisableUserAccessPolicy", "Status": "temporary_key",
                           "Account": KEYS_ACCOUNT, "ResolvedFrom": "access_key", "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
                           "DeactivatedKeys": [], "Reason": NOTHING_FOR_TEMPORARY}


def test_roles_are_reported_as_not_a_user_and_never_acted_on(run_action, iam):
    trust = '{"Version":"2012-10-17","Statement":[]}'
    role = iam.create_role(RoleName="ci-deploy", AssumeRolePolicyDocument=trust)["Role"]
    entities = ["ci-deploy", f"arn:aws:iam::{MEMBER}:role/ops/ci-deploy", f"arn:aws:sts::{MEMBER}:assumed-role/ci-deploy/i-0abc",
                f"{role['RoleId']}:i-0abc"]
    details = {entity.upper(): {"additional_properties": {"OriginalIdentifier": entity}} for entity in entities}
    out = run_action("Enable User Access", entities=[(entity, USER) for entity in entities], entity_details=details)
    assert out.message == ("The following entities name IAM roles, not users, so nothing was done: "
                           + ", ".join(entity.upper() for entity in entities))
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert [(result(out, i)["Status"], result(out, i)["PrincipalType"], result(out, i)["RoleName"], result(out, i)["Account"],
             result(out, i)["ResolvedFrom"]) for i in range(4)] == [
        ("not_a_user", "role", "ci-deploy", KEYS_ACCOUNT, "name"), ("not_a_user", "role", "ci-deploy", MEMBER, "role"),
        ("not_a_user", "role", "ci-deploy", MEMBER, "role"), ("not_a_user", "role", "ci-deploy", KEYS_ACCOUNT, "role")]
    assert result(out)["Reason"] == "The identifier names the IAM role ci-deploy, not a user. Nothing was done."
    # A name that is no user: one GetRole; the AROA ID: one listing of the roles; the ARNs: nothing.
    assert sorted(out.iam_calls) == ["GetRole", "GetUser", "ListRoles", "ListUsers"]


@pytest.mark.parametrize("identifier, reason", [
    ("AKIAIOSFODNN7EXAMPL", "The identifier looks like an access key ID, but AWS access key IDs have 20 characters."),
    ("arn:aws-cn:iam::123456789012:user/bob",
     "The ARN is of another AWS partition than the one this instance's Region is in, so its account cannot be reached."),
    ("arn:aws:iam::12345678901:user/bob", "The ARN's account ID is not 12 digits."),
], ids=["key-length", "other-partition", "account-id"])
@pytest.mark.parametrize("action", ["Enrich User", "Disable User Access", "Enable User Access"])
def test_bad_input_is_a_sentence_and_no_call(run_action, action, identifier, reason):
    out = run_action(action, entities=[(identifier, USER)], config=CROSS)
    assert (out.message, out.state, out.result_value) == (
        f"Action wasn't able to find the following users in AWS IAM: {identifier.upper()}", COMPLETED, False)
    assert out.calls == []
    assert (result(out)["Status"], result(out)["Account"], result(out)["Reason"]) == ("not_found", None, reason)


@pytest.mark.parametrize("value", ["IR Role", "security//IRRole", "IRRole*"], ids=["space", "empty-path-segment", "star"])
def test_a_cross_account_role_name_iam_cannot_have_is_a_configuration_sentence(run_action, value):
    out = run_action("Disable User Access", entities=[("bob", USER)], config={**CONFIG, "Cross-Account Role Name": value})
    assert out.message == (
        "Error executing action \"Disable User Access\". Reason: Configuration parameter 'Cross-Account Role Name' must "
        "be the name of a role, optionally after its path (IRRole or security/IRRole): a name of up to 64 alphanumeric "
        "characters and/or +=,.@_-, without spaces.")
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])
