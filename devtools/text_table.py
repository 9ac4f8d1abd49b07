"""Plain-text tables for the terminal, shared by the local runner's CLI and the demo."""


def grid(header, rows, *, max_cell: int | None = None) -> str:
    """Columns padded to their widest cell, a rule under the header; cells longer than
    `max_cell` are cut with an ellipsis."""
    cells = [[_cut(str(cell), max_cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
