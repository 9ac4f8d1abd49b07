"""Revoke Role Sessions: the IAM console's AWSRevokeOlderSessions policy, byte for byte, on each role
named or given by ARN, one PutRolePolicy per role; nothing else of the role changes."""

import json
from datetime import datetime, timezone

import pytest
from conftest import COMPLETED, FAILED, SECRET

import RoleSessionsWorkflow as RoleSessions

ACTION = "Revoke Role Sessions"
ACCOUNT = "123456789012"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
ALLOW_S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
NOW = datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=timezone.utc)
REVOKED = "Successfully revoked the sessions issued before {} UTC of the following roles in AWS IAM: {}"
NOT_FOUND = "Action wasn't able to find the following roles in AWS IAM: {}"
FAILED_LINE = "Action wasn't able to revoke the sessions of the following roles in AWS IAM: {}"
NO_SUCH_ROLE = "No IAM role with this name exists in the account."
SERVICE_LINKED = ("The role is a service-linked role: IAM lets only the AWS service it belongs to change it, so no policy "
                  "can be added to revoke its sessions.")


def console_document(issued_before: str) -> str:
    """What the IAM console's "Revoke active sessions" writes, as the contract quotes it."""
    return ('{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],'
            '"Condition":{"DateLessThan":{"aws:TokenIssueTime":"' + issued_before + '"}}}]}')


def revoked(name, arn=None, at="2026-11-29T10:00:00", *, given=None, account=ACCOUNT):
    return {"RoleName": name, "Arn": arn, "Account": account, "Status": "revoked", "Scope": "All sessions",
            "RevokedBefore": at, "RevokedSessions": [], "NewSessionsBlocked": False, "Inputs": [given or arn or name]}


def not_revoked(name, status, reason, arn=None, *, given=None, account=ACCOUNT):
    return {"RoleName": name, "Arn": arn, "Account": account, "Status": status, "Scope": "All sessions",
            "RevokedBefore": None, "RevokedSessions": [], "NewSessionsBlocked": False,
            "Inputs": [given or arn or name], "Reason": reason}


@pytest.fixture
def clock(monkeypatch):
    """The run's "now"; set .now to move it."""
    class Clock:
        now = NOW

    monkeypatch.setattr(RoleSessions, "utc_now", lambda: Clock.now)
    return Clock


@pytest.fixture
def roles(iam, clock):
    for name, path in (("ci-deploy", "/"), ("app-role", "/service/"), ("bystander", "/")):
        iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=TRUST)
        iam.put_role_policy(RoleName=name, PolicyName="s3-access", PolicyDocument=json.dumps(ALLOW_S3))
    return iam


def inline_policies(iam, role):
    return {name: iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            for name in iam.list_role_policies(RoleName=role)["PolicyNames"]}


def revoke_policy(issued_before):
    return json.loads(console_document(issued_before))


def test_revokes_each_role_by_name_or_arn_with_one_call_each(run_action, roles):
    arn = f"arn:aws:iam::{ACCOUNT}:role/service/app-role"
    out = run_action(ACTION, {"Role Name": f"ci-deploy, {arn}"})
    assert (out.message, out.state, out.result_value) == (REVOKED.format("2026-11-29T10:00:00", f"ci-deploy, app-role"), COMPLETED, True)
    assert sorted(out.calls) == [("iam", "PutRolePolicy"), ("iam", "PutRolePolicy"), ("sts", "GetCallerIdentity")]
    assert out.json_result == [revoked("ci-deploy"), revoked("app-role", arn)]
    for role in ("ci-deploy", "app-role"):
        assert inline_policies(roles, role) == {"s3-access": ALLOW_S3, "AWSRevokeOlderSessions": revoke_policy("2026-11-29T10:00:00Z")}
    assert inline_policies(roles, "bystander") == {"s3-access": ALLOW_S3}


