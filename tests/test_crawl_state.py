"""The crawl-wide state shared by the seen store, the coordinator and the index pipeline, and the
sweep middleware that only a distributed crawl turns on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.distributed import SweepMiddleware
from crawler.seen import SeenStore, open_seen_store
from crawler.state import crawl_state


def test_each_crawler_has_one_state_of_its_own() -> None:
    first, second = get_crawler(), get_crawler()
    assert crawl_state(first) is crawl_state(first)
    assert crawl_state(first) is not crawl_state(second)
    assert crawl_state(first).seen_store is None and crawl_state(first).coordinator is None
    assert crawl_state(first).pending_writes() == 0


def test_the_seen_store_is_opened_once_per_crawl(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"FINNEWS_SEEN_ENABLED": True, "FINNEWS_SEEN_DB": str(tmp_path / "seen.db")})
    store = open_seen_store(crawler)
    assert type(store) is SeenStore and store.path == tmp_path / "seen.db"
    assert open_seen_store(crawler) is store and crawl_state(crawler).seen_store is store
    store.close()


def test_a_seen_store_put_in_place_first_is_the_one_used(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"FINNEWS_SEEN_ENABLED": True, "FINNEWS_SEEN_DB": str(tmp_path / "seen.db")})
    shared = SeenStore(tmp_path / "shared.db")  # as the coordinator puts the Redis store in place
    crawl_state(crawler).seen_store = shared
    assert open_seen_store(crawler) is shared
    assert not (tmp_path / "seen.db").exists()
    shared.close()


def test_no_seen_store_when_incremental_crawling_is_off() -> None:
    crawler = get_crawler(settings_dict={"FINNEWS_SEEN_ENABLED": False})
    assert open_seen_store(crawler) is None and crawl_state(crawler).seen_store is None


def test_the_sweep_middleware_is_off_unless_the_crawl_is_distributed() -> None:
    with pytest.raises(NotConfigured):
        SweepMiddleware.from_crawler(get_crawler(settings_dict={"FINNEWS_DISTRIBUTED": False}))
    assert type(SweepMiddleware.from_crawler(get_crawler(settings_dict={"FINNEWS_DISTRIBUTED": True}))) is (
        SweepMiddleware
    )


# --- catching up after an unclean run ---------------------------------------------------------------------

COLUMNS = "eastmoney columns:345 127.0.0.1"
FAST = "eastmoney fast:102 127.0.0.1"


def test_after_an_unclean_run_only_a_run_as_deep_that_read_a_list_to_seen_pages_makes_it_trusted() -> None:
    """Day-17 hunt: a crawl killed with articles unwritten on pages 2-5, then a live poll of max_pages 1 that
    finished cleanly, then a crawl that trusted its lists, stopped at page 1 and lost them for good."""
    from crawler.seen import LIST_END, CatchUp

    assert CatchUp.of_runs([]).trusts(COLUMNS)
    assert CatchUp.of_runs([("finished", 5, "{}")]).trusts(COLUMNS)
    killed = (None, 5, None)
    shallow = ("finished", 1, "{}")  # a poll that read page 1 only, caught nothing up
    assert not CatchUp.of_runs([killed, shallow]).trusts(COLUMNS)
    assert CatchUp.of_runs([killed, shallow]).depth(COLUMNS) == 5
    caught = ("finished", 1, f'{{"{COLUMNS}": 6}}')  # it read 6 pages, to one that held articles seen
    state = CatchUp.of_runs([killed, shallow, caught])
    assert state.trusts(COLUMNS) and not state.trusts(FAST)  # each list on its own
    assert not state.trusts_every_list()
    too_shallow = ("finished", 1, f'{{"{FAST}": 3}}')
    assert not CatchUp.of_runs([killed, too_shallow]).trusts(FAST)
    ended = ("finished", 1, f'{{"{FAST}": {LIST_END}}}')
    assert CatchUp.of_runs([killed, ended]).trusts(FAST)
    # another unclean run after a catch-up: that list again, as deep as that run read (review: the deepest depth
    # of all runs ever was kept, so one old deep run made every crawl page deep for ever)
    again = CatchUp.of_runs([killed, caught, ("spool_full", 3, "{}")])
    assert again.depth(COLUMNS) == 3 and again.depth(FAST) == 5
    assert CatchUp.of_runs([killed, caught, ("spool_full", 3, "{}"), ("finished", 3, f'{{"{COLUMNS}": 3}}')]).trusts(
        COLUMNS
    )
    # runs recorded before catch-ups were: a clean end trusts every list, as it did then; an unclean one of
    # unknown depth asks for this run's own max_pages, as an unclean stop did then
    assert CatchUp.of_runs([killed, ("finished", None, None)]).trusts_every_list()
    assert CatchUp.of_runs([("shutdown", None, None)]).depth(COLUMNS) == 1
    assert not CatchUp.of_runs([killed, ("finished", 1, "not json")]).trusts(COLUMNS)


def test_the_seen_store_records_runs_and_their_catch_ups_and_reads_a_store_written_before(tmp_path: Path) -> None:
    import sqlite3

    from crawler.seen import process_token

    path = tmp_path / "seen.db"
    old = sqlite3.connect(path)  # a store of an earlier version: runs without depth, caught_up, process
    old.execute(
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, spider TEXT NOT NULL, started TEXT NOT NULL,"
        " finished TEXT, reason TEXT)"
    )
    old.execute("INSERT INTO runs (spider, started, finished, reason) VALUES ('eastmoney', 'x', 'y', 'finished')")
    old.commit()
    old.close()
    store = SeenStore(path)
    first = store.start_run("eastmoney", 5)
    assert store.trusts(COLUMNS) and store.catch_up_depth(COLUMNS) == 0
    # a run still going on in a live process is not an unclean one (a scheduled crawl beside a live poll) …
    second = SeenStore(path)
    second.start_run("eastmoney", 1)
    assert second.trusts(COLUMNS)
    # … but one whose process is gone, or whose pid another process has now (a container's crawl is pid 1 each
    # time: review of day 17), was killed
    me = process_token(os.getpid())
    assert me is not None and me.startswith(f"{os.getpid()}:")
    for someone_else in (f"{os.getpid()}:1", "999999999:1", None):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE runs SET process = ? WHERE id = ?", (someone_else, first))
        third = SeenStore(path)
        third.start_run("eastmoney", 1)
        assert not third.trusts(COLUMNS) and third.catch_up_depth(COLUMNS) == 5, someone_else
        third.close()
    run = store.start_run("eastmoney", 1)
    store.finish_run(run, "finished", {COLUMNS: 7})
    fourth = SeenStore(path)
    fourth.start_run("eastmoney", 1)
    assert fourth.trusts(COLUMNS) and not fourth.trusts(FAST)
    assert fourth.catch_up_depth(FAST) == 5
    for each in (store, second, fourth):
        each.close()


def test_catching_up_reads_as_deep_as_the_unclean_run_then_stops_where_articles_were_seen(tmp_path: Path) -> None:
    """Beyond the unclean run's depth a list is caught up at the first page holding an article seen (review of day
    17: waiting for a page wholly seen never ended on a list with a dead link, and every crawl read 25 pages);
    on while pages are all new (the list moved on since), up to FINNEWS_CATCH_UP_PAGES."""
    import sqlite3

    from scrapy import Request
    from scrapy.http import TextResponse

    from crawler import settings as project_settings
    from crawler.spiders.eastmoney import EastmoneySpider

    path = tmp_path / "seen.db"
    store = SeenStore(path)
    killed = store.start_run("eastmoney", 3)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE runs SET process = NULL WHERE id = ?", (killed,))  # its process is gone
    settings = {
        n: getattr(project_settings, n) for n in dir(project_settings) if n.startswith(("EASTMONEY_", "FINNEWS"))
    }
    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, settings), max_pages="1")
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    store.start_run("eastmoney", 1)
    url = "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=345"
    response = TextResponse(url, body=b"{}", request=Request(url, meta={"finnews_source": "columns:345"}))
    key = spider.list_key(response, "columns:345")
    assert store.catch_up_depth(key) == 3
    store.add_many(["https://finance.eastmoney.com/a/1.html"])
    seen_and_dead = ["https://finance.eastmoney.com/a/1.html", "https://finance.eastmoney.com/a/404.html"]
    all_new = ["https://finance.eastmoney.com/a/5.html", "https://finance.eastmoney.com/a/6.html"]
    assert spider.page_on(response, "columns:345", 1, seen_and_dead, True, 1)  # within the killed run's 3 pages
    assert spider.page_on(response, "columns:345", 2, seen_and_dead, True, 1)
    assert spider.page_on(response, "columns:345", 3, all_new, True, 1)  # all new: the list moved on
    assert key not in spider.caught_up
    assert not spider.page_on(response, "columns:345", 4, seen_and_dead, True, 1)  # reached what was read
    assert spider.caught_up[key] == 4
    store.close()


def test_a_jobdir_is_discarded_only_when_the_crawl_that_marked_it_is_gone(tmp_path: Path) -> None:
    """A killed crawl's JOBDIR: its fingerprints and queue go; one a running crawl uses is left as it is (review of
    day 17: a second crawl given the same JOBDIR deleted the running one's queue)."""
    from crawler.jobdir import RUNNING_MARKER, discard_if_killed
    from crawler.seen import process_token

    for owner, discarded in ((process_token(os.getpid()), False), ("999999999:1", True), ("12345", True)):
        jobdir = tmp_path / str(owner).replace(":", "-")
        (jobdir / "requests.queue").mkdir(parents=True)
        (jobdir / "requests.seen").write_bytes(b"\x00\x14" + b"x" * 20)
        (jobdir / RUNNING_MARKER).write_text(str(owner))
        assert discard_if_killed(jobdir) is discarded, owner
        assert (jobdir / "requests.seen").exists() is not discarded
        assert (jobdir / "requests.queue").exists() is not discarded
    assert not discard_if_killed(tmp_path / "never-used")


