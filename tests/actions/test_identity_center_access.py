"""Disable and Enable Identity Center User Access through the platform's path (the script run with
its stdin context, moto in-process): the AWSIAMContainment statement in every permission set a user
reaches, directly or through a group; a shared set written and provisioned once; the exact undo;
every status, compared as parsed JSON, with the exact Identity Center calls."""

import json

import pytest
from conftest import COMPLETED, FAILED, SECRET, assert_no_credentials
from identity_center_fakes import IC_CONFIG, IC_REGION, S3_READ, containment, contractors_org, ic_calls

DISABLE = "Disable Identity Center User Access"
ENABLE = "Enable Identity Center User Access"
DISABLED = "Successfully denied the following users in every permission set they reach in IAM Identity Center: {}"
NOT_FOUND = "Action wasn't able to find the following users in IAM Identity Center: {}"
NO_ACCESS = ("The following users in IAM Identity Center reach no permission set in any account, so there was nothing "
             "to deny: {}")
NOT_DISABLED_LINE = "Action wasn't able to deny access to the following users in IAM Identity Center: {}"
ENABLED = ("Successfully removed the following users from the deny statement of every permission set in IAM "
           "Identity Center: {}")
NOT_DISABLED = "The following users in IAM Identity Center were not disabled, so there was nothing to restore: {}"
NOT_RESTORED = "Action wasn't able to restore the access of the following users in IAM Identity Center: {}"
IN_PROGRESS = ("Provisioning is still under way in AWS for the following permission sets; the change reaches each "
               "account when it ends: {}")
NO_SUCH_USER = "No user with this user name or e-mail address exists in the identity store."
NOT_AN_IDENTIFIER = "The identifier is neither an Identity Center user name nor an e-mail address."


def entry(entity, name, user_id, status, sets=(), reason=None):
    result = {"UserName": name, "UserId": user_id, "Status": status, "PermissionSets": list(sets)}
    if reason is not None:
        result["Reason"] = reason
    return {"Entity": entity, "EntityResult": result}


@pytest.fixture
def org(aws):
    return contractors_org()


def with_statement(*user_ids):
    return {**S3_READ, "Statement": [*S3_READ["Statement"], containment(*user_ids)]}


def only_statement(*user_ids):
    return {"Version": "2012-10-17", "Statement": [containment(*user_ids)]}


# --- Configuration and instance ---------------------------------------------------------------------

@pytest.mark.parametrize("action", [DISABLE, ENABLE, "Enrich Identity Center User"])
def test_without_the_identity_center_region_nothing_is_called(run_action, action):
    out = run_action(action, entities=["jdoe"])
    assert out.message == (f"Error executing action '{action}'. Reason: Configuration parameter 'Identity Center Region' "
                           "is empty. Set it to the region of the organization's IAM Identity Center instance, for "
                           "example us-east-1, to use the Identity Center actions.")
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])


def test_an_unknown_identity_center_region_is_one_sentence_and_no_call(run_action):
    out = run_action(DISABLE, entities=["jdoe"], config={**IC_CONFIG, "Identity Center Region": "eu-middle-9"})
    assert out.message == (f"Error executing action '{DISABLE}'. Reason: Configuration parameter 'Identity Center "
                           "Region' is not a known AWS region: 'eu-middle-9'. Enter the region code of the "
                           "organization's IAM Identity Center instance, such as us-east-1.")
    assert (out.state, out.calls) == (FAILED, [])


def test_a_region_without_an_instance_is_one_sentence(run_action, org):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ssoadmin.models import ssoadmin_backends

    ssoadmin_backends[DEFAULT_ACCOUNT_ID][IC_REGION].instances.clear()
    out = run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)
    assert out.message == (f"Error executing action '{DISABLE}'. Reason: No IAM Identity Center instance was found in "
                           f"the region {IC_REGION}. Check that 'Identity Center Region' names the region where the "
                           "organization's Identity Center is enabled, and that the integration's credentials belong "
                           "to the management account or to a delegated administrator.")
    assert (out.state, out.result_value, ic_calls(out)) == (FAILED, False, ["ListInstances"])


def test_no_user_entities_no_identity_center_call(run_action, org):
    out = run_action(DISABLE, entities=[("10.0.0.1", "ADDRESS")], config=IC_CONFIG)
    assert (out.message, out.state, out.result_value, out.json_result) == (
        "No User entities were found in the scope of the action.", COMPLETED, False, [])
    assert out.calls == []


