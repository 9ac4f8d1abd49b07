"""AWS IAM Identity Risks Connector: each cycle assesses the account as List Identity Risks does and
creates one alert per finding it has not reported before, users AWS quarantined first, at most
'Max Alerts Per Cycle' of them; the rest wait for the next cycles.

What was reported lives in the connector's context through the SDK, so it survives between
cycles. A finding absent from a cycle is forgotten, so it alerts again if it comes back. A cycle
that fails creates no alert, keeps its memory, logs one sentence and ends normally. The test run
returns the alerts a first cycle would create, and remembers nothing."""

import sys
import uuid

import IdentityRisksParser as parser
from ActionRunner import ActionContext, connection_settings
from AWSIAMDatamodels import utc_now
from AWSIAMExceptions import AWSIAMError, InvalidParameter
from BulkEngine import BulkEngine, Deadline, DeadlineReached
from IdentityRisksModels import MAX_DAYS, Memory, Severity, Thresholds, plan_cycle
from IdentityRisksWorkflow import IdentityRisks
from SiemplifyConnectors import SiemplifyConnectorExecution
from SiemplifyConnectorsDataModel import AlertInfo
from SiemplifyUtils import output_handler, unix_now

CONNECTOR_NAME = "AWS IAM Identity Risks Connector"
MEMORY_KEY = "reported_identity_risks"
DEFAULT_DAYS = 90
DEFAULT_CAP = 20
DEFAULT_TIMEOUT_SECONDS = 300


class ConnectorInputs(ActionContext):
    """The connector's parameters, read and checked as an action's are: the connection parameters
    carry the integration's names, and the deadline comes from PythonProcessTimeout."""

    def __init__(self, siemplify: SiemplifyConnectorExecution, started_ms: int):
        self.siemplify = siemplify
        self.logger = siemplify.LOGGER
        timeout = self.int_param("PythonProcessTimeout", default=DEFAULT_TIMEOUT_SECONDS, high=86_400)
        self.deadline = Deadline(started_ms + timeout * 1000)
        self.bulk = BulkEngine(self.deadline)
        self._manager = None

    def param(self, name: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = str(self.siemplify.parameters.get(name) or "").strip()
        if value:
            return value
        if required:
            raise InvalidParameter(f"Missing mandatory parameter '{name}'.")
        return default

    def _connection_settings(self) -> dict:
        return connection_settings(self.siemplify, self.siemplify.parameters)


def alert_of(finding, inputs: ConnectorInputs, at_ms: int, environment: str | None, test_run: bool) -> AlertInfo:
    alert = AlertInfo()
    for name, value in parser.alert_fields(finding).items():
        setattr(alert, name, value)
    alert.environment = environment
    alert.display_id = str(uuid.uuid4())
    alert.start_time = alert.end_time = at_ms
    alert.is_test_case = test_run
    alert.events = [parser.alert_event(finding, product_field=inputs.param("DeviceProductField", default="device_product"),
                                       event_field=inputs.param("EventClassId", default="event_name"), at_ms=at_ms)]
    return alert


def run_cycle(siemplify: SiemplifyConnectorExecution, is_test_run: bool) -> list[AlertInfo]:
    started = unix_now()
    info = siemplify.context.connector_info
    try:
        inputs = ConnectorInputs(siemplify, started)
        thresholds = Thresholds(inputs.int_param("Max Key Age Days", default=DEFAULT_DAYS, high=MAX_DAYS),
                                inputs.int_param("Max Unused Days", default=DEFAULT_DAYS, high=MAX_DAYS))
        minimum = inputs.choice_param("Minimum Severity", Severity, default=Severity.HIGH)
        cap = inputs.int_param("Max Alerts Per Cycle", default=DEFAULT_CAP)
        # The test run reads no memory and keeps none: the next real cycle alerts as if it never ran.
        memory = Memory() if is_test_run else _remembered(siemplify, info.identifier)
        assessment = IdentityRisks(inputs.manager, inputs.deadline).assess(thresholds, utc_now())
    except (InvalidParameter, AWSIAMError, DeadlineReached, MemoryUnreadable) as err:
        siemplify.LOGGER.error(parser.cycle_failed(err))
        return []
    plan = plan_cycle(memory, assessment, minimum, cap)
    if not is_test_run:
        try:
            siemplify.set_connector_context_property(info.identifier, MEMORY_KEY, plan.memory.to_text())
        except Exception as err:  # the platform's API, which can fail like any other
            siemplify.LOGGER.error(parser.MEMORY_NOT_SAVED.format(reason=f"{type(err).__name__}: {err}"))
            return []
    if not assessment.report_complete:
        siemplify.LOGGER.warning(parser.PARTIAL)
    siemplify.LOGGER.info(parser.cycle_done(len(plan.alerts), plan.waiting, is_test_run))
    return [alert_of(finding, inputs, started, info.environment, is_test_run) for finding in plan.alerts]


class MemoryUnreadable(Exception):
    """The platform did not hand back the connector's memory."""


def _remembered(siemplify: SiemplifyConnectorExecution, identifier: str) -> Memory:
    try:
        return Memory.from_text(siemplify.get_connector_context_property(identifier, MEMORY_KEY))
    except Exception as err:  # the platform's API, or a value that is not the memory
        raise MemoryUnreadable(parser.MEMORY_UNREADABLE.format(reason=f"{type(err).__name__}: {err}")) from None


@output_handler
def main(is_test_run: bool) -> None:
    siemplify = SiemplifyConnectorExecution()
    siemplify.script_name = CONNECTOR_NAME
    try:
        alerts = run_cycle(siemplify, is_test_run)
    except Exception as err:
        # A bug, not an AWS answer: the traceback stays in the log, the cycle still ends normally.
        siemplify.LOGGER.exception(err)
        siemplify.LOGGER.error(parser.cycle_failed(f"Unexpected error: {type(err).__name__}: {err}"))
        alerts = []
    siemplify.return_package(alerts)


if __name__ == "__main__":
    # The platform passes "True" for a scheduled cycle and "False" for the test run.
    main(is_test_run=not (len(sys.argv) < 2 or sys.argv[1] == "True"))
