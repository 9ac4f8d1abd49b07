"""Pure checks of the policy wording, the local document check and the reference parsers: no AWS."""

import json
from datetime import datetime, timezone

import pytest

import ContainmentParser as disable_parser
import PolicyParser as parser
from AWSIAMDatamodels import Policy
from ActionResults import ActionResult
from AWSIAMExceptions import AccessDenied, ConnectionFailure, MalformedPolicy
from PolicyModels import CreateOutcome, CreateStatus
from AWSIAMPolicyDocuments import DENY_ALL_DOCUMENT, MalformedDocument, check_policy_document
from PolicyModels import AttachOutcome, AttachStatus, IdentityType, PolicyMatch, parse_policy_reference
from ContainmentModels import DisableOutcome, DisableRun, DisableStatus, lookup_text
from PrincipalsModels import Missing

WHEN = datetime(2020, 12, 6, 17, 16, 45, tzinfo=timezone.utc)
POLICY = Policy({"PolicyName": "dev-read", "PolicyId": "ANPA0000000000000001", "Arn": "arn:aws:iam::123456789012:policy/dev-read",
                 "AttachmentCount": 0, "IsAttachable": True, "CreateDate": WHEN, "UpdateDate": WHEN})


def test_deny_all_document_is_the_contracts():
    assert DENY_ALL_DOCUMENT == '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'


def test_check_policy_document_returns_the_text_unchanged_but_trimmed():
    text = '{"Version": "2012-10-17", "Statement": []}'
    assert check_policy_document(f"\n {text} \n") == text


def test_check_policy_document_rejects_non_objects():
    with pytest.raises(MalformedDocument) as info:
        check_policy_document("[1, 2]")
    assert info.value.reason == "The policy document must be a JSON object, not an array."


def test_created_policy_json_keeps_types_and_adds_the_description():
    result = parser.policy_created(POLICY, "Reads things")
    assert result.message == "dev-read policy was successfully created"
    assert (result.success, result.failed) == (True, False)
    assert result.json_result == {
        "PolicyName": "dev-read", "PolicyId": "ANPA0000000000000001", "Arn": "arn:aws:iam::123456789012:policy/dev-read",
        "AttachmentCount": 0, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
        "CreateDate": "2020-12-06T17:16:45", "UpdateDate": "2020-12-06T17:16:45", "Description": "Reads things",
    }


@pytest.mark.parametrize(
    "error, tail",
    [(MalformedPolicy("CreatePolicy", "MalformedPolicyDocument", "Syntax errors in policy."),
      "The policy document was malformed. Reason: Syntax errors in policy."),
     (MalformedDocument("The policy document is empty."), "The policy document was malformed. Reason: The policy document is empty.")],
    ids=["aws-malformed", "local-malformed"],
)
def test_policy_not_created_messages(error, tail):
    result = parser.policy_not_created("dev-read", error)
    assert result.message == f"Could not create dev-read policy. {tail}"
    assert (result.success, result.failed, result.json_result) == (False, True, None)


def test_create_result_for_each_outcome():
    assert parser.create_result("dev-read", CreateOutcome(CreateStatus.EXISTS), None) == ActionResult.failure(
        "Could not create dev-read policy. Policy names must be unique within an account.")
    assert parser.create_result("dev-read", CreateOutcome(CreateStatus.UNCONFIRMED), None) == ActionResult(
        "Could not confirm the following in AWS IAM, check them there: dev-read (the request to create it may have "
        "taken effect)", success=False)
    assert parser.create_result("dev-read", CreateOutcome(CreateStatus.CREATED, POLICY), None).success


def test_policies_listed_with_and_without_more():
    assert parser.policies_listed([POLICY], more=False).message == "Successfully listed available policies in AWS IAM"
    result = parser.policies_listed([POLICY], more=True)
    assert result.message == (
        "Successfully listed available policies in AWS IAM. Please note, there are additional policies that match the provided filter."
    )
    (table,) = result.tables
    assert table.csv_lines() == ["Policy Name,Policy ID,Create Date,Update Date",
                                 "dev-read,ANPA0000000000000001,2020-12-06T17:16:45,2020-12-06T17:16:45"]
    empty = parser.policies_listed([], more=False)
    assert (empty.message, empty.success, empty.failed, empty.tables) == ("No Policies were found in AWS IAM", False, False, ())


