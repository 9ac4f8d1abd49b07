"""List Identity Risks as the platform runs it: moto's credential report and quarantine policies,
and Stubber for what moto cannot give (a root row, a report still being built, a refusal)."""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import COMPLETED, FAILED, SECRET

import AWSIAMDatamodels
import BulkEngine
import IdentityRisksWorkflow

ACTION = "List Identity Risks"
ACCOUNT = "123456789012"
QUARANTINE = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"
QUARANTINE_DETAIL = ("AWS attached AWSCompromisedKeyQuarantineV3 to the user: it found one of the user's access keys "
                     "exposed in public and blocked some of what the key can do; the key still works otherwise.")
NO_MFA = "The user can sign in to the console with a password alone: no MFA device is active."
TWO_KEYS = "Both of the user's access keys are active: one of them is likely forgotten, or a rotation was never finished."
ASSESSMENT_CALLS = ["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 3, "GenerateCredentialReport",
                    "GetCredentialReport"]
COLUMNS = ["Severity", "Rule", "UserName", "Arn", "AccessKeyId", "Since", "Detail"]


def arn(user):
    return f"arn:aws:iam::{ACCOUNT}:user/{user}"


@pytest.fixture
def account(aws_managed_policies, iam):
    """bob: quarantined by AWS, console password without MFA, two active keys; carol: a password
    and an MFA device; dave: nothing at all."""
    for user in ("bob", "carol", "dave"):
        iam.create_user(UserName=user)
    iam.create_login_profile(UserName="bob", Password="Pa55word!x")
    iam.create_access_key(UserName="bob")
    iam.create_access_key(UserName="bob")
    iam.attach_user_policy(UserName="bob", PolicyArn=QUARANTINE)
    iam.create_login_profile(UserName="carol", Password="Pa55word!x")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="carol", SerialNumber=device, AuthenticationCode1="123456", AuthenticationCode2="654321")
    return iam


def finding(rule, severity, user, detail, since=None):
    return {"Rule": rule, "Severity": severity, "UserName": user, "Arn": arn(user), "AccountId": ACCOUNT,
            "AccessKeyId": None, "Detail": detail, "Since": since}


def test_lists_the_quarantine_and_the_report_rules_most_severe_first(run_action, account):
    out = run_action(ACTION)
    assert out.state == COMPLETED and out.result_value is True
    assert out.message == "Found 3 identity risks at or above low in AWS IAM: 1 critical, 2 high."
    assert out.iam_calls == ASSESSMENT_CALLS
    since = out.json_result[2]["Since"]
    assert out.json_result == [finding("quarantined", "critical", "bob", QUARANTINE_DETAIL),
                               finding("console_without_mfa", "high", "bob", NO_MFA),
                               finding("two_active_keys", "high", "bob", TWO_KEYS, since)]
    assert out.tables["Identity Risks"] == [COLUMNS, ["critical", "quarantined", "bob", arn("bob"), "", "", QUARANTINE_DETAIL],
                                            ["high", "console_without_mfa", "bob", arn("bob"), "", "", NO_MFA],
                                            ["high", "two_active_keys", "bob", arn("bob"), "", since, TWO_KEYS]]
    assert SECRET not in out.raw_stdout


def test_a_clean_account_completes_false_with_no_table(run_action, iam):
    iam.create_user(UserName="dave")
    out = run_action(ACTION, {"Minimum Severity": "medium"})
    assert (out.state, out.result_value) == (COMPLETED, False)
    assert out.message == "No identity risks at or above medium were found in AWS IAM."
    assert out.json_result == [] and out.tables == {}


def test_the_minimum_severity_and_the_cap_narrow_what_is_returned(run_action, account):
    out = run_action(ACTION, {"Minimum Severity": "CRITICAL"})
    assert out.message == "Found 1 identity risk at or above critical in AWS IAM: 1 critical."
    out = run_action(ACTION, {"Max Findings To Return": "2"})
    assert out.lines == ["Found 2 identity risks at or above low in AWS IAM: 1 critical, 1 high.",
                         "3 were found; the 2 most severe are returned ('Max Findings To Return')."]
    assert [item["Rule"] for item in out.json_result] == ["quarantined", "console_without_mfa"]


