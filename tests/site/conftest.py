"""Fixtures for the browser tests: a small course site, and headless Chromium driven by Selenium.

The browser is Debian's ``chromium`` with its ``chromedriver`` (scripts/setup.sh installs both
for the test extra when it can; nothing is downloaded by the tests). Every page is opened from
files with the network blocked, and every request and console message is recorded, so a test
can check that nothing left the site's folder and that the page logged no error.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "output" / "screenshots"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")


def _browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        pytest.skip("no Chromium here: the browser tests need Debian's chromium and "
                    "chromium-driver (sudo apt-get install chromium chromium-driver; "
                    "scripts/setup.sh installs them when run as root)")
    return chromium, driver


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small build of the course site: lessons 1 and 7 (7: the live pages run all of it),
    the step-throughs, a tiny playground grid, the live pages (no API reference, no picture
    gallery: they have no browser behaviour)."""
    pytest.importorskip("nbconvert", reason="the site build needs nbconvert (the test extra)")
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    try:
        build_site.build(out, grid="tiny", lessons="01,07", api=False, pictures=False)
    except SystemExit as e:  # npm missing: the message says how to install it
        pytest.skip(f"cannot build the site: {e}")
    return out


class Browser:
    """A Chromium page with the network blocked; records requests and console messages."""

    #: Chromium's flags beyond FLAGS; the live pages' browser changes them.
    extra_flags: tuple[str, ...] = ("--window-size=1200,900",)
    #: URLs refused outright (the live pages' browser must reach its local server instead).
    blocked_urls: tuple[str, ...] = ("http://*", "https://*", "ws://*", "wss://*", "ftp://*")

    def __init__(self, chromium: str, driver_path: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in (*FLAGS, *self.extra_flags, f"--user-data-dir={self.profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(driver_path))
        self.driver.set_script_timeout(180)
        self.driver.execute_cdp_cmd("Network.enable", {})
        if self.blocked_urls:
            self.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": list(self.blocked_urls)})

    def open(self, path: Path, width: int = 1200, height: int = 900) -> None:
        self.driver.set_window_size(width, height)
        self.requests()  # forget what came before (the browser's own start page)
        self.console_errors()
        self.driver.get(path.resolve().as_uri())
        self.js("return document.readyState")

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def requests(self) -> list[str]:
        """Every URL requested since the last call."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def wait(self, condition: str, timeout: float = 10.0) -> Any:
        """Wait until the JavaScript expression ``condition`` is truthy; return its value."""
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
            lambda d: d.execute_script(f"return ({condition})"),
            message=f"timed out waiting for: {condition}")

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


B = TypeVar("B", bound="Browser")


def _session_browser(kind: type[B]) -> Iterator[B]:
    pytest.importorskip("selenium", reason="the browser tests need selenium (the test extra)")
    chromium, driver = _browser_paths()
    b = kind(chromium, driver)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    yield from _session_browser(Browser)


def _assert_requests_within(browser: Browser, prefix: str, where: object) -> None:
    """Every request since the last check started with ``prefix`` (or was inline data), and
    the console holds no error."""
    outside = [u for u in browser.requests()
               if not (u.startswith(prefix) or u.startswith(("data:", "blob:", "about:")))]
    assert outside == [], f"requests leaving {where}: {outside}"
    assert browser.console_errors() == []


def assert_stayed_inside(browser: Browser, folder: Path) -> None:
    """Every request since the last check was a file inside ``folder`` (or inline data), and
    the console holds no error."""
    _assert_requests_within(browser, folder.resolve().as_uri() + "/", folder)


# ---------------------------------------------------------------------------------------------
# the live pages: served over http (browsers refuse module workers from files), every host but
# 127.0.0.1 unresolvable
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def served_site(site: Path) -> Iterator[str]:
    """The small site served by a local http.server on 127.0.0.1; yields its base URL."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class LiveBrowser(Browser):
    """Chromium for served pages: every host name but 127.0.0.1 resolves to nothing (instead
    of blocking http, which the local server needs)."""

    extra_flags = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                   "--window-size=1280,900")
    blocked_urls = ()

    def get(self, url: str, width: int = 1280, height: int = 900) -> None:
        self.driver.set_window_size(width, height)
        self.requests()
        self.console_errors()
        self.driver.get(url)

    def call(self, expression: str, *args: Any) -> Any:
        """Await a JavaScript expression (a Promise) and return its JSON-able value."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => {expression}).then(done, "
            "e => done({js_error: String(e && e.stack || e)}));", *args)


@pytest.fixture(scope="session")
def live_browser() -> Iterator[LiveBrowser]:
    yield from _session_browser(LiveBrowser)


def assert_served_only(browser: Browser, base: str) -> None:
    """Every request since the last check went to the local server (or was inline data), and
    the console holds no error."""
    _assert_requests_within(browser, base, base)
