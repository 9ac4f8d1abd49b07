"""Run an action script the way the SOAR platform does, locally (dev/test tooling only).

    from local_runner import run_script
    out = run_script("List Users", {"Max Users to Return": 5},
                     {"AWS Access Key ID": "testing", "AWS Secret Key": "testing", "Verify SSL": True},
                     endpoint_url=server.url)
    out.state, out.message, out.json_result, out.tables["IAM Users"], out.configuration_fetches
    out.entity_updates, out.insights        # what the script sent to the platform's API

The script runs as `python ActionsScripts/<Stem>.py <AppKey>` in a subprocess, with the context
JSON on stdin and only Managers/ and the SDK stand-in (devtools/soar_sdk/) on PYTHONPATH.
The configuration and entity details reach the stand-in through a temp file (SOAR_LOCAL_CONFIG).

    run_script("Create a User", {"User Name": "a,b"}, config, endpoint_url=proxy.url,
               deadline_seconds=2.5,                       # the platform kills the script then
               overrides={"BulkEngine.MAX_WORKERS": 1})    # same code, another module constant

A connector cycle runs the same way, as `python ConnectorsScripts/<Stem>.py <True|False> <AppKey>`
with its context ({"connector_info": {..., "params": [...]}}) on stdin. Its context properties are
kept in a file of the caller's choosing, so the next cycle finds what this one remembered:

    cycle = run_connector(CONNECTOR, {"AWS Access Key ID": ..., "Max Alerts Per Cycle": 20},
                          context_store=tmp_path / "context.json", endpoint_url=server.url)
    cycle.alerts, cycle.log_rows, cycle.context_calls     # test_run=True for the "Test" button
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OVERRIDES_ENV = "SOAR_LOCAL_OVERRIDES"  # read by launch_with_overrides.py
SDK_DIR = Path(__file__).resolve().parent / "soar_sdk"
LAUNCHER = Path(__file__).resolve().parent / "launch_with_overrides.py"
INTEGRATION = "AWSIAM"
DEFAULT_ENTITY_TYPE = "USERUNIQNAME"

STATE_NAMES = {0: "COMPLETED", 1: "INPROGRESS", 2: "FAILED", 3: "TIMEDOUT"}
OUTPUT_KEYS = {"Message", "ResultObjectJson", "ResultValue", "DebugOutput", "ExecutionState"}

# Variables through which boto3 could find credentials or an endpoint other than the ones this
# run sets on purpose; AWSIAM_* holds the developer's real keys for run_action.py --real-aws.
_STRIPPED_PREFIXES = ("AWS_", "AWSIAM_", "BOTO_")


class RunnerError(RuntimeError):
    """The script did not produce the platform's output JSON (crash, timeout, stray print)."""

    def __init__(self, message, *, exit_code=None, stdout="", stderr=""):
        super().__init__(message)
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


@dataclass
class ActionOutput:
    message: str
    state: int
    result_value: object
    json_result: object          # parsed RawJson of the "JsonResult" entry, or None
    tables: dict                 # title -> list of CSV lines
    debug_output: str
    stdout: str
    stderr: str
    exit_code: int
    raw: dict                    # the output object as the script printed it
    configuration_fetches: int | None
    wall_seconds: float
    platform_calls: list = field(default_factory=list)  # [{"endpoint", "body"}] in call order

    @property
    def lines(self):
        """The message's lines: a bulk action words one outcome per line."""
        return self.message.split("\n")

    @property
    def state_name(self):
        return STATE_NAMES.get(self.state, str(self.state))

    @property
    def entity_updates(self):
        """The body of each UpdateEntities call: a list of entity dicts per call."""
        return platform_bodies(self.platform_calls, "UpdateEntities")

    @property
    def insights(self):
        """The body of each CreateCaseInsight call."""
        return platform_bodies(self.platform_calls, "CreateCaseInsight")


def platform_bodies(platform_calls, endpoint):
    return [call["body"] for call in platform_calls if call["endpoint"] == endpoint]


def read_stats(path):
    """(configuration fetches, platform calls) from the stand-in's stats file; (None, []) when
    the script wrote none."""
    path = Path(path)
    if not path.exists():
        return None, []
    stats = json.loads(path.read_text(encoding="utf-8"))
    return stats["configuration_fetches"], stats.get("platform_calls", [])