def test_on_the_cases_users_only_their_findings_are_returned(run_action, account):
    out = run_action(ACTION, entities=["CAROL", arn("bob"), ("10.0.0.1", "ADDRESS")])
    assert [item["UserName"] for item in out.json_result] == ["bob", "bob", "bob"]
    assert out.lines[-1] == f"Only findings on the case's users were kept: CAROL, {arn('bob')}."
    out = run_action(ACTION, entities=["CAROL"])
    assert (out.state, out.result_value, out.json_result) == (COMPLETED, False, [])


@pytest.mark.parametrize("params, reason", [
    ({"Max Findings To Return": "0"}, "'Max Findings To Return' must be a whole number between 1 and 1000."),
    ({"Max Findings To Return": "1001"}, "'Max Findings To Return' must be a whole number between 1 and 1000."),
    ({"Max Key Age Days": "-5"}, "'Max Key Age Days' must be a whole number between 1 and 3650."),
    ({"Max Unused Days": "9999"}, "'Max Unused Days' must be a whole number between 1 and 3650."),
    ({"Minimum Severity": "severe"}, "'Minimum Severity' must be one of: low, medium, high, critical."),
])
def test_out_of_range_values_get_a_sentence_and_no_call(run_action, params, reason):
    out = run_action(ACTION, params)
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.message == f"Error executing action 'List Identity Risks'. Reason: {reason}"
    assert out.calls == []


# --- Stubbed: what moto cannot answer --------------------------------------------------------------

REPORT_COLUMNS = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                  "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                  "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                  "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                  "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                  "cert_2_active,cert_2_last_rotated")
NOW = datetime(2026, 12, 4, 12, 0, 0, tzinfo=timezone.utc)


def report_date(days_ago):
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


