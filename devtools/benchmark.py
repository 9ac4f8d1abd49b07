"""Measure what each action costs as the platform runs it: import time, wall time, peak memory and
AWS calls; List Identity Risks and the Identity Risks connector on an account of 5,000 users
(devtools/bench_identity_risks.py); then the bulk actions at 0 and 100 ms per call, at concurrency 1
and the default, and Create a User under a seeded mix of faults; and Disable Identity Center User
Access on 50 users over 10 shared permission sets. A measurement, not a test: numbers vary by machine.

    .venv/bin/python devtools/benchmark.py [--runs 5] [--bulk-runs 1]

Each action runs as a subprocess (through the local runner) against an embedded moto server; the
bulk actions reach it through the fault proxy, which adds the latency and the faults. Wall time
includes the interpreter's start-up and moto's own work, so it is an upper bound for the script.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fault_proxy import FaultProxy  # noqa: E402
from local_runner import REPO_ROOT, SDK_DIR, RunnerError, action_stems, run_script  # noqa: E402
from moto_server import MotoServer  # noqa: E402
from report_truth import (GROUP, TRUTH_CASES, arrange_disabled_users, arrange_group_and_users,  # noqa: E402
                          arrange_members, arrange_roles, arrange_users, entities_input, judge, listed_input)

CONFIG = {"AWS Access Key ID": "testing", "AWS Secret Key": "testing", "Verify SSL": "true"}

# (label, action, parameters): reads on a seeded account, and writes whose names never clash.
CASES = [
    ("Ping", "Ping", {}),
    ("List Users (1000 of 1200)", "List Users", {"Max Users to Return": "1000"}),
    ("List Groups (default 50)", "List Groups", {}),
    ("Create a User (5 names)", "Create a User", None),
]

# The bulk engine's concurrency, set to 1 through the runner's overrides for the comparison.
CONCURRENCY = "BulkEngine.MAX_WORKERS"
LATENCIES_MS = (0, 100)
FAULT_MIX = dict(throttling=0.30, unavailable=0.05, lost=0.10)
FAULT_NAMES = {"throttling": "Throttling", "unavailable": "503", "lost": "lost answers"}
FAULT_SEED = 8


def iam_client(url):
    import boto3

    return boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed(server):
    iam = iam_client(server.url)
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


def measure_scripts(server, runs):
    print(f"\nActions as subprocesses against moto (median of {runs} runs):")
    print(f"  {'action':<28} {'wall':>8} {'peak RSS*':>10}  IAM calls")
    for label, action, params in CASES:
        walls, calls = [], []
        for run in range(runs):
            parameters = params if params is not None else {"User Name": ",".join(f"bench-{run}-{i}" for i in range(5))}
            server.reset_calls()
            output = run_script(action, parameters, CONFIG, endpoint_url=server.url)
            walls.append(output.wall_seconds)
            calls = server.iam_calls()
        # ru_maxrss of children is the largest child so far, in KiB on Linux.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  {label:<28} {statistics.median(walls) * 1000:6.0f} ms {peak:7.1f} MiB  {len(calls)} ({', '.join(sorted(set(calls)))})")
    print("  * the largest script process so far (the OS keeps one maximum for all children)")


# --- Bulk actions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BulkCase:
    action: str
    kind: str                       # what the names are: "user", "group", "role"
    arrange: Callable               # arrange(iam, names): the account state the action needs
    inputs: Callable                # inputs(names) -> (parameters, entities)
    items: int = 20


BULK_CASES = [
    BulkCase("Create a User", "user", lambda iam, names: None, listed_input("User Name")),
    BulkCase("Create a Group", "group", lambda iam, names: None, listed_input("Group Name")),
    BulkCase("Add a User to a Group", "user", arrange_group_and_users, listed_input("User Name", **{"Group Name": GROUP})),
    BulkCase("Remove a User from a Group", "user", arrange_members, listed_input("User Name", **{"Group Name": GROUP})),
    BulkCase("Disable User Access", "user", arrange_users, entities_input),
    # Measured once their scripts exist.
    BulkCase("Enable User Access", "user", arrange_disabled_users, entities_input),
    BulkCase("Revoke Role Sessions", "role", arrange_roles, listed_input("Role Name")),
    BulkCase("Enrich User", "user", arrange_users, entities_input, items=10),  # ~8 calls per user
]


def names_for(case, prefix="bench"):
    # One width for all, so no name is a prefix of another in a message.
    return [f"{prefix}-{case.kind}-{index:02d}" for index in range(case.items)]


def run_bulk(server, proxy, case, *, names=None, overrides=None, **proxy_settings):
    """Fresh state, the case's arrangement (straight to moto), then one run through the proxy."""
    names = names or names_for(case)
    server.reset_state()
    case.arrange(iam_client(server.url), names)
    proxy.reset()
    proxy.configure(**{"latency_ms": 0, "throttling": 0, "unavailable": 0, "lost": 0, **proxy_settings})
    parameters, entities = case.inputs(names)
    return run_script(case.action, parameters, CONFIG, entities, endpoint_url=proxy.url,
                      overrides=overrides)


