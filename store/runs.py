"""Run records of scheduled jobs, in the Elasticsearch index ``finnews-runs``: "did last night's
crawl work, and what did it bring?" is one query. A record that cannot be written (Elasticsearch
down) waits in ``runs-pending/`` under the state directory (:mod:`store.pending`, as the article
spool does) and is written before the next one, so a run is never lost just because the cluster was
away when it ended."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from core.config import ConfigError, state_dir
from core.dates import isoformat
from store.client import ES_FAILURES, AlreadyExistsError, StoreError, UnreachableError, connect, es_errors
from store.outcomes import ARTICLE_OUTCOMES
from store.pending import iter_entries, waiting_files, write_entries

logger = logging.getLogger(__name__)

RUNS_INDEX = "finnews-runs"
# A run's status ("outcome" in the record): succeeded; partial (some sources blocked or failing,
# articles still gathered); blocked (refused, nothing gathered); failed (non-zero exit, or every
# request failed); empty (nothing new for longer than the job's expect_new_within); timeout; stopped.
# (What happened to each article is another vocabulary: store.outcomes.)
RUN_STATUSES = ("succeeded", "partial", "blocked", "failed", "empty", "timeout", "stopped")
# What `finnews runs --failed` lists: runs that brought nothing they should have. A stopped run was
# ended on purpose (the scheduler was stopped); a partial one still gathered articles.
FAILED_OUTCOMES = ("failed", "timeout", "blocked", "empty")
MAX_JOBS = 500  # jobs an overview aggregates (far more than any schedule holds)
# A run record must not hold a job (or the scheduler's shutdown) for a minute when the cluster hangs.
RECORD_TIMEOUT_S = 10

NEWEST_FIRST = [{"start": "desc"}, {"run_id": "desc"}]

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
        "reason": {"type": "keyword", "ignore_above": 2048},  # why the run has its outcome (None: succeeded)
        "stopped_sources": {"type": "keyword", "ignore_above": 1024},  # sources stopped as blocked, and why
        "requests": {"type": "integer"},  # requests sent; crawls only
        "exit_code": {"type": "integer"},  # negative: ended by that signal (-9: SIGKILL)
        "finish_reason": {"type": "keyword"},  # Scrapy's (finished, shutdown, …); crawls only
        "pages": {"type": "integer"},  # responses downloaded; crawls only
        "files": {"type": "integer"},  # input files read; ingest only
        "articles": {"properties": {name: {"type": "integer"} for name in ARTICLE_OUTCOMES}},
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
    reason: str | None = None
    stopped_sources: list[str] = field(default_factory=list)
    requests: int | None = None
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
            "reason": self.reason,
            "stopped_sources": self.stopped_sources,
            "requests": self.requests,
            "exit_code": self.exit_code,
            "finish_reason": self.finish_reason,
            "pages": self.pages,
            "files": self.files,
            "articles": {name: int(self.articles.get(name, 0)) for name in ARTICLE_OUTCOMES},
            "errors": self.errors,
            "output_tail": self.output_tail,
        }


_MAPPED: set[str] = set()  # runs indices whose mapping this process has brought up to date


def ensure_runs_index(es: Elasticsearch) -> str:
    """Create the runs index with its strict mapping if it does not exist, or add the fields newer
    versions record to an existing one (adding fields is allowed on a strict mapping); returns its name."""
    name = runs_index()
    try:
        with es_errors(f"Could not create the runs index {name}"):
            if not es.indices.exists(index=name):
                es.indices.create(index=name, settings=RUNS_SETTINGS, mappings=RUNS_MAPPINGS)
            elif name not in _MAPPED:
                es.indices.put_mapping(index=name, properties=RUNS_MAPPINGS["properties"])
            _MAPPED.add(name)
    except AlreadyExistsError:
        pass  # another job's record created it at the same moment
    return name


def write_pending(document: dict[str, Any]) -> Path:
    """Keep a record on disk until Elasticsearch takes it: one file per record, written whole (see
    :func:`store.pending.write_entries`), so a concurrent replay never reads half a record."""
    return write_entries(pending_dir() / f"{document['run_id']}.jsonl", [document])


def pending_files() -> list[Path]:
    return waiting_files(pending_dir())


def replay_pending(es: Elasticsearch) -> int:
    """Write the records left pending by earlier runs; returns how many were written.

    Each record is indexed under its run id, so a replay that two processes do at once, or one that
    is interrupted and done again, still leaves one document per run. A connection failure stops
    the replay (and is raised); a record Elasticsearch rejects stays pending and is logged.
    """
    written = 0
    for path in pending_files():
        damaged: list[str] = []
        try:
            documents = list(iter_entries(path, damaged))
        except FileNotFoundError:
            continue  # another process replayed it meanwhile
        except OSError as error:
            logger.error("Unreadable pending run record %s (%s); left in place", path, error)
            continue
        if damaged:
            logger.error("Unreadable pending run record %s (a line is not a record); left in place", path)
            continue
        try:
            with es_errors(f"Elasticsearch rejected the pending run record {path}"):
                for document in documents:
                    es.index(index=runs_index(), id=document["run_id"], document=document)
        except UnreachableError:
            raise  # stops the replay: the records stay for the next one
        except StoreError as error:
            logger.error("%s; left in place", error)
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
    except (StoreError, ConfigError, *ES_FAILURES) as error:
        path = write_pending(document)
        logger.warning("Run record %s kept in %s until Elasticsearch takes it: %s", document["run_id"], path, error)
        return path


def _read(what: str, call: Any) -> Any:
    """Run one read of the runs index, with its errors as :class:`StoreError`."""
    with es_errors(f"Could not read the runs index {runs_index()} ({what})"):
        return call()


def _ready(es: Elasticsearch) -> None:
    ensure_runs_index(es)
    replay_pending(es)
    _read("refresh", lambda: es.indices.refresh(index=runs_index()))


def _search(es: Elasticsearch, what: str, **request: Any) -> dict[str, Any]:
    """One search of the runs index (``what``: for the error message)."""
    return _read(what, lambda: es.search(index=runs_index(), **request))


def _sources(response: dict[str, Any]) -> list[dict[str, Any]]:
    return [hit["_source"] for hit in response["hits"]["hits"]]


def _by_job(es: Elasticsearch, what: str, per_job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The aggregations ``per_job`` computed for every job that has runs: job → its bucket."""
    aggs = {"jobs": {"terms": {"field": "job", "size": MAX_JOBS}, "aggs": per_job}}
    response = _search(es, what, size=0, aggs=aggs)
    return {bucket["key"]: bucket for bucket in response["aggregations"]["jobs"]["buckets"]}


