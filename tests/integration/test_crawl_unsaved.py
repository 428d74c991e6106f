"""A crawl whose articles cannot all be saved loses none of them (day-17 hunt): when Elasticsearch does not take
them and the spool cannot hold them, the crawl stops, says so and exits non-zero, and the next crawl fetches
what was not saved; articles spooled make the run partial (exit 4) until a replay writes them."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from replica.site import ReplicaServer, ReplicaSite, synthetic_articles
from tests.conftest import PROJECT_ROOT, column_crawl_args, expected_urls, indexed_urls, run_finnews

ARTICLES = 60
SPOOL_FILE_LIMIT = 60_000  # bytes a file may grow to: room for some of the articles' spooled documents


def limited_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (SPOOL_FILE_LIMIT, SPOOL_FILE_LIMIT))


def spooled_lines(spool: Path) -> list[str]:
    return [line for path in sorted((spool / "spool").glob("*.jsonl")) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("chunk", [5, 500])
def test_a_crawl_that_can_neither_index_nor_spool_stops_and_the_next_crawl_fetches_the_rest(
    fresh_index: str, es_node, tmp_path: Path, chunk: int
) -> None:
    """Batches of 5 are written while the crawl runs; one of 500 (the default) only when it runs dry, where the
    error was lost in the idle signal's dispatch and the crawl, which saved nothing, exited 0 (review, day 17)."""
    spool = tmp_path / "spool"
    site = ReplicaSite(synthetic_articles(ARTICLES))
    dead_node = {**os.environ, "FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_SPOOL_DIR": str(spool)}
    with ReplicaServer(site) as server:
        stopped = subprocess.run(
            [sys.executable, "-m", "finnews", *column_crawl_args(server, tmp_path / "seen.sqlite", chunk=chunk)],
            capture_output=True, text=True, env=dead_node, cwd=PROJECT_ROOT, preexec_fn=limited_file_size, timeout=180,
        )  # fmt: skip
        assert stopped.returncode == 1, stopped.stdout + stopped.stderr
        assert "spool_full" in stopped.stdout and "neither indexed nor spooled" in stopped.stderr
        lines = spooled_lines(spool)
        assert len(lines) < ARTICLES
        assert all(json.loads(line)["document"]["url"] for line in lines)  # whole records only
        if chunk < ARTICLES:
            assert site.article_requests() < ARTICLES  # it stopped instead of fetching what it could only drop
        again = run_finnews(*column_crawl_args(server, tmp_path / "seen.sqlite"), env={"FINNEWS_SPOOL_DIR": str(spool)})
        assert again.returncode == 0, again.stdout + again.stderr
    urls = indexed_urls(es_node)
    assert len(urls) == len(set(urls)) == ARTICLES
    assert set(urls) == expected_urls(site)


def test_a_crawl_whose_articles_were_spooled_is_partial_until_they_are_written(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """docs/commands.md: exit 4 when articles were spooled; it was 0, and a scheduled crawl during an outage
    was recorded as succeeded, so no alert fired."""
    spool = tmp_path / "spool"
    site = ReplicaSite(synthetic_articles(20))
    with ReplicaServer(site) as server:
        down = run_finnews(
            *column_crawl_args(server, tmp_path / "seen.sqlite"),
            env={"FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_SPOOL_DIR": str(spool)},
        )
        assert down.returncode == 4, down.stdout + down.stderr
        assert "20 spooled" in down.stdout
        up = run_finnews(*column_crawl_args(server, tmp_path / "seen.sqlite"), env={"FINNEWS_SPOOL_DIR": str(spool)})
        assert up.returncode == 0, up.stdout + up.stderr
    assert len(indexed_urls(es_node)) == 20