def measure_bulk(server, proxy, runs, engine):
    present = [case for case in BULK_CASES if case.action in action_stems()]
    missing = [case.action for case in BULK_CASES if case.action not in action_stems()]
    settings = [("c=1", {CONCURRENCY: 1}), ("default", None)] if engine else [("default", None)]
    columns = [(latency, label, overrides) for latency in LATENCIES_MS for label, overrides in settings]

    print(f"\nBulk actions through the fault proxy: seconds per run, wall (AWS calls), median of {runs}:")
    if not engine:
        print(f"  Managers/BulkEngine.py is absent: only the default is measured, no {CONCURRENCY}=1.")
    header = "".join(f"{f'{latency} ms {label}':>16}" for latency, label, _ in columns)
    print(f"  {'action':<28} {'items':>5}{header}  calls (last run)")
    walls = {}
    for case in present:
        cells, calls = [], ""
        for latency, label, overrides in columns:
            times = []
            for _ in range(runs):
                try:
                    wall = run_bulk(server, proxy, case, overrides=overrides, latency_ms=latency).wall_seconds
                except RunnerError as err:
                    print(f"  {case.action}: no result ({str(err).splitlines()[0]})")
                    break
                times.append((wall, proxy.span_seconds()))
            measured = walls[case.action, latency, label] = _medians(times)
            cells.append(f"{measured[0]:9.2f} ({measured[1]:.2f})" if measured else f"{'-':>16}")
            calls = f"{len(proxy.log)} ({', '.join(sorted(set(proxy.actions())))})"
        print(f"  {case.action:<28} {case.items:>5}{''.join(cells)}  {calls}")
    print("  wall: the whole script process; AWS calls: first request to last answer, at the proxy")
    if missing:
        print(f"  not measured, no script yet: {', '.join(missing)}")
    return walls


# --- Create a User under faults -----------------------------------------------------------------

def report_problems(names, output, iam):
    """What makes Create a User's report inexact: a name not reported exactly once, a user claimed
    created that does not exist, or one that exists but is not claimed."""
    claimed = [user["UserName"] for user in output.json_result or []]
    existing = {user["UserName"] for page in iam.get_paginator("list_users").paginate()
                for user in page["Users"]}
    problems = []
    if wrong := [name for name in names if output.message.count(name) != 1]:
        problems.append(f"not reported exactly once: {', '.join(wrong)}")
    if absent := [name for name in claimed if name not in existing]:
        problems.append(f"claimed created but absent: {', '.join(absent)}")
    if unclaimed := [name for name in names if name in existing and name not in claimed]:
        problems.append(f"created but not reported as created: {', '.join(unclaimed)}")
    return problems


def _medians(pairs):
    return tuple(statistics.median(values) for values in zip(*pairs)) if pairs else None


def _ratio(label, slow, fast):
    return f"{label} {slow:.2f} s / {fast:.2f} s = {slow / fast:.1f}x"


