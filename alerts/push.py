"""Pushing new articles to the watchlists' channels: match, then deliver, both through the outbox.

**Match** (:func:`match_new`): the articles first indexed since the outbox's cursor (``indexed_at``,
stamped by every writer when it sends a new article: ``finnews live``, a scheduled crawl, an ingest,
a spool replay) are matched against every watchlist with channels by the engine
(:func:`store.watchlists.matches`), a page at a time; each page's deliveries, its articles noted as
matched and the moved cursor are one transaction. Each pass looks back :data:`OVERLAP_S` before the
cursor, for articles made searchable late (a refresh, a bulk in flight, another writer's buffer);
an article already matched against a watchlist (:func:`watchlist_version`) is skipped for it, so a
watchlist added or changed (or renamed) is matched against that look-back window. On its first pass the
cursor starts then (:func:`start_news`, which needs no node): a new watchlist is not flooded with the
archive, and what was published before it (``published_at``), indexed late by a source's first poll, an
ingest or a spool replay, is archive too. Updates of an article keep its first ``indexed_at``: never pushed again.
After a stop, what was indexed meanwhile is matched once (the memory reaches back over the look-back window
whatever the stop's length); a pass matches at most :data:`PAGES_PER_PASS` pages of it.

**Deliver** (:func:`deliver_due`): per channel, the due deliveries go out one message per article,
or one digest per watchlist once its oldest waiting article is ``digest`` old, within the channel's
``max_per_minute``. Each message's deliveries are claimed in one transaction before it is sent
(:meth:`store.outbox.Outbox.claim`), so two processes on one outbox never send the same delivery; a
claim of a process that died while sending runs out after :func:`claim_s`. A channel that is down is
tried again for as long as it is down; a message the channel refuses as such waits
(:data:`store.outbox.RETRY_WAITS_S`) and is a dead letter after the last try. Nothing is dropped
silently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from alerts.channels import DeliveryError, deliver, load_secrets
from alerts.config import AlertsConfig, Channel
from alerts.rules import Notice
from core.config import ConfigError, config_dir
from core.dates import SHANGHAI, parse_datetime
from store.client import es_errors, node_clock
from store.outbox import Delivery, Outbox
from store.watchlists import WATCHLISTS_FILE, Watchlist, load_watchlists, matches

logger = logging.getLogger(__name__)

CURSOR = "matched_crawled_at"
STARTED = "push_started_at"
OVERLAP_S = 900.0
# How much earlier than the start of news a publication time may be and still be news: a page that shows the
# minute only, a live machine's clock a little ahead of the sites'.
PUBLISHED_SLACK_S = 600.0
# How far two clocks' readings of the node's time may disagree: the push's and each writer's are read apart, each
# off by up to half its request's time (seconds on a loaded host). What a writer stamped this much before the first
# pass is news too: without it, articles written right after `finnews live` started were stamped before where news
# started and never pushed (a CI run of day 21 lost two tests' articles so).
CLOCK_SLACK_S = 10.0
KEEP_S = 30 * 86400.0  # matched articles and sent deliveries are remembered this long, then pruned
PAGE_SIZE = 500  # articles read per page of one pass
# Pages with articles new to a watchlist that one pass matches; a backlog (after a long stop) takes several passes,
# for the live loop's polls and a stop wait for a pass (one pass of a month's backlog held them for minutes).
PAGES_PER_PASS = 10
SNIPPET_CHARS = 120
DIGEST_MAX_ARTICLES = 30  # one digest message lists at most this many; the rest go in the next
# A claimed message's deliveries are held this many of its channel's timeouts, at least CLAIM_MIN_S.
CLAIM_TIMEOUTS = 6
CLAIM_MIN_S = 60.0
MESSAGE_FIELDS = [
    "id", "url", "title", "published_at", "indexed_at", "media", "stocks", "boards", "digest", "text", "dup_group",
]  # fmt: skip

Sender = Callable[[Channel, Notice, dict[str, dict[str, str]], str], None]


@dataclass
class PushCounts:
    matched: int = 0  # deliveries added to the outbox
    sent: int = 0  # deliveries that reached their channel
    failed: int = 0  # attempts that failed (retried later)
    dead: int = 0  # deliveries given up
    limited: int = 0  # deliveries held back by a channel's rate limit
    errors: list[str] = field(default_factory=list)


def check_channels(watchlists: dict[str, Watchlist], alerts: AlertsConfig | None) -> None:
    """Every channel a watchlist pushes to exists in configs/alerts.yaml."""
    known = alerts.channels if alerts is not None else {}
    for watchlist in watchlists.values():
        for name in watchlist.channels:
            if name not in known:
                raise ConfigError(
                    f"watchlists.yaml: watchlist {watchlist.name}: channels: no channel named {name!r} in "
                    f"alerts.yaml (known: {', '.join(known) or 'none'})"
                )


class LiveWatchlists:
    """``configs/watchlists.yaml`` as a long-running ``finnews live`` sees it: read again when the file
    changes (its time, size or inode), so a watchlist added or edited meanwhile is matched from the
    next pass. An edit that does not load (a YAML error, an unknown channel) keeps the watchlists in
    force and is logged once, until the file changes again. At the start a bad file is an error."""

    def __init__(self, alerts: AlertsConfig | None) -> None:
        self.alerts = alerts
        self._seen = self._signature()
        self.current = self._load()

    def refresh(self) -> dict[str, Watchlist]:
        """The watchlists in force, the file read again first if it changed since it was last read."""
        signature = self._signature()
        if signature == self._seen:
            return self.current
        self._seen = signature
        try:
            loaded = self._load()
        except ConfigError as error:
            logger.error("finnews live: %s; still pushing the watchlists loaded before", error)
            return self.current
        if loaded != self.current:
            pushing = ", ".join(w.name for w in loaded.values() if w.channels) or "no watchlist"
            logger.warning("finnews live: %s changed: now pushing %s", WATCHLISTS_FILE, pushing)
        self.current = loaded
        return self.current

    def _load(self) -> dict[str, Watchlist]:
        watchlists = load_watchlists()
        check_channels(watchlists, self.alerts)
        return watchlists

    @staticmethod
    def _signature() -> tuple[int, int, int] | None:
        try:
            found = os.stat(config_dir() / WATCHLISTS_FILE)
        except FileNotFoundError:
            return None
        return found.st_mtime_ns, found.st_size, found.st_ino


def message_article(source: dict[str, Any]) -> dict[str, Any]:
    """What a message shows of an article (kept in the outbox, so a retry needs no look-up)."""
    snippet = " ".join(str(source.get("digest") or source.get("text") or "").split())[:SNIPPET_CHARS]
    return {
        "id": str(source.get("id")),
        "url": source.get("url") or "",
        "title": source.get("title") or "（无标题）",
        "published_at": source.get("published_at"),
        "media": source.get("media") or "",
        "stocks": [{"code": s.get("code"), "name": s.get("name")} for s in source.get("stocks") or []],
        "boards": [{"code": b.get("code"), "name": b.get("name")} for b in source.get("boards") or []],
        "snippet": snippet,
        # The story it tells (store/duplicates.py: the first indexed article of its syndicated copies):
        # one message per story and watchlist, the first of them matched (store.outbox.Outbox.add).
        "story": str(source.get("dup_group") or source.get("id")),
    }


def _since(es: Elasticsearch, alias: str, since: str, news_from: datetime) -> Iterator[list[dict[str, Any]]]:
    """Every article indexed at or after ``since`` that is news from ``news_from`` on, oldest first, a page at
    a time. News is told by when it was published: what every source's first poll finds on its lists, an
    archive ingested while live runs, a spool replayed late were published before and are not news (review of
    day 18: the first polls of a second and third source, after the first pass, were pushed whole). An article
    without a publication time is news when it was crawled from then on (or carries no crawl time either), and
    so is one published at midnight of the start's day (a date only, or the date an article code starts with)
    and crawled from then on. Publication times are compared :data:`PUBLISHED_SLACK_S` early: a page that
    shows the minute, a live clock a little ahead (review of day 18)."""
    start = news_from.isoformat()
    crawled_since = {"bool": {"should": [
        {"range": {"crawled_at": {"gte": start}}},
        {"bool": {"must_not": {"exists": {"field": "crawled_at"}}}},
    ], "minimum_should_match": 1}}  # fmt: skip
    undated_news = {"bool": {"must_not": {"exists": {"field": "published_at"}}, "filter": [crawled_since]}}
    midnight = news_from.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0).isoformat()
    dated_by_day = {"bool": {"filter": [{"term": {"published_at": midnight}}, crawled_since]}}
    published = {"range": {"published_at": {"gte": (news_from - timedelta(seconds=PUBLISHED_SLACK_S)).isoformat()}}}
    news = {"bool": {"should": [published, undated_news, dated_by_day], "minimum_should_match": 1}}
    after: list[Any] | None = None
    while True:
        with es_errors("push: reading new articles failed"):
            answer = es.search(
                index=alias,
                query={"bool": {"filter": [{"range": {"indexed_at": {"gte": since}}}, news]}},
                sort=[{"indexed_at": "asc"}, {"id": "asc"}],
                size=PAGE_SIZE,
                source_includes=MESSAGE_FIELDS,
                **({"search_after": after} if after else {}),
            )
        hits = answer["hits"]["hits"]
        if hits:
            yield [hit["_source"] for hit in hits]
        if len(hits) < PAGE_SIZE:
            return
        after = hits[-1]["sort"]


def exact_time(value: str | None) -> datetime | None:
    """An ISO time to the microsecond, as the cursors and ``indexed_at`` are written (the lenient
    :func:`core.dates.parse_datetime` drops fractions of a second), in Beijing time when it names no
    zone."""
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment.replace(tzinfo=SHANGHAI) if moment and moment.tzinfo is None else moment


def start_news(outbox: Outbox, now: float | None = None) -> bool:
    """Mark where news starts, the first time (True then): what was published before is the archive.
    ``finnews live`` marks it as it starts, before any poll; it needs no node, so a live process that starts
    while the node is down pushes the news its polls spool once the node takes it, never the archive."""
    if outbox.cursor(CURSOR) is not None:
        return False
    present = datetime.fromtimestamp(time.time() if now is None else now, SHANGHAI).isoformat()
    outbox.set_cursor(STARTED, present)
    outbox.set_cursor(CURSOR, present)
    return True


def match_new(
    es: Elasticsearch, outbox: Outbox, watchlists: dict[str, Watchlist], alias: str, now: float | None = None
) -> int:
    """Add the deliveries of the articles indexed since the cursor, a page at a time (each page's
    deliveries, its articles noted as matched and the cursor moved in one transaction); returns how
    many deliveries were new. The stamps are read against the node's clock, the one the writers stamp with
    (:func:`store.client.node_clock`); ``now`` (a test's) stands for both."""
    present = node_clock(es).now() if now is None else datetime.fromtimestamp(now, SHANGHAI)
    now = time.time() if now is None else now  # the outbox's own bookkeeping: this host's clock, as deliver_due's
    pushing = [w for w in watchlists.values() if w.channels]
    if start_news(outbox, present.timestamp()):
        return 0
    start = min(exact_time(outbox.cursor(CURSOR)) or present, present)  # a cursor from a clock ahead of ours: now
    # Never before the first pass, though: what was indexed before it is the archive, not news.
    floor = exact_time(outbox.cursor(STARTED)) or start
    if floor > present:
        # A first pass made while the clock was ahead held every push back until real time caught up with it
        # (hunt of day 17): its time is not known, so the floor is the look-back window before now, from now on.
        floor = present - timedelta(seconds=OVERLAP_S)
        outbox.set_cursor(STARTED, floor.isoformat())
        logger.warning("push: the first pass's time was ahead of the clock; matching from %s", floor.isoformat())
    news_from = floor - timedelta(seconds=CLOCK_SLACK_S)
    since = max(start - timedelta(seconds=OVERLAP_S), news_from)
    # Forgotten after KEEP_S, but never what this pass looks back on: after a stop longer than that, the window
    # before the stop was matched against a memory pruned first, and pushed again (left open on day 19).
    # (`since` is on the node's clock, the memory's times on this host's: the difference is taken off.)
    outbox.prune(min(now - KEEP_S, since.timestamp() - (present.timestamp() - now) - OVERLAP_S))
    versions = {w.name: watchlist_version(w) for w in pushing}
    added = worked = 0
    for page in _since(es, alias, since.isoformat(), news_from):
        articles = {str(a.get("id")): a for a in page}
        # Per watchlist: a new or changed one is matched against the whole look-back window.
        unmatched = outbox.unmatched(list(versions.values()), list(articles))
        worked += any(unmatched.values())  # a page matched before (the look-back) costs no matching: not counted
        asking = [w for w in pushing if unmatched[versions[w.name]]]
        wanted = sorted({i for w in asking for i in unmatched[versions[w.name]]})
        found = matches(es, asking, wanted, alias) if asking else {}
        items = []
        for name, ids in found.items():
            new_to_it = set(ids) & set(unmatched[versions[name]])
            # In the order they were indexed: of a story's copies on one page, the first is pushed.
            for article_id in (i for i in articles if i in new_to_it):
                shown = message_article(articles[article_id])
                items += [(name, channel, shown) for channel in watchlists[name].channels]
        matched = [(version, i) for version, ids in unmatched.items() for i in ids]
        newest = max((exact_time(str(a.get("indexed_at") or "")) for a in page), default=None, key=_sortable)
        moved = min(max(newest, start), present) if newest else start
        added += outbox.add(items, now, cursor=(CURSOR, moved.isoformat()), matched=matched)
        if worked >= PAGES_PER_PASS:
            break  # the rest from the cursor at the next pass
    return added


def watchlist_version(watchlist: Watchlist) -> str:
    """A watchlist as the outbox notes what it was matched against: its name and a fingerprint of what
    it matches and where it goes (a changed query, filter or channel list is a new version, matched
    again against the look-back window; a new title or digest is not). A new name is a new version too:
    following renames (by the fingerprint alone) was tried on day 20 and taken back, as its reviews found
    deliveries moved to the wrong watchlist and marked wrongly; a rename pushes the look-back window again."""
    decides = json.dumps([watchlist.query, asdict(watchlist.filters), watchlist.channels], ensure_ascii=False)
    return f"{watchlist.name}@{hashlib.sha256(decides.encode('utf-8')).hexdigest()[:16]}"


def _sortable(moment: datetime | None) -> float:
    return moment.timestamp() if moment else float("-inf")


def _when(value: Any) -> str:
    moment = parse_datetime(str(value)) if value else None
    return moment.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if moment else ""


def _tags(article: dict[str, Any]) -> str:
    stocks = "、".join(f"{s['name']}({s['code']})" for s in article.get("stocks") or [] if s.get("name"))
    boards = "、".join(str(b["name"]) for b in article.get("boards") or [] if b.get("name"))
    parts = (f"股票: {stocks}" if stocks else "", f"板块: {boards}" if boards else "")
    return "  ".join(part for part in parts if part)


def watch_title(watchlist: Watchlist, subject: str) -> str:
    """A pushed message's title, also the first line of its text: the chat presets send the text
    alone, and a chat bot's keyword security (``finnews``, docs/alerts.md) refuses a message without
    the keyword, as run alerts' ``[finnews] …`` have it; the watchlist's title says, in a group chat,
    whose news it is."""
    return f"[finnews][{watchlist.title}] {subject}"


def article_notice(watchlist: Watchlist, delivery: Delivery) -> Notice:
    """One article in one message: the title line (:func:`watch_title`, with the article's title),
    time and outlet, the stocks and boards, a snippet, the link."""
    article = delivery.article
    title = watch_title(watchlist, article["title"])
    lines = [title, "  ".join(p for p in (_when(article.get("published_at")), article.get("media")) if p)]
    lines += [_tags(article), article.get("snippet") or "", article.get("url") or ""]
    return Notice(
        kind="watch",
        key=delivery.key,
        rule=watchlist.name,
        job="live",
        channels=(delivery.channel,),
        title=title,
        text="\n".join(line for line in lines if line),
        fields={"delivery_id": delivery.key},
    )


def digest_notice(watchlist: Watchlist, deliveries: list[Delivery]) -> Notice:
    """Several articles of one watchlist in one message: the title line (:func:`watch_title`), then
    the articles, newest last, one line each with its link."""
    title = watch_title(watchlist, f"{len(deliveries)} 篇新文章")
    lines = [title]
    for delivery in deliveries:
        article = delivery.article
        line = "  ".join(p for p in (_when(article.get("published_at")), article["title"], _tags(article)) if p)
        lines.append(f"• {line}\n  {article.get('url') or ''}")
    keys = ",".join(d.key for d in deliveries)
    return Notice(
        kind="watch",
        key=deliveries[0].key,
        rule=watchlist.name,
        job="live",
        channels=(deliveries[0].channel,),
        title=title,
        text="\n".join(lines),
        fields={"delivery_id": keys},
    )


def _messages(due: list[Delivery], watchlists: dict[str, Watchlist], now: float) -> list[list[Delivery]]:
    """The deliveries of each message the due ones make: one each, or one digest per watchlist that
    is due."""
    messages: list[list[Delivery]] = []
    digests: dict[str, list[Delivery]] = {}
    for delivery in due:
        watchlist = watchlists.get(delivery.watchlist)
        if watchlist is None:
            continue  # the watchlist was removed from the file: its deliveries wait, untouched
        if watchlist.digest_s:
            digests.setdefault(watchlist.name, []).append(delivery)
        else:
            messages.append([delivery])
    for name, waiting in digests.items():
        if waiting[0].added_at <= now - watchlists[name].digest_s:
            messages.append(waiting[:DIGEST_MAX_ARTICLES])
    messages.sort(key=lambda message: message[0].added_at)
    return messages


def message_notice(watchlist: Watchlist, deliveries: list[Delivery]) -> Notice:
    """The message of these deliveries: a digest for a watchlist with ``digest``, else one article."""
    return digest_notice(watchlist, deliveries) if watchlist.digest_s else article_notice(watchlist, deliveries[0])


def claim_s(channel: Channel) -> float:
    """How long a message's deliveries are held for the process sending it: longer than a send can
    take (each step of a webhook call or an SMTP exchange is bounded by the channel's timeout), so no
    other process sends them meanwhile; as short as that allows, for a process that died while
    sending leaves them due again only then."""
    return max(CLAIM_MIN_S, CLAIM_TIMEOUTS * channel.timeout)


def deliver_due(
    outbox: Outbox,
    watchlists: dict[str, Watchlist],
    alerts: AlertsConfig | None,
    now: float | None = None,
    send: Sender = deliver,
) -> PushCounts:
    """Send what is due, channel by channel, and record each outcome in the outbox."""
    now = time.time() if now is None else now
    started = time.monotonic()

    def current() -> float:
        """The pass's clock now: a long pass (a backlog) claims and waits from when it acts, not from
        when it began (a claim made with the start time of a pass over its hold had run out already)."""
        return now + (time.monotonic() - started)

    counts = PushCounts()
    channels = alerts.channels if alerts is not None else {}
    secrets: dict[str, dict[str, str]] | None = None
    stamp = datetime.fromtimestamp(now, SHANGHAI).isoformat(timespec="seconds")
    for name in outbox.pending_channels():
        channel = channels.get(name)
        if channel is None or not channel.enabled:
            continue  # kept pending: a channel switched off (or renamed) is not a reason to lose news
        budget = channel.max_per_minute - outbox.sent_since(name, now - 60) if channel.max_per_minute else None
        for deliveries in _messages(outbox.due(name, now, list(watchlists), limit=1000), watchlists, now):
            if budget is not None and budget <= 0:
                counts.limited += len(deliveries)
                continue
            if secrets is None:
                secrets = load_secrets()
            # Taken before it is sent: another process that read the same rows as due sends none of them.
            keys = outbox.claim([d.key for d in deliveries], current(), claim_s(channel))
            if not keys:
                continue
            notice = message_notice(watchlists[deliveries[0].watchlist], [d for d in deliveries if d.key in keys])
            try:
                send(channel, notice, secrets, stamp)
            except DeliveryError as error:
                dead = outbox.mark_failed(
                    keys, str(error), now, transient=error.transient, unconfirmed=error.unconfirmed
                )
                counts.failed += len(keys) - len(dead)
                counts.dead += len(dead)
                counts.errors.append(str(error))
                logger.error("push to %s failed (%d article(s)): %s", name, len(keys), error)
                break  # the channel is failing: the rest of its deliveries wait for the next pass
            outbox.mark_sent(keys, now)
            counts.sent += len(keys)
            if budget is not None:
                budget -= 1
    return counts
