"""Scheduled jobs (``configs/schedule.yaml``): crawls and ingests on cron schedules, each run in its
own process with a timeout, one run per job at a time, every run recorded in Elasticsearch.

The same job runs three ways, all through :func:`run_job`: ``finnews schedule run`` (a long-running
APScheduler process), ``finnews schedule run-once JOB`` (what cron or a systemd timer calls), and
``finnews schedule run --run-now JOB`` (start the scheduler with one run straight away).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.config import PROJECT_ROOT, ConfigError, check_keys, config_dir, load_yaml, state_dir
from finnews.cli import UserError
from store.runs import ARTICLE_COUNTS, FAILED_OUTCOMES, OUTCOMES, RunRecord
from tagging.dates import SHANGHAI, isoformat

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)

SCHEDULE_FILE = "schedule.yaml"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_MISFIRE_GRACE_S = 300
DEFAULT_STOP_GRACE_S = 30.0
TOP_LEVEL_KEYS = ("defaults", "jobs")
DEFAULT_KEYS = ("timezone", "misfire_grace_time", "stop_grace")
JOB_KEYS = ("name", "cron", "timeout", "spider", "args", "settings", "ingest", "expect_new_within", *DEFAULT_KEYS)
JOB_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # also a lock file's name
ARG_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SETTING_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
CRON_FIELDS = "minute hour day-of-month month day-of-week"
# Standard cron numbers weekdays from Sunday (0 or 7); APScheduler 3.x numbers them from Monday.
CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

OUTPUT_TAIL_LINES = 40
OUTPUT_TAIL_CHARS = 6000
POLL_S = 0.1
EXIT_ALREADY_RUNNING = 3


# --- configuration -------------------------------------------------------------------------------


def cron_day_of_week(text: str) -> str:
    """A cron day-of-week field (0/7 = Sunday, names, ranges, lists, steps) as APScheduler weekday
    names. Needed because APScheduler 3.x reads ``1-5`` as Tuesday–Saturday (its 0 is Monday)."""
    if text in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in text.lower().split(","):
        base, slash, step_text = part.partition("/")
        if slash and not step_text.isdigit():
            raise ValueError(f"bad step in day-of-week {part!r}")
        step = int(step_text) if slash else 1
        if step < 1:
            raise ValueError(f"bad step in day-of-week {part!r}")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = _weekday(start), _weekday(end)
        else:
            first = _weekday(base)
            last = 7 if slash else first  # cron's "1/2" means from Monday, every second day
        if first > last:
            raise ValueError(f"day-of-week range {part!r} runs backwards")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(CRON_WEEKDAYS[day] for day in sorted(days))


def _weekday(text: str) -> int:
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text in CRON_WEEKDAYS:
        return CRON_WEEKDAYS.index(text)
    raise ValueError(f"{text!r} is not a day of the week (0-7 with 0 and 7 Sunday, or sun … sat)")


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """An APScheduler trigger with standard 5-field cron meaning; ``ValueError`` says what is wrong."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"has {len(fields)} field(s); a cron expression has 5 ({CRON_FIELDS})")
    minute, hour, day, month, day_of_week = fields
    if day not in ("*", "?") and day_of_week not in ("*", "?"):
        # cron runs when EITHER field matches, APScheduler when both do: refuse rather than guess.
        raise ValueError("restricts both day-of-month and day-of-week; use one of them (the other '*')")
    return CronTrigger(
        minute=minute,
        hour=hour,
        day="*" if day == "?" else day,
        month=month,
        day_of_week=cron_day_of_week(day_of_week),
        timezone=ZoneInfo(timezone),
    )


