"""The long-running scheduler: APScheduler with one cron job per configured job, runs missed while
it was down coalesced into one, stopped cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.config import ConfigError
from scheduler.cron import latest_fire_between
from scheduler.jobs import DEFAULT_TIMEZONE, Job, Schedule
from scheduler.lock import JobBusyError, last_started
from scheduler.supervise import POLL_S, Stopping, run_job

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)


def when(value: datetime | None) -> str:
    """A run time as the log and ``finnews schedule list`` show it."""
    return value.strftime("%Y-%m-%d %H:%M %z") if value else "never"


def missed_run(job: Job, last_start: datetime | None, now: datetime) -> datetime | None:
    """After downtime: the latest time the job was due since it last started, if that is within its
    misfire grace time. However many runs were missed, they coalesce into this one. None when
    nothing was missed, or the job has never run here (a first start does not run everything)."""
    if last_start is None:
        return None
    earliest = max(last_start, now - timedelta(seconds=job.misfire_grace_time))
    return latest_fire_between(job.trigger(), last_start, earliest, now)


def _scheduled_run(job: Job, stopping: Stopping, trigger: str) -> None:
    if stopping.requested:
        return
    try:
        run_job(job, trigger, stopping)
    except JobBusyError as error:
        logger.warning("%s: skipped: %s", job.name, error)
    except Exception:  # the scheduler outlives any one job's trouble
        logger.exception("%s: the run could not be started or recorded", job.name)


def build_scheduler(schedule: Schedule, stopping: Stopping, run_now: tuple[str, ...] = ()) -> BackgroundScheduler:
    """The scheduler, not started: one cron job per configured job, never two runs of one job at
    once (max_instances=1, and the job lock across processes), misfires coalesced into one run."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    for name in run_now:
        schedule.job(name)  # an unknown name is a ConfigError before anything starts
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=max(2, 2 * len(schedule.jobs)))},  # room for run-now runs
        timezone=ZoneInfo(DEFAULT_TIMEZONE),
    )
    for job in schedule.jobs:
        scheduler.add_job(
            _scheduled_run,
            trigger=job.trigger(),
            args=(job, stopping, "schedule"),
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=job.misfire_grace_time,
        )
        now = datetime.now(ZoneInfo(job.timezone))
        missed = missed_run(job, last_started(job.name), now)
        reason = "run-now" if job.name in run_now else ("catch-up" if missed else None)
        if reason:
            if missed:
                logger.info("%s: due at %s while the scheduler was down; running it once now", job.name, missed)
            scheduler.add_job(
                _scheduled_run,
                trigger="date",
                run_date=now,
                args=(job, stopping, reason),
                id=f"{job.name}:{reason}",
                misfire_grace_time=None,  # however late the scheduler gets to it
            )
    return scheduler


def run_scheduler(schedule: Schedule, run_now: tuple[str, ...] = (), stopping: Stopping | None = None) -> int:
    """Run the scheduler until SIGTERM/SIGINT; then stop the running jobs cleanly and return."""
    if not schedule.jobs:
        raise ConfigError(f"{schedule.path}: no jobs to schedule")
    stopping = stopping or Stopping()
    scheduler = build_scheduler(schedule, stopping, run_now)
    scheduler.start()
    for job in schedule.jobs:
        logger.info("%s: %s (%s), next run %s", job.name, job.cron, job.timezone, when(job.next_run()))
    while not stopping.requested:
        time.sleep(POLL_S)
    logger.info("stopping (signal received): running jobs get SIGINT, then SIGKILL after their stop_grace")
    scheduler.shutdown(wait=True)  # returns when every running job has ended and been recorded
    logger.info("scheduler stopped")
    return 0
