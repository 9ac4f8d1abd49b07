"""List Identity Risks and the Identity Risks connector: the AWS calls behind an assessment.

GenerateCredentialReport starts the report first, so that AWS builds it while the three
quarantine policies are listed (one ListEntitiesForPolicy each); GenerateCredentialReport is then
repeated until the report is COMPLETE, pausing between tries, but never past the deadline; last,
one GetCredentialReport. An account of any size costs those calls and no more, except a GetUser
for a quarantined user the report does not list yet (AWS keeps a report for four hours)."""

import time
from datetime import datetime
from typing import Callable

from AWSIAMExceptions import AWSIAMError, NotFound
from BulkEngine import Deadline, DeadlineReached
from IdentityRisksModels import (
    QUARANTINE_POLICIES,
    Assessment,
    QuarantinedUser,
    Thresholds,
    ordered,
    parse_report,
    quarantine_findings,
    quarantine_policy_arn,
    report_findings,
)

REPORT_COMPLETE = "COMPLETE"
# Seconds between two GenerateCredentialReport calls while AWS builds the report; a report takes
# seconds for a small account and up to a minute or two for a large one.
POLL_SECONDS = 2.0
# GetCredentialReport's answers for a report that is not ready to read after all.
_NOT_READY = {"ReportInProgress", "ReportNotPresent", "ReportExpired"}


def pause(seconds: float) -> None:
    """The one place the workflow waits; tests replace it with a clock of their own."""
    time.sleep(seconds)


class IdentityRisks:
    def __init__(self, manager, deadline: Deadline, *, sleep: Callable[[float], None] | None = None):
        self.manager = manager
        self.deadline = deadline
        self._sleep = sleep

    def assess(self, thresholds: Thresholds, now: datetime) -> Assessment:
        """Every finding of the account, most severe first.
        Needs iam:GenerateCredentialReport, iam:GetCredentialReport and iam:ListEntitiesForPolicy;
        iam:GetUser for a quarantined user the report does not list yet.
        A general error (no connection, access denied) is raised: it ends the assessment."""
        state = self.manager.generate_credential_report()
        quarantined, absent = self._quarantined()
        rows = self._report_rows(state)
        by_name = {row.user: row.arn for row in rows or ()}
        users = [QuarantinedUser(user.user_name, user.policies, by_name.get(user.user_name) or self._arn_of(user.user_name))
                 for user in quarantined]
        findings = quarantine_findings(users)
        if rows is not None:
            findings += report_findings(rows, thresholds, now)
        return Assessment(tuple(ordered(findings)), report_complete=rows is not None, absent_policies=tuple(absent))

    def _quarantined(self) -> tuple[list[QuarantinedUser], list[str]]:
        """Each user holding a quarantine policy, with every such policy on them; the policies
        that do not exist in this partition."""
        policies_by_user: dict[str, list[str]] = {}
        absent = []
        for name in QUARANTINE_POLICIES:
            try:
                users = self.manager.list_entities_for_policy(quarantine_policy_arn(self.manager.partition, name))
            except NotFound:
                absent.append(name)
                continue
            for user_name in users:
                policies_by_user.setdefault(user_name, []).append(name)
        return [QuarantinedUser(user, tuple(policies)) for user, policies in policies_by_user.items()], absent

    def _report_rows(self, state: str):
        """The report's rows, or None when it was still being generated at the deadline."""
        tries = 0
        try:
            while state != REPORT_COMPLETE:
                if tries:
                    if not self.deadline.allows(POLL_SECONDS):
                        return None
                    (self._sleep or pause)(POLL_SECONDS)
                state = self.manager.generate_credential_report()
                tries += 1
            report = self.manager.get_credential_report()
        except DeadlineReached:
            return None
        except AWSIAMError as err:
            if err.code in _NOT_READY:
                return None
            raise
        return parse_report(report.content)

    def _arn_of(self, user_name: str) -> str | None:
        """A quarantined user's ARN when the report does not list them; None for a user deleted
        since (nothing left to alert on)."""
        try:
            return self.manager.get_user(user_name).arn
        except NotFound:
            return None