@pytest.mark.parametrize(
    "status, message",
    [(AttachStatus.IDENTITY_MISSING, "Could not attach dev-read to Role: app. The role app cannot be found."),
     (AttachStatus.POLICY_MISSING, "Could not attach dev-read to Role: app. The policy dev-read cannot be found."),
     (AttachStatus.LIMIT_EXCEEDED, "Could not attach dev-read to Role: app because it attempted to create resources beyond the current AWS account limits.")],
    ids=["identity", "policy", "limit"],
)
def test_attach_refusals(status, message):
    result = parser.attach_result("dev-read", IdentityType.ROLE, "app", AttachOutcome(status))
    assert (result.message, result.failed) == (message, True)


def test_attach_success_without_shadow_is_the_contract_sentence():
    result = parser.attach_result("dev-read", IdentityType.USER, "alice", AttachOutcome(AttachStatus.ATTACHED, PolicyMatch("arn:x")))
    assert (result.message, result.success, result.failed) == ("Policy was attached to User: alice", True, False)


@pytest.mark.parametrize(
    "text, expected",
    [("dev-read", ("dev-read", None)),
     ("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", ("ViewOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")),
     ("arn:aws-cn:iam::123456789012:policy/dev-read", ("dev-read", "arn:aws-cn:iam::123456789012:policy/dev-read")),
     ("dev read", None), ("arn:aws:iam::aws:policy/", None), ("arn:aws:s3:::bucket", None)],
    ids=["name", "aws-arn-with-path", "china-partition", "space", "arn-without-name", "not-iam"],
)
def test_parse_policy_reference(text, expected):
    reference = parse_policy_reference(text)
    assert (None if reference is None else (reference.name, reference.arn)) == expected


class Entity:
    def __init__(self, identifier, additional_properties):
        self.identifier, self.additional_properties = identifier, additional_properties


def test_lookup_text_prefers_the_original_spelling():
    assert lookup_text(Entity("JOHN", {"OriginalIdentifier": "john"})) == "john"
    assert lookup_text(Entity("JOHN", {})) == "JOHN"
    assert lookup_text(Entity("JOHN", None)) == "JOHN"


def test_disable_result_orders_lines_and_keeps_reasons():
    denied = AccessDenied("PutUserPolicy", "AccessDenied", "no")
    run = DisableRun((
        DisableOutcome("a", DisableStatus.DISABLED, "a"),
        DisableOutcome("b", DisableStatus.FAILED, "b", error=denied),
        DisableOutcome("c", DisableStatus.NOT_FOUND, "c", cause=Missing.NO_SUCH_USER),
    ))
    result = disable_parser.disable_result(["A", "B", "C"], run)
    assert result.message.split("\n") == [
        "Successfully added deny policy to the following users in AWS IAM: a",
        "Action wasn't able to find the following users in AWS IAM: C",
        "Action wasn't able to add deny policy to the following users in AWS IAM: b",
    ]
    assert (result.success, result.failed) == (False, True)
    assert [e["EntityResult"].get("Reason") for e in result.json_result] == [
        None, "An error occurred (AccessDenied) when calling the PutUserPolicy operation: no", "No IAM user with this name exists in the account."]


def test_disable_result_of_only_not_found_completes_false():
    run = DisableRun((DisableOutcome("x", DisableStatus.NOT_FOUND, "x", cause=Missing.NO_SUCH_USER),))
    result = disable_parser.disable_result(["X"], run)
    assert (result.message, result.success, result.failed) == ("Action wasn't able to find the following users in AWS IAM: X", False, False)


def test_disable_result_leads_with_the_general_error():
    error = ConnectionFailure("PutUserPolicy", "ConnectionError", "Connect timeout on endpoint URL: \"https://iam.amazonaws.com/\"")
    run = DisableRun((DisableOutcome("a", DisableStatus.DISABLED, "a"), DisableOutcome("b", DisableStatus.FAILED, "b", error=error)), error=error)
    result = disable_parser.disable_result(["A", "B"], run)
    assert result.message.split("\n")[0] == (
        'Error executing action "Disable User Access". Reason: Connect timeout on endpoint URL: "https://iam.amazonaws.com/"'
    )
    assert json.dumps(result.json_result)  # JSON-serialisable as it stands
