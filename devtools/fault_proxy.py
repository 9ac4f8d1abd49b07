"""A loopback HTTP proxy in front of moto's server that injects what real AWS does to bulk work:
latency, Throttling, 503s and lost answers. Dev/test tooling only, never packaged.

Scripts reach it as they reach moto, through AWS_ENDPOINT_URL:

    with FaultProxy(moto.url, seed=7, latency_ms=100, throttling=0.3, unavailable=0.05,
                    lost=0.1) as proxy:
        run_script("Create a User", {"User Name": names}, config, endpoint_url=proxy.url)
        proxy.count("CreateUser")          # every attempt the script made, faults included
        proxy.faults("lost")               # the requests moto executed but whose answer was lost
        proxy.peak_in_flight               # the most requests it held at once: the concurrency
        proxy.configure(throttling=0)      # change the settings between runs

Faults, per request:
- "throttling": HTTP 400 with the query protocol's XML error, code Throttling; not forwarded.
- "503": HTTP 503 ServiceUnavailable; not forwarded.
- "lost-503" / "lost-drop": forwarded, so moto executes it, then the answer is replaced with a 503
  or the connection is closed without any answer. `lost` is the probability of either; `lost_as`
  says which kinds may happen.
- "denied" (by `rule` only): HTTP 403 AccessDenied; not forwarded. A refusal after a lost answer
  is what leaves an action not knowing whether its write took effect.
`hang={"ListUsers"}` never answers those actions (the request is held until the proxy stops).
`only={"CreateUser"}` limits faults to some actions; `rule=lambda action, params, occurrence: ...`
picks each fault itself (e.g. "lost-drop" for the first CreateUser of bob only).

Repeatable under concurrency: a request's fault is a hash of (seed, the request itself, how many
times this same request was seen before), never a draw from a shared random sequence. So the same
seed and the same requests get the same faults in whatever order threads send them, and a retry
(the same body again) gets its own, independent draw.
"""

import hashlib
import http.client
import re
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

from moto_server import CREDENTIAL_SCOPE

HOST = "127.0.0.1"
THROTTLING, UNAVAILABLE, LOST_503, LOST_DROP = "throttling", "503", "lost-503", "lost-drop"
FAULTS = (THROTTLING, UNAVAILABLE, LOST_503, LOST_DROP)
DENIED = "denied"  # chosen by a rule only, never drawn
_LOST_KINDS = {"503": LOST_503, "drop": LOST_DROP}
# Requests that configure moto itself (reset, the call log) are passed through untouched.
_CONTROL_PATHS = ("/moto-api", "/_devtools")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
               "te", "trailer", "expect", "content-length", "server", "date"}
# An idle keep-alive connection is closed after this long, so no handler thread lives forever.
IDLE_SECONDS = 30
UPSTREAM_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    latency_ms: float = 0           # added to every request, faulted or not
    hang: frozenset = frozenset()   # actions never answered: held until the proxy stops
    throttling: float = 0.0         # probabilities, per request; their sum is at most 1
    unavailable: float = 0.0
    lost: float = 0.0
    lost_as: tuple = ("503", "drop")
    only: object = None             # fault only these actions (e.g. {"CreateUser"}); None: all
    # Decides instead of the probabilities: rule(action, params, occurrence) -> a fault or None.
    rule: Callable | None = None

    def __post_init__(self):
        object.__setattr__(self, "hang", frozenset(self.hang))
        if isinstance(self.lost_as, str):
            object.__setattr__(self, "lost_as", (self.lost_as,))
        if min(self.throttling, self.unavailable, self.lost) < 0 or \
                self.throttling + self.unavailable + self.lost > 1:
            raise ValueError("fault probabilities must be >= 0 and add up to at most 1")
        if not self.lost_as or set(self.lost_as) - set(_LOST_KINDS):
            raise ValueError(f"lost_as must name some of {sorted(_LOST_KINDS)}")