def _scalar(value: Any) -> str:
    """A spider argument or setting as Scrapy's command line takes it (lists comma-separated)."""
    if isinstance(value, list):
        return ",".join(_scalar(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    timeout: float  # seconds a run may take; then it is stopped and recorded as "timeout"
    timezone: str = DEFAULT_TIMEZONE
    spider: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    ingest: tuple[str, ...] = ()
    misfire_grace_time: int = DEFAULT_MISFIRE_GRACE_S  # a run missed by up to this long still runs (once)
    stop_grace: float = DEFAULT_STOP_GRACE_S  # seconds between SIGINT and SIGKILL when stopping a run
    expect_new_within: float | None = None  # seconds; a run after longer without a new article is "empty"

    @property
    def kind(self) -> str:
        return "crawl" if self.spider else "ingest"

    def trigger(self) -> CronTrigger:
        return cron_trigger(self.cron, self.timezone)

    def next_run(self, now: datetime | None = None) -> datetime | None:
        """The next time the job is due after ``now``, in the job's time zone."""
        now = now or datetime.now(ZoneInfo(self.timezone))
        return self.trigger().get_next_fire_time(None, now)

    def argv(self, stats_json: Path | None = None) -> list[str]:
        """The ``finnews`` arguments that run the job."""
        if self.spider:
            argv = ["crawl", self.spider]
            for key, value in self.args.items():
                argv += ["-a", f"{key}={value}"]
            for key, value in self.settings.items():
                argv += ["-s", f"{key}={value}"]
            return [*argv, "--stats-json", str(stats_json)] if stats_json else argv
        # Relative paths are relative to the project folder, whatever directory cron starts us in.
        return ["ingest", "--quiet", *(str(PROJECT_ROOT / p) for p in self.ingest)]

    def describe(self) -> str:
        return shlex.join(self.argv())


@dataclass(frozen=True)
class Schedule:
    path: Path
    jobs: tuple[Job, ...]

    def job(self, name: str) -> Job:
        for job in self.jobs:
            if job.name == name:
                return job
        known = ", ".join(j.name for j in self.jobs) or "none"
        raise ConfigError(f"{self.path}: jobs: no job named {name!r} (known: {known})")


def _unknown_keys(mapping: dict, known: tuple[str, ...], where: str) -> None:
    """Unknown keys are an error with a "did you mean" suggestion (``where`` is ``file: place``)."""
    path, _, place = where.partition(": ")
    check_keys(path, mapping, known, place)


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any, where: str) -> float:
    """``90`` (seconds), ``"90s"``, ``"30m"``, ``"6h"``, ``"2d"`` as seconds > 0."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration like 30m, 6h or 2d, got {value!r}")
    match = _DURATION_RE.match(str(value)) if isinstance(value, (int, float, str)) else None
    if not match or float(match[1]) <= 0:
        raise ConfigError(f"{where}: expected a duration like 30m, 6h or 2d (or seconds > 0), got {value!r}")
    return float(match[1]) * _DURATION_UNITS[match[2]]


def _seconds(value: Any, where: str, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= minimum:
        raise ConfigError(f"{where}: expected a number of seconds > {minimum:g}, got {value!r}")
    return float(value)


def _timezone(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: expected a time zone name like Asia/Shanghai, got {value!r}")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"{where}: unknown time zone {value!r}") from error
    return value


def _parameters(value: Any, where: str, name_re: re.Pattern[str], what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping of {what} names to values, got {type(value).__name__}")
    result = {}
    for key, item in value.items():
        if not isinstance(key, str) or not name_re.match(key):
            raise ConfigError(f"{where}.{key}: not a valid {what} name")
        scalars = item if isinstance(item, list) else [item]
        if not scalars or not all(isinstance(v, (str, int, float, bool)) for v in scalars):
            raise ConfigError(f"{where}.{key}: expected a string, number, true/false or a list of them")
        result[key] = _scalar(item)
    return result


def _defaults(data: Any, where: str) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "timezone": DEFAULT_TIMEZONE,
        "misfire_grace_time": DEFAULT_MISFIRE_GRACE_S,
        "stop_grace": DEFAULT_STOP_GRACE_S,
    }
    if data is None:
        return defaults
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping")
    _unknown_keys(data, DEFAULT_KEYS, where)
    if "timezone" in data:
        defaults["timezone"] = _timezone(data["timezone"], f"{where}.timezone")
    if "misfire_grace_time" in data:
        defaults["misfire_grace_time"] = int(_seconds(data["misfire_grace_time"], f"{where}.misfire_grace_time"))
    if "stop_grace" in data:
        defaults["stop_grace"] = _seconds(data["stop_grace"], f"{where}.stop_grace")
    return defaults


def parse_job(entry: Any, where: str, defaults: dict[str, Any]) -> Job:
    """One entry of ``jobs``; ``where`` names it in errors (``…/schedule.yaml: jobs[0]``)."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with name, cron, timeout and spider or ingest")
    _unknown_keys(entry, JOB_KEYS, where)
    for key in ("name", "cron", "timeout"):
        if key not in entry:
            hint = " (seconds a run may take before it is stopped)" if key == "timeout" else ""
            raise ConfigError(f"{where}.{key}: missing{hint}")
    name = entry["name"]
    if not isinstance(name, str) or not JOB_NAME_RE.match(name):
        raise ConfigError(f"{where}.name: expected lower-case letters, digits, '-' or '_', got {name!r}")
    timezone = _timezone(entry.get("timezone", defaults["timezone"]), f"{where}.timezone")
    cron = entry["cron"]
    if not isinstance(cron, str):
        raise ConfigError(f"{where}.cron: expected a quoted 5-field cron expression, got {cron!r}")
    try:
        cron_trigger(cron, timezone)
    except ValueError as error:
        raise ConfigError(f"{where}.cron: {cron!r} is not a valid cron expression: {error}") from error
    timeout = _seconds(entry["timeout"], f"{where}.timeout")
    misfire = entry.get("misfire_grace_time", defaults["misfire_grace_time"])
    misfire = int(_seconds(misfire, f"{where}.misfire_grace_time"))
    stop_grace = _seconds(entry.get("stop_grace", defaults["stop_grace"]), f"{where}.stop_grace")
    expect = entry.get("expect_new_within")
    expect_new = parse_duration(expect, f"{where}.expect_new_within") if expect is not None else None

    has_spider, has_ingest = "spider" in entry, "ingest" in entry
    if has_spider == has_ingest:
        what = "both" if has_spider else "neither"
        raise ConfigError(f"{where}: {what} spider and ingest given; a job runs exactly one of them")
    if has_ingest:
        for key in ("args", "settings"):
            if key in entry:
                raise ConfigError(f"{where}.{key}: only a spider job takes {key}")
        paths = entry["ingest"]
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p.strip() for p in paths):
            raise ConfigError(f"{where}.ingest: expected a list of paths (files or folders)")
        return Job(
            name,
            cron,
            timeout,
            timezone,
            ingest=tuple(paths),
            misfire_grace_time=misfire,
            stop_grace=stop_grace,
            expect_new_within=expect_new,
        )
    spider = entry["spider"]
    if not isinstance(spider, str) or not ARG_NAME_RE.match(spider):
        raise ConfigError(f"{where}.spider: expected a spider name like eastmoney, got {spider!r}")
    return Job(
        name,
        cron,
        timeout,
        timezone,
        spider=spider,
        args=_parameters(entry.get("args"), f"{where}.args", ARG_NAME_RE, "spider argument"),
        settings=_parameters(entry.get("settings"), f"{where}.settings", SETTING_NAME_RE, "Scrapy setting"),
        misfire_grace_time=misfire,
        stop_grace=stop_grace,
        expect_new_within=expect_new,
    )


