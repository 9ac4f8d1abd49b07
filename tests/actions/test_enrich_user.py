"""Enrich User: what each IAM user holds reaches the JSON result, the tables, the entity (one
update_entities per run) and, when there is a risk finding, an insight; read against moto for
account state and against Stubber for the exact calls, paging, last-use dates and errors."""

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from conftest import COMPLETED, FAILED, SECRET

ACTION = "Enrich User"
USER = "USERUNIQNAME"
ACCOUNT = "123456789012"
ALLOW_S3 = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
DENY_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
ENRICHED = "Successfully enriched the following users from AWS IAM: {}"
WITH_INSIGHTS = "Risk findings were added as insights to the following users: {}"
NOT_FOUND = "Action wasn't able to find the following users in AWS IAM: {}"
NOT_ENRICHED = "Action wasn't able to enrich the following users from AWS IAM: {}"
NO_SUCH_USER = "No IAM user with this name exists in the account."
# Per user, in the order one worker makes them: GetUser, the six reads (the key list first), then
# one GetAccessKeyLastUsed per key.
PROFILE_CALLS = ["GetUser", "ListAccessKeys", "ListGroupsForUser", "ListAttachedUserPolicies", "ListUserPolicies",
                 "ListMFADevices", "GetLoginProfile"]
KEY_SLOT_FIELDS = ("Id", "Status", "CreateDate", "LastUsedDate", "LastUsedService", "LastUsedRegion")


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def upper_cased(*identifiers):
    """Entity details as the platform has them when it kept no original spelling."""
    return {identifier: {"additional_properties": {}} for identifier in identifiers}


def only_update(out) -> list[dict]:
    """The entities of the run's one UpdateEntities call."""
    assert len(out.entity_updates) == 1, out.platform_calls
    return out.entity_updates[0]


def awsiam_properties(entity: dict) -> dict:
    return {key: value for key, value in entity["additional_properties"].items() if key.startswith("AWSIAM_")}


@pytest.fixture
def moto_gaps(run_action, monkeypatch):
    """GetUser fields moto 5.2 does not keep (PermissionsBoundary, PasswordLastUsed), added to its
    answers for the users named here, so the moto tests carry a fully loaded user."""
    import AWSIAMManager

    extra: dict[str, dict] = {}
    original = AWSIAMManager._new_client

    def with_gaps_filled(service, **kwargs):
        client = original(service, **kwargs)

        def fill(parsed, **_):
            user = parsed.get("User", {})
            user.update(extra.get(user.get("UserName"), {}))

        client.meta.events.register("after-call.iam.GetUser", fill)
        return client

    monkeypatch.setattr(AWSIAMManager, "_new_client", with_gaps_filled)
    return extra


@pytest.fixture
def account(iam, moto_gaps):
    """Bob.Jones holds everything; bare holds nothing; carol is disabled; dave is quarantined."""
    state = {}
    for group in ("Developers", "Managers"):
        iam.create_group(GroupName=group)
    dev_read = iam.create_policy(PolicyName="dev-read", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    boundary = iam.create_policy(PolicyName="DeveloperBoundary", PolicyDocument=ALLOW_S3)["Policy"]["Arn"]
    quarantine = iam.create_policy(PolicyName="AWSCompromisedKeyQuarantineV3", PolicyDocument=DENY_ALL)["Policy"]["Arn"]

    iam.create_user(UserName="Bob.Jones", Path="/eng/", PermissionsBoundary=boundary,
                    Tags=[{"Key": "team", "Value": "data"}, {"Key": "owner", "Value": "john"}])
    for group in ("Developers", "Managers"):
        iam.add_user_to_group(GroupName=group, UserName="Bob.Jones")
    iam.attach_user_policy(UserName="Bob.Jones", PolicyArn=dev_read)
    iam.put_user_policy(UserName="Bob.Jones", PolicyName="s3-access", PolicyDocument=ALLOW_S3)
    used = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]
    unused = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]
    # moto records the use of a key that signs a request.
    boto3.client("s3", region_name="eu-west-1", aws_access_key_id=used["AccessKeyId"],
                 aws_secret_access_key=used["SecretAccessKey"]).list_buckets()
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob-phone")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="Bob.Jones", SerialNumber=device, AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_login_profile(UserName="Bob.Jones", Password="Correct-Horse-9")
    password_last_used = datetime(2026, 11, 2, 8, 30, 5, tzinfo=timezone.utc)
    moto_gaps["Bob.Jones"] = {
        "PermissionsBoundary": {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary},
        "PasswordLastUsed": password_last_used,
    }
    state.update(boundary=boundary, dev_read=dev_read, quarantine=quarantine, used=used["AccessKeyId"],
                 unused=unused["AccessKeyId"], device=device, password_last_used=iso(password_last_used))

    iam.create_user(UserName="bare")
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="DisableUserAccessPolicy", PolicyDocument=DENY_ALL)
    iam.create_user(UserName="dave")
    iam.attach_user_policy(UserName="dave", PolicyArn=quarantine)
    dave_key = iam.create_access_key(UserName="dave")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="dave", AccessKeyId=dave_key, Status="Inactive")
    state["dave_key"] = dave_key
    return state


# --- Against moto ---------------------------------------------------------------------------------