@dataclass(frozen=True)
class ProxiedRequest:
    """One request as the proxy saw and answered it."""

    seq: int                # arrival order, from 0
    service: str | None     # from the signature's credential scope: "iam", "sts", ...
    action: str | None      # the query-protocol Action, e.g. "CreateUser"
    params: dict            # the other form parameters (Version left out), first value each
    occurrence: int         # 1 the first time this exact request arrived, 2 for its first repeat
    fault: str | None       # None or one of FAULTS
    status: int | None      # what the client got; None when the connection was dropped
    reached_moto: bool      # moto executed it (no fault, or a lost answer)
    arrived: float          # time.monotonic() when it arrived, and when it was answered
    answered: float | None = None


class FaultProxy:
    """The proxy on 127.0.0.1 (an ephemeral port) in daemon threads; `url` is its endpoint."""

    def __init__(self, upstream_url, **settings):
        upstream = urlsplit(upstream_url)
        self._upstream = (upstream.hostname, upstream.port)
        self._settings = Settings(**settings)
        self._lock = threading.Lock()   # guards the log and the counts; never held during I/O
        self._log: list[ProxiedRequest] = []
        self._seen: dict[str, int] = {}
        self._arrivals = 0
        self._in_flight = self._peak_in_flight = 0
        self._arrived: list[str | None] = []  # every request's action, answered or not
        # Set when the proxy stops: a request still held (latency, hang) is then dropped, never
        # forwarded, so that it cannot reach moto in the middle of the next test.
        self._stopping = threading.Event()
        self._server = _Server((HOST, 0), _Handler, self)
        self.url = f"http://{HOST}:{self._server.server_port}"
        # A short poll interval: stop() waits for it, and tests start and stop a proxy each.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                                        name=f"fault-proxy-{self._server.server_port}")
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def configure(self, **changes):
        """Change some settings for the requests that arrive from now on."""
        self._settings = replace(self._settings, **changes)

    @property
    def settings(self):
        return self._settings

    # --- What happened ---------------------------------------------------------------------

    @property
    def log(self) -> list[ProxiedRequest]:
        """Every answered request, in arrival order."""
        with self._lock:
            return sorted(self._log, key=lambda request: request.seq)

    def actions(self) -> list[str]:
        return [request.action for request in self.log]

    def arrived(self, action=None) -> int:
        """Requests that arrived for `action` (all when None), answered yet or not: a hung
        request counts here, and in `count` only once answered."""
        with self._lock:
            return sum(1 for arrived in self._arrived if action in (None, arrived))

    def count(self, action=None, **params) -> int:
        """Requests (attempts, faulted ones included) for `action` whose parameters match."""
        return sum(1 for request in self.log
                   if action in (None, request.action)
                   and all(request.params.get(name) == value for name, value in params.items()))

    @property
    def connections(self) -> int:
        """Client connections accepted so far; with keep-alive, far fewer than requests."""
        return self._server.accepted

    @property
    def peak_in_flight(self) -> int:
        """The most requests in progress at the same moment since the start or the last reset."""
        with self._lock:
            return self._peak_in_flight

    def span_seconds(self) -> float:
        """From the first request's arrival to the last answer: the time a run spent on AWS
        calls, without the interpreter's start-up and the script's own work before and after."""
        log = self.log
        return max(r.answered for r in log) - min(r.arrived for r in log) if log else 0.0

    def faults(self, kind=None) -> list[ProxiedRequest]:
        """The faulted requests: all of them, one kind, or "lost" for both kinds of lost answer."""
        return [request for request in self.log if request.fault and (
            kind is None or request.fault == kind or (kind == "lost" and request.fault.startswith("lost-")))]

    def reset(self):
        """Forget the log and the occurrence counts (a new run starts from occurrence 1 again)."""
        with self._lock:
            self._log.clear()
            self._arrived.clear()
            self._seen.clear()
            self._arrivals = 0
            self._peak_in_flight = self._in_flight

    def stop(self):
        self._stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.close_connections()
        self._server.server_close()

    # --- Used by the handler threads -------------------------------------------------------

    def _admit(self, method, path, headers, body):
        """The request's description and fault; counts its occurrence."""
        match = CREDENTIAL_SCOPE.search(headers.get("Authorization", ""))
        service = match.group(1) if match else None
        form = _form(headers, body)
        key = "\n".join([method, path, str(service), _canonical(form, body)])
        settings = self._settings
        arrived = time.monotonic()
        with self._lock:
            seq = self._arrivals
            self._arrivals += 1
            self._arrived.append(form.get("Action"))
            occurrence = self._seen[key] = self._seen.get(key, 0) + 1
        action = form.get("Action")
        params = {name: value for name, value in form.items() if name not in ("Action", "Version")}
        fault = _decide(settings, key, occurrence, action, params)
        with self._lock:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
        described = ProxiedRequest(seq, service, action, params, occurrence, fault, None, False,
                                   arrived)
        return described, settings, form.get("Version")

    def _record(self, request):
        """Log an answered request. Done before the answer goes out, so a client never sees an
        answer whose request is missing from the log or still counted as in flight."""
        with self._lock:
            self._log.append(replace(request, answered=time.monotonic()))
            self._in_flight -= 1

    def _abandon(self):
        """A request that ended in an error of the proxy itself, before it was recorded."""
        with self._lock:
            self._in_flight -= 1

    def _forward(self, method, path, headers, body):
        """(status, headers, body) from moto; a 502 when moto cannot be reached."""
        connection = http.client.HTTPConnection(*self._upstream, timeout=UPSTREAM_TIMEOUT_SECONDS)
        try:
            connection.request(method, path, body=body, headers=_end_to_end(headers.items()))
            response = connection.getresponse()
            return response.status, _end_to_end(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException) as err:
            return 502, {"Content-Type": "text/plain"}, f"fault proxy: moto unreachable: {err}".encode()
        finally:
            connection.close()


