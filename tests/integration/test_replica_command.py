"""``finnews replica serve`` (issue 23, item 8): the replicas as a user command whose printed crawl
command works as printed, and a crawl that is quiet by default."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT, indexed_urls, run_finnews

ARTICLES = 12


def test_the_printed_crawl_command_crawls_the_served_replica_quietly(fresh_index: str, es_node, tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "finnews", "replica", "serve", "--articles", str(ARTICLES)],
        cwd=PROJECT_ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        banner = server.stdout.readline()
        assert f"Serving an Eastmoney replica of {ARTICLES} article(s) at http://127.0.0.1:" in banner
        assert server.stdout.readline().strip() == "Crawl it with:"
        command = shlex.split(server.stdout.readline())
        assert command[:3] == ["finnews", "crawl", "eastmoney"]
        result = run_finnews(*command[1:], "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}")
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(indexed_urls(es_node)) == ARTICLES
    # Quiet by default: the summary, not Scrapy's banner, settings and stats dump.
    assert "articles: " in result.stdout and len(result.stdout.splitlines()) < 15
    assert "[scrapy.core.engine] INFO" not in result.stderr and "Overridden settings" not in result.stderr
