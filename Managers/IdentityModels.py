"""What happened to each name of a multi-name action. Data only: the wording lives in the parsers."""

from dataclasses import dataclass, field
from enum import StrEnum

from AWSIAMDatamodels import IAMObject
from BulkEngine import BulkRun, Settlement, Unsettled


class ItemStatus(StrEnum):
    DONE = "done"
    INVALID = "invalid"  # bad characters by the local name check, or AWS rejected the value
    TOO_LONG = "too_long"  # longer than AWS allows for the kind of name
    EXISTS = "exists"
    LIMIT = "limit"
    GROUP_INVALID = "group_invalid"  # the single group name has characters AWS does not allow
    GROUP_TOO_LONG = "group_too_long"  # the single group name is longer than AWS allows
    GROUP_MISSING = "group_missing"
    USER_MISSING = "user_missing"
    NOT_MEMBER = "not_member"
    FAILED = "failed"  # its own call failed with the general error that stopped the action
    NOT_PROCESSED = "not_processed"  # a general error stopped the action before this name was tried
    OUT_OF_TIME = "out_of_time"  # the platform's deadline came before this name was tried
    UNANSWERED = "unanswered"  # its call went out, but no answer came before the deadline
    # Its call failed after an attempt that may have taken effect, and no read could confirm it.
    UNCONFIRMED = "unconfirmed"


@dataclass(slots=True)
class BulkOutcome:
    """Each name lands under exactly one status, in input order. `created` holds the objects made,
    `errors` the error of each FAILED name, `error` what stopped the run early, if anything (a
    general error, or DeadlineReached)."""

    names: dict[ItemStatus, list[str]] = field(default_factory=dict)
    created: list[IAMObject] = field(default_factory=list)
    errors: dict[str, Exception] = field(default_factory=dict)
    error: Exception | None = None

    def add(self, status: ItemStatus, *names: str) -> None:
        if names:
            self.names.setdefault(status, []).extend(names)

    def of(self, status: ItemStatus) -> list[str]:
        return self.names.get(status, [])

    def absorb(self, run: BulkRun) -> None:
        """Take in the engine's report. A settled item's value is its ItemStatus, or a pair of the
        status and the object it created."""
        self.error = run.stopped_by
        for item in run.runs:
            if item.settlement is Settlement.SETTLED:
                status, created = item.value if isinstance(item.value, tuple) else (item.value, None)
                self.add(status, item.item)
                if created is not None:
                    self.created.append(created)
            elif item.settlement is Settlement.FAILED:
                self.add(ItemStatus.FAILED, item.item)
                self.errors[item.item] = item.error
            else:
                self.add(_STATUS_OF[run.unsettled(item)], item.item)

    @property
    def any_done(self) -> bool:
        return bool(self.of(ItemStatus.DONE))


_STATUS_OF = {
    Unsettled.UNANSWERED: ItemStatus.UNANSWERED,
    Unsettled.OUT_OF_TIME: ItemStatus.OUT_OF_TIME,
    Unsettled.NOT_ATTEMPTED: ItemStatus.NOT_PROCESSED,
}
