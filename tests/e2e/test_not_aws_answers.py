"""An endpoint, or a proxy in front of it, that answers HTTP 200 with something other than AWS's
XML (a login page, plain text) ends the action with a general error that says so, never a
KeyError or a parser's dump of the body."""

import pytest
from conftest import FAILED, ROLE_CONFIG, assert_clean

ADVICE = "Check the endpoint, and any proxy between the integration and AWS."
LOGIN_PAGE = (b"<html><body><h1>Sign in to continue</h1></body></html>", "text/html; charset=utf-8")
BROKEN_HTML = (b'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>Proxy error</body></html>', "text/html")
PLAIN = (b"upstream unavailable", "text/plain")


@pytest.mark.parametrize("answer", [LOGIN_PAGE, BROKEN_HTML, PLAIN], ids=["xhtml", "html", "text"])
def test_ping_says_the_answer_was_not_an_iam_response(run_script, html_endpoint, answer):
    html_endpoint.answer = answer
    out = run_script("Ping", endpoint_url=html_endpoint.url)
    assert_clean(out)
    media_type = answer[1].split(";")[0]
    assert out.message == ("Failed to connect to the AWS IAM server! Error is The answer to ListUsers was not an IAM "
                           f"response (HTTP 200, {media_type}). {ADVICE}")
    assert (out.state, out.result_value) == (FAILED, False)


@pytest.mark.parametrize("action, params, operation", [
    ("List Users", {}, "ListUsers"),
    ("List Policies", {}, "ListPolicies"),
    ("Create a Group", {"Group Name": "Ops"}, "CreateGroup"),
    ("Create a Policy", {"Policy Name": "P", "Policy Document": '{"Version": "2012-10-17", "Statement": []}'},
     "CreatePolicy"),
])
def test_actions_name_the_call_whose_answer_was_not_an_iam_response(run_script, html_endpoint, action, params, operation):
    out = run_script(action, params, endpoint_url=html_endpoint.url)
    assert_clean(out)
    assert out.lines[0] == (f"Error executing action '{action}'. Reason: The answer to {operation} was not an IAM "
                            f"response (HTTP 200, text/html). {ADVICE}")
    assert out.state == FAILED


def test_a_bulk_action_heads_its_report_with_the_sentence_not_a_bare_key(run_script, html_endpoint):
    out = run_script("Create a User", {"User Name": "alice,bob"}, endpoint_url=html_endpoint.url)
    assert_clean(out)
    reason = f"The answer to CreateUser was not an IAM response (HTTP 200, text/html). {ADVICE}"
    assert out.lines[0] == f"Error executing action 'Create a User'. Reason: {reason}"
    assert "'CreateUserResult'" not in out.message
    assert out.state == FAILED


def test_sts_answers_that_are_not_sts_responses(run_script, html_endpoint):
    out = run_script("Ping", config=ROLE_CONFIG, endpoint_url=html_endpoint.url)
    assert_clean(out)
    assert out.message == ("Failed to connect to the AWS IAM server! Error is Could not assume the role "
                           f"{ROLE_CONFIG['Role ARN']} with the configured keys: The answer to AssumeRole was not an "
                           f"STS response (HTTP 200, text/html). {ADVICE}")


def test_a_caller_identity_answer_that_is_not_an_sts_response(run_script, html_endpoint):
    out = run_script("Attach a Policy", {"Identity Type": "Group", "Identity Name": "Developers",
                                         "Policy Name": "ReadBucket"}, endpoint_url=html_endpoint.url)
    assert_clean(out)
    assert out.message == ("Error executing action 'Attach a Policy'. Reason: The answer to GetCallerIdentity was not "
                           f"an STS response (HTTP 200, text/html). {ADVICE}")
