"""Fixtures of the widget tests: one headless Chromium per test process, and JSON results from
real runs of the actions against moto's server (devtools/widget_samples.py)."""

import pytest

import widget_samples
from widget_browser import BrowserMissing, WidgetBrowser, find_browser


@pytest.fixture(scope="session")
def browser():
    try:
        find_browser()
    except BrowserMissing as err:
        pytest.skip(f"widget browser tests need Chromium: {err}")
    with WidgetBrowser() as started:
        yield started


@pytest.fixture(scope="session")
def samples(moto_server):
    """{stem: JSON result}, each from one run of its action (or the contract's shape until it exists)."""
    disabled, disabled_key = widget_samples.disable_user_access(moto_server)
    enabled, enabled_key = widget_samples.enable_user_access(moto_server)
    found = {
        "ListUsers": widget_samples.list_users(moto_server),
        "DisableUserAccess": disabled,
        "EnableUserAccess": enabled,
        "EnrichUser": widget_samples.enrich_user(moto_server),
    }
    moto_server.reset_state()
    found["keys"] = {"DisableUserAccess": disabled_key, "EnableUserAccess": enabled_key}
    return found
