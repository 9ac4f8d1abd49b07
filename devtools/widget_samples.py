"""JSON results for the case-wall widgets, taken from real runs of the actions against moto.

The browser tests (tests/widgets/) render each widget with these results, and
`make screenshots` renders them into docs/images/. Every sample carries hostile text where the
real data can carry it (an IAM path may hold `</script>`, a case's entity identifier anything),
so the same run proves that the widgets show such values as text.

An action whose script is not in ActionsScripts/ yet gets a result written by hand in the shape
its contract gives (see its action reference in docs/actions/); the moment the script exists
the sample comes from a real run instead, with no change here.
"""

import datetime
import json
from pathlib import Path

from local_runner import run_script

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG = {"AWS Access Key ID": "AKIAIOSFODNN7EXAMPLE", "AWS Secret Key": "testing-secret", "Verify SSL": "true"}

# A real IAM path may hold any printable ASCII, so a user's Path and ARN can carry markup.
HOSTILE_PATH = "/</script><script>window.__pwned=1</script><b>bold</b>/"
HOSTILE_ENTITY = "<img src=x onerror=window.__pwned=1>MALLORY"
HOSTILE_TEXT = "</script><script>window.__pwned=1</script>"


def script_exists(stem: str) -> bool:
    return (REPO_ROOT / "ActionsScripts" / f"{stem}.py").is_file()


def declares_parameter(stem: str, name: str) -> bool:
    path = REPO_ROOT / "ActionsDefinitions" / f"{stem}.actiondef"
    return path.is_file() and any(p["Name"] == name for p in json.loads(path.read_text(encoding="utf-8"))["Parameters"])


