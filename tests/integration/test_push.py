"""Matching new articles against the watchlists (alerts/push.py ``match_new``) on the real node: what
each watchlist is matched against, and which articles become deliveries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
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


def publish(*titles: str, ago_s: float = 0.0) -> list[str]:
    """Index one short article per title (written and searchable now, stamped ``ago_s`` seconds ago); their ids."""
    documents = [
        article_document({"url": f"https://example.com/push/{title}.html", "title": title, "text": f"{title}。"})
        for title in titles
    ]
    writer = ArticleWriter(connect(), TEST_ALIAS)
    if ago_s:
        writer._clock.now()  # read the node's time, then set back: the next reading is a minute away
        writer._clock._offset -= timedelta(seconds=ago_s)
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
    # indexed a minute before the first pass: the archive (a few seconds before is news, alerts.push.CLOCK_SLACK_S)
    [archive] = publish("乙组快讯（旧闻）", ago_s=60)
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


def test_one_message_per_story_the_first_copy_matched_and_none_lost(fresh_index: str, tmp_path: Path) -> None:
    """Audit 4, G9: each syndicated copy of a story (linked by the writer: ``dup_of``, ``dup_group``)
    was pushed as news of its own. Now a watchlist hears of a story once: from the first article of it
    that matches it, which is the original where the original matches, and a copy where only the copy
    does (a watchlist of one outlet), so no story is lost for being a copy."""
    from datetime import datetime

    from core.dates import SHANGHAI
    from store.documents import article_document
    from tagging.extract import extract_article, parse_document
    from tests.conftest import fixture_text

    def published_now(made: object) -> object:
        made.published_at = datetime.now(SHANGHAI)  # news, not the 2022 archive the fixture is (push: published)
        return made

    def copy_of(url: str, media: str, lead: str) -> object:
        made = extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md")))
        made.url, made.media, made.text = url, media, made.text.replace("记者30日", f"{lead}记者30日")
        return published_now(made)

    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    pushing = watchlists(
        "  - {name: economy, title: 数字经济, query: 数字经济, channels: [desk]}\n",
        "  - {name: xinhua, title: 新华社稿, query: 数字经济, media: [新华社], channels: [desk]}\n",
    )
    assert match_new(es, outbox, pushing, TEST_ALIAS) == 0  # the first pass starts the cursor
    original = published_now(extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md"))))
    first_copy = copy_of("https://www.xinhuanet.com/fortune/2022-05/30/c_1.htm", "新华社", "新华社")
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(article_document(original))
    writer.flush()
    writer.add(article_document(first_copy))
    assert writer.close()["duplicates"] == 1
    ids = {a.url: article_document(a)["id"] for a in (original, first_copy)}

    assert match_new(es, outbox, pushing, TEST_ALIAS) == 2
    assert delivered(outbox, ["economy", "xinhua"]) == {
        ("economy", ids[original.url]),  # the original and its copy, matched on one pass: the original
        ("xinhua", ids[first_copy.url]),  # the original is not Xinhua's: the copy tells the story
    }
    later_copy = copy_of("https://www.xinhuanet.com/fortune/2022-05/30/c_2.htm", "新华社", "新华社北京")
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(article_document(later_copy))
    assert writer.close()["duplicates"] == 1
    assert match_new(es, outbox, pushing, TEST_ALIAS) == 0  # a story told is not told again
    assert len(delivered(outbox, ["economy", "xinhua"])) == 2


def test_a_first_pass_made_with_the_clock_ahead_holds_no_push_back(fresh_index: str, tmp_path: Path) -> None:
    """Hunt of day 17: the first pass's time is the floor of what is matched; one recorded an hour ahead (a host
    whose clock was fast at boot, until NTP stepped it back) held every article of that hour back, with no word."""
    import time

    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS, now=time.time() + 3600) == 0  # the clock ahead
    [fresh] = publish("甲组快讯：时钟回拨之后")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 1
    assert delivered(outbox, ["group-a"]) == {("group-a", fresh)}


def test_news_is_told_by_when_it_was_published_not_when_a_first_poll_or_an_ingest_indexed_it(
    fresh_index: str, tmp_path: Path
) -> None:
    """Review of day 18: where news starts was marked after the first source's first poll; the first polls of the
    column and feed sources (configs/live.yaml has three) came after it and their lists were pushed whole, as was
    an old archive ingested while live ran. News is now what was published from live's first start on."""
    import time
    from datetime import datetime, timedelta

    from alerts.push import start_news
    from core.dates import SHANGHAI

    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    started = time.time() - 600
    assert start_news(outbox, now=started)  # as `finnews live` starts, before any poll
    when = datetime.fromtimestamp(started, SHANGHAI)
    records = {
        "listed": ("甲组快讯：栏目列表上的旧闻", when - timedelta(hours=1)),  # a later source's first poll
        "ingested": ("甲组快讯：2019年的存档", datetime(2019, 5, 6, 9, 30, tzinfo=SHANGHAI)),
        "fresh": ("甲组快讯：开播后发布", when + timedelta(seconds=60)),
        "undated": ("甲组快讯：没有发布时间", None),  # crawled now: news
        # review of day 18: a date only (midnight of the start's day), and a page that shows the start's minute
        "dated": ("甲组快讯：只有日期", when.replace(hour=0, minute=0, second=0, microsecond=0)),
        "minute": ("甲组快讯：只到分钟", when.replace(second=0, microsecond=0)),
    }
    documents = {
        key: article_document({
            "url": f"https://example.com/news/{key}.html", "title": title, "text": f"{title}。",
            **({"published_at": published.isoformat()} if published else {}),
        })
        for key, (title, published) in records.items()
    }  # fmt: skip
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add_many(list(documents.values()))
    writer.close()
    news = ("fresh", "undated", "dated", "minute")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == len(news)
    assert delivered(outbox, ["group-a"]) == {("group-a", documents[key]["id"]) for key in news}


