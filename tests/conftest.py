"""Shared fixtures.

Two levels, as the platform has them:
- `run_action` runs an action script in this process under moto's `mock_aws`, and records every
  AWS call the script's clients make (a hook on botocore's BaseClient._make_api_call, which both
  moto and Stubber pass through);
- `run_script` runs the script as a subprocess exactly as the platform does, against moto's
  server, and reads the IAM calls from the server's request log;
- `fault_proxy` puts devtools/fault_proxy.py between such a script and moto's server.
"""

import csv
import io
import json
import runpy
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT / "Managers", ROOT / "devtools" / "soar_sdk", ROOT / "devtools"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from local_runner import build_context, platform_bodies, read_results, read_stats, resolve_script  # noqa: E402
from moto_server import issued_role_credentials  # noqa: E402
from ScriptResult import EXECUTION_STATE_COMPLETED as COMPLETED  # noqa: E402
from ScriptResult import EXECUTION_STATE_FAILED as FAILED  # noqa: E402

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
CONFIG = {"AWS Access Key ID": "AKIAIOSFODNN7EXAMPLE", "AWS Secret Key": SECRET, "Verify SSL": "true"}
# moto's accounts: the keys act in KEYS_ACCOUNT; AssumeRole into another account's role returns
# credentials that act in that account.
KEYS_ACCOUNT = "123456789012"
ROLE_ACCOUNT = "222222222222"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/AWSIAMIntegrationRole"
EXTERNAL_ID = "secops-7Hq2-awsiam"
ROLE_CONFIG = {**CONFIG, "Role ARN": ROLE_ARN, "External ID": EXTERNAL_ID}
ROLE_SESSION_ARN = f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/AWSIAMIntegrationRole/GoogleSecOpsSOAR-AWSIAM"
# What a stubbed AssumeRole hands out: recognisable, so a leak would be found.
TEMPORARY_SECRET = "TeMpOrArYsEcReTkEy/0f/The/Role/Session/X"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEFAKESESSIONTOKENaCXVzLWVhc3QtMSJHMEUCIQD/role/session/token=="

__all__ = ["COMPLETED", "FAILED", "SECRET", "CONFIG", "KEYS_ACCOUNT", "ROLE_ACCOUNT", "ROLE_ARN", "EXTERNAL_ID",
           "ROLE_CONFIG", "ROLE_SESSION_ARN", "TEMPORARY_SECRET", "SESSION_TOKEN", "assert_clean",
           "assert_no_credentials", "iam_acting_in", "stub_assume_role", "stub_get_user"]


# The slowest tests first (they run scripts as subprocesses, or wait out a deadline): xdist's
# worksteal scheduler splits the list between the workers, and an idle worker takes tests from the
# end of another's queue, so quick tests at the end are what keeps both workers busy to the finish.
# The sort is stable: each module's own order stays as written.
_SLOWEST_FIRST = ("tests/e2e/test_demo.py", "tests/e2e/", "tests/browser/", "tests/tooling/")


def pytest_collection_modifyitems(items):
    def rank(item):
        return next((index for index, prefix in enumerate(_SLOWEST_FIRST) if item.nodeid.startswith(prefix)),
                    len(_SLOWEST_FIRST))
    items.sort(key=rank)


@dataclass
class Out:
    message: str
    state: int
    result_value: object
    json_result: object
    tables: dict  # title -> rows (lists of str), header row first
    debug_output: str
    raw_stdout: str
    calls: list = field(default_factory=list)  # (service, Operation) in order
    configuration_fetches: int | None = None
    platform_calls: list = field(default_factory=list)  # what the SDK would POST to the platform

    @property
    def entity_updates(self) -> list[list[dict]]:
        """The entities of each UpdateEntities call."""
        return platform_bodies(self.platform_calls, "UpdateEntities")

    @property
    def insights(self) -> list[dict]:
        """The body of each CreateCaseInsight call."""
        return platform_bodies(self.platform_calls, "CreateCaseInsight")

    @property
    def iam_calls(self) -> list[str]:
        return [operation for service, operation in self.calls if service == "iam"]

    @property
    def lines(self) -> list[str]:
        return self.message.split("\n")


