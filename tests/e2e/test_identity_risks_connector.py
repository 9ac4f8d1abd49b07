"""The AWS IAM Identity Risks Connector as the platform runs it, cycle after cycle, against moto's
server: its memory goes through the SDK's context properties, which the stand-in keeps between
runs as the platform's API does."""

import json
import uuid
from pathlib import Path

import pytest
from conftest import CONFIG, SECRET, assert_no_credentials

from local_runner import run_connector

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
QUARANTINE = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"
QUARANTINED_NAME = "AWS IAM: User quarantined by AWS for a leaked access key"
NO_MFA_NAME = "AWS IAM: Console access without MFA"
TWO_KEYS_NAME = "AWS IAM: Two active access keys"
MEMORY = ("GetContextProperty", "reported_identity_risks"), ("SetContextProperty", "reported_identity_risks")


def arn(user):
    return f"arn:aws:iam::{ACCOUNT}:user/{user}"


@pytest.fixture
def cycle(fresh_moto, tmp_path):
    """cycle(**params) runs one cycle of the same connector instance: its context survives."""
    store = tmp_path / "connector-context.json"

    def run(*, test_run=False, platform_fails=(), endpoint_url=None, overrides=None, **params):
        out = run_connector(parameters={**CONFIG, **params}, context_store=store, test_run=test_run,
                            endpoint_url=endpoint_url or fresh_moto.url, platform_fails=platform_fails,
                            overrides=overrides)
        assert out.exit_code == 0, out.stderr[-3000:]
        assert_no_credentials(out.stdout + out.stderr)
        return out

    run.store = store
    return run


def console_user(iam, name):
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Pa55word!x")


@pytest.fixture
def account(server_iam):
    """bob: quarantined, console without MFA, two active keys; carol: console without MFA."""
    console_user(server_iam, "bob")
    server_iam.create_access_key(UserName="bob")
    server_iam.create_access_key(UserName="bob")
    server_iam.attach_user_policy(UserName="bob", PolicyArn=QUARANTINE)
    console_user(server_iam, "carol")
    return server_iam


def names(out):
    return [(alert["name"], alert["events"][0]["UserName"]) for alert in out.alerts]


def test_the_first_cycle_alerts_quarantine_first_with_every_field(cycle, account):
    out = cycle()
    assert names(out) == [(QUARANTINED_NAME, "bob"), (NO_MFA_NAME, "bob"), (NO_MFA_NAME, "carol"), (TWO_KEYS_NAME, "bob")]
    alert = out.alerts[0]
    assert {key: alert[key] for key in ("rule_generator", "priority", "device_vendor", "device_product",
                                        "environment", "is_test_case")} == {
        "rule_generator": "AWS IAM Identity Risk: quarantined", "priority": 100, "device_vendor": "AWS",
        "device_product": "IAM", "environment": "Default Environment", "is_test_case": False}
    assert alert["start_time"] == alert["end_time"] and all(a["start_time"] == alert["start_time"] for a in out.alerts)
    assert alert["ticket_id"].startswith("AWSIAM-IR-") and len({a["ticket_id"] for a in out.alerts}) == 4
    assert all(uuid.UUID(a["display_id"]) for a in out.alerts) and len({a["display_id"] for a in out.alerts}) == 4
    assert [a["priority"] for a in out.alerts] == [100, 80, 80, 80]
    event, = alert["events"]
    assert event == {
        "Rule": "quarantined", "Severity": "critical", "UserName": "bob", "Arn": arn("bob"), "AccountId": ACCOUNT,
        "AccessKeyId": None, "Detail": alert["description"], "Since": None, "StartTime": alert["start_time"],
        "EndTime": alert["start_time"], "device_product": "IAM", "event_name": "quarantined"}
    assert out.context_calls == list(MEMORY)
    assert out.log_rows[-1]["message"] == "Created 4 alerts for new identity risks; 0 more wait for the next cycles."
    assert SECRET not in json.dumps(out.alerts)


def test_a_quiet_second_cycle_creates_nothing(cycle, account):
    first = cycle()
    second = cycle()
    assert second.alerts == []
    assert second.log_rows[-1]["message"] == "Created 0 alerts for new identity risks; 0 more wait for the next cycles."
    assert json.loads(json.loads(cycle.store.read_text())[f"4|local-identity-risks-connector|reported_identity_risks"])[
        "reported"].keys() == {alert["ticket_id"] for alert in first.alerts}


def test_a_cleared_finding_is_forgotten_and_alerts_again_when_it_returns(cycle, account):
    first = {alert["rule_generator"]: alert for alert in cycle().alerts}
    account.detach_user_policy(UserName="bob", PolicyArn=QUARANTINE)
    assert cycle().alerts == []
    account.attach_user_policy(UserName="bob", PolicyArn=QUARANTINE)
    again, = cycle().alerts
    original = first["AWS IAM Identity Risk: quarantined"]
    assert again["name"] == QUARANTINED_NAME and again["ticket_id"] == original["ticket_id"]
    assert again["display_id"] != original["display_id"]