def iam_client(server):
    import boto3

    return boto3.client("iam", endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _run(server, action, params=None, entities=None):
    out = run_script(action, params or {}, CONFIG, entities, endpoint_url=server.url)
    if out.json_result is None:
        raise RuntimeError(f"{action} gave no JSON result: {out.message}")
    return out.json_result


def list_users(server):
    """List Users over three users, one of them with markup in its path (so in its ARN too)."""
    server.reset_state()
    iam = iam_client(server)
    for name in ("alice", "Bob.Jones", "carol"):
        iam.create_user(UserName=name)
    iam.create_user(UserName="mallory", Path=HOSTILE_PATH)
    return _run(server, "List Users", {"Max Users to Return": "50"})


def disable_user_access(server):
    """Disable User Access on two users, a name no IAM user has, and a hostile entity identifier.
    With the Deactivate Access Keys option (once the action has it) Bob's active key is switched off."""
    server.reset_state()
    iam = iam_client(server)
    for name in ("alice", "Bob.Jones"):
        iam.create_user(UserName=name)
    key = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    params = {}
    if declares_parameter("DisableUserAccess", "Deactivate Access Keys"):
        params["Deactivate Access Keys"] = "true"
    result = _run(server, "Disable User Access", params, ["BOB.JONES", "ALICE", "GHOST", HOSTILE_ENTITY])
    return result, key


def enable_user_access(server):
    """Enable User Access after a containment: real run when the script exists, else the contract's shape."""
    if script_exists("EnableUserAccess"):
        server.reset_state()
        iam = iam_client(server)
        for name in ("alice", "Bob.Jones", "carol"):
            iam.create_user(UserName=name)
        key = iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
        _run(server, "Disable User Access", {"Deactivate Access Keys": "true"}, ["BOB.JONES", "ALICE"])
        result = _run(server, "Enable User Access", {"Reactivate Access Keys": "true"},
                      ["BOB.JONES", "ALICE", "CAROL", "GHOST", HOSTILE_ENTITY])
        return result, key
    key = "AKIAIOSFODNN7BOBKEY1"
    arn = "arn:aws:iam::123456789012:user/"
    result = [
        {"Entity": "BOB.JONES", "EntityResult": {"UserName": "Bob.Jones", "Arn": arn + "Bob.Jones",
         "PolicyName": "DisableUserAccessPolicy", "Status": "enabled", "ReactivatedKeys": [key]}},
        {"Entity": "ALICE", "EntityResult": {"UserName": "alice", "Arn": arn + "alice",
         "PolicyName": "DisableUserAccessPolicy", "Status": "enabled", "ReactivatedKeys": []}},
        {"Entity": "CAROL", "EntityResult": {"UserName": "carol", "Arn": arn + "carol",
         "PolicyName": "DisableUserAccessPolicy", "Status": "not_disabled", "ReactivatedKeys": []}},
        {"Entity": "GHOST", "EntityResult": {"UserName": "GHOST", "Arn": None,
         "PolicyName": "DisableUserAccessPolicy", "Status": "not_found", "ReactivatedKeys": [],
         "Reason": "No IAM user with this name exists in the account."}},
        {"Entity": HOSTILE_ENTITY, "EntityResult": {"UserName": None, "Arn": None,
         "PolicyName": "DisableUserAccessPolicy", "Status": "failed", "ReactivatedKeys": [],
         "Reason": HOSTILE_TEXT}},
    ]
    return result, key


def _iso(days_ago: int) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _attach_read_only(iam, user: str) -> None:
    """AWS's ReadOnlyAccess where the moto server holds AWS's managed policies; otherwise a customer
    managed policy of the same name, which the widget shows the same way."""
    try:
        iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    except iam.exceptions.NoSuchEntityException:
        arn = iam.create_policy(PolicyName="ReadOnlyAccess", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}'))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=user, PolicyArn=arn)


def enrich_user(server):
    """Enrich User on a fully loaded user, a disabled and quarantined one, a bare one and a missing one."""
    if script_exists("EnrichUser"):
        server.reset_state()
        iam = iam_client(server)
        iam.create_group(GroupName="Developers")
        iam.create_user(UserName="Bob.Jones", Tags=[{"Key": "team", "Value": HOSTILE_TEXT}])
        iam.add_user_to_group(GroupName="Developers", UserName="Bob.Jones")
        iam.create_login_profile(UserName="Bob.Jones", Password="Passw0rd!Passw0rd!")
        iam.create_access_key(UserName="Bob.Jones")
        iam.create_access_key(UserName="Bob.Jones")  # IAM's two: the widget lists both
        _attach_read_only(iam, "Bob.Jones")
        iam.create_user(UserName="carol")
        iam.create_policy(PolicyName="AWSCompromisedKeyQuarantineV3",
                          PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')
        account = iam_client(server).get_user(UserName="carol")["User"]["Arn"].split(":")[4]
        iam.attach_user_policy(UserName="carol", PolicyArn=f"arn:aws:iam::{account}:policy/AWSCompromisedKeyQuarantineV3")
        iam.put_user_policy(UserName="carol", PolicyName="DisableUserAccessPolicy",
                            PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}')
        iam.create_user(UserName="dave")
        return _run(server, "Enrich User", {}, ["BOB.JONES", "CAROL", "DAVE", "GHOST"])
    arn = "arn:aws:iam::123456789012:"
    bob = {
        "UserName": "Bob.Jones", "UserId": "AIDAEXAMPLEBOBJONES1", "Arn": arn + "user/Bob.Jones", "Path": "/",
        "CreateDate": _iso(400), "PasswordLastUsed": _iso(2),
        "Tags": [{"Key": "team", "Value": HOSTILE_TEXT}], "PermissionsBoundary": None,
        "Groups": ["Developers"],
        "AttachedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "InlinePolicies": ["S3Scratch"],
        "AccessKeys": [
            {"AccessKeyId": "AKIAEXAMPLEBOBKEY001", "Status": "Active", "CreateDate": _iso(200),
             "LastUsedDate": _iso(120), "LastUsedService": "s3", "LastUsedRegion": "eu-west-1"},
            {"AccessKeyId": "AKIAEXAMPLEBOBKEY002", "Status": "Active", "CreateDate": _iso(10),
             "LastUsedDate": None, "LastUsedService": None, "LastUsedRegion": None},
        ],
        "MFADevices": [],
        "ConsoleAccess": {"CreateDate": _iso(390), "PasswordResetRequired": False},
        "Disabled": False, "Quarantined": False,
    }
    carol = {
        "UserName": "carol", "UserId": "AIDAEXAMPLECAROL0001", "Arn": arn + "user/carol", "Path": "/",
        "CreateDate": _iso(30), "PasswordLastUsed": None, "Tags": [],
        "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                "PermissionsBoundaryArn": arn + "policy/DeveloperBoundary"},
        "Groups": [],
        "AttachedPolicies": [{"PolicyName": "AWSCompromisedKeyQuarantineV3",
                              "PolicyArn": "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"}],
        "InlinePolicies": ["DisableUserAccessPolicy"],
        "AccessKeys": [{"AccessKeyId": "AKIAEXAMPLECAROLKEY1", "Status": "Inactive", "CreateDate": _iso(25),
                        "LastUsedDate": _iso(3), "LastUsedService": "sts", "LastUsedRegion": "us-east-1"}],
        "MFADevices": [{"SerialNumber": arn + "mfa/carol", "EnableDate": _iso(29)}],
        "ConsoleAccess": {"CreateDate": _iso(29), "PasswordResetRequired": True},
        "Disabled": True, "Quarantined": True,
    }
    dave = {
        "UserName": "dave", "UserId": "AIDAEXAMPLEDAVE00001", "Arn": arn + "user/dave", "Path": "/",
        "CreateDate": _iso(5), "PasswordLastUsed": None, "Tags": [], "PermissionsBoundary": None,
        "Groups": [], "AttachedPolicies": [], "InlinePolicies": [], "AccessKeys": [], "MFADevices": [],
        "ConsoleAccess": None, "Disabled": False, "Quarantined": False,
    }
    return [
        {"Entity": "BOB.JONES", "EntityResult": bob},
        {"Entity": "CAROL", "EntityResult": carol},
        {"Entity": "DAVE", "EntityResult": dave},
        {"Entity": "GHOST", "EntityResult": {"Status": "not_found",
                                             "Reason": "No IAM user with this name exists in the account."}},
    ]


# ---------------------------------------------------------------- Identity Center users

IC_REGION = "eu-west-1"


def _contractors(server):
    """jdoe (a contractor) reaches two accounts through the group contractors and one permission set
    directly; mary holds the group's permission set too; a user whose display name carries markup
    reaches nothing."""
    import boto3

    args = dict(endpoint_url=server.url, region_name=IC_REGION, aws_access_key_id="testing",
                aws_secret_access_key="testing")
    sso, store = boto3.client("sso-admin", **args), boto3.client("identitystore", **args)
    instance = sso.list_instances()["Instances"][0]
    arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]

    def user(name, display):
        return store.create_user(IdentityStoreId=store_id, UserName=name, DisplayName=display,
                                 Name={"GivenName": name, "FamilyName": "Sample"},
                                 Emails=[{"Value": f"{name}@example.com", "Type": "work", "Primary": True}])["UserId"]

    jdoe, mary = user("jdoe", "Jane Doe"), user("mary", "Mary Major")
    user("newhire", HOSTILE_TEXT)
    group = store.create_group(IdentityStoreId=store_id, DisplayName="contractors")["GroupId"]
    for member in (jdoe, mary):
        store.create_group_membership(IdentityStoreId=store_id, GroupId=group, MemberId={"UserId": member})
    readonly, developer = (sso.create_permission_set(Name=name, InstanceArn=arn)["PermissionSet"]["PermissionSetArn"]
                           for name in ("ReadOnly", "Developer"))
    assignments = [(readonly, "GROUP", group, "111111111111"), (readonly, "GROUP", group, "222222222222"),
                   (developer, "USER", jdoe, "111111111111")]
    for permission_set, kind, principal, account in assignments:
        sso.create_account_assignment(InstanceArn=arn, TargetId=account, TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=permission_set, PrincipalType=kind, PrincipalId=principal)


def identity_center(server) -> dict:
    """{stem: JSON result} of Enrich, Disable and Enable Identity Center User Access, run one after
    the other on the contractors' organization, each with a user not found beside the others."""
    server.reset_state()
    _contractors(server)
    config = {**CONFIG, "Identity Center Region": IC_REGION}
    entities = ["jdoe@example.com", "newhire", HOSTILE_ENTITY]

    def run(action, names):
        out = run_script(action, {}, config, names, endpoint_url=server.url)
        if out.json_result is None:
            raise RuntimeError(f"{action} gave no JSON result: {out.message}")
        return out.json_result

    disabled = run("Disable Identity Center User Access", entities)
    enriched = run("Enrich Identity Center User", ["jdoe@example.com", "mary", HOSTILE_ENTITY])
    enabled = run("Enable Identity Center User Access", ["jdoe", "mary", HOSTILE_ENTITY])
    return {"EnrichIdentityCenterUser": enriched, "DisableIdentityCenterUserAccess": disabled,
            "EnableIdentityCenterUserAccess": enabled}