def test_a_fully_loaded_user_reaches_the_json_the_tables_the_entity_and_the_insight(run_action, iam, account):
    out = run_action(ACTION, entities=[("Bob.Jones", USER)])

    assert out.lines == [ENRICHED.format("Bob.Jones"), WITH_INSIGHTS.format("Bob.Jones")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert sorted(out.iam_calls) == sorted(PROFILE_CALLS + ["GetAccessKeyLastUsed"] * 2)

    user = iam.get_user(UserName="Bob.Jones")["User"]
    keys = {key["AccessKeyId"]: key for key in iam.list_access_keys(UserName="Bob.Jones")["AccessKeyMetadata"]}
    last_use = iam.get_access_key_last_used(AccessKeyId=account["used"])["AccessKeyLastUsed"]
    groups = {group["GroupName"]: group for group in iam.list_groups()["Groups"]}
    login = iam.get_login_profile(UserName="Bob.Jones")["LoginProfile"]
    enabled = iam.list_mfa_devices(UserName="Bob.Jones")["MFADevices"][0]["EnableDate"]
    never_used = f"Access key {account['unused']} is active but has never been used."
    profile = {
        "UserName": "Bob.Jones",
        "UserId": user["UserId"],
        "Arn": f"arn:aws:iam::{ACCOUNT}:user/eng/Bob.Jones",
        "Path": "/eng/",
        "CreateDate": iso(user["CreateDate"]),
        "PasswordLastUsed": account["password_last_used"],
        "Tags": [{"Key": "team", "Value": "data"}, {"Key": "owner", "Value": "john"}],
        "PermissionsBoundary": {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                "PermissionsBoundaryArn": account["boundary"]},
        "Groups": [{**groups[name], "CreateDate": iso(groups[name]["CreateDate"])} for name in ("Developers", "Managers")],
        "AttachedPolicies": [{"PolicyName": "dev-read", "PolicyArn": account["dev_read"]}],
        "InlinePolicies": ["s3-access"],
        "AccessKeys": [
            {"AccessKeyId": account["used"], "Status": "Active", "CreateDate": iso(keys[account["used"]]["CreateDate"]),
             "LastUsedDate": iso(last_use["LastUsedDate"]), "LastUsedService": "s3", "LastUsedRegion": "eu-west-1"},
            {"AccessKeyId": account["unused"], "Status": "Active", "CreateDate": iso(keys[account["unused"]]["CreateDate"]),
             "LastUsedDate": None, "LastUsedService": "N/A", "LastUsedRegion": "N/A"},
        ],
        "MFADevices": [{"SerialNumber": account["device"], "EnableDate": iso(enabled)}],
        "ConsoleAccess": {"Enabled": True, "CreateDate": iso(login["CreateDate"]), "PasswordResetRequired": False},
        "Disabled": False,
        "Quarantined": False,
        "RiskFindings": [never_used],
        "Status": "enriched",
        "Account": ACCOUNT,
        "ResolvedFrom": "name",
    }
    assert out.json_result == [{"Entity": "BOB.JONES", "EntityResult": profile}]
    assert list(out.json_result[0]["EntityResult"]) == list(profile)  # the documented order

    entity, = only_update(out)
    assert (entity["identifier"], entity["entity_type"], entity["is_enriched"]) == ("BOB.JONES", USER, True)
    assert awsiam_properties(entity) == {
        "AWSIAM_UserName": "Bob.Jones",
        "AWSIAM_UserId": user["UserId"],
        "AWSIAM_Arn": f"arn:aws:iam::{ACCOUNT}:user/eng/Bob.Jones",
        "AWSIAM_Path": "/eng/",
        "AWSIAM_CreateDate": iso(user["CreateDate"]),
        "AWSIAM_PasswordLastUsed": account["password_last_used"],
        "AWSIAM_Tags": "team=data,owner=john",
        "AWSIAM_PermissionsBoundary": account["boundary"],
        "AWSIAM_Groups": "Developers,Managers",
        "AWSIAM_AttachedPolicies": "dev-read",
        "AWSIAM_InlinePolicies": "s3-access",
        "AWSIAM_ConsoleAccess": "True",
        "AWSIAM_ConsoleAccessCreateDate": iso(login["CreateDate"]),
        "AWSIAM_PasswordResetRequired": "False",
        "AWSIAM_MFAEnabled": "True",
        "AWSIAM_MFADevices": account["device"],
        "AWSIAM_AccessKeys": f"{account['used']},{account['unused']}",
        "AWSIAM_ActiveAccessKeys": f"{account['used']},{account['unused']}",
        "AWSIAM_AccessKey1_Id": account["used"],
        "AWSIAM_AccessKey1_Status": "Active",
        "AWSIAM_AccessKey1_CreateDate": iso(keys[account["used"]]["CreateDate"]),
        "AWSIAM_AccessKey1_LastUsedDate": iso(last_use["LastUsedDate"]),
        "AWSIAM_AccessKey1_LastUsedService": "s3",
        "AWSIAM_AccessKey1_LastUsedRegion": "eu-west-1",
        "AWSIAM_AccessKey2_Id": account["unused"],
        "AWSIAM_AccessKey2_Status": "Active",
        "AWSIAM_AccessKey2_CreateDate": iso(keys[account["unused"]]["CreateDate"]),
        "AWSIAM_AccessKey2_LastUsedDate": "never used",
        "AWSIAM_AccessKey2_LastUsedService": "N/A",
        "AWSIAM_AccessKey2_LastUsedRegion": "N/A",
        "AWSIAM_Disabled": "False",
        "AWSIAM_Quarantined": "False",
        "AWSIAM_RiskFindings": "1",
    }
    # The platform's own flags travel as properties too, as the SDK copies them before posting.
    assert entity["additional_properties"]["IsEnriched"] == "True"
    assert entity["additional_properties"]["OriginalIdentifier"] == "Bob.Jones"

    insight, = out.insights
    assert insight["content"] == f"AWS IAM user Bob.Jones has 1 risk finding:\n- {never_used}"
    assert (insight["entity_identifier"], insight["triggered_by"], insight["title"]) == ("BOB.JONES", "AWSIAM", "Entity insight")

    assert out.tables["IAM User: Bob.Jones"] == [
        ["Field", "Value"],
        ["User Name", "Bob.Jones"],
        ["User ID", user["UserId"]],
        ["ARN", f"arn:aws:iam::{ACCOUNT}:user/eng/Bob.Jones"],
        ["Path", "/eng/"],
        ["Creation Date", iso(user["CreateDate"])],
        ["Password Last Used", account["password_last_used"]],
        ["Console Access", f"Yes, since {iso(login['CreateDate'])}"],
        ["Password Reset Required", "No"],
        ["MFA Devices", account["device"]],
        ["Access Keys", f"{account['used']} (Active), {account['unused']} (Active)"],
        ["Groups", "Developers, Managers"],
        ["Attached Policies", "dev-read"],
        ["Inline Policies", "s3-access"],
        ["Tags", "team=data, owner=john"],
        ["Permissions Boundary", account["boundary"]],
        ["Disabled", "No"],
        ["Quarantined", "No"],
        ["Risk Findings", never_used],
    ]
    assert out.tables["IAM Access Keys: Bob.Jones"] == [
        ["Access Key ID", "Status", "Creation Date", "Last Used", "Last Used Service", "Last Used Region"],
        [account["used"], "Active", iso(keys[account["used"]]["CreateDate"]), iso(last_use["LastUsedDate"]), "s3", "eu-west-1"],
        [account["unused"], "Active", iso(keys[account["unused"]]["CreateDate"]), "never used", "N/A", "N/A"],
    ]


def test_a_bare_user_is_enriched_with_empty_values_and_gets_no_insight(run_action, account):
    out = run_action(ACTION, entities=[("bare", USER)])

    assert out.lines == [ENRICHED.format("bare")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert sorted(out.iam_calls) == sorted(PROFILE_CALLS)
    result = out.json_result[0]["EntityResult"]
    assert {key: result[key] for key in ("PasswordLastUsed", "Tags", "PermissionsBoundary", "Groups", "AttachedPolicies",
                                         "InlinePolicies", "AccessKeys", "MFADevices", "ConsoleAccess", "Disabled",
                                         "Quarantined", "RiskFindings")} == {
        "PasswordLastUsed": None, "Tags": [], "PermissionsBoundary": None, "Groups": [], "AttachedPolicies": [],
        "InlinePolicies": [], "AccessKeys": [], "MFADevices": [],
        "ConsoleAccess": {"Enabled": False, "CreateDate": None, "PasswordResetRequired": None},
        "Disabled": False, "Quarantined": False, "RiskFindings": [],
    }
    properties = awsiam_properties(only_update(out)[0])
    assert properties["AWSIAM_ConsoleAccess"] == "False" and properties["AWSIAM_PasswordResetRequired"] == ""
    assert properties["AWSIAM_PasswordLastUsed"] == "never used"
    assert properties["AWSIAM_Groups"] == properties["AWSIAM_AccessKeys"] == ""
    # Both key slots are written even without keys, so a key deleted since an earlier
    # enrichment does not linger on the entity.
    assert all(properties[f"AWSIAM_AccessKey{slot}_{name}"] == "" for slot in (1, 2) for name in KEY_SLOT_FIELDS)
    assert properties["AWSIAM_RiskFindings"] == "0"
    assert out.insights == []
    assert list(out.tables) == ["IAM User: bare"]  # no keys, no key table


def test_every_enriched_user_gets_the_same_property_names(run_action, account):
    out = run_action(ACTION, entities=[("Bob.Jones", USER), ("bare", USER)])

    loaded, bare = only_update(out)
    assert list(awsiam_properties(loaded)) == list(awsiam_properties(bare))


def test_a_disabled_user_is_flagged_and_gets_an_insight(run_action, account):
    out = run_action(ACTION, entities=[("carol", USER)])

    assert out.lines == [ENRICHED.format("carol"), WITH_INSIGHTS.format("carol")]
    result = out.json_result[0]["EntityResult"]
    assert (result["Disabled"], result["Quarantined"], result["InlinePolicies"]) == (True, False, ["DisableUserAccessPolicy"])
    assert awsiam_properties(only_update(out)[0])["AWSIAM_Disabled"] == "True"
    insight, = out.insights
    assert insight["content"] == ("AWS IAM user carol has 1 risk finding:\n"
                                  "- Access is disabled: the deny-all inline policy DisableUserAccessPolicy is on the user.")
    assert ["Disabled", "Yes"] in out.tables["IAM User: carol"]


def test_a_quarantined_user_is_flagged_and_gets_an_insight(run_action, account):
    out = run_action(ACTION, entities=[("dave", USER)])

    assert out.lines == [ENRICHED.format("dave"), WITH_INSIGHTS.format("dave")]
    result = out.json_result[0]["EntityResult"]
    assert (result["Disabled"], result["Quarantined"]) == (False, True)
    assert result["AttachedPolicies"] == [{"PolicyName": "AWSCompromisedKeyQuarantineV3", "PolicyArn": account["quarantine"]}]
    assert awsiam_properties(only_update(out)[0])["AWSIAM_Quarantined"] == "True"
    insight, = out.insights
    # dave's only key is Inactive: an unused inactive key is no risk finding.
    assert insight["content"] == (
        "AWS IAM user dave has 1 risk finding:\n"
        "- Quarantined by AWS: the policy AWSCompromisedKeyQuarantineV3 is attached (AWS attaches it when it finds "
        "one of the user's access keys exposed in public).")
    assert out.tables["IAM Access Keys: dave"][1][:2] == [account["dave_key"], "Inactive"]


def test_a_missing_user_is_reported_and_nothing_reaches_the_platform(run_action, account):
    out = run_action(ACTION, entities=[("ghost", USER)])

    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format("GHOST"), COMPLETED, False)
    # As given first, then the one listing that would have found another spelling, then whether it
    # names a role; the account is the home account, asked once.
    assert out.iam_calls == ["GetUser", "ListUsers", "GetRole"]
    assert out.calls.count(("sts", "GetCallerIdentity")) == 1
    assert out.json_result == [{"Entity": "GHOST", "EntityResult": {
        "UserName": "ghost", "Arn": None, "Status": "not_found", "Account": ACCOUNT, "ResolvedFrom": "name",
        "Reason": NO_SUCH_USER}}]
    assert (out.platform_calls, out.tables) == ([], {})


@pytest.mark.parametrize(
    "entities",
    [[], [("10.0.0.1", "ADDRESS"), ("host-1", "HOSTNAME")]],
    ids=["no-entities", "no-user-entities"],
)
def test_without_user_entities_nothing_is_called(run_action, entities):
    out = run_action(ACTION, entities=entities)

    assert (out.message, out.state, out.result_value) == ("No User entities were found in the scope of the action.", COMPLETED, False)
    assert (out.json_result, out.calls, out.platform_calls) == ([], [], [])


def test_a_mixed_case_enriches_every_user_found_in_one_update(run_action, account):
    entities = [("10.0.0.1", "ADDRESS"), ("BOB.JONES", USER), ("ghost", USER), ("bare", USER), ("host-1", "HOSTNAME"),
                ("carol", USER), ("dave", USER), ("CORP\\erin", USER)]
    out = run_action(ACTION, entities=entities, entity_details=upper_cased("BOB.JONES"))

    assert out.lines == [
        ENRICHED.format("Bob.Jones, bare, carol, dave"),
        WITH_INSIGHTS.format("Bob.Jones, carol, dave"),
        NOT_FOUND.format("GHOST, CORP\\ERIN"),
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [entry["Entity"] for entry in out.json_result] == ["BOB.JONES", "GHOST", "BARE", "CAROL", "DAVE", "CORP\\ERIN"]
    assert [entry["EntityResult"]["Status"] for entry in out.json_result] == [
        "enriched", "not_found", "enriched", "enriched", "enriched", "not_found"]
    # One UpdateEntities for every enriched entity, in entity order; the others are left alone.
    assert [entity["identifier"] for entity in only_update(out)] == ["BOB.JONES", "BARE", "CAROL", "DAVE"]
    assert [insight["entity_identifier"] for insight in out.insights] == ["BOB.JONES", "CAROL", "DAVE"]
    assert list(out.tables) == ["IAM User: Bob.Jones", "IAM Access Keys: Bob.Jones", "IAM User: bare", "IAM User: carol",
                                "IAM User: dave", "IAM Access Keys: dave"]
    # BOB.JONES and GHOST share the one listing; the other names hit on the first GetUser.
    assert out.iam_calls.count("ListUsers") == 1
    assert out.iam_calls.count("GetUser") == 1 + 2 + 1 + 1 + 1  # BOB.JONES twice, ghost once
    assert out.iam_calls.count("GetAccessKeyLastUsed") == 3
    assert out.iam_calls.count("GetRole") == 1  # ghost: no user, and no role either
    assert len(out.iam_calls) == 1 + 6 + 4 * 6 + 3 + 1


@pytest.mark.parametrize("identifier, reason", [
    ("CORP\\erin", "The identifier is neither an IAM user name nor an IAM user ARN."),
    ("a" * 65, "The name is longer than the 64 characters IAM allows for a user name."),
], ids=["domain-account", "too-long"])
def test_identifiers_that_cannot_be_iam_users_cost_no_call(run_action, identifier, reason):
    out = run_action(ACTION, entities=[(identifier, USER)])

    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(identifier.upper()), COMPLETED, False)
    assert out.calls == [] and out.platform_calls == []
    assert out.json_result == [{"Entity": identifier.upper(), "EntityResult": {
        "UserName": None, "Arn": None, "Status": "not_found", "Account": None, "ResolvedFrom": None, "Reason": reason}}]


def test_user_arns_are_checked_against_the_account(run_action, account):
    arn = f"arn:aws:iam::{ACCOUNT}:user/eng/Bob.Jones"
    other = "arn:aws:iam::999999999999:user/bare"
    out = run_action(ACTION, entities=[(arn, USER), (other, USER)])

    assert out.lines[0] == ENRICHED.format("Bob.Jones")
    assert out.lines[-1] == NOT_FOUND.format(other.upper())
    assert out.json_result[1] == {"Entity": other.upper(), "EntityResult": {
        "UserName": "bare", "Arn": None, "Status": "not_found", "Account": "999999999999", "ResolvedFrom": "arn",
        "Reason": "The user ARN belongs to another AWS account."}}
    assert out.calls.count(("sts", "GetCallerIdentity")) == 1
    assert [entity["identifier"] for entity in only_update(out)] == [arn.upper()]


def test_disabling_then_enriching_shows_the_user_disabled(run_action, account):
    before = run_action(ACTION, entities=[("bare", USER)])
    run_action("Disable User Access", entities=[("bare", USER)])
    after = run_action(ACTION, entities=[("bare", USER)])

    assert before.json_result[0]["EntityResult"]["Disabled"] is False and before.insights == []
    assert after.json_result[0]["EntityResult"]["Disabled"] is True
    assert awsiam_properties(only_update(after)[0])["AWSIAM_Disabled"] == "True"
    assert after.insights[0]["content"].endswith("is on the user.")


def test_enriching_twice_writes_the_same_properties(run_action, account):
    first = run_action(ACTION, entities=[("Bob.Jones", USER)])
    second = run_action(ACTION, entities=[("Bob.Jones", USER)])

    assert awsiam_properties(only_update(first)[0]) == awsiam_properties(only_update(second)[0])


# --- Exact calls, paging, dates and errors (Stubber) ----------------------------------------------

NOW = datetime.now(timezone.utc).replace(microsecond=0)
CREATED = datetime(2020, 12, 3, 12, 12, 20, tzinfo=timezone.utc)


def aws_user(name, **extra):
    return {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper():0>16}"[:20],
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "CreateDate": CREATED, **extra}


