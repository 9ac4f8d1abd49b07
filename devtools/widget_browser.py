"""Render a case-wall widget with a JSON result in headless Chromium, as the platform would.

The platform replaces the literal placeholder [{stepInstanceName}.JsonResult] in the widget's
htmlContent with the step's JSON result and shows the page in an iframe. This does the same with
a local file and Debian's `chromium` and `chromium-driver` packages, driven through Selenium:

    with WidgetBrowser() as browser:
        page = browser.render("ListUsers", result)
        page.text(), page.errors(), page.post_theme("#1b1c1f"), page.screenshot(path)

Used by the browser tests (tests/widgets/) and `make screenshots`.
"""

import json
import shutil
import tempfile
from pathlib import Path

from widgets import PLACEHOLDER, WIDGETS

INSTALL_HINT = "apt-get install -y chromium chromium-driver"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1000,700")

# Collects what a page throws or logs as an error, before any of its own scripts run.
_ERROR_TRAP = """
window.__widgetErrors = [];
window.addEventListener("error", (e) => window.__widgetErrors.push(String(e.message || e)));
window.addEventListener("unhandledrejection", (e) => window.__widgetErrors.push(String(e.reason)));
const original = console.error.bind(console);
console.error = (...args) => { window.__widgetErrors.push(args.map(String).join(" ")); original(...args); };
"""


class BrowserMissing(RuntimeError):
    """No Chromium, no chromedriver, or no Selenium here."""


def find_browser() -> tuple[str, str]:
    """(chromium, chromedriver) paths; raises BrowserMissing naming the install command."""
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    driver = next((found for name in DRIVERS if (found := shutil.which(name))), None)
    if not browser or not driver:
        missing = " and ".join(what for what, path in (("chromium", browser), ("chromedriver", driver)) if not path)
        raise BrowserMissing(f"headless {missing} not found; install with `{INSTALL_HINT}`")
    try:
        import selenium  # noqa: F401
    except ImportError as err:
        raise BrowserMissing("selenium is not installed: run `make venv`") from err
    return browser, driver


def widget_html(stem: str) -> str:
    """The htmlContent of Widgets/<stem>.json, as the package ships it."""
    return json.loads((WIDGETS / f"{stem}.json").read_text(encoding="utf-8"))["DataDefinition"]["htmlContent"]


def substituted(stem: str, result) -> str:
    """The page the platform would serve: the JSON result written over the placeholder."""
    return widget_html(stem).replace(PLACEHOLDER, json.dumps(result))


class Page:
    def __init__(self, driver):
        self.driver = driver

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def text(self) -> str:
        return self.js("return document.getElementById('root').innerText;")

    def texts(self, selector: str) -> list[str]:
        return self.js("return [...document.querySelectorAll(arguments[0])].map((n) => n.innerText.trim());", selector)

    def click(self, selector: str, text: str) -> None:
        self.js("[...document.querySelectorAll(arguments[0])].find((n) => n.innerText.trim() === arguments[1]).click();",
                selector, text)

    def errors(self) -> list[str]:
        """Script errors and console errors, from the page's own trap and Chromium's log."""
        trapped = self.js("return window.__widgetErrors || ['error trap missing'];")
        logged = [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]
        return trapped + logged

    def resources_fetched(self) -> list[str]:
        return self.js("return performance.getEntriesByType('resource').map((r) => r.name);")

    def background(self, selector: str = "body") -> str:
        return self.js("return getComputedStyle(document.querySelector(arguments[0])).backgroundColor;", selector)

    def colour(self, selector: str = "body") -> str:
        return self.js("return getComputedStyle(document.querySelector(arguments[0])).color;", selector)

    def post_theme(self, data) -> None:
        """What the platform does when the theme changes: post to the widget's window."""
        self.js("window.postMessage(arguments[0], '*');", data)
        self.js("return new Promise((done) => setTimeout(done, 50));")

    def screenshot(self, path: Path, width: int = 1000) -> None:
        height = self.js("return Math.ceil(document.documentElement.scrollHeight);")
        self.driver.set_window_size(width, min(max(height, 200), 2200) + 20)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))


class WidgetBrowser:
    """One headless Chromium for many renders."""

    def __init__(self):
        self.browser, self.driver_path = find_browser()
        self._tmp = None
        self.driver = None

    def __enter__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._tmp = tempfile.TemporaryDirectory(prefix="widget-browser-")
        options = webdriver.ChromeOptions()
        options.binary_location = self.browser
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={Path(self._tmp.name, 'profile')}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(self.driver_path))
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _ERROR_TRAP})
        return self

    def __exit__(self, *exc):
        if self.driver is not None:
            self.driver.quit()
        if self._tmp is not None:
            self._tmp.cleanup()

    def set_color_scheme(self, scheme: str | None) -> None:
        """Emulate the operating system's light or dark preference (None: the default)."""
        features = [{"name": "prefers-color-scheme", "value": scheme}] if scheme else []
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})

    def render(self, stem: str, result, *, html: str | None = None) -> Page:
        """Load the widget with `result` substituted; returns once the page is parsed and rendered."""
        page_file = Path(self._tmp.name, f"{stem}.html")
        page_file.write_text(html if html is not None else substituted(stem, result), encoding="utf-8")
        self.driver.set_window_size(1000, 700)
        self.driver.get_log("browser")  # drop what an earlier page logged
        self.driver.get(page_file.as_uri())
        return Page(self.driver)