def test_a_page_claimed_by_a_running_crawl_is_left_to_it_until_written_released_or_its_process_is_gone(
    tmp_path: Path,
) -> None:
    url = "https://finance.eastmoney.com/a/202612073000000001.html"
    first, second = SeenStore(tmp_path / "seen.sqlite"), SeenStore(tmp_path / "seen.sqlite")
    one, two = first.start_run("eastmoney", 1), second.start_run("eastmoney", 1)
    assert first.claim(url, one) and first.claim(url, one)  # its own claim, again (a retry)
    assert not second.claim(url, two)
    first.release(one)  # the first crawl ended without writing it: free
    assert second.claim(url, two) and not first.claim(url, one)
    second.add_many([url])  # written: seen, no longer claimed
    assert not first.claim(url, one)
    other = "https://finance.eastmoney.com/a/202612073000000002.html"
    with first._db:  # a claim of a crawl killed meanwhile (its process gone): taken over
        first._db.execute("INSERT INTO claims VALUES (?, '999999999:1#7', '2026-12-07T10:00:00+08:00')", (other,))
    assert second.claim(other, two)


@pytest.mark.parametrize(
    ("failure", "unclean"),
    [
        ("http_500", True),  # a server error, after Scrapy's retries
        ("timeout", True),
        ("blocked", True),  # a refusal given up, or a source stopped as blocked: the site may let us in later
        ("stopped", True),
        ("http_404", False),  # a page gone: asking again next crawl mends nothing
        ("robots", False),  # robots.txt forbids it: the same next crawl
    ],
)
def test_a_crawl_that_left_a_listed_page_unread_for_a_passing_reason_makes_the_next_read_its_lists_again(
    tmp_path: Path, failure: str, unclean: bool
) -> None:
    """An article page that answered 500 (or timed out, or was refused) in a crawl that otherwise finished was never
    fetched again: the next crawl stopped at the first list page it had seen whole, and the article sat beyond it
    (review of day 22: two crawls of the replica, the article on page 2 answering 500 in the first). Such a crawl
    is recorded as not clean, so the next one reads each list as deep again whatever it has seen."""
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Response, TextResponse
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import TimeoutError
    from twisted.python.failure import Failure

    from crawler import settings as project_settings
    from crawler.refusals import Blocked, SourceStopped
    from crawler.seen import ARTICLE_FLAG
    from crawler.spiders.eastmoney import EastmoneySpider

    settings = {
        n: getattr(project_settings, n) for n in dir(project_settings) if n.startswith(("EASTMONEY_", "FINNEWS"))
    }
    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, settings))
    store = SeenStore(tmp_path / "seen.db")
    crawl_state(spider.crawler).seen_store = store
    run = store.start_run("eastmoney", 5)
    article = Request("https://finance.eastmoney.com/a/202612073600000025.html", meta={ARTICLE_FLAG: True})
    errors = {
        "http_500": lambda: HttpError(Response(article.url, status=500, request=article)),
        "http_404": lambda: HttpError(Response(article.url, status=404, request=article)),
        "timeout": lambda: TimeoutError(),
        "blocked": lambda: Blocked("captcha", article.url),
        "stopped": lambda: SourceStopped("columns:345", "captcha pages"),
        "robots": lambda: IgnoreRequest("Forbidden by robots.txt"),
    }
    try:
        raise errors[failure]()
    except Exception:
        caught = Failure()
    caught.request = article
    spider.on_error(caught)
    store.finish_run(run, crawl_state(spider.crawler).unclean or "finished")  # as SeenArticlesMiddleware does
    store.start_run("eastmoney", 5)
    url = "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=345"
    response = TextResponse(url, body=b"{}", request=Request(url, meta={"finnews_source": "columns:345"}))
    assert store.catch_up_depth(spider.list_key(response, "columns:345")) == (5 if unclean else 0)
    store.close()