def aws_key(user, key_id, status, created):
    return {"UserName": user, "AccessKeyId": key_id, "Status": status, "CreateDate": created}


def queue_profile(stub, name, *, groups=(), attached=(), inline=(), keys=(), devices=(), login=None, last_used=(), user=None):
    """Stub one user's reads in the order a single worker makes them."""
    by_user = {"UserName": name}
    page = {"UserName": name, "MaxItems": 1000}
    stub.add_response("get_user", {"User": user or aws_user(name)}, expected_params=by_user)
    stub.add_response("list_access_keys", {"AccessKeyMetadata": list(keys), "IsTruncated": False}, expected_params=page)
    stub.add_response("list_groups_for_user", {"Groups": list(groups), "IsTruncated": False}, expected_params=page)
    stub.add_response("list_attached_user_policies", {"AttachedPolicies": list(attached), "IsTruncated": False}, expected_params=page)
    stub.add_response("list_user_policies", {"PolicyNames": list(inline), "IsTruncated": False}, expected_params=page)
    stub.add_response("list_mfa_devices", {"MFADevices": list(devices), "IsTruncated": False}, expected_params=page)
    if login is None:
        stub.add_client_error("get_login_profile", "NoSuchEntity", f"Login profile for {name} not found", 404, expected_params=by_user)
    else:
        stub.add_response("get_login_profile", {"LoginProfile": login}, expected_params=by_user)
    for key, used in zip(keys, last_used):
        stub.add_response("get_access_key_last_used", {"UserName": name, "AccessKeyLastUsed": used},
                          expected_params={"AccessKeyId": key["AccessKeyId"]})


