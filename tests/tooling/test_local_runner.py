"""local_runner.run_script and the run_action CLI, on throwaway scripts in a fake tree."""

import json
import time

import pytest

import local_runner
import run_action
from .conftest import SECRET
from fault_proxy import FaultProxy
from local_runner import RunnerError, run_script

ECHO = '''
    import json, os, sys
    from SiemplifyAction import SiemplifyAction
    from SiemplifyUtils import output_handler

    @output_handler
    def main():
        siemplify = SiemplifyAction()
        conf = siemplify.get_configuration("AWSIAM")
        siemplify.result.add_result_json({
            "argv": sys.argv[1:], "parameters": siemplify.parameters,
            "configuration": {k: v for k, v in conf.items() if k != "AWS Secret Key"},
            "verify_ssl": siemplify.extract_configuration_param("AWSIAM", "Verify SSL", input_type=bool),
            "entities": [[e.identifier, e.entity_type, e.additional_properties]
                         for e in siemplify.target_entities],
            "aws_env": sorted(k for k in os.environ if k.startswith("AWS")),
            "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
            "pythonpath": os.environ["PYTHONPATH"].split(os.pathsep)})
        siemplify.result.add_data_table("IAM Users", ["Username,User ID", "alice,AID1"])
        if siemplify.parameters.get("Mode") == "crash":
            raise RuntimeError("boom")
        siemplify.end("Echoed.", True)

    if __name__ == "__main__":
        main()
'''

IAM_CALLER = '''
    import boto3
    from SiemplifyAction import SiemplifyAction

    siemplify = SiemplifyAction()
    conf = siemplify.get_configuration("AWSIAM")
    session = boto3.session.Session(aws_access_key_id=conf["AWS Access Key ID"],
                                    aws_secret_access_key=conf["AWS Secret Key"],
                                    region_name="us-east-1")
    users = session.client("iam").list_users(MaxItems=1)["Users"]
    account = session.client("sts").get_caller_identity()["Account"]
    siemplify.end(f"{len(users)} users in {account}", True)
'''

CONFIG = {"AWS Access Key ID": "testing", "AWS Secret Key": SECRET, "Verify SSL": False}


@pytest.fixture
def echo(fake_repo):
    fake_repo("Echo Things", "EchoThings", ECHO, parameters=["Max", "Flag", "Empty", "Mode"])