def test_an_article_an_item_pipeline_raised_on_is_counted_named_and_fails_the_crawl() -> None:
    """Scrapy only logs an item pipeline's exception: an article the cleaning or the tagging raised on was lost to
    the index while the crawl said "errors: none" and exited 0 (review of day 22: a pipeline raising on one of 8
    replica articles). It counts as an answer that could not be parsed, named with its URL, and the crawl is not a
    clean one (the next reads its lists again and asks for the page)."""
    from scrapy import signals
    from twisted.python.failure import Failure

    from core import exit_codes
    from core.article import RawArticle
    from crawler.items import ArticleItem
    from crawler.spiders.eastmoney import EastmoneySpider
    from finnews.commands_crawl import crawl_exit_code, crawl_summary

    crawler = get_crawler(EastmoneySpider)
    spider = EastmoneySpider.from_crawler(crawler)
    url = "https://finance.eastmoney.com/a/202612073600000003.html"
    item = ArticleItem(raw=RawArticle(source="eastmoney", url=url), fetched_url=url)
    try:
        raise ValueError("no reading for this text")
    except ValueError:
        failure = Failure()
    crawler.signals.send_catch_log(signal=signals.item_error, item=item, response=None, spider=spider, failure=failure)
    stats = {**crawler.stats.get_stats(), "finish_reason": "finished"}
    assert stats["finnews/errors/article_not_processed"] == 1
    assert stats["finnews/failures"] == [f"article_not_processed (no reading for this text) {url}"]
    assert crawl_state(crawler).unclean
    assert crawl_exit_code(stats) == exit_codes.FAILED
    assert "FAILED: 1 answer(s) could not be parsed" in crawl_summary(stats)