# --- Disable --------------------------------------------------------------------------------------

def test_disable_denies_every_permission_set_reached_directly_or_through_a_group(run_action, org):
    out = run_action(DISABLE, entities=["JDOE@EXAMPLE.COM"], config=IC_CONFIG)

    assert out.message == DISABLED.format("jdoe")
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [entry("JDOE@EXAMPLE.COM", "jdoe", org.jdoe, "disabled", ["Developer", "ReadOnly"])]
    # Every other statement kept; the colleague who holds ReadOnly through the same group is not listed.
    assert org.policy(org.readonly) == with_statement(org.jdoe)
    assert org.policy(org.developer) == only_statement(org.jdoe)
    calls = ic_calls(out)
    assert calls[0] == "ListInstances"
    assert sorted(calls[1:]) == sorted(
        # As given: userName JDOE@EXAMPLE.COM, then the e-mail; lower-cased: userName, then the e-mail matches.
        ["GetUserId"] * 4 + ["DescribeUser", "ListGroupMembershipsForMember"]
        + ["ListAccountAssignmentsForPrincipal"] * 2  # jdoe's own, and the group's
        + ["DescribePermissionSet", "GetInlinePolicyForPermissionSet", "PutInlinePolicyToPermissionSet",
           "ProvisionPermissionSet"] * 2)
    assert out.iam_calls == []
    assert_no_credentials(out.raw_stdout, SECRET)


def test_disable_again_is_idempotent_and_writes_nothing(run_action, org):
    run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)
    out = run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)

    assert out.message == DISABLED.format("jdoe")
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "disabled", ["Developer", "ReadOnly"])]
    assert "PutInlinePolicyToPermissionSet" not in ic_calls(out)
    assert "ProvisionPermissionSet" not in ic_calls(out)
    assert org.policy(org.readonly) == with_statement(org.jdoe)


def test_a_set_shared_by_users_of_one_run_is_written_and_provisioned_once_with_all_their_ids(run_action, org):
    out = run_action(DISABLE, entities=["jdoe", "mary"], config=IC_CONFIG)

    assert out.message == DISABLED.format("jdoe, mary")
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "disabled", ["Developer", "ReadOnly"]),
                               entry("MARY", "mary", org.mary, "disabled", ["ReadOnly"])]
    assert org.policy(org.readonly) == with_statement(org.jdoe, org.mary)
    calls = ic_calls(out)
    assert calls.count("PutInlinePolicyToPermissionSet") == 2  # ReadOnly once, Developer once
    assert calls.count("ProvisionPermissionSet") == 2
    # The group both are members of is asked for its assignments once.
    assert calls.count("ListAccountAssignmentsForPrincipal") == 3


def test_the_same_person_named_twice_is_worked_on_once(run_action, org):
    out = run_action(DISABLE, entities=["jdoe", "jdoe@example.com"], config=IC_CONFIG,
                     entity_details={"JDOE@EXAMPLE.COM": {"additional_properties": {"OriginalIdentifier": "jdoe@example.com"}}})

    assert out.message == DISABLED.format("jdoe")
    assert [e["EntityResult"]["Status"] for e in out.json_result] == ["disabled", "disabled"]
    calls = ic_calls(out)
    assert (calls.count("ListGroupMembershipsForMember"), calls.count("PutInlinePolicyToPermissionSet")) == (1, 2)
    assert org.policy(org.developer) == only_statement(org.jdoe)


def test_users_not_found_and_without_access(run_action, org):
    org.user("newhire", "newhire@example.com")
    out = run_action(DISABLE, entities=["ghost", "John Smith", "newhire", "CORP\\jdoe"], config=IC_CONFIG)

    assert out.message.split("\n") == [NO_ACCESS.format("newhire"), NOT_FOUND.format("GHOST, JOHN SMITH, CORP\\JDOE")]
    assert (out.state, out.result_value) == (COMPLETED, False)
    newhire = out.json_result[2]["EntityResult"]["UserId"]
    assert out.json_result == [
        entry("GHOST", None, None, "not_found", reason=NO_SUCH_USER),
        entry("JOHN SMITH", None, None, "not_found", reason=NOT_AN_IDENTIFIER),
        entry("NEWHIRE", "newhire", newhire, "no_access",
              reason="The user reaches no permission set in any account, directly or through a group."),
        entry("CORP\\JDOE", None, None, "not_found", reason=NO_SUCH_USER),
    ]
    assert "PutInlinePolicyToPermissionSet" not in ic_calls(out)


