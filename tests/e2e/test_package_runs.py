"""The import ZIP works on its own, as the platform uses it: a fresh virtualenv holding only the
wheels from Dependencies/, the scripts run from the extracted ZIP with Managers/ on the path."""

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import boto3
import pytest
from conftest import COMPLETED, CONFIG, assert_clean
from local_runner import run_connector, run_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed_package(tmp_path_factory):
    """(extracted package folder, python of a venv with only the package's wheels)."""
    sys.path.insert(0, str(ROOT / "devtools"))
    import build_package

    work = tmp_path_factory.mktemp("platform")
    with zipfile.ZipFile(build_package.build(work / "dist")) as package:
        package.extractall(work / "package")
    # No pip of its own (ensurepip costs seconds): this suite's pip installs into it, and checks it.
    venv.create(work / "venv", with_pip=False)
    python = str(work / "venv" / "bin" / "python")
    wheels = sorted(str(path) for path in (work / "package" / "Dependencies").glob("*.whl"))
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--no-index", "--no-deps", *wheels], check=True)
    return work / "package", python, subprocess.run([*pip, "check"], capture_output=True, text=True)


def test_the_wheels_satisfy_every_runtime_dependency(installed_package):
    _, _, pip_check = installed_package
    assert pip_check.returncode == 0, pip_check.stdout + pip_check.stderr


@pytest.mark.parametrize(
    "action, params, expected",
    [("Ping", {}, "Successfully connected to the AWS IAM server with the provided connection parameters!"),
     ("Create a User", {"User Name": "from-the-zip"}, "Successfully added the following users to IAM: from-the-zip")],
)
def test_packaged_scripts_run_from_their_own_wheels(installed_package, moto_server, action, params, expected):
    package, python, _ = installed_package
    moto_server.reset_state()
    out = run_script(action, params, CONFIG, endpoint_url=moto_server.url, package_root=package, python=python)
    assert (out.message, out.state, out.result_value) == (expected, COMPLETED, True)
    assert_clean(out)



def test_the_packaged_connector_runs_a_cycle_from_its_own_wheels(installed_package, moto_server, tmp_path):
    package, python, _ = installed_package
    moto_server.reset_state()
    iam = boto3.client("iam", endpoint_url=moto_server.url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.create_user(UserName="from-the-zip")
    iam.create_login_profile(UserName="from-the-zip", Password="Pa55word!x")
    out = run_connector(parameters=CONFIG, context_store=tmp_path / "context.json", endpoint_url=moto_server.url,
                        package_root=package, python=python)
    assert out.exit_code == 0 and out.errors == []
    assert [(alert["name"], alert["events"][0]["UserName"]) for alert in out.alerts] == [
        ("AWS IAM: Console access without MFA", "from-the-zip")]
