"""The eight identity-risk rules on fixed credential reports, at their threshold edges.

moto's reports carry no root row and today's dates only, so the rules are tried here on reports
written in AWS's documented format, with a fixed `now`."""

from datetime import datetime, timedelta, timezone

import pytest

import IdentityRisksParser as parser
from IdentityRisksModels import (
    Assessment,
    Memory,
    QuarantinedUser,
    Rule,
    Severity,
    Thresholds,
    ordered,
    parse_report,
    parse_report_date,
    plan_cycle,
    quarantine_findings,
    report_findings,
    selected,
)

NOW = datetime(2026, 12, 4, 12, 0, 0, tzinfo=timezone.utc)
ACCOUNT = "123456789012"
COLUMNS = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
           "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
           "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
           "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
           "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated")


def ago(days: float, *, hours: float = 0) -> str:
    return (NOW - timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def row(user="alice", *, created=None, password="false", password_used="N/A", mfa="false",
        key1=("false", "N/A", "N/A"), key2=("false", "N/A", "N/A")) -> str:
    """One report row; a key is (active, last_rotated, last_used_date)."""
    arn = f"arn:aws:iam::{ACCOUNT}:root" if user == "<root_account>" else f"arn:aws:iam::{ACCOUNT}:user/{user}"
    return ",".join([user, arn, created or ago(400), password, password_used, "N/A", "N/A", mfa,
                     key1[0], key1[1], key1[2], "N/A", "N/A", key2[0], key2[1], key2[2], "N/A", "N/A",
                     "false", "N/A", "false", "N/A"])


def root(**facts) -> str:
    defaults = dict(password="not_supported", password_used="no_information", mfa="true")
    return row("<root_account>", **{**defaults, **facts})


def findings(*rows, thresholds=Thresholds()):
    return report_findings(parse_report("\n".join([COLUMNS, *rows]) + "\n"), thresholds, NOW)


def rules(*rows, thresholds=Thresholds()):
    return [(f.rule.rule_name, f.user_name, f.key) for f in findings(*rows, thresholds=thresholds)]


def active(rotated_days: float, used_days: float | None) -> tuple:
    return ("true", ago(rotated_days), "N/A" if used_days is None else ago(used_days))


# --- The report's values ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["N/A", "no_information", "not_supported", "", "  ", "garbage", None])
def test_values_that_stand_for_no_date_are_never_dates(value):
    assert parse_report_date(value) is None


def test_report_dates_keep_their_offset():
    assert parse_report_date("2026-01-02T03:04:05+00:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_report_date("2026-01-02T03:04:05Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_a_clean_user_and_a_clean_root_give_nothing():
    assert rules(row("alice", password="true", password_used=ago(1), mfa="true", key1=active(10, 1)),
                 root(password_used=ago(200))) == []


def test_the_report_may_start_with_a_byte_order_mark_and_end_without_a_newline():
    text = "\ufeff" + COLUMNS + "\n" + row("alice", password="true", mfa="false")
    assert [r.user for r in parse_report(text)] == ["alice"]


# --- root_access_key and root_recently_used -------------------------------------------------------

def test_each_active_root_key_is_a_critical_finding():
    found = findings(root(key1=active(5, 1), key2=("false", ago(500), "N/A")))
    key = [f for f in found if f.rule is Rule.ROOT_ACCESS_KEY]
    assert [(f.key, f.severity, f.user_name, f.arn) for f in key] == [
        (1, Severity.CRITICAL, "<root_account>", f"arn:aws:iam::{ACCOUNT}:root")]
    assert parser.detail(key[0]) == ("The root user's access key 1 is active: it can do anything in the account and "
                                     "no policy can limit it.")


@pytest.mark.parametrize("days, fires", [(89.9, True), (90, True), (90.01, False)])
def test_root_use_within_the_unused_limit_is_recent(days, fires):
    found = rules(root(password_used=ago(days)))
    assert (("root_recently_used", "<root_account>", None) in found) is fires


def test_root_recently_used_names_the_latest_credential_used():
    found = findings(root(password_used=ago(40), key2=("false", ago(300), ago(3))))
    recent, = [f for f in found if f.rule is Rule.ROOT_RECENTLY_USED]
    assert recent.credential == "access key 2" and recent.since == NOW - timedelta(days=3)
    assert parser.detail(recent) == ("The root user's access key 2 was used on 2026-12-01T12:00:00, 3 days ago "
                                     "(within the last 90 days): daily work should not use the root user.")


def test_the_user_rules_do_not_apply_to_the_root_row():
    assert rules(root(password="true", mfa="false", key1=active(400, 400), key2=active(400, None))) == [
        ("root_access_key", "<root_account>", 1), ("root_access_key", "<root_account>", 2)]


# --- console_without_mfa and two_active_keys -----------------------------------------------------

@pytest.mark.parametrize("password, mfa, fires", [
    ("true", "false", True), ("true", "true", False), ("false", "false", False), ("not_supported", "false", False)])
def test_console_without_mfa(password, mfa, fires):
    assert (("console_without_mfa", "alice", None) in rules(row(password=password, password_used=ago(1), mfa=mfa))) is fires


def test_two_active_keys_measures_from_the_newer_key():
    found = findings(row(key1=active(30, 1), key2=active(5, 1)))
    two, = [f for f in found if f.rule is Rule.TWO_ACTIVE_KEYS]
    assert two.severity is Severity.HIGH and two.since == NOW - timedelta(days=5)


def test_one_active_key_of_two_is_not_two_active_keys():
    assert rules(row(key1=active(30, 1), key2=("false", ago(5), ago(1)))) == []


# --- active_key_old ---------------------------------------------------------------------------------

@pytest.mark.parametrize("days, fires", [(90, False), (90.01, True), (365, True)])
def test_an_active_key_older_than_the_limit(days, fires):
    assert (("active_key_old", "alice", 1) in rules(row(key1=active(days, 1)))) is fires


def test_an_inactive_old_key_is_no_finding():
    assert rules(row(key1=("false", ago(900), ago(800)))) == []


def test_the_key_age_limit_is_the_parameter():
    assert rules(row(key1=active(31, 1)), thresholds=Thresholds(max_key_age_days=30)) == [("active_key_old", "alice", 1)]
    assert rules(row(key1=active(29, 1)), thresholds=Thresholds(max_key_age_days=30)) == []


def test_an_old_key_is_told_by_position_with_its_age():
    old, = findings(row(key2=active(185, 1)))
    assert (old.key, old.days, old.limit, old.access_key_id) == (2, 185, 90, None)
    assert parser.detail(old) == ("Access key 2 is active and was last rotated on 2026-06-02T12:00:00, 185 days ago "
                                  "(more than 90).")


# --- active_key_unused -------------------------------------------------------------------------------

@pytest.mark.parametrize("used, fires", [(90, False), (90.01, True)])
def test_an_active_key_last_used_beyond_the_limit(used, fires):
    assert (("active_key_unused", "alice", 1) in rules(row(key1=active(30, used)))) is fires


@pytest.mark.parametrize("created, fires", [(90, False), (91, True)])
def test_a_key_never_used_counts_from_its_creation(created, fires):
    found = findings(row(created=ago(created), key1=active(created, None)),
                     thresholds=Thresholds(max_key_age_days=1000))
    unused = [f for f in found if f.rule is Rule.ACTIVE_KEY_UNUSED]
    assert bool(unused) is fires
    if fires:
        assert unused[0].never_used and parser.detail(unused[0]).startswith(
            "Access key 1 is active but was never used since it was created on ")


def test_an_unused_key_is_medium_and_its_sentence_says_when_it_was_used():
    unused, = [f for f in findings(row(key1=active(30, 100))) if f.rule is Rule.ACTIVE_KEY_UNUSED]
    assert unused.severity is Severity.MEDIUM
    assert parser.detail(unused) == ("Access key 1 is active but was last used on 2026-08-26T12:00:00, 100 days ago "
                                     "(more than 90).")


# --- user_inactive ---------------------------------------------------------------------------------

@pytest.mark.parametrize("used, fires", [(90, False), (90.01, True)])
def test_a_user_with_a_password_unused_beyond_the_limit_is_inactive(used, fires):
    found = rules(row(password="true", password_used=ago(used), mfa="true"))
    assert (("user_inactive", "alice", None) in found) is fires


def test_a_recently_used_key_keeps_a_user_active_whatever_the_password():
    assert ("user_inactive", "alice", None) not in rules(
        row(password="true", password_used=ago(300), mfa="true", key1=active(10, 2)))


def test_a_user_without_a_way_in_is_never_inactive():
    assert rules(row(created=ago(900), key1=("false", ago(800), ago(700)))) == []


@pytest.mark.parametrize("created, fires", [(90, False), (90.01, True)])
def test_a_user_who_never_signed_in_counts_from_creation(created, fires):
    found = findings(row(created=ago(created), password="true", password_used="no_information", mfa="true"))
    inactive = [f for f in found if f.rule is Rule.USER_INACTIVE]
    assert bool(inactive) is fires
    if fires:
        assert inactive[0].severity is Severity.LOW and inactive[0].never_used


def test_a_report_of_n_a_values_everywhere_is_read_without_error():
    assert rules(row(created="N/A", password="true", password_used="N/A", mfa="not_supported",
                     key1=("true", "N/A", "N/A"))) == [("console_without_mfa", "alice", None)]


# --- quarantined, order, severity filter, users --------------------------------------------------

def test_a_quarantined_user_is_critical_and_names_every_policy():
    found, = quarantine_findings([QuarantinedUser("bob", ("AWSCompromisedKeyQuarantineV2", "AWSCompromisedKeyQuarantineV3"),
                                                  f"arn:aws:iam::{ACCOUNT}:user/bob")])
    assert (found.rule.rule_name, found.severity, found.account_id) == ("quarantined", Severity.CRITICAL, ACCOUNT)
    assert parser.detail(found).startswith(
        "AWS attached AWSCompromisedKeyQuarantineV2, AWSCompromisedKeyQuarantineV3 to the user: ")


def test_a_quarantined_user_without_an_arn_is_left_out():
    assert quarantine_findings([QuarantinedUser("gone", ("AWSCompromisedKeyQuarantineV3",), None)]) == []


def test_findings_come_most_severe_first_quarantine_leading():
    report = findings(row("zed", created=ago(400), password="true", password_used=ago(200), mfa="true"),
                      row("amy", key1=active(200, 1)), root(key1=active(5, 1)),
                      row("bob", password="true", password_used=ago(1)))
    quarantine = quarantine_findings([QuarantinedUser("zed", ("AWSCompromisedKeyQuarantineV3",),
                                                      f"arn:aws:iam::{ACCOUNT}:user/zed")])
    assert [(f.rule.rule_name, f.user_name) for f in ordered(report + quarantine)] == [
        ("quarantined", "zed"), ("root_access_key", "<root_account>"), ("root_recently_used", "<root_account>"),
        ("console_without_mfa", "bob"), ("active_key_old", "amy"), ("user_inactive", "zed")]


def test_the_minimum_severity_and_the_case_users_narrow_the_findings():
    found = findings(row("amy", key1=active(200, 1)), row("Bob.Jones", password="true", password_used=ago(1)),
                     row("carol", password="true", password_used=ago(1)))
    assessment = Assessment(tuple(ordered(found)))
    assert [f.user_name for f in selected(assessment, Severity.HIGH, None).findings] == ["Bob.Jones", "carol"]
    on_case = selected(assessment, Severity.LOW, ["BOB.JONES", f"arn:aws:iam::{ACCOUNT}:user/amy", "CORP\\x"])
    assert [f.user_name for f in on_case.findings] == ["Bob.Jones", "amy"]
    assert selected(assessment, Severity.LOW, [f"arn:aws:iam::999999999999:user/amy"]).findings == ()


# --- The connector's memory ---------------------------------------------------------------------------

def assessment_of(*rows, complete=True, quarantined=()):
    found = findings(*rows) + quarantine_findings(QuarantinedUser(name, ("AWSCompromisedKeyQuarantineV3",),
                                                                  f"arn:aws:iam::{ACCOUNT}:user/{name}")
                                                  for name in quarantined)
    return Assessment(tuple(ordered(found)), report_complete=complete)


def test_a_finding_keeps_its_ticket_while_its_dates_move_on():
    first, = findings(root(password_used=ago(10)))
    later, = findings(root(password_used=ago(1)))
    assert first.ticket_id == later.ticket_id and first.since != later.since


def test_a_new_key_in_the_same_position_is_a_new_finding():
    first, = findings(row(key1=active(200, 1)))
    rotated, = findings(row(key1=active(150, 1)))
    assert first.ticket_id != rotated.ticket_id


def test_a_cycle_alerts_quarantine_first_caps_and_keeps_the_rest_waiting():
    assessment = assessment_of(row("amy", password="true", password_used=ago(1)),
                               row("bob", password="true", password_used=ago(1)), quarantined=("zed",))
    first = plan_cycle(Memory(), assessment, Severity.HIGH, cap=2)
    assert [(f.rule.rule_name, f.user_name) for f in first.alerts] == [("quarantined", "zed"), ("console_without_mfa", "amy")]
    assert first.waiting == 1
    second = plan_cycle(first.memory, assessment, Severity.HIGH, cap=2)
    assert [f.user_name for f in second.alerts] == ["bob"] and second.waiting == 0
    third = plan_cycle(second.memory, assessment, Severity.HIGH, cap=2)
    assert third.alerts == () and set(third.memory.reported) == set(second.memory.reported)


def test_a_cleared_finding_is_forgotten_and_alerts_again_when_it_returns():
    with_bob = assessment_of(row("bob", password="true", password_used=ago(1)))
    remembered = plan_cycle(Memory(), with_bob, Severity.LOW, cap=20).memory
    cleared = plan_cycle(remembered, assessment_of(row("bob", password="true", password_used=ago(1), mfa="true")),
                         Severity.LOW, cap=20)
    assert cleared.alerts == () and cleared.memory.reported == {}
    back = plan_cycle(cleared.memory, with_bob, Severity.LOW, cap=20)
    assert [f.rule.rule_name for f in back.alerts] == ["console_without_mfa"]


def test_a_report_still_generating_forgets_nothing_the_report_found():
    full = assessment_of(row("bob", password="true", password_used=ago(1)), quarantined=("zed",))
    remembered = plan_cycle(Memory(), full, Severity.LOW, cap=20).memory
    partial = Assessment(tuple(f for f in full.findings if f.rule is Rule.QUARANTINED), report_complete=False)
    kept = plan_cycle(remembered, partial, Severity.LOW, cap=20)
    assert kept.alerts == () and kept.memory.reported == remembered.reported