def test_the_seen_store_names_a_lists_articles_without_body_text_that_are_due_and_reads_older_stores(
    tmp_path: Path,
) -> None:
    """An article page found without body text is recorded with the list that linked it; once its wait is over the
    list is paged on to it (FinnewsSpider.all_seen). A store written before lists were recorded is read: its rows,
    of no list, are sought by none."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from core.dates import SHANGHAI
    from crawler.seen import BODYLESS_WAITS_S

    path = tmp_path / "seen.db"
    with closing(sqlite3.connect(path)) as old, old:
        old.execute("CREATE TABLE bodyless (url TEXT PRIMARY KEY, times INTEGER NOT NULL, first TEXT NOT NULL)")
        old.execute(
            "INSERT INTO bodyless VALUES ('https://finance.eastmoney.com/a/202612073000000001.html', 1, ?)",
            ((datetime.now(SHANGHAI) - timedelta(days=1)).isoformat(),),
        )
    store = SeenStore(path)
    video = "http://finance.eastmoney.com/a/202612073000000002.html"
    assert not store.note_bodyless(video, COLUMNS)
    assert store.bodyless_due(COLUMNS) == set()  # it waits 10 minutes first
    an_hour_ago = (datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat()
    with store._db:
        store._db.execute("UPDATE bodyless SET last = ?", (an_hour_ago,))
    assert store.bodyless_due(COLUMNS) == {"https://finance.eastmoney.com/a/202612073000000002.html"}
    assert store.bodyless_due(FAST) == set()
    with store._db:  # found so after its last wait: written off, sought no more
        store._db.execute("UPDATE bodyless SET times = ?", (len(BODYLESS_WAITS_S) + 1,))
    assert store.bodyless_due(COLUMNS) == set()
    store.close()


def test_the_seen_store_keeps_when_a_page_was_first_left_unread(tmp_path: Path) -> None:
    """A page a crawl left unread for a passing reason makes crawls unclean for a day from the first crawl that did
    (crawler.seen.UNREAD_FOR_GOOD_S): the store keeps that first time across crawls and reopenings, by canonical URL."""
    page = "http://finance.eastmoney.com/a/202612073000000003.html"
    store = SeenStore(tmp_path / "seen.db")
    first = store.unread_since(page)
    store.close()
    store = SeenStore(tmp_path / "seen.db")
    assert store.unread_since(page.replace("http:", "https:")) == first
    assert store.unread_since("http://finance.eastmoney.com/a/202612073000000004.html") >= first
    # A failure long after the last one starts a new run: a page that failed once a month ago is not failing today.
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from core.dates import SHANGHAI

    store.close()
    a_month_ago = (datetime.now(SHANGHAI) - timedelta(days=30)).isoformat()
    with closing(sqlite3.connect(tmp_path / "seen.db")) as db, db:
        db.execute("UPDATE unread SET first = ?, last = ?", (a_month_ago, a_month_ago))
    store = SeenStore(tmp_path / "seen.db")
    assert store.unread_since(page) > first
    store.close()


@pytest.mark.parametrize(("failure", "unclean"), [("http_500", False), ("stopped", True), ("blocked", True)])
def test_a_page_failing_for_over_a_day_leaves_crawls_clean_unless_its_site_refuses(
    tmp_path: Path, failure: str, unclean: bool
) -> None:
    """An article that has answered 500 for over a day (crawler.seen.UNREAD_FOR_GOOD_S) no longer makes the crawl
    unclean (every crawl read every list deep while it was listed); one dropped because its site refused or was
    stopped does: the block passes however long it lasted, and what it left unread is caught up then."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from scrapy import Request
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from core.dates import SHANGHAI
    from crawler.refusals import Blocked, SourceStopped
    from crawler.seen import ARTICLE_FLAG
    from crawler.spiders.eastmoney import EastmoneySpider

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    article = Request("https://finance.eastmoney.com/a/202612073600000025.html", meta={ARTICLE_FLAG: True})
    store.unread_since(article.url)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE unread SET first = ?", ((datetime.now(SHANGHAI) - timedelta(days=2)).isoformat(),))
    errors = {
        "http_500": lambda: HttpError(Response(article.url, status=500, request=article)),
        "stopped": lambda: SourceStopped("columns:345", "captcha pages"),
        "blocked": lambda: Blocked("captcha", article.url),
    }
    try:
        raise errors[failure]()
    except Exception:
        caught = Failure()
    caught.request = article
    spider.on_error(caught)
    assert bool(crawl_state(spider.crawler).unclean) is unclean
    store.close()


