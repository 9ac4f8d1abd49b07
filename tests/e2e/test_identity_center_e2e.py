"""The Identity Center actions as the platform runs them: each script in a subprocess with its
stdin context, against moto's server (sso-admin and identitystore), the calls read from the
server's log. A contractor reaching two accounts through a group and one permission set directly
is enriched, contained in every set, contained again (no write), and restored exactly; a colleague
holding the same set is never in the statement."""

import pytest
from conftest import COMPLETED, FAILED, assert_clean
from identity_center_fakes import ACCOUNT_A, ACCOUNT_B, IC_CONFIG, S3_READ, containment, contractors_org


@pytest.fixture
def org(fresh_moto):
    return contractors_org(fresh_moto.url)


def sso_calls(out) -> list[str]:
    return [operation for service, operation in out.calls if service in ("sso", "identitystore")]


def test_contain_a_contractor_everywhere_and_undo_exactly(run_script, org):
    before = {org.readonly: org.policy(org.readonly), org.developer: org.policy(org.developer)}

    out = run_script("Enrich Identity Center User", entities=["JDOE@EXAMPLE.COM"], config=IC_CONFIG)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [(a["AccountId"], a["PermissionSetName"], a["Via"]) for a in out.json_result[0]["EntityResult"]["Assignments"]] == [
        (ACCOUNT_A, "Developer", "user"), (ACCOUNT_A, "ReadOnly", "group:contractors"),
        (ACCOUNT_B, "ReadOnly", "group:contractors")]
    assert out.entity_updates[0][0]["additional_properties"]["AWSIAM_IC_Contained"] == "False"
    assert_clean(out)

    out = run_script("Disable Identity Center User Access", entities=["JDOE@EXAMPLE.COM", "ghost"], config=IC_CONFIG)
    assert out.message.split("\n") == [
        "Successfully denied the following users in every permission set they reach in IAM Identity Center: jdoe",
        "Action wasn't able to find the following users in IAM Identity Center: GHOST"]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [e["EntityResult"]["Status"] for e in out.json_result] == ["disabled", "not_found"]
    assert org.policy(org.readonly) == {**S3_READ, "Statement": [*S3_READ["Statement"], containment(org.jdoe)]}
    assert org.policy(org.developer) == {"Version": "2012-10-17", "Statement": [containment(org.jdoe)]}
    assert org.mary not in org.policy_text(org.readonly)
    calls = sso_calls(out)
    assert (calls.count("ListInstances"), calls.count("PutInlinePolicyToPermissionSet"),
            calls.count("ProvisionPermissionSet")) == (1, 2, 2)
    assert out.iam_calls == []
    assert_clean(out)

    again = run_script("Disable Identity Center User Access", entities=["jdoe"], config=IC_CONFIG)
    assert again.json_result[0]["EntityResult"]["Status"] == "disabled"
    assert not {"PutInlinePolicyToPermissionSet", "ProvisionPermissionSet"} & set(sso_calls(again))

    out = run_script("Enable Identity Center User Access", entities=["jdoe"], config=IC_CONFIG)
    assert out.message == ("Successfully removed the following users from the deny statement of every permission set "
                           "in IAM Identity Center: jdoe")
    assert out.json_result[0]["EntityResult"]["PermissionSets"] == ["ReadOnly", "Developer"]
    assert {arn: org.policy(arn) for arn in before} == before
    assert_clean(out)


def test_without_the_region_the_scripts_make_no_call(run_script, org):
    out = run_script("Disable Identity Center User Access", entities=["jdoe"])
    assert (out.state, out.calls) == (FAILED, [])
    assert out.message.endswith("to use the Identity Center actions.")
    assert_clean(out)