def restamp(stamps: dict[str, float]) -> None:
    """Give articles the ``indexed_at`` a writer would have given them then (id → seconds since the epoch)."""
    from datetime import datetime

    from core.dates import SHANGHAI

    es = connect()
    for article_id, moment in stamps.items():
        es.update(
            index=TEST_ALIAS, id=article_id, doc={"indexed_at": datetime.fromtimestamp(moment, SHANGHAI).isoformat()}
        )
    es.indices.refresh(index=TEST_ALIAS)


def test_after_a_long_stop_the_news_since_comes_once(fresh_index: str, tmp_path: Path) -> None:
    """Left open on day 19, push after a long stop: what was matched and sent is forgotten after KEEP_S, and a
    pass after a stop that long forgot it before it looked back, so the look-back window before the stop was pushed
    a second time. Now each article once. (A burst of them goes out as fast as the channel's max_per_minute lets
    it: sending a backlog as digests was tried and taken back, review of day 20.)"""
    import time

    from alerts.config import AlertsConfig, Channel
    from alerts.push import KEEP_S, deliver_due, start_news
    from tests.test_push import Recorder

    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    alerts = AlertsConfig(tmp_path / "alerts.yaml", channels={"desk": Channel("desk", "webhook")})
    now = time.time()
    stopped = now - KEEP_S - 86400  # live last ran a month and a day ago
    assert start_news(outbox, now=stopped - 600)
    [before] = publish("甲组快讯：停机之前")
    restamp({before: stopped - 60})
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS, now=stopped) == 1
    far = Recorder()
    assert deliver_due(outbox, watchlists(GROUP_A), alerts, stopped, send=far).sent == 1
    # Scheduled crawls index the news meanwhile; live starts again now, as the last of it comes in.
    *meanwhile, fresh = publish(*(f"甲组快讯：停机期间第{n}条" for n in range(12)))
    restamp({i: stopped + (n + 1) * (now - 3600 - stopped) / len(meanwhile) for n, i in enumerate(meanwhile)})
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS, now=now) == len(meanwhile) + 1  # not `before`
    assert deliver_due(outbox, watchlists(GROUP_A), alerts, now, send=far).sent == len(meanwhile) + 1
    keys = [key for d in far.taken for key in d.fields["delivery_id"].split(",")]
    assert sorted(keys) == sorted(f"group-a|{i}|desk" for i in [before, *meanwhile, fresh])  # each once