def test_a_sought_article_another_list_fetched_with_its_text_this_crawl_is_not_sought_again(tmp_path: Path) -> None:
    """An article found without body text is sought by the list that last linked it; one list's article is often
    another's too (Eastmoney's columns). When this crawl fetched it through another list with its text (remembered,
    its record gone), the list that sought it and did not list it counted it as found without text once more: a new
    record, so later crawls sought it through every wait, each reading that list to max_pages."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from core.dates import SHANGHAI
    from crawler.spiders.eastmoney import EastmoneySpider

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    video = "https://finance.eastmoney.com/a/202612073000000002.html"
    store.note_bodyless(video, COLUMNS)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE bodyless SET last = ?", ((datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat(),))
    seen = [f"https://finance.eastmoney.com/a/20261207300000{n:04d}.html" for n in range(10, 30)]
    store.add_many(seen)
    assert not spider.all_seen(seen[:10], COLUMNS)  # page 1, all seen: paged on for it
    assert not spider.all_seen(seen[10:], COLUMNS)  # page 2 read for it, not listing it
    store.add_many([video])  # fetched through another list (fast:102) with its text: remembered
    spider.closed("finished")
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT url, times FROM bodyless").fetchall() == []
    assert spider.crawler.stats.get_value("finnews/bodyless_not_listed") is None
    store.close()


@pytest.mark.parametrize("answer", ["http_500", "no_json"])
def test_a_list_answer_failing_for_over_a_day_leaves_crawls_clean_though_each_request_has_a_new_trace(
    tmp_path: Path, answer: str
) -> None:
    """Eastmoney's list requests carry a new req_trace each time: a list answer that failed on every crawl (a 500,
    an error page served with 200 for a retired column) was a new page each time, so it never counted as failing
    for a day (crawler.seen.UNREAD_FOR_GOOD_S) and left every crawl unclean, every list read to max_pages."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from scrapy.http import Response, TextResponse
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from core.dates import SHANGHAI
    from crawler import settings as project_settings
    from crawler.spiders.eastmoney import EastmoneySpider

    settings = {n: getattr(project_settings, n) for n in dir(project_settings) if n.startswith("EASTMONEY_")}
    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, settings))
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    yesterday, today = (spider.column_request("345", 1) for _ in range(2))
    assert yesterday.url != today.url  # (a new req_trace)
    spider.left_unread(yesterday.url)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE unread SET first = ?", ((datetime.now(SHANGHAI) - timedelta(days=2)).isoformat(),))
    crawl_state(spider.crawler).unclean = None
    if answer == "http_500":
        try:
            raise HttpError(Response(today.url, status=500, request=today))
        except HttpError:
            caught = Failure()
        caught.request = today
        spider.on_error(caught)
    else:
        page = TextResponse(today.url, body=b"<html>error</html>", request=today)
        spider._bad_list(page, ValueError("no JSON"))
    assert not crawl_state(spider.crawler).unclean
    store.close()