def test_running_again_moves_the_cut_off_forward(run_action, roles, clock):
    run_action(ACTION, {"Role Name": "ci-deploy"})
    clock.now = datetime(2026, 11, 29, 11, 30, 5, tzinfo=timezone.utc)
    out = run_action(ACTION, {"Role Name": "ci-deploy"})
    assert (out.message, out.state) == (REVOKED.format("2026-11-29T11:30:05", "ci-deploy"), COMPLETED)
    assert out.json_result == [revoked("ci-deploy", at="2026-11-29T11:30:05")]
    assert out.iam_calls == ["PutRolePolicy"]
    assert inline_policies(roles, "ci-deploy") == {"s3-access": ALLOW_S3, "AWSRevokeOlderSessions": revoke_policy("2026-11-29T11:30:05Z")}


def test_unknown_roles_complete_false(run_action, roles):
    out = run_action(ACTION, {"Role Name": "ghost-role"})
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format("ghost-role"), COMPLETED, False)
    assert out.json_result == [not_revoked("ghost-role", "not_found", NO_SUCH_ROLE)]
    assert out.iam_calls == ["PutRolePolicy"]


def test_an_arn_of_another_account_is_not_found_and_costs_only_the_identity_check(run_action, roles):
    arn = "arn:aws:iam::999999999999:role/ci-deploy"
    out = run_action(ACTION, {"Role Name": arn})
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(arn), COMPLETED, False)
    assert out.calls == [("sts", "GetCallerIdentity")]
    assert out.json_result == [not_revoked("ci-deploy", "not_found", "The role ARN belongs to another AWS account.", arn,
                                           account="999999999999")]
    assert inline_policies(roles, "ci-deploy") == {"s3-access": ALLOW_S3}


def test_mixed_roles_are_reported_in_input_order(run_action, roles):
    out = run_action(ACTION, {"Role Name": "ghost-role, ci-deploy, bad role, app-role"})
    assert out.lines == [REVOKED.format("2026-11-29T10:00:00", "ci-deploy, app-role"), NOT_FOUND.format("ghost-role, bad role")]
    assert (out.state, out.result_value) == (COMPLETED, True)
    assert [(r["RoleName"], r["Status"]) for r in out.json_result] == [
        ("ghost-role", "not_found"), ("ci-deploy", "revoked"), (None, "not_found"), ("app-role", "revoked")]
    assert out.json_result[2]["Reason"] == "The text is neither an IAM role name nor an IAM role ARN."
    assert sorted(out.iam_calls) == ["PutRolePolicy"] * 3


@pytest.mark.parametrize("raw", ["", " , ,"], ids=["empty", "only-commas"])
def test_no_role_name_and_no_entity_completes_false_without_any_call(run_action, raw):
    out = run_action(ACTION, {"Role Name": raw})
    assert out.message == "No role to act on: 'Role Name' is empty and no User entity names an IAM role."
    assert (out.state, out.result_value, out.calls, out.json_result) == (COMPLETED, False, [], [])


@pytest.mark.parametrize(
    "text", ["bad role", "r" * 65, "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::12345:role/x"],
    ids=["space", "too-long", "user-arn", "short-account"],
)
def test_texts_that_cannot_be_roles_cost_no_call(run_action, text):
    out = run_action(ACTION, {"Role Name": text})
    assert (out.message, out.state, out.result_value) == (NOT_FOUND.format(text), COMPLETED, False)
    assert out.calls == []


# --- Exact calls and what moto cannot do (Stubber) ------------------------------------------


@pytest.fixture
def stub_aws(stub_aws):
    """Every run asks once which account it acts in, to report each role's Account."""
    stub_aws.sts.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/soar", "UserId": "AIDAEXAMPLE"})
    return stub_aws


def put_expected(role, issued_before="2026-11-29T10:00:00Z"):
    return {"RoleName": role, "PolicyName": "AWSRevokeOlderSessions", "PolicyDocument": console_document(issued_before)}


def test_the_document_is_the_consoles_byte_for_byte(stub_aws, run_action, clock):
    stub_aws.iam.add_response("put_role_policy", {}, expected_params=put_expected("ci-deploy"))
    out = run_action(ACTION, {"Role Name": "ci-deploy"})
    assert (out.state, out.result_value) == (COMPLETED, True)