def parse_schedule(data: Any, path: Path) -> Schedule:
    """The parsed ``schedule.yaml``; every mistake is a :class:`ConfigError` naming file and key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'jobs' list")
    _unknown_keys(data, TOP_LEVEL_KEYS, str(path))
    defaults = _defaults(data.get("defaults"), f"{path}: defaults")
    entries = data.get("jobs")
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: jobs: expected a list of jobs")
    jobs: list[Job] = []
    for index, entry in enumerate(entries):
        where = f"{path}: jobs[{index}]"
        job = parse_job(entry, where, defaults)
        if any(j.name == job.name for j in jobs):
            raise ConfigError(f"{where}.name: duplicate job name {job.name!r}")
        jobs.append(job)
    return Schedule(path, tuple(jobs))


def load_schedule() -> Schedule:
    """``configs/schedule.yaml`` (read on every call: a scheduler restart picks up edits)."""
    return parse_schedule(load_yaml(SCHEDULE_FILE), config_dir() / SCHEDULE_FILE)


# --- one run per job at a time -------------------------------------------------------------------


class JobBusyError(UserError):
    """The job is already running (in this scheduler, another one, or a cron run-once)."""


def lock_path(name: str) -> Path:
    directory = state_dir() / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{name}.lock"


class JobLock:
    """An exclusive ``flock`` on ``state_dir()/locks/JOB.lock``.

    The kernel releases it when the last process holding the file open ends, however it ends, so
    a crashed run never blocks the next one and nothing needs cleaning up. The job's own process
    inherits the open file: if the runner dies, the job still counts as running until it ends.
    The file also says who holds it and when the job last started (read back by :func:`lock_info`).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = lock_path(name)
        self.fd: int | None = None

    def acquire(self) -> JobLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            info = lock_info(self.name)
            holder = f" (pid {info.get('pid')}, started {info.get('started')})" if info else ""
            raise JobBusyError(f"job {self.name} is already running{holder}; not started again") from None
        self.fd = fd
        return self

    def note(self, **info: Any) -> None:
        """Record who holds the lock (the job's pid, run id, start time)."""
        if self.fd is None:
            raise RuntimeError("note() on a lock that is not held")
        data = json.dumps({"job": self.name, **info}, ensure_ascii=False).encode("utf-8")
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> JobLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_info(name: str) -> dict[str, Any]:
    """What the job's lock file says: the last (or current) run's pid, run id and start time."""
    try:
        data = json.loads(lock_path(name).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_started(name: str) -> datetime | None:
    started = lock_info(name).get("started")
    try:
        return datetime.fromisoformat(started) if isinstance(started, str) else None
    except ValueError:
        return None


# --- running a job -------------------------------------------------------------------------------


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
    """The run's outcome: stopped or timed out by us whatever the exit code, else by exit code."""
    if interrupted in ("timeout", "stopped"):
        return interrupted
    return "succeeded" if exit_code == 0 else "failed"


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


def crawl_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """Pages, articles by outcome and errors by reason from a crawl's ``--stats-json`` file."""
    errors = [
        {"reason": key.split("/", 2)[2], "count": int(value)}
        for key, value in sorted(stats.items())
        if key.startswith("finnews/errors/") and isinstance(value, (int, float))
    ]
    return {
        "pages": int(stats.get("downloader/response_count", 0)),
        "requests": int(stats.get("downloader/request_count", 0)),
        "articles": {name: int(stats.get(f"finnews/articles/{name}", 0)) for name in ARTICLE_COUNTS},
        "errors": errors,
        "finish_reason": stats.get("finish_reason"),
        "stopped_sources": [str(line) for line in stats.get("finnews/stopped_sources") or []],
        # Not stored; they decide the run's status (see run_status).
        "ok_answers": int(stats.get("finnews/ok_answers", 0)),
        "sources_ok": [str(name) for name in stats.get("finnews/sources_ok") or []],
        "given_up": int(stats.get("finnews/blocking/given_up", 0)),
        "list_errors": int(stats.get("finnews/list_errors", 0)),
    }


STATUS_ONLY = ("ok_answers", "sources_ok", "given_up", "list_errors")  # counts not kept in the record


def _error_summary(errors: dict[str, int]) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in sorted(errors.items())) or "none"