def test_exact_calls_and_every_risk_rule(stub_aws, run_action):
    keys = [
        aws_key("mallory", "AKIAOLDUNUSED0000001", "Active", NOW - timedelta(days=200)),
        aws_key("mallory", "AKIANEVERUSED0000002", "Active", NOW - timedelta(days=3)),
    ]
    last_used = [
        {"LastUsedDate": NOW - timedelta(days=120), "ServiceName": "iam", "Region": "us-east-1"},
        {"ServiceName": "N/A", "Region": "N/A"},
    ]
    boundary = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": f"arn:aws:iam::{ACCOUNT}:policy/Boundary"}
    user = aws_user("mallory", PasswordLastUsed=NOW - timedelta(days=1), PermissionsBoundary=boundary)
    queue_profile(stub_aws.iam, "mallory", user=user, keys=keys, last_used=last_used, inline=["DisableUserAccessPolicy"],
                  attached=[{"PolicyName": "AWSCompromisedKeyQuarantineV2", "PolicyArn": "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2"}],
                  login={"UserName": "mallory", "CreateDate": CREATED, "PasswordResetRequired": True})

    out = run_action(ACTION, entities=[("mallory", USER)])

    assert out.iam_calls == PROFILE_CALLS + ["GetAccessKeyLastUsed"] * 2
    result = out.json_result[0]["EntityResult"]
    assert result["PermissionsBoundary"] == boundary
    assert result["PasswordLastUsed"] == iso(NOW - timedelta(days=1))
    assert result["ConsoleAccess"] == {"Enabled": True, "CreateDate": iso(CREATED), "PasswordResetRequired": True}
    assert result["AccessKeys"][0]["LastUsedDate"] == iso(NOW - timedelta(days=120))
    assert result["AccessKeys"][1]["LastUsedDate"] is None
    findings = [
        "Console access without MFA: the user can sign in to the AWS console with a password alone.",
        f"Access key AKIAOLDUNUSED0000001 is active but has not been used for 120 days (last used {iso(NOW - timedelta(days=120))}).",
        f"Access key AKIAOLDUNUSED0000001 is active and 200 days old (created {iso(NOW - timedelta(days=200))}).",
        "Access key AKIANEVERUSED0000002 is active but has never been used.",
        "Access is disabled: the deny-all inline policy DisableUserAccessPolicy is on the user.",
        "Quarantined by AWS: the policy AWSCompromisedKeyQuarantineV2 is attached (AWS attaches it when it finds "
        "one of the user's access keys exposed in public).",
    ]
    assert result["RiskFindings"] == findings
    assert (result["Disabled"], result["Quarantined"]) == (True, True)
    insight, = out.insights
    assert insight["content"] == "AWS IAM user mallory has 6 risk findings:\n" + "\n".join(f"- {f}" for f in findings)
    properties = awsiam_properties(only_update(out)[0])
    assert properties["AWSIAM_PasswordResetRequired"] == "True"
    assert properties["AWSIAM_PermissionsBoundary"] == boundary["PermissionsBoundaryArn"]
    assert properties["AWSIAM_AccessKey1_LastUsedDate"] == iso(NOW - timedelta(days=120))
    assert properties["AWSIAM_AccessKey2_LastUsedDate"] == "never used"
    assert properties["AWSIAM_RiskFindings"] == "6"
    assert out.tables["IAM Access Keys: mallory"][1:] == [
        ["AKIAOLDUNUSED0000001", "Active", iso(NOW - timedelta(days=200)), iso(NOW - timedelta(days=120)), "iam", "us-east-1"],
        ["AKIANEVERUSED0000002", "Active", iso(NOW - timedelta(days=3)), "never used", "N/A", "N/A"],
    ]


