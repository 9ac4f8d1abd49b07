"""The bulk engine on its own: order, bounded concurrency, general errors, the deadline, progress."""

import threading
import time

import pytest

import BulkEngine
from BulkEngine import BulkEngine as Engine
from BulkEngine import Deadline, DeadlineReached, Once, Settlement


def engine(deadline_ms=0, log=None, clock=None):
    return Engine(Deadline(deadline_ms, margin=0, clock=clock), log=log or (lambda line: None))


# Long enough that only a bug, never a busy machine, makes a test wait this long.
PATIENCE = 30


def overlapping(count: int):
    """A barrier the first `count` calls wait at together: the proof that `count` ran at once,
    whatever the machine's load, where a short sleep would only make it likely."""
    return threading.Barrier(count, timeout=PATIENCE)


def describe(run):
    return "done" if run.settlement is Settlement.SETTLED else run.settlement.value


def gather(pool, calls):
    """Each `(function, *args)` in the pool at once, as a profile's reads go; their results in order."""
    return pool.results([pool.submit(function, *args) for function, *args in calls])


def test_reports_in_input_order_whatever_order_the_answers_come_in():
    delays = {"a": 0.15, "b": 0.0, "c": 0.1, "d": 0.05}

    def work(item):
        time.sleep(delays[item])
        return item.upper()

    run = engine().run(list(delays), work, describe=describe)
    assert [(r.item, r.settlement, r.value) for r in run.runs] == [
        (item, Settlement.SETTLED, item.upper()) for item in delays]
    assert run.stopped_by is None


def test_never_more_than_max_workers_at_once(monkeypatch):
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 3)
    lock, active, peak, together = threading.Lock(), [0], [0], overlapping(3)

    def work(item):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        if item < 3:
            together.wait()
        time.sleep(0.002)
        with lock:
            active[0] -= 1

    engine().run(range(12), work, describe=describe)
    assert peak[0] == 3


def test_concurrency_shortens_the_run():
    # Eight at a time: the first eight wait for each other, which one at a time would never end.
    together = overlapping(8)
    run = engine().run(range(16), lambda item: together.wait() if item < 8 else None, describe=describe)
    assert [r.settlement for r in run.runs] == [Settlement.SETTLED] * 16


def test_a_general_error_fails_its_item_and_starts_nothing_more(monkeypatch):
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 1)
    error = RuntimeError("access denied")

    def work(item):
        if item == "b":
            raise error
        return "ok"

    run = engine().run(["a", "b", "c", "d"], work, describe=describe)
    assert [r.settlement for r in run.runs] == [
        Settlement.SETTLED, Settlement.FAILED, Settlement.NOT_ATTEMPTED, Settlement.NOT_ATTEMPTED]
    assert run.runs[1].error is error and run.stopped_by is error


def test_items_in_flight_when_an_error_strikes_still_settle():
    gate, started = threading.Event(), overlapping(4)

    def work(item):
        started.wait()  # all four are in flight before item 0 fails
        if item == 0:
            threading.Timer(0.05, gate.set).start()
            raise RuntimeError("boom")
        gate.wait(PATIENCE)
        return "ok"

    run = engine().run(range(4), work, describe=describe)
    # All four started together (8 workers); the three still working when item 0 failed finish.
    assert [r.settlement for r in run.runs] == [Settlement.FAILED] + [Settlement.SETTLED] * 3


def test_a_past_deadline_starts_nothing():
    calls = []
    run = engine(deadline_ms=int((time.time() - 1) * 1000)).run(["a", "b"], calls.append, describe=describe)
    assert calls == []
    assert [r.settlement for r in run.runs] == [Settlement.NOT_ATTEMPTED] * 2
    assert isinstance(run.stopped_by, DeadlineReached)


def test_the_deadline_ends_the_run_with_every_item_accounted_for(monkeypatch):
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 2)
    release, now = threading.Event(), [0.0]

    def work(item):
        if item == "slow":
            release.wait(PATIENCE)  # answers long after the deadline
        elif item == "b":
            now[0] = 10.0  # b's answer comes after the deadline (a virtual clock: no race with the machine)
        return "ok"

    run = engine(deadline_ms=5000, clock=lambda: now[0]).run(["slow", "a", "b", "c", "d", "e"], work, describe=describe)
    # The run ended at the deadline, not when "slow" answers.
    assert not release.is_set()
    release.set()
    settlements = {r.item: r.settlement for r in run.runs}
    assert settlements["slow"] is Settlement.UNANSWERED
    assert settlements["a"] is Settlement.SETTLED
    assert Settlement.NOT_ATTEMPTED in settlements.values()
    assert isinstance(run.stopped_by, DeadlineReached)


def test_work_refused_by_the_deadline_is_not_attempted(monkeypatch):
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 1)

    def work(item):
        if item == "b":
            raise DeadlineReached()
        return "ok"

    run = engine().run(["a", "b", "c"], work, describe=describe)
    assert [r.settlement for r in run.runs] == [Settlement.SETTLED, Settlement.NOT_ATTEMPTED, Settlement.NOT_ATTEMPTED]
    assert isinstance(run.stopped_by, DeadlineReached)


