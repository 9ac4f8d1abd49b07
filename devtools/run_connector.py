"""Run cycles of the AWS IAM Identity Risks Connector locally and show the alerts each creates.

    python devtools/run_connector.py                          # one cycle, fresh embedded moto
    python devtools/run_connector.py --cycles 2 -p "Minimum Severity=low"
    python devtools/run_connector.py --test-run               # the platform's "Test" button
    python devtools/run_connector.py --endpoint http://127.0.0.1:5000 --context /tmp/risks.json

Each cycle is the real script in a subprocess, as the platform runs it (devtools/local_runner.py).
The connector's context properties are kept in the --context file (a temporary one by default),
so a later cycle, or a later invocation given the same file, remembers what was reported.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_runner import CONNECTOR, RunnerError, run_connector  # noqa: E402
from moto_server import MotoServer  # noqa: E402
from text_table import grid  # noqa: E402

MOTO_KEYS = {"AWS Access Key ID": "testing", "AWS Secret Key": "testing", "Verify SSL": "true"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--param", action="append", default=[], help='a connector parameter, "Name=value"')
    parser.add_argument("--cycles", type=int, default=1)
    parser.add_argument("--test-run", action="store_true", help="the platform's Test button: nothing is remembered")
    parser.add_argument("--endpoint", help="a running moto server (devtools/moto_server.py); default: a fresh one")
    parser.add_argument("--context", type=Path, help="the file that keeps the connector's context between runs")
    args = parser.parse_args(argv)
    try:
        parameters = {**MOTO_KEYS, **dict(item.split("=", 1) for item in args.param)}
    except ValueError:
        print('error: -p takes "Name=value"', file=sys.stderr)
        return 2
    server = None if args.endpoint else MotoServer(managed_policies=True)
    scratch = tempfile.TemporaryDirectory()
    context = args.context or Path(scratch.name) / "context.json"
    try:
        for number in range(1, args.cycles + 1):
            out = run_connector(CONNECTOR, parameters, context_store=context, test_run=args.test_run,
                                endpoint_url=args.endpoint or server.url)
            print(f"> {CONNECTOR}: {'test run' if args.test_run else f'cycle {number}'}")
            for row in out.log_rows:
                print(f"  {row['level']:<7} {row['message']}")
            rows = [[alert["name"], alert["priority"], alert["events"][0]["Arn"], alert["ticket_id"]]
                    for alert in out.alerts]
            if rows:
                print("  " + grid(["alert", "priority", "Arn (User entity)", "ticket_id"], rows).replace("\n", "\n  "))
    except RunnerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        scratch.cleanup()
        if server:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
