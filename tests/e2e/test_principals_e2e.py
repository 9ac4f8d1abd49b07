"""What the alert names, in the account it names, as the platform runs the scripts: subprocesses
against moto's server holding four accounts, under moto's IAM policy enforcement. The integration's
user may assume the Cross-Account Role Name in two member accounts and not in a third, which so
refuses it. Every form of a User entity is given: a name, a user ARN (its path right and wrong),
an access key ID, a user's unique ID, a temporary key, a role name, a role ARN, an assumed-role
ARN, an AROA ID, and bad input."""

import itertools
import json
import urllib.request

import pytest
from conftest import COMPLETED, FAILED, KEYS_ACCOUNT, assert_clean, iam_acting_in

HOME = KEYS_ACCOUNT
MEMBER_A, MEMBER_B, REFUSING = "333333333333", "444444444444", "555555555555"
ROLE_NAME = "security/IRRole"
EXTERNAL_ID = "secops-7Hq2-awsiam"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
USER = "USERUNIQNAME"


def member_role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{ROLE_NAME}"


def _enforce(moto_server, *, on: bool):
    # moto's reset-auth: how many further requests it lets through unchecked.
    request = urllib.request.Request(f"{moto_server.url}/moto-api/reset-auth", data=b"0" if on else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture
def real_looking_ids(monkeypatch):
    """moto gives users 20 lower-case characters as IDs; AWS gives AIDA and 17 more. The server
    runs in this process, so its users get these."""
    import moto.iam.models

    counter = itertools.count(1)
    monkeypatch.setattr(moto.iam.models, "random_resource_id", lambda size=20: f"AIDA{next(counter):017d}")


@pytest.fixture
def organization(fresh_moto, server_iam, real_looking_ids):
    """Four accounts; returns the arranging clients, the entities' facts and the integration's configuration."""
    args = dict(endpoint_url=fresh_moto.url, region_name="us-east-1", aws_access_key_id="testing",
                aws_secret_access_key="testing")
    accounts = {HOME: server_iam, **{account: iam_acting_in(account, **args) for account in (MEMBER_A, MEMBER_B, REFUSING)}}
    facts = {}
    home = accounts[HOME]
    home.create_user(UserName="alice")
    facts["alice_key"] = home.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    home.create_user(UserName="bob", Path="/dev/")
    facts["erin_id"] = home.create_user(UserName="erin")["User"]["UserId"]
    facts["role_id"] = home.create_role(RoleName="ci-deploy", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": []}))["Role"]["RoleId"]
    # The same name in another account must stay untouched there.
    for account, name, path in ((MEMBER_A, "carol", "/"), (MEMBER_A, "dave", "/"), (MEMBER_B, "frank", "/"),
                                (MEMBER_B, "gina", "/ops/"), (REFUSING, "hank", "/"), (REFUSING, "ivan", "/"),
                                (MEMBER_A, "alice", "/")):
        accounts[account].create_user(UserName=name, Path=path)
    facts["dave_key"] = accounts[MEMBER_A].create_access_key(UserName="dave")["AccessKey"]["AccessKeyId"]
    facts["frank_key"] = accounts[MEMBER_B].create_access_key(UserName="frank")["AccessKey"]["AccessKeyId"]
    facts["ivan_key"] = accounts[REFUSING].create_access_key(UserName="ivan")["AccessKey"]["AccessKeyId"]
    for account in (MEMBER_A, MEMBER_B, REFUSING):
        accounts[account].create_role(RoleName="IRRole", Path="/security/", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{HOME}:root"},
                                                    "Action": "sts:AssumeRole"}]}))
        accounts[account].put_role_policy(RoleName="IRRole", PolicyName="incident-response",
                                          PolicyDocument=json.dumps(ALLOW_ALL))
    # The integration's own user: IAM and STS reads and writes at home, and the member role in two
    # accounts only.
    home.create_user(UserName="soar-awsiam")
    home.put_user_policy(UserName="soar-awsiam", PolicyName="integration", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["iam:*", "sts:GetAccessKeyInfo", "sts:GetCallerIdentity"], "Resource": "*"},
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": [member_role(MEMBER_A), member_role(MEMBER_B)]}]}))
    key = home.create_access_key(UserName="soar-awsiam")["AccessKey"]
    config = {"AWS Access Key ID": key["AccessKeyId"], "AWS Secret Key": key["SecretAccessKey"], "Verify SSL": "true",
              "Cross-Account Role Name": ROLE_NAME, "External ID": EXTERNAL_ID}
    return accounts, facts, config


@pytest.fixture
def enforced(fresh_moto):
    def run(run_script, *args, **kwargs):
        _enforce(fresh_moto, on=True)
        try:
            return run_script(*args, **kwargs)
        finally:
            _enforce(fresh_moto, on=False)
    return run


def inline(client, name):
    return client.list_user_policies(UserName=name)["PolicyNames"]


