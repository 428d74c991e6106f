"""The push outbox: every (watchlist, article, channel) ``finnews live`` delivers, on disk, with its state
(beside the spool: both are local queues that outlive the process; this one needs per-item states).

An SQLite file in the state directory (``push/outbox.sqlite3``; the standard library's ``sqlite3``:
transactions and a primary key give what a delivery ledger needs, with no server). A delivery is
added once (the key is its primary key: matching the same article again adds nothing), claimed
(:meth:`Outbox.claim`: a second ``finnews live`` on the same state folder cannot take it too), sent, and
marked ``sent`` in the same step that learns the channel took it; a failure is retried with growing
waits (for as long as the channel is down: an outage is never a reason to drop news) and becomes a dead
letter after :data:`MAX_ATTEMPTS` refusals of the message itself. A process killed at any point leaves
every delivery ``pending`` (sent again on restart; once its claim has run out, if it was being sent) or
``sent``; the one window for a second copy is
between the channel's answer and the commit, a few milliseconds, so each message carries its key
(``X-Finnews-Delivery`` header, ``delivery_id``) for a receiver that must be strict.

Times are passed in (``now``, seconds since the epoch), so waits and rate limits are tested with a
clock the test holds, not with sleeps.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config import state_dir

PENDING, SENT, DEAD = "pending", "sent", "dead"
STATES = (PENDING, SENT, DEAD)
# Waits after the 1st, 2nd, … failed attempt (seconds); after the last, the delivery is dead.
RETRY_WAITS_S = (5.0, 30.0, 120.0, 600.0, 1800.0)
MAX_ATTEMPTS = len(RETRY_WAITS_S) + 1
# Sends without an answer in time after which a delivery is taken as sent (each may have reached the channel).
UNCONFIRMED_TRIES = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    key TEXT PRIMARY KEY,          -- watchlist|article id|channel
    watchlist TEXT NOT NULL,
    channel TEXT NOT NULL,
    article TEXT NOT NULL,         -- JSON: what the message shows
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    added_at REAL NOT NULL,
    next_at REAL NOT NULL,         -- not tried again before this time
    sent_at REAL,
    message TEXT,                  -- the key of the message it went in (a digest carries several)
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS due ON deliveries (state, channel, next_at);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Articles already matched, per watchlist (its name and a fingerprint of what it matches and where it
-- goes: a new or changed watchlist has none). They replace an older outbox's `matched` (by article
-- only, whatever the watchlists were): dropped, so the next pass matches its look-back window again,
-- which adds no delivery twice (the key).
DROP TABLE IF EXISTS matched;
-- The first delivery of each story (an article and its syndicated copies, `dup_group`) per watchlist
-- and channel: a copy matched later adds none.
CREATE TABLE IF NOT EXISTS stories (
    watchlist TEXT NOT NULL,
    channel TEXT NOT NULL,
    story TEXT NOT NULL,
    key TEXT NOT NULL,             -- the delivery that told it
    at REAL NOT NULL,
    PRIMARY KEY (watchlist, channel, story)
);
CREATE TABLE IF NOT EXISTS matched_by (
    watchlist TEXT NOT NULL,
    id TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (watchlist, id)
);
"""


def outbox_path() -> Path:
    return state_dir() / "push" / "outbox.sqlite3"


def outbox_counts() -> dict[str, int] | None:
    """The outbox's counts (:meth:`Outbox.counts`) for monitoring; None when nothing was ever pushed."""
    if not outbox_path().exists():
        return None
    with Outbox() as outbox:
        return outbox.counts()


def delivery_key(watchlist: str, article_id: str, channel: str) -> str:
    return f"{watchlist}|{article_id}|{channel}"


@dataclass(frozen=True)
class Delivery:
    key: str
    watchlist: str
    channel: str
    article: dict[str, Any]
    attempts: int
    added_at: float


