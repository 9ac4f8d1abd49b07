"""Enrich Identity Center User through the platform's path: the profile, groups, assignments with
how each is reached, Contained, the AWSIAM_IC_ properties in one entity update, one table per user."""

import pytest
from conftest import COMPLETED
from identity_center_fakes import ACCOUNT_A, ACCOUNT_B, IC_CONFIG, contractors_org, ic_calls

ENRICH = "Enrich Identity Center User"


@pytest.fixture
def org(aws):
    return contractors_org()


def profile(org, *, contained_in=()):
    return {
        "UserId": org.jdoe, "UserName": "jdoe", "DisplayName": "Jane Doe", "Email": "jdoe@example.com",
        "Groups": ["contractors"],
        "Assignments": [
            {"AccountId": ACCOUNT_A, "PermissionSetName": "Developer", "PermissionSetArn": org.developer, "Via": "user"},
            {"AccountId": ACCOUNT_A, "PermissionSetName": "ReadOnly", "PermissionSetArn": org.readonly,
             "Via": "group:contractors"},
            {"AccountId": ACCOUNT_B, "PermissionSetName": "ReadOnly", "PermissionSetArn": org.readonly,
             "Via": "group:contractors"},
        ],
        "Contained": bool(contained_in), "ContainedIn": list(contained_in), "Status": "enriched",
    }


def test_enrich_shows_the_profile_and_how_each_assignment_is_reached(run_action, org):
    out = run_action(ENRICH, entities=["JDOE@EXAMPLE.COM", "ghost"], config=IC_CONFIG)

    assert out.lines == ["Successfully enriched the following users from IAM Identity Center: jdoe",
                         "Action wasn't able to find the following users in IAM Identity Center: GHOST"]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.json_result == [
        {"Entity": "JDOE@EXAMPLE.COM", "EntityResult": profile(org)},
        {"Entity": "GHOST", "EntityResult": {"UserName": None, "UserId": None, "Status": "not_found",
                                             "Reason": "No user with this user name or e-mail address exists in the identity store."}},
    ]
    update, = out.entity_updates
    properties = {key: value for key, value in update[0]["additional_properties"].items() if key.startswith("AWSIAM_IC_")}
    assert properties == {
        "AWSIAM_IC_UserId": org.jdoe, "AWSIAM_IC_UserName": "jdoe", "AWSIAM_IC_DisplayName": "Jane Doe",
        "AWSIAM_IC_Email": "jdoe@example.com", "AWSIAM_IC_Groups": "contractors",
        "AWSIAM_IC_Accounts": f"{ACCOUNT_A},{ACCOUNT_B}", "AWSIAM_IC_PermissionSets": "Developer,ReadOnly",
        "AWSIAM_IC_Contained": "False", "AWSIAM_IC_ContainedIn": "",
    }
    assert update[0]["is_enriched"] is True
    assert out.tables == {"Identity Center User: jdoe": [
        ["Field", "Value"], ["User Name", "jdoe"], ["User ID", org.jdoe], ["Display Name", "Jane Doe"],
        ["E-mail", "jdoe@example.com"], ["Groups", "contractors"],
        ["Assignments", f"{ACCOUNT_A} Developer (via user), {ACCOUNT_A} ReadOnly (via group:contractors), "
                        f"{ACCOUNT_B} ReadOnly (via group:contractors)"],
        ["Contained", "No"]]}
    # Read-only: nothing is written or provisioned.
    assert not {"PutInlinePolicyToPermissionSet", "ProvisionPermissionSet"} & set(ic_calls(out))


def test_enrich_says_where_a_user_is_contained(run_action, org):
    run_action("Disable Identity Center User Access", entities=["jdoe"], config=IC_CONFIG)
    out = run_action(ENRICH, entities=["jdoe", "mary@example.com"], config=IC_CONFIG,
                     entity_details={"MARY@EXAMPLE.COM": {"additional_properties": {"OriginalIdentifier": "mary@example.com"}}})

    assert out.json_result[0] == {"Entity": "JDOE", "EntityResult": profile(org, contained_in=("ReadOnly", "Developer"))}
    assert out.json_result[1]["EntityResult"]["Contained"] is False
    assert out.tables["Identity Center User: jdoe"][-1] == ["Contained", "Yes, in ReadOnly, Developer"]
    calls = ic_calls(out)
    # The group both share is asked once: its assignments and its name.
    assert (calls.count("DescribeGroup"), calls.count("ListAccountAssignmentsForPrincipal")) == (1, 3)
    assert calls.count("GetInlinePolicyForPermissionSet") == 2  # each permission set of the instance once