def test_one_progress_line_per_settled_item_with_a_running_count(monkeypatch):
    monkeypatch.setattr(BulkEngine, "MAX_WORKERS", 1)
    lines = []
    engine(log=lines.append).run(["alice", "bob"], lambda item: None, describe=lambda run: "created")
    assert lines == ["1/2 created: alice", "2/2 created: bob"]


def test_deadline_arithmetic():
    assert Deadline(0).allows(10**9)  # absent: never comes
    soon = Deadline(10_000, margin=2, clock=lambda: 0.0)
    assert soon.seconds_left() == 8
    assert soon.allows(7) and not soon.allows(9)
    with pytest.raises(DeadlineReached):
        Deadline(10_000, margin=2, clock=lambda: 8.0).check()
    assert 0 < Deadline(int((time.time() + 10) * 1000), margin=2).seconds_left() <= 8  # the wall clock by default


def test_once_computes_a_single_time_across_threads():
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.05)
        return "value"

    once = Once(compute)
    results = []
    threads = [threading.Thread(target=lambda: results.append(once.get())) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (calls, results) == ([1], ["value"] * 5)


def test_once_keeps_a_failure():
    calls = []

    def compute():
        calls.append(1)
        raise ValueError("listing failed")

    once = Once(compute)
    for _ in range(2):
        with pytest.raises(ValueError):
            once.get()
    assert calls == [1]


# --- The call pool: a bulk item's own calls, fanned out under the same bound ----------------------

def test_call_pool_never_runs_more_than_its_size_at_once():
    lock, active, peak, together = threading.Lock(), [0], [0], overlapping(3)

    def call(value):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        if value < 3:
            together.wait()
        time.sleep(0.002)
        with lock:
            active[0] -= 1
        return value * 2

    with BulkEngine.CallPool(3) as pool:
        assert gather(pool, [(call, n) for n in range(10)]) == [n * 2 for n in range(10)]
    assert peak[0] == 3


def test_call_pool_takes_its_size_from_max_reads_in_flight(monkeypatch):
    monkeypatch.setattr(BulkEngine, "MAX_READS_IN_FLIGHT", 2)
    started = time.monotonic()
    with BulkEngine.CallPool() as pool:
        gather(pool, [(time.sleep, 0.05)] * 4)
    assert time.monotonic() - started >= 0.1  # two at a time: two waves


def test_engine_workers_share_one_call_pool_without_exceeding_it():
    """Items on the engine fan out into one pool: the pool's bound holds for the whole run."""
    lock, active, peak, first = threading.Lock(), [0], [0], [0]
    together = overlapping(4)

    def call():
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
            first[0] += 1
            waits = first[0] <= 4
        if waits:
            together.wait()  # the first four calls overlap, whoever makes them
        time.sleep(0.001)
        with lock:
            active[0] -= 1

    with BulkEngine.CallPool(4) as pool:
        run = engine().run(range(10), lambda item: gather(pool, [(call,)] * 6), describe=describe)
    assert [r.settlement for r in run.runs] == [Settlement.SETTLED] * 10
    assert peak[0] == 4


def test_call_pool_waits_for_every_call_then_raises_the_first_error():
    finished = []

    def slow():
        time.sleep(0.05)
        finished.append("slow")

    def fail(message):
        raise ValueError(message)

    with BulkEngine.CallPool(4) as pool:
        with pytest.raises(ValueError, match="first"):
            gather(pool, [(fail, "first"), (slow,), (fail, "second")])
    assert finished == ["slow"]


def test_a_call_made_from_inside_the_pool_runs_inline_instead_of_waiting_on_itself():
    with BulkEngine.CallPool(1) as pool:
        assert pool.call(lambda: pool.call(lambda: "nested")) == "nested"


def test_call_pool_threads_end_when_it_closes():
    before = set(threading.enumerate())
    with BulkEngine.CallPool(3) as pool:
        gather(pool, [(time.sleep, 0.01)] * 3)
        started = set(threading.enumerate()) - before
        assert len(started) == 3
    for thread in started:
        thread.join(timeout=PATIENCE)
    assert not any(thread.is_alive() for thread in started)


def test_why_an_item_did_not_settle():
    deadline, error = DeadlineReached(), RuntimeError("access denied")
    unanswered = BulkEngine.ItemRun("a", Settlement.UNANSWERED)
    refused = BulkEngine.ItemRun("b", Settlement.NOT_ATTEMPTED, error=deadline)
    untried = BulkEngine.ItemRun("c", Settlement.NOT_ATTEMPTED)
    stopped_by_error = BulkEngine.BulkRun((unanswered, refused, untried), stopped_by=error)
    assert [stopped_by_error.unsettled(item) for item in (unanswered, refused, untried)] == [
        BulkEngine.Unsettled.UNANSWERED, BulkEngine.Unsettled.OUT_OF_TIME, BulkEngine.Unsettled.NOT_ATTEMPTED]
    stopped_by_deadline = BulkEngine.BulkRun((untried,), stopped_by=deadline)
    assert stopped_by_deadline.unsettled(untried) is BulkEngine.Unsettled.OUT_OF_TIME