def test_the_cap_keeps_the_rest_waiting_for_the_next_cycles(cycle, account):
    out = cycle(**{"Max Alerts Per Cycle": 3})
    assert names(out) == [(QUARANTINED_NAME, "bob"), (NO_MFA_NAME, "bob"), (NO_MFA_NAME, "carol")]
    assert out.log_rows[-1]["message"] == "Created 3 alerts for new identity risks; 1 more wait for the next cycles."
    assert names(cycle(**{"Max Alerts Per Cycle": 3})) == [(TWO_KEYS_NAME, "bob")]
    assert cycle(**{"Max Alerts Per Cycle": 3}).alerts == []


def test_the_minimum_severity_chooses_what_becomes_an_alert(cycle, account):
    assert names(cycle(**{"Minimum Severity": "critical"})) == [(QUARANTINED_NAME, "bob")]


def test_a_failing_cycle_creates_nothing_loses_nothing_and_ends_normally(cycle, account, server_iam):
    remembered = names(cycle(**{"Max Alerts Per Cycle": 2}))
    before = cycle.store.read_text()
    console_user(server_iam, "dave")
    # Nothing listens on port 9: the connection is refused at once, on every try.
    failed = cycle(endpoint_url="http://127.0.0.1:9", overrides={"AWSIAMConstants.MAX_ATTEMPTS": 1},
                   **{"Max Alerts Per Cycle": 2})
    assert failed.alerts == [] and cycle.store.read_text() == before
    error, = failed.errors
    assert error.startswith("The identity risks cycle created no alert and kept what it remembered: Could not connect "
                            "to the endpoint URL: \"http://127.0.0.1:9/\"")
    assert "Traceback" not in failed.stdout + failed.stderr
    after = names(cycle(**{"Max Alerts Per Cycle": 10}))
    assert after == [(NO_MFA_NAME, "carol"), (NO_MFA_NAME, "dave"), (TWO_KEYS_NAME, "bob")]
    assert not set(after) & set(remembered)


def test_one_alert_is_counted_as_one(cycle, account):
    out = cycle(**{"Max Alerts Per Cycle": 1})
    assert out.log_rows[-1]["message"] == "Created 1 alert for new identity risks; 3 more wait for the next cycles."


def test_the_packages_mapping_makes_the_users_arn_the_alerts_user_entity(cycle, account):
    rule, = json.loads((ROOT / "DefaultMappingRules" / "integration_mapping_rules.json").read_text(encoding="utf-8"))
    assert (rule["Source"], rule["Product"], rule["SecurityEventFieldName"]) == ("AWSIAM", "IAM", "SourceUserName")
    for alert in cycle().alerts:
        assert alert["device_product"] == rule["Product"]
        assert alert["events"][0][rule["RawDataPrimaryFieldMatchTerm"]] == arn(alert["events"][0]["UserName"])


def test_a_bad_parameter_is_a_failing_cycle_too(cycle, account):
    out = cycle(**{"Max Alerts Per Cycle": "0"})
    assert out.alerts == [] and out.errors == [
        "The identity risks cycle created no alert and kept what it remembered: "
        "'Max Alerts Per Cycle' must be a whole number between 1 and 1000."]
    assert out.context_calls == []


def test_memory_the_platform_does_not_keep_means_no_alert_now_and_every_alert_next_cycle(cycle, account):
    refused = cycle(platform_fails=("SetContextProperty",))
    assert refused.alerts == [] and refused.errors[0].startswith(
        "The identity risks cycle created no alert: the platform did not keep what it would have remembered (")
    assert len(cycle().alerts) == 4


def test_memory_the_platform_does_not_hand_back_fails_the_cycle(cycle, account):
    cycle()
    out = cycle(platform_fails=("GetContextProperty",))
    assert out.alerts == [] and out.errors[0].startswith(
        "The identity risks cycle created no alert and kept what it remembered: the platform did not hand back what "
        "earlier cycles reported (Exception: 500 Server Error")
    assert cycle().alerts == []


def test_the_test_run_shows_sample_alerts_and_remembers_nothing(cycle, account):
    test = cycle(test_run=True)
    assert names(test) == [(QUARANTINED_NAME, "bob"), (NO_MFA_NAME, "bob"), (NO_MFA_NAME, "carol"), (TWO_KEYS_NAME, "bob")]
    assert all(alert["is_test_case"] for alert in test.alerts)
    assert test.context_calls == [] and not cycle.store.exists()
    assert test.log_rows[-1]["message"] == ("Test run: 4 alerts as samples of the identity risks a first cycle would "
                                            "report; nothing was remembered, so the next cycle alerts on them all.")
    assert len(cycle().alerts) == 4
