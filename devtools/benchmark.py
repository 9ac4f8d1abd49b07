"""Measure what each action costs as the platform runs it: wall time, import time, peak memory
and AWS calls; then Enrich User on ten users with 0 and 100 ms added to every AWS call. A
measurement, not a test: numbers vary by machine.

    .venv/bin/python devtools/benchmark.py [--runs 5]

Each action runs as a subprocess (through the local runner) against an embedded moto server.
Wall time includes moto's own work, so it is an upper bound for the script.
"""

import argparse
import http.client
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_runner import REPO_ROOT, SDK_DIR, run_script  # noqa: E402

sys.path.insert(0, str(REPO_ROOT / "Managers"))
from BulkEngine import MAX_WORKERS  # noqa: E402
from moto_server import MotoServer  # noqa: E402

CONFIG = {"AWS Access Key ID": "testing", "AWS Secret Key": "testing", "Verify SSL": "true"}

# (label, action, parameters): reads on a seeded account, and writes whose names never clash.
CASES = [
    ("Ping", "Ping", {}),
    ("List Users (1000 of 1200)", "List Users", {"Max Users to Return": "1000"}),
    ("List Groups (default 50)", "List Groups", {}),
    ("Create a User (5 names)", "Create a User", None),
]


def seed(server):
    import boto3

    iam = boto3.client("iam", endpoint_url=server.url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    for index in range(1200):
        iam.create_user(UserName=f"bench-user-{index:04d}")
    for index in range(60):
        iam.create_group(GroupName=f"bench-group-{index:02d}")


def import_seconds(module: str) -> float:
    """Time to import a module in a fresh interpreter, minus the interpreter's own start-up."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "Managers"), str(SDK_DIR)])}

    def run(code):
        times = []
        for _ in range(5):
            output = subprocess.run([sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)"],
                                    env=env, capture_output=True, text=True, check=True)
            times.append(float(output.stdout))
        return statistics.median(times)

    return run(f"import {module}")


# --- Enrich User: concurrency under latency -------------------------------------------------------

ENRICH_USERS = [f"bench-enrich-{index:02d}" for index in range(10)]


def seed_enrichment(server):
    """Ten users, each with a group, an access key and a console password: 7 calls each plus one
    per key, 80 in all."""
    iam = iam_client(server.url)
    iam.create_group(GroupName="bench-enrich-team")
    for name in ENRICH_USERS:
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="bench-enrich-team", UserName=name)
        iam.create_access_key(UserName=name)
        iam.create_login_profile(UserName=name, Password="Bench-Passw0rd!")


def iam_client(url):
    import boto3

    return boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


class LatencyProxy:
    """Forwards every request to moto after `latency` seconds, the way a distant AWS endpoint
    answers, and notes how many requests were in flight at once and how long the calls spanned."""

    def __init__(self, target_url: str):
        target = urlsplit(target_url)
        proxy = self
        self.latency = 0.0
        self._lock = threading.Lock()
        self.reset()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy._started()
                try:
                    time.sleep(proxy.latency)
                    upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                    upstream.request(self.command, self.path, body, dict(self.headers))
                    answer = upstream.getresponse()
                    payload = answer.read()
                    upstream.close()
                finally:
                    proxy._finished()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reset(self):
        with self._lock:
            self.in_flight = self.peak = self.requests = 0
            self.first = self.last = None

    def _started(self):
        with self._lock:
            self.in_flight += 1
            self.requests += 1
            self.peak = max(self.peak, self.in_flight)
            self.first = self.first or time.monotonic()

    def _finished(self):
        with self._lock:
            self.in_flight -= 1
            self.last = time.monotonic()

    @property
    def span(self) -> float:
        """From the first request's arrival to the last answer: the run's time spent on AWS."""
        return (self.last - self.first) if self.first and self.last else 0.0

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def measure_enrichment(server, runs):
    seed_enrichment(server)
    proxy = LatencyProxy(server.url)
    spans = {}
    try:
        print(f"\nEnrich User on {len(ENRICH_USERS)} users (a key, a group and a console password each), "
              f"through a proxy that delays every AWS call (median of {runs} runs):")
        print(f"  {'latency':>8} {'wall':>8} {'AWS span':>9} {'calls':>6} {'in flight':>10} {'latency added':>14} "
              f"{'one at a time':>14} {f'floor at {MAX_WORKERS}':>11}")
        for latency_ms in (0, 100):
            proxy.latency = latency_ms / 1000
            walls, run_spans = [], []
            for _ in range(runs):
                proxy.reset()
                output = run_script("Enrich User", {}, CONFIG, ENRICH_USERS, endpoint_url=proxy.url)
                if output.message.splitlines()[0] != f"Successfully enriched the following users from AWS IAM: {', '.join(ENRICH_USERS)}":
                    raise SystemExit(f"Enrich User did not enrich every user: {output.message}")
                walls.append(output.wall_seconds)
                run_spans.append(proxy.span)
            spans[latency_ms] = statistics.median(run_spans)
            added = spans[latency_ms] - spans[0]
            print(f"  {latency_ms:>5} ms {statistics.median(walls) * 1000:6.0f} ms {spans[latency_ms] * 1000:6.0f} ms "
                  f"{proxy.requests:>6} {'max ' + str(proxy.peak):>10} {added * 1000:11.0f} ms "
                  f"{proxy.requests * latency_ms:11.0f} ms {proxy.requests * latency_ms / MAX_WORKERS:8.0f} ms")
        print("  AWS span: from the first AWS request to the last answer, as the proxy saw them; at 0 ms it is moto's\n"
              "  own work, which shares one Python process (and its lock) with the proxy. Latency added: the span at\n"
              "  that latency less the span at 0 ms. One at a time: the latency alone, were the calls made one after\n"
              f"  another. Floor at {MAX_WORKERS}: the latency alone, were {MAX_WORKERS} calls always in flight "
              "(the connection pool's size).")
    finally:
        proxy.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    print("Import time in a fresh interpreter (median of 5):")
    for module in ("ActionRunner", "AWSIAMManager"):
        print(f"  {module:<16} {import_seconds(module) * 1000:7.1f} ms")

    with MotoServer() as server:
        seed(server)
        print(f"\nActions as subprocesses against moto (median of {args.runs} runs):")
        print(f"  {'action':<28} {'wall':>8} {'peak RSS*':>10}  IAM calls")
        for label, action, params in CASES:
            walls, calls = [], []
            for run in range(args.runs):
                parameters = params if params is not None else {"User Name": ",".join(f"bench-{run}-{i}" for i in range(5))}
                server.reset_calls()
                output = run_script(action, parameters, CONFIG, endpoint_url=server.url)
                walls.append(output.wall_seconds)
                calls = server.iam_calls()
            # ru_maxrss of children is the largest child so far, in KiB on Linux.
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"  {label:<28} {statistics.median(walls) * 1000:6.0f} ms {peak:7.1f} MiB  {len(calls)} ({', '.join(sorted(set(calls)))})")
        print("  * the largest script process so far (the OS keeps one maximum for all children)")
        measure_enrichment(server, args.runs)


if __name__ == "__main__":
    main()
