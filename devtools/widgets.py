#!/usr/bin/env python3
"""Build the case-wall widgets: Widgets/src/<Stem>.html, with its CSS and JS inlined, into the
htmlContent of Widgets/<Stem>.json.

    python devtools/widgets.py            # rewrite every Widgets/<Stem>.json whose page changed
    python devtools/widgets.py --check    # exit 1, naming them, if any is out of date

A page in Widgets/src/ is a normal HTML file that opens in a browser as it is: it links
`<link rel="stylesheet" href="widget.css">` and `<script src="widget.js"></script>` from the same
folder. The platform renders a widget from one string with no network, so this script replaces
each such link with the file's text. Everything else in Widgets/<Stem>.json (title, the action it
belongs to, size, conditions) is edited in the JSON itself; this script only writes htmlContent.
See docs/package-format.md, "Widgets".
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = ROOT / "Widgets"
SOURCES = WIDGETS / "src"
PLACEHOLDER = "[{stepInstanceName}.JsonResult]"

_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([\w.-]+\.css)">')
_SCRIPT = re.compile(r'<script src="([\w.-]+\.js)"></script>')


class WidgetError(Exception):
    """A widget page or its JSON cannot be built as it is."""


def pages() -> list[Path]:
    """The widget pages: every Widgets/src/*.html."""
    return sorted(SOURCES.glob("*.html"))


def _inline(match: re.Match, tag: str, page: Path) -> str:
    part = SOURCES / match.group(1)
    if not part.is_file():
        raise WidgetError(f"{page.name} links {match.group(1)}, which is not beside it")
    text = part.read_text(encoding="utf-8").strip()
    if f"</{tag}" in text.lower():
        raise WidgetError(f"{part.name} contains '</{tag}', which would end the inlined <{tag}> early")
    return f"<{tag}>\n{text}\n</{tag}>"


def build_html(page: Path) -> str:
    """The page as one self-contained string: linked CSS and JS inlined."""
    html = page.read_text(encoding="utf-8")
    if html.count(PLACEHOLDER) != 1:
        raise WidgetError(f"{page.name} must hold the placeholder {PLACEHOLDER} exactly once")
    html = _STYLESHEET.sub(lambda m: _inline(m, "style", page), html)
    html = _SCRIPT.sub(lambda m: _inline(m, "script", page), html)
    leftover = re.search(r"<(?:link|script)[^>]*\b(?:href|src)=", html)
    if leftover:
        raise WidgetError(f"{page.name} still loads a file ({leftover.group(0)}...); widgets have no network")
    return html


def rendered(page: Path) -> str:
    """The text Widgets/<Stem>.json should hold for this page."""
    target = WIDGETS / f"{page.stem}.json"
    if not target.is_file():
        raise WidgetError(f"{target.relative_to(ROOT)} is missing: copy another widget's JSON and set its "
                          "Title, Description and ActionIdentifier")
    widget = json.loads(target.read_text(encoding="utf-8"))
    widget["DataDefinition"]["htmlContent"] = build_html(page)
    return json.dumps(widget, indent=4, ensure_ascii=False) + "\n"


def out_of_date() -> list[Path]:
    """The widget JSON files whose htmlContent differs from their page."""
    return [WIDGETS / f"{page.stem}.json" for page in pages()
            if (WIDGETS / f"{page.stem}.json").read_text(encoding="utf-8") != rendered(page)]


def write_all() -> list[Path]:
    """Rewrite the out-of-date widget JSON files; return them."""
    stale = out_of_date()
    for target in stale:
        target.write_text(rendered(SOURCES / f"{target.stem}.html"), encoding="utf-8")
    return stale


def main(argv: list[str]) -> int:
    try:
        if "--check" in argv:
            stale = out_of_date()
            for target in stale:
                print(f"{target.relative_to(ROOT)} is out of date: run `make widgets`", file=sys.stderr)
            return 1 if stale else 0
        for target in write_all():
            print(f"wrote {target.relative_to(ROOT)}")
    except WidgetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
