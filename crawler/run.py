"""Running spiders in this process: the project's Scrapy settings once every configuration file is
checked, and the spool replayed before a crawl. Used by ``finnews crawl``, ``finnews sites check``
and ``finnews live`` (the command line only parses and reports)."""

from __future__ import annotations

import os
import sys
from typing import Any

from core.config import ConfigError
from core.masking import mask_credentials


def project_settings(settings_overrides: dict[str, Any]) -> Any:
    """The project's Scrapy settings with these overrides, once every configuration file is checked
    (a mistake is one clear line, not a page of Twisted tracebacks)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    from core.config import max_article_bytes
    from crawler.sites import load_sites
    from store.lifecycle import index_config
    from store.settings import elasticsearch_settings
    from tagging.linking.lexicon import load_lexicon
    from tagging.topics import load_taxonomy

    elasticsearch_settings(), max_article_bytes(), load_sites(), index_config(), load_lexicon(), load_taxonomy()
    settings = get_project_settings()
    for key, value in settings_overrides.items():
        settings.set(key, value, priority="cmdline")
    tag_reading(settings)
    return settings


def tag_reading(settings: Any) -> dict[str, bool]:
    """How pages with ticker markup are tagged (crawler/settings.py): from markup and text (the default),
    ``FINNEWS_TAG_FROM_TEXT`` from the text alone, ``FINNEWS_TAG_MARKUP_ONLY`` from the markup alone; the
    keyword arguments of :func:`tagging.extract.build_article`. Both set is a ConfigError."""
    from_text, markup_only = settings.getbool("FINNEWS_TAG_FROM_TEXT"), settings.getbool("FINNEWS_TAG_MARKUP_ONLY")
    if from_text and markup_only:
        raise ConfigError("FINNEWS_TAG_FROM_TEXT and FINNEWS_TAG_MARKUP_ONLY exclude each other: set one of them")
    return {"plain": from_text, "markup_only": markup_only}


def crawler_process(settings_overrides: dict[str, Any]) -> Any:
    """A Scrapy CrawlerProcess with the project's settings and these overrides."""
    from scrapy.crawler import CrawlerProcess

    return CrawlerProcess(project_settings(settings_overrides))


def check_spider(runner: Any, spider: str) -> None:
    """``spider`` is one of the project's spiders (a ConfigError naming the known ones, if not)."""
    known = sorted(runner.spider_loader.list())
    if spider not in known:
        raise ConfigError(f"unknown spider {spider!r}; available: {', '.join(known)}")


def run_crawl(spider: str, spider_args: dict[str, str], settings_overrides: dict[str, Any]) -> dict[str, Any]:
    """Run one spider to completion in this process; returns its final stats."""
    process = crawler_process(settings_overrides)
    check_spider(process, spider)
    settings = process.settings
    # Articles earlier runs spooled go in first, counted in this crawl's summary (what the replay
    # spools again is this run's file and is not replayed again by the index pipeline).
    replayed = replay_before_crawl() if settings.getbool("FINNEWS_INDEX_ENABLED") else {}
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = dict(crawler.stats.get_stats())
    stats.update({f"finnews/replay/{key}": value for key, value in replayed.items()})
    return stats


def replay_before_crawl(own_closed: bool = False, command: str = "crawl") -> dict[str, int]:
    """Replay the spool before a crawl; nothing when it is empty or the node does not answer (the
    crawl then spools too, and the next run replays both). ``own_closed``: this process's closed
    files too (``finnews live``, see :func:`store.replay.replay_spool`)."""
    from store.client import StoreError, connect
    from store.lifecycle import current_alias
    from store.replay import replay_spool
    from store.spool import spool_files

    if not spool_files(index=current_alias()):
        return {}
    try:
        return replay_spool(connect(), own_closed=own_closed)
    except StoreError as error:
        print(f"finnews {command}: the spool is not replayed: {mask_credentials(str(error))}", file=sys.stderr)
        return {}
