"""The crawl-wide state shared by the seen store, the coordinator and the index pipeline, and the
sweep middleware that only a distributed crawl turns on."""

from __future__ import annotations

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
    assert CatchUp.of_runs([killed, shallow]).depth == 5
    caught = ("finished", 1, f'{{"{COLUMNS}": 6}}')  # it read 6 pages, to one all seen
    state = CatchUp.of_runs([killed, shallow, caught])
    assert state.trusts(COLUMNS) and not state.trusts(FAST)  # each list on its own
    too_shallow = ("finished", 1, f'{{"{FAST}": 3}}')
    assert not CatchUp.of_runs([killed, too_shallow]).trusts(FAST)
    ended = ("finished", 1, f'{{"{FAST}": {LIST_END}}}')
    assert CatchUp.of_runs([killed, ended]).trusts(FAST)
    # another unclean run after a catch-up: every list again, as deep as the deepest unclean run
    again = CatchUp.of_runs([killed, caught, ("spool_full", 8, "{}")])
    assert not again.trusts(COLUMNS) and again.depth == 8
    # runs recorded before catch-ups were: a clean end trusts every list, as it did then
    assert CatchUp.of_runs([killed, ("finished", None, None)]).trusts(COLUMNS)
    assert CatchUp.of_runs([("shutdown", None, None)]).depth > 5  # depth unknown: as deep as any list is read
    assert not CatchUp.of_runs([killed, ("finished", 1, "not json")]).trusts(COLUMNS)


def test_the_seen_store_records_runs_and_their_catch_ups_and_reads_a_store_written_before(tmp_path: Path) -> None:
    import sqlite3
    import subprocess
    import sys

    path = tmp_path / "seen.db"
    old = sqlite3.connect(path)  # a store of an earlier version: runs without depth, caught_up, pid
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
    # … but one whose process is gone without recording its end was killed
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE runs SET pid = ? WHERE id = ?", (int(dead.stdout), first))
    third = SeenStore(path)
    third.start_run("eastmoney", 1)
    assert not third.trusts(COLUMNS) and third.catch_up_depth(COLUMNS) == 5
    run = third.start_run("eastmoney", 1)
    third.finish_run(run, "finished", {COLUMNS: 7})
    fourth = SeenStore(path)
    fourth.start_run("eastmoney", 1)
    assert fourth.trusts(COLUMNS) and not fourth.trusts(FAST)
    assert fourth.catch_up_depth(FAST) == 5
    for each in (store, second, third, fourth):
        each.close()
