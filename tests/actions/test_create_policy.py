"""Create a Policy: local checks first, then exactly one CreatePolicy; each refusal has its own sentence."""

import json
import re

import pytest
from conftest import COMPLETED, CONFIG, FAILED, assert_no_credentials

ACTION = "Create a Policy"
DOCUMENT = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::aws-s3-bucket/*"}],
})
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def create(run_action, name="S3-read-only-bucket", document=DOCUMENT, config=CONFIG, **extra):
    return run_action(ACTION, {"Policy Name": name, "Policy Document": document, **extra}, config=config)


def customer_policies(iam):
    return {p["PolicyName"]: p for p in iam.list_policies(Scope="Local")["Policies"]}


def test_creates_the_policy_with_one_call_and_real_json_types(run_action, iam):
    out = create(run_action, Description="Read the company bucket")
    assert (out.message, out.state, out.result_value) == ("S3-read-only-bucket policy was successfully created", COMPLETED, True)
    assert out.calls == [("iam", "CreatePolicy")]
    result = out.json_result
    assert result["PolicyName"] == "S3-read-only-bucket"
    assert result["Arn"] == "arn:aws:iam::123456789012:policy/S3-read-only-bucket"
    assert (result["Path"], result["DefaultVersionId"]) == ("/", "v1")
    assert result["AttachmentCount"] == 0 and type(result["AttachmentCount"]) is int
    assert result["PermissionsBoundaryUsageCount"] == 0 and type(result["PermissionsBoundaryUsageCount"]) is int
    assert result["IsAttachable"] is True
    assert ISO.match(result["CreateDate"]) and ISO.match(result["UpdateDate"])
    assert result["Description"] == "Read the company bucket"
    assert isinstance(result["PolicyId"], str) and result["PolicyId"]
    created = customer_policies(iam)
    assert list(created) == ["S3-read-only-bucket"]
    version = iam.get_policy_version(PolicyArn=result["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(DOCUMENT)


def test_without_description_the_json_result_has_none(run_action):
    out = create(run_action)
    assert out.state == COMPLETED
    assert "Description" not in out.json_result


def test_sends_the_document_exactly_as_written(stub_aws, run_action):
    document = '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
    stub_aws.iam.add_response(
        "create_policy",
        {"Policy": {"PolicyName": "deny", "Arn": "arn:aws:iam::123456789012:policy/deny", "AttachmentCount": 0}},
        expected_params={"PolicyName": "deny", "PolicyDocument": document},
    )
    out = create(run_action, "deny", f"  {document}  ")
    assert (out.message, out.state) == ("deny policy was successfully created", COMPLETED)


def test_duplicate_name_fails_and_leaves_the_existing_policy(run_action, iam):
    original = iam.create_policy(PolicyName="S3-read-only-bucket", PolicyDocument=DOCUMENT, Description="first")["Policy"]
    out = create(run_action, Description="second")
    assert out.message == "Could not create S3-read-only-bucket policy. Policy names must be unique within an account."
    assert (out.state, out.result_value, out.json_result) == (FAILED, False, None)
    assert out.iam_calls == ["CreatePolicy"]
    assert iam.get_policy(PolicyArn=original["Arn"])["Policy"]["Description"] == "first"


INVALID_NAMES = ["S3 read only", "policy/with/slash", "pölicy", "semi;colon"]


def test_a_name_too_long_is_told_so(run_action, iam):
    out = create(run_action, "a" * 129)
    assert out.message == f"Could not create {'a' * 129} policy. Policy names must be at most 128 characters."
    assert (out.state, out.calls, customer_policies(iam)) == (FAILED, [], {})


@pytest.mark.parametrize("name", INVALID_NAMES, ids=["space", "slash", "non-ascii", "semicolon"])
def test_invalid_name_fails_without_any_call(run_action, iam, name):
    out = create(run_action, name)
    assert out.message == (
        f"Could not create {name} policy. Policy names must contain only alphanumeric characters "
        "and/or the following: +=,.@_-."
    )
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == []
    assert customer_policies(iam) == {}


@pytest.mark.parametrize(
    "document, reason",
    [
        ('{"Version": "2012-10-17", "Statement": [}', "The policy document is not valid JSON: Expecting value: line 1 column 41 (char 40)."),
        ("[]", "The policy document must be a JSON object, not an array."),
        ('[{"Effect": "Allow"}]', "The policy document must be a JSON object, not an array."),
        ('"Allow everything"', "The policy document must be a JSON object, not a string."),
        ("42", "The policy document must be a JSON object, not a number."),
        ("null", "The policy document must be a JSON object, not null."),
        ("{}", "The policy document is an empty JSON object."),
        ("", "The policy document is empty."),
        ("   ", "The policy document is empty."),
    ],
    ids=["malformed-json", "empty-array", "array", "string", "number", "null", "empty-object", "empty", "whitespace"],
)
def test_malformed_document_fails_locally_with_the_reason(run_action, iam, document, reason):
    out = create(run_action, "S3-read-only-bucket", document)
    assert out.message == f"Could not create S3-read-only-bucket policy. The policy document was malformed. Reason: {reason}"
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.calls == []
    assert customer_policies(iam) == {}


def test_document_aws_rejects_fails_with_aws_reason(run_action, iam):
    out = create(run_action, document='{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}')
    # moto answers as IAM does for a grammar error: MalformedPolicyDocument, "Syntax errors in policy."
    assert out.message == "Could not create S3-read-only-bucket policy. The policy document was malformed. Reason: Syntax errors in policy."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == ["CreatePolicy"]
    assert customer_policies(iam) == {}


def test_malformed_policy_document_from_aws_keeps_aws_wording(stub_aws, run_action):
    stub_aws.iam.add_client_error("create_policy", "MalformedPolicyDocument", "Policy statement must contain resources.", 400)
    out = create(run_action)
    assert out.message == (
        "Could not create S3-read-only-bucket policy. The policy document was malformed. "
        "Reason: Policy statement must contain resources."
    )
    assert out.state == FAILED


@pytest.mark.parametrize(
    "code, aws_message",
    [("LimitExceeded", "Cannot exceed quota for PoliciesPerAccount: 1500"),
     ("AccessDenied", "User: arn:aws:iam::123456789012:user/soar is not authorized to perform: iam:CreatePolicy"),
     ("InvalidClientTokenId", "The security token included in the request is invalid.")],
    ids=["limit", "access-denied", "bad-credentials"],
)
def test_other_errors_fail_the_action_with_the_aws_error(stub_aws, stubbed_connection, run_action, code, aws_message):
    stub_aws.iam.add_client_error("create_policy", code, aws_message, 400)
    out = create(run_action, config=stubbed_connection)
    assert out.message == (
        f"Error executing action 'Create a Policy'. Reason: An error occurred ({code}) "
        f"when calling the CreatePolicy operation: {aws_message}"
    )
    assert (out.state, out.result_value, out.json_result) == (FAILED, False, None)
    assert out.iam_calls == ["CreatePolicy"]
    assert_no_credentials(out.raw_stdout)


def test_missing_name_fails_without_any_call(run_action):
    out = run_action(ACTION, {"Policy Name": "  ", "Policy Document": DOCUMENT})
    assert out.message == "Error executing action 'Create a Policy'. Reason: Missing mandatory parameter 'Policy Name'."
    assert (out.state, out.result_value, out.calls) == (FAILED, False, [])