def test_an_inline_policy_that_is_not_json_fails_that_set_and_is_not_overwritten(run_action, org):
    broken = '{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow",'
    org.sso.put_inline_policy_to_permission_set(InstanceArn=org.arn, PermissionSetArn=org.readonly, InlinePolicy=broken)
    out = run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)

    reason = ("Permission set ReadOnly: its inline policy is not a valid JSON policy document, so nothing was written "
              "to it. Correct or delete the inline policy, then run the action again.")
    assert out.message == NOT_DISABLED_LINE.format("jdoe")
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "failed", ["Developer"], reason)]
    assert org.policy_text(org.readonly) == broken
    # The other permission set is denied all the same.
    assert org.policy(org.developer) == only_statement(org.jdoe)


def test_a_user_whose_id_would_not_fit_fails_and_nothing_is_written_half_way(run_action, org):
    # An inline policy a few characters short of AWS's 10,240: mary's ID fits nowhere.
    padding = {"Sid": "Padding", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/" + "p" * 9950}
    big = {"Version": "2012-10-17", "Statement": [padding]}
    org.sso.put_inline_policy_to_permission_set(InstanceArn=org.arn, PermissionSetArn=org.readonly,
                                                InlinePolicy=json.dumps(big, separators=(",", ":")))
    out = run_action(DISABLE, entities=["mary"], config=IC_CONFIG)

    assert out.json_result == [entry("MARY", "mary", org.mary, "failed", [], (
        "Permission set ReadOnly: adding the user's ID would take its inline policy past AWS's limit of 10,240 "
        "characters, so it was not added."))]
    assert (out.state, out.message) == (FAILED, NOT_DISABLED_LINE.format("mary"))
    assert org.policy(org.readonly) == big
    assert "PutInlinePolicyToPermissionSet" not in ic_calls(out)


def test_a_hand_edited_statement_is_not_overwritten(run_action, org):
    edited = {"Version": "2012-10-17", "Statement": [{"Sid": "AWSIAMContainment", "Effect": "Allow", "Action": "*",
                                                      "Resource": "*"}]}
    org.sso.put_inline_policy_to_permission_set(InstanceArn=org.arn, PermissionSetArn=org.developer,
                                                InlinePolicy=json.dumps(edited))
    out = run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)

    assert out.json_result[0]["EntityResult"]["Reason"] == (
        "Permission set Developer: its AWSIAMContainment statement was changed by hand and no longer denies a list of "
        "identitystore:UserId values, so nothing was written to it. Correct or delete that statement, then run the "
        "action again.")
    assert org.policy(org.developer) == edited
    assert org.policy(org.readonly) == with_statement(org.jdoe)


@pytest.fixture
def provisioning(monkeypatch):
    """provisioning("FAILED", "reason"): ProvisionPermissionSet answers with that status, as AWS can."""
    from moto.ssoadmin.responses import SSOAdminResponse

    def answer(status, reason=None):
        original = SSOAdminResponse.provision_permission_set

        def provision(self):
            body = json.loads(original(self))
            body["PermissionSetProvisioningStatus"]["Status"] = status
            if reason:
                body["PermissionSetProvisioningStatus"]["FailureReason"] = reason
            return json.dumps(body)

        monkeypatch.setattr(SSOAdminResponse, "provision_permission_set", provision)

    return answer


def test_provisioning_in_progress_is_written_with_a_sentence(run_action, org, provisioning):
    provisioning("IN_PROGRESS")
    out = run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)
    assert out.message.split("\n") == [DISABLED.format("jdoe"), IN_PROGRESS.format("Developer, ReadOnly")]
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "disabled", ["Developer", "ReadOnly"])]


def test_provisioning_failed_is_that_users_failure_with_awss_reason(run_action, org, provisioning):
    provisioning("FAILED", "Role aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly could not be updated")
    out = run_action(DISABLE, entities=["mary"], config=IC_CONFIG)
    assert out.json_result == [entry("MARY", "mary", org.mary, "failed", [], (
        "Permission set ReadOnly: the inline policy was written, but AWS failed to provision it: Role "
        "aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly could not be updated"))]
    assert (out.state, out.result_value) == (FAILED, False)


