"""Running a job: its own process under a timeout, stopped cleanly when the scheduler stops, its
stats read back, its status told, the run recorded and the alert rules evaluated on it."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from core.config import PROJECT_ROOT, ConfigError
from core.dates import SHANGHAI
from core.exit_codes import COMPLETED
from scheduler.jobs import Job
from scheduler.lock import JobLock
from scheduler.stats import STATUS_ONLY, record_counts
from scheduler.status import run_line, run_status
from store.runs import RunRecord

logger = logging.getLogger(__name__)

OUTPUT_TAIL_LINES = 40
OUTPUT_TAIL_CHARS = 6000
POLL_S = 0.1


class Stopping:
    """Set by SIGTERM/SIGINT: the first asks running jobs to stop cleanly, a second to stop now.

    Plain attributes, not ``threading.Event``: a signal handler must not take a lock that the
    interrupted main thread might hold. Everything that waits on these polls them.
    """

    def __init__(self) -> None:
        self.requested = False
        self.forced = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            self.forced = True
        self.requested = True

    def install(self) -> None:
        """Handle SIGTERM and SIGINT (main thread only). The job processes run in their own
        sessions, so a Ctrl-C at the terminal reaches them only through this."""
        signal.signal(signal.SIGTERM, self.handle)
        signal.signal(signal.SIGINT, self.handle)


def classify(exit_code: int | None, interrupted: str | None) -> str:
    """The run's outcome: stopped or timed out by us whatever the exit code; else "succeeded" when
    the command ran to its end (an exit code of :data:`core.exit_codes.COMPLETED`: its counts then
    say how well, see :func:`scheduler.status.run_status`), "failed" otherwise."""
    if interrupted in ("timeout", "stopped"):
        return interrupted
    return "succeeded" if exit_code in COMPLETED else "failed"


def interruptible() -> None:
    """In the child before it runs: SIGINT back to its default. A process started in the background
    of a non-interactive shell (``finnews schedule run &``, a CI step) ignores SIGINT and passes that
    on to everything it starts; a job that ignores SIGINT cannot be stopped gently (Scrapy flushing
    its writes) and would only ever be killed."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def supervise(process: subprocess.Popen, timeout: float, stop_grace: float, stopping: Stopping) -> str | None:
    """Wait for the job's process. Over its timeout, or when the scheduler stops, it gets SIGINT
    (Scrapy then closes the spider and flushes its writes) and SIGKILL ``stop_grace`` seconds later.
    Returns why it was interrupted ("timeout" or "stopped"), or None when it ended by itself."""
    deadline = time.monotonic() + timeout
    interrupted: str | None = None
    kill_at = float("inf")
    while process.poll() is None:
        now = time.monotonic()
        if interrupted is None:
            if stopping.requested:
                interrupted = "stopped"
            elif now >= deadline:
                interrupted = "timeout"
            if interrupted:
                logger.info("pid %s: %s; sending SIGINT (SIGKILL in %g s)", process.pid, interrupted, stop_grace)
                _signal_group(process, signal.SIGINT)
                kill_at = now + stop_grace
        elif now >= kill_at or stopping.forced:
            logger.info("pid %s: still running; sending SIGKILL", process.pid)
            _signal_group(process, signal.SIGKILL)
            kill_at = float("inf")
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=POLL_S)
    return interrupted


def output_tail(text: str) -> str:
    tail = "\n".join(text.rstrip().splitlines()[-OUTPUT_TAIL_LINES:])
    return tail[-OUTPUT_TAIL_CHARS:]


def stats_file_counts(path: Path) -> dict[str, Any]:
    """The counts of the job's ``--stats-json`` file; empty when the job ended before writing it."""
    try:
        stats = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record_counts(stats) if isinstance(stats, dict) else {}


def run_id(job: Job, start: datetime) -> str:
    return f"{job.name}-{start.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


def run_job(
    job: Job, trigger: str = "run-once", stopping: Stopping | None = None
) -> tuple[dict[str, Any], Path | None]:
    """Run the job once in its own process and record the run. Returns the record and, when
    Elasticsearch did not take it, the pending file that holds it. Raises :class:`JobBusyError` when
    the job is already running."""
    from store.runs import record_run

    stopping = stopping or Stopping()
    with JobLock(job.name) as lock, tempfile.TemporaryDirectory(prefix=f"finnews-{job.name}-") as tmp:
        stats_file = Path(tmp) / "stats.json"
        log_file = Path(tmp) / "output.log"
        argv = job.argv(stats_file)
        start = datetime.now(SHANGHAI)
        rid = run_id(job, start)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the output's lines in the order they happened
        with log_file.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "finnews", *argv],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=PROJECT_ROOT,
                env=env,
                start_new_session=True,  # its own process group: a stop reaches Scrapy and anything it started
                pass_fds=(lock.fd,),  # the job holds the lock too, for as long as it runs
                preexec_fn=interruptible,
            )
            lock.note(pid=process.pid, run_id=rid, started=start.isoformat(), trigger=trigger)
            logger.info("%s: started (pid %s): finnews %s", job.name, process.pid, shlex.join(argv))
            interrupted = supervise(process, job.timeout, job.stop_grace, stopping)
        end = datetime.now(SHANGHAI)
        text = log_file.read_text(encoding="utf-8", errors="replace")
        counts = stats_file_counts(stats_file)
        outcome = classify(process.returncode, interrupted)
        last_new = last_new_articles(job) if job.expect_new_within and outcome == "succeeded" else None
        status, reason = run_status(outcome, job, counts, text, process.returncode, last_new, end)
        record = RunRecord(
            run_id=rid,
            job=job.name,
            kind=job.kind,
            trigger=trigger,
            command=job.command(),
            start=start,
            end=end,
            outcome=status,
            reason=reason,
            exit_code=process.returncode,
            output_tail=output_tail(text),
            **{key: value for key, value in counts.items() if key not in STATUS_ONLY},
        ).document()
        pending = record_run(record)
    logger.info("%s: %s", job.name, run_line(record))
    alert_on(record, job)
    return record, pending


def last_new_articles(job: Job) -> datetime | None:
    """When the job last brought something new (see store.runs); None when that cannot be told
    (Elasticsearch away): then a run is not called empty."""
    from store.client import StoreError, connect
    from store.runs import last_new_articles_at

    try:
        return last_new_articles_at(connect().options(request_timeout=10, max_retries=1), job.name)
    except (StoreError, ConfigError) as error:
        logger.warning("%s: could not tell when it last brought new articles: %s", job.name, error)
        return None


def alert_on(record: dict[str, Any], job: Job) -> None:
    """Evaluate the alert rules (configs/alerts.yaml) on the run; alerting never fails a run."""
    from alerts.service import notify_run

    try:
        notify_run(record)
    except ConfigError as error:
        logger.error("alerts: %s", error)
    except Exception:  # a broken channel must not take the scheduler down
        logger.exception("alerts: could not evaluate the rules for run %s", record.get("run_id"))
