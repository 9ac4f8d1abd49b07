"""The benchmark's judge of an exact Create a User report (the measuring itself is never a test)."""

from types import SimpleNamespace

import pytest

from benchmark import BULK_CASES, names_for, report_problems
from report_truth import DONE, NOT_DONE, TRUTH_CASES, UNKNOWN, judge

NAMES = ["fault-user-00", "fault-user-01", "fault-user-02"]


class Account:
    """Stands in for an IAM client: the users that exist."""

    def __init__(self, *names):
        self.names = names

    def get_paginator(self, operation):
        assert operation == "list_users"
        return SimpleNamespace(paginate=lambda: [{"Users": [{"UserName": name} for name in self.names]}])


def output(message, created):
    return SimpleNamespace(message=message, json_result=[{"UserName": name} for name in created])


@pytest.mark.parametrize("message, created, account, problems", [
    ("Successfully added the following users to IAM: fault-user-00, fault-user-01\n"
     "Could not add the following users to IAM: fault-user-02. Reach to Users limitation in your aws account.",
     NAMES[:2], Account(*NAMES[:2]), []),
    ("Successfully added the following users to IAM: fault-user-00\n"
     "Could not add the following users to IAM: fault-user-01. Names must be unique within an account.",
     NAMES[:1], Account(*NAMES[:2]),
     ["not reported exactly once: fault-user-02", "created but not reported as created: fault-user-01"]),
    ("Successfully added the following users to IAM: fault-user-00, fault-user-01, fault-user-02",
     NAMES, Account(*NAMES[1:]), ["claimed created but absent: fault-user-00"]),
], ids=["exact", "own-create-called-existing-and-a-name-missing", "claimed-but-absent"])
def test_report_problems(message, created, account, problems):
    assert report_problems(NAMES, output(message, created), account) == problems


def test_no_bench_name_is_a_prefix_of_another():
    for case in BULK_CASES:
        names = names_for(case)
        assert not any(a != b and a in b for a in names for b in names)


@pytest.mark.parametrize("calls, fine", [
    (["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 3, "GenerateCredentialReport", "GetCredentialReport"], True),
    (["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 3, "GetCredentialReport"], True),
    (["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 3, "GetCredentialReport", "GetUser"], False),
    (["GenerateCredentialReport", *["ListEntitiesForPolicy"] * 4, "GetCredentialReport"], False),
], ids=["awaited", "fresh", "a-call-per-user", "a-second-page"])
def test_the_identity_risks_bench_accepts_one_report_and_three_listings_only(calls, fine):
    from bench_identity_risks import one_report

    assert one_report(calls) is fine


@pytest.mark.parametrize("claims, done, verdict, problems", [
    ({"a": DONE, "b": NOT_DONE}, {"a": True, "b": False}, "exact", []),
    ({"a": DONE, "b": UNKNOWN}, {"a": True, "b": True}, "unconfirmed", []),
    ({"a": NOT_DONE, "b": DONE}, {"a": True, "b": False}, "misreported",
     ["claimed done but not: b", "done but claimed not: a"]),
    ({"a": DONE}, {"a": True, "b": False}, "misreported", ["not reported: b"]),
    ({"a": (True, frozenset({"K1"})), "b": UNKNOWN}, {"a": (True, frozenset({"K1"})), "b": (False, frozenset())},
     "unconfirmed", []),
    ({"a": (True, frozenset({"K1"})), "b": (True, frozenset())}, {"a": (True, frozenset()), "b": (True, frozenset())},
     "misreported", ["state claimed wrongly: a (claimed (True, frozenset({'K1'})), is (True, frozenset()))"]),
], ids=["exact", "unconfirmed", "both-ways-wrong", "missing", "state-unknown", "state-wrong"])
def test_judge(claims, done, verdict, problems):
    assert judge(["a", "b"], claims, done) == (verdict, problems)


@pytest.mark.parametrize("action", ["Revoke Role Sessions", "Restore Role Access", "Disable User Access (keys)"])
def test_a_general_error_before_any_item_claims_nothing_done_for_every_name(action):
    case = next(case for case in TRUTH_CASES if case.action == action)
    stopped = SimpleNamespace(message=f"Error executing action '{case.script}'. Reason: An error occurred "
                                      "(Throttling) when calling the GetCallerIdentity operation: Rate exceeded",
                              json_result=None)
    claims = case.claims(stopped, ["a", "b"])
    # The account agrees when nothing was done; a change made anyway is a misreport.
    nothing = claims["a"]
    assert claims == {"a": nothing, "b": nothing}
    untouched = False if nothing == NOT_DONE else nothing  # what the account shows when nothing was done
    assert judge(["a", "b"], claims, {"a": untouched, "b": untouched})[0] == "exact"
    assert judge(["a", "b"], claims, {"a": untouched, "b": True})[0] == "misreported"