def last_line(text: str, limit: int = 300) -> str:
    """The last non-blank line of a job's output (where a command says why it failed)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:limit]


def human_duration(seconds: float) -> str:
    """``3 h 10 min``, ``2 d 4 h``, ``45 s``: for reasons and alerts."""
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def run_status(
    outcome: str,
    job: Job,
    counts: dict[str, Any],
    output: str,
    exit_code: int | None,
    last_new_at: datetime | None,
    now: datetime,
) -> tuple[str, str | None]:
    """The run's status and the reason for it, from how the process ended (``outcome`` from
    :func:`classify`) and what the crawl counted. In order: stopped or timed out by us; failed
    (non-zero exit); blocked (sources stopped or refused requests given up, nothing gathered) or
    partial (the same, with articles gathered or other sources working); failed (every request of a
    crawl failed); partial (lists failing); empty (no new article for longer than the job's
    ``expect_new_within``); else succeeded."""
    if outcome == "timeout":
        return "timeout", f"ran over its timeout of {job.timeout:g} s and was stopped"
    if outcome == "stopped":
        return "stopped", "the scheduler was stopped while the run was going on"
    if outcome == "failed":
        return "failed", f"exit {exit_code}: {last_line(output)}"
    errors = {e["reason"]: int(e["count"]) for e in counts.get("errors") or []}
    blocked = {r: c for r, c in errors.items() if r.startswith("blocked/")}
    other = {r: c for r, c in errors.items() if not r.startswith("blocked/") and r != "source_stopped"}
    articles = counts.get("articles") or {}
    gathered = sum(int(articles.get(name, 0)) for name in ("new", "updated", "unchanged", "spooled"))
    stopped = counts.get("stopped_sources") or []
    if stopped or counts.get("given_up"):
        what = "; ".join(f"stopped {line}" for line in stopped) or f"refused: {_error_summary(blocked)}"
        if gathered or counts.get("sources_ok"):
            return "partial", f"{what} — {gathered} article(s) gathered from the rest"
        return "blocked", what
    if job.spider and other and not counts.get("ok_answers"):
        return "failed", f"every request failed: {_error_summary(other)}"
    if job.spider and counts.get("list_errors"):
        return "partial", f"some lists failed ({_error_summary(other)}) — {gathered} article(s) gathered"
    window = job.expect_new_within
    if window and not int(articles.get("new", 0)) and last_new_at is not None:
        quiet = (now - last_new_at).total_seconds()
        if quiet > window:
            return "empty", f"no new article for {human_duration(quiet)} (expected within {human_duration(window)})"
    return "succeeded", None


_INGEST_RE = re.compile(
    r"Ingested (?P<articles>\d+) article\(s\) from (?P<files>\d+) file\(s\): (?P<new>\d+) new, "
    r"(?P<updated>\d+) updated, (?P<unchanged>\d+) unchanged, (?P<spooled>\d+) spooled, (?P<dead_letter>\d+) rejected"
)


def ingest_counts(output: str) -> dict[str, Any]:
    """Files, articles and failed inputs from ``finnews ingest``'s report (it writes no stats file)."""
    match = _INGEST_RE.search(output)
    if not match:
        return {}
    failed = sum(1 for line in output.splitlines() if line.startswith("  failed: "))
    return {
        "files": int(match["files"]),
        "articles": {name: int(match[name]) for name in ARTICLE_COUNTS if name in match.groupdict()},
        "errors": [{"reason": "input_failed", "count": failed}] if failed else [],
    }


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
        argv = job.argv(stats_file if job.spider else None)
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
            )
            lock.note(pid=process.pid, run_id=rid, started=start.isoformat(), trigger=trigger)
            logger.info("%s: started (pid %s): finnews %s", job.name, process.pid, shlex.join(argv))
            interrupted = supervise(process, job.timeout, job.stop_grace, stopping)
        end = datetime.now(SHANGHAI)
        text = log_file.read_text(encoding="utf-8", errors="replace")
        counts: dict[str, Any] = {}
        if job.spider and stats_file.exists():
            with contextlib.suppress(OSError, ValueError):
                counts = crawl_counts(json.loads(stats_file.read_text(encoding="utf-8")))
        elif job.ingest:
            counts = ingest_counts(text)
        outcome = classify(process.returncode, interrupted)
        last_new = last_new_articles(job) if job.expect_new_within and outcome == "succeeded" else None
        status, reason = run_status(outcome, job, counts, text, process.returncode, last_new, end)
        record = RunRecord(
            run_id=rid,
            job=job.name,
            kind=job.kind,
            trigger=trigger,
            command=f"finnews {job.describe()}",
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


# --- job overview (the runs page, /jobs, /health) --------------------------------------------------

OVERDUE_SLACK_S = 60  # a run may start this much after its time (systemd's RandomizedDelaySec, a busy host)


def previous_fire(job: Job, before: datetime) -> datetime | None:
    """The latest time the job was due at or before ``before`` (None if not within a year)."""
    trigger = job.trigger()
    for window in (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32), timedelta(days=366)):
        fire = trigger.get_next_fire_time(None, before - window)
        latest = None
        while fire is not None and fire <= before:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    return None