def _decide(settings, key, occurrence, action, params):
    if settings.rule is not None:
        fault = settings.rule(action, params, occurrence)
        if fault not in (None, *FAULTS, DENIED):
            raise ValueError(f"rule returned {fault!r}; expected None or one of {(*FAULTS, DENIED)}")
        return fault
    if settings.only is not None and action not in settings.only:
        return None
    draw = _unit(settings.seed, key, occurrence, "fault")
    for fault, probability in ((THROTTLING, settings.throttling), (UNAVAILABLE, settings.unavailable),
                               ("lost", settings.lost)):
        if draw < probability:
            if fault != "lost":
                return fault
            kinds = sorted(settings.lost_as)
            return _LOST_KINDS[kinds[int(_unit(settings.seed, key, occurrence, "lost") * len(kinds))]]
        draw -= probability
    return None


def _unit(seed, key, occurrence, purpose):
    """A number in [0, 1) that depends only on its arguments."""
    digest = hashlib.sha256(f"{seed}\0{purpose}\0{occurrence}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# An ISO 8601 date and time, with or without fractions of a second and a zone.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
# A unique ID of IAM or STS: an access key (AKIA, ASIA), a user (AIDA), a role (AROA), a group (AGPA)...
_UNIQUE_ID = re.compile(r"\bA(?:KIA|SIA|IDA|ROA|GPA|NPA|NVA|PKA|CCA|IPA)[A-Z0-9]{12,}")


def _made_up(value):
    return _UNIQUE_ID.sub("<id>", _TIMESTAMP.sub("<time>", value))


def _form(headers, body):
    if "x-www-form-urlencoded" not in headers.get("Content-Type", ""):
        return {}
    form = {}
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        form.setdefault(name, value)
    return form


def _canonical(form, body):
    # Sorted, so the same parameters are the same request whatever order a client sends them in.
    # Timestamps and AWS's unique IDs are blanked: a request that carries the time it was made (a
    # containment record's `at`, a session cut-off) or an ID the account made up (an access key,
    # a role's ID in a session deny) must draw the same fault whichever second the run falls on and
    # whatever IDs moto handed out, or a seeded run would meet other faults from one run to the next.
    if form:
        return "&".join(f"{name}={_made_up(value)}" for name, value in sorted(form.items()))
    return body.hex()


def _end_to_end(headers):
    return {name: value for name, value in headers if name.lower() not in _HOP_BY_HOP}


def _error_body(service, version, error_type, code, message):
    """The XML error of the query protocol (IAM, STS), which botocore parses into code and message."""
    namespace = f"https://{service or 'iam'}.amazonaws.com/doc/{version or '2010-05-08'}/"
    return (f'<ErrorResponse xmlns="{namespace}"><Error><Type>{error_type}</Type><Code>{code}</Code>'
            f"<Message>{message}</Message></Error><RequestId>{uuid.uuid4()}</RequestId>"
            "</ErrorResponse>").encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # botocore opens up to 10 pooled connections at once; the default backlog of 5 could make the
    # kernel drop a SYN, which costs the client a whole second.
    request_queue_size = 128

    def __init__(self, address, handler, proxy):
        self.proxy = proxy
        self._connections = set()
        self._connections_lock = threading.Lock()
        self.accepted = 0
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        # A client that gave up on an answer (a script ending at its deadline) is normal here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
            self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        """Wake handler threads waiting on idle keep-alive connections, so they end now."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    timeout = IDLE_SECONDS
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK would add
    # 40 ms to every answer.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass  # http.server would print every request to stderr

    def do_request(self):
        # IAM and STS requests always carry a Content-Length; chunked uploads (S3) are not proxied.
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        proxy = self.server.proxy
        if self.path.startswith(_CONTROL_PATHS):
            self._answer(*proxy._forward(self.command, self.path, self.headers, body))
            return
        request, settings, version = proxy._admit(self.command, self.path, self.headers, body)
        try:
            self._serve(proxy, request, settings, version, body)
        except BaseException:
            if not any(logged.seq == request.seq for logged in proxy.log):
                proxy._abandon()
            raise

    def _serve(self, proxy, request, settings, version, body):
        if request.action in settings.hang:
            proxy._stopping.wait()
        elif settings.latency_ms:
            proxy._stopping.wait(settings.latency_ms / 1000)
        if proxy._stopping.is_set():
            proxy._abandon()
            self._drop()
            return
        if request.fault == THROTTLING:
            self._fail(proxy, request, 400, _error_body(request.service, version, "Sender",
                                                        "Throttling", "Rate exceeded"))
            return
        if request.fault == DENIED:
            self._fail(proxy, request, 403, _error_body(request.service, version, "Sender", "AccessDenied",
                                                        f"not authorized to perform: {request.service}:{request.action}"))
            return
        if request.fault == UNAVAILABLE:
            self._fail(proxy, request, 503, self._unavailable(request, version))
            return
        status, headers, content = proxy._forward(self.command, self.path, self.headers, body)
        if request.fault == LOST_503:
            self._fail(proxy, request, 503, self._unavailable(request, version), reached_moto=True)
        elif request.fault == LOST_DROP:
            proxy._record(replace(request, reached_moto=True))
            self._drop()
        else:
            proxy._record(replace(request, status=status, reached_moto=status != 502))
            self._answer(status, headers, content)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_request

    @staticmethod
    def _unavailable(request, version):
        return _error_body(request.service, version, "Receiver", "ServiceUnavailable",
                           "Service unavailable, try again")

    def _fail(self, proxy, request, status, content, *, reached_moto=False):
        # Recorded before answering: by the time the client sees the answer, the log has it.
        proxy._record(replace(request, status=status, reached_moto=reached_moto))
        self._answer(status, {"Content-Type": "text/xml"}, content)

    def _answer(self, status, headers, content):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def _drop(self):
        """Close the connection without a byte of answer, as when a connection is reset."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