def action_stems(root=None):
    """{display name: file stem} from ActionsDefinitions/*.actiondef."""
    stems = {}
    for path in sorted(((root or REPO_ROOT) / "ActionsDefinitions").glob("*.actiondef")):
        try:
            stems[json.loads(path.read_text(encoding="utf-8-sig"))["Name"]] = path.stem
        except (ValueError, KeyError):
            continue  # a broken .actiondef is the package validator's business, not ours
    return stems


def action_parameters(action, root=None):
    """The parameter names an action's .actiondef declares, in its order ([] for none)."""
    stem = action_stems(root).get(action, action)
    path = (root or REPO_ROOT) / "ActionsDefinitions" / f"{stem}.actiondef"
    try:
        definition = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as err:
        raise RunnerError(f"Cannot read the parameters of {action!r} from {path}: {err}") from err
    return [parameter["Name"] for parameter in definition.get("Parameters") or []]


def resolve_script(action, root=None):
    """The script path for a display name ("List Users") or a stem ("ListUsers")."""
    stem = action_stems(root).get(action, action)
    script = (root or REPO_ROOT) / "ActionsScripts" / f"{stem}.py"
    if not script.is_file():
        known = ", ".join(sorted(action_stems(root))) or "none"
        raise RunnerError(f"No action script for {action!r} (looked for {script}); "
                          f"actions defined: {known}")
    return script


def build_context(action_name, parameters=None, entities=None, *, timeout=120, deadline_seconds=None):
    """The stdin context the platform would send, with every required key.

    execution_deadline_unix_time_ms is `deadline_seconds` from now (fractions allowed), or
    `timeout` from now when not given: the moment the runner itself stops waiting."""
    deadline = time.time() + (timeout if deadline_seconds is None else deadline_seconds)
    return {
        "target_entities": [{"item1": ident, "item2": etype} for ident, etype in
                            _entity_pairs(entities)],
        "case_id": 1,
        "alert_id": "LOCAL-ALERT-1",
        "environment": "Default Environment",
        "workflow_id": "local-run",
        "workflow_instance_id": "local-run",
        "parameters": {name: _as_param_string(value) for name, value in (parameters or {}).items()},
        "integration_identifier": INTEGRATION,
        "integration_instance": "local-instance",
        "action_definition_name": action_name,
        "original_requesting_user": "local-runner",
        "default_result_value": "",
        "execution_deadline_unix_time_ms": int(deadline * 1000),
        "max_json_result_size": 15,
        "use_proxy_settings": False,
    }


