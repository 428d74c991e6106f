"""A crawl meets every kind of bad page and goes on: each failure is counted with its URL and
reason, and every good article is still indexed."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from core.dates import SHANGHAI
from crawler.retry import backoff_delay
from replica.eastmoney_pages import render_emptied_article_page
from replica.site import GARBAGE_COLUMN, ReplicaServer, ReplicaSite, live_article, synthetic_articles
from tests.conftest import TEST_ALIAS, column_crawl_args, run_finnews
from tests.integration.receivers import dead_node_env, free_port


def crawl(server: ReplicaServer, tmp_path: Path, *extra: str) -> tuple[int, str]:
    result = run_finnews(
        "crawl", "eastmoney",
        *server.eastmoney_settings(),
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        *extra,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout


def test_bad_pages_are_counted_and_the_crawl_goes_on(fresh_index: str, es_node, tmp_path: Path) -> None:
    # The slow page answers long after the 1 s timeout: a reactor held up by the first article's tagging set-up
    # (jieba, the knowledge base) fires its timeout late, and a 3 s page once answered first.
    with ReplicaServer(ReplicaSite(faults=True, slow_seconds=8)) as server:
        code, summary = crawl(
            server, tmp_path,
            "-s", f"EASTMONEY_COLUMNS=345,{GARBAGE_COLUMN}",
            "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.2",
            # The 429s are refusals too: the site's back-off starts at 0.5 s here, not 10 s (the
            # Retry-After of 1 s still stands, as the stats below check).
            "-s", "BLOCKING_BACKOFF_BASE=0.5",
            "--stats-json", str(tmp_path / "stats.json"),
        )  # fmt: skip
    assert code == 4, summary  # partial (core.exit_codes): a list answered garbage, the crawl went on
    assert "articles: 4 new" in summary
    errors = next(line for line in summary.splitlines() if line.startswith("errors:"))
    for expected in (
        "bad_list_payload 1",
        "http_404 1",
        "http_500 1",
        "timeout 1",
        "redirect_loop 1",
        "not_an_article 3",
    ):
        assert expected in errors, summary
    assert f"http_404 {server.url}/a/fault-missing.html" in summary  # each failure names its URL
    assert f"redirect_loop {server.url}/a/fault-loop.html" in summary
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 4
    # The overloaded page was retried after waiting (Retry-After: 1 s, then backoff) and then read.
    assert server.site.requests["/a/fault-flaky.html"] == 3
    assert server.site.requests["/a/fault-error500.html"] == 3  # RETRY_TIMES=2: three tries in all
    # Each retry of the 429s came after the second the site asked for (Retry-After: 1 beats the 0.5 s
    # back-off), and the waits are in the stats.
    first, second, third = server.site.request_times["/a/fault-flaky.html"]
    assert second - first >= 0.95 and third - second >= 0.95
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["finnews/retry_backoff_seconds"] > 0


def test_backoff_delays_grow_and_honour_retry_after() -> None:
    assert 0.9 <= backoff_delay(1, 1.0, 60) <= 1.1
    assert 3.6 <= backoff_delay(3, 1.0, 60) <= 4.4
    assert backoff_delay(10, 1.0, 60) == 60
    assert backoff_delay(1, 0.1, 60, retry_after="5") == 5
    assert backoff_delay(1, 0.1, 3, retry_after="30") == 3


def test_robots_txt_disallow_is_obeyed(fresh_index: str, tmp_path: Path) -> None:
    site = ReplicaSite(robots="User-agent: *\nDisallow: /a/\n")
    with ReplicaServer(site) as server:
        code, summary = crawl(server, tmp_path, "-s", "EASTMONEY_COLUMNS=345")
    assert site.article_requests() == 0
    assert site.requests["/robots.txt"] == 1
    assert "articles: 0 new" in summary
    # Nothing gathered because robots.txt forbade it is no quiet day: said, and the crawl failed.
    assert code == 1, summary
    assert "robots_forbidden" in summary and "ROBOTS.TXT: the sites' robots.txt forbade" in summary


def test_a_crawl_whose_every_request_failed_exits_1_without_tracebacks(fresh_index: str, tmp_path: Path) -> None:
    """Nothing answers (issue 21, item 5): exit 1, one summary line that says so, and the robots.txt
    that could not be fetched is one warning line, not Scrapy's chained traceback."""
    closed = f"http://127.0.0.1:{free_port()}/comm/web/getNewsByColumns"
    result = run_finnews(
        "crawl", "eastmoney", "-s", f"EASTMONEY_LIST_API={closed}", "-s", "EASTMONEY_SOURCES=columns",
        "-s", "EASTMONEY_COLUMNS=345", "-s", "RETRY_TIMES=0", "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED: every request failed" in result.stdout
    assert "Traceback" not in result.stderr
    assert "robots.txt not fetched" in result.stderr


class FlakyArticleSite(ReplicaSite):
    """A replica whose one article answers 500 while ``broken`` (a server error that outlasts Scrapy's retries)."""

    def __init__(self, articles: list, victim: str) -> None:
        super().__init__(articles)
        self.victim = f"/a/{victim}.html"
        self.broken = True

    def handle(self, path: str, query: dict, base_url: str, headers=None) -> tuple:
        if path == self.victim and self.broken:
            self.count(path, path)
            return 500, "text/html; charset=utf-8", b"<html><body>Internal Server Error</body></html>"
        return super().handle(path, query, base_url, headers=headers)


def test_an_article_that_failed_beyond_the_first_page_is_fetched_by_the_next_crawl(tmp_path: Path) -> None:
    """Review of day 22: an article on page 2 answered 500 (through every retry) in a crawl that read its list to the
    end; the next crawl stopped at page 1, seen whole, and the article was never asked for again, though counted
    once as http_500. It is now: the next crawl reads the list as deep as the failed one did. (Nothing is indexed
    here: the node is down and the articles are spooled, which counts as saved.)"""
    articles = synthetic_articles(20)
    site = FlakyArticleSite(articles, victim=articles[15].code)  # page 2 of 10 a page
    dead_node = dead_node_env(tmp_path)
    with ReplicaServer(site) as server:
        args = column_crawl_args(
            server, tmp_path / "seen.sqlite", "-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.1"
        )
        first = run_finnews(*args, env=dead_node)
        assert "http_500" in first.stdout and site.requests[site.victim] == 2, first.stdout + first.stderr
        assert site.article_requests() == 21  # the 19 others once each
        site.broken = False
        second = run_finnews(*args, env=dead_node)
        assert site.requests[site.victim] == 3, second.stdout + second.stderr
        assert site.article_requests() == 22  # nothing else again
        third = run_finnews(*args, env=dead_node)
    assert site.article_requests() == 22, third.stdout
    assert "Traceback" not in first.stderr + second.stderr + third.stderr


class BodylessArticleSite(ReplicaSite):
    """A replica whose one article answers without body text while ``emptied`` (a throttled site's empty answer,
    a video article): the known layout's body element holds no paragraph."""

    def __init__(self, articles: list, victim: str) -> None:
        super().__init__(articles)
        self.victim = victim
        self.emptied = True

    def article_page(self, article) -> str:
        if article.code == self.victim and self.emptied:
            return render_emptied_article_page(article, self.articles.index(article))
        return super().article_page(article)


def age_bodyless(seen_db: Path, hours: float) -> None:
    """Make the seen store's articles found without body text last found ``hours`` ago (their wait over)."""
    with closing(sqlite3.connect(seen_db)) as db, db:
        db.execute("UPDATE bodyless SET last = ?", ((datetime.now(SHANGHAI) - timedelta(hours=hours)).isoformat(),))


def test_an_article_found_without_body_text_is_fetched_again_when_due_though_newer_pages_are_all_seen(
    tmp_path: Path,
) -> None:
    """A risk the day-22 review left, confirmed here: an article page found without body text is fetched again once
    its wait is over, but by then new articles had pushed it to page 2, a crawl between had seen them, and the next
    crawl stopped at page 1 (all seen): the page was never asked for again, its summary indexed for good. Crawls: the page found empty;
    ten new articles and a crawl while it waits (skipped); its wait over, a crawl that reads on to it."""
    articles = synthetic_articles(20)
    victim = articles[4]
    page = f"/a/{victim.code}.html"
    site = BodylessArticleSite(articles, victim.code)
    seen_db = tmp_path / "seen.sqlite"
    dead_node = dead_node_env(tmp_path)
    with ReplicaServer(site) as server:
        args = column_crawl_args(server, seen_db)
        first = run_finnews(*args, env=dead_node)
        assert site.requests[page] == 1 and "it is fetched again later" in first.stderr, first.stdout + first.stderr
        for number in range(10):
            site.publish(live_article(articles[number], number, f"新闻第{number}条"))
        waiting = run_finnews(*args, env=dead_node)  # page 1 all new, page 2 holds the page: it waits
        assert site.requests[page] == 1, waiting.stdout
        assert site.article_requests() == 30, waiting.stdout
        age_bodyless(seen_db, 2)  # its first wait (10 minutes) is over
        site.emptied = False
        due = run_finnews(*args, env=dead_node)
        assert site.requests[page] == 2, due.stdout + due.stderr
        assert site.article_requests() == 31, due.stdout  # nothing else again
        after = run_finnews(*args, env=dead_node)
    assert site.article_requests() == 31, after.stdout  # found with its text: remembered
    assert site.requests["/comm/web/getNewsByColumns"] == 3 + 3 + 3 + 1, after.stdout  # the last stops at page 1
    assert "Traceback" not in first.stderr + waiting.stderr + due.stderr + after.stderr


def test_a_one_page_poll_reaches_a_due_article_without_body_text_on_page_2(tmp_path: Path) -> None:
    """Review of day 23: a live poll reads one page (max_pages 1), so an article page found without body text that
    newer articles had pushed to page 2 was never asked for again by it, however long it was due. The poll pages on
    for it (FINNEWS_BODYLESS_SEEK_PAGES), finds it on page 2 and fetches it; the next poll stops at page 1."""
    articles = synthetic_articles(20)
    victim = articles[4]
    page = f"/a/{victim.code}.html"
    site = BodylessArticleSite(articles, victim.code)
    seen_db = tmp_path / "seen.sqlite"
    dead_node = dead_node_env(tmp_path)
    lists = "/comm/web/getNewsByColumns"
    with ReplicaServer(site) as server:
        first = run_finnews(*column_crawl_args(server, seen_db), env=dead_node)
        assert site.requests[page] == 1, first.stdout + first.stderr
        for number in range(10):
            site.publish(live_article(articles[number], number, f"新闻第{number}条"))
        poll = column_crawl_args(server, seen_db, "-s", "EASTMONEY_MAX_PAGES=1")
        waiting = run_finnews(*poll, env=dead_node)  # page 1 all new (read on to page 2, seen): the page waits
        assert site.requests[page] == 1 and site.requests[lists] == 3 + 2, waiting.stdout
        age_bodyless(seen_db, 2)  # its first wait (10 minutes) is over
        site.emptied = False
        due = run_finnews(*poll, env=dead_node)
        assert site.requests[page] == 2, due.stdout + due.stderr
        assert site.requests[lists] == 5 + 2, due.stdout  # page 1 seen whole, page 2 lists it
        after = run_finnews(*poll, env=dead_node)
    assert site.requests[lists] == 7 + 1 and site.requests[page] == 2, after.stdout
    assert "Traceback" not in first.stderr + waiting.stderr + due.stderr + after.stderr


def bodyless_times(seen_db: Path) -> list[int]:
    with closing(sqlite3.connect(seen_db)) as db:
        return [int(times) for (times,) in db.execute("SELECT times FROM bodyless")]


def test_an_article_without_body_text_out_of_reach_is_sought_once_a_wait_then_written_off(tmp_path: Path) -> None:
    """A video article never gets a body, and the list moves on past what a crawl reads (max_pages): a crawl that
    paged on past fully-seen pages for it and did not find it counts as finding it without text once more, so it
    is sought once after each wait and then written off, not by every crawl to max_pages for ever. A one-page poll
    pages on for it too, up to FINNEWS_BODYLESS_SEEK_PAGES (2 here, the crawls' max_pages), and counts alike."""
    articles = synthetic_articles(20)
    victim = articles[4]
    page = f"/a/{victim.code}.html"
    site = BodylessArticleSite(articles, victim.code)
    seen_db = tmp_path / "seen.sqlite"
    dead_node = dead_node_env(tmp_path)
    lists = "/comm/web/getNewsByColumns"
    with ReplicaServer(site) as server:
        args = column_crawl_args(server, seen_db, "-s", "EASTMONEY_MAX_PAGES=2", "-s", "FINNEWS_BODYLESS_SEEK_PAGES=2")
        outputs = [run_finnews(*args, env=dead_node).stderr]
        assert bodyless_times(seen_db) == [1] and site.requests[lists] == 2
        for number in range(20):
            site.publish(live_article(articles[number], number, f"新闻第{number}条"))
        outputs.append(run_finnews(*args, env=dead_node).stderr)  # pages 1-2 new, page 3 holds it: it waits
        assert site.requests[lists] == 2 + 3 and site.requests[page] == 1
        age_bodyless(seen_db, 2)
        outputs.append(run_finnews(*args, env=dead_node).stderr)  # due: paged on to max_pages, not found
        assert site.requests[lists] == 5 + 2 and site.requests[page] == 1 and bodyless_times(seen_db) == [2]
        outputs.append(run_finnews(*args, env=dead_node).stderr)  # waiting again: page 1 is all seen, stop
        assert site.requests[lists] == 7 + 1
        age_bodyless(seen_db, 2)
        poll = [*args, "-s", "EASTMONEY_MAX_PAGES=1"]
        outputs.append(run_finnews(*poll, env=dead_node).stderr)  # one page, paged on to page 2 for it: not found
        assert site.requests[lists] == 8 + 2 and bodyless_times(seen_db) == [3]
        with closing(sqlite3.connect(seen_db)) as db, db:
            db.execute("UPDATE bodyless SET times = 4")  # found so after the 6 h wait too
        age_bodyless(seen_db, 25)
        outputs.append(run_finnews(*args, env=dead_node).stderr)  # after the last wait: sought, then written off
        assert site.requests[lists] == 10 + 2 and bodyless_times(seen_db) == [5]
        age_bodyless(seen_db, 48)
        outputs.append(run_finnews(*args, env=dead_node).stderr)
    assert site.requests[lists] == 12 + 1  # written off: sought no more
    assert site.requests[page] == 1
    assert "Traceback" not in "".join(outputs)


def test_an_article_that_keeps_failing_does_not_make_every_crawl_read_every_list_deep_for_ever(tmp_path: Path) -> None:
    """Review of the day's changes: an article that answers 500 (or 403, or times out) on every crawl, pinned on
    page 1, made every crawl unclean (pages_left_unread), so every crawl of the spider read each of its lists to
    max_pages whatever it had seen: every 10 minutes, as long as the article was listed. Once it has been failing
    for a day (UNREAD_FOR_GOOD_S) it no longer does: it is sought as an article found without body text is, asked
    for again after growing waits (not by every crawl), and the crawl pages on one page past it as before (its page
    is not all seen)."""
    articles = synthetic_articles(40)
    site = FlakyArticleSite(articles, victim=articles[2].code)  # page 1 (10 a page)
    seen_db = tmp_path / "seen.sqlite"
    dead_node = dead_node_env(tmp_path)
    lists = "/comm/web/getNewsByColumns"
    with ReplicaServer(site) as server:
        args = column_crawl_args(
            server, seen_db, "-s", "EASTMONEY_MAX_PAGES=3", "-s", "RETRY_TIMES=0", "-s", "RETRY_BACKOFF_BASE=0.1"
        )
        outputs = [run_finnews(*args, env=dead_node).stdout]  # first read: 3 pages
        assert site.requests[lists] == 3 and site.requests[site.victim] == 1, outputs[0]
        outputs.append(run_finnews(*args, env=dead_node).stdout)  # within its day: caught up, 3 pages again
        assert site.requests[lists] == 6 and site.requests[site.victim] == 2, outputs[-1]
        with closing(sqlite3.connect(seen_db)) as db, db:  # it has been failing for a day now
            db.execute("UPDATE unread SET first = ?", ((datetime.now(SHANGHAI) - timedelta(hours=25)).isoformat(),))
        outputs.append(run_finnews(*args, env=dead_node).stdout)  # the last run unclean: caught up still
        assert site.requests[lists] == 9 and site.requests[site.victim] == 3, outputs[-1]
        outputs.append(run_finnews(*args, env=dead_node).stdout)  # page 1 (not all seen), page 2 all seen: stop
        assert site.requests[lists] == 9 + 2 and site.requests[site.victim] == 3, outputs[-1]  # it waits
        age_bodyless(seen_db, 1)  # its first wait (10 minutes) over
        outputs.append(run_finnews(*args, env=dead_node).stdout)
    assert site.requests[lists] == 11 + 2 and site.requests[site.victim] == 4, outputs[-1]


def test_an_article_that_failed_for_a_day_and_came_back_is_fetched_though_pushed_past_the_pages_seen(
    tmp_path: Path,
) -> None:
    """Review of day 23: an article answering 500 for over a day no longer made crawls unclean (025ee4b) and was
    "still asked for whenever its page is read"; newer articles pushed it to page 2, a crawl saw them (asking for it,
    failing still), and when it came back the next crawl stopped at page 1 seen whole: nothing asked for it again. It is now sought by its list once
    its wait is over, past the pages seen, and fetched."""
    articles = synthetic_articles(40)
    site = FlakyArticleSite(articles, victim=articles[2].code)  # page 1 (10 a page)
    seen_db = tmp_path / "seen.sqlite"
    dead_node = dead_node_env(tmp_path)
    lists = "/comm/web/getNewsByColumns"
    with ReplicaServer(site) as server:
        args = column_crawl_args(
            server, seen_db, "-s", "EASTMONEY_MAX_PAGES=3", "-s", "RETRY_TIMES=0", "-s", "RETRY_BACKOFF_BASE=0.1"
        )
        outputs = [run_finnews(*args, env=dead_node).stdout]
        with closing(sqlite3.connect(seen_db)) as db, db:  # it has been failing for a day now
            db.execute("UPDATE unread SET first = ?", ((datetime.now(SHANGHAI) - timedelta(hours=25)).isoformat(),))
        outputs.append(run_finnews(*args, env=dead_node).stdout)  # failing still: sought later
        assert site.requests[site.victim] == 2, outputs[-1]
        for number in range(10):
            site.publish(live_article(articles[number], number, f"新闻第{number}条"))
        outputs.append(run_finnews(*args, env=dead_node).stdout)  # the ten new fetched; it waits (page 2)
        came_back_at = site.requests[site.victim]  # (2: skipped while it waits; before, asked for and failing: 3)
        site.broken = False  # it came back
        age_bodyless(seen_db, 1)
        before = site.requests[lists]
        outputs.append(run_finnews(*args, env=dead_node).stdout)  # page 1 seen whole: paged on to it
    assert site.requests[site.victim] == came_back_at + 1, outputs[-1]
    assert site.requests[lists] == before + 3, outputs[-1]  # (page 2 not all seen: on to page 3, seen whole)