def parse_output(stdout: str) -> dict:
    output = json.loads(stdout)
    json_result, tables = read_results(output)
    return dict(
        message=output["Message"], state=output["ExecutionState"], result_value=output["ResultValue"],
        json_result=json_result, tables={title: list(csv.reader(lines)) for title, lines in tables.items()},
        debug_output=output["DebugOutput"],
    )


@pytest.fixture
def aws(monkeypatch):
    """moto in-process, with fake environment credentials so nothing can reach real AWS."""
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield


@pytest.fixture
def iam(aws):
    """A client for arranging and inspecting account state; its calls are not recorded."""
    import boto3

    return boto3.client("iam", region_name="us-east-1")


@pytest.fixture
def aws_managed_policies(monkeypatch):
    """Must come before the mock starts (name it before `iam` or `run_action`): moto then knows
    IAM's ~1,500 AWS-managed policies."""
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


@pytest.fixture
def call_log(monkeypatch):
    """Every AWS call made by clients the action builds, as (service, Operation)."""
    from botocore.client import BaseClient

    log: list[tuple[str, str]] = []
    original = BaseClient._make_api_call

    def recording(client, operation_name, api_params):
        if getattr(client, "_record_calls", False):
            log.append((client.meta.service_model.endpoint_prefix, operation_name))
        return original(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return log


@pytest.fixture
def _recorded_clients(monkeypatch):
    """Marks the manager's clients for recording, leaving the test's own `iam` client out."""
    import AWSIAMManager

    original = AWSIAMManager._new_client

    def marked(service, **kwargs):
        client = original(service, **kwargs)
        client._record_calls = True
        return client

    monkeypatch.setattr(AWSIAMManager, "_new_client", marked)


@pytest.fixture
def run_action(aws, call_log, _recorded_clients, monkeypatch, tmp_path):
    """run_action(action, params, entities, config=..., entity_details=...) -> Out, in-process."""

    def run(action, params=None, entities=None, *, config=CONFIG, entity_details=None, deadline_ms=None) -> Out:
        """deadline_ms: the context's execution_deadline_unix_time_ms (default: 120 s from now)."""
        config_file = tmp_path / "soar-local.json"
        config_file.write_text(json.dumps({"configuration": {"AWSIAM": config}, "entity_details": entity_details or {}}))
        stats_file = tmp_path / "soar-stats.json"
        stats_file.unlink(missing_ok=True)
        monkeypatch.setenv("SOAR_LOCAL_CONFIG", str(config_file))
        monkeypatch.setenv("SOAR_LOCAL_STATS", str(stats_file))
        stdout = io.StringIO()
        script = str(resolve_script(action))
        context = build_context(action, params, entities)
        if deadline_ms is not None:
            context["execution_deadline_unix_time_ms"] = deadline_ms
        monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(context)))
        monkeypatch.setattr(sys, "stdout", stdout)
        monkeypatch.setattr(sys, "argv", [script, "local-app-key"])
        first_call = len(call_log)
        with pytest.raises(SystemExit) as exit_info:
            runpy.run_path(script, run_name="__main__")
        monkeypatch.setattr(sys, "stdout", sys.__stdout__)
        assert exit_info.value.code in (0, None), f"script exited {exit_info.value.code}"
        fetches, platform_calls = read_stats(stats_file)
        return Out(
            **parse_output(stdout.getvalue()), raw_stdout=stdout.getvalue(),
            calls=list(call_log[first_call:]), configuration_fetches=fetches, platform_calls=platform_calls,
        )

    return run


_LOST_ANSWER = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type>'
                b"<Code>ServiceFailure</Code><Message>The answer was lost on its way back.</Message></Error>"
                b"<RequestId>lost</RequestId></ErrorResponse>")