def measure_faults(server, proxy, walls, engine):
    case = BULK_CASES[0]
    print(f"\nCreate a User, {case.items} names at 100 ms per call:")
    fault_free = walls.get((case.action, 100, "default"))
    if engine:
        single = walls.get((case.action, 100, "c=1"))
        if single and fault_free:
            print(f"  concurrency 1 / default (goal: at least 4x): {_ratio('wall', single[0], fault_free[0])}; "
                  f"{_ratio('AWS calls', single[1], fault_free[1])}")
    else:
        print("  concurrency 1 / default: not measured (no BulkEngine module)")

    names = names_for(case, prefix="fault")
    mix = ", ".join(f"{share:.0%} {FAULT_NAMES[kind]}" for kind, share in FAULT_MIX.items())
    try:
        output = run_bulk(server, proxy, case, names=names, latency_ms=100, seed=FAULT_SEED, **FAULT_MIX)
    except RunnerError as err:
        print(f"  with faults ({mix}; seed {FAULT_SEED}): no result ({str(err).splitlines()[0]})")
        return
    faults = {kind: len(proxy.faults(kind)) for kind in ("throttling", "503", "lost-503", "lost-drop")}
    print(f"  with faults ({mix}; seed {FAULT_SEED}) / fault-free (goal: under 2x): "
          + (f"{_ratio('wall', output.wall_seconds, fault_free[0])}; "
             f"{_ratio('AWS calls', proxy.span_seconds(), fault_free[1])}" if fault_free
             else f"wall {output.wall_seconds:.2f} s, no fault-free run to compare"))
    print(f"  {proxy.count('CreateUser')} CreateUser attempts for {len(names)} names; injected: "
          + ", ".join(f"{count} {kind}" for kind, count in faults.items()))
    problems = report_problems(names, output, iam_client(server.url))
    print(f"  ended {output.state_name}, report exact: " + ("yes" if not problems else "NO; " + "; ".join(problems)))


# --- Every bulk action under faults and the deadline: is each report true? ---------------------

TRUTH_MIX = dict(throttling=0.30, unavailable=0.05, lost=0.15)
TRUTH_ITEMS = 40
TRUTH_LATENCY_MS = 100
TRUTH_RUNS = 30


def truth_deadline(run, runs):
    """The run's deadline, spread evenly from 3 s to 5 s over the runs."""
    return 3.0 + 2.0 * run / max(runs - 1, 1)


def truth_run(server, proxy, case, run, runs):
    """One seeded run of `case` under the mix and its deadline: (verdict, problems, state)."""
    names = [f"truth-{case.kind}-{index:02d}" for index in range(TRUTH_ITEMS)]
    server.reset_state()
    iam = iam_client(server.url)
    case.arrange(iam, names)
    proxy.reset()
    proxy.configure(latency_ms=TRUTH_LATENCY_MS, seed=run, rule=None, **TRUTH_MIX)
    parameters, entities = case.inputs(names)
    output = run_script(case.script, parameters, CONFIG, entities, endpoint_url=proxy.url,
                        deadline_seconds=truth_deadline(run, runs))
    verdict, problems = judge(names, case.claims(output, names), case.done(iam, names))
    return verdict, problems, output.state_name


def measure_truth(server, proxy, runs):
    mix = ", ".join(f"{share:.0%} {FAULT_NAMES[kind]}" for kind, share in TRUTH_MIX.items())
    print(f"\nEvery bulk action that writes, {TRUTH_ITEMS} names, {TRUTH_LATENCY_MS} ms per call, {mix}, "
          f"deadlines from 3 s to 5 s, {runs} seeded runs each: is each report true?")
    verdicts = ("exact", "unconfirmed", "misreported", "no result")
    print(f"  {'action':<36}" + "".join(f"{verdict:>13}" for verdict in verdicts))
    totals = dict.fromkeys(verdicts, 0)
    for case in TRUTH_CASES:
        counts = dict.fromkeys(verdicts, 0)
        examples = []
        for run in range(runs):
            try:
                verdict, problems, _ = truth_run(server, proxy, case, run, runs)
            except RunnerError as err:
                # No report at all (killed at the deadline): not a wrong report, but no true one either.
                verdict, problems = "no result", [str(err).splitlines()[0]]
            counts[verdict] += 1
            if problems and len(examples) < 2:
                examples.append(f"seed {run}: {'; '.join(problems)}")
        for verdict, count in counts.items():
            totals[verdict] += count
        print(f"  {case.action:<36}" + "".join(f"{counts[verdict]:>13}" for verdict in verdicts))
        for example in examples:
            print(f"      {example}")
    print(f"  {'all':<36}" + "".join(f"{totals[verdict]:>13}" for verdict in verdicts))
    print("  exact: every claim matches moto's state; unconfirmed: none is wrong, some names are reported")
    print("  as not known (check them in AWS); misreported: a claim the account contradicts, or a name missing;")
    print("  no result: the script was killed at its deadline before it reported")