def key_status(client, name):
    return {key["AccessKeyId"]: key["Status"] for key in client.list_access_keys(UserName=name)["AccessKeyMetadata"]}


def entities_of(texts):
    """The entities as the platform has them: upper-cased, with the original spelling kept."""
    return [(text, USER) for text in texts], {text.upper(): {"additional_properties": {"OriginalIdentifier": text}}
                                              for text in texts}


def test_every_form_in_every_account_is_contained_where_it_lives_and_one_refusal_fails_only_its_account(
        run_script, enforced, organization, fresh_moto):
    accounts, facts, config = organization
    texts = [
        "ALICE",                                                  # 0 name, another letter case
        f"arn:aws:iam::{HOME}:user/dev/bob",                      # 1 user ARN, right path
        f"arn:aws:iam::{HOME}:user/bob",                          # 2 user ARN, wrong path
        facts["alice_key"],                                       # 3 alice again, by her key
        facts["erin_id"],                                         # 4 unique ID
        "ASIAIOSFODNN7EXAMPLE",                                   # 5 temporary key
        "ci-deploy",                                              # 6 role name
        f"{facts['role_id']}:i-0abc",                             # 7 role session's principal ID
        f"arn:aws:sts::{MEMBER_A}:assumed-role/ops/i-0abc",       # 8 assumed-role ARN
        f"arn:aws:iam::{MEMBER_B}:role/ops",                      # 9 role ARN
        f"arn:aws:iam::{MEMBER_A}:user/carol",                    # 10 member A, ARN
        facts["dave_key"],                                        # 11 member A, key
        facts["frank_key"],                                       # 12 member B, key
        f"arn:aws:iam::{MEMBER_B}:user/ops/gina",                 # 13 member B, ARN with a path
        f"arn:aws:iam::{REFUSING}:user/hank",                     # 14 refusing account, ARN
        facts["ivan_key"],                                        # 15 refusing account, key
        "AKIAIOSFODNN7EXAMPL",                                    # 16 key of 19 characters
        f"arn:aws-cn:iam::{HOME}:user/alice",                     # 17 another partition
        "arn:aws:iam::12345678901:user/alice",                    # 18 an account of 11 digits
    ]
    entities, details = entities_of(texts)
    out = enforced(run_script, "Disable User Access", {"Deactivate Access Keys": "true"}, entities=entities,
                   entity_details=details, config=config)

    results = [entry["EntityResult"] for entry in out.json_result]
    assert [(r["Status"], r["Account"], r["ResolvedFrom"], r["UserName"]) for r in results] == [
        ("disabled", HOME, "name", "alice"),
        ("disabled", HOME, "arn", "bob"),
        ("not_found", HOME, "arn", "bob"),
        ("disabled", HOME, "access_key", "alice"),
        ("disabled", HOME, "user_id", "erin"),
        ("temporary_key", HOME, "access_key", None),
        ("not_a_user", HOME, "name", None),
        ("not_a_user", HOME, "role", None),
        ("not_a_user", MEMBER_A, "role", None),
        ("not_a_user", MEMBER_B, "role", None),
        ("disabled", MEMBER_A, "arn", "carol"),
        ("disabled", MEMBER_A, "access_key", "dave"),
        ("disabled", MEMBER_B, "access_key", "frank"),
        ("disabled", MEMBER_B, "arn", "gina"),
        ("failed", REFUSING, "arn", "hank"),
        ("failed", REFUSING, "access_key", None),
        ("not_found", None, None, None),
        ("not_found", None, None, None),
        ("not_found", None, None, None),
    ]
    # Arn is the user's real ARN; a key's entry names the key; a role's, the role.
    assert [results[i]["Arn"] for i in (0, 1, 4, 11, 13)] == [
        f"arn:aws:iam::{HOME}:user/alice", f"arn:aws:iam::{HOME}:user/dev/bob", f"arn:aws:iam::{HOME}:user/erin",
        f"arn:aws:iam::{MEMBER_A}:user/dave", f"arn:aws:iam::{MEMBER_B}:user/ops/gina"]
    assert [results[i].get("AccessKeyId") for i in (0, 3, 5, 11)] == [None, facts["alice_key"], "ASIAIOSFODNN7EXAMPLE",
                                                                      facts["dave_key"]]
    assert [(results[i]["PrincipalType"], results[i]["RoleName"]) for i in (6, 7, 8, 9)] == [("role", "ci-deploy")] * 2 + [
        ("role", "ops")] * 2
    refusal = (f"Could not assume the role {member_role(REFUSING)} to reach account {REFUSING}: An error occurred "
               f"(AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::{HOME}:user/soar-awsiam is not "
               "authorized to perform: sts:AssumeRole")
    assert results[14]["Reason"] == results[15]["Reason"] == refusal
    # alice by name and by key: one containment, both reported with it.
    assert results[0]["DeactivatedKeys"] == results[3]["DeactivatedKeys"] == [facts["alice_key"]]
    assert (out.state, out.result_value) == (FAILED, False)
    # alice is named once: her name and her key are one user.
    assert out.lines[0] == ("Successfully added deny policy to the following users in AWS IAM: alice, bob, erin, "
                            "carol, dave, frank, gina")
    # One AssumeRole per other account, the refusing one included, however many entities name it.
    assert out.calls.count(("sts", "AssumeRole")) == 3
    assert out.iam_calls.count("PutUserPolicy") == 7  # alice once
    # Each user contained in its own account, and nobody else.
    assert {account: sorted(name for name in ("alice", "bob", "erin", "carol", "dave", "frank", "gina", "hank", "ivan")
                            if _exists(client, name) and inline(client, name))
            for account, client in accounts.items()} == {
        HOME: ["alice", "bob", "erin"], MEMBER_A: ["carol", "dave"], MEMBER_B: ["frank", "gina"], REFUSING: []}
    assert key_status(accounts[MEMBER_A], "dave") == {facts["dave_key"]: "Inactive"}
    assert key_status(accounts[REFUSING], "ivan") == {facts["ivan_key"]: "Active"}
    assert_clean(out)

    # Enable User Access on the same entities gives each user back in its own account.
    out = enforced(run_script, "Enable User Access", entities=entities, entity_details=details, config=config)
    assert [entry["EntityResult"]["Status"] for entry in out.json_result][10:16] == [
        "enabled", "enabled", "enabled", "enabled", "failed", "failed"]
    assert key_status(accounts[MEMBER_A], "dave") == {facts["dave_key"]: "Active"}
    assert inline(accounts[MEMBER_B], "gina") == []
    assert_clean(out)


