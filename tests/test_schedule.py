"""Scheduled jobs without Elasticsearch: configs/schedule.yaml validation, cron times in
Asia/Shanghai, the per-job lock (with real processes), coalescing, and how a run's outcome is told."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.config import ConfigError
from ingest.run import IngestReport
from scheduler.cron import cron_day_of_week
from scheduler.jobs import Job, load_schedule, parse_schedule
from scheduler.lock import JobBusyError, JobLock, last_started
from scheduler.service import build_scheduler, missed_run
from scheduler.stats import record_counts
from scheduler.status import run_line
from scheduler.supervise import Stopping, classify, interruptible, supervise
from tests.conftest import PROJECT_ROOT

SHANGHAI = ZoneInfo("Asia/Shanghai")
GOOD_JOB = 'name: eastmoney\n    cron: "*/10 * * * *"\n    spider: eastmoney\n    timeout: 540'


def write_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    monkeypatch.setenv("FINNEWS_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- configuration -------------------------------------------------------------------------------


def test_the_shipped_schedule_is_valid() -> None:
    schedule = load_schedule()
    jobs = {job.name: job for job in schedule.jobs}
    assert {"eastmoney", "chinaorg", "feeds"} <= set(jobs)
    assert jobs["eastmoney"].cron == "*/10 * * * *"
    assert jobs["eastmoney"].timeout < 600  # a run ends before the next one is due
    assert all(job.timezone == "Asia/Shanghai" for job in schedule.jobs)
    assert jobs["feeds"].spider == "feed"


@pytest.mark.parametrize(
    ("jobs", "message"),
    [
        (
            '- name: a\n    cron: "*/10 * * *"\n    spider: eastmoney\n    timeout: 60',
            r"jobs\[0\]\.cron: .* has 4 field\(s\)",
        ),
        (
            '- name: a\n    cron: "61 * * * *"\n    spider: eastmoney\n    timeout: 60',
            r"jobs\[0\]\.cron: '61 \* \* \* \*' is not a valid",
        ),
        (
            '- name: a\n    cron: "0 9 * * 9"\n    spider: eastmoney\n    timeout: 60',
            r"jobs\[0\]\.cron: .*not a day of the week",
        ),
        (
            '- name: a\n    cron: "0 9 1 * 1"\n    spider: eastmoney\n    timeout: 60',
            r"jobs\[0\]\.cron: .*both day-of-month and day-of-week",
        ),
        ("- name: a\n    cron: 5\n    spider: eastmoney\n    timeout: 60", r"jobs\[0\]\.cron: expected a quoted"),
        (
            '- name: a\n    cron: "0 * * * *"\n    spidr: eastmoney\n    timeout: 60',
            r"jobs\[0\]: unknown key\(s\) spidr",
        ),
        ('- name: a\n    cron: "0 * * * *"\n    spider: eastmoney', r"jobs\[0\]\.timeout: missing"),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 0',
            r"jobs\[0\]\.timeout: expected a number of seconds",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: "1h"',
            r"jobs\[0\]\.timeout: expected a number",
        ),
        ('- cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 60', r"jobs\[0\]\.name: missing"),
        (
            '- name: "East Money"\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 60',
            r"jobs\[0\]\.name: expected lower-case",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    ingest: [x]\n    timeout: 60',
            r"jobs\[0\]: spider and ingest given; a job runs exactly one",
        ),
        ('- name: a\n    cron: "0 * * * *"\n    timeout: 60', r"jobs\[0\]: none of spider, ingest and live given"),
        (f"- {GOOD_JOB}\n  - {GOOD_JOB}", r"jobs\[1\]\.name: duplicate job name 'eastmoney'"),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 60\n    timezone: Mars/Olympus',
            r"jobs\[0\]\.timezone: unknown time zone",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 60\n    args: [1]',
            r"jobs\[0\]\.args: expected a mapping",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 60\n    settings: {download_delay: 0}',
            r"jobs\[0\]\.settings\.download_delay: not a valid Scrapy setting name",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    spider: eastmoney\n    timeout: 60\n    args: {since: {a: 1}}',
            r"jobs\[0\]\.args\.since: expected a string",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    ingest: [x]\n    args: {a: 1}\n    timeout: 60',
            r"jobs\[0\]\.args: only a spider job",
        ),
        (
            '- name: a\n    cron: "0 * * * *"\n    ingest: []\n    timeout: 60',
            r"jobs\[0\]\.ingest: expected a list of paths",
        ),
        ("- just a string", r"jobs\[0\]: expected a mapping"),
    ],
)
def test_a_bad_job_is_a_config_error_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str, message: str
) -> None:
    path = write_schedule(tmp_path, monkeypatch, f"jobs:\n  {jobs}\n")
    with pytest.raises(ConfigError, match=message) as raised:
        load_schedule()
    assert str(raised.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"job:\n  - {GOOD_JOB}\n", r"schedule\.yaml: unknown key\(s\) job"),
        ("defaults: {timezone: Asia/Shanghai}\n", r"schedule\.yaml: jobs: expected a list"),
        (f"defaults: {{tz: UTC}}\njobs:\n  - {GOOD_JOB}\n", r"schedule\.yaml: defaults: unknown key\(s\) tz"),
        (f"defaults: {{stop_grace: -1}}\njobs:\n  - {GOOD_JOB}\n", r"schedule\.yaml: defaults\.stop_grace: expected"),
        ("- a list\n", r"schedule\.yaml: expected a mapping"),
        ("jobs: [\n", r"schedule\.yaml: invalid YAML"),
    ],
)
def test_a_bad_file_is_a_config_error_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    path = write_schedule(tmp_path, monkeypatch, text)
    with pytest.raises(ConfigError, match=message) as raised:
        load_schedule()
    assert str(raised.value).startswith(str(path))


def test_a_missing_file_and_an_unknown_job_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINNEWS_CONFIG_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match=r"schedule\.yaml: file not found"):
        load_schedule()
    write_schedule(tmp_path, monkeypatch, f"jobs:\n  - {GOOD_JOB}\n")
    with pytest.raises(ConfigError, match=r"schedule\.yaml: jobs: no job named 'nope' \(known: eastmoney\)"):
        load_schedule().job("nope")


def test_defaults_apply_and_jobs_override_them() -> None:
    data = {
        "defaults": {"timezone": "UTC", "misfire_grace_time": 60, "stop_grace": 5},
        "jobs": [
            {"name": "a", "cron": "0 * * * *", "spider": "eastmoney", "timeout": 60},
            {"name": "b", "cron": "0 * * * *", "ingest": "archive", "timeout": 60, "timezone": "Asia/Shanghai"},
        ],
    }
    a, b = parse_schedule(data, Path("schedule.yaml")).jobs
    assert (a.timezone, a.misfire_grace_time, a.stop_grace) == ("UTC", 60, 5.0)
    assert (b.timezone, b.ingest) == ("Asia/Shanghai", ("archive",))


def test_job_commands() -> None:
    data = {
        "jobs": [
            {
                "name": "em",
                "cron": "*/10 * * * *",
                "spider": "eastmoney",
                "args": {"columns": [345, 350], "max_pages": 2},
                "settings": {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False},
                "timeout": 60,
            },
            {"name": "archive", "cron": "0 3 * * *", "ingest": ["tests/fixtures", "/srv/inbox"], "timeout": 60},
        ]
    }
    crawl, ingest = parse_schedule(data, Path("schedule.yaml")).jobs
    assert crawl.argv(Path("/tmp/stats.json")) == [
        "crawl", "eastmoney", "-a", "columns=345,350", "-a", "max_pages=2",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "--stats-json", "/tmp/stats.json",
    ]  # fmt: skip
    assert ingest.argv() == ["ingest", "--quiet", str(PROJECT_ROOT / "tests/fixtures"), "/srv/inbox"]
    assert (crawl.kind, ingest.kind) == ("crawl", "ingest")


# --- cron times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("*", "*"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("mon-fri", "mon,tue,wed,thu,fri"),
        ("5-7", "sun,fri,sat"),
        ("sat,sun", "sun,sat"),
        ("*/2", "sun,tue,thu,sat"),
        ("1/3", "sun,mon,thu"),  # 1, 4 and 7
    ],
)
def test_cron_weekdays_keep_their_cron_meaning(field: str, names: str) -> None:
    assert cron_day_of_week(field) == names  # APScheduler 3.x alone would read 0 as Monday


def job(cron: str, timezone: str = "Asia/Shanghai", **extra: object) -> Job:
    return Job(name="j", cron=cron, timeout=60, timezone=timezone, spider="eastmoney", **extra)


@pytest.mark.parametrize(
    ("cron", "now", "expected"),
    [
        (
            "*/10 * * * *",
            datetime(2026, 1, 5, 10, 3, 20, tzinfo=SHANGHAI),
            datetime(2026, 1, 5, 10, 10, tzinfo=SHANGHAI),
        ),
        ("*/10 * * * *", datetime(2026, 1, 5, 2, 3, tzinfo=UTC), datetime(2026, 1, 5, 10, 10, tzinfo=SHANGHAI)),
        ("5 * * * *", datetime(2026, 1, 5, 10, 5, 1, tzinfo=SHANGHAI), datetime(2026, 1, 5, 11, 5, tzinfo=SHANGHAI)),
        ("30 6 * * *", datetime(2026, 1, 5, 7, 0, tzinfo=SHANGHAI), datetime(2026, 1, 6, 6, 30, tzinfo=SHANGHAI)),
        # 06:30 in Beijing is 22:30 UTC the day before.
        ("30 6 * * *", datetime(2026, 1, 5, 22, 0, tzinfo=UTC), datetime(2026, 1, 6, 6, 30, tzinfo=SHANGHAI)),
        # Saturday noon → Monday 09:00 (cron 1-5 is Monday to Friday).
        ("0 9 * * 1-5", datetime(2026, 1, 3, 12, 0, tzinfo=SHANGHAI), datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)),
        ("0 9 * * 0", datetime(2026, 1, 3, 12, 0, tzinfo=SHANGHAI), datetime(2026, 1, 4, 9, 0, tzinfo=SHANGHAI)),
    ],
)
def test_next_run_in_asia_shanghai(cron: str, now: datetime, expected: datetime) -> None:
    next_run = job(cron).next_run(now)
    assert next_run == expected
    assert next_run.utcoffset().total_seconds() == 8 * 3600  # told in the job's own zone
    assert next_run.tzinfo.key == "Asia/Shanghai"


def test_next_run_in_another_zone() -> None:
    next_run = job("0 0 * * *", timezone="UTC").next_run(datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI))
    assert next_run == datetime(2026, 1, 6, 8, 0, tzinfo=SHANGHAI)
    assert next_run.utcoffset().total_seconds() == 0


# --- the lock ------------------------------------------------------------------------------------

HOLDER = """
import os, sys, time
from scheduler.lock import JobLock
JobLock("eastmoney").acquire().note(pid=os.getpid(), started="2026-01-05T10:00:00+08:00")
print("held", flush=True)
time.sleep(120)
"""


def test_second_acquire_fails_while_the_first_is_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path))
    with JobLock("eastmoney"):
        with pytest.raises(JobBusyError, match="job eastmoney is already running"):
            JobLock("eastmoney").acquire()
        JobLock("chinaorg").acquire().release()  # other jobs are not affected
    JobLock("eastmoney").acquire().release()


def test_lock_is_free_again_after_its_holder_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], cwd=PROJECT_ROOT, env={**os.environ}, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(JobBusyError, match=rf"already running \(pid {holder.pid}, started 2026-01-05"):
            JobLock("eastmoney").acquire()
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up runs: the kernel releases the lock
        holder.wait(timeout=10)
    JobLock("eastmoney").acquire().release()
    assert last_started("eastmoney") == datetime(2026, 1, 5, 10, 0, tzinfo=SHANGHAI)


def test_the_job_process_keeps_the_lock_when_the_runner_lets_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path))
    lock = JobLock("eastmoney").acquire()
    child = subprocess.Popen(["sleep", "60"], pass_fds=(lock.fd,))
    lock.release()  # as if the scheduler had died while its job ran on
    try:
        with pytest.raises(JobBusyError):
            JobLock("eastmoney").acquire()
    finally:
        child.kill()
        child.wait(timeout=10)
    JobLock("eastmoney").acquire().release()


# --- coalescing ----------------------------------------------------------------------------------

SCHEDULE = {
    "defaults": {"misfire_grace_time": 300},
    "jobs": [
        {"name": "eastmoney", "cron": "*/10 * * * *", "spider": "eastmoney", "timeout": 540},
        {"name": "feeds", "cron": "30 6 * * *", "spider": "feed", "timeout": 3600, "misfire_grace_time": 21600},
    ],
}


def test_scheduler_coalesces_misfires_and_runs_one_instance_per_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path))
    scheduler = build_scheduler(parse_schedule(SCHEDULE, Path("schedule.yaml")), Stopping())
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"eastmoney", "feeds"}
    assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())
    assert jobs["eastmoney"].misfire_grace_time == 300
    assert jobs["feeds"].misfire_grace_time == 21600
    assert str(jobs["eastmoney"].trigger.timezone) == "Asia/Shanghai"


def test_run_now_adds_one_immediate_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path))
    schedule = parse_schedule(SCHEDULE, Path("schedule.yaml"))
    scheduler = build_scheduler(schedule, Stopping(), run_now=("feeds",))
    assert {job.id for job in scheduler.get_jobs()} == {"eastmoney", "feeds", "feeds:run-now"}
    with pytest.raises(ConfigError, match="no job named 'nope'"):
        build_scheduler(schedule, Stopping(), run_now=("nope",))


def test_runs_missed_during_downtime_coalesce_into_one() -> None:
    every_ten = job("*/10 * * * *", misfire_grace_time=600)
    last = datetime(2026, 1, 5, 9, 0, 30, tzinfo=SHANGHAI)
    now = datetime(2026, 1, 5, 10, 27, tzinfo=SHANGHAI)
    # Due at 09:10 … 10:20 while down: one run, for 10:20 (7 minutes ago, within the 10-minute grace).
    assert missed_run(every_ten, last, now) == datetime(2026, 1, 5, 10, 20, tzinfo=SHANGHAI)
    strict = job("*/10 * * * *", misfire_grace_time=300)
    assert missed_run(strict, last, now) is None  # 10:20 was missed by more than 5 minutes
    assert missed_run(every_ten, datetime(2026, 1, 5, 10, 20, 1, tzinfo=SHANGHAI), now) is None  # it ran
    assert missed_run(every_ten, None, now) is None  # never ran here: a first start runs nothing extra
    daily = job("30 6 * * *", misfire_grace_time=21600)
    yesterday = datetime(2026, 1, 4, 6, 30, 2, tzinfo=SHANGHAI)
    assert missed_run(daily, yesterday, datetime(2026, 1, 5, 9, 0, tzinfo=SHANGHAI)) == datetime(
        2026, 1, 5, 6, 30, tzinfo=SHANGHAI
    )
    assert missed_run(daily, yesterday, datetime(2026, 1, 5, 13, 0, tzinfo=SHANGHAI)) is None


# --- outcomes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exit_code", "interrupted", "outcome"),
    [
        (0, None, "succeeded"),
        (1, None, "failed"),
        (2, None, "failed"),
        (4, None, "succeeded"),  # partial: ran to its end, its counts say how well
        (5, None, "succeeded"),  # blocked, likewise
        (6, None, "succeeded"),  # nothing to do
        (3, None, "failed"),  # already running elsewhere: this run did nothing
        (-9, None, "failed"),  # killed by someone else (the OOM killer, say)
        (0, "timeout", "timeout"),  # stopped by us: what we did decides, not how it ended
        (-9, "timeout", "timeout"),
        (1, "stopped", "stopped"),
        (None, "stopped", "stopped"),
    ],
)
def test_outcome_classification(exit_code: int | None, interrupted: str | None, outcome: str) -> None:
    assert classify(exit_code, interrupted) == outcome


def start(code: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", f"import signal, time\n{code}\nprint('ready', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=interruptible,  # as the scheduler starts its jobs: SIGINT works even if this suite ignores it
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def test_a_run_over_its_timeout_gets_sigint() -> None:
    process = start("")
    began = time.monotonic()
    assert supervise(process, timeout=0.5, stop_grace=10, stopping=Stopping()) == "timeout"
    assert process.returncode == -signal.SIGINT  # ended by the SIGINT, long before the grace ran out
    assert time.monotonic() - began < 5


def test_a_run_that_ignores_sigint_is_killed_after_the_grace_period() -> None:
    process = start("signal.signal(signal.SIGINT, signal.SIG_IGN)")
    began = time.monotonic()
    assert supervise(process, timeout=0.3, stop_grace=0.5, stopping=Stopping()) == "timeout"
    assert process.returncode == -signal.SIGKILL
    assert 0.8 <= time.monotonic() - began < 5


def test_a_stop_request_stops_the_run() -> None:
    process = start("")
    stopping = Stopping()
    stopping.handle(signal.SIGTERM, None)
    assert supervise(process, timeout=60, stop_grace=10, stopping=stopping) == "stopped"
    assert process.returncode == -signal.SIGINT


def test_a_run_that_ends_by_itself_is_not_interrupted() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], start_new_session=True)
    assert supervise(process, timeout=60, stop_grace=10, stopping=Stopping()) is None
    assert classify(process.returncode, None) == "failed"


def test_counts_from_crawl_stats_and_ingest_stats() -> None:
    stats = {
        "downloader/response_count": 27,
        "finnews/articles/new": 4,
        "finnews/articles/unchanged": 20,
        "finnews/articles/skipped_seen": 2,
        "finnews/errors/http_404": 2,
        "finnews/errors/timeout": 1,
        "finnews/failures": ["http_404 https://example.com/a/1.html"],
        "finish_reason": "finished",
    }
    counts = record_counts(stats)
    assert counts["pages"] == 27
    assert counts["articles"] == {
        "new": 4,
        "updated": 0,
        "unchanged": 20,
        "skipped_seen": 2,
        "spooled": 0,
        "dead_letter": 0,
        "duplicates": 0,
    }
    assert counts["errors"] == [{"reason": "http_404", "count": 2}, {"reason": "timeout", "count": 1}]
    assert counts["finish_reason"] == "finished"

    # What `finnews ingest --stats-json` writes (IngestReport.stats): files, not pages.
    report = IngestReport(files=8, articles=7, failures=["archive/broken.html: empty input"])
    report.counts = {"new": 5, "updated": 1, "unchanged": 1, "spooled": 0, "dead_letter": 0, "duplicates": 0}
    counts = record_counts(report.stats())
    assert counts["files"] == 8
    assert "pages" not in counts
    assert counts["articles"] == {**report.counts, "skipped_seen": 0}
    assert counts["errors"] == [{"reason": "input_failed", "count": 1}]
    assert record_counts({})["articles"]["new"] == 0


def test_a_failed_run_is_marked_in_its_line() -> None:
    record = {"job": "eastmoney", "kind": "crawl", "start": "2026-01-05T10:00:01+08:00", "duration_s": 1.25}
    failed = run_line({**record, "outcome": "failed", "exit_code": 2})
    assert "FAILED" in failed and "2026-01-05 10:00:01  eastmoney" in failed and "exit 2" in failed
    assert "TIMEOUT" in run_line({**record, "outcome": "timeout", "exit_code": -2})
    ok = run_line({**record, "outcome": "succeeded", "exit_code": 0, "pages": 9, "articles": {"new": 4}})
    assert "succeeded" in ok and "FAILED" not in ok and "pages 9" in ok and "4 new" in ok
