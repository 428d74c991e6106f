"""What the tests that serve the API share: ``finnews serve`` in a subprocess until it
answers, and Debian's Chromium driven headless by Playwright (never a downloaded browser)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from core.config import PROJECT_ROOT
from tests.integration.receivers import free_port

CHROMIUM = "/usr/bin/chromium"  # Debian's package (scripts/ensure-system-deps.sh installs it)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@contextlib.contextmanager
def finnews_serve(env: dict[str, str], ready_path: str = "/") -> Iterator[str]:
    """``finnews serve`` with ``env`` added to this environment, yielding its URL once ``ready_path``
    answers 200; a server that does not start within a minute fails the test with its output."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "finnews", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}{ready_path}", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"finnews serve did not start: {process.communicate()[0]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def chromium(profile: Path) -> Iterator[BrowserContext]:
    """A fresh headless Chromium (its user-data-dir in ``profile``), Chinese locale, 1280×900."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-system-deps.sh (make setup does)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            locale="zh-CN",
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


@dataclass
class WatchedPage:
    """A page whose dialogs, script errors (uncaught or logged) and requests are recorded, so that a
    test can say none happened and nothing left the served origin."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def requests_outside(self, origin: str) -> list[str]:
        return [url for url in self.requests if not (url.startswith(origin) or url.startswith("data:"))]


def watched_page(context: BrowserContext) -> WatchedPage:
    """The context's page (a new one if it has none), watched; a dialog is recorded and dismissed."""
    watched = WatchedPage(context.pages[0] if context.pages else context.new_page())
    page = watched.page
    page.on("dialog", lambda dialog: (watched.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("console", lambda message: watched.errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: watched.requests.append(request.url))
    return watched