# The root row as AWS documents it: password_enabled not_supported, its own ARN, a key in use.
ROOT_ROW = (f"<root_account>,arn:aws:iam::{ACCOUNT}:root,{report_date(3000)},not_supported,{report_date(2)},"
            f"not_supported,not_supported,false,true,{report_date(1200)},{report_date(30)},us-east-1,s3,"
            "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
USER_ROW = (f"erin,{arn('erin')},{report_date(500)},false,N/A,N/A,N/A,false,true,{report_date(400)},N/A,N/A,N/A,"
            "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setattr(AWSIAMDatamodels, "utc_now", lambda: NOW)


def queue_quarantine(stub, *, absent=(), users=None):
    for name in ("AWSCompromisedKeyQuarantine", "AWSCompromisedKeyQuarantineV2", "AWSCompromisedKeyQuarantineV3"):
        params = {"PolicyArn": f"arn:aws:iam::aws:policy/{name}", "EntityFilter": "User",
                  "PolicyUsageFilter": "PermissionsPolicy", "MaxItems": 1000}
        if name in absent:
            stub.iam.add_client_error("list_entities_for_policy", "NoSuchEntity", f"Policy {params['PolicyArn']} does not exist.",
                                      404, expected_params=params)
        else:
            policy_users = [{"UserName": user, "UserId": "AIDA" + user.upper().ljust(17, "X")} for user in (users or {}).get(name, [])]
            stub.iam.add_response("list_entities_for_policy", {"PolicyUsers": policy_users, "IsTruncated": False},
                                  expected_params=params)


def queue_report(stub, *rows):
    content = "\n".join([REPORT_COLUMNS, *rows]).encode()
    stub.iam.add_response("get_credential_report", {"Content": content, "ReportFormat": "text/csv",
                                                    "GeneratedTime": NOW - timedelta(minutes=5)})


def test_the_root_rules_on_a_report_in_awss_documented_format(run_action, stub_aws, now):
    stub_aws.iam.add_response("generate_credential_report", {"State": "COMPLETE"})
    queue_quarantine(stub_aws)
    queue_report(stub_aws, ROOT_ROW, USER_ROW)
    out = run_action(ACTION, {"Minimum Severity": "medium"})
    assert out.iam_calls == ["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 3, "GetCredentialReport"]
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert [(item["Rule"], item["UserName"], item["Arn"], item["Since"]) for item in out.json_result] == [
        ("root_access_key", "<root_account>", root, "2023-08-22T12:00:00"),
        ("root_recently_used", "<root_account>", root, "2026-12-02T12:00:00"),
        ("active_key_old", "erin", arn("erin"), "2025-10-30T12:00:00"),
        ("active_key_unused", "erin", arn("erin"), "2025-10-30T12:00:00"),
    ]
    assert out.json_result[1]["Detail"] == ("The root user's password was used on 2026-12-02T12:00:00, 2 days ago "
                                            "(within the last 90 days): daily work should not use the root user.")


def test_a_quarantine_policy_absent_in_the_partition_is_skipped(run_action, stub_aws, now):
    stub_aws.iam.add_response("generate_credential_report", {"State": "COMPLETE"})
    queue_quarantine(stub_aws, absent=("AWSCompromisedKeyQuarantineV3",),
                     users={"AWSCompromisedKeyQuarantineV2": ["erin"]})
    queue_report(stub_aws, USER_ROW)
    out = run_action(ACTION, {"Minimum Severity": "critical"})
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.lines == ["Found 1 identity risk at or above critical in AWS IAM: 1 critical.",
                         "Not in this partition, so not checked: AWSCompromisedKeyQuarantineV3."]


def test_access_denied_on_generating_the_report_is_a_sentence(run_action, stub_aws):
    stub_aws.iam.add_client_error("generate_credential_report", "AccessDenied",
                                  "User: arn:aws:iam::123456789012:user/soar is not authorized to perform: "
                                  "iam:GenerateCredentialReport", 403)
    out = run_action(ACTION)
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.message == (
        "Error executing action 'List Identity Risks'. Reason: AWS refused to generate the credential report: the "
        "integration's credentials need iam:GenerateCredentialReport and iam:GetCredentialReport. (An error occurred "
        "(AccessDenied) when calling the GenerateCredentialReport operation: User: "
        "arn:aws:iam::123456789012:user/soar is not authorized to perform: iam:GenerateCredentialReport)")
    assert out.iam_calls == ["GenerateCredentialReport"]


@pytest.fixture
def clock(monkeypatch):
    """A clock of the test's own: pausing moves it on, and the deadline reads it."""
    class Clock:
        now = 0.0
        pauses: list = []
        deadline = 10.0

    def pause(seconds):
        Clock.pauses.append(seconds)
        Clock.now += seconds

    monkeypatch.setattr(IdentityRisksWorkflow, "pause", pause)
    monkeypatch.setattr(BulkEngine.Deadline, "seconds_left", lambda self: Clock.deadline - Clock.now)
    return Clock


def test_the_report_is_awaited_pausing_between_tries(run_action, stub_aws, now, clock):
    stub_aws.iam.add_response("generate_credential_report", {"State": "STARTED"})
    queue_quarantine(stub_aws)
    for state in ("INPROGRESS", "INPROGRESS", "COMPLETE"):
        stub_aws.iam.add_response("generate_credential_report", {"State": state})
    queue_report(stub_aws, USER_ROW)
    out = run_action(ACTION)
    assert out.message == "Found 3 identity risks at or above low in AWS IAM: 2 medium, 1 low."
    assert clock.pauses == [2.0, 2.0]


def test_a_report_still_generating_at_the_deadline_gives_the_quarantine_alone(run_action, stub_aws, now, clock):
    stub_aws.iam.add_response("generate_credential_report", {"State": "STARTED"})
    queue_quarantine(stub_aws, users={"AWSCompromisedKeyQuarantineV3": ["erin"]})
    # One try straight after the listing, then one every 2 s while 2 s still fit before the deadline.
    for _ in range(5):
        stub_aws.iam.add_response("generate_credential_report", {"State": "INPROGRESS"})
    stub_aws.iam.add_response("get_user", {"User": {"UserName": "erin", "UserId": "AIDAERINXXXXXXXXXXXX", "Arn": arn("erin"), "Path": "/",
                                                     "CreateDate": NOW}}, expected_params={"UserName": "erin"})
    out = run_action(ACTION)
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert out.lines == [
        "Found 1 identity risk at or above low in AWS IAM: 1 critical.",
        "The credential report was still being generated when the platform's deadline came, so only AWS's quarantine "
        "policies were checked. Run the action again in a few minutes for the credential report's rules."]
    assert clock.pauses == [2.0] * 4 and clock.now == 8.0
    assert out.iam_calls == ["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 3,
                             *["GenerateCredentialReport"] * 5, "GetUser"]