def test_a_service_linked_role_fails_with_a_sentence(stub_aws, run_action, clock):
    stub_aws.iam.add_response("put_role_policy", {}, expected_params=put_expected("ci-deploy"))
    stub_aws.iam.add_client_error(
        "put_role_policy", "UnmodifiableEntity",
        "Cannot perform the operation on the protected role 'AWSServiceRoleForSupport' - this role is only modifiable by AWS",
        400, expected_params=put_expected("AWSServiceRoleForSupport"))
    out = run_action(ACTION, {"Role Name": "ci-deploy, AWSServiceRoleForSupport"})
    assert out.lines == [REVOKED.format("2026-11-29T10:00:00", "ci-deploy"), FAILED_LINE.format("AWSServiceRoleForSupport")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.json_result == [revoked("ci-deploy"), not_revoked("AWSServiceRoleForSupport", "failed", SERVICE_LINKED)]
    assert "Traceback" not in out.raw_stdout


def test_other_errors_of_one_role_keep_aws_wording(stub_aws, run_action, clock):
    stub_aws.iam.add_client_error("put_role_policy", "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role big", 409)
    out = run_action(ACTION, {"Role Name": "big"})
    reason = ("An error occurred (LimitExceeded) when calling the PutRolePolicy operation: "
              "Maximum policy size of 10240 bytes exceeded for role big")
    assert out.lines == [FAILED_LINE.format("big")]
    assert out.json_result == [not_revoked("big", "failed", reason)]
    assert (out.state, out.result_value) == (FAILED, False)


def test_access_denied_on_every_role_is_an_error_of_the_action(stub_aws, run_action, clock):
    for _ in range(2):
        stub_aws.iam.add_client_error("put_role_policy", "AccessDenied", "not authorized to perform: iam:PutRolePolicy", 403)
    out = run_action(ACTION, {"Role Name": "a, b"})
    reason = "An error occurred (AccessDenied) when calling the PutRolePolicy operation: not authorized to perform: iam:PutRolePolicy"
    assert out.lines == [f"Error executing action 'Revoke Role Sessions'. Reason: {reason}", FAILED_LINE.format("a, b")]
    assert (out.state, out.result_value) == (FAILED, False)


def test_a_general_error_midway_still_reports_what_was_revoked(stub_aws, run_action, clock):
    stub_aws.iam.add_response("put_role_policy", {}, expected_params=put_expected("a"))
    stub_aws.iam.add_client_error("put_role_policy", "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
    out = run_action(ACTION, {"Role Name": "a, b, c"})
    reason = "An error occurred (InvalidClientTokenId) when calling the PutRolePolicy operation: The security token included in the request is invalid."
    assert out.lines == [f"Error executing action 'Revoke Role Sessions'. Reason: {reason}",
                         REVOKED.format("2026-11-29T10:00:00", "a"), FAILED_LINE.format("b, c")]
    assert out.json_result == [revoked("a"), not_revoked("b", "failed", reason),
                               not_revoked("c", "failed", "Not attempted: an earlier error stopped the action.")]
    assert (out.state, out.result_value) == (FAILED, False)
    assert SECRET not in out.raw_stdout


def test_the_deadline_stops_the_run_and_names_what_was_not_reached(run_action, roles, deadline_after):
    deadline_after("PutRolePolicy")
    out = run_action(ACTION, {"Role Name": "ci-deploy, app-role"})
    assert out.lines == [
        "Error executing action 'Revoke Role Sessions'. Reason: The platform's execution deadline was near, so the "
        "action stopped starting new calls and reported what it had done.",
        REVOKED.format("2026-11-29T10:00:00", "ci-deploy"),
        FAILED_LINE.format("app-role"),
    ]
    assert out.json_result[1] == not_revoked("app-role", "failed", "Not attempted: the platform's execution deadline was near.")
    assert out.iam_calls == ["PutRolePolicy"]
