#!/usr/bin/env python3
"""`make screenshots`: each case-wall widget rendered in headless Chromium with the same real
JSON results the browser tests use, saved as docs/images/widget-<Stem>.png (and the Enrich User
widget once more in the dark theme). docs/widgets.md shows them."""

import sys
from pathlib import Path

import widget_samples
from moto_server import MotoServer
from widget_browser import BrowserMissing, WidgetBrowser

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
DARK_BACKGROUND = "#1b1c1f"


def main() -> int:
    try:
        browser = WidgetBrowser()
    except BrowserMissing as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    with MotoServer() as server, browser:
        results = {
            "ListUsers": widget_samples.list_users(server),
            "DisableUserAccess": widget_samples.disable_user_access(server)[0],
            "EnableUserAccess": widget_samples.enable_user_access(server)[0],
            "EnrichUser": widget_samples.enrich_user(server),
        }
        for stem, result in results.items():
            page = browser.render(stem, result)
            page.screenshot(IMAGES / f"widget-{stem}.png")
            print(f"wrote docs/images/widget-{stem}.png")
        page = browser.render("EnrichUser", results["EnrichUser"])
        page.post_theme(DARK_BACKGROUND)
        page.screenshot(IMAGES / "widget-EnrichUser-dark.png")
        print("wrote docs/images/widget-EnrichUser-dark.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
