"""What the runs page, ``/jobs`` and ``/health`` show of a job: its schedule, its recent runs,
whether it is overdue."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.dates import isoformat
from scheduler.cron import previous_fire
from scheduler.jobs import Job
from store.outcomes import NEW, UPDATED

OVERDUE_SLACK_S = 60  # a run may start this much after its time (systemd's RandomizedDelaySec, a busy host)


def overdue_since(job: Job, last_start: datetime | None, now: datetime) -> datetime | None:
    """When the job was due without a run having started since: the latest due time that a run
    should have started by now (allowing misfire_grace_time, timeout — a run is recorded when it
    ends — and a minute). None when it is not overdue, or when it never ran (nothing to compare)."""
    if last_start is None:
        return None
    allowance = timedelta(seconds=job.misfire_grace_time + job.timeout + OVERDUE_SLACK_S)
    due = previous_fire(job.trigger(), now - allowance)
    if due is None or last_start >= due - timedelta(seconds=OVERDUE_SLACK_S):
        return None
    return due


def job_overview(job: Job, runs: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """A job, its schedule and its recent runs (newest first) for the page and the JSON views: the
    last run, whether it is overdue, articles per run (oldest first, for a chart), errors by reason."""
    last = runs[0] if runs else None
    last_start = datetime.fromisoformat(last["start"]) if last and last.get("start") else None
    late = overdue_since(job, last_start, now)
    errors: Counter[str] = Counter()
    for run in runs:
        for error in run.get("errors") or []:
            errors[str(error.get("reason"))] += int(error.get("count") or 0)
    return {
        "name": job.name,
        "kind": job.kind,
        "command": job.command(),
        "cron": job.cron,
        "timezone": job.timezone,
        "timeout": job.timeout,
        "expect_new_within": job.expect_new_within,
        "next_run": isoformat(job.next_run(now.astimezone(ZoneInfo(job.timezone)))),
        "last_run": last,
        "overdue": None if last is None else late is not None,
        "due_since": isoformat(late) if late else None,
        "history": [
            {
                "run_id": run.get("run_id"),
                "start": run.get("start"),
                "outcome": run.get("outcome"),
                NEW: int((run.get("articles") or {}).get(NEW, 0)),
                UPDATED: int((run.get("articles") or {}).get(UPDATED, 0)),
            }
            for run in reversed(runs)
        ],
        "errors": [{"reason": reason, "count": count} for reason, count in errors.most_common()],
    }