def _exists(client, name):
    try:
        client.get_user(UserName=name)
    except client.exceptions.NoSuchEntityException:
        return False
    return True


def test_enrich_user_reads_a_member_accounts_user_by_key_in_that_account(run_script, enforced, organization):
    accounts, facts, config = organization
    entities, details = entities_of([facts["frank_key"], facts["erin_id"]])
    out = enforced(run_script, "Enrich User", entities=entities, entity_details=details, config=config)
    assert out.lines[0] == "Successfully enriched the following users from AWS IAM: frank, erin"
    frank, erin = (entry["EntityResult"] for entry in out.json_result)
    assert (frank["Arn"], frank["Account"], frank["ResolvedFrom"], frank["AccessKeyId"]) == (
        f"arn:aws:iam::{MEMBER_B}:user/frank", MEMBER_B, "access_key", facts["frank_key"])
    assert [key["AccessKeyId"] for key in frank["AccessKeys"]] == [facts["frank_key"]]
    assert (erin["UserId"], erin["Account"], erin["ResolvedFrom"]) == (facts["erin_id"], HOME, "user_id")
    assert out.calls.count(("sts", "AssumeRole")) == 1
    assert_clean(out)


def test_every_account_refusing_fails_the_action_naming_the_role(run_script, enforced, organization):
    accounts, facts, config = organization
    entities, details = entities_of([f"arn:aws:iam::{REFUSING}:user/hank", facts["ivan_key"]])
    out = enforced(run_script, "Disable User Access", entities=entities, entity_details=details, config=config)
    assert out.lines[0] == (
        f'Error executing action "Disable User Access". Reason: Could not assume the role {member_role(REFUSING)} to '
        f"reach account {REFUSING}: An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
        f"arn:aws:iam::{HOME}:user/soar-awsiam is not authorized to perform: sts:AssumeRole")
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls.count(("sts", "AssumeRole")) == 1
    assert inline(accounts[REFUSING], "hank") == []
    enrich = enforced(run_script, "Enrich User", entities=entities, entity_details=details, config=config)
    assert enrich.lines[0].startswith(f"Error executing action 'Enrich User'. Reason: Could not assume the role {member_role(REFUSING)}")
    assert (enrich.state, enrich.result_value) == (FAILED, False)
    assert_clean(enrich)


def test_without_the_role_name_another_accounts_users_stay_not_found(run_script, enforced, organization):
    accounts, facts, config = organization
    plain = {name: value for name, value in config.items() if name not in ("Cross-Account Role Name", "External ID")}
    entities, details = entities_of([f"arn:aws:iam::{MEMBER_A}:user/carol", facts["dave_key"]])
    out = enforced(run_script, "Disable User Access", entities=entities, entity_details=details, config=plain)
    assert [(entry["EntityResult"]["Status"], entry["EntityResult"]["Reason"]) for entry in out.json_result] == [
        ("not_found", "The user ARN belongs to another AWS account."),
        ("not_found", "The access key belongs to another AWS account, and no Cross-Account Role Name is configured to "
                      "reach it.")]
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert ("sts", "AssumeRole") not in out.calls
    assert inline(accounts[MEMBER_A], "carol") == []
