"""How the demo prints what the analyst sees on the case wall, trimmed for reading."""

import csv
import json
import textwrap

import text_table

MAX_ITEMS = 2  # of a JSON list
MAX_ROWS = 6  # of a table
MAX_CELL = 38
WIDTH = 100


def heading(text: str) -> None:
    print(f"\n{'=' * WIDTH}\n{text}\n{'=' * WIDTH}")


def note(text: str) -> None:
    for paragraph in text.split("\n"):
        print(textwrap.fill(paragraph, WIDTH, initial_indent="  ", subsequent_indent="  "))


def action_output(action: str, params: dict, entities, out, iam_calls: list[str], *, instance: str | None = None) -> None:
    print(f"\n> {action}")
    if instance:
        print(f"    ({instance})")
    for name, value in params.items():
        print(f"    {name}: {_param(value)}")
    for identifier in entities:
        print(f"    entity (User): {identifier}")
    print(f"  State: {out.state_name}   Result value (is_success): {json.dumps(out.result_value)}")
    print("  Message:")
    for line in out.message.splitlines() or [""]:
        print(f"    | {line}")
    if out.json_result is not None:
        shown, hidden = _trimmed(out.json_result)
        print("  JSON result" + (f" (first {MAX_ITEMS} of {MAX_ITEMS + hidden} items)" if hidden else "") + ":")
        print(textwrap.indent(json.dumps(shown, indent=2), "    "))
    for title, lines in out.tables.items():
        rows = list(csv.reader(lines))
        more = len(rows) - 1 - MAX_ROWS
        print(f"  Table '{title}'" + (f" (first {MAX_ROWS} of {len(rows) - 1} rows)" if more > 0 else "") + ":")
        print(textwrap.indent(grid(rows[0], rows[1 : MAX_ROWS + 1]), "    "))
    _platform_calls(out)
    print(f"  AWS calls ({len(iam_calls)}): {', '.join(iam_calls) or 'none'}")


def _platform_calls(out) -> None:
    """What the action sent to the platform's API besides its result: entity updates, insights."""
    for entities in out.entity_updates:
        print(f"  Entities updated on the case (one UpdateEntities call for {len(entities)}):")
        for entity in entities:
            rows = [[name, value] for name, value in entity["additional_properties"].items()
                    if name.startswith("AWSIAM_") and value]
            print(f"    {entity['identifier']}, is_enriched {entity['is_enriched']}, its AWSIAM_ properties (empty ones left out):")
            print(textwrap.indent(grid(["property", "value"], rows), "      "))
    for insight in out.insights:
        print(f"  Insight on the entity {insight['entity_identifier']} (triggered by {insight['triggered_by']}):")
        for line in insight["content"].splitlines():
            print(f"    | {line}")


def _param(value: str) -> str:
    """A JSON document parameter is shown indented, the way the analyst would paste it."""
    try:
        document = json.loads(value)
    except ValueError:
        return value
    if not isinstance(document, dict):
        return value
    return textwrap.indent(json.dumps(document, indent=2), " " * 6).lstrip()


def _trimmed(value):
    if isinstance(value, list) and len(value) > MAX_ITEMS:
        return value[:MAX_ITEMS], len(value) - MAX_ITEMS
    return value, 0


def grid(header, rows) -> str:
    """A plain text table; long cells are cut with an ellipsis."""
    return text_table.grid(header, rows, max_cell=MAX_CELL)
