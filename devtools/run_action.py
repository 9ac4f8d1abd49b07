"""Run one AWSIAM action locally and show what the analyst would see on the case wall.

    python devtools/run_action.py "List Users" -p "Max Users to Return=5"
    python devtools/run_action.py "Disable User Access" -e USERUNIQNAME:alice -e bob
    python devtools/run_action.py Ping --endpoint http://127.0.0.1:5000   # shared moto server
    python devtools/run_action.py Ping --real-aws   # keys from AWSIAM_ACCESS_KEY_ID / AWSIAM_SECRET_KEY
    python devtools/run_action.py "List Users" --role-arn arn:aws:iam::444455556666:role/Name --region cn-north-1

By default the action runs against a fresh embedded moto server (throw-away state). To keep state
across runs, start `python devtools/moto_server.py` and pass its URL with --endpoint.
"""

import argparse
import csv
import dataclasses
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_runner import (  # noqa: E402
    DEFAULT_ENTITY_TYPE, RunnerError, action_parameters, resolve_script, run_script,
)
from moto_server import MotoServer, fetch_calls  # noqa: E402
from text_table import grid  # noqa: E402

KEY_ID_ENV, SECRET_ENV = "AWSIAM_ACCESS_KEY_ID", "AWSIAM_SECRET_KEY"
MOTO_KEYS = {"AWS Access Key ID": "testing", "AWS Secret Key": "testing"}


def main(argv=None):
    args = _parse_args(argv)
    try:
        parameters = dict(_split(p, "=", "-p") for p in args.param)
        entities = [_entity(e) for e in args.entity]
        resolve_script(args.action)  # fail before starting a server
        _check_parameter_names(args.action, parameters)
    except (ValueError, RunnerError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    # Real AWS only when asked for by name: exported keys alone never switch a local run over.
    real_aws = args.real_aws
    if real_aws:
        if not (os.environ.get(KEY_ID_ENV) and os.environ.get(SECRET_ENV)):
            print(f"error: real AWS needs {KEY_ID_ENV} and {SECRET_ENV} in the environment",
                  file=sys.stderr)
            return 2
        keys = {"AWS Access Key ID": os.environ[KEY_ID_ENV],
                "AWS Secret Key": os.environ[SECRET_ENV]}
    else:
        keys = dict(MOTO_KEYS)
    reach = {"Role ARN": args.role_arn, "External ID": args.external_id, "Region": args.region,
             "Cross-Account Role Name": args.cross_account_role}
    configuration = {**keys, "Verify SSL": args.verify_ssl == "true",
                     **{name: value for name, value in reach.items() if value is not None}}

    server = None if (real_aws or args.endpoint) else MotoServer(managed_policies=True)
    endpoint = None if real_aws else (args.endpoint or server.url)
    target = (f"real AWS (keys from {KEY_ID_ENV})" if real_aws else
              f"moto at {endpoint}" + (" (embedded, fresh state)" if server else ""))
    if real_aws:
        print(f"Running {args.action!r} against REAL AWS with the keys in {KEY_ID_ENV}.",
              file=sys.stderr)
    calls_before = None if real_aws else fetch_calls(endpoint)
    try:
        output = run_script(args.action, parameters, configuration, entities,
                            endpoint_url=endpoint)
    except RunnerError as err:
        print(f"Action {args.action!r} produced no result ({target}).\n{err}", file=sys.stderr)
        return 1
    finally:
        calls_after = None if real_aws else fetch_calls(endpoint)
        if server:
            server.stop()

    # Requests made during this run: the server's log may hold earlier runs' calls too.
    calls = (None if calls_before is None or calls_after is None
             else calls_after[len(calls_before):])
    if args.json:
        print(json.dumps({**dataclasses.asdict(output), "state_name": output.state_name,
                          "aws_calls": calls}, indent=2, default=str))
    else:
        _show(args.action, target, output, calls, verbose=args.verbose)
    return 0


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", help='display name ("List Users") or script stem (ListUsers)')
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="an action parameter (repeatable)")
    parser.add_argument("-e", "--entity", action="append", default=[], metavar="[TYPE:]ID",
                        help=f"a target entity (repeatable); type defaults to {DEFAULT_ENTITY_TYPE}")
    parser.add_argument("--endpoint", metavar="URL", help="use this moto server instead of a fresh one")
    parser.add_argument("--real-aws", action="store_true",
                        help=f"call real AWS with keys from {KEY_ID_ENV} and {SECRET_ENV}")
    parser.add_argument("--verify-ssl", choices=("true", "false"), default="true")
    parser.add_argument("--role-arn", metavar="ARN", help="configuration 'Role ARN': act through this role")
    parser.add_argument("--external-id", metavar="ID", help="configuration 'External ID', sent with the role")
    parser.add_argument("--cross-account-role", metavar="NAME",
                        help="configuration 'Cross-Account Role Name': reach other accounts through this role")
    parser.add_argument("--region", help="configuration 'Region' (default: empty, which means us-east-1)")
    parser.add_argument("--json", action="store_true", help="print the raw ActionOutput as JSON")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print the script's DebugOutput and stderr")
    args = parser.parse_args(argv)
    if args.real_aws and args.endpoint:
        parser.error("--real-aws and --endpoint exclude each other")
    return args


