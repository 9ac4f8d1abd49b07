"""Enrich User's risk rules and wording, without AWS: the 90-day edges, which keys count, and the
shape of what reaches the entity."""

from datetime import datetime, timedelta, timezone

import pytest

import EnrichmentParser as parser
from AWSIAMDatamodels import User
from PrincipalsModels import Missing
from EnrichmentModels import AccessKey, AttachedPolicy, EnrichCause, EnrichOutcome, EnrichRun, EnrichStatus, LoginProfile, MFADevice, UserProfile

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=timezone.utc)
USER = User({"UserName": "ann", "UserId": "AIDA0000000000000ANN", "Arn": "arn:aws:iam::123456789012:user/ann", "Path": "/",
             "CreateDate": NOW - timedelta(days=500)})
CONSOLE = LoginProfile({"UserName": "ann", "CreateDate": NOW - timedelta(days=10), "PasswordResetRequired": False})


def key(status="Active", *, age_days=1, unused_days=None, key_id="AKIAEXAMPLE000000001"):
    last_used = {"ServiceName": "N/A", "Region": "N/A"}
    if unused_days is not None:
        last_used = {"LastUsedDate": NOW - timedelta(days=unused_days), "ServiceName": "s3", "Region": "us-east-1"}
    return AccessKey({"AccessKeyId": key_id, "Status": status, "CreateDate": NOW - timedelta(days=age_days)}, last_used)


def findings(**profile):
    return parser.risk_findings(UserProfile(USER, **profile), NOW)


@pytest.mark.parametrize("unused_days, flagged", [(89, False), (90, True), (365, True)], ids=["89-days", "90-days", "a-year"])
def test_an_active_key_unused_for_90_days_or_more_is_a_finding(unused_days, flagged):
    found = findings(access_keys=(key(unused_days=unused_days),))
    assert bool(found) is flagged
    if flagged:
        assert found == [f"Access key AKIAEXAMPLE000000001 is active but has not been used for {unused_days} days "
                         f"(last used {(NOW - timedelta(days=unused_days)).strftime('%Y-%m-%dT%H:%M:%S')})."]


@pytest.mark.parametrize("age_days, flagged", [(90, False), (91, True)], ids=["90-days", "91-days"])
def test_an_active_key_older_than_90_days_is_a_finding(age_days, flagged):
    assert bool(findings(access_keys=(key(age_days=age_days, unused_days=0),))) is flagged


def test_a_never_used_active_key_is_a_finding_however_new():
    assert findings(access_keys=(key(age_days=0),)) == ["Access key AKIAEXAMPLE000000001 is active but has never been used."]


def test_inactive_keys_are_never_a_finding():
    assert findings(access_keys=(key("Inactive", age_days=900), key("Inactive", age_days=900, unused_days=800))) == []


def test_console_access_is_a_finding_only_without_mfa():
    device = MFADevice({"SerialNumber": "arn:aws:iam::123456789012:mfa/ann", "EnableDate": NOW})
    assert findings(login_profile=CONSOLE) == [parser.CONSOLE_WITHOUT_MFA]
    assert findings(login_profile=CONSOLE, mfa_devices=(device,)) == []
    assert findings(mfa_devices=(device,)) == []


def test_only_an_aws_compromised_key_quarantine_policy_counts_as_quarantine():
    def attached(name):
        return AttachedPolicy({"PolicyName": name, "PolicyArn": f"arn:aws:iam::aws:policy/{name}"})

    assert UserProfile(USER, attached_policies=(attached("AWSCompromisedKeyQuarantine"),)).quarantined
    assert UserProfile(USER, attached_policies=(attached("AWSCompromisedKeyQuarantineV3"),)).quarantined
    assert not UserProfile(USER, attached_policies=(attached("ReadOnlyAccess"),)).quarantined


def test_dates_without_a_zone_are_taken_as_utc():
    naive = AccessKey({"AccessKeyId": "AKIAEXAMPLE000000001", "Status": "Active", "CreateDate": datetime(2026, 1, 1)},
                      {"LastUsedDate": datetime(2026, 11, 28), "ServiceName": "s3", "Region": "us-east-1"})
    assert findings(access_keys=(naive,)) == [
        "Access key AKIAEXAMPLE000000001 is active and 332 days old (created 2026-01-01T00:00:00)."]


def test_the_insight_names_the_user_and_counts_its_findings():
    profile = UserProfile(USER)
    assert parser.insight_text(profile, []) is None
    assert parser.insight_text(profile, ["One."]) == "AWS IAM user ann has 1 risk finding:\n- One."
    assert parser.insight_text(profile, ["One.", "Two."]) == "AWS IAM user ann has 2 risk findings:\n- One.\n- Two."


def test_properties_are_flat_strings_with_the_prefix():
    profile = UserProfile(USER, access_keys=(key(), key(key_id="AKIAEXAMPLE000000002")), login_profile=CONSOLE)
    properties = parser.entity_properties(profile, ["x"])
    assert all(name.startswith("AWSIAM_") and isinstance(value, str) for name, value in properties.items())
    assert properties["AWSIAM_AccessKeys"] == "AKIAEXAMPLE000000001,AKIAEXAMPLE000000002"
    assert properties["AWSIAM_AccessKey2_LastUsedDate"] == "never used"
    assert properties["AWSIAM_ConsoleAccess"] == "True" and properties["AWSIAM_RiskFindings"] == "1"


class Entity:
    def __init__(self, identifier):
        self.identifier = identifier
        self.additional_properties = {}


def test_nothing_enriched_completes_false_and_enriches_no_entity():
    run = EnrichRun((EnrichOutcome("ghost", EnrichStatus.NOT_FOUND, "ghost", cause=Missing.NO_SUCH_USER),))
    result = parser.enrich_result([Entity("GHOST")], run, now=NOW)
    assert (result.message, result.success, result.failed) == (
        "Action wasn't able to find the following users in AWS IAM: GHOST", False, False)
    assert result.enrichments == []


def test_no_user_entities():
    result = parser.enrich_result([], None, now=NOW)
    assert (result.message, result.success, result.failed, result.json_result) == (
        "No User entities were found in the scope of the action.", False, False, [])


def test_the_deadline_fails_the_action_but_keeps_what_was_enriched():
    from BulkEngine import DeadlineReached

    enriched = EnrichOutcome("ann", EnrichStatus.ENRICHED, "ann", USER.arn, profile=UserProfile(USER))
    late = EnrichOutcome("bob", EnrichStatus.FAILED, "bob", cause=EnrichCause.OUT_OF_TIME)
    unanswered = EnrichOutcome("cy", EnrichStatus.FAILED, "cy", cause=EnrichCause.UNANSWERED)
    result = parser.enrich_result([Entity("ANN"), Entity("BOB"), Entity("CY")],
                                  EnrichRun((enriched, late, unanswered), error=DeadlineReached()), now=NOW)
    assert result.message.split("\n") == [
        "Error executing action 'Enrich User'. Reason: The platform's execution deadline was near, so the action "
        "stopped starting new calls and reported what it had done.",
        "Successfully enriched the following users from AWS IAM: ann",
        "Action wasn't able to enrich the following users from AWS IAM: bob, cy",
    ]
    assert (result.success, result.failed) == (False, True)
    assert [entry["EntityResult"].get("Reason") for entry in result.json_result] == [
        None, "Not attempted: the platform's execution deadline was near.",
        "The reads were sent, but not all answers came before the platform's deadline."]
    assert [enrichment.entity.identifier for enrichment in result.enrichments] == ["ANN"]
