"""What the runs page, ``/jobs``, ``/health`` and ``/metrics`` show: scheduled jobs with their recent
runs, the node, the spool. Functions of the store and the schedule; the app only maps them to HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from core.config import ConfigError
from core.dates import SHANGHAI, isoformat
from scheduler.jobs import Schedule, load_schedule
from scheduler.overview import job_overview, overdue_since
from store.client import StoreError, cluster_status
from store.lifecycle import current_alias
from store.outbox import outbox_counts
from store.outcomes import ARTICLE_OUTCOMES
from store.runs import recent_runs_by_job, run_totals
from store.spool import spool_files, waiting_articles


def jobs_overview(es: Elasticsearch, schedule: Schedule, now: datetime) -> dict[str, Any]:
    recent = recent_runs_by_job(es)
    jobs = [job_overview(job, recent.get(job.name, []), now) for job in schedule.jobs]
    scheduled = {job.name for job in schedule.jobs}
    return {"jobs": jobs, "unscheduled": sorted(name for name in recent if name not in scheduled)}


def spool_state() -> dict[str, int]:
    """This index's spool: files and articles waiting, and dead-letter files (another index's are not its own)."""
    index = current_alias()
    return {
        "files": len(spool_files("spool", index)),
        "articles": waiting_articles("spool", index),
        "dead_letter_files": len(spool_files("dead-letter", index)),
    }


def node_state(es: Elasticsearch) -> dict[str, Any]:
    try:
        health = cluster_status(es.options(request_timeout=5, max_retries=0))
    except StoreError as error:
        return {"reachable": False, "status": None, "error": str(error)}
    if health is None:
        return {"reachable": False, "status": None, "error": "Elasticsearch does not answer"}
    return {"reachable": True, "status": health.get("status"), "error": None}


# Outcomes of a job's last run that make /health degraded (partial, blocked and empty runs ended
# and said why; these did not do their work).
FAILING_OUTCOMES = ("failed", "timeout")


def health(es: Elasticsearch, now: datetime) -> dict[str, Any]:
    """The node, the spool, and each scheduled job's last run and whether it is overdue."""
    node = node_state(es)
    spool = spool_state()
    problems = []
    if not node["reachable"]:
        problems.append(f"elasticsearch: {node['error']}")
    elif node["status"] == "red":
        problems.append("elasticsearch: cluster health red")
    if spool["files"]:
        problems.append(f"spool: {spool['articles']} article(s) in {spool['files']} file(s) wait for the index")
    jobs = []
    try:
        schedule: Schedule | None = load_schedule()
    except ConfigError as error:
        schedule = None
        problems.append(f"schedule: {error}")
    if schedule is not None:
        recent: dict[str, list[dict[str, Any]]] = {}
        if node["reachable"]:
            try:
                recent = recent_runs_by_job(es, per_job=1)
            except StoreError as error:
                problems.append(f"runs: {error}")
        for job in schedule.jobs:
            last = (recent.get(job.name) or [None])[0]
            start = datetime.fromisoformat(last["start"]) if last else None
            late = overdue_since(job, start, now) if node["reachable"] else None
            if late:
                problems.append(f"job {job.name}: due since {isoformat(late)}, no run started")
            if last and last.get("outcome") in FAILING_OUTCOMES:
                # A job whose last run failed is not healthy, whatever the node and the spool say.
                problems.append(f"job {job.name}: its last run ({last['start']}) ended {last['outcome']}")
            jobs.append(
                {
                    "name": job.name,
                    "last_run": last["start"] if last else None,
                    "last_outcome": last["outcome"] if last else None,
                    "next_run": isoformat(job.next_run(now)),
                    "overdue": None if last is None or not node["reachable"] else late is not None,
                }
            )
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "elasticsearch": node,
        "spool": spool,
        "jobs": jobs,
        "checked_at": isoformat(now),
    }


class FinnewsCollector(Collector):
    """The metrics, read afresh at each scrape from the runs index, the schedule and the spool."""

    def __init__(self, es: Elasticsearch, now: datetime) -> None:
        self.es = es
        self.now = now

    def collect(self) -> Any:
        node = node_state(self.es)
        up = GaugeMetricFamily("finnews_elasticsearch_up", "Whether the Elasticsearch cluster answers (1) or not (0).")
        up.add_metric([], 1.0 if node["reachable"] else 0.0)
        yield up
        spool = spool_state()
        for name, key, text in (
            ("finnews_spool_files", "files", "Spool files waiting to be written to the index."),
            ("finnews_spool_articles", "articles", "Articles in the spool, waiting to be written to the index."),
            ("finnews_dead_letter_files", "dead_letter_files", "Dead-letter files (documents the index rejected)."),
        ):
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], float(spool[key]))
            yield gauge
        pushed = outbox_counts()
        if pushed is not None:
            deliveries = GaugeMetricFamily(
                "finnews_push_deliveries",
                "Watchlist deliveries in the push outbox by state (pending, sent, dead).",
                labels=["state"],
            )
            for state in ("pending", "sent", "dead"):
                deliveries.add_metric([state], float(pushed[state]))
            yield deliveries
            failed = CounterMetricFamily("finnews_push_failed_attempts", "Push attempts a channel refused.")
            failed.add_metric([], float(pushed["failed_attempts"]))
            yield failed
        if not node["reachable"]:
            return
        totals = run_totals(self.es)
        runs = CounterMetricFamily(
            "finnews_runs", "Recorded runs of scheduled jobs, by job and status.", labels=["job", "status"]
        )
        articles = CounterMetricFamily(
            "finnews_run_articles", "Articles handled by recorded runs, by job and outcome.", labels=["job", "outcome"]
        )
        success = GaugeMetricFamily(
            "finnews_job_last_success_timestamp_seconds", "End of the job's last succeeded run.", labels=["job"]
        )
        started = GaugeMetricFamily(
            "finnews_job_last_run_timestamp_seconds", "Start of the job's last run.", labels=["job"]
        )
        for job, total in sorted(totals.items()):
            for status, count in sorted(total["runs"].items()):
                runs.add_metric([job, status], float(count))
            for outcome in ARTICLE_OUTCOMES:
                articles.add_metric([job, outcome], float(total["articles"][outcome]))
            if total["last_success"] is not None:
                success.add_metric([job], total["last_success"])
            if total["last_start"]:
                started.add_metric([job], total["last_start"])
        yield from (runs, articles, success, started)
        try:
            schedule = load_schedule()
        except ConfigError:
            return
        overdue = GaugeMetricFamily(
            "finnews_job_overdue", "1 when a scheduled job was due and no run started.", labels=["job"]
        )
        for job in schedule.jobs:
            last = totals.get(job.name, {}).get("last_start")
            start = datetime.fromtimestamp(last, SHANGHAI) if last else None
            overdue.add_metric([job.name], 1.0 if overdue_since(job, start, self.now) else 0.0)
        yield overdue


def metrics_text(es: Elasticsearch, now: datetime) -> bytes:
    """The metrics in the Prometheus text format (a fresh registry: nothing kept between scrapes)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FinnewsCollector(es, now))
    return generate_latest(registry)
