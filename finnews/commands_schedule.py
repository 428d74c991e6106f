"""``finnews schedule list|run-once|run`` and ``finnews runs``: the command line of the scheduler
library (:mod:`scheduler`); argument parsing and printing only."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from datetime import datetime, timedelta

from core import exit_codes
from core.dates import SHANGHAI
from finnews.errors import UserError
from scheduler.jobs import load_schedule
from scheduler.lock import JobBusyError, last_started
from scheduler.service import run_scheduler, when
from scheduler.status import human_duration, run_line
from scheduler.supervise import Stopping, run_job
from store.runs import RUN_STATUSES

EXIT_ALREADY_RUNNING = exit_codes.ALREADY_RUNNING


def cmd_schedule_list(args: argparse.Namespace) -> int:
    schedule = load_schedule()
    print(f"{len(schedule.jobs)} job(s) in {schedule.path}")
    for job in schedule.jobs:
        last = last_started(job.name)
        print(f"{job.name}: finnews {job.describe()}")
        window = job.expect_new_within
        expects = f"; expects new articles within {human_duration(window)}" if window else ""
        print(
            f"  cron {job.cron!r} ({job.timezone}), timeout {job.timeout:g} s{expects}; "
            f"next {when(job.next_run())}; last started {when(last)}"
        )
    return 0


def cmd_schedule_run_once(args: argparse.Namespace) -> int:
    job = load_schedule().job(args.job)
    stopping = Stopping()
    stopping.install()
    try:
        record, pending = run_job(job, "run-once", stopping)
    except JobBusyError as error:
        print(f"finnews schedule: {error}", file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    print(run_line(record))
    if pending:
        print(f"run record kept in {pending} until Elasticsearch takes it (on the next record)")
    if record["outcome"] != "succeeded":
        print(f"--- last lines of the output ---\n{record['output_tail']}", file=sys.stderr)
    return exit_codes.STATUS_EXIT.get(record["outcome"], exit_codes.FAILED)


def cmd_schedule_run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # keeps its misfire warnings
    schedule = load_schedule()
    stopping = Stopping()
    stopping.install()
    return run_scheduler(schedule, tuple(args.run_now), stopping)


def parse_since(text: str) -> datetime:
    """``30m``, ``24h``, ``7d`` ago, or an ISO date/time (Beijing time when it has no offset)."""
    match = re.fullmatch(r"(\d+)([mhd])", text.strip())
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[match[2]]
        return datetime.now(SHANGHAI) - timedelta(**{unit: int(match[1])})
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise UserError(f"--since expects 30m, 24h, 7d or a date like 2026-11-01, got {text!r}") from error
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def cmd_runs(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.runs import list_runs, pending_files, runs_index

    since = parse_since(args.since) if args.since else None
    records = list_runs(
        connect(), job=args.job, failed_only=args.failed, since=since, limit=args.limit, outcomes=tuple(args.status)
    )
    what = "failed run(s)" if args.failed else "run(s)"
    print(f"{len(records)} {what}, newest first (index {runs_index()})")
    for record in records:
        print(run_line(record))
    waiting = pending_files()
    if waiting:
        print(f"{len(waiting)} run record(s) still waiting in {waiting[0].parent}")
    return 1 if args.failed and records else 0


RUNS_EPILOG = """\
outcomes: succeeded; partial (some sources blocked or failing, articles still gathered); blocked
(refused by the site, nothing gathered); failed (non-zero exit, or every request failed); empty (no
new article for longer than the job's expect_new_within); timeout (ran over the job's timeout and
was stopped); stopped (the scheduler was stopped while it ran). All but succeeded and stopped are
shown in capitals, with the reason on the next line.
exit status: 0; with --failed, 1 when any failed, timed-out, blocked or empty run is listed (for
monitoring: `finnews runs --failed --since 24h`); 2 when Elasticsearch cannot be reached."""

RUN_ONCE_EPILOG = """\
exit status: 0 when the run succeeded; 1 when it did not (partial, blocked, failed, empty, timed
out or stopped: the reason and the last lines of its output go to stderr); 2 on a configuration
error; 3 when the job is already running."""


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """``finnews schedule list|run-once|run`` and ``finnews runs``."""
    formatter = argparse.RawDescriptionHelpFormatter
    schedule = subparsers.add_parser(
        "schedule",
        help="scheduled crawls and ingests (configs/schedule.yaml)",
        description="Jobs from configs/schedule.yaml: list them, run one now, or run the scheduler. "
        "See docs/scheduling.md.",
    )
    actions = schedule.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the jobs and their next run times")
    listing.set_defaults(func=cmd_schedule_list)
    once = actions.add_parser(
        "run-once",
        help="run one job now and record the run (what cron or a systemd timer calls)",
        epilog=RUN_ONCE_EPILOG,
        formatter_class=formatter,
    )
    once.add_argument("job", help="a job name from configs/schedule.yaml")
    once.set_defaults(func=cmd_schedule_run_once)
    run = actions.add_parser(
        "run",
        help="run the scheduler in the foreground until SIGTERM or SIGINT",
        description="Run every job on its cron schedule, each in its own process. SIGTERM or SIGINT "
        "stops running jobs cleanly (recorded as stopped) and exits 0; a second signal kills them at once.",
    )
    run.add_argument("--run-now", action="append", default=[], metavar="JOB", help="also run JOB once at start")
    run.set_defaults(func=cmd_schedule_run)

    runs = subparsers.add_parser(
        "runs", help="recorded runs of scheduled jobs, newest first", epilog=RUNS_EPILOG, formatter_class=formatter
    )
    runs.add_argument("--job", metavar="NAME", help="only this job's runs")
    runs.add_argument(
        "--failed", action="store_true", help="only failed, timed-out, blocked and empty runs (exit 1 if any)"
    )
    runs.add_argument("--status", action="append", default=[], choices=RUN_STATUSES, help="only runs with this outcome")
    runs.add_argument("--since", metavar="WHEN", help="only runs started since: 30m, 24h, 7d or a date")
    runs.add_argument("--limit", type=int, default=20, metavar="N", help="at most N runs (default 20)")
    runs.set_defaults(func=cmd_runs)
