"""The SDK stand-in runs a connector as the platform does: the context on stdin, "True"/"False" for a
cycle or a test run, context properties kept between runs, and return_package's output object."""

import io
import json
import sys

import pytest

import SiemplifyConnectors
from SiemplifyConnectors import MaximumContextLengthException, SiemplifyConnectorExecution

CONTEXT = {"connector_info": {"identifier": "instance-1", "environment": "Default Environment",
                              "params": [{"param_name": "Max Alerts Per Cycle", "param_value": "5"}]}}


@pytest.fixture
def connector(monkeypatch, tmp_path):
    """connector(flag) builds the SDK object as a run with that first argument would."""
    monkeypatch.setenv("SOAR_LOCAL_CONTEXT", str(tmp_path / "context.json"))
    monkeypatch.setenv("SOAR_LOCAL_STATS", str(tmp_path / "stats.json"))
    made = []

    def make(flag="True"):
        monkeypatch.setattr(sys, "argv", ["Connector.py", flag, "app-key"])
        monkeypatch.setattr(sys, "stdin", io.StringIO("\ufeff" + json.dumps(CONTEXT)))
        made.append(SiemplifyConnectorExecution())
        return made[-1]

    yield make
    for siemplify in made:
        siemplify._release(write_stats=False)


def test_parameters_and_the_test_flag_come_as_the_platform_sends_them(connector):
    assert connector("True").is_test_run is False
    siemplify = connector("False")
    assert siemplify.is_test_run is True
    assert siemplify.parameters == {"Max Alerts Per Cycle": "5"}
    assert siemplify.extract_connector_param("Max Alerts Per Cycle", input_type=int) == 5


def test_context_properties_outlive_the_run_that_set_them(connector):
    first = connector()
    assert first.get_connector_context_property("instance-1", "memory") is None
    first.set_connector_context_property("instance-1", "memory", '{"a": 1}')
    assert connector().get_connector_context_property("instance-1", "memory") == '{"a": 1}'
    assert connector().get_connector_context_property("instance-2", "memory") is None


def test_a_value_longer_than_the_platform_keeps_is_refused(connector):
    with pytest.raises(MaximumContextLengthException):
        connector().set_connector_context_property("instance-1", "memory", "x" * (SiemplifyConnectors.MAXIMUM_PROPERTY_VALUE + 1))


def test_return_package_writes_the_cases_and_the_log_rows(connector, monkeypatch):
    real = io.StringIO()
    monkeypatch.setattr(sys, "stdout", real)
    siemplify = connector()
    siemplify.LOGGER.info("one line")
    siemplify.return_package([{"name": "alert"}])
    output = json.loads(real.getvalue())
    package = json.loads(output["ResultObjectJson"])
    assert package["cases"] == [{"name": "alert"}] and package["overflow_cases"] == []
    assert package["log_rows"] == [{"level": "INFO", "message": "one line"}]
    assert "one line" in output["DebugOutput"]
