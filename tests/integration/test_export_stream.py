"""An HTTP export the node stops answering mid-way must not look finished (issue 21, item 2): the
served API streams from the real node through a proxy that goes dead after the first pages, and
the client sees a broken transfer (no terminating chunk) whose last line says the export was cut
off; a complete export ends cleanly with every article."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import uvicorn

import store.export
from api.app import create_app
from core.settings import reload as reload_settings
from replica.site import synthetic_articles
from store.client import connect
from store.documents import article_document
from store.lifecycle import ensure_index
from store.settings import elasticsearch_settings
from store.writer import ArticleWriter
from tagging.extract import extract_article
from tests.conftest import TEST_ALIAS, drop_test_indices
from tests.integration.receivers import free_port
from tests.support.proxies import DyingProxy

ARTICLES = 1200  # several export pages of 500 (two slices)


@pytest.fixture(scope="module")
def exported_alias(es_node: object) -> Iterator[str]:
    es = connect()
    drop_test_indices(es)
    ensure_index(es, TEST_ALIAS)
    writer = ArticleWriter(es, TEST_ALIAS)
    for article in synthetic_articles(ARTICLES):
        raw = replace(article.raw, url=f"https://finance.eastmoney.com/a/{article.code}.html")
        writer.add(article_document(extract_article(raw)))
    counts = writer.close()
    assert counts["new"] == ARTICLES, counts
    yield TEST_ALIAS
    drop_test_indices(es)


def served_export(monkeypatch: pytest.MonkeyPatch, searches_left: int | None) -> tuple[bytes, bool, str]:
    """GET /export through the proxy: the raw body read, whether the transfer completed, the error.
    The export resumes as often as it would, without its waits (1 + 2 + 4 + 8 s for a cluster to
    promote replicas, which a dead proxy never does)."""
    monkeypatch.setattr(store.export, "RESUME_WAITS_S", (0.0,) * len(store.export.RESUME_WAITS_S))
    with DyingProxy(elasticsearch_settings().port, searches_left) as proxy:
        monkeypatch.setenv("FINNEWS_ES_URL", proxy.url)
        reload_settings()
        try:
            return export_through_served_api()
        finally:
            monkeypatch.delenv("FINNEWS_ES_URL")
            reload_settings()


def export_through_served_api() -> tuple[bytes, bool, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        received, error = b"", ""
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/export")
        response = connection.getresponse()
        assert response.status == 200
        try:
            received = response.read()
        except http.client.IncompleteRead as broken:  # the chunked stream ended without its last chunk
            received, error = broken.partial, f"IncompleteRead: {broken!r}"
        connection.close()
        return received, not error, error
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_an_export_cut_off_by_the_node_is_a_broken_transfer_not_a_clean_200(
    exported_alias: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, complete, error = served_export(monkeypatch, searches_left=2)  # the first page of each slice
    assert not complete, "the client was told the export finished"
    assert error.startswith("IncompleteRead"), error
    lines = body.decode("utf-8").splitlines()
    assert lines[-1].startswith('{"error": "export cut off') and '"complete": false' in lines[-1]
    assert 0 < len([line for line in lines if line.startswith('{"id"') or '"url"' in line]) < ARTICLES


def test_a_complete_export_ends_cleanly(exported_alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    body, complete, error = served_export(monkeypatch, searches_left=None)
    assert complete, error
    lines = [line for line in body.decode("utf-8").splitlines() if line]
    assert len(lines) == ARTICLES
    assert not any('"complete": false' in line for line in lines)