def test_inactive_keys_and_recent_use_raise_no_finding(stub_aws, run_action):
    keys = [aws_key("zoe", "AKIAINACTIVE00000001", "Inactive", NOW - timedelta(days=400)),
            aws_key("zoe", "AKIARECENT0000000002", "Active", NOW - timedelta(days=30))]
    last_used = [{"ServiceName": "N/A", "Region": "N/A"},
                 {"LastUsedDate": NOW - timedelta(days=2), "ServiceName": "s3", "Region": "eu-west-1"}]
    queue_profile(stub_aws.iam, "zoe", keys=keys, last_used=last_used,
                  devices=[{"UserName": "zoe", "SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/zoe", "EnableDate": CREATED}],
                  login={"UserName": "zoe", "CreateDate": CREATED, "PasswordResetRequired": False})

    out = run_action(ACTION, entities=[("zoe", USER)])

    assert out.lines == [ENRICHED.format("zoe")]
    assert out.json_result[0]["EntityResult"]["RiskFindings"] == []
    assert out.insights == []
    assert len(out.entity_updates) == 1


def test_every_list_asks_for_1000_and_follows_the_marker(stub_aws, run_action):
    stub = stub_aws.iam
    stub.add_response("get_user", {"User": aws_user("big")}, expected_params={"UserName": "big"})
    stub.add_response("list_access_keys", {"AccessKeyMetadata": [], "IsTruncated": False},
                      expected_params={"UserName": "big", "MaxItems": 1000})
    first = [{"Path": "/", "GroupName": f"g{i}", "GroupId": f"AGPA{i:016d}", "Arn": f"arn:aws:iam::{ACCOUNT}:group/g{i}",
              "CreateDate": CREATED} for i in range(1000)]
    stub.add_response("list_groups_for_user", {"Groups": first, "IsTruncated": True, "Marker": "m1"},
                      expected_params={"UserName": "big", "MaxItems": 1000})
    stub.add_response("list_groups_for_user", {"Groups": first[:1], "IsTruncated": False},
                      expected_params={"UserName": "big", "MaxItems": 1000, "Marker": "m1"})
    stub.add_response("list_attached_user_policies", {"AttachedPolicies": [], "IsTruncated": True, "Marker": "a1"},
                      expected_params={"UserName": "big", "MaxItems": 1000})
    stub.add_response("list_attached_user_policies", {"AttachedPolicies": [], "IsTruncated": False},
                      expected_params={"UserName": "big", "MaxItems": 1000, "Marker": "a1"})
    for operation, key in (("list_user_policies", "PolicyNames"), ("list_mfa_devices", "MFADevices")):
        stub.add_response(operation, {key: [], "IsTruncated": False}, expected_params={"UserName": "big", "MaxItems": 1000})
    stub.add_client_error("get_login_profile", "NoSuchEntity", "Login profile for big not found", 404)

    out = run_action(ACTION, entities=[("big", USER)])

    assert out.iam_calls == ["GetUser", "ListAccessKeys", "ListGroupsForUser", "ListGroupsForUser", "ListAttachedUserPolicies",
                             "ListAttachedUserPolicies", "ListUserPolicies", "ListMFADevices", "GetLoginProfile"]
    assert len(out.json_result[0]["EntityResult"]["Groups"]) == 1001


