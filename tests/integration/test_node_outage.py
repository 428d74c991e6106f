"""Elasticsearch stops in the middle of an ingest: nothing is lost. A second node (its own port
and data) is stopped and restarted so the suite's main node is not disturbed."""

from __future__ import annotations

import time
from pathlib import Path

from elasticsearch import ApiError, Elasticsearch, TransportError

from tests.conftest import QUICK_NODE_ENV, TEST_ALIAS, run_finnews, start_finnews
from tests.support.archives import write_archive
from tests.support.proxies import BulkGate

PORT = "9250"
ARTICLES = 400


def count(es: Elasticsearch) -> int:
    try:
        es.indices.refresh(index=TEST_ALIAS)
        return es.count(index=TEST_ALIAS)["count"]
    except (ApiError, TransportError):  # the node is going down or not there yet
        return -1


def test_node_stopped_mid_ingest_then_replayed_holds_exactly_every_article(cli, es_node, tmp_path: Path) -> None:
    env = {"FINNEWS_ES_PORT": PORT, "FINNEWS_SPOOL_DIR": str(tmp_path / "spool"), **QUICK_NODE_ENV}
    started = run_finnews("es", "start", env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    es = Elasticsearch(f"http://127.0.0.1:{PORT}", request_timeout=30)
    try:
        for name in es.indices.get(index=f"{TEST_ALIAS}-*", allow_no_indices=True):
            es.indices.delete(index=name)
        archive = tmp_path / "archive.jsonl"
        expected = write_archive(archive, ARTICLES)
        # The load goes through a gate that lets 2 bulk requests (100 articles) through and holds the
        # third: the node is stopped while the load is surely in the middle of its work.
        with BulkGate(int(PORT), open_bulks=2) as gate:
            ingest = start_finnews(
                "ingest", "--quiet", "--batch-size", "50", str(archive), env={**env, "FINNEWS_ES_URL": gate.url}
            )
            assert gate.held.wait(timeout=120), "the load never reached its third bulk request"
            assert ingest.poll() is None
            # The two bulk requests let through are written (they may have gone out together).
            deadline = time.monotonic() + 60
            while count(es) < 100 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert count(es) == 100
            stopped = run_finnews("es", "stop", env=env)
            assert stopped.returncode == 0, stopped.stderr
            gate.released.set()
            out, err = ingest.communicate(timeout=300)
        assert ingest.returncode == 4, out + err  # it finished, and said that some articles wait in the spool
        assert "Traceback" not in err
        spooled = int(out.split(" spooled")[0].rsplit(" ", 1)[-1])
        assert spooled == ARTICLES - 100

        assert run_finnews("es", "start", env=env).returncode == 0
        replay = cli("spool", "replay", env=env)
        assert replay.returncode == 0, replay.stdout + replay.stderr
        es.indices.refresh(index=TEST_ALIAS)
        hits = es.search(index=TEST_ALIAS, size=ARTICLES + 10, source_includes=["url"])["hits"]["hits"]
        urls = [hit["_source"]["url"] for hit in hits]
        assert len(urls) == len(set(urls)) == ARTICLES
        assert set(urls) == expected
        assert "Replayed 0 spool file(s)" in cli("spool", "replay", env=env).stdout
    finally:
        for name in es.indices.get(index=f"{TEST_ALIAS}-*", allow_no_indices=True):
            es.indices.delete(index=name)
        run_finnews("es", "stop", env=env)
