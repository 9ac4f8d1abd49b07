"""Fixtures for the tests of the local SOAR runtime (devtools/). Only for tests/tooling."""

import io
import json
import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DEVTOOLS = Path(__file__).resolve().parents[2] / "devtools"
SDK_DIR = DEVTOOLS / "soar_sdk"
for _path in (str(DEVTOOLS), str(SDK_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import local_runner  # noqa: E402
from moto_server import MotoServer  # noqa: E402

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY"


def context(parameters=None, target_entities=None, **extra):
    """A complete platform context, as the script reads it from stdin."""
    ctx = local_runner.build_context("Probe", parameters)
    ctx["target_entities"] = target_entities if target_entities is not None else []
    ctx.update(extra)
    return ctx


@pytest.fixture
def write_script(tmp_path):
    """Write a throwaway action script; returns its path."""
    def write(source, name="Probe"):
        path = tmp_path / "ActionsScripts" / f"{name}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path
    return write


@pytest.fixture
def local_source(tmp_path, monkeypatch):
    """Point SOAR_LOCAL_CONFIG/SOAR_LOCAL_STATS at temp files; returns a writer and stats reader."""
    config = tmp_path / "local_source.json"
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("SOAR_LOCAL_CONFIG", str(config))
    monkeypatch.setenv("SOAR_LOCAL_STATS", str(stats))

    class Source:
        def write(self, configuration=None, entity_details=None):
            config.write_text(json.dumps({"configuration": {"AWSIAM": configuration or {}},
                                          "entity_details": entity_details or {}}))

        def fetches(self):
            return json.loads(stats.read_text())["configuration_fetches"]

    source = Source()
    source.write()
    return source


class Run:
    def __init__(self, exit_code, stdout, stderr):
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr

    @property
    def output(self):
        return json.loads(self.stdout)

    @property
    def results(self):
        return json.loads(self.output["ResultObjectJson"])


@pytest.fixture
def run_subprocess():
    """Run a script like the platform: stdin bytes in, SDK stand-in on PYTHONPATH."""
    def run(script, stdin):
        data = stdin if isinstance(stdin, bytes) else json.dumps(stdin).encode()
        env = {**os.environ, "PYTHONPATH": str(SDK_DIR), "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.run([sys.executable, str(script), "appkey"], input=data,
                              capture_output=True, env=env, timeout=30)
        return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    return run


@pytest.fixture
def run_in_process(monkeypatch):
    """Run a script's __main__ in this process, as tests of actions may do."""
    def run(script, stdin):
        data = stdin if isinstance(stdin, bytes) else json.dumps(stdin).encode()
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        exit_code = 0
        try:
            runpy.run_path(str(script), run_name="__main__")
        except SystemExit as done:
            exit_code = done.code
        except Exception:
            exit_code = 1
        assert sys.stdout is out, "the stand-in must give sys.stdout back"
        return Run(exit_code, out.getvalue(), err.getvalue())
    return run


@pytest.fixture(scope="session")
def moto_server():
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server):
    """The shared MotoServer with fresh state and an empty log."""
    moto_server.reset_state()
    moto_server.reset_calls()
    return moto_server


@pytest.fixture
def fake_repo(tmp_path, monkeypatch):
    """An integration tree in tmp_path that local_runner uses instead of the real one."""
    for folder in ("ActionsScripts", "ActionsDefinitions", "Managers"):
        (tmp_path / folder).mkdir(exist_ok=True)
    monkeypatch.setattr(local_runner, "REPO_ROOT", tmp_path)

    def add_action(display_name, stem, source, parameters=()):
        (tmp_path / "ActionsDefinitions" / f"{stem}.actiondef").write_text(json.dumps({
            "Name": display_name, "IntegrationIdentifier": "AWSIAM",
            "Parameters": [{"Name": name} for name in parameters]}))
        (tmp_path / "ActionsScripts" / f"{stem}.py").write_text(textwrap.dedent(source))
    return add_action