def _check_parameter_names(action, parameters):
    """A misspelt name would silently leave the action on its default value: refuse it."""
    valid = action_parameters(action)
    unknown = [name for name in parameters if name not in valid]
    if unknown:
        known = ", ".join(repr(name) for name in valid) if valid else "none"
        raise ValueError(f"{action!r} has no parameter {', '.join(repr(n) for n in unknown)}; "
                         f"its parameters are: {known}")


def _split(text, sep, flag):
    name, found, value = text.partition(sep)
    if not found or not name.strip():
        raise ValueError(f"{flag} expects NAME{sep}VALUE, got {text!r}")
    return name.strip(), value


def _entity(text):
    # "arn:aws:iam::..." contains colons but no type prefix.
    prefix, found, rest = text.partition(":")
    if found and prefix != "arn" and rest:
        return rest, prefix
    return text, DEFAULT_ENTITY_TYPE


def _show(action, target, out, calls, *, verbose):
    print(f"Action:        {action}  ({target})")
    print(f"State:         {out.state_name}")
    print(f"Result value:  {json.dumps(out.result_value)}")
    print("Message:")
    for line in (out.message or "").splitlines() or [""]:
        print(f"  {line}")
    if out.json_result is not None:
        print("JSON result:")
        print(_indent(json.dumps(out.json_result, indent=2)))
    for title, lines in out.tables.items():
        print(f"Table: {title}")
        print(_indent(_aligned(lines)))
    for entities in out.entity_updates:
        print(f"Entities updated ({len(entities)}, one platform call):")
        for entity in entities:
            properties = entity.get("additional_properties") or {}
            print(f"  {entity['identifier']}: " + ", ".join(f"{k}={v}" for k, v in properties.items()))
    for insight in out.insights:
        print(f"Insight on {insight['entity_identifier']}:")
        print(_indent(insight["content"]))
    if calls is None:
        print("IAM calls:     not recorded (no request log at this endpoint)")
    else:
        iam = [action for service, action in calls if service == "iam"]
        other = [f"{service}:{action}" for service, action in calls if service != "iam"]
        print(f"IAM calls ({len(iam)}): {', '.join(iam) or 'none'}")
        if other:
            print(f"Other AWS calls: {', '.join(other)}")
    print(f"Config fetches: {out.configuration_fetches}    ({out.wall_seconds:.2f}s)")
    if verbose:
        print("DebugOutput:")
        print(_indent(out.debug_output.rstrip()))
        if out.stderr.strip():
            print("stderr:")
            print(_indent(out.stderr.rstrip()))


def _aligned(csv_lines):
    header, *rows = csv.reader(csv_lines)
    return grid(header, rows)


def _indent(text):
    return "\n".join(f"  {line}" for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
