"""What happened to each name of a multi-name action. Data only: the wording lives in the parsers."""

from dataclasses import dataclass, field
from enum import StrEnum

from AWSIAMDatamodels import IAMObject
from AWSIAMExceptions import AWSIAMError


class ItemStatus(StrEnum):
    DONE = "done"
    INVALID = "invalid"  # failed the local name check, or AWS rejected the value
    EXISTS = "exists"
    LIMIT = "limit"
    GROUP_INVALID = "group_invalid"  # the single group name failed the local check
    GROUP_MISSING = "group_missing"
    USER_MISSING = "user_missing"
    NOT_MEMBER = "not_member"
    NOT_PROCESSED = "not_processed"  # a general error stopped the action before this name was settled


@dataclass(slots=True)
class BulkOutcome:
    """Each name lands under exactly one status, in input order. `created` holds the objects made,
    `error` the general error that stopped the run, if any."""

    names: dict[ItemStatus, list[str]] = field(default_factory=dict)
    created: list[IAMObject] = field(default_factory=list)
    error: AWSIAMError | None = None

    def add(self, status: ItemStatus, *names: str) -> None:
        if names:
            self.names.setdefault(status, []).extend(names)

    def of(self, status: ItemStatus) -> list[str]:
        return self.names.get(status, [])

    def stop(self, error: AWSIAMError, unsettled: list[str]) -> None:
        self.error = error
        self.add(ItemStatus.NOT_PROCESSED, *unsettled)

    @property
    def any_done(self) -> bool:
        return bool(self.of(ItemStatus.DONE))
