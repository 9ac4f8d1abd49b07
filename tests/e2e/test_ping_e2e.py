"""Ping as the platform runs it: a subprocess with a stdin context, against moto's server."""

import socket
import time

from conftest import COMPLETED, CONFIG, FAILED, SECRET
from local_runner import run_script as run_subprocess

SUCCESS = "Successfully connected to the AWS IAM server with the provided connection parameters!"


def test_ping_against_moto_server(run_script):
    out = run_script("Ping")
    assert (out.message, out.state, out.result_value) == (SUCCESS, COMPLETED, True)
    assert out.iam_calls == ["ListUsers"]
    assert out.configuration_fetches == 1
    assert out.exit_code == 0
    assert SECRET not in out.stdout + out.stderr + out.debug_output


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe closes


def test_ping_against_a_closed_port_fails_fast_and_cleanly():
    started = time.monotonic()
    out = run_subprocess("Ping", {}, CONFIG, endpoint_url=f"http://127.0.0.1:{closed_port()}")
    elapsed = time.monotonic() - started
    assert out.message.startswith("Failed to connect to the AWS IAM server! Error is Could not connect to the endpoint URL:")
    assert (out.state, out.result_value, out.exit_code) == (FAILED, False, 0)
    assert "Traceback" not in out.message
    assert elapsed < 10
    assert SECRET not in out.stdout + out.stderr + out.debug_output


def test_ping_without_a_secret_names_the_parameter(run_script):
    config = {key: value for key, value in CONFIG.items() if key != "AWS Secret Key"}
    out = run_script("Ping", config=config)
    assert out.message == "Failed to connect to the AWS IAM server! Error is Missing mandatory configuration parameter 'AWS Secret Key'."
    assert (out.state, out.result_value) == (FAILED, False)
    assert out.iam_calls == []
