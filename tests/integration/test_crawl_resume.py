"""A crawl killed mid-way and restarted neither loses nor duplicates an article."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from replica.site import ReplicaServer, ReplicaSite, synthetic_articles
from tests.conftest import PROJECT_ROOT, column_crawl_args, expected_urls, indexed_urls, run_finnews

ARTICLES = 60


def crawl_command(server: ReplicaServer, tmp_path: Path, *extra: str) -> list[str]:
    seen_db = tmp_path / "seen.sqlite"
    return [sys.executable, "-m", "finnews", *column_crawl_args(server, seen_db, "-s", "CONCURRENT_REQUESTS=2", *extra)]


def start_and_kill(command: list[str], site: ReplicaSite, after_articles: int, sig: int) -> None:
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while site.article_requests() < after_articles and time.monotonic() < deadline:
        assert process.poll() is None, "the crawl ended before it could be interrupted"
        time.sleep(0.05)
    os.kill(process.pid, sig)
    process.wait(timeout=120)


def test_sigkill_mid_bulk_then_restart_loses_nothing(fresh_index: str, es_node, tmp_path: Path) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES), article_delay=0.05)
    with ReplicaServer(site) as server:
        start_and_kill(crawl_command(server, tmp_path), site, ARTICLES // 2, signal.SIGKILL)
        partial = indexed_urls(es_node)
        assert 0 < len(partial) < ARTICLES  # killed in the middle, with some batches written
        result = run_finnews(*crawl_command(server, tmp_path)[3:])
    assert result.returncode == 0, result.stdout + result.stderr
    urls = indexed_urls(es_node)
    assert len(urls) == len(set(urls)) == ARTICLES
    assert set(urls) == expected_urls(site)


def test_a_shallow_clean_run_after_a_kill_does_not_make_the_next_crawl_trust_its_lists(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """Day-17 hunt: a crawl killed with articles unwritten on deeper pages, then a clean run that read page 1
    only (a live poll, max_pages 1), then a crawl that trusted its lists (page 1 all seen) and never fetched
    the unwritten ones again. A run catches the lists up first: as deep as the killed run read, then on while
    pages hold unseen articles; only then may a crawl stop at a page all seen."""
    site = ReplicaSite(synthetic_articles(ARTICLES), article_delay=0.05)
    with ReplicaServer(site) as server:
        start_and_kill(crawl_command(server, tmp_path), site, ARTICLES // 2, signal.SIGKILL)
        assert 0 < len(indexed_urls(es_node)) < ARTICLES
        shallow = run_finnews(*crawl_command(server, tmp_path, "-a", "max_pages=1")[3:])
        assert shallow.returncode == 0, shallow.stdout + shallow.stderr
        result = run_finnews(*crawl_command(server, tmp_path)[3:])
        assert result.returncode == 0, result.stdout + result.stderr
        urls = indexed_urls(es_node)
        assert len(urls) == len(set(urls)) == ARTICLES
        # caught up now: the next crawl stops at its first page, all seen
        before = site.requests["/comm/web/getNewsByColumns"]
        quiet = run_finnews(*crawl_command(server, tmp_path)[3:])
        assert quiet.returncode == 0, quiet.stdout + quiet.stderr
        assert site.requests["/comm/web/getNewsByColumns"] - before == 1


def test_a_jobdir_left_by_a_killed_crawl_does_not_hide_what_it_had_queued(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """Day-17 hunt: after a kill, Scrapy's JOBDIR holds the fingerprints of every request the crawl had
    queued, but not its queue: every later crawl with that JOBDIR took those pages for done (250 of 400
    articles never fetched, exit 0). Here the killed job's fingerprints name every article page; the crawl
    discards them (the job's marker says it never closed) and indexes every article."""
    from scrapy import Request
    from scrapy.dupefilters import RFPDupeFilter

    from crawler.jobdir import RUNNING_MARKER

    site = ReplicaSite(synthetic_articles(20))
    jobdir = tmp_path / "job"
    jobdir.mkdir()
    with ReplicaServer(site) as server:
        fingerprints = RFPDupeFilter(str(jobdir))  # written by Scrapy's own filter, in its own file format
        for article in site.articles:
            fingerprints.request_seen(Request(f"{server.url}/a/{article.code}.html"))
        fingerprints.close("killed")
        (jobdir / RUNNING_MARKER).write_text("12345")  # written when that crawl opened; it never closed
        result = run_finnews(
            "crawl", "eastmoney", *server.eastmoney_settings("pages"), "-s", "DOWNLOAD_DELAY=0",
            "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}", "-s", f"JOBDIR={jobdir}",
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(indexed_urls(es_node)) == 20
    assert "its request fingerprints are discarded" in result.stderr
    assert not (jobdir / RUNNING_MARKER).exists()  # closed this time: a graceful job resumes as it is


def test_sigint_with_jobdir_resumes_the_same_crawl(fresh_index: str, es_node, tmp_path: Path) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES), article_delay=0.05)
    jobdir = ("-s", f"JOBDIR={tmp_path / 'job'}")
    with ReplicaServer(site) as server:
        start_and_kill(crawl_command(server, tmp_path, *jobdir), site, ARTICLES // 3, signal.SIGINT)
        assert (tmp_path / "job" / "requests.seen").exists()
        result = run_finnews(*crawl_command(server, tmp_path, *jobdir)[3:])
    assert result.returncode == 0, result.stdout + result.stderr
    urls = indexed_urls(es_node)
    assert len(urls) == len(set(urls)) == ARTICLES
    assert set(urls) == expected_urls(site)
    # Nothing was fetched twice across the two runs beyond the pages in flight at the interruption.
    assert site.article_requests() <= ARTICLES + 2


def test_two_crawls_at_once_on_one_store_fetch_each_article_once(fresh_index: str, es_node, tmp_path: Path) -> None:
    """Left open on day 17: two crawls of one spider on one state (a scheduled crawl beside a live poll of the same
    columns) both fetched every article they shared until the first one's batch was written. Each claims the pages
    it fetches now; the other leaves them to it, and nothing is lost."""
    site = ReplicaSite(synthetic_articles(ARTICLES), article_delay=0.3)  # the first crawl takes ~9 s
    with ReplicaServer(site) as server:
        first = subprocess.Popen(crawl_command(server, tmp_path), cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        while site.article_requests() < 3 and first.poll() is None:
            time.sleep(0.02)
        second = run_finnews(*crawl_command(server, tmp_path)[3:])
        out, _ = first.communicate(timeout=180)
    assert first.returncode == 0 and second.returncode == 0, out + second.stdout + second.stderr
    assert site.article_requests() == ARTICLES, (out, second.stdout)
    urls = indexed_urls(es_node)
    assert len(urls) == len(set(urls)) == ARTICLES
