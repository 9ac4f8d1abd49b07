"""The bulk engine: runs one piece of work per item on a bounded pool of threads, reports every
item in input order, and stops in time for the platform's execution deadline.

The engine knows nothing of AWS. A workflow hands it items and a `work` function that settles one
item and returns what happened to it. `work` raises only for a general error (no connection,
access denied): the engine then starts no further item and reports the rest as not attempted.
"""

import math
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, Generic, Sequence, TypeVar

# Threads per bulk run, and the size of boto3's connection pool to match. IAM throttles writes
# per account, so more threads mostly buy more Throttling answers.
MAX_WORKERS = 8

# Calls in flight at once for the reads one item fans out into (Enrich User). IAM throttles reads
# far less than writes, and ten users of eight reads each would otherwise wait ten rounds.
MAX_READS_IN_FLIGHT = 16

# Time kept back before the platform's deadline, to build the report and end() before the
# platform kills the script.
DEADLINE_MARGIN_SECONDS = 2.0

Item = TypeVar("Item")


class DeadlineReached(Exception):
    """The platform's deadline is too close to start another call. `operation` is the call that
    was not made, when one is known."""

    def __init__(self, operation: str | None = None):
        super().__init__(operation)
        self.operation = operation

    def __str__(self) -> str:
        return ("The platform's execution deadline was near, so the action stopped starting new "
                "calls and reported what it had done.")


class NoAnswerBeforeDeadline(DeadlineReached):
    """A call went out, but its answer had not come when the deadline did: it may have taken
    effect. The engine reports its item as unanswered, not as never attempted."""


class Deadline:
    """The platform's execution deadline, less the margin. A deadline of 0 (absent) never comes.
    `clock` gives the time as time.time() does; tests pass a clock they move themselves, so that
    no deadline test races the wall clock."""

    def __init__(self, unix_time_ms: int | None, *, margin: float | None = None,
                 clock: Callable[[], float] | None = None):
        margin = DEADLINE_MARGIN_SECONDS if margin is None else margin
        self._end = unix_time_ms / 1000 - margin if unix_time_ms else math.inf
        self._clock = clock or time.time

    def seconds_left(self) -> float:
        return self._end - self._clock()

    def allows(self, seconds: float = 0.0) -> bool:
        """Whether `seconds` of work still ends before the deadline."""
        return self.seconds_left() > seconds

    def check(self) -> None:
        if not self.allows():
            raise DeadlineReached()


class Settlement(StrEnum):
    SETTLED = "settled"  # `work` returned: `value` says what happened
    FAILED = "failed"  # `work` raised a general error, which stopped the run
    NOT_ATTEMPTED = "not_attempted"  # never started: an error or the deadline stopped the run first
    UNANSWERED = "unanswered"  # started, but no answer came before the deadline


class Unsettled(StrEnum):
    """Why an item neither settled nor failed with its own error."""

    UNANSWERED = "unanswered"  # its call went out, but no answer came before the deadline
    OUT_OF_TIME = "out_of_time"  # never started: the deadline came first
    NOT_ATTEMPTED = "not_attempted"  # never started: a general error stopped the run first


@dataclass(frozen=True)
class ItemRun(Generic[Item]):
    item: Item
    settlement: Settlement
    value: Any = None
    error: BaseException | None = None


@dataclass(frozen=True)
class BulkRun(Generic[Item]):
    """Every item once, in input order. `stopped_by` is the general error or the DeadlineReached
    that ended the run early, if any."""

    runs: tuple[ItemRun, ...]
    stopped_by: BaseException | None = None

    def of(self, settlement: Settlement) -> list[ItemRun]:
        return [run for run in self.runs if run.settlement is settlement]

    def unsettled(self, item: ItemRun) -> Unsettled:
        """Why `item`, neither SETTLED nor FAILED, has no outcome. An item whose own first call the
        deadline refused is out of time even when another item's error stopped the run."""
        if item.settlement is Settlement.UNANSWERED:
            return Unsettled.UNANSWERED
        if isinstance(item.error, DeadlineReached) or isinstance(self.stopped_by, DeadlineReached):
            return Unsettled.OUT_OF_TIME
        return Unsettled.NOT_ATTEMPTED


def status_in_words(item: ItemRun) -> str:
    """A `describe` for work that returns an outcome with a `status`: that status, or how the item
    failed to settle, in words ("not found", "not attempted")."""
    if item.settlement is Settlement.SETTLED:
        return item.value.status.value.replace("_", " ")
    return item.settlement.value.replace("_", " ")