def _answer_attempts(monkeypatch, answer) -> None:
    """Every client the manager builds asks `answer(protocol, operation, request, event_name)` before
    each attempt goes out; a response it returns stands in for AWS's, an exception it raises is
    what the attempt met, None lets the attempt reach moto."""
    import AWSIAMManager
    from moto.core.botocore_stubber import BotocoreStubber

    original = AWSIAMManager._new_client
    moto_answers = BotocoreStubber.__call__

    def moto_unless_answered(stubber, event_name, request, **kwargs):
        # botocore hands before-send to every handler, moto's too, even after one has answered:
        # an attempt answered here must not reach moto as well.
        return None if getattr(request, "answered_by_test", False) else moto_answers(stubber, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", moto_unless_answered)

    def client_answering(service, **kwargs):
        client = original(service, **kwargs)
        protocol = client.meta.service_model.protocol

        def before_send(request, event_name, **_):
            response = answer(protocol, event_name.rsplit(".", 1)[-1], request, event_name)
            request.answered_by_test = response is not None
            return response

        client.meta.events.register_first(f"before-send.{service}", before_send)
        return client

    monkeypatch.setattr(AWSIAMManager, "_new_client", client_answering)


def _carried_out(request, event_name) -> None:
    """moto does the attempt's work; its answer is dropped."""
    from moto.core.models import botocore_stubber

    botocore_stubber(event_name=event_name, request=request)


def _answer(request, status: int, body: bytes):
    from botocore.awsrequest import AWSResponse
    from moto.core.botocore_stubber import MockRawResponse

    return AWSResponse(request.url, status, {}, MockRawResponse(body))


def _refusal(protocol: str, kind: str) -> tuple[int, bytes]:
    """A throttling or access-denied answer, as the service's protocol words it."""
    code, status, message = {"throttled": ("Throttling", 400, "Rate exceeded"),
                             "denied": ("AccessDenied", 403, "User is not authorized to perform this action")}[kind]
    if protocol == "json":
        return status, json.dumps({"__type": f"{code}Exception", "message": message}).encode()
    return status, (f'<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>'
                    '<RequestId>refused</RequestId></ErrorResponse>').encode()


@pytest.fixture
def lost_answers(run_action, monkeypatch):
    """lost_answers("DeleteUserPolicy", ...): the first attempt of each named operation takes effect
    in moto, but its answer is replaced by a 500, as when IAM's answer is lost on the way back.
    botocore then retries, and the retry meets the work already done."""
    pending: set[str] = set()

    def answer(protocol, operation, request, event_name):
        if operation in pending:
            pending.discard(operation)
            _carried_out(request, event_name)
            return _answer(request, 500, _LOST_ANSWER)
        return None

    _answer_attempts(monkeypatch, answer)
    return lambda *operations: pending.update(operations)


@pytest.fixture
def faults(run_action, monkeypatch):
    """faults("PutInlinePolicyToPermissionSet", "lost", "throttled", "throttled"): the attempts of
    that operation, in order, meet these faults; its later attempts reach moto as usual.
    - lost: moto carries the attempt out, but its answer is a 500, as when AWS's answer is lost;
    - dropped: moto carries it out, then the connection drops before the answer;
    - throttled, denied: refused before reaching moto, in the service's own error words;
    - ok: reaches moto as usual (to let an earlier call of the operation through).
    Retries are quick here, 3 attempts per call without backoff, so "lost", "throttled",
    "throttled" is a call whose retries ran out. `faults.attempts` lists every attempt's operation."""
    import AWSIAMManager
    from botocore.exceptions import ConnectionClosedError

    monkeypatch.setattr(AWSIAMManager, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(AWSIAMManager, "RETRY_BASE_SECONDS", 0.0)
    script: dict[str, list[str]] = {}
    lock = threading.Lock()

    def answer(protocol, operation, request, event_name):
        with lock:
            attempts.append(operation)
            fault = script[operation].pop(0) if script.get(operation) else "ok"
        if fault in ("lost", "dropped"):
            _carried_out(request, event_name)
            if fault == "dropped":
                raise ConnectionClosedError(endpoint_url=request.url)
            return _answer(request, 500, _LOST_ANSWER)
        return None if fault == "ok" else _answer(request, *_refusal(protocol, fault))

    _answer_attempts(monkeypatch, answer)

    class Faults:
        def __call__(self, operation: str, *kinds: str) -> None:
            script.setdefault(operation, []).extend(kinds)

    faults = Faults()
    faults.attempts = attempts = []
    return faults


@pytest.fixture
def deadline_after(run_action, monkeypatch):
    """deadline_after("TagUser"): once the action's first call of that operation has answered, the
    platform's deadline counts as near, so no further call starts. Only the checks before calls
    and before new items see it; the engine still waits for the item in hand to settle, which
    keeps the report deterministic."""
    import AWSIAMManager
    import BulkEngine

    passed = threading.Event()
    trigger: set[str] = set()
    original = AWSIAMManager._new_client

    def client_watching(service, **kwargs):
        client = original(service, **kwargs)

        def after(event_name, **_):
            if event_name.rsplit(".", 1)[-1] in trigger:
                passed.set()

        client.meta.events.register(f"after-call.{service}", after)
        return client

    real_allows = BulkEngine.Deadline.allows
    monkeypatch.setattr(BulkEngine.Deadline, "allows", lambda self, seconds=0.0: not passed.is_set() and real_allows(self, seconds))
    monkeypatch.setattr(AWSIAMManager, "_new_client", client_watching)
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 1)

    class DeadlineAfter:
        def __call__(self, operation: str) -> None:
            trigger.add(operation)

        def lift(self) -> None:
            """The next run has all the time it needs."""
            trigger.clear()
            passed.clear()

    return DeadlineAfter()


class VirtualClock:
    """time.time() for a run's Deadline that starts at 0 and moves only when told to, so that
    deadline tests measure the integration's own arithmetic, exactly, and never race the machine's
    load. Its epoch is 0 so that whole seconds add up without rounding."""

    def __init__(self):
        self._now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def advance_to(self, moment: float) -> None:
        """Waits that overlap (concurrent calls) end at the latest of their ends, not their sum."""
        with self._lock:
            self._now = max(self._now, moment)

    @property
    def elapsed(self) -> float:
        return self()


@pytest.fixture
def slow_aws(run_action, monkeypatch):
    """slow_aws(8) makes every AWS answer take 8 seconds; slow_aws(8, only={"ListUsers"}) only
    those operations'. The seconds pass on a VirtualClock (slow_aws.clock) that the run's Deadline
    reads: a request waits min(latency, the read timeout the manager gave that attempt), then moto
    answers it, or, when the timeout came first, moto still executes it (the request reached AWS;
    only the answer is late) and the attempt ends in botocore's ReadTimeoutError.
    slow_aws.run(action, params, entities, deadline=20, ...) runs the action with a deadline that
    many virtual seconds away; slow_aws.attempts lists every attempt's operation."""
    import ActionRunner
    import AWSIAMManager
    import BulkEngine
    from botocore.exceptions import ReadTimeoutError
    from moto.core.models import botocore_stubber

    clock = VirtualClock()
    monkeypatch.setattr(ActionRunner, "Deadline", lambda unix_time_ms, **kwargs: BulkEngine.Deadline(
        unix_time_ms, clock=clock, **kwargs))
    latency: dict = {}
    original = AWSIAMManager._new_client

    class SlowAWS:
        def __call__(self, seconds: float, only=None) -> None:
            latency.update(seconds=seconds, only=only)

        def run(self, action, params=None, entities=None, *, deadline: float, **options) -> Out:
            return run_action(action, params, entities, deadline_ms=round((clock() + deadline) * 1000), **options)

    slow = SlowAWS()
    slow.clock = clock
    slow.attempts = []

    def slow_client(service, **kwargs):
        client = original(service, **kwargs)

        def wait(request, event_name, **_):
            operation = event_name.rsplit(".", 1)[-1]
            slow.attempts.append(operation)
            if not latency or (latency["only"] is not None and operation not in latency["only"]):
                return None
            # The timeouts the manager set for this very attempt, sent now.
            sent = clock()
            read_timeout = client._endpoint.http_session._get_request_timeout(request).read_timeout
            if latency["seconds"] <= read_timeout:
                clock.advance_to(sent + latency["seconds"])
                return None  # moto answers
            clock.advance_to(sent + read_timeout)
            botocore_stubber(event_name=event_name, request=request)
            raise ReadTimeoutError(endpoint_url=request.url)

        client.meta.events.register_first(f"before-send.{service}", wait)
        return client

    monkeypatch.setattr(AWSIAMManager, "_new_client", slow_client)
    return slow


class StubbedAWS:
    """botocore Stubbers on the clients the manager builds, for what moto cannot produce:
    IAM-style paging, throttling, LimitExceeded."""

    def __init__(self):
        import boto3
        from botocore.stub import Stubber

        self.clients = {service: boto3.client(service, region_name="us-east-1") for service in ("iam", "sts")}
        for client in self.clients.values():
            client._record_calls = True
        self.iam = Stubber(self.clients["iam"])
        self.sts = Stubber(self.clients["sts"])

    def __enter__(self):
        self.iam.activate()
        self.sts.activate()
        return self

    def __exit__(self, *exc_info):
        self.iam.deactivate()
        self.sts.deactivate()

    def verify(self):
        self.iam.assert_no_pending_responses()
        self.sts.assert_no_pending_responses()


@pytest.fixture
def stub_aws(run_action, monkeypatch):
    """Replaces moto with Stubbers for the action's clients; queue responses on .iam / .sts.
    A Stubber answers in queue order, so stubbed runs settle one item at a time."""
    import AWSIAMManager
    import BulkEngine

    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 1)
    monkeypatch.setattr(BulkEngine, "MAX_READS_IN_FLIGHT", 1)
    with StubbedAWS() as stubbed:
        monkeypatch.setattr(AWSIAMManager, "_new_client", lambda service, **kwargs: stubbed.clients[service])
        yield stubbed
        stubbed.verify()