def list_runs(
    es: Elasticsearch,
    job: str | None = None,
    failed_only: bool = False,
    since: datetime | None = None,
    limit: int = 20,
    outcomes: tuple[str, ...] = (),
    summary: bool = False,
) -> list[dict[str, Any]]:
    """Run records, newest first. Pending records are written first, so the list is complete
    whenever Elasticsearch is reachable again. ``summary``: without the output tail."""
    _ready(es)
    filters: list[dict[str, Any]] = []
    if job:
        filters.append({"term": {"job": job}})
    if failed_only:
        filters.append({"terms": {"outcome": list(FAILED_OUTCOMES)}})
    if outcomes:
        filters.append({"terms": {"outcome": list(outcomes)}})
    if since:
        filters.append({"range": {"start": {"gte": isoformat(since)}}})
    response = _search(
        es,
        "list",
        query={"bool": {"filter": filters}},
        sort=NEWEST_FIRST,
        size=limit,
        source_excludes=["output_tail"] if summary else None,
    )
    return _sources(response)


def get_run(es: Elasticsearch, run_id: str) -> dict[str, Any] | None:
    """One run record by its id, or None."""
    _ready(es)
    found = _sources(_search(es, "get", query={"term": {"run_id": run_id}}, size=1))
    return found[0] if found else None


def last_new_articles_at(es: Elasticsearch, job: str) -> datetime | None:
    """When the job last brought a new article (the end of its latest run with new articles); if it
    never did, the start of its first recorded run (the window counts from when it was first watched);
    None for a job with no recorded run."""
    _ready(es)

    def latest(query: dict[str, Any], field_name: str, order: str) -> datetime | None:
        found = _sources(_search(es, "last new", query=query, sort=[{field_name: order}], size=1))
        return datetime.fromisoformat(found[0][field_name]) if found else None

    job_filter = {"term": {"job": job}}
    with_new = {"bool": {"filter": [job_filter, {"range": {"articles.new": {"gt": 0}}}]}}
    return latest(with_new, "end", "desc") or latest({"bool": {"filter": [job_filter]}}, "start", "asc")


RECENT_RUNS = 20  # runs per job in the job overview (the page's chart)


def recent_runs_by_job(es: Elasticsearch, per_job: int = RECENT_RUNS) -> dict[str, list[dict[str, Any]]]:
    """The latest runs of every job that has runs, newest first, without their output tails."""
    _ready(es)
    recent = {"top_hits": {"size": per_job, "sort": NEWEST_FIRST, "_source": {"excludes": ["output_tail"]}}}
    buckets = _by_job(es, "recent by job", {"recent": recent})
    return {job: _sources(bucket["recent"]) for job, bucket in buckets.items()}


def run_totals(es: Elasticsearch) -> dict[str, Any]:
    """For the metrics: runs by job and outcome, articles by job and outcome summed over runs, and the
    last success of each job (epoch seconds)."""
    _ready(es)
    article_sums = {name: {"sum": {"field": f"articles.{name}"}} for name in ARTICLE_OUTCOMES}
    per_job = {
        "outcomes": {"terms": {"field": "outcome", "size": 20}},
        **article_sums,
        "succeeded": {"filter": {"term": {"outcome": "succeeded"}}, "aggs": {"last": {"max": {"field": "end"}}}},
        "last_start": {"max": {"field": "start"}},
    }
    totals: dict[str, Any] = {}
    for job, bucket in _by_job(es, "totals", per_job).items():
        last = bucket["succeeded"]["last"]["value"]
        totals[job] = {
            "runs": {b["key"]: b["doc_count"] for b in bucket["outcomes"]["buckets"]},
            "articles": {name: int(bucket[name]["value"] or 0) for name in ARTICLE_OUTCOMES},
            "last_success": last / 1000 if last is not None else None,
            "last_start": (bucket["last_start"]["value"] or 0) / 1000 or None,
        }
    return totals