class Outbox:
    """The deliveries on disk. One connection, used under a lock (the API reads counts from it)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or outbox_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut, not only a kill
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(
        self,
        items: list[tuple[str, str, dict[str, Any]]],
        now: float,
        cursor: tuple[str, str] | None = None,
        matched: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Add (watchlist, channel, article) deliveries, note the (watchlist version, article id) pairs
        ``matched`` (whatever they matched) and move ``cursor`` (name, value), in one transaction: a
        kill leaves all or none. Deliveries already there (by key) are left as they are, and so is an
        article whose ``story`` (its syndicated copies' common id) a delivery of another article
        already told that watchlist on that channel. Returns how many were new."""
        with self._lock:
            with self._transaction():
                added = 0
                for watchlist, channel, article in items:
                    key = delivery_key(watchlist, str(article["id"]), channel)
                    if not self._first_of_story(watchlist, channel, article.get("story"), key, now):
                        continue
                    added += self._db.execute(
                        "INSERT OR IGNORE INTO deliveries (key, watchlist, channel, article, added_at, next_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (key, watchlist, channel, json.dumps(article, ensure_ascii=False), now, now),
                    ).rowcount
                self._db.executemany(
                    "INSERT OR IGNORE INTO matched_by (watchlist, id, at) VALUES (?, ?, ?)",
                    [(w, i, now) for w, i in matched],
                )
                if cursor is not None:
                    self._db.execute("INSERT OR REPLACE INTO cursors (name, value) VALUES (?, ?)", cursor)
            return added

    def _first_of_story(self, watchlist: str, channel: str, story: str | None, key: str, now: float) -> bool:
        """Whether delivery ``key`` is the one that tells ``story`` to this watchlist and channel (the
        first one added, or it again); always, for an article without a story. Inside a transaction."""
        if not story:
            return True
        taken = self._db.execute(
            "INSERT OR IGNORE INTO stories (watchlist, channel, story, key, at) VALUES (?, ?, ?, ?, ?)",
            (watchlist, channel, story, key, now),
        ).rowcount
        if taken:
            return True
        row = self._db.execute(
            "SELECT key FROM stories WHERE watchlist = ? AND channel = ? AND story = ?", (watchlist, channel, story)
        ).fetchone()
        return bool(row) and row[0] == key

    def unmatched(self, watchlists: list[str], ids: list[str]) -> dict[str, list[str]]:
        """For each watchlist (version), those of ``ids`` no earlier pass matched it against."""
        left: dict[str, list[str]] = {}
        with self._lock:
            for watchlist in watchlists:
                known: set[str] = set()
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(
                        f"SELECT id FROM matched_by WHERE watchlist = ? AND id IN ({marks})", (watchlist, *chunk)
                    )
                    known |= {r[0] for r in rows}
                left[watchlist] = [i for i in ids if i not in known]
        return left

    def prune(self, before: float) -> None:
        """Forget matched articles and sent deliveries older than ``before`` (the outbox stays small;
        what is older than the look-back window is never read again)."""
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM matched_by WHERE at < ?", (before,))
            self._db.execute("DELETE FROM stories WHERE at < ?", (before,))
            self._db.execute("DELETE FROM deliveries WHERE state = ? AND sent_at < ?", (SENT, before))

    def due(self, channel: str, now: float, watchlists: list[str], limit: int = 100) -> list[Delivery]:
        """Pending deliveries of a channel for these watchlists whose wait is over, oldest first (those
        of a watchlist no longer configured wait, untouched, and never hold the others up)."""
        marks = ",".join("?" * len(watchlists)) or "NULL"
        with self._lock:
            rows = self._db.execute(
                "SELECT key, watchlist, channel, article, attempts, added_at FROM deliveries "
                f"WHERE state = ? AND channel = ? AND next_at <= ? AND watchlist IN ({marks}) "
                "ORDER BY added_at, key LIMIT ?",
                (PENDING, channel, now, *watchlists, limit),
            ).fetchall()
        return [Delivery(k, w, c, json.loads(a), n, t) for k, w, c, a, n, t in rows]

    def pending_channels(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT channel FROM deliveries WHERE state = ?", (PENDING,)).fetchall()
        return sorted(r[0] for r in rows)

    def claim(self, keys: list[str], now: float, hold_s: float) -> list[str]:
        """Take the deliveries of one message for sending, before it is sent: those of ``keys`` still
        pending and due are made due again only ``hold_s`` seconds from ``now``, in one transaction,
        so a second process (or pass) that read them as due takes none of them and sends nothing.
        Returns the keys taken. :meth:`mark_sent` or :meth:`mark_failed` ends a claim; one that ends
        neither (the process died while sending) is due again once ``hold_s`` has passed."""
        taken = []
        with self._lock, self._transaction():
            for key in keys:
                updated = self._db.execute(
                    "UPDATE deliveries SET next_at = ? WHERE key = ? AND state = ? AND next_at <= ?",
                    (now + hold_s, key, PENDING, now),
                )
                if updated.rowcount:
                    taken.append(key)
        return taken

    def mark_sent(self, keys: list[str], now: float) -> None:
        """The deliveries of one message (one article, or a digest) reached their channel."""
        with self._lock, self._transaction():
            self._db.executemany(
                "UPDATE deliveries SET state = ?, sent_at = ?, message = ?, last_error = NULL WHERE key = ?",
                [(SENT, now, keys[0], key) for key in keys],
            )

    def mark_failed(
        self, keys: list[str], error: str, now: float, transient: bool = False, unconfirmed: bool = False
    ) -> list[str]:
        """One more failed attempt for each: pending again after its wait, or dead after the last. A
        ``transient`` failure (the channel unreachable, overloaded, not configured) is never final:
        tried again every :data:`RETRY_WAITS_S` [-1] seconds for as long as it lasts. An ``unconfirmed`` one (the
        request went out, no answer came in time) is taken as sent after :data:`UNCONFIRMED_TRIES` of them: a
        channel that takes messages but answers late got every article again every 30 minutes for ever (hunt of
        day 17); a receiver can drop the second copy by its X-Finnews-Delivery key. Returns the keys that became
        dead letters."""
        dead = []
        with self._lock, self._transaction():
            for key in keys:
                row = self._db.execute("SELECT attempts FROM deliveries WHERE key = ?", (key,)).fetchone()
                if row is None:
                    continue
                attempts = row[0] + 1
                if unconfirmed and attempts >= UNCONFIRMED_TRIES:
                    self._db.execute(
                        "UPDATE deliveries SET state = ?, attempts = ?, sent_at = ?, message = ?, last_error = ? "
                        "WHERE key = ?",
                        (SENT, attempts, now, keys[0], f"taken as sent, unconfirmed: {error}", key),
                    )
                elif transient:
                    wait = RETRY_WAITS_S[min(attempts, len(RETRY_WAITS_S)) - 1]
                    self._db.execute(
                        "UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?",
                        (attempts, now + wait, error, key),
                    )
                elif attempts >= MAX_ATTEMPTS:
                    dead.append(key)
                    self._db.execute(
                        "UPDATE deliveries SET state = ?, attempts = ?, last_error = ? WHERE key = ?",
                        (DEAD, attempts, error, key),
                    )
                else:
                    self._db.execute(
                        "UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?",
                        (attempts, now + RETRY_WAITS_S[attempts - 1], error, key),
                    )
        return dead

    def sent_since(self, channel: str, since: float) -> int:
        """Messages a channel took since ``since`` (for its rate limit: a digest counts once)."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(DISTINCT message) FROM deliveries WHERE channel = ? AND state = ? AND sent_at >= ?",
                (channel, SENT, since),
            ).fetchone()
        return int(row[0])

    def counts(self) -> dict[str, int]:
        """Deliveries by state (every state present, 0 when none), and the failed attempts so far."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*), SUM(attempts) FROM deliveries GROUP BY state").fetchall()
        found = {state: 0 for state in STATES}
        for state, count, _ in rows:
            found[state] = int(count)
        return {**found, "failed_attempts": sum(int(attempts or 0) for _, _, attempts in rows)}

    def dead_letters(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, attempts, last_error FROM deliveries WHERE state = ? ORDER BY added_at", (DEAD,)
            ).fetchall()
        return [{"key": k, "attempts": n, "error": e} for k, n, e in rows]

    def cursor(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_cursor(self, name: str, value: str) -> None:
        with self._lock, self._transaction():
            self._db.execute("INSERT OR REPLACE INTO cursors (name, value) VALUES (?, ?)", (name, value))

    def _transaction(self) -> Any:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on an error): the connection runs in autocommit mode so
    that the transactions are exactly these."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")