def stub_assume_role(stubbed: StubbedAWS, *, external_id: str | None = EXTERNAL_ID):
    """Queue the AssumeRole answer a ROLE_CONFIG run starts with, checking what is asked."""
    import datetime

    expected = {"RoleArn": ROLE_ARN, "RoleSessionName": "GoogleSecOpsSOAR-AWSIAM"}
    if external_id:
        expected["ExternalId"] = external_id
    credentials = {"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": TEMPORARY_SECRET,
                   "SessionToken": SESSION_TOKEN, "Expiration": datetime.datetime(2030, 1, 1)}
    stubbed.sts.add_response(
        "assume_role",
        {"Credentials": credentials,
         "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLEROLEID:GoogleSecOpsSOAR-AWSIAM", "Arn": ROLE_SESSION_ARN}},
        expected_params=expected,
    )


def stub_get_user(stubbed: StubbedAWS, name: str, *, account: str = KEYS_ACCOUNT, path: str = "/"):
    """Queue GetUser's answer for `name`: how every action on User entities finds its user."""
    import datetime

    user = {"UserName": name, "UserId": "AIDA" + ("".join(filter(str.isalnum, name.upper())) + "X" * 17)[:17], "Path": path,
            "Arn": f"arn:aws:iam::{account}:user{path}{name}", "CreateDate": datetime.datetime(2020, 12, 3, 12, 12, 20)}
    stubbed.iam.add_response("get_user", {"User": user}, expected_params={"UserName": name})
    return user


