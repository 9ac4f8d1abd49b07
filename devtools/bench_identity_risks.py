"""`make bench`, identity risks: List Identity Risks and the connector on an account of 5,000 users,
as the platform runs them (subprocesses, through the local runner) against an embedded moto
server. Prints wall time, the largest script's peak memory, and the exact AWS calls: one
credential report and three ListEntitiesForPolicy, whatever the account's size.

    .venv/bin/python devtools/bench_identity_risks.py [--users 5000]

The account is seeded straight into moto's in-process backend (5,000 CreateUser requests would
measure moto, not the integration): a third of the users have a console password without MFA,
half have an access key, one in ten has two, and one in 200 is quarantined by AWS.
"""

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_runner import run_connector, run_script  # noqa: E402
from moto_server import MotoServer  # noqa: E402

CONFIG = {"AWS Access Key ID": "testing", "AWS Secret Key": "testing", "Verify SSL": "true"}
QUARANTINE = "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"


def seed(users: int) -> int:
    """The account's users, straight into moto's backend; returns how many are quarantined."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import iam_backends

    backend = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    quarantined = 0
    for index in range(users):
        name = f"bench-user-{index:05d}"
        backend.create_user("us-east-1", name)
        if index % 3 == 0:
            backend.create_login_profile(name, "Pa55word!x")
        if index % 2 == 0:
            backend.create_access_key(name)
        if index % 10 == 0:
            backend.create_access_key(name)
        if index % 200 == 0:
            backend.attach_user_policy(QUARANTINE, name)
            quarantined += 1
    return quarantined


def one_report(calls: list[str]) -> bool:
    """GenerateCredentialReport until COMPLETE (once when the report is fresh), three
    ListEntitiesForPolicy and one GetCredentialReport: nothing per user."""
    return (calls.count("ListEntitiesForPolicy") == 3 and calls.count("GetCredentialReport") == 1
            and set(calls) == {"GenerateCredentialReport", "ListEntitiesForPolicy", "GetCredentialReport"})


def peak_mib() -> float:
    # ru_maxrss of children: the largest child waited for so far, in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    args = parser.parse_args()
    print(f"\nIdentity risks on an account of {args.users} users (one subprocess each, against moto):")
    problems = []
    with MotoServer(managed_policies=True) as server:
        started = time.monotonic()
        quarantined = seed(args.users)
        print(f"  seeded in {time.monotonic() - started:.1f} s; {quarantined} users quarantined by AWS")

        server.reset_calls()
        action = run_script("List Identity Risks", {"Max Findings To Return": "1000"}, CONFIG, endpoint_url=server.url)
        calls = server.iam_calls()
        print(f"  {'List Identity Risks':<34} {action.wall_seconds * 1000:6.0f} ms  peak RSS {peak_mib():5.1f} MiB  "
              f"{len(calls)} IAM calls ({', '.join(dict.fromkeys(calls))})")
        print(f"    {action.lines[0]}")
        if not one_report(calls):
            problems.append(f"List Identity Risks made {calls}")

        with tempfile.TemporaryDirectory() as tmp:
            store = Path(tmp) / "context.json"
            cycles = [("connector, first cycle (cap 20)", "20")]
            while cycles:
                label, cap = cycles.pop()
                server.reset_calls()
                cycle = run_connector(parameters={**CONFIG, "Minimum Severity": "low", "Max Alerts Per Cycle": cap},
                                      context_store=store, endpoint_url=server.url)
                calls = server.iam_calls()
                memory = json.loads(store.read_text()) if store.exists() else {}
                size = sum(len(value) for value in memory.values())
                print(f"  {label:<34} {cycle.wall_seconds * 1000:6.0f} ms  peak RSS {peak_mib():5.1f} MiB  "
                      f"{len(calls)} IAM calls; {len(cycle.alerts)} alerts; memory {size / 1024:.0f} KiB")
                if not one_report(calls) or cycle.errors:
                    problems.append(f"{label}: {calls} {cycle.errors}")
                if cycle.alerts:
                    cycles.append(("connector, next cycle (cap 1000)", "1000"))
    print("  peak RSS: the largest script process so far (the OS keeps one maximum for all children)")
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