def test_an_upper_cased_name_costs_one_listing_then_the_real_spelling(stub_aws, run_action):
    stub_aws.iam.add_client_error("get_user", "NoSuchEntity", "The user with name ZOE cannot be found.", 404,
                                  expected_params={"UserName": "ZOE"})
    stub_aws.iam.add_response("list_users", {"Users": [aws_user("zoe")], "IsTruncated": False}, expected_params={"MaxItems": 1000})
    queue_profile(stub_aws.iam, "zoe")

    out = run_action(ACTION, entities=[("ZOE", USER)], entity_details=upper_cased("ZOE"))

    assert out.lines == [ENRICHED.format("zoe")]
    assert out.iam_calls == ["GetUser", "ListUsers"] + PROFILE_CALLS


def test_an_error_on_one_user_is_reported_for_that_user_only(stub_aws, run_action):
    queue_profile(stub_aws.iam, "alice")
    stub_aws.iam.add_response("get_user", {"User": aws_user("bob")}, expected_params={"UserName": "bob"})
    stub_aws.iam.add_response("list_access_keys", {"AccessKeyMetadata": [], "IsTruncated": False})
    stub_aws.iam.add_client_error("list_groups_for_user", "ServiceFailure", "Internal failure.", 500)
    for operation, key in (("list_attached_user_policies", "AttachedPolicies"), ("list_user_policies", "PolicyNames"),
                           ("list_mfa_devices", "MFADevices")):
        stub_aws.iam.add_response(operation, {key: [], "IsTruncated": False})
    stub_aws.iam.add_client_error("get_login_profile", "NoSuchEntity", "none", 404)

    # A Stubber answer skips botocore's retries: the 500 is final here.
    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER)])

    reason = "An error occurred (ServiceFailure) when calling the ListGroupsForUser operation: Internal failure."
    assert out.lines == [ENRICHED.format("alice"), NOT_ENRICHED.format("bob")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result[1] == {"Entity": "BOB", "EntityResult": {
        "UserName": "bob", "Arn": f"arn:aws:iam::{ACCOUNT}:user/bob", "Status": "failed", "Account": ACCOUNT,
        "ResolvedFrom": "name", "Reason": reason}}
    assert [entity["identifier"] for entity in only_update(out)] == ["ALICE"]


def test_access_denied_on_every_user_fails_the_action(stub_aws, run_action):
    for _ in range(2):
        stub_aws.iam.add_client_error("get_user", "AccessDenied", "not authorized to perform: iam:GetUser", 403)
    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER)])

    reason = "An error occurred (AccessDenied) when calling the GetUser operation: not authorized to perform: iam:GetUser"
    assert out.lines == [f"Error executing action 'Enrich User'. Reason: {reason}", NOT_ENRICHED.format("alice, bob")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.platform_calls == []


def test_a_general_error_midway_still_writes_what_was_enriched(stub_aws, run_action):
    queue_profile(stub_aws.iam, "alice")
    stub_aws.iam.add_client_error("get_user", "InvalidClientTokenId", "The security token included in the request is invalid.", 403)

    out = run_action(ACTION, entities=[("alice", USER), ("bob", USER), ("carol", USER)])

    reason = "An error occurred (InvalidClientTokenId) when calling the GetUser operation: The security token included in the request is invalid."
    assert out.lines == [f"Error executing action 'Enrich User'. Reason: {reason}", ENRICHED.format("alice"),
                         NOT_ENRICHED.format("bob, carol")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert [entry["EntityResult"]["Status"] for entry in out.json_result] == ["enriched", "failed", "failed"]
    assert out.json_result[2]["EntityResult"]["Reason"] == "Not attempted: an earlier error stopped the action."
    # The analyst keeps what was read before the error, on the entity too.
    assert [entity["identifier"] for entity in only_update(out)] == ["ALICE"]
    assert SECRET not in out.raw_stdout


def test_a_platform_that_refuses_the_update_fails_the_action_but_keeps_the_results(stub_aws, run_action, monkeypatch):
    import SiemplifyAction

    def refuse(self, entities):
        raise RuntimeError("UpdateEntities answered 500")

    monkeypatch.setattr(SiemplifyAction.SiemplifyAction, "update_entities", refuse)
    queue_profile(stub_aws.iam, "alice")

    out = run_action(ACTION, entities=[("alice", USER)])

    assert out.lines == [
        "Error executing action 'Enrich User'. Reason: The platform did not accept the entity enrichment: "
        "RuntimeError: UpdateEntities answered 500",
        ENRICHED.format("alice"),
    ]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result[0]["EntityResult"]["Status"] == "enriched"
    assert "IAM User: alice" in out.tables


# --- Concurrency ----------------------------------------------------------------------------------


def test_users_and_their_reads_overlap_within_the_connection_pool_bound(run_action, iam, monkeypatch):
    import threading

    import AWSIAMManager
    import BulkEngine

    for index in range(10):
        iam.create_user(UserName=f"user{index}")
        iam.create_access_key(UserName=f"user{index}")
    changed, in_flight, peak = threading.Condition(), [0], [0]
    original = AWSIAMManager._new_client

    def slow_client(service, **kwargs):
        client = original(service, **kwargs)

        def before(event_name, **_):
            with changed:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])
                changed.notify_all()
                # Each read waits until the bound is full once (GetUser, which the reads wait
                # for, never does): the proof that the pool lets 16 calls run at once, whatever
                # the machine's load, where a sleep would only make it likely.
                if not event_name.endswith(".GetUser"):
                    changed.wait_for(lambda: peak[0] >= BulkEngine.MAX_READS_IN_FLIGHT, timeout=30)

        def after(**_):
            with changed:
                in_flight[0] -= 1

        client.meta.events.register("before-call.iam.*", before)
        client.meta.events.register("after-call.iam.*", after)
        return client

    monkeypatch.setattr(AWSIAMManager, "_new_client", slow_client)
    out = run_action(ACTION, entities=[(f"user{index}", USER) for index in range(10)])

    assert out.lines[0] == ENRICHED.format(", ".join(f"user{index}" for index in range(10)))
    assert len(out.iam_calls) == 10 * 8
    # The reads of all ten users share one bound; `make bench` measures what it buys.
    assert peak[0] == BulkEngine.MAX_READS_IN_FLIGHT