@pytest.fixture(params=["keys", "role"])
def stubbed_connection(request, stub_aws):
    """The configuration of a stubbed run: once with plain keys, once through a role (its
    AssumeRole queued first), so that leak tests cover the temporary credentials too."""
    if request.param == "keys":
        return CONFIG
    stub_assume_role(stub_aws)
    return ROLE_CONFIG


@pytest.fixture(scope="session")
def moto_server():
    """moto's server on loopback, shared by the end-to-end tests; state is reset per test.
    It imitates a real account, so AWS's managed policies (ReadOnlyAccess, ...) exist."""
    from moto_server import MotoServer

    with MotoServer(managed_policies=True) as server:
        yield server


@pytest.fixture
def fresh_moto(moto_server):
    """The shared moto server with fresh state and an empty call log (reset once per test)."""
    moto_server.reset_state()
    moto_server.reset_calls()
    return moto_server


@pytest.fixture
def run_script(fresh_moto):
    """run_script(action, params, entities, config=..., **runner options) as the platform runs it,
    against moto's server. Returns the local runner's ActionOutput with `.iam_calls` taken from
    the server's log. Runner options pass through: endpoint_url=fault_proxy.url,
    deadline_seconds=..., overrides={...}."""
    from local_runner import run_script as run_subprocess

    def run(action, params=None, entities=None, *, config=CONFIG, entity_details=None, **runner_options):
        fresh_moto.reset_calls()
        runner_options.setdefault("endpoint_url", fresh_moto.url)
        output = run_subprocess(action, params or {}, config, entities, entity_details=entity_details, **runner_options)
        output.iam_calls = fresh_moto.iam_calls()
        output.calls = fresh_moto.calls
        return output

    return run