def overdue_since(job: Job, last_start: datetime | None, now: datetime) -> datetime | None:
    """When the job was due without a run having started since: the latest due time that a run
    should have started by now (allowing misfire_grace_time, timeout — a run is recorded when it
    ends — and a minute). None when it is not overdue, or when it never ran (nothing to compare)."""
    if last_start is None:
        return None
    allowance = timedelta(seconds=job.misfire_grace_time + job.timeout + OVERDUE_SLACK_S)
    due = previous_fire(job, now - allowance)
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
        "command": f"finnews {job.describe()}",
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
                "new": int((run.get("articles") or {}).get("new", 0)),
                "updated": int((run.get("articles") or {}).get("updated", 0)),
            }
            for run in reversed(runs)
        ],
        "errors": [{"reason": reason, "count": count} for reason, count in errors.most_common()],
    }


# --- the scheduler -------------------------------------------------------------------------------


def missed_run(job: Job, last_start: datetime | None, now: datetime) -> datetime | None:
    """After downtime: the latest time the job was due since it last started, if that is within its
    misfire grace time. However many runs were missed, they coalesce into this one. None when
    nothing was missed, or the job has never run here (a first start does not run everything)."""
    if last_start is None:
        return None
    trigger = job.trigger()
    earliest = max(last_start, now - timedelta(seconds=job.misfire_grace_time))
    latest = None
    fire = trigger.get_next_fire_time(None, earliest)
    for _ in range(100_000):  # bounded: a once-a-minute job over a long grace time is the worst case
        if fire is None or fire > now:
            break
        if fire > last_start:
            latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


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
        raise UserError(f"{schedule.path}: no jobs to schedule")
    stopping = stopping or Stopping()
    scheduler = build_scheduler(schedule, stopping, run_now)
    scheduler.start()
    for job in schedule.jobs:
        logger.info("%s: %s (%s), next run %s", job.name, job.cron, job.timezone, _when(job.next_run()))
    while not stopping.requested:
        time.sleep(POLL_S)
    logger.info("stopping (signal received): running jobs get SIGINT, then SIGKILL after their stop_grace")
    scheduler.shutdown(wait=True)  # returns when every running job has ended and been recorded
    logger.info("scheduler stopped")
    return 0