def test_a_failed_key_listing_fails_the_user_after_its_other_reads(stub_aws, run_action):
    stub_aws.iam.add_response("get_user", {"User": aws_user("alice")}, expected_params={"UserName": "alice"})
    stub_aws.iam.add_client_error("list_access_keys", "AccessDenied", "not authorized to perform: iam:ListAccessKeys", 403)
    for operation, key in (("list_groups_for_user", "Groups"), ("list_attached_user_policies", "AttachedPolicies"),
                           ("list_user_policies", "PolicyNames"), ("list_mfa_devices", "MFADevices")):
        stub_aws.iam.add_response(operation, {key: [], "IsTruncated": False})
    stub_aws.iam.add_client_error("get_login_profile", "NoSuchEntity", "none", 404)

    out = run_action(ACTION, entities=[("alice", USER)])

    # Every read already sent is waited for; no last-use read without the key list.
    assert out.iam_calls == PROFILE_CALLS
    assert out.lines[0] == ("Error executing action 'Enrich User'. Reason: An error occurred (AccessDenied) when calling "
                            "the ListAccessKeys operation: not authorized to perform: iam:ListAccessKeys")
    assert out.json_result[0]["EntityResult"]["Status"] == "failed"
    assert out.platform_calls == []


def test_a_user_deleted_after_get_user_is_not_found(stub_aws, run_action):
    stub_aws.iam.add_response("get_user", {"User": aws_user("gone")}, expected_params={"UserName": "gone"})
    for operation in ("list_access_keys", "list_groups_for_user", "list_attached_user_policies", "list_user_policies",
                      "list_mfa_devices", "get_login_profile"):
        stub_aws.iam.add_client_error(operation, "NoSuchEntity", "The user with name gone cannot be found.", 404)

    out = run_action(ACTION, entities=[("gone", USER)])

    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format("GONE"), COMPLETED, False)
    assert out.json_result[0]["EntityResult"] == {
        "UserName": "gone", "Arn": f"arn:aws:iam::{ACCOUNT}:user/gone", "Status": "not_found", "Account": ACCOUNT,
        "ResolvedFrom": "name", "Reason": NO_SUCH_USER}


