"""The jobs of ``configs/schedule.yaml``: each mistake a :class:`ConfigError` naming file and key,
each job the ``finnews`` command line that runs it."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.config import (
    PROJECT_ROOT,
    ConfigError,
    check_keys,
    config_dir,
    expect_list,
    expect_mapping,
    load_yaml,
    parse_duration,
)
from scheduler.cron import cron_trigger

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

SCHEDULE_FILE = "schedule.yaml"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_MISFIRE_GRACE_S = 300
DEFAULT_STOP_GRACE_S = 30.0
TOP_LEVEL_KEYS = ("defaults", "jobs")
DEFAULT_KEYS = ("timezone", "misfire_grace_time", "stop_grace")
JOB_KEYS = (
    "name", "cron", "timeout", "spider", "args", "settings", "ingest", "live", "expect_new_within", *DEFAULT_KEYS
)  # fmt: skip
KINDS = ("spider", "ingest", "live")
# A live job polls until this long before its timeout, then ends as a finished run (its next run,
# at the next cron time, carries on from the same seen-article store and outbox).
LIVE_END_MARGIN_S = 60.0
JOB_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # also a lock file's name
ARG_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SETTING_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


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
    live: tuple[str, ...] | None = None  # live sources of configs/live.yaml (empty: all of them)
    misfire_grace_time: int = DEFAULT_MISFIRE_GRACE_S  # a run missed by up to this long still runs (once)
    stop_grace: float = DEFAULT_STOP_GRACE_S  # seconds between SIGINT and SIGKILL when stopping a run
    expect_new_within: float | None = None  # seconds; a run after longer without a new article is "empty"

    @property
    def kind(self) -> str:
        return "crawl" if self.spider else "live" if self.live is not None else "ingest"

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
        elif self.live is not None:
            argv = ["live", *self.live, "--for", f"{max(self.timeout - LIVE_END_MARGIN_S, 1):g}"]
            for key, value in self.settings.items():
                argv += ["-s", f"{key}={value}"]
        else:
            # Relative paths are relative to the project folder, whatever directory cron starts us in.
            argv = ["ingest", "--quiet", *(str(PROJECT_ROOT / p) for p in self.ingest)]
        return [*argv, "--stats-json", str(stats_json)] if stats_json else argv

    def describe(self) -> str:
        return shlex.join(self.argv())

    def command(self) -> str:
        """The command line a run is recorded with (without its temporary stats file)."""
        return f"finnews {self.describe()}"


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
    expect_mapping(data, where)
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
    expect_mapping(entry, where, "a mapping with name, cron, timeout and spider or ingest")
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

    given = [kind for kind in KINDS if kind in entry]
    if len(given) != 1:
        what = " and ".join(given) if given else "none of spider, ingest and live"
        raise ConfigError(f"{where}: {what} given; a job runs exactly one of spider, ingest or live")
    if given == ["live"]:
        if "args" in entry:
            raise ConfigError(f"{where}.args: a live job takes its sources' arguments from configs/live.yaml")
        names = entry["live"] if entry["live"] is not None else []
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not all(isinstance(n, str) and JOB_NAME_RE.match(n) for n in names):
            raise ConfigError(f"{where}.live: expected a list of live source names (configs/live.yaml), or []")
        if timeout <= LIVE_END_MARGIN_S:
            raise ConfigError(f"{where}.timeout: a live job needs more than {LIVE_END_MARGIN_S:g} s")
        return Job(
            name,
            cron,
            timeout,
            timezone,
            settings=_parameters(entry.get("settings"), f"{where}.settings", SETTING_NAME_RE, "Scrapy setting"),
            live=tuple(names),
            misfire_grace_time=misfire,
            stop_grace=stop_grace,
            expect_new_within=expect_new,
        )
    if given == ["ingest"]:
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
    expect_mapping(data, str(path), "a mapping with a 'jobs' list")
    _unknown_keys(data, TOP_LEVEL_KEYS, str(path))
    defaults = _defaults(data.get("defaults"), f"{path}: defaults")
    entries = expect_list(data.get("jobs"), f"{path}: jobs", "a list of jobs")
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