# --- Identity Center: many users over a few shared permission sets --------------------------------

IC_REGION = "eu-west-1"
IC_USERS, IC_SETS, IC_GROUPS = 50, 10, 5


def arrange_identity_center(url):
    """IC_USERS users in IC_GROUPS groups of ten; each group holds two of the IC_SETS permission sets
    in two accounts, so each set is shared by ten users. Returns the users' names."""
    import boto3

    args = dict(endpoint_url=url, region_name=IC_REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
    sso, store = boto3.client("sso-admin", **args), boto3.client("identitystore", **args)
    instance = sso.list_instances()["Instances"][0]
    arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    sets = [sso.create_permission_set(Name=f"bench-set-{index:02d}", InstanceArn=arn)["PermissionSet"]["PermissionSetArn"]
            for index in range(IC_SETS)]
    names = [f"bench-ic-{index:02d}" for index in range(IC_USERS)]
    per_group = IC_USERS // IC_GROUPS
    for group_index in range(IC_GROUPS):
        group = store.create_group(IdentityStoreId=store_id, DisplayName=f"bench-group-{group_index}")["GroupId"]
        for name in names[group_index * per_group:(group_index + 1) * per_group]:
            user = store.create_user(IdentityStoreId=store_id, UserName=name, DisplayName=name,
                                     Name={"GivenName": name, "FamilyName": "Bench"})["UserId"]
            store.create_group_membership(IdentityStoreId=store_id, GroupId=group, MemberId={"UserId": user})
        for permission_set in sets[group_index * 2:group_index * 2 + 2]:
            for account in ("111111111111", "222222222222"):
                sso.create_account_assignment(InstanceArn=arn, TargetId=account, TargetType="AWS_ACCOUNT",
                                              PermissionSetArn=permission_set, PrincipalType="GROUP", PrincipalId=group)
    return names


def measure_identity_center(server, proxy, runs):
    """Disable Identity Center User Access on IC_USERS users over IC_SETS shared permission sets, at
    0 and 100 ms per call: each set must be written and provisioned once."""
    config = {**CONFIG, "Identity Center Region": IC_REGION}
    print(f"\nDisable Identity Center User Access, {IC_USERS} users over {IC_SETS} shared permission sets "
          f"(median of {runs}):")
    for latency in LATENCIES_MS:
        times, counts = [], {}
        for _ in range(runs):
            server.reset_state()
            names = arrange_identity_center(server.url)
            server.reset_calls()
            proxy.reset()
            proxy.configure(latency_ms=latency, throttling=0, unavailable=0, lost=0)
            try:
                output = run_script("Disable Identity Center User Access", {}, config, names, endpoint_url=proxy.url)
            except RunnerError as err:
                print(f"  {latency} ms per call: no result ({str(err).splitlines()[0]})")
                break
            times.append((output.wall_seconds, proxy.span_seconds()))
            calls = [action for service, action in server.calls if service in ("sso", "identitystore")]
            counts = {action: calls.count(action) for action in sorted(set(calls))}
            statuses = {entry["EntityResult"]["Status"] for entry in output.json_result or []}
        measured = _medians(times)
        if measured:
            print(f"  {latency:>3} ms per call: wall {measured[0]:.2f} s, AWS calls {measured[1]:.2f} s; "
                  f"{sum(counts.values())} calls; statuses {', '.join(sorted(statuses))}; "
                  f"{counts.get('PutInlinePolicyToPermissionSet', 0)} PutInlinePolicyToPermissionSet, "
                  f"{counts.get('ProvisionPermissionSet', 0)} ProvisionPermissionSet")
    print("  " + ", ".join(f"{action} {count}" for action, count in counts.items()))
# --- A hundred entities over the accounts of an organization ------------------------------------

ORGANIZATION_ACCOUNTS = [f"{digit}" * 12 for digit in "34567"]
ORGANIZATION_ENTITIES = 100
HOME_ACCOUNT = "123456789012"  # moto's default: the account of the keys in CONFIG


def _iam_in(url, account):
    """An IAM client acting in another moto account (moto hands out credentials for any role ARN)."""
    import boto3

    keys = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    credentials = boto3.client("sts", **keys).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/BenchArrange", RoleSessionName="bench")["Credentials"]
    return boto3.client("iam", **{**keys, "aws_access_key_id": credentials["AccessKeyId"],
                                  "aws_secret_access_key": credentials["SecretAccessKey"],
                                  "aws_session_token": credentials["SessionToken"]})


def measure_organization(server, proxy, latency_ms=100):
    """Disable User Access on a hundred user ARNs: spread over five member accounts (reached through
    the Cross-Account Role Name), against the same hundred in the home account."""
    print(f"\nDisable User Access on {ORGANIZATION_ENTITIES} user ARNs at {latency_ms} ms per call:")
    results = {}
    for label, accounts in (("five accounts", ORGANIZATION_ACCOUNTS), ("one account", [HOME_ACCOUNT])):
        server.reset_state()
        arns = []
        for account in accounts:
            iam = iam_client(server.url) if account == HOME_ACCOUNT else _iam_in(server.url, account)
            for index in range(ORGANIZATION_ENTITIES // len(accounts)):
                name = f"bench-org-{index:03d}"
                iam.create_user(UserName=name)
                arns.append(f"arn:aws:iam::{account}:user/{name}")
        proxy.reset()
        proxy.configure(latency_ms=latency_ms, throttling=0, unavailable=0, lost=0)
        config = {**CONFIG, "Cross-Account Role Name": "IRRole"}
        try:
            output = run_script("Disable User Access", {}, config, arns, endpoint_url=proxy.url)
        except RunnerError as err:
            print(f"  {label}: no result ({str(err).splitlines()[0]})")
            return
        disabled = sum(entry["EntityResult"]["Status"] == "disabled" for entry in output.json_result or [])
        assumed = proxy.count("AssumeRole")
        results[label] = (output.wall_seconds, proxy.span_seconds())
        print(f"  {label:<14} wall {output.wall_seconds:6.2f} s, AWS calls {proxy.span_seconds():6.2f} s; "
              f"{len(proxy.log)} calls, {assumed} AssumeRole; {disabled} of {len(arns)} disabled, {output.state_name}")
    if len(results) == 2:
        spread, one = results["five accounts"], results["one account"]
        print(f"  five accounts / one account: {_ratio('wall', spread[0], one[0])}; "
              f"{_ratio('AWS calls', spread[1], one[1])}")


def proxy_overhead_ms(server, proxy, calls=200):
    """Median extra milliseconds per call through the proxy (no latency, no faults) over moto directly."""
    proxy.reset()
    proxy.configure(latency_ms=0, throttling=0, unavailable=0, lost=0)

    def per_call(url):
        iam = iam_client(url)
        iam.get_account_summary()  # connection and client warm-up
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            iam.get_account_summary()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    return per_call(proxy.url) - per_call(server.url)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per action in the first table")
    parser.add_argument("--bulk-runs", type=int, default=1, help="runs per bulk measurement")
    parser.add_argument("--truth-runs", type=int, default=TRUTH_RUNS,
                        help="seeded runs per action under faults and a deadline (0: skip)")
    parser.add_argument("--only-truth", action="store_true", help="measure only the reports under faults and a deadline")
    args = parser.parse_args()

    if args.only_truth:
        with MotoServer() as server, FaultProxy(server.url) as proxy:
            measure_truth(server, proxy, args.truth_runs)
        return

    print("Import time in a fresh interpreter (median of 5):")
    for module in ("ActionRunner", "AWSIAMManager"):
        print(f"  {module:<16} {import_seconds(module) * 1000:7.1f} ms")

    # Its own process: the peak memory it reports is then its own scripts' alone.
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "bench_identity_risks.py")], check=False)
    engine = (REPO_ROOT / "Managers" / f"{CONCURRENCY.split('.')[0]}.py").is_file()
    with MotoServer() as server, FaultProxy(server.url) as proxy:
        seed(server)
        measure_scripts(server, args.runs)
        print(f"\nFault proxy overhead: {proxy_overhead_ms(server, proxy):.2f} ms per call (median)")
        walls = measure_bulk(server, proxy, args.bulk_runs, engine)
        measure_faults(server, proxy, walls, engine)
        if args.truth_runs:
            measure_truth(server, proxy, args.truth_runs)
        measure_identity_center(server, proxy, args.bulk_runs)
        measure_organization(server, proxy)


if __name__ == "__main__":
    main()