# --- Enable ---------------------------------------------------------------------------------------

def test_two_contained_in_one_set_and_one_restored_then_the_other_exactly_as_before(run_action, org):
    before = {org.readonly: org.policy(org.readonly), org.developer: org.policy(org.developer)}
    run_action(DISABLE, entities=["jdoe", "mary"], config=IC_CONFIG)

    out = run_action(ENABLE, entities=["mary"], config=IC_CONFIG)
    assert out.message == ENABLED.format("mary")
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [entry("MARY", "mary", org.mary, "enabled", ["ReadOnly"])]
    assert org.policy(org.readonly) == with_statement(org.jdoe)
    assert org.policy(org.developer) == only_statement(org.jdoe)

    out = run_action(ENABLE, entities=["jdoe"], config=IC_CONFIG)
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "enabled", ["ReadOnly", "Developer"])]
    assert {arn: org.policy(arn) for arn in before} == before
    calls = ic_calls(out)
    # ReadOnly keeps its own statement (written); Developer had nothing else (deleted, never written empty).
    assert (calls.count("PutInlinePolicyToPermissionSet"), calls.count("DeleteInlinePolicyFromPermissionSet"),
            calls.count("ProvisionPermissionSet")) == (1, 1, 2)

    out = run_action(ENABLE, entities=["jdoe", "mary"], config=IC_CONFIG)
    assert out.message == NOT_DISABLED.format("jdoe, mary")
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.json_result[0] == entry("JDOE", "jdoe", org.jdoe, "not_disabled",
                                       reason="No permission set's AWSIAMContainment statement lists the user.")
    assert "PutInlinePolicyToPermissionSet" not in ic_calls(out)


def test_enable_removes_the_user_from_a_set_it_no_longer_reaches(run_action, org):
    former = org.permission_set("Former", only_statement(org.jdoe, org.mary))
    out = run_action(ENABLE, entities=["jdoe", "ghost"], config=IC_CONFIG)

    assert out.message.split("\n") == [ENABLED.format("jdoe"), NOT_FOUND.format("GHOST")]
    assert out.json_result == [entry("JDOE", "jdoe", org.jdoe, "enabled", ["Former"]),
                               entry("GHOST", None, None, "not_found", reason=NO_SUCH_USER)]
    assert org.policy(former) == only_statement(org.mary)


def test_enable_fails_a_set_whose_policy_is_not_json_but_names_the_user(run_action, org):
    broken = '{"Statement": [{"Sid": "AWSIAMContainment", "Condition": {"StringEquals": {"identitystore:UserId": ["%s"' % org.jdoe
    org.sso.put_inline_policy_to_permission_set(InstanceArn=org.arn, PermissionSetArn=org.developer, InlinePolicy=broken)
    out = run_action(ENABLE, entities=["jdoe", "mary"], config=IC_CONFIG)

    assert out.message.split("\n") == [NOT_DISABLED.format("mary"), NOT_RESTORED.format("jdoe")]
    assert out.json_result[0] == entry("JDOE", "jdoe", org.jdoe, "failed", [], (
        "Permission set Developer: its inline policy is not a valid JSON policy document, so nothing was written to "
        "it. Correct or delete the inline policy, then run the action again."))
    assert (out.state, org.policy_text(org.developer)) == (FAILED, broken)


def test_access_denied_on_every_user_fails_the_action(run_action, org, monkeypatch):
    from moto.identitystore.responses import IdentityStoreResponse
    from moto.core.exceptions import JsonRESTError

    def denied(self):
        raise JsonRESTError("AccessDeniedException", "User is not authorized to perform: identitystore:GetUserId")

    monkeypatch.setattr(IdentityStoreResponse, "get_user_id", denied)
    out = run_action(DISABLE, entities=["jdoe"], config=IC_CONFIG)
    assert out.lines[0] == (f"Error executing action '{DISABLE}'. Reason: An error occurred (AccessDeniedException) "
                            "when calling the GetUserId operation: User is not authorized to perform: "
                            "identitystore:GetUserId")
    assert (out.state, out.json_result[0]["EntityResult"]["Status"]) == (FAILED, "failed")
