"""Local stand-in for the platform SDK's SiemplifyConnectors (dev/test only, never packaged).

The platform runs a connector as `python <script> <True|False> <AppKey>`: the first argument is
"False" for the connector's test run (the "Test" button), "True" for a scheduled cycle. The context
is one JSON object on stdin, {"connector_info": {"identifier", "environment", "params": [{"param_name",
"param_value"}], ...}}. Everything the script prints or logs is captured; return_package() writes
the one output object to the real stdout: {"ResultObjectJson": "<{cases, overflow_cases, log_items,
variables, log_rows}>", "DebugOutput": "..."}.

Context properties go to the platform's API on the platform. Here they live in the JSON file named
by SOAR_LOCAL_CONTEXT, {"<context type>|<identifier>|<key>": value}, which the local runner keeps
from one run of a connector to the next, as the platform keeps them. Each get and set is also
recorded as a platform call (GetContextProperty, SetContextProperty) in the SOAR_LOCAL_STATS file.
SOAR_LOCAL_PLATFORM_FAILS may name endpoints the platform refuses (comma-separated), to see how a
script takes it.
"""

import io
import json
import os
import sys

import SiemplifyUtils
from SiemplifyAction import SiemplifyAction, _read_context
from SiemplifyConnectorsDataModel import ConnectorContext
from SiemplifyLogger import SiemplifyLogger

CONTEXT_ENV = "SOAR_LOCAL_CONTEXT"
FAILS_ENV = "SOAR_LOCAL_PLATFORM_FAILS"
# The SDK refuses a context property value longer than this.
MAXIMUM_PROPERTY_VALUE = 3_000_000


class MaximumContextLengthException(Exception):
    """A context property value longer than the platform keeps."""


class _RowLogger(SiemplifyLogger):
    """The connector's logger: lines go to the captured output and, as on the platform, to the
    log rows that return_package hands over."""

    def __init__(self, stream):
        super().__init__(stream, name="SiemplifyConnector")
        self.log_rows = []

    def _row(self, level, msg):
        self.log_rows.append({"level": level, "message": str(msg)})

    def info(self, msg, *args, **kwargs):
        self._row("INFO", msg)
        super().info(msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        self._row("WARNING", msg)
        super().warning(msg, *args, **kwargs)

    warn = warning

    def error(self, msg, *args, **kwargs):
        self._row("ERROR", msg)
        super().error(msg, *args, **kwargs)


class SiemplifyConnectorExecution:
    MAX_NUM_LOG_ROWS = 5_000
    CONTEXT_TYPE = 4

    def __init__(self, mock_stdin=None):
        self._real_stdout = sys.stdout
        self._buffer = io.StringIO()
        sys.stdout = self._buffer
        SiemplifyUtils._active_action = self
        self._platform_calls = []
        self._configuration_fetches = 0  # a connector reads no configuration: its parameters come on stdin
        self.LOGGER = _RowLogger(self._buffer)
        self.script_name = ""
        try:
            data = json.loads(mock_stdin) if mock_stdin else _read_context()
            self.context = ConnectorContext(data["connector_info"], data.get("vault_settings"),
                                            data.get("environment_api_key"), data.get("connector_api_key"))
        except BaseException:
            sys.stdout = self._real_stdout
            raise

    @property
    def parameters(self):
        parameters = {}
        for param in self.context.connector_info.params or []:
            parameters.setdefault(param["param_name"], param["param_value"])
        return parameters

    @property
    def is_test_run(self):
        return len(sys.argv) >= 2 and sys.argv[1] == "False"

    def extract_connector_param(self, param_name, default_value=None, input_type=str, is_mandatory=False,
                                print_value=False):
        return SiemplifyUtils.extract_script_param(
            siemplify=self, input_dictionary=self.parameters, param_name=param_name, default_value=default_value,
            input_type=input_type, is_mandatory=is_mandatory, print_value=print_value)

    # ----- context properties: the platform's API ----------------------------------------------
    def get_context_property(self, context_type, identifier, property_key):
        request = {"ContextType": context_type, "Identifier": identifier, "PropertyKey": property_key}
        self._call("GetContextProperty", request)
        return _load_context_store().get(_store_key(context_type, identifier, property_key))

    def set_context_property(self, context_type, identifier, property_key, property_value):
        if len(str(property_value)) > MAXIMUM_PROPERTY_VALUE:
            raise MaximumContextLengthException(
                "Exception was thrown in set_context_property: property value has reached maximum length")
        request = {"ContextType": context_type, "Identifier": identifier, "PropertyKey": property_key,
                   "PropertyValue": property_value}
        self._call("SetContextProperty", request)
        store = _load_context_store()
        store[_store_key(context_type, identifier, property_key)] = json.loads(json.dumps(property_value))
        _save_context_store(store)

    def get_connector_context_property(self, identifier, property_key):
        return self.get_context_property(self.CONTEXT_TYPE, identifier, property_key)

    def set_connector_context_property(self, identifier, property_key, property_value):
        return self.set_context_property(self.CONTEXT_TYPE, identifier, property_key, property_value)

    def _call(self, endpoint, body):
        self._platform_calls.append({"endpoint": endpoint, "body": json.loads(json.dumps(body))})
        refused = {name.strip() for name in os.environ.get(FAILS_ENV, "").split(",") if name.strip()}
        if endpoint in refused:
            # What the SDK's validate_siemplify_error raises for an HTTP error from the platform.
            raise Exception(f"500 Server Error: Internal Server Error for url: /api/external/v1/sdk/{endpoint}: b''")

    # ----- output -----------------------------------------------------------------------------
    def return_package(self, cases, output_variables=None, log_items=None):
        connector_output = {
            "cases": cases,
            "overflow_cases": [],
            "log_items": log_items or [],
            "variables": output_variables or {},
            "log_rows": self.LOGGER.log_rows[: self.MAX_NUM_LOG_ROWS],
        }
        output = {"ResultObjectJson": json.dumps(connector_output, default=lambda o: o.__dict__),
                  "DebugOutput": self._buffer.getvalue()}
        real_stdout = self._real_stdout
        self._release(write_stats=True)
        real_stdout.write(json.dumps(output, default=lambda o: o.__dict__))
        real_stdout.flush()

    # Stops capturing and writes the stats file exactly as an action does.
    _release = SiemplifyAction._release


def _store_key(context_type, identifier, property_key):
    return f"{context_type}|{identifier}|{property_key}"


def _load_context_store():
    path = os.environ.get(CONTEXT_ENV)
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _save_context_store(store):
    path = os.environ.get(CONTEXT_ENV)
    if not path:
        return  # nowhere to keep it: like a platform that forgets between runs
    with open(path, "w", encoding="utf-8") as f:
        json.dump(store, f)
