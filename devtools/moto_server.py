"""A moto server on loopback that logs every AWS request as (service, action).

Dev/test tooling only. Tests and the local runner point boto3 at `.url` (via AWS_ENDPOINT_URL)
and then assert on the calls an action made, e.g. `server.iam_calls() == ["ListUsers"]`.

    with MotoServer(managed_policies=True) as server:   # AWS's managed policies, as in a real account
        ...
        server.iam_calls(); server.reset_calls(); server.reset_state()

The log is also served over HTTP at GET /_devtools/calls, so a CLI run against an already
running server (`python devtools/moto_server.py`) can show the calls it made (see fetch_calls).

Note: the server runs moto in this process, so it shares moto's in-memory backends with any
`mock_aws` used in the same process; don't mix the two in one test.
"""

import argparse
import io
import json
import os
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import parse_qs

from werkzeug.serving import WSGIRequestHandler, make_server

HOST = "127.0.0.1"
CALLS_PATH = "/_devtools/calls"
MANAGED_POLICIES_ENV = "MOTO_IAM_LOAD_MANAGED_POLICIES"
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass  # werkzeug would print every request to stderr


class _RecordingMiddleware:
    def __init__(self, app, on_call=None):
        self._app = app
        self._on_call = on_call
        self._lock = threading.Lock()
        self.calls = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == CALLS_PATH:
            body = json.dumps(self.snapshot()).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
            return [body]
        if not path.startswith("/moto-api"):
            call = _describe(environ)
            with self._lock:
                self.calls.append(call)
            if self._on_call:
                self._on_call(call)
        return self._app(environ, start_response)

    def snapshot(self):
        with self._lock:
            return list(self.calls)

    def clear(self):
        with self._lock:
            self.calls.clear()


def _describe(environ):
    """(service, action) of one request; reads the body and puts it back for moto."""
    match = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    service = match.group(1) if match else None
    if service == "s3":
        return service, f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"

    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)

    action = None
    if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        action = _first(parse_qs(body.decode("utf-8", "replace")).get("Action"))
    action = action or _first(parse_qs(environ.get("QUERY_STRING", "")).get("Action"))
    target = environ.get("HTTP_X_AMZ_TARGET")  # JSON-protocol services: "<Prefix>.<Action>"
    if not action and target:
        action = target.rsplit(".", 1)[-1]
    return service, action


def _first(values):
    return values[0] if values else None


class MotoServer:
    """moto's server app on 127.0.0.1 in a daemon thread, with a request log.

    managed_policies: the default account (the one plain keys act in) has AWS's managed policies
    (ReadOnlyAccess, ...), as a real one does, from the start and after each reset_state; other
    accounts (reached through a role) do not. It costs about 0.3 s each time (moto builds
    ~1,400 policies), so only the servers that imitate a real account ask for it."""

    def __init__(self, port=0, on_call=None, *, managed_policies=False):
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self._log = _RecordingMiddleware(DomainDispatcherApplication(create_backend_app), on_call)
        # Port 0: the OS picks a free port at bind time, so there is no race.
        self._server = make_server(HOST, port, self._log, threaded=True,
                                   request_handler=_QuietHandler)
        self.url = f"http://{HOST}:{self._server.server_port}"
        self._managed_policies = managed_policies
        if managed_policies:
            _load_managed_policies()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"moto-server-{self._server.server_port}")
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def calls(self):
        """Every request so far as (service, action), in order."""
        return self._log.snapshot()

    def calls_for(self, service):
        return [action for svc, action in self.calls if svc == service]

    def iam_calls(self):
        return self.calls_for("iam")

    def reset_calls(self):
        self._log.clear()

    def reset_state(self):
        """Forget every AWS resource (moto's own reset endpoint); the call log is kept."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass
        if self._managed_policies:
            _load_managed_policies()

    def stop(self):
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()


def issued_role_credentials():
    """The secret key and session token of every role session moto has handed out in this
    process (a MotoServer's and mock_aws's alike), so that a check can prove none leaked."""
    from moto.sts.models import sts_backends

    return {
        value
        for _, by_partition in sts_backends.items()
        for _, backend in by_partition.items()
        for session in backend.assumed_roles
        for value in (session.secret_access_key, session.session_token)
    }


def _load_managed_policies():
    """Give the default account's IAM AWS's managed policies.

    moto reads MOTO_IAM_LOAD_MANAGED_POLICIES when it creates an account's IAM backend. Setting it
    for the whole process would slow down every mock_aws start in the same process (the in-process
    tests), so it is set only while this one backend is created here. An IAM backend that exists
    without them is reset."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    previous = os.environ.get(MANAGED_POLICIES_ENV)
    os.environ[MANAGED_POLICIES_ENV] = "true"
    try:
        backend = iam_backends[DEFAULT_ACCOUNT_ID]["aws"]
        if not backend.aws_managed_policies:
            backend.reset()
    finally:
        if previous is None:
            del os.environ[MANAGED_POLICIES_ENV]
        else:
            os.environ[MANAGED_POLICIES_ENV] = previous


def fetch_calls(url, timeout=5):
    """The request log of a MotoServer at `url` as [(service, action)], or None when the
    endpoint is not a devtools MotoServer (plain moto, real AWS, unreachable)."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + CALLS_PATH, timeout=timeout) as response:
            return [tuple(call) for call in json.load(response)]
    except (urllib.error.URLError, OSError, ValueError):
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a moto server on 127.0.0.1 that logs "
                                                 "each AWS request.")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    args = parser.parse_args(argv)
    server = MotoServer(port=args.port, managed_policies=True,
                        on_call=lambda call: print(f"  {call[0]} {call[1]}", flush=True))
    print(f"moto server listening on {server.url}", flush=True)
    print(f"  run actions against it: python devtools/run_action.py \"Ping\" "
          f"--endpoint {server.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
