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

from core.config import PROJECT_ROOT, ConfigError, check_keys, config_dir, expect_list, expect_mapping, load_yaml
from scheduler.cron import cron_trigger

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

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