def run_script(action, parameters=None, configuration=None, entities=None, *,
               endpoint_url=None, entity_details=None, env=None, timeout=120,
               deadline_seconds=None, overrides=None, package_root=None, python=None):
    """Run one action script in a subprocess and return what the platform would record.

    action: display name or file stem. parameters: {name: value}; bools become "true"/"false",
    other values str(), None "". configuration: {PropertyName: value} of the AWSIAM instance;
    values become strings the same way (None stays None), as the platform delivers them.
    entities: identifiers (type USERUNIQNAME) or (identifier, entity_type) pairs.
    entity_details: {identifier as sent: {"additional_properties": {...}}}.
    endpoint_url: sets AWS_ENDPOINT_URL (e.g. a MotoServer's or a FaultProxy's url).
    env: extra variables, last. timeout: seconds the runner waits for the script.
    deadline_seconds: the context's execution deadline, that many seconds after this call
    (default: `timeout`). As the platform does, the script is killed at that moment (RunnerError)
    and its own start-up counts against it.
    overrides: {"Module.NAME": value} set on modules of Managers/ before the script runs
    (JSON values; see devtools/launch_with_overrides.py for what an override can reach).
    package_root / python: run an extracted package with another interpreter (e.g. a virtualenv
    holding only the package's wheels), as the platform would; default: this repository, this Python.
    """
    root = Path(package_root) if package_root else None
    script = resolve_script(action, root)
    context = build_context(action, parameters, entities, timeout=timeout,
                            deadline_seconds=deadline_seconds)
    command = [python or sys.executable, str(script), uuid.uuid4().hex]
    if overrides:
        command.insert(1, str(LAUNCHER))
        env = {**(env or {}), OVERRIDES_ENV: json.dumps(overrides)}
    as_sent = {name: None if value is None else _as_param_string(value)
               for name, value in (configuration or {}).items()}
    with tempfile.TemporaryDirectory(prefix="soar-local-") as tmp:
        config_path = Path(tmp, "local_source.json")
        stats_path = Path(tmp, "stats.json")
        # Holds the secret: lives only in this private temp dir, for the length of the run.
        config_path.write_text(json.dumps({
            "configuration": {INTEGRATION: as_sent},
            "entity_details": dict(entity_details or {}),
        }), encoding="utf-8")

        child_env = _child_env(config_path, stats_path, endpoint_url, env, root)
        started = time.monotonic()
        killed_at = timeout if deadline_seconds is None else min(timeout, deadline_seconds)
        try:
            proc = subprocess.run(
                command, input=json.dumps(context).encode("utf-8"), capture_output=True,
                env=child_env, cwd=tmp, timeout=killed_at)
        except subprocess.TimeoutExpired as err:
            why = ("was killed at its execution deadline" if killed_at != timeout
                   else "did not finish within")
            raise RunnerError(f"{script.name} {why} ({killed_at}s)",
                              stdout=_text(err.stdout), stderr=_text(err.stderr)) from err
        wall = time.monotonic() - started
        fetches, platform_calls = read_stats(stats_path)

    stdout, stderr = _text(proc.stdout), _text(proc.stderr)
    raw = _parse_output(script.name, proc.returncode, stdout, stderr)
    json_result, tables = read_results(raw)
    return ActionOutput(
        message=raw["Message"], state=raw["ExecutionState"], result_value=raw["ResultValue"],
        json_result=json_result, tables=tables,
        debug_output=raw["DebugOutput"], stdout=stdout, stderr=stderr,
        exit_code=proc.returncode, raw=raw, configuration_fetches=fetches, wall_seconds=wall,
        platform_calls=platform_calls)


CONNECTOR = "AWS IAM Identity Risks Connector"
CONNECTOR_IDENTIFIER = "local-identity-risks-connector"


@dataclass
class ConnectorOutput:
    alerts: list                 # each alert (CaseInfo) as the platform receives it: a dict
    log_rows: list               # [{"level", "message"}] the SDK's logger handed over
    debug_output: str
    stdout: str
    stderr: str
    exit_code: int
    raw: dict
    wall_seconds: float
    platform_calls: list = field(default_factory=list)

    @property
    def context_calls(self):
        """The context property calls, as (endpoint, key) in order."""
        return [(call["endpoint"], call["body"]["PropertyKey"]) for call in self.platform_calls
                if call["endpoint"] in ("GetContextProperty", "SetContextProperty")]

    @property
    def errors(self):
        return [row["message"] for row in self.log_rows if row["level"] == "ERROR"]


def connector_stems(root=None):
    """{display name: file stem} from Connectors/*.connectordef."""
    stems = {}
    for path in sorted(((root or REPO_ROOT) / "Connectors").glob("*.connectordef")):
        stems[json.loads(path.read_text(encoding="utf-8-sig"))["Name"]] = path.stem
    return stems


def build_connector_context(connector, parameters, *, identifier=CONNECTOR_IDENTIFIER):
    """The stdin context the platform gives a connector: its parameters as name/value pairs."""
    return {
        "connector_info": {
            "environment": "Default Environment",
            "integration": INTEGRATION,
            "connector_definition_name": connector,
            "identifier": identifier,
            "display_name": f"{connector} (local)",
            "description": "",
            "result_data_type": 0,
            "params": [{"param_name": name, "param_value": None if value is None else _as_param_string(value)}
                       for name, value in (parameters or {}).items()],
        },
    }