def test_runs_by_display_name_with_the_platform_context(echo, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("AWSIAM_SECRET_KEY", "real-secret")

    out = run_script("Echo Things", {"Max": 5, "Flag": True, "Empty": None}, CONFIG,
                     ["Alice", ("host-1", "HOSTNAME")], endpoint_url="http://127.0.0.1:1")

    assert (out.message, out.state, out.state_name, out.result_value) == \
        ("Echoed.", 0, "COMPLETED", True)
    result = out.json_result
    assert result["parameters"] == {"Max": "5", "Flag": "true", "Empty": ""}
    assert result["verify_ssl"] is False
    assert result["configuration"] == {"AWS Access Key ID": "testing", "Verify SSL": "false"}
    assert result["entities"] == [["ALICE", "USERUNIQNAME", {"OriginalIdentifier": "Alice"}],
                                  ["HOST-1", "HOSTNAME", {"OriginalIdentifier": "host-1"}]]
    assert len(result["argv"]) == 1  # the AppKey
    assert result["endpoint"] == "http://127.0.0.1:1"
    assert result["aws_env"] == ["AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED",
                                 "AWS_ENDPOINT_URL", "AWS_SHARED_CREDENTIALS_FILE"]
    assert result["pythonpath"] == [str(local_runner.REPO_ROOT / "Managers"),
                                    str(local_runner.SDK_DIR)]
    assert out.tables == {"IAM Users": ["Username,User ID", "alice,AID1"]}
    assert out.configuration_fetches == 2
    assert out.exit_code == 0 and out.raw["Message"] == "Echoed."


def test_runs_by_stem_and_passes_entity_details(echo):
    out = run_script("EchoThings", entities=["bob"],
                     entity_details={"bob": {"additional_properties": {"Title": "x"}}})

    assert out.json_result["entities"] == [["BOB", "USERUNIQNAME", {"Title": "x"}]]
    assert out.json_result["endpoint"] is None


ENRICHER = '''
    from SiemplifyAction import SiemplifyAction

    siemplify = SiemplifyAction()
    entity, = siemplify.target_entities
    entity.additional_properties["AWSIAM_Groups"] = "Developers"
    entity.is_enriched = True
    siemplify.update_entities([entity])
    siemplify.add_entity_insight(entity, "bob has console access without MFA.", triggered_by="AWSIAM")
    siemplify.end("Enriched.", True)
'''


def test_what_reached_the_platform_is_on_the_output(fake_repo):
    fake_repo("Enrich", "Enrich", ENRICHER)

    out = run_script("Enrich", entities=["bob"])

    assert [call["endpoint"] for call in out.platform_calls] == ["UpdateEntities", "CreateCaseInsight"]
    (entity,), = out.entity_updates
    assert entity["identifier"] == "BOB" and entity["is_enriched"] is True
    assert entity["additional_properties"]["AWSIAM_Groups"] == "Developers"
    assert entity["additional_properties"]["IsEnriched"] == "True"
    assert [(insight["entity_identifier"], insight["content"]) for insight in out.insights] == [
        ("BOB", "bob has console access without MFA.")]


def test_secret_is_not_in_the_output(echo):
    out = run_script("Echo Things", {}, CONFIG)

    assert SECRET not in out.stdout + out.stderr


def test_crash_raises_with_stderr(echo):
    with pytest.raises(RunnerError, match="exited with code 1 and no output") as err:
        run_script("Echo Things", {"Mode": "crash"}, CONFIG)

    assert err.value.exit_code == 1
    assert "RuntimeError: boom" in err.value.stderr


def test_stray_print_to_stdout_is_an_error(fake_repo):
    fake_repo("Noisy", "Noisy", 'print("not json")\n')

    with pytest.raises(RunnerError, match="not the result JSON"):
        run_script("Noisy")


def test_unknown_action_names_the_known_ones(echo):
    with pytest.raises(RunnerError, match="actions defined: Echo Things"):
        run_script("No Such Action")


def test_script_calls_reach_the_moto_server(fake_repo, moto):
    fake_repo("Count Users", "CountUsers", IAM_CALLER)

    out = run_script("Count Users", configuration=CONFIG, endpoint_url=moto.url)

    assert out.message == "0 users in 123456789012"
    assert moto.iam_calls() == ["ListUsers"]
    assert moto.calls_for("sts") == ["GetCallerIdentity"]


# ----- CLI -------------------------------------------------------------------------------------

def test_cli_shows_what_the_analyst_sees(echo, moto, capsys, monkeypatch):
    monkeypatch.delenv("AWSIAM_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWSIAM_SECRET_KEY", raising=False)

    code = run_action.main(["Echo Things", "-p", "Max=5", "-e", "USERUNIQNAME:alice",
                            "-e", "arn:aws:iam::123456789012:user/bob", "--endpoint", moto.url])

    shown = capsys.readouterr().out
    assert code == 0
    assert "State:         COMPLETED" in shown
    assert "Result value:  true" in shown
    assert "  Echoed." in shown
    assert "  Username | User ID\n  ---------+--------\n  alice    | AID1" in shown
    assert '"ARN:AWS:IAM::123456789012:USER/BOB"' in shown
    assert "IAM calls (0): none" in shown


def test_cli_json_and_exit_code_on_crash(echo, capsys, monkeypatch):
    monkeypatch.setenv("AWSIAM_ACCESS_KEY_ID", "AKIAREAL")
    monkeypatch.setenv("AWSIAM_SECRET_KEY", "real-secret-value")

    assert run_action.main(["Echo Things", "--json", "--real-aws"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state_name"] == "COMPLETED" and shown["aws_calls"] is None  # real AWS: no log
    assert shown["json_result"]["endpoint"] is None
    assert "real-secret-value" not in json.dumps(shown)

    assert run_action.main(["Echo Things", "-p", "Mode=crash", "--endpoint", "http://127.0.0.1:9"]) == 1


def test_cli_stays_on_moto_when_real_keys_are_exported_without_the_flag(echo, capsys, monkeypatch):
    monkeypatch.setenv("AWSIAM_ACCESS_KEY_ID", "AKIAREAL")
    monkeypatch.setenv("AWSIAM_SECRET_KEY", "real-secret-value")

    assert run_action.main(["Echo Things", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["json_result"]["endpoint"].startswith("http://127.0.0.1:")
    assert "real-secret-value" not in json.dumps(shown)


def test_cli_sets_the_role_external_id_and_region_of_the_configuration(echo, capsys):
    assert run_action.main(["Echo Things", "--json", "--role-arn", "arn:aws:iam::444455556666:role/R",
                            "--external-id", "secops-7Hq2", "--region", "cn-north-1"]) == 0
    configuration = json.loads(capsys.readouterr().out)["json_result"]["configuration"]
    assert {name: configuration[name] for name in ("Role ARN", "External ID", "Region")} == {
        "Role ARN": "arn:aws:iam::444455556666:role/R", "External ID": "secops-7Hq2", "Region": "cn-north-1"}


def test_cli_leaves_the_reach_settings_out_unless_given(echo, capsys):
    assert run_action.main(["Echo Things", "--json"]) == 0
    configuration = json.loads(capsys.readouterr().out)["json_result"]["configuration"]
    assert not {"Role ARN", "External ID", "Region"} & set(configuration)


def test_cli_rejects_a_malformed_param(echo, capsys):
    assert run_action.main(["Echo Things", "-p", "no-equals-sign"]) == 2
    assert "expects NAME=VALUE" in capsys.readouterr().err


def test_cli_rejects_a_param_the_action_does_not_have_and_lists_the_valid_ones(echo, capsys):
    assert run_action.main(["Echo Things", "-p", "Max=5", "-p", "max=5"]) == 2
    assert capsys.readouterr().err == ("error: 'Echo Things' has no parameter 'max'; "
                                       "its parameters are: 'Max', 'Flag', 'Empty', 'Mode'\n")


def test_cli_names_the_parameters_of_a_real_action(capsys):
    assert run_action.main(["Add a User to a Group", "-p", "Group=Developers", "-p", "User Name=alice"]) == 2
    assert capsys.readouterr().err == ("error: 'Add a User to a Group' has no parameter 'Group'; "
                                       "its parameters are: 'Group Name', 'User Name'\n")


def test_cli_says_when_an_action_takes_no_parameters(capsys):
    assert run_action.main(["Ping", "-p", "Verbose=true"]) == 2
    assert capsys.readouterr().err == "error: 'Ping' has no parameter 'Verbose'; its parameters are: none\n"


# ----- deadline and module overrides -----------------------------------------------------------

DEADLINE = '''
    import time
    from SiemplifyAction import SiemplifyAction

    siemplify = SiemplifyAction()
    if siemplify.parameters.get("Mode") == "overrun":
        time.sleep(30)  # ignores the deadline: the platform kills it
    deadline = siemplify.execution_deadline_unix_time_ms
    siemplify.end(f"{type(deadline).__name__} {deadline}", True)
'''


@pytest.fixture
def deadline_probe(fake_repo):
    fake_repo("Deadline", "Deadline", DEADLINE)


@pytest.mark.parametrize("options, seconds", [({"deadline_seconds": 20}, 20), ({"timeout": 40}, 40)],
                         ids=["deadline-seconds", "defaults-to-the-timeout"])
def test_the_context_deadline_is_an_int_of_epoch_ms_from_now(deadline_probe, options, seconds):
    before = time.time()
    out = run_script("Deadline", **options)
    after = time.time()

    kind, value = out.message.split()
    assert kind == "int"
    assert int((before + seconds) * 1000) <= int(value) <= int((after + seconds) * 1000)


def test_a_script_still_running_at_its_deadline_is_killed(deadline_probe):
    started = time.monotonic()
    with pytest.raises(RunnerError, match=r"Deadline.py was killed at its execution deadline \(1.5s\)"):
        run_script("Deadline", {"Mode": "overrun"}, deadline_seconds=1.5)
    assert time.monotonic() - started < 10


USERS_CONFIG = {"AWS Access Key ID": "testing", "AWS Secret Key": SECRET, "Verify SSL": True}


def test_overrides_set_a_managers_constant_for_the_real_script(moto):
    # moto answers ListUsers in one page whatever MaxItems says, so the request itself shows the
    # page size the manager asked for: the proxy logs its parameters.
    with FaultProxy(moto.url) as proxy:
        for overrides in (None, {"AWSIAMConstants.PAGE_SIZE": 2}):
            out = run_script("List Users", {"Max Users to Return": 5}, USERS_CONFIG,
                             endpoint_url=proxy.url, overrides=overrides)
            assert out.message == "No users found in AWS IAM"

    assert [(r.action, r.params) for r in proxy.log] == [("ListUsers", {"MaxItems": "5"}),
                                                         ("ListUsers", {"MaxItems": "2"})]


@pytest.mark.parametrize("target, error", [
    ("AWSIAMConstants.NO_SUCH_CONSTANT", "module AWSIAMConstants has no NO_SUCH_CONSTANT"),
    ("NoSuchModule.MAX_WORKERS", "No module named 'NoSuchModule'"),
    ("PAGE_SIZE", "expected Module.NAME"),
], ids=["unknown-name", "unknown-module", "no-module"])
def test_an_override_that_reaches_nothing_fails_the_run(target, error):
    with pytest.raises(RunnerError) as failure:
        run_script("Ping", {}, USERS_CONFIG, endpoint_url="http://127.0.0.1:9", overrides={target: 1})

    assert error in failure.value.stderr


def test_cli_runs_on_an_account_with_the_aws_managed_policies(capsys):
    # docs/development.md's Attach a Policy example names ReadOnlyAccess, which every real account has.
    assert run_action.main(["List Policies", "-p", "Scope=AWS", "-p", "Max Policies to Return=1", "--json"]) == 0

    shown = json.loads(capsys.readouterr().out)
    assert shown["message"] == ("Successfully listed available policies in AWS IAM. "
                                "Please note, there are additional policies that match the provided filter.")
    assert shown["json_result"][0]["Arn"].startswith("arn:aws:iam::aws:policy/")