# --- command line --------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M %z") if value else "never"


def run_line(record: dict[str, Any]) -> str:
    """One run as one line; a run that is not all well (failed, timeout, blocked, empty, partial) is
    marked in capitals and followed by its reason."""
    outcome = record.get("outcome", "?")
    mark = outcome.upper() if outcome in (*FAILED_OUTCOMES, "partial") else outcome
    articles = record.get("articles") or {}
    counts = ", ".join(f"{articles.get(k, 0)} {k}" for k in ("new", "updated", "unchanged", "skipped_seen", "spooled"))
    errors = ", ".join(f"{e['reason']} {e['count']}" for e in record.get("errors") or []) or "none"
    size = (
        f"files {record.get('files') or 0}" if record.get("kind") == "ingest" else f"pages {record.get('pages') or 0}"
    )
    start = str(record.get("start", ""))[:19].replace("T", " ")
    line = (
        f"{start}  {record.get('job')}  {mark}  {record.get('duration_s', 0):.1f} s  exit {record.get('exit_code')}  "
        f"{size}  articles {counts}  errors {errors}"
    )
    return f"{line}\n    why: {record['reason']}" if record.get("reason") else line


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
            f"next {_when(job.next_run())}; last started {_when(last)}"
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
        return 1
    return 0


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
    runs.add_argument("--status", action="append", default=[], choices=OUTCOMES, help="only runs with this outcome")
    runs.add_argument("--since", metavar="WHEN", help="only runs started since: 30m, 24h, 7d or a date")
    runs.add_argument("--limit", type=int, default=20, metavar="N", help="at most N runs (default 20)")
    runs.set_defaults(func=cmd_runs)