@pytest.fixture
def fault_proxy(fresh_moto):
    """A FaultProxy in front of the shared moto server (fresh state), passing everything through
    until the test configures it. Point a run at it with endpoint_url=fault_proxy.url:

        fault_proxy.configure(seed=3, latency_ms=100, throttling=0.3, unavailable=0.05, lost=0.1)
        out = run_script("Create a User", {"User Name": names}, endpoint_url=fault_proxy.url)
        assert fault_proxy.count("CreateUser") == ...; fault_proxy.faults("lost")

    `.iam_calls` of that output (moto's log) then holds only the requests that reached moto."""
    from fault_proxy import FaultProxy

    with FaultProxy(fresh_moto.url) as proxy:
        yield proxy


class _HtmlHandler(BaseHTTPRequestHandler):
    """Answers every request HTTP 200 with the server's `body`, as a proxy's login page does."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body, content_type = self.server.answer
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def html_endpoint():
    """An endpoint on 127.0.0.1 (an ephemeral port) that answers everything with HTTP 200 and an
    HTML page; `.answer = (body bytes, content type)` changes it. Its `url` goes to endpoint_url."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    server.daemon_threads = True
    server.answer = (b"<html><body><h1>Sign in to continue</h1></body></html>", "text/html; charset=utf-8")
    server.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server_iam(fresh_moto):
    """A client on the same moto server, for arranging and checking account state; its calls
    go to moto directly, never through a fault proxy."""
    import boto3

    return boto3.client("iam", endpoint_url=fresh_moto.url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def assert_no_credentials(text: str, *also: str):
    """Neither the configured secret nor any temporary credential appears in the text."""
    known = (SECRET, TEMPORARY_SECRET, SESSION_TOKEN, *also, *issued_role_credentials())
    leaked = [value for value in known if value in text]
    assert leaked == [], "a secret or a temporary credential reached the output"


def assert_clean(out):
    """A subprocess run ended as the platform expects: exit 0, no traceback, no secret anywhere."""
    assert out.exit_code == 0
    assert "Traceback" not in out.message
    assert_no_credentials(out.stdout + out.stderr + out.debug_output)


def iam_acting_in(account: str, **client_args):
    """An IAM client acting in another moto account, for arranging and checking its state. moto
    hands out credentials for any role ARN of that account, whether the role exists or not."""
    import boto3

    credentials = boto3.client("sts", **client_args).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/TestArrange", RoleSessionName="test-arrange"
    )["Credentials"]
    keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}
    return boto3.client("iam", **{**client_args, **keys})
