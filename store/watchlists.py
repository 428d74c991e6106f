"""Watchlists (``configs/watchlists.yaml``): named searches a user follows, as feeds and in the
terminal. Each is a query of the search language and filters, turned into the same Elasticsearch
query as ``finnews search`` (:func:`store.search.build_query`): one matching rule for search and watch.

Matching new articles against every watchlist is a search per watchlist restricted to the new ids,
all in one ``_msearch`` (:func:`matches`), so the engine does the matching. A cluster with the
percolator module could store these queries as ``percolator`` fields and percolate each batch instead;
the integ-test node has no percolator, and one ``_msearch`` per batch holds for hundreds of watchlists."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch

from core.config import (
    ConfigError,
    check_keys,
    config_dir,
    expect_mapping,
    expect_strings,
    load_yaml,
    mapping_entries,
    parse_duration,
)
from store.client import StoreError, es_errors
from store.lifecycle import current_alias
from store.search import Filters, build_query, known_stock, query_for

logger = logging.getLogger(__name__)

WATCHLISTS_FILE = "watchlists.yaml"
WATCHLIST_KEYS = ("name", "title", "query", "stocks", "boards", "topics", "media", "sources", "channels", "digest")
FILTER_KEYS = ("stocks", "boards", "topics", "media", "sources")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class Watchlist:
    name: str  # in the feed's address: /feeds/<name>.xml
    title: str
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    # Where ``finnews live`` pushes matches: channels of configs/alerts.yaml (none: feed and watch only),
    # one message per article, or one digest every ``digest_s`` seconds.
    channels: tuple[str, ...] = ()
    digest_s: float = 0.0

    def search_query(self) -> dict[str, Any]:
        return build_query(self.query, self.filters)


def parse_watchlists(data: Any, path: str) -> dict[str, Watchlist]:
    """The watchlists of a parsed file, checked: names unique and fit for an address, keys known,
    each filter a string or a list of strings, each query and filter valid for search."""
    expect_mapping(data or {}, path)
    # a misspelt top-level key (watchlist:) read as "no watchlist", and pushes stopped without a word (hunt, day 17)
    check_keys(path, data or {}, ("watchlists",))
    found: dict[str, Watchlist] = {}
    for where, entry in mapping_entries(path, (data or {}).get("watchlists") or [], "watchlists", WATCHLIST_KEYS):
        name = str(entry.get("name") or "")
        if not NAME_RE.fullmatch(name):
            raise ConfigError(f"{where}: name: expected lower-case letters, digits and -, got {name!r}")
        if name in found:
            raise ConfigError(f"{where}: name: {name!r} is used twice")
        values = {key: _strings(entry.get(key), f"{where}: {key}") for key in (*FILTER_KEYS, "channels")}
        query = entry.get("query") or ""
        if not isinstance(query, str):
            raise ConfigError(f"{where}: query: expected text, got {query!r}")
        filters = Filters(
            stock=values["stocks"], board=values["boards"], topic=values["topics"], media=values["media"],
            source=values["sources"],
        )  # fmt: skip
        digest = parse_duration(entry["digest"], f"{where}: digest") if entry.get("digest") is not None else 0.0
        if digest and not values["channels"]:
            raise ConfigError(f"{where}: digest: a digest needs channels to go to")
        watchlist = Watchlist(name, str(entry.get("title") or name), query, filters, values["channels"], digest)
        try:
            built = watchlist.search_query()  # an unknown board or topic is said now, not at the first match
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
        if _matches_nothing(built):
            # A query of symbols only ("***", "-*") can never match: pushes would stop without a word.
            raise ConfigError(f"{where}: query: {query!r} holds no word to look for, so it matches no article")
        if _leaves_out_only(query_for(query)):
            # "NOT 芯片" is not "nothing": every article without 芯片 matches, a push of nearly every new one.
            logger.warning(
                "%s: watchlist %s: query: %r has words to leave out and none to look for: it matches every "
                "article without them%s",
                where, name, query, " that its filters let through" if any(values[key] for key in FILTER_KEYS) else
                ", so nearly every new article is pushed or listed (add a word to look for, or a filter)",
            )  # fmt: skip
        for stock in values["stocks"]:
            if not known_stock(stock):  # (a listing only the articles name may still match: said, not refused)
                logger.warning(
                    "%s: stocks: %r is no code, secid or name of a listing finnews knows; it matches only "
                    "articles whose stock is named exactly so (give a code such as 600519, 00700 or BABA)",
                    where, stock,
                )  # fmt: skip
        found[name] = watchlist
    return found


def _matches_nothing(query: dict[str, Any]) -> bool:
    """Whether a built query is ``match_none``, alone or as the words' part of the filtered query."""
    if "match_none" in query:
        return True
    must = query.get("bool", {}).get("must")
    return isinstance(must, list) and len(must) == 1 and isinstance(must[0], dict) and "match_none" in must[0]


def _leaves_out_only(words: dict[str, Any]) -> bool:
    """Whether a query's words (:func:`store.search.query_for`) have an alternative that only leaves words
    out (``NOT 芯片``, ``半导体 OR -芯片``): every article without them matches it."""
    found = words.get("bool", {})
    alternatives = found["should"] if "should" in found and "must" not in found else [words]
    return any(
        a.get("bool", {}).get("must") == [{"match_all": {}}] and bool(a["bool"].get("must_not")) for a in alternatives
    )


def _strings(value: Any, where: str) -> tuple[str, ...]:
    return expect_strings([value] if isinstance(value, str) else value, where)


def load_watchlists() -> dict[str, Watchlist]:
    """``configs/watchlists.yaml`` (none when the file is absent)."""
    path = config_dir() / WATCHLISTS_FILE
    if not path.exists():
        return {}
    return parse_watchlists(load_yaml(WATCHLISTS_FILE), str(path))


def matches(
    es: Elasticsearch, watchlists: list[Watchlist], article_ids: list[str], alias: str | None = None
) -> dict[str, list[str]]:
    """Which of ``article_ids`` each watchlist matches: one search per watchlist, limited to those ids,
    in a single ``_msearch`` (the engine matches; nothing is re-implemented here)."""
    if not watchlists or not article_ids:
        return {}
    index = alias or current_alias()
    searches: list[dict[str, Any]] = []
    for watchlist in watchlists:
        query = {"bool": {"must": [watchlist.search_query()], "filter": [{"ids": {"values": article_ids}}]}}
        searches += [{"index": index}, {"query": query, "size": len(article_ids), "_source": False}]
    with es_errors("watchlist matching failed"):
        answers = es.msearch(searches=searches)["responses"]
    found: dict[str, list[str]] = {}
    for watchlist, answer in zip(watchlists, answers, strict=True):
        if "error" in answer:
            raise StoreError(f"watchlist {watchlist.name}: matching failed: {answer['error']}")
        ids = [hit["_id"] for hit in answer["hits"]["hits"]]
        if ids:
            found[watchlist.name] = ids
    return found
