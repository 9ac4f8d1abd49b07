"""devtools/run_connector.py: cycles of the connector from the command line, its memory kept in a file."""

import boto3
import pytest

from run_connector import main


@pytest.fixture
def risky(fresh_moto):
    iam = boto3.client("iam", endpoint_url=fresh_moto.url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Pa55word!x")  # console access without MFA
    return fresh_moto


def test_two_cycles_alert_once_and_the_file_remembers_for_the_next_invocation(risky, tmp_path, capsys):
    context = tmp_path / "context.json"
    assert main(["--cycles", "2", "--endpoint", risky.url, "--context", str(context)]) == 0
    first, second = capsys.readouterr().out.split("> AWS IAM Identity Risks Connector: cycle 2")
    assert "Created 1 alert for new identity risks" in first and "arn:aws:iam::123456789012:user/bob" in first
    assert "Created 0 alerts for new identity risks" in second
    assert main(["--endpoint", risky.url, "--context", str(context)]) == 0
    assert "Created 0 alerts for new identity risks" in capsys.readouterr().out


def test_a_parameter_without_a_value_is_refused(capsys):
    assert main(["-p", "Minimum Severity"]) == 2
    assert capsys.readouterr().err == 'error: -p takes "Name=value"\n'
