"""Scheduled jobs for real: `finnews schedule run-once` and `finnews schedule run` start the real
crawl and ingest commands in their own processes, and the run records are read back from the
real node (each test with its own runs index, deleted afterwards)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from finnews.cli import main
from replica.site import ReplicaServer, ReplicaSite, synthetic_articles
from tests.conftest import PROJECT_ROOT, run_finnews


@dataclass
class ScheduleEnv:
    """A configs folder with the test's own schedule.yaml, a state folder and a runs index."""

    configs: Path
    state: Path
    index: str
    es: Any
    capsys: pytest.CaptureFixture[str]

    @property
    def env(self) -> dict[str, str]:
        return {
            "FINNEWS_CONFIG_DIR": str(self.configs),
            "FINNEWS_STATE_DIR": str(self.state),
            "FINNEWS_RUNS_INDEX": self.index,
        }

    def write(self, jobs: str, defaults: str = "stop_grace: 10") -> None:
        text = f"defaults:\n  {defaults}\njobs:\n{jobs}"
        (self.configs / "schedule.yaml").write_text(text, encoding="utf-8")

    def runs(self) -> list[dict[str, Any]]:
        if not self.es.indices.exists(index=self.index):
            return []
        self.es.indices.refresh(index=self.index)
        hits = self.es.search(index=self.index, size=100, sort=[{"start": "asc"}])["hits"]["hits"]
        return [hit["_source"] for hit in hits]

    def finnews(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return run_finnews(*args, env={**self.env, **env})

    def here(self, *args: str) -> subprocess.CompletedProcess:
        """A command that starts no job (``finnews runs``), run in this process through ``main``."""
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.env.items():
                patch.setenv(name, value)
            code = main(list(args))
        captured = self.capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


@contextmanager
def schedule_env_in(
    tmp_path: Path, es_node: Any, capsys: pytest.CaptureFixture[str], alerts_yaml: str | None = None
) -> Iterator[ScheduleEnv]:
    """A copy of configs/ (with ``alerts_yaml`` as its alerts.yaml), a state folder and a runs index of
    its own, deleted afterwards."""
    configs = tmp_path / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", configs)
    if alerts_yaml is not None:
        (configs / "alerts.yaml").write_text(alerts_yaml, encoding="utf-8")
    index = f"finnews-runs-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        yield ScheduleEnv(configs, tmp_path / "state", index, es_node, capsys)
    finally:
        es_node.indices.delete(index=index, ignore_unavailable=True)  # by exact name: no wildcard deletes


@pytest.fixture
def schedule_env(es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[ScheduleEnv]:
    with schedule_env_in(tmp_path, es_node, capsys) as env:
        yield env


def crawl_job(name: str, server: ReplicaServer, tmp_path: Path, timeout: float = 120, cron: str = "0 * * * *") -> str:
    return f"""  - name: {name}
    cron: "{cron}"
    spider: eastmoney
    settings:
      EASTMONEY_SOURCES: columns
      EASTMONEY_LIST_API: "{server.list_api}"
      EASTMONEY_COLUMNS: 345
      DOWNLOAD_DELAY: 0
      AUTOTHROTTLE_ENABLED: false
      CONCURRENT_REQUESTS: 1
      FINNEWS_SEEN_DB: "{tmp_path / "seen.sqlite"}"
    timeout: {timeout}
"""


def assert_process_gone(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_run_once_of_an_ingest_job_is_recorded_as_succeeded(fresh_index: str, schedule_env: ScheduleEnv) -> None:
    schedule_env.write(
        """  - name: archive
    cron: "0 3 * * *"
    ingest: [tests/fixtures/eastmoney_jekyll_post.md, tests/fixtures/chinaorg_article.txt]
    timeout: 120
"""
    )
    result = schedule_env.finnews("schedule", "run-once", "archive")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "archive  succeeded" in result.stdout and "2 new" in result.stdout
    [run] = schedule_env.runs()
    assert run["job"] == "archive" and run["kind"] == "ingest" and run["trigger"] == "run-once"
    assert run["outcome"] == "succeeded" and run["exit_code"] == 0
    assert run["files"] == 2
    assert run["articles"] == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped_seen": 0,
        "spooled": 0,
        "dead_letter": 0,
        "duplicates": 0,
    }
    assert run["errors"] == []
    assert run["command"].startswith("finnews ingest --quiet ") and "eastmoney_jekyll_post.md" in run["command"]
    assert run["start"].endswith("+08:00") and run["start"] < run["end"] and run["duration_s"] > 0
    assert "Ingested 2 article(s) from 2 file(s)" in run["output_tail"]
    mapping = schedule_env.es.indices.get_mapping(index=schedule_env.index)[schedule_env.index]["mappings"]
    assert mapping["dynamic"] == "strict"


def test_run_once_of_a_crawl_records_pages_and_articles(
    fresh_index: str, schedule_env: ScheduleEnv, tmp_path: Path
) -> None:
    with ReplicaServer(ReplicaSite()) as server:
        schedule_env.write(crawl_job("replica", server, tmp_path))
        result = schedule_env.finnews("schedule", "run-once", "replica")
    assert result.returncode == 0, result.stdout + result.stderr
    [run] = schedule_env.runs()
    assert run["outcome"] == "succeeded" and run["kind"] == "crawl" and run["finish_reason"] == "finished"
    assert run["articles"]["new"] == 4
    assert run["pages"] >= 5  # robots.txt, the list page and four articles
    assert run["errors"] == []
    assert run["command"].startswith("finnews crawl eastmoney -s EASTMONEY_SOURCES=columns -s EASTMONEY_LIST_API=")
    listing = schedule_env.here("runs")
    assert listing.returncode == 0
    assert "replica  succeeded" in listing.stdout and "4 new" in listing.stdout


def test_a_failing_job_is_recorded_as_failed_and_runs_failed_exits_non_zero(schedule_env: ScheduleEnv) -> None:
    schedule_env.write(
        """  - name: broken
    cron: "*/10 * * * *"
    spider: nosuchspider
    timeout: 120
"""
    )
    result = schedule_env.finnews("schedule", "run-once", "broken")
    assert result.returncode == 1
    assert "broken  FAILED" in result.stdout
    assert "unknown spider 'nosuchspider'" in result.stderr  # the end of the job's output
    [run] = schedule_env.runs()
    assert run["outcome"] == "failed" and run["exit_code"] == 2
    assert "unknown spider 'nosuchspider'" in run["output_tail"]

    failed = schedule_env.here("runs", "--failed")
    assert failed.returncode == 1
    assert "1 failed run(s)" in failed.stdout and "broken  FAILED" in failed.stdout
    everything = schedule_env.here("runs")
    assert everything.returncode == 0 and "broken  FAILED" in everything.stdout
    other = schedule_env.here("runs", "--failed", "--job", "eastmoney")
    assert other.returncode == 0 and "0 failed run(s)" in other.stdout


def test_a_job_over_its_timeout_is_stopped_and_recorded_as_timeout(
    fresh_index: str, schedule_env: ScheduleEnv, tmp_path: Path
) -> None:
    site = ReplicaSite(synthetic_articles(40), article_delay=1.0)  # 40 s of crawling
    with ReplicaServer(site) as server:
        # 12 s: long enough for the crawl to be under way on a busy machine, far short of its 40 s.
        schedule_env.write(crawl_job("slow", server, tmp_path, timeout=12), defaults="stop_grace: 5")
        began = time.monotonic()
        result = schedule_env.finnews("schedule", "run-once", "slow")
        took = time.monotonic() - began
    assert result.returncode == 1
    assert "slow  TIMEOUT" in result.stdout
    # Stopped at its timeout (plus the grace), far short of the 40 s the crawl needs: a bound with room
    # for a loaded machine, not a measure of speed.
    assert took < 35
    [run] = schedule_env.runs()
    assert run["outcome"] == "timeout"
    assert 12 <= run["duration_s"] < 35
    # Stopped mid-crawl: articles were being fetched, Scrapy shut down cleanly and wrote its stats.
    assert 1 <= site.article_requests() < 40
    assert run["finish_reason"] == "shutdown" and run["pages"] >= 1
    lock = (schedule_env.state / "locks" / "slow.lock").read_text(encoding="utf-8")
    assert_process_gone(int(lock.split('"pid": ')[1].split(",")[0]))


def test_scheduler_stops_cleanly_on_sigterm_and_records_the_run_as_stopped(
    fresh_index: str, schedule_env: ScheduleEnv, tmp_path: Path
) -> None:
    site = ReplicaSite(synthetic_articles(40), article_delay=1.0)
    log = tmp_path / "scheduler.log"
    with ReplicaServer(site) as server:
        schedule_env.write(crawl_job("every_minute", server, tmp_path, timeout=600, cron="* * * * *"))
        with log.open("w") as output:
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "finnews", "schedule", "run", "--run-now", "every_minute"],
                cwd=PROJECT_ROOT,
                env={**os.environ, **schedule_env.env},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while site.article_requests() < 1:  # the job's crawl is under way
                assert scheduler.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            scheduler.send_signal(signal.SIGTERM)
            began = time.monotonic()
            assert scheduler.wait(timeout=15) == 0, log.read_text()
            took = time.monotonic() - began
        finally:
            if scheduler.poll() is None:
                scheduler.kill()
                scheduler.wait()
    assert took < 30, log.read_text()  # at once, not after the 40 s crawl (room for a loaded machine)
    text = log.read_text()
    assert "Traceback" not in text and "scheduler stopped" in text
    [run] = schedule_env.runs()
    assert run["job"] == "every_minute" and run["outcome"] == "stopped", text
    assert run["trigger"] in ("run-now", "schedule")  # the cron run may win the lock at a minute's turn
    assert run["finish_reason"] == "shutdown"  # Scrapy got SIGINT and closed the spider itself
    assert run["pages"] >= 1
    listing = schedule_env.here("runs", "--failed")
    assert listing.returncode == 0 and "0 failed run(s)" in listing.stdout  # stopped is not a failure


def test_run_records_wait_on_disk_while_elasticsearch_is_down(schedule_env: ScheduleEnv) -> None:
    schedule_env.write(
        """  - name: broken
    cron: "*/10 * * * *"
    spider: nosuchspider
    timeout: 120
"""
    )
    down = schedule_env.finnews("schedule", "run-once", "broken", FINNEWS_ES_URL="http://127.0.0.1:9")
    assert down.returncode == 1
    assert "run record kept in" in down.stdout and "Traceback" not in down.stderr
    pending = list((schedule_env.state / "runs-pending").glob("*.jsonl"))
    assert len(pending) == 1
    assert schedule_env.runs() == []

    up = schedule_env.finnews("schedule", "run-once", "broken")
    assert up.returncode == 1 and "run record kept" not in up.stdout
    runs = schedule_env.runs()
    assert [r["job"] for r in runs] == ["broken", "broken"]
    assert runs[0]["run_id"] == pending[0].stem  # the one written while Elasticsearch was down
    assert list((schedule_env.state / "runs-pending").glob("*")) == []