def test_the_shared_store_keeps_when_a_page_was_first_left_unread_too() -> None:
    """The distributed crawl's Redis store answers :meth:`crawler.seen.SeenStore.unread_since` as the SQLite one
    does (a hash of canonical URL → first|last failure; a stand-in for the server's two hash commands)."""
    from datetime import datetime, timedelta

    from core.dates import SHANGHAI
    from crawler.distributed import RedisSeenStore

    server = Hashes()
    store = RedisSeenStore(server, "eastmoney")  # type: ignore[arg-type]
    page = "http://finance.eastmoney.com/a/202612073000000003.html"
    first = store.unread_since(page)
    assert store.unread_since(page.replace("http:", "https:")) == first
    other = "http://finance.eastmoney.com/a/202612073000000004.html"
    assert store.unread_among([page, other]) == {page.replace("http:", "https:")}  # (canonical; feed spider)
    a_month_ago = (datetime.now(SHANGHAI) - timedelta(days=30)).isoformat()
    for key in list(server.values):
        server.values[key] = f"{a_month_ago}|{a_month_ago}".encode()
    assert store.unread_since(page) > first


def test_a_store_whose_unread_table_has_no_last_column_keeps_its_first_failures(tmp_path: Path) -> None:
    """A store written by 025ee4b has ``unread (url, first)``; 79b1cba's reads and writes of ``last`` failed on it
    ("no such column"), were caught as a locked store and answered "now": every failure counted as new, the day's
    bound never applied (review of day 23). The column is added and a row without it is read by its first time."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from core.dates import SHANGHAI

    path = tmp_path / "seen.db"
    page = "https://finance.eastmoney.com/a/202612073000000003.html"
    two_days_ago = datetime.now(SHANGHAI) - timedelta(days=2, hours=-1)
    with closing(sqlite3.connect(path)) as old, old:
        old.execute("CREATE TABLE unread (url TEXT PRIMARY KEY, first TEXT NOT NULL)")
        old.execute("INSERT INTO unread VALUES (?, ?)", (page, two_days_ago.isoformat()))
    store = SeenStore(path)
    assert store.unread_since(page) == two_days_ago
    assert store.unread_since(page) == two_days_ago  # (and written back with a last failure)
    store.close()


def test_a_page_read_between_two_failures_starts_a_new_run_of_them(tmp_path: Path) -> None:
    """A China.org list page (a stable URL) that answered 500 once, was read on every crawl since and fails again a
    day and a half later is not "failing for a day": counted so, the crawl was clean, stopped at a fully-seen page
    next time and what that failure left unread beyond it was never read (review of day 23). A page read ends its
    run of failures."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from scrapy import Request
    from scrapy.http import HtmlResponse

    from core.dates import SHANGHAI
    from crawler.spiders.chinaorg import ChinaOrgSpider

    spider = ChinaOrgSpider.from_crawler(get_crawler(ChinaOrgSpider))
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    page = "http://app.finance.china.com.cn/news/column.php?cname=%E8%AF%81%E5%88%B8%E8%A6%81%E9%97%BB&p=2"
    store.unread_since(page)
    a_day_and_a_half_ago = (datetime.now(SHANGHAI) - timedelta(hours=36)).isoformat()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE unread SET first = ?, last = ?", (a_day_and_a_half_ago, a_day_and_a_half_ago))
    read = HtmlResponse(page, body=b"<html><body>list</body></html>", request=Request(page))
    spider.answered(read)  # read on a crawl since
    spider.left_unread(page)
    assert crawl_state(spider.crawler).unclean
    store.close()


