"""The fault proxy (devtools/fault_proxy.py) in front of moto's server, seen by plain boto3 clients."""

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from fault_proxy import FAULTS, FaultProxy

NO_RETRIES = Config(retries={"total_max_attempts": 1})
MIX = dict(throttling=0.3, unavailable=0.1, lost=0.2)


def client(url, service="iam", config=NO_RETRIES):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", config=config,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def always(fault):
    return lambda action, params, occurrence: fault


@pytest.fixture
def proxy(moto):
    with FaultProxy(moto.url) as proxy:
        yield proxy


def users(moto):
    return sorted(user["UserName"] for user in client(moto.url).list_users()["Users"])


def test_passes_requests_through_and_logs_each_with_its_action(proxy, moto):
    iam = client(proxy.url)
    iam.create_user(UserName="alice", Path="/ops/")
    iam.list_users()
    client(proxy.url, "sts").get_caller_identity()

    assert users(moto) == ["alice"]
    assert proxy.actions() == ["CreateUser", "ListUsers", "GetCallerIdentity"]
    first = proxy.log[0]
    assert (first.service, first.params, first.occurrence, first.fault, first.status, first.reached_moto) == \
        ("iam", {"UserName": "alice", "Path": "/ops/"}, 1, None, 200, True)
    assert proxy.log[2].service == "sts"
    assert proxy.count("CreateUser") == 1 and proxy.count("CreateUser", UserName="bob") == 0
    assert moto.calls == [("iam", "CreateUser"), ("iam", "ListUsers"), ("sts", "GetCallerIdentity"),
                          ("iam", "ListUsers")]  # the last: users() above, straight to moto


@pytest.mark.parametrize("fault, error, code, status, created", [
    ("throttling", ClientError, "Throttling", 400, False),
    ("503", ClientError, "ServiceUnavailable", 503, False),
    ("lost-503", ClientError, "ServiceUnavailable", 503, True),
    ("lost-drop", ConnectionClosedError, None, None, True),
], ids=FAULTS)
def test_each_fault_as_a_client_sees_it(proxy, moto, fault, error, code, status, created):
    proxy.configure(rule=always(fault))

    with pytest.raises(error) as raised:
        client(proxy.url).create_user(UserName="alice")

    if code:
        assert raised.value.response["Error"]["Code"] == code
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    # A lost answer took effect in moto; the other faults never reached it.
    assert users(moto) == (["alice"] if created else [])
    assert moto.iam_calls().count("CreateUser") == (1 if created else 0)
    [logged] = proxy.log
    assert (logged.fault, logged.status, logged.reached_moto) == (fault, status, created)
    assert proxy.faults() == [logged]
    assert proxy.faults("lost") == ([logged] if fault.startswith("lost") else [])


def test_sts_errors_carry_the_sts_namespace_and_parse_the_same(proxy):
    proxy.configure(rule=always("throttling"))

    with pytest.raises(ClientError) as raised:
        client(proxy.url, "sts").get_caller_identity()

    assert raised.value.response["Error"] == {"Type": "Sender", "Code": "Throttling", "Message": "Rate exceeded"}


def test_a_lost_answer_makes_botocores_retry_meet_its_own_create(proxy, moto):
    # The case bulk actions must report truthfully: the first attempt created the user, its
    # answer never arrived, and the retry is told the user already exists.
    proxy.configure(rule=lambda action, params, occurrence: "lost-drop" if occurrence == 1 else None)
    retrying = client(proxy.url, config=Config(retries={"mode": "standard", "total_max_attempts": 3}))

    with pytest.raises(ClientError) as raised:
        retrying.create_user(UserName="alice")

    assert raised.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert [(r.occurrence, r.fault) for r in proxy.log] == [(1, "lost-drop"), (2, None)]
    assert users(moto) == ["alice"]


def test_latency_is_added_to_every_request(proxy):
    proxy.configure(latency_ms=150)
    iam = client(proxy.url)

    started = time.monotonic()
    iam.list_users()
    assert time.monotonic() - started >= 0.15
    assert proxy.span_seconds() >= 0.15


