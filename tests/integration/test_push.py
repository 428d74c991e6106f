"""Matching new articles against the watchlists (alerts/push.py ``match_new``) on the real node: what
each watchlist is matched against, and which articles become deliveries."""

from __future__ import annotations

from pathlib import Path

import yaml

from alerts.push import match_new
from store.client import connect
from store.documents import article_document
from store.outbox import Outbox
from store.watchlists import Watchlist, parse_watchlists
from store.writer import ArticleWriter
from tests.conftest import TEST_ALIAS

GROUP_A = "  - {name: group-a, title: 甲组, query: '\"甲组快讯\"', channels: [desk]}\n"
GROUP_B = "  - {name: group-b, title: 乙组, query: '\"乙组快讯\"', channels: [desk]}\n"


def watchlists(*entries: str) -> dict[str, Watchlist]:
    return parse_watchlists(yaml.safe_load("watchlists:\n" + "".join(entries)), "watchlists.yaml")


def publish(*titles: str) -> list[str]:
    """Index one short article per title (written and searchable now); their ids."""
    documents = [
        article_document({"url": f"https://example.com/push/{title}.html", "title": title, "text": f"{title}。"})
        for title in titles
    ]
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add_many(documents)
    writer.close()
    return [d["id"] for d in documents]


def delivered(outbox: Outbox, names: list[str]) -> set[tuple[str, str]]:
    """(watchlist, article id) of every delivery waiting in the outbox."""
    return {(d.watchlist, d.article["id"]) for d in outbox.due("desk", 4e9, names, limit=1000)}


def test_a_watchlist_added_or_changed_later_is_matched_against_the_look_back_window_never_the_archive(
    fresh_index: str, tmp_path: Path
) -> None:
    """Audit 4, G6: each pass noted every article it read as matched, for every watchlist to come, so
    the articles that arrived before a watchlist was added (or changed) were never matched against it,
    even after a restart. Now what is matched is noted per watchlist version."""
    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    [archive] = publish("乙组快讯（旧闻）")  # indexed before the first pass: the archive
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 0  # the first pass starts the cursor
    a1, b1, a_wide = publish("甲组快讯第一条", "乙组快讯第一条", "甲组消息")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 1

    # group-b is added: what arrived within the look-back window reaches it, the archive does not.
    assert match_new(es, outbox, watchlists(GROUP_A, GROUP_B), TEST_ALIAS) == 1
    assert match_new(es, outbox, watchlists(GROUP_A, GROUP_B), TEST_ALIAS) == 0  # matched once
    # group-a's query is widened: matched again, and only what is new to it is added.
    wider = GROUP_A.replace("'\"甲组快讯\"'", "甲组")
    assert match_new(es, outbox, watchlists(wider, GROUP_B), TEST_ALIAS) == 1
    assert delivered(outbox, ["group-a", "group-b"]) == {("group-a", a1), ("group-b", b1), ("group-a", a_wide)}
    assert archive not in {article for _, article in delivered(outbox, ["group-a", "group-b"])}