class Hashes:
    """A stand-in for the Redis commands the distributed crawl's seen store uses (crawler.distributed.RedisSeenStore):
    hashes and sets of bytes, as redis-py answers."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], bytes] = {}
        self.sets: dict[str, set[bytes]] = {}

    def hget(self, name: str, key: str) -> bytes | None:
        return self.values.get((name, key))

    def hset(self, name: str, key: str, value: str) -> None:
        self.values[(name, key)] = value.encode()

    def hdel(self, name: str, *keys: str) -> None:
        for key in keys:
            self.values.pop((name, key), None)

    def hmget(self, name: str, keys: list[str]) -> list[bytes | None]:
        return [self.values.get((name, key)) for key in keys]

    def hgetall(self, name: str) -> dict[bytes, bytes]:
        return {key.encode(): value for (hash_name, key), value in self.values.items() if hash_name == name}

    def sadd(self, name: str, *members: str) -> None:
        self.sets.setdefault(name, set()).update(member.encode() for member in members)

    def sismember(self, name: str, member: str) -> bool:
        return member.encode() in self.sets.get(name, set())


def test_the_shared_store_names_a_lists_articles_without_body_text_that_are_due_as_the_sqlite_one_does() -> None:
    """The Redis store kept no list with an article found without body text and answered bodyless_due with nothing:
    a distributed crawl stopped at a fully-seen page whatever was due beyond it, and the article's summary stayed
    indexed for good once newer articles pushed it past the first page (review of day 23). It now keeps the list that
    linked it, as the SQLite store does; a record written before (``times|last``, no list) is sought by none; an
    article remembered as seen has no record left."""
    from datetime import datetime, timedelta

    from core.dates import SHANGHAI
    from crawler.distributed import KEY_PREFIX, RedisSeenStore

    server = Hashes()
    store = RedisSeenStore(server, "eastmoney")  # type: ignore[arg-type]
    video = "http://finance.eastmoney.com/a/202612073000000002.html"
    canonical = "https://finance.eastmoney.com/a/202612073000000002.html"
    older = "https://finance.eastmoney.com/a/202612073000000001.html"
    an_hour_ago = (datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat()
    server.hset(f"{KEY_PREFIX}:bodyless", older, f"1|{an_hour_ago}")  # an older version's record
    assert not store.note_bodyless(video, COLUMNS)
    assert store.bodyless_due(COLUMNS) == set()  # it waits 10 minutes first
    server.hset(f"{KEY_PREFIX}:bodyless", canonical, f"1|{an_hour_ago}")
    assert store.bodyless_due(COLUMNS) == {canonical}
    assert store.bodyless_due(FAST) == set()
    store.note_bodyless(video)  # found so again through no list: the list it had is kept
    server.hset(f"{KEY_PREFIX}:bodyless", canonical, f"2|{(datetime.now(SHANGHAI) - timedelta(hours=2)).isoformat()}")
    assert store.bodyless_due(COLUMNS) == {canonical}
    store.add_many([video], "eastmoney")  # fetched with its text: seen, no record left
    assert store.bodyless_due(COLUMNS) == set() and not store.bodyless_waiting(video)
    assert server.hget(f"{KEY_PREFIX}:bodyless", canonical) is None


def test_a_one_page_poll_pages_on_for_a_due_article_without_body_text_a_few_pages_at_most(tmp_path: Path) -> None:
    """Review of day 23: a poll of max_pages 1 (the live column poll) never read past page 1, so an article found
    without body text and pushed to page 2 by newer ones was never reached by it, however long it was due (only a
    deeper scheduled crawl could). A list whose page was read with a due one still unlisted is paged on for it up to
    FINNEWS_BODYLESS_SEEK_PAGES, and no further; not found there, it counts once more (it waits its next wait)."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from scrapy import Request
    from scrapy.http import TextResponse

    from core.dates import SHANGHAI
    from crawler import settings as project_settings
    from crawler.spiders.eastmoney import EastmoneySpider

    settings = {
        n: getattr(project_settings, n) for n in dir(project_settings) if n.startswith(("EASTMONEY_", "FINNEWS"))
    }
    spider = EastmoneySpider.from_crawler(
        get_crawler(EastmoneySpider, {**settings, "FINNEWS_BODYLESS_SEEK_PAGES": 3}), max_pages="1"
    )
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    store.start_run("eastmoney", 1)
    url = "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=345"
    response = TextResponse(url, body=b"{}", request=Request(url, meta={"finnews_source": "columns:345"}))
    key = spider.list_key(response, "columns:345")
    video = "https://finance.eastmoney.com/a/202612073000000002.html"
    store.note_bodyless(video, key)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE bodyless SET last = ?", ((datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat(),))
    pages = [[f"https://finance.eastmoney.com/a/2026120730000{p}{n:04d}.html" for n in range(10)] for p in (1, 2, 3)]
    store.add_many([u for page in pages for u in page])
    assert not spider.all_seen(pages[0], key)  # page 1 seen whole, the video not listed
    assert spider.page_on(response, "columns:345", 1, pages[0], True, 1)  # past max_pages 1, for it
    assert not spider.all_seen(pages[1], key)
    assert spider.page_on(response, "columns:345", 2, pages[1], True, 1)
    assert not spider.all_seen(pages[2], key)
    assert not spider.page_on(response, "columns:345", 3, pages[2], True, 1)  # FINNEWS_BODYLESS_SEEK_PAGES
    spider.closed("finished")
    assert spider.crawler.stats.get_value("finnews/bodyless_not_listed") == 1
    # found on page 2: no further
    again = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, settings), max_pages="1")
    crawl_state(again.crawler).seen_store = store
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE bodyless SET last = ?", ((datetime.now(SHANGHAI) - timedelta(hours=3)).isoformat(),))
    assert not again.all_seen(pages[0], key) and again.page_on(response, "columns:345", 1, pages[0], True, 1)
    assert not again.all_seen([*pages[1], video], key)
    assert not again.page_on(response, "columns:345", 2, [*pages[1], video], True, 1)
    store.close()


