"""Run records of scheduled jobs, in the Elasticsearch index ``finnews-runs``: "did last night's
crawl work, and what did it bring?" is one query. A record that cannot be written (Elasticsearch
down) waits in ``runs-pending/`` under the state directory and is written before the next one, so
a run is never lost just because the cluster was away when it ended."""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError

from finnews.config import ConfigError, state_dir
from store.index import StoreError, connect, unreachable
from tagging.dates import isoformat

logger = logging.getLogger(__name__)

RUNS_INDEX = "finnews-runs"
OUTCOMES = ("succeeded", "failed", "timeout", "stopped")
# What `finnews runs --failed` lists: a stopped run was ended on purpose (the scheduler was stopped).
FAILED_OUTCOMES = ("failed", "timeout")
ARTICLE_COUNTS = ("new", "updated", "unchanged", "skipped_seen", "spooled", "dead_letter")
# A run record must not hold a job (or the scheduler's shutdown) for a minute when the cluster hangs.
RECORD_TIMEOUT_S = 10

RUNS_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}
# Strict: a misspelt field is an error at write time, not a silently new field nobody queries.
RUNS_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "run_id": {"type": "keyword"},
        "job": {"type": "keyword"},
        "kind": {"type": "keyword"},  # crawl | ingest
        "trigger": {"type": "keyword"},  # schedule | run-once | run-now | catch-up
        "command": {"type": "keyword", "ignore_above": 4096},
        "host": {"type": "keyword"},
        "start": {"type": "date"},
        "end": {"type": "date"},
        "duration_s": {"type": "float"},
        "outcome": {"type": "keyword"},
        "exit_code": {"type": "integer"},  # negative: ended by that signal (-9: SIGKILL)
        "finish_reason": {"type": "keyword"},  # Scrapy's (finished, shutdown, …); crawls only
        "pages": {"type": "integer"},  # responses downloaded; crawls only
        "files": {"type": "integer"},  # input files read; ingest only
        "articles": {"properties": {name: {"type": "integer"} for name in ARTICLE_COUNTS}},
        "errors": {"type": "nested", "properties": {"reason": {"type": "keyword"}, "count": {"type": "integer"}}},
        "output_tail": {"type": "text", "index": False},
    },
}


def runs_index() -> str:
    """The index name; ``FINNEWS_RUNS_INDEX`` overrides it (the tests use their own)."""
    return os.environ.get("FINNEWS_RUNS_INDEX") or RUNS_INDEX


def pending_dir() -> Path:
    return state_dir() / "runs-pending"


@dataclass
class RunRecord:
    """One run of a job, as stored."""

    run_id: str
    job: str
    kind: str
    trigger: str
    command: str
    start: datetime
    end: datetime
    outcome: str
    exit_code: int | None
    finish_reason: str | None = None
    pages: int | None = None
    files: int | None = None
    articles: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    output_tail: str = ""
    host: str = field(default_factory=socket.gethostname)

    def document(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "job": self.job,
            "kind": self.kind,
            "trigger": self.trigger,
            "command": self.command,
            "host": self.host,
            "start": isoformat(self.start),
            "end": isoformat(self.end),
            "duration_s": round((self.end - self.start).total_seconds(), 3),
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "finish_reason": self.finish_reason,
            "pages": self.pages,
            "files": self.files,
            "articles": {name: int(self.articles.get(name, 0)) for name in ARTICLE_COUNTS},
            "errors": self.errors,
            "output_tail": self.output_tail,
        }


def ensure_runs_index(es: Elasticsearch) -> str:
    """Create the runs index with its strict mapping if it does not exist; returns its name."""
    name = runs_index()
    try:
        if not es.indices.exists(index=name):
            es.indices.create(index=name, settings=RUNS_SETTINGS, mappings=RUNS_MAPPINGS)
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        if error.meta.status == 400 and "resource_already_exists" in str(error):
            return name  # another job's record created it at the same moment
        raise StoreError(f"Could not create the runs index {name}: {error}") from error
    return name


def write_pending(document: dict[str, Any]) -> Path:
    """Keep a record on disk until Elasticsearch takes it: one JSON Lines file per record, written
    under a temporary name and renamed, so a concurrent replay never reads half a record."""
    directory = pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{document['run_id']}.jsonl"
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(document, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def pending_files() -> list[Path]:
    directory = pending_dir()
    return sorted(directory.glob("*.jsonl")) if directory.is_dir() else []


def replay_pending(es: Elasticsearch) -> int:
    """Write the records left pending by earlier runs; returns how many were written.

    Each record is indexed under its run id, so a replay that two processes do at once, or one that
    is interrupted and done again, still leaves one document per run. A connection failure stops
    the replay (and is raised); a record Elasticsearch rejects stays pending and is logged.
    """
    written = 0
    for path in pending_files():
        try:
            documents = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except FileNotFoundError:
            continue  # another process replayed it meanwhile
        except (OSError, ValueError) as error:
            logger.error("Unreadable pending run record %s (%s); left in place", path, error)
            continue
        try:
            for document in documents:
                es.index(index=runs_index(), id=document["run_id"], document=document)
        except (ESConnectionError, TransportError) as error:
            raise unreachable(error) from error
        except ApiError as error:
            logger.error("Elasticsearch rejected the pending run record %s: %s; left in place", path, error)
            continue
        path.unlink(missing_ok=True)
        written += len(documents)
    return written


def record_run(document: dict[str, Any], es: Elasticsearch | None = None) -> Path | None:
    """Store one run record (pending ones first). Returns ``None`` when it is in Elasticsearch,
    else the pending file that holds it until the next record or ``finnews runs``."""
    try:
        client = (es or connect()).options(request_timeout=RECORD_TIMEOUT_S, max_retries=1)
        ensure_runs_index(client)
        replay_pending(client)
        client.index(index=runs_index(), id=document["run_id"], document=document, refresh="wait_for")
        return None
    except (StoreError, ConfigError, ESConnectionError, TransportError, ApiError) as error:
        path = write_pending(document)
        logger.warning("Run record %s kept in %s until Elasticsearch takes it: %s", document["run_id"], path, error)
        return path


def list_runs(
    es: Elasticsearch,
    job: str | None = None,
    failed_only: bool = False,
    since: datetime | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Run records, newest first. Pending records are written first, so the list is complete
    whenever Elasticsearch is reachable again."""
    try:
        ensure_runs_index(es)
        replay_pending(es)
        es.indices.refresh(index=runs_index())
        filters: list[dict[str, Any]] = []
        if job:
            filters.append({"term": {"job": job}})
        if failed_only:
            filters.append({"terms": {"outcome": list(FAILED_OUTCOMES)}})
        if since:
            filters.append({"range": {"start": {"gte": isoformat(since)}}})
        response = es.search(
            index=runs_index(),
            query={"bool": {"filter": filters}},
            sort=[{"start": "desc"}, {"run_id": "desc"}],
            size=limit,
        )
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        raise StoreError(f"Could not read the runs index {runs_index()}: {error}") from error
    return [hit["_source"] for hit in response["hits"]["hits"]]
