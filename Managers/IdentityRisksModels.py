"""Identity risks as data: the credential report read, the eight rules applied to it and to the
quarantine policies' attachments, and what the connector remembers between cycles. No wording
here (IdentityRisksParser words every finding) and no AWS call (IdentityRisksWorkflow makes them)."""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from enum import Enum, StrEnum
from typing import Iterable, Mapping

from PrincipalsModels import Reference, ResolvedFrom, parse_principal

# The report's own row for the account's root user.
ROOT_ROW = "<root_account>"
# Values that stand where a date would be: never used, not tracked, or not applicable.
NO_DATE_VALUES = frozenset({"N/A", "no_information", "not_supported", ""})
# AWS's managed policies that it attaches to a user whose access key it found exposed in public,
# oldest first; the newest is what AWS attaches today.
QUARANTINE_POLICIES = ("AWSCompromisedKeyQuarantine", "AWSCompromisedKeyQuarantineV2", "AWSCompromisedKeyQuarantineV3")
KEY_SLOTS = (1, 2)
# The longest age or idle time a threshold may name: ten years.
MAX_DAYS = 3650


def quarantine_policy_arn(partition: str, name: str) -> str:
    return f"arn:{partition}:iam::aws:policy/{name}"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    @property
    def priority(self) -> int:
        """The alert priority the platform uses for this severity."""
        return _PRIORITY[self]


_PRIORITY = {Severity.LOW: 40, Severity.MEDIUM: 60, Severity.HIGH: 80, Severity.CRITICAL: 100}


class Rule(Enum):
    """The eight rules, most severe first; the value is the rule's name in findings and alerts."""

    QUARANTINED = ("quarantined", Severity.CRITICAL)
    ROOT_ACCESS_KEY = ("root_access_key", Severity.CRITICAL)
    ROOT_RECENTLY_USED = ("root_recently_used", Severity.HIGH)
    CONSOLE_WITHOUT_MFA = ("console_without_mfa", Severity.HIGH)
    TWO_ACTIVE_KEYS = ("two_active_keys", Severity.HIGH)
    ACTIVE_KEY_OLD = ("active_key_old", Severity.MEDIUM)
    ACTIVE_KEY_UNUSED = ("active_key_unused", Severity.MEDIUM)
    USER_INACTIVE = ("user_inactive", Severity.LOW)

    def __init__(self, rule_name: str, severity: Severity):
        self.rule_name = rule_name
        self.severity = severity

    @property
    def from_report(self) -> bool:
        """Every rule but the quarantine reads the credential report."""
        return self is not Rule.QUARANTINED


RULE_ORDER = {rule: index for index, rule in enumerate(Rule)}


@dataclass(frozen=True)
class Thresholds:
    max_key_age_days: int = 90
    max_unused_days: int = 90


@dataclass(frozen=True)
class Finding:
    """One risky fact. `key` is the access key's position in the report (1 or 2), for the rules
    about one key; `since` is the date the rule measured from; `credential` says which of the
    root's credentials was used last; `policies` are the quarantine policies on the user.
    `days` is how long ago `since` was, and `never_used` tells a creation date from a last use."""

    rule: Rule
    user_name: str
    arn: str
    account_id: str
    since: datetime | None = None
    key: int | None = None
    days: int | None = None
    limit: int | None = None
    never_used: bool = False
    credential: str | None = None
    policies: tuple[str, ...] = ()
    access_key_id: str | None = None
    # What tells this finding from another of the same rule on the same user: a key's position and
    # creation date, so that a new key in the same position is a new finding.
    subject: str = field(default="", compare=False)

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def identity(self) -> str:
        """Stable for as long as the risky fact lasts: the same finding, cycle after cycle, has the
        same identity, whatever its dates and wording say."""
        return f"{self.rule.rule_name}|{self.arn}|{self.subject}"

    @property
    def ticket_id(self) -> str:
        # Hashed: an account's memory of thousands of findings must stay well inside the
        # platform's limit for one context property.
        return "AWSIAM-IR-" + hashlib.sha256(self.identity.encode("utf-8")).hexdigest()[:24]

    def sort_key(self) -> tuple:
        return (-self.severity.rank, RULE_ORDER[self.rule], self.user_name.lower(), self.key or 0)


@dataclass(frozen=True)
class CredentialReport:
    """GetCredentialReport's answer: the CSV text and when AWS generated it."""

    content: str
    generated: datetime | None = None


