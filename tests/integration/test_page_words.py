"""The search page follows the words typed: its trend chart counts the articles the search found, and
its export link exports them (headless Chromium on the real node, as in test_browser.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext

from tests.integration.test_api import ARTICLES
from tests.integration.test_browser import API_KEY, server, wait_for_results

__all__ = ["server"]  # the fixture, shared with test_browser.py


def test_the_trend_and_the_export_link_follow_the_words_typed(server: str, browser: BrowserContext) -> None:
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.goto(f"{server}/?key={API_KEY}")
    assert wait_for_results(page, None) == ARTICLES

    ready = page.evaluate("document.body.dataset.ready")
    page.fill("#q", "数字经济")
    with page.expect_response(lambda response: urlsplit(response.url).path == "/stats") as answer:
        page.press("#q", "Enter")
    total = wait_for_results(page, ready)
    assert 0 < total < ARTICLES  # the words narrow the search
    stats = answer.value
    assert parse_qs(urlsplit(stats.url).query)["q"] == ["数字经济"]
    trend = stats.json()
    assert trend["articles"] == total  # the chart counts what the search found, not every article
    assert all(count <= total for count in trend["totals"].values())
    assert int(page.locator("#trend-chart").get_attribute("data-series") or 0) >= 1

    link = page.locator("#export-link").get_attribute("href") or ""
    assert parse_qs(urlsplit(link).query)["q"] == ["数字经济"]
    with page.expect_download() as download:
        page.click("#export-link")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == total
