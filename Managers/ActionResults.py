"""What an action hands back to the runner: the case-wall message, the result value, the state,
the JSON result, the tables, and the enrichment of the case's entities."""

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]

    def csv_lines(self) -> list[str]:
        # Built by hand: the SDK's construct_csv orders columns through a set.
        lines = []
        for row in (self.columns, *self.rows):
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(row)
            lines.append(buffer.getvalue())
        return lines


@dataclass(frozen=True)
class EntityEnrichment:
    """Properties to merge into a case entity (which is then marked enriched), and the text of an
    insight on it, if any."""

    entity: Any  # the platform's entity object
    properties: Mapping[str, str]
    insight: str | None = None


@dataclass(frozen=True)
class ActionResult:
    message: str
    success: bool
    failed: bool = False  # FAILED stops the playbook; COMPLETED with success=False does not
    json_result: Any = None  # None: the action adds no JSON result
    tables: Sequence[Table] = field(default_factory=tuple)
    enrichments: Sequence[EntityEnrichment] = field(default_factory=tuple)

    @classmethod
    def failure(cls, message: str, json_result: Any = None) -> "ActionResult":
        return cls(message, success=False, failed=True, json_result=json_result)