@dataclass(frozen=True)
class ReportRow:
    """One row of the credential report, its values as AWS wrote them."""

    values: Mapping[str, str]

    @property
    def user(self) -> str:
        return self.values.get("user", "")

    @property
    def arn(self) -> str:
        return self.values.get("arn", "")

    @property
    def is_root(self) -> bool:
        return self.user == ROOT_ROW

    def flag(self, column: str) -> bool:
        return self.values.get(column, "").strip().lower() == "true"

    def date(self, column: str) -> datetime | None:
        return parse_report_date(self.values.get(column))

    def key_active(self, slot: int) -> bool:
        return self.flag(f"access_key_{slot}_active")

    def key_rotated(self, slot: int) -> datetime | None:
        return self.date(f"access_key_{slot}_last_rotated")

    def key_used(self, slot: int) -> datetime | None:
        return self.date(f"access_key_{slot}_last_used_date")

    def key_subject(self, slot: int) -> str:
        rotated = self.values.get(f"access_key_{slot}_last_rotated", "")
        return f"key{slot}@{rotated}"


def parse_report_date(value: str | None) -> datetime | None:
    """A report date (ISO 8601 with an offset), or None for N/A, no_information, not_supported and
    anything else that is not a date: those values mean never, not tracked or not applicable."""
    text = (value or "").strip()
    if text in NO_DATE_VALUES:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_report(content: str) -> list[ReportRow]:
    """The report's rows; a row without a user name is no row at all."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    return [ReportRow({key: (value or "") for key, value in row.items() if key}) for row in reader if row.get("user")]


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def _days_between(earlier: datetime, now: datetime) -> int:
    return (now - earlier).days


def _older_than(moment: datetime, days: int, now: datetime) -> bool:
    """More than `days` whole days ago."""
    return now - moment > timedelta(days=days)


def report_findings(rows: Iterable[ReportRow], thresholds: Thresholds, now: datetime) -> list[Finding]:
    """The seven rules that read the credential report."""
    findings = []
    for row in rows:
        findings += _root_findings(row, thresholds, now) if row.is_root else _user_findings(row, thresholds, now)
    return findings


def _finding(row: ReportRow, rule: Rule, **facts) -> Finding:
    return Finding(rule, row.user, row.arn, account_of(row.arn), **facts)


def _root_findings(row: ReportRow, thresholds: Thresholds, now: datetime) -> list[Finding]:
    findings = []
    active = [slot for slot in KEY_SLOTS if row.key_active(slot)]
    for slot in active:
        findings.append(_finding(row, Rule.ROOT_ACCESS_KEY, key=slot, since=row.key_rotated(slot),
                                 subject=row.key_subject(slot)))
    uses = [(row.date("password_last_used"), "password")]
    uses += [(row.key_used(slot), f"access key {slot}") for slot in KEY_SLOTS]
    recent = [(moment, credential) for moment, credential in uses
              if moment is not None and not _older_than(moment, thresholds.max_unused_days, now)]
    if recent:
        moment, credential = max(recent, key=lambda use: use[0])
        findings.append(_finding(row, Rule.ROOT_RECENTLY_USED, since=moment, credential=credential,
                                 days=_days_between(moment, now), limit=thresholds.max_unused_days))
    return findings


def _user_findings(row: ReportRow, thresholds: Thresholds, now: datetime) -> list[Finding]:
    findings = []
    password = row.flag("password_enabled")
    if password and not row.flag("mfa_active"):
        findings.append(_finding(row, Rule.CONSOLE_WITHOUT_MFA))
    active = [slot for slot in KEY_SLOTS if row.key_active(slot)]
    if len(active) == 2:
        # Measured from the moment the second key came: the newer of the two.
        rotated = [moment for moment in (row.key_rotated(slot) for slot in active) if moment]
        findings.append(_finding(row, Rule.TWO_ACTIVE_KEYS, since=max(rotated) if rotated else None,
                                 subject="|".join(row.key_subject(slot) for slot in active)))
    for slot in active:
        rotated = row.key_rotated(slot)
        if rotated and _older_than(rotated, thresholds.max_key_age_days, now):
            findings.append(_finding(row, Rule.ACTIVE_KEY_OLD, key=slot, since=rotated, days=_days_between(rotated, now),
                                     limit=thresholds.max_key_age_days, subject=row.key_subject(slot)))
    for slot in active:
        used, rotated = row.key_used(slot), row.key_rotated(slot)
        moment = used or rotated
        if moment and _older_than(moment, thresholds.max_unused_days, now):
            findings.append(_finding(row, Rule.ACTIVE_KEY_UNUSED, key=slot, since=moment, days=_days_between(moment, now),
                                     limit=thresholds.max_unused_days, never_used=used is None,
                                     subject=row.key_subject(slot)))
    if password or active:
        findings += _inactive(row, active, password, thresholds, now)
    return findings


def _inactive(row: ReportRow, active: list[int], password: bool, thresholds: Thresholds, now: datetime) -> list[Finding]:
    """A user who holds a way in (a password or an active key) but used none of their credentials
    within the limit. A user who never used any is measured from their creation."""
    uses = [row.date("password_last_used")] if password else []
    uses += [row.key_used(slot) for slot in active]
    used = [moment for moment in uses if moment]
    moment = max(used) if used else row.date("user_creation_time")
    if moment is None or not _older_than(moment, thresholds.max_unused_days, now):
        return []
    return [_finding(row, Rule.USER_INACTIVE, since=moment, days=_days_between(moment, now),
                     limit=thresholds.max_unused_days, never_used=not used)]


@dataclass(frozen=True)
class QuarantinedUser:
    """A user AWS quarantined: the policies on them, and their ARN once known."""

    user_name: str
    policies: tuple[str, ...]
    arn: str | None = None


def quarantine_findings(users: Iterable[QuarantinedUser]) -> list[Finding]:
    return [Finding(Rule.QUARANTINED, user.user_name, user.arn, account_of(user.arn), policies=user.policies)
            for user in users if user.arn]


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; within a severity, in the rules' order, then by user name and key."""
    return sorted(findings, key=Finding.sort_key)