def test_an_article_stamped_by_a_writer_whose_clock_is_behind_is_pushed(
    fresh_index: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left open on day 19: ``indexed_at`` was the writer's clock, and the cursor follows the stamps it reads; an
    article a writer stamped with a clock more than the look-back (15 minutes) behind was behind the cursor before
    it was indexed (another host's scheduled crawl, a container without NTP) and never pushed."""
    from datetime import datetime, timedelta

    import store.writer

    class Behind(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return datetime.now(tz) - timedelta(minutes=20)

    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 0  # the first pass starts the cursor
    publish("甲组快讯：时钟准的写入")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 1  # the cursor is at its stamp
    monkeypatch.setattr(store.writer, "datetime", Behind)  # the next writer's clock is 20 minutes behind
    [late] = publish("甲组快讯：时钟慢的写入")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 1
    assert ("group-a", late) in delivered(outbox, ["group-a"])


def test_news_from_the_first_start_is_pushed_when_the_nodes_clock_is_behind_the_push_hosts(
    fresh_index: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of day 20: the writers stamp with the node's clock, but the push started news and capped its cursor
    on its own host's; with the node 20 minutes behind, what the first 20 minutes indexed was before where news
    started, and never pushed. The push now reads the stamps against the node's clock too."""
    from datetime import datetime, timedelta

    from alerts.push import STARTED, start_news
    from store.client import NodeClock, node_clock

    def twenty_minutes_behind(clock: NodeClock) -> None:
        clock._offset = timedelta(minutes=-20)

    monkeypatch.setattr(NodeClock, "_read_offset", twenty_minutes_behind)
    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    assert start_news(outbox, node_clock(es).now().timestamp())  # `finnews live` starts (PushStep)
    [first] = publish("甲组快讯：启动后第一条")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 1
    assert delivered(outbox, ["group-a"]) == {("group-a", first)}
    # News starts where the node's clock was, not 20 minutes later (nor reset as "ahead" to the look-back before).
    started = datetime.fromisoformat(outbox.cursor(STARTED) or "")
    assert abs((started - node_clock(es).now()).total_seconds()) < 60


def test_articles_stamped_by_a_writer_whose_reading_of_the_node_clock_is_behind_are_pushed(
    fresh_index: str, tmp_path: Path
) -> None:
    """A CI run of day 21: the push's and the writer's clocks read the node's time apart, each off by up to half its
    request's time; articles written right after the first pass were stamped before where news started (by the
    push's reading) and never pushed. What is stamped a little before the start is news too."""
    from store.client import node_clock

    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    clock = node_clock(es)
    clock.now()  # read: the next reading is a minute away
    clock._offset += timedelta(seconds=3)  # the push's reading 3 s ahead of the writer's
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 0  # the first pass starts the cursor
    written = publish("甲组快讯：启动后即写入的第一条", "甲组快讯：启动后即写入的第二条")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 2
    assert delivered(outbox, ["group-a"]) == {("group-a", i) for i in written}


def test_a_query_that_only_leaves_words_out_matches_every_other_article(fresh_index: str, tmp_path: Path) -> None:
    """Why a query of excluded words alone is warned of on load (store/watchlists.py): on the node it matches
    every new article without those words, not none."""
    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    no_chips = watchlists("  - {name: no-chips, title: 非芯片, query: NOT 芯片, channels: [desk]}\n")
    assert match_new(es, outbox, no_chips, TEST_ALIAS) == 0  # the first pass starts the cursor
    _, cars, rates = publish("芯片产能扩张", "新能源汽车销量", "央行调整利率")
    assert match_new(es, outbox, no_chips, TEST_ALIAS) == 2
    assert delivered(outbox, ["no-chips"]) == {("no-chips", cars), ("no-chips", rates)}


def test_a_backlog_is_matched_over_several_passes_each_of_a_few_pages(
    fresh_index: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Push after a long stop: one pass read and matched the whole backlog (a month of articles, every page of it)
    while the live loop's polls and a stop (SIGTERM: at most 30 s) waited for it. A pass matches a few pages of
    articles new to a watchlist; the rest comes at the next passes, each article once."""
    import alerts.push as push

    monkeypatch.setattr(push, "PAGE_SIZE", 5)
    monkeypatch.setattr(push, "PAGES_PER_PASS", 2, raising=False)
    es, outbox = connect(), Outbox(tmp_path / "outbox.sqlite3")
    assert match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) == 0  # the first pass starts the cursor
    backlog = publish(*(f"甲组快讯：积压第{n}条" for n in range(23)))
    assert [match_new(es, outbox, watchlists(GROUP_A), TEST_ALIAS) for _ in range(4)] == [10, 10, 3, 0]
    assert delivered(outbox, ["group-a"]) == {("group-a", i) for i in backlog}
