"""Measure what each action costs as the platform runs it: wall time, import time, peak memory
and AWS calls. A measurement, not a test: numbers vary by machine.

    .venv/bin/python devtools/benchmark.py [--runs 5]

Each action runs as a subprocess (through the local runner) against an embedded moto server.
Wall time includes moto's own work, so it is an upper bound for the script.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_runner import REPO_ROOT, SDK_DIR, run_script  # noqa: E402
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


if __name__ == "__main__":
    main()