def test_only_the_named_actions_get_faults(proxy):
    proxy.configure(throttling=1.0, only={"CreateUser"})
    iam = client(proxy.url)

    iam.list_users()
    with pytest.raises(ClientError):
        iam.create_user(UserName="alice")

    assert [(r.action, r.fault) for r in proxy.log] == [("ListUsers", None), ("CreateUser", "throttling")]


def test_lost_as_limits_the_kinds_of_lost_answer(proxy):
    proxy.configure(lost=1.0, lost_as="drop")
    for index in range(5):
        with pytest.raises(ConnectionClosedError):
            client(proxy.url).create_user(UserName=f"user-{index}")

    assert {r.fault for r in proxy.log} == {"lost-drop"}


@pytest.mark.parametrize("settings, error", [
    (dict(throttling=0.6, lost=0.6), "add up to at most 1"),
    (dict(unavailable=-0.1), "must be >= 0"),
    (dict(lost_as=("timeout",)), "lost_as must name"),
], ids=["over-one", "negative", "unknown-lost-kind"])
def test_impossible_settings_are_refused(proxy, settings, error):
    with pytest.raises(ValueError, match=error):
        proxy.configure(**settings)


# --- Repeatable whatever the order ------------------------------------------------------------

NAMES = [f"user-{index:02d}" for index in range(40)]


def faults_by_request(moto, seed, send):
    """{(name, occurrence): fault} when `send(iam, names)` sends each name's CreateUser twice."""
    moto.reset_state()
    with FaultProxy(moto.url, seed=seed, **MIX) as proxy:
        send(client(proxy.url), NAMES + NAMES)
        return {(r.params["UserName"], r.occurrence): r.fault for r in proxy.log}


def in_order(iam, names):
    for name in names:
        attempt(iam, name)


def reversed_order(iam, names):
    in_order(iam, names[::-1])


def concurrently(iam, names):
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda name: attempt(iam, name), names))


def attempt(iam, name):
    try:
        iam.create_user(UserName=name)
    except (ClientError, ConnectionClosedError):
        pass


def test_a_rule_can_refuse_a_request_as_iam_does_without_permission(proxy, moto):
    proxy.configure(rule=always("denied"))

    with pytest.raises(ClientError) as raised:
        client(proxy.url).create_user(UserName="alice")

    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("AccessDenied", "not authorized to perform: iam:CreateUser")
    assert users(moto) == []
    [logged] = proxy.log
    assert (logged.fault, logged.status, logged.reached_moto) == ("denied", 403, False)


def test_the_same_seed_gives_the_same_faults_in_any_order(moto):
    reference = faults_by_request(moto, 7, in_order)

    assert faults_by_request(moto, 7, reversed_order) == reference
    assert faults_by_request(moto, 7, concurrently) == reference
    assert len(reference) == 2 * len(NAMES)
    # Every kind happens with these odds, a retry gets its own draw, and another seed differs.
    assert set(reference.values()) == {None, *FAULTS}
    assert any(reference[name, 1] != reference[name, 2] for name in NAMES)
    assert faults_by_request(moto, 8, in_order) != reference


def test_a_request_draws_the_same_fault_whatever_time_or_made_up_id_it_carries(moto):
    """A containment record's `at` or a session cut-off is the time the run was made, and the keys
    it lists are IDs moto made up: a seeded run must meet the same faults on another day and with
    other IDs, so the proxy draws as if neither were there."""
    def draws(when, key):
        moto.reset_state()
        with FaultProxy(moto.url, seed=5, **MIX) as proxy:
            iam = client(proxy.url)
            for name in NAMES:
                for _ in range(2):
                    try:
                        iam.tag_user(UserName=name, Tags=[{"Key": "AWSIAM-Containment", "Value": f"keys={key} at={when}"}])
                    except (ClientError, ConnectionClosedError):
                        pass
            return [request.fault for request in proxy.log]

    reference = draws("2026-12-04T13:24:43Z", "AKIARZPUZDIKDCJ5UFVU")
    assert draws("2027-01-31T23:59:59Z", "AKIARZPUZDIKDCJ5UFVU") == reference
    assert draws("2026-12-04T13:24:43.250000+00:00", "AKIAQWERTYUIOPASDFGH") == reference
    assert len(set(reference)) > 1


