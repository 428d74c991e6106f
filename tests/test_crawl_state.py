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