class Once:
    """A value computed at most once, however many threads ask at the same time. A failure is
    kept too, so a second thread does not repeat a call that already failed."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute = compute
        self._lock = threading.Lock()
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None

    def get(self) -> Any:
        with self._lock:
            if not self._done:
                try:
                    self._value = self._compute()
                except Exception as err:
                    self._error = err
                self._done = True
        if self._error is not None:
            raise self._error
        return self._value


@dataclass
class BulkEngine:
    """Shared by the workflows of one action run."""

    deadline: Deadline
    log: Callable[[str], None] = lambda line: None
    # How an item's label appears in a progress line: the runner cuts and escapes it as messages do.
    shown: Callable[[str], str] = str
    started_at: float = field(default_factory=time.time)

    def run(self, items: Sequence[Item], work: Callable[[Item], Any], *,
            describe: Callable[[ItemRun], str], label: Callable[[Item], str] = str) -> BulkRun:
        """Settle each item with `work`, at most MAX_WORKERS at a time. `describe` words a settled
        item for the progress log ("created", "not found"); `label` names the item there."""
        return _Pool(list(items), work, self, describe, label).run()


class _Pool:
    def __init__(self, items, work, engine: BulkEngine, describe, label):
        self.items = items
        self.work = work
        self.engine = engine
        self.describe = describe
        self.label = label
        self.results: list[ItemRun | None] = [None] * len(items)
        self.changed = threading.Condition()
        self.next_index = 0  # items below it have been started
        self.settled = 0
        self.stopped_by: BaseException | None = None
        self.closed = False  # the report is written; late answers are ignored

    def run(self) -> BulkRun:
        workers = min(MAX_WORKERS, len(self.items))
        for _ in range(workers):
            # Daemon threads: a call still waiting on AWS at the deadline must not keep the
            # script alive after end().
            threading.Thread(target=self._work_loop, daemon=True).start()
        with self.changed:
            while not self._finished():
                left = self.engine.deadline.seconds_left()
                if left <= 0:
                    break
                self.changed.wait(timeout=min(left, 0.5))
            self.closed = True
            return self._report()

    def _finished(self) -> bool:
        no_more = self.next_index == len(self.items) or self.stopped_by is not None
        return no_more and self.settled == self.next_index

    def _take(self) -> int | None:
        with self.changed:
            if self.closed or self.stopped_by is not None or self.next_index == len(self.items):
                return None
            if not self.engine.deadline.allows():
                self.stopped_by = DeadlineReached()
                self.changed.notify_all()
                return None
            index = self.next_index
            self.next_index += 1
            return index

    def _work_loop(self) -> None:
        while (index := self._take()) is not None:
            item = self.items[index]
            try:
                value = self.work(item)
            except NoAnswerBeforeDeadline:
                # Its call went out and may have taken effect: unanswered, as when the engine's
                # own wait for it ends at the deadline.
                self._settle(index, ItemRun(item, Settlement.UNANSWERED), stop=DeadlineReached())
            except DeadlineReached as err:
                # The deadline refused the item's first call: nothing was sent for it.
                self._settle(index, ItemRun(item, Settlement.NOT_ATTEMPTED, error=err), stop=err)
            except Exception as err:
                self._settle(index, ItemRun(item, Settlement.FAILED, error=err), stop=err)
            else:
                self._settle(index, ItemRun(item, Settlement.SETTLED, value))

    def _settle(self, index: int, result: ItemRun, stop: BaseException | None = None) -> None:
        with self.changed:
            if self.closed:
                return
            self.results[index] = result
            self.settled += 1
            if stop is not None and self.stopped_by is None:
                self.stopped_by = stop
            count = self.settled
            self.changed.notify_all()
        self.engine.log(f"{count}/{len(self.items)} {self.describe(result)}: {self.engine.shown(self.label(result.item))}")

    def _report(self) -> BulkRun:
        runs = []
        for index, item in enumerate(self.items):
            result = self.results[index]
            if result is None:
                started = index < self.next_index
                result = ItemRun(item, Settlement.UNANSWERED if started else Settlement.NOT_ATTEMPTED)
            runs.append(result)
        stopped_by = self.stopped_by
        if stopped_by is None and None in self.results:
            # Nothing stopped the pool, so the wait for answers ran into the deadline.
            stopped_by = DeadlineReached()
        return BulkRun(tuple(runs), stopped_by)


class CallPool:
    """At most MAX_READS_IN_FLIGHT calls at a time, for the independent reads that one bulk item
    fans out into (a user's profile). Used as a context manager, so its threads end with the run.

    The engine's workers only hand calls to the pool and wait for them: they run none of its calls,
    and a call running in the pool never waits on the pool (a nested `call` runs inline). So no
    thread waits on a slot it holds itself, and when every IAM call of a run goes through one pool,
    no more calls are in flight than boto3's connection pool holds."""

    def __init__(self, size: int | None = None):
        # Read when the pool is made, so a test or a benchmark that narrows it is heard.
        self._size = size or MAX_READS_IN_FLIGHT
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._inside = threading.local()

    def __enter__(self) -> "CallPool":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def submit(self, function: Callable[..., Any], *args) -> Future:
        future: Future = Future()
        if getattr(self._inside, "active", False):
            _fulfil(future, function, args)
            return future
        self._queue.put((future, function, args))
        with self._lock:
            if len(self._threads) < self._size:
                # Daemon threads, as the engine's: a call still waiting on AWS at the deadline
                # must not keep the script alive after end().
                thread = threading.Thread(target=self._serve, daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    def call(self, function: Callable[..., Any], *args) -> Any:
        """`function(*args)` in the pool, waited for."""
        return self.submit(function, *args).result()

    @staticmethod
    def results(futures: Sequence[Future]) -> list:
        """The futures' results in order. Waits for every one, so no call is left running, then
        raises the first error in that order."""
        for future in futures:
            future.exception()
        for future in futures:
            if future.exception() is not None:
                raise future.exception()
        return [future.result() for future in futures]

    def close(self) -> None:
        with self._lock:
            for _ in self._threads:
                self._queue.put(None)
            self._threads = []

    def _serve(self) -> None:
        self._inside.active = True
        while (task := self._queue.get()) is not None:
            future, function, args = task
            _fulfil(future, function, args)


def _fulfil(future: Future, function: Callable[..., Any], args: tuple) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = function(*args)
    except BaseException as err:
        future.set_exception(err)
    else:
        future.set_result(result)