def test_the_odds_are_about_those_configured(proxy):
    proxy.configure(seed=1, throttling=0.3, unavailable=0.05, lost=0.1)
    concurrently(client(proxy.url), [f"odds-{index}" for index in range(200)])

    counts = {kind: len(proxy.faults(kind)) for kind in ("throttling", "503", "lost")}
    assert 40 <= counts["throttling"] <= 80 and 2 <= counts["503"] <= 20 and 8 <= counts["lost"] <= 32


# --- Concurrency, keep-alive, stopping --------------------------------------------------------

def test_serves_a_full_connection_pool_at_once_without_losing_a_request(proxy, moto):
    # Long enough that all eight threads are surely inside the proxy at the same time, even when
    # a loaded machine starts them a few hundred milliseconds apart.
    proxy.configure(latency_ms=1500)
    iam = client(proxy.url, config=Config(retries={"total_max_attempts": 1}, max_pool_connections=8))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda index: iam.create_user(UserName=f"pooled-{index:03d}"), range(24)))

    assert proxy.count("CreateUser") == 24 and len(users(moto)) == 24
    assert proxy.peak_in_flight == 8
    assert {r.status for r in proxy.log} == {200}


def test_keeps_connections_alive_between_requests(proxy):
    iam = client(proxy.url)
    for _ in range(10):
        iam.list_users()

    assert proxy.count("ListUsers") == 10 and proxy.connections == 1


def test_a_dropped_answer_closes_only_that_connection(proxy):
    iam = client(proxy.url)
    proxy.configure(rule=lambda action, params, occurrence: "lost-drop" if action == "CreateUser" else None)
    with pytest.raises(ConnectionClosedError):
        iam.create_user(UserName="alice")

    iam.list_users()
    iam.list_users()

    assert proxy.connections == 2


def test_stops_promptly_with_idle_keep_alive_connections_open(moto):
    proxy = FaultProxy(moto.url)
    iam = client(proxy.url)
    iam.list_users()  # leaves a pooled connection open on the proxy

    started = time.monotonic()
    proxy.stop()

    assert time.monotonic() - started < 10  # not the 30 s an idle connection would be kept
    assert not any(thread.name.startswith(f"fault-proxy-{proxy.url.rsplit(':', 1)[1]}")
                   for thread in threading.enumerate())


def test_reset_forgets_the_log_and_the_occurrences(proxy):
    iam = client(proxy.url)
    iam.list_users()
    proxy.reset()
    iam.list_users()

    assert [(r.seq, r.occurrence) for r in proxy.log] == [(0, 1)]


def test_moto_control_requests_pass_untouched(proxy, moto):
    proxy.configure(throttling=1.0)
    client(moto.url).create_user(UserName="alice")

    reset = urllib.request.Request(f"{proxy.url}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(reset) as answer:
        assert answer.status == 200

    assert users(moto) == []
    assert proxy.log == []


def test_the_fixture_puts_a_proxy_in_front_of_fresh_moto(fault_proxy, moto_server):
    client(moto_server.url).create_user(UserName="direct")
    fault_proxy.configure(rule=always("lost-503"))

    with pytest.raises(ClientError):
        client(fault_proxy.url).create_user(UserName="through-the-proxy")

    assert users(moto_server) == ["direct", "through-the-proxy"]
    assert [r.fault for r in fault_proxy.faults("lost")] == ["lost-503"]


def test_the_concurrency_override_reaches_the_bulk_engine(run_script, fault_proxy):
    # What the benchmark's "concurrency 1 against the default" rests on. The latency keeps each
    # call at the proxy long enough for the default run's calls to overlap there, however far
    # apart a loaded machine starts the workers.
    fault_proxy.configure(latency_ms=1500)
    names = ["user-a", "user-b", "user-c", "user-d"]
    peaks = {}
    for label, overrides in (("one at a time", {"BulkEngine.MAX_WORKERS": 1}), ("default", None)):
        fault_proxy.reset()
        out = run_script("Create a User", {"User Name": ",".join(f"{name}-{label[0]}" for name in names)},
                         endpoint_url=fault_proxy.url, overrides=overrides)
        assert out.message.startswith("Successfully added the following users to IAM: ")
        assert out.iam_calls == ["CreateUser"] * 4 and fault_proxy.count("CreateUser") == 4
        peaks[label] = fault_proxy.peak_in_flight

    assert peaks == {"one at a time": 1, "default": 4}