def test_a_key_deleted_after_the_listing_is_left_out(stub_aws, run_action):
    keys = [aws_key("zoe", "AKIADELETED000000001", "Active", NOW), aws_key("zoe", "AKIASTILLHERE0000002", "Active", NOW)]
    stub = stub_aws.iam
    stub.add_response("get_user", {"User": aws_user("zoe")})
    stub.add_response("list_access_keys", {"AccessKeyMetadata": keys, "IsTruncated": False})
    for operation, key in (("list_groups_for_user", "Groups"), ("list_attached_user_policies", "AttachedPolicies"),
                           ("list_user_policies", "PolicyNames"), ("list_mfa_devices", "MFADevices")):
        stub.add_response(operation, {key: [], "IsTruncated": False})
    stub.add_client_error("get_login_profile", "NoSuchEntity", "none", 404)
    stub.add_client_error("get_access_key_last_used", "NoSuchEntity", "The Access Key with id AKIADELETED000000001 cannot be found",
                          404, expected_params={"AccessKeyId": "AKIADELETED000000001"})
    stub.add_response("get_access_key_last_used", {"UserName": "zoe", "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"}},
                      expected_params={"AccessKeyId": "AKIASTILLHERE0000002"})

    out = run_action(ACTION, entities=[("zoe", USER)])

    assert [key["AccessKeyId"] for key in out.json_result[0]["EntityResult"]["AccessKeys"]] == ["AKIASTILLHERE0000002"]