def run_connector(connector=CONNECTOR, parameters=None, *, context_store, test_run=False, endpoint_url=None,
                  env=None, timeout=120, overrides=None, package_root=None, python=None, platform_fails=()):
    """Run one connector cycle (or its test run) in a subprocess, as the platform does.

    context_store: the file that holds the connector's context properties between runs (created
    when missing). platform_fails: platform API endpoints that answer with an error this run
    (e.g. "SetContextProperty")."""
    root = Path(package_root) if package_root else None
    stem = connector_stems(root).get(connector, connector)
    script = (root or REPO_ROOT) / "ConnectorsScripts" / f"{stem}.py"
    if not script.is_file():
        raise RunnerError(f"No connector script for {connector!r} (looked for {script})")
    command = [python or sys.executable, str(script), "False" if test_run else "True", uuid.uuid4().hex]
    if overrides:
        command.insert(1, str(LAUNCHER))
        env = {**(env or {}), OVERRIDES_ENV: json.dumps(overrides)}
    context = build_connector_context(connector, parameters)
    with tempfile.TemporaryDirectory(prefix="soar-local-") as tmp:
        stats_path = Path(tmp, "stats.json")
        child_env = _child_env(Path(tmp, "no-configuration.json"), stats_path, endpoint_url, env, root)
        child_env["SOAR_LOCAL_CONTEXT"] = str(Path(context_store).resolve())
        if platform_fails:
            child_env["SOAR_LOCAL_PLATFORM_FAILS"] = ",".join(platform_fails)
        started = time.monotonic()
        try:
            proc = subprocess.run(command, input=json.dumps(context).encode("utf-8"), capture_output=True,
                                  env=child_env, cwd=tmp, timeout=timeout)
        except subprocess.TimeoutExpired as err:
            raise RunnerError(f"{script.name} did not finish within ({timeout}s)",
                              stdout=_text(err.stdout), stderr=_text(err.stderr)) from err
        wall = time.monotonic() - started
        _, platform_calls = read_stats(stats_path)
    stdout, stderr = _text(proc.stdout), _text(proc.stderr)
    try:
        raw = json.loads(stdout)
        package = json.loads(raw["ResultObjectJson"])
    except (ValueError, KeyError, TypeError):
        raise RunnerError(f"{script.name} exited with code {proc.returncode} without a connector package.\n"
                          f"--- stdout ---\n{stdout[-4000:]}\n--- stderr ---\n{stderr[-4000:]}",
                          exit_code=proc.returncode, stdout=stdout, stderr=stderr) from None
    return ConnectorOutput(alerts=package["cases"], log_rows=package["log_rows"], debug_output=raw["DebugOutput"],
                           stdout=stdout, stderr=stderr, exit_code=proc.returncode, raw=raw, wall_seconds=wall,
                           platform_calls=platform_calls)


def _entity_pairs(entities):
    for entity in entities or ():
        if isinstance(entity, str):
            yield entity, DEFAULT_ENTITY_TYPE
        else:
            identifier, entity_type = entity
            yield identifier, entity_type


def _as_param_string(value):
    # The platform sends every action parameter and configuration value as a string.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _child_env(config_path, stats_path, endpoint_url, extra, root=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED_PREFIXES)}
    # No shared config/credentials files and no instance metadata: the only credentials a
    # local run can use are the ones in the configuration.
    env.update({
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": os.pathsep.join([str((root or REPO_ROOT) / "Managers"), str(SDK_DIR)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "SOAR_LOCAL_CONFIG": str(config_path),
        "SOAR_LOCAL_STATS": str(stats_path),
    })
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
    env.update(extra or {})
    return env


def _parse_output(script_name, exit_code, stdout, stderr):
    try:
        raw = json.loads(stdout)
    except ValueError:
        raw = None
    if not isinstance(raw, dict) or not OUTPUT_KEYS <= raw.keys():
        what = "no output" if not stdout.strip() else "output that is not the result JSON"
        raise RunnerError(
            f"{script_name} exited with code {exit_code} and {what}.\n"
            f"--- stdout ---\n{stdout[-4000:]}\n--- stderr ---\n{stderr[-4000:]}",
            exit_code=exit_code, stdout=stdout, stderr=stderr)
    return raw


def read_results(raw):
    """(the JSON result or None, {table title: CSV lines}) from an output's ResultObjectJson."""
    entries = json.loads(raw["ResultObjectJson"]) if raw["ResultObjectJson"] else {}
    return _json_result(entries), _tables(entries)


def _json_result(entries):
    for key in ("JsonResult", "JsonResult_None"):
        raw_json = entries.get(key, {}).get("RawJson")
        if raw_json:
            return json.loads(raw_json)
    return None


def _tables(entries):
    tables = {}
    for key, entry in entries.items():
        if entry.get("CSVLines"):
            # Title is the name as given; the key carries a "_<type>" suffix in the new format.
            tables[entry.get("Title") or key.rsplit("_", 1)[0]] = list(entry["CSVLines"])
    return tables


def _text(data):
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")