def test_a_later_7x24_page_failing_for_over_a_day_leaves_crawls_clean_though_its_cursor_changes(tmp_path: Path) -> None:
    """80b5d97 made an Eastmoney list answer one page across crawls without its req_trace; a later 7×24 page is
    asked for by a cursor (sortEnd) that changes with every new flash, so one failing on every crawl (an API refusing
    deep cursors) was a new page each time and left every crawl unclean for ever, every list read to max_pages
    (review of day 23). A later page of a 7×24 list is one page across crawls, whatever its cursor; its first page
    (no cursor) is another, so reading that does not end a later page's run of failures."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from scrapy.http import TextResponse

    from core.dates import SHANGHAI
    from crawler import settings as project_settings
    from crawler.spiders.eastmoney import EastmoneySpider

    settings = {n: getattr(project_settings, n) for n in dir(project_settings) if n.startswith("EASTMONEY_")}
    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider, settings))
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    yesterday, today = (
        spider.fast_request("102", "1765000000000001", 2),
        spider.fast_request("102", "1765090000000009", 2),
    )
    spider.left_unread(yesterday.url)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE unread SET first = ?", ((datetime.now(SHANGHAI) - timedelta(days=2)).isoformat(),))
    first_page = spider.fast_request("102", "", 1)
    spider.answered(TextResponse(first_page.url, body=b"{}", request=first_page))  # page 1 read, as every crawl
    crawl_state(spider.crawler).unclean = None
    page = TextResponse(today.url, body=b"<html>error</html>", request=today)
    spider._bad_list(page, ValueError("no JSON"))
    assert not crawl_state(spider.crawler).unclean
    store.close()


def test_an_article_failing_for_over_a_day_is_sought_by_its_list_after_waits_not_lost_once_pushed_back(
    tmp_path: Path,
) -> None:
    """Review of day 23 (025ee4b): an article page whose own failures had gone on for a day no longer made the crawl
    unclean, and was "still asked for whenever its page is read". Once newer articles pushed it past the first page
    seen whole, no crawl read its page again: an article that answered 500 for a day and then came back was lost for
    good. It is now sought as an article found without body text is (crawler.seen.Bodyless): fetched again after
    growing waits, its list paged on past fully-seen pages to it while due, given up after the last wait."""
    import sqlite3
    from contextlib import closing
    from datetime import datetime, timedelta

    from scrapy import Request
    from scrapy.http import Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from core.dates import SHANGHAI
    from crawler.seen import ARTICLE_FLAG
    from crawler.spiders.base import LIST_META
    from crawler.spiders.eastmoney import EastmoneySpider

    spider = EastmoneySpider.from_crawler(get_crawler(EastmoneySpider))
    path = tmp_path / "seen.db"
    store = SeenStore(path)
    crawl_state(spider.crawler).seen_store = store
    url = "https://finance.eastmoney.com/a/202612073600000025.html"
    article = Request(url, meta={ARTICLE_FLAG: True, LIST_META: COLUMNS})
    store.unread_since(url)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE unread SET first = ?", ((datetime.now(SHANGHAI) - timedelta(days=2)).isoformat(),))
    try:
        raise HttpError(Response(url, status=500, request=article))
    except HttpError:
        caught = Failure()
    caught.request = article
    spider.on_error(caught)
    assert not crawl_state(spider.crawler).unclean  # (025ee4b's bound stands)
    assert store.bodyless_waiting(url)  # not asked for again at once
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE bodyless SET last = ?", ((datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat(),))
    assert store.bodyless_due(COLUMNS) == {url}  # its list pages on to it (FinnewsSpider.all_seen)
    store.close()
