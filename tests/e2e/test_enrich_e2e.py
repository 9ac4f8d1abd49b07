"""Enrich User as the platform runs it: a subprocess with a stdin context, against moto's server.
What reached the platform (UpdateEntities, CreateCaseInsight) is read from the SDK stand-in's
record; the IAM calls from the server's request log."""

from conftest import COMPLETED, assert_clean

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'


def test_enrich_user_end_to_end(run_script, server_iam):
    server_iam.create_user(UserName="Bob.Jones", Tags=[{"Key": "team", "Value": "data"}])
    key = server_iam.create_access_key(UserName="Bob.Jones")["AccessKey"]["AccessKeyId"]
    server_iam.create_login_profile(UserName="Bob.Jones", Password="Correct-Horse-9")
    server_iam.create_user(UserName="carol")
    server_iam.put_user_policy(UserName="carol", PolicyName="DisableUserAccessPolicy", PolicyDocument=POLICY)

    out = run_script("Enrich User", entities=["BOB.JONES", "carol", "ghost", ("10.0.0.1", "ADDRESS")],
                     entity_details={"BOB.JONES": {"additional_properties": {}}})

    assert out.message.split("\n") == [
        "Successfully enriched the following users from AWS IAM: Bob.Jones, carol",
        "Risk findings were added as insights to the following users: Bob.Jones, carol",
        "Action wasn't able to find the following users in AWS IAM: GHOST",
    ]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [entry["EntityResult"]["Status"] for entry in out.json_result] == ["enriched", "enriched", "not_found"]
    lists = ["ListGroupsForUser", "ListAttachedUserPolicies", "ListUserPolicies", "ListAccessKeys", "ListMFADevices",
             "GetLoginProfile"]
    # GetUser: BOB.JONES misses, then Bob.Jones (found by the one listing ghost's miss shares), carol, ghost;
    # ghost is no role either.
    assert sorted(out.iam_calls) == sorted(["GetUser"] * 4 + ["ListUsers"] + lists * 2 + ["GetAccessKeyLastUsed", "GetRole"])

    bob, carol = out.entity_updates[0]
    assert len(out.entity_updates) == 1
    assert (bob["identifier"], bob["is_enriched"], bob["additional_properties"]["IsEnriched"]) == ("BOB.JONES", True, "True")
    assert bob["additional_properties"]["AWSIAM_Tags"] == "team=data"
    assert bob["additional_properties"]["AWSIAM_AccessKey1_Id"] == key
    assert carol["additional_properties"]["AWSIAM_Disabled"] == "True"
    assert [(insight["entity_identifier"], insight["content"].split("\n")[0]) for insight in out.insights] == [
        ("BOB.JONES", "AWS IAM user Bob.Jones has 2 risk findings:"),
        ("CAROL", "AWS IAM user carol has 1 risk finding:"),
    ]
    assert set(out.tables) == {"IAM User: Bob.Jones", "IAM Access Keys: Bob.Jones", "IAM User: carol"}
    assert_clean(out)