def at_least(findings: Iterable[Finding], minimum: Severity) -> list[Finding]:
    return [finding for finding in findings if finding.severity.rank >= minimum.rank]


@dataclass(frozen=True)
class Assessment:
    """What one run learned. `report_complete` is False when the credential report was still being
    generated at the deadline: then only the quarantine was checked, and the report's rules say
    nothing about the account. `absent_policies` did not exist in the partition and were skipped."""

    findings: tuple[Finding, ...]
    report_complete: bool = True
    absent_policies: tuple[str, ...] = ()
    report_generated: datetime | None = None


# --- The connector's memory --------------------------------------------------------------------

@dataclass(frozen=True)
class Memory:
    """The findings already alerted on: {ticket id: rule name}. The rule is kept so that a cycle
    whose credential report did not complete still remembers what only the report can clear."""

    reported: Mapping[str, str] = field(default_factory=dict)

    def to_text(self) -> str:
        """The memory as the connector's context property keeps it: a JSON string."""
        return json.dumps({"reported": dict(sorted(self.reported.items()))}, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> "Memory":
        """The memory a context property kept; nothing kept yet is an empty memory. A value that
        is not this memory's JSON raises ValueError: alerting on everything again is the caller's
        choice to make, not this reader's."""
        if not text:
            return cls()
        data = json.loads(text)
        reported = data.get("reported") if isinstance(data, dict) else None
        if not isinstance(reported, dict) or not all(isinstance(v, str) for v in reported.values()):
            raise ValueError("the remembered findings are not in the connector's format")
        return cls(dict(reported))


@dataclass(frozen=True)
class CyclePlan:
    """What a cycle alerts on now, and what it remembers afterwards. `waiting` are new findings
    beyond the cycle's cap: not remembered, so the next cycle alerts on them."""

    alerts: tuple[Finding, ...]
    memory: Memory
    waiting: int


def plan_cycle(memory: Memory, assessment: Assessment, minimum: Severity, cap: int) -> CyclePlan:
    """Quarantined users first, then the rest most severe first; at most `cap` new alerts. A
    remembered finding absent from this cycle is forgotten, so that it alerts again if it
    returns; unless the cycle could not see it (the report did not complete)."""
    current = at_least(assessment.findings, minimum)
    new = [finding for finding in ordered(current) if finding.ticket_id not in memory.reported]
    alerts = new[:cap]
    kept = {finding.ticket_id: finding.rule.rule_name for finding in current if finding.ticket_id in memory.reported}
    kept.update({finding.ticket_id: finding.rule.rule_name for finding in alerts})
    if not assessment.report_complete:
        unseen = {rule.rule_name for rule in Rule if rule.from_report}
        kept.update({ticket: rule for ticket, rule in memory.reported.items() if rule in unseen})
    return CyclePlan(tuple(alerts), Memory(kept), waiting=len(new) - len(alerts))


def on_users(findings: Iterable[Finding], texts: Iterable[str]) -> list[Finding]:
    """The findings on the users the texts name: a user name (IAM names are unique whatever their
    case, and the platform upper-cases identifiers) or a user ARN of the finding's account."""
    names, arns = set(), set()
    for text in texts:
        reference = parse_principal(text, None)
        if not isinstance(reference, Reference):
            continue
        if reference.form is ResolvedFrom.ARN:
            arns.add(text.lower())
        elif reference.form is ResolvedFrom.NAME:
            names.add(reference.name.lower())
    return [finding for finding in findings
            if finding.arn.lower() in arns or finding.user_name.lower() in names]


def selected(assessment: Assessment, minimum: Severity, users: list[str] | None) -> Assessment:
    """The assessment narrowed to the findings at or above `minimum`, on `users` when given."""
    findings = at_least(assessment.findings, minimum)
    if users is not None:
        findings = on_users(findings, users)
    return replace(assessment, findings=tuple(findings))
