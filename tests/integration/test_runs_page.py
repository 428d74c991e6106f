"""The runs view and its JSON twins, served by the real `finnews serve` in a subprocess: /runs,
/runs/{id}, /jobs, /health and /metrics (parsed with prometheus-client's own parser), and the page in
headless Chromium (Playwright, Debian's browser) showing a failed job's reason and log tail, the
chart of articles per run, and untrusted text kept as text. Screenshots of both views go to the
test's tmp folder.

The failed run is real (`finnews schedule run-once` of a job whose spider does not exist); the
history of the other jobs is written as run records, as the scheduler writes them."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext
from prometheus_client.parser import text_string_to_metric_families

from core.dates import SHANGHAI
from core.settings import reload as reload_settings
from store.runs import RunRecord, record_run
from tests.conftest import PROJECT_ROOT, run_finnews
from tests.integration.served import finnews_serve, watched_page

API_KEY = "runs-page-key"
EVIL = '<img src=x onerror="alert(1)">'
SCHEDULE = """defaults:
  stop_grace: 5
jobs:
  - name: eastmoney
    cron: "0 0 1 1 *"
    spider: eastmoney
    timeout: 540
    expect_new_within: 6h
  - name: broken
    cron: "0 0 1 1 *"
    spider: nosuchspider
    timeout: 60
  - name: stale
    cron: "*/5 * * * *"
    spider: chinaorg
    timeout: 60
    misfire_grace_time: 60
"""


@dataclass
class Served:
    url: str
    env: dict[str, str]
    state: Path
    failed_run: dict[str, Any]
    history: list[dict[str, Any]]


def history_records(now: datetime) -> list[dict[str, Any]]:
    """Six eastmoney runs (newest last): succeeded ones with new and updated articles, one blocked
    with a reason carrying markup that must stay text; one stale run two hours ago."""
    records = []
    for number, (outcome, new, updated) in enumerate(
        [
            ("succeeded", 14, 2),
            ("succeeded", 9, 0),
            ("blocked", 0, 0),
            ("succeeded", 21, 5),
            ("partial", 6, 1),
            ("succeeded", 3, 0),
        ]
    ):
        start = now - timedelta(minutes=10 * (6 - number))
        blocked = outcome in ("blocked", "partial")
        records.append(
            RunRecord(
                run_id=f"eastmoney-{start:%Y%m%dT%H%M%S}-{number:06d}",
                job="eastmoney",
                kind="crawl",
                trigger="schedule",
                command="finnews crawl eastmoney -a max_pages=3",
                start=start,
                end=start + timedelta(seconds=42),
                outcome=outcome,
                reason=f"stopped columns:345: 3 blocked answers in a row ({EVIL})" if blocked else None,
                stopped_sources=[f"columns:345: 3 blocked answers in a row ({EVIL})"] if blocked else [],
                exit_code=0,
                pages=30,
                requests=31,
                articles={"new": new, "updated": updated, "unchanged": 4},
                errors=[{"reason": "blocked/captcha", "count": 3}] if blocked else [{"reason": "http_404", "count": 1}],
                output_tail=f"pages: 30 fetched\n{EVIL}\nfinished: finished",
            ).document()
        )
    stale_start = now - timedelta(hours=2)
    records.append(
        RunRecord(
            run_id=f"stale-{stale_start:%Y%m%dT%H%M%S}-000000",
            job="stale",
            kind="crawl",
            trigger="schedule",
            command="finnews crawl chinaorg",
            start=stale_start,
            end=stale_start + timedelta(seconds=5),
            outcome="succeeded",
            exit_code=0,
            articles={"new": 2},
        ).document()
    )
    return records


@pytest.fixture(scope="module")
def served(es_node, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("runs-page")
    configs, state = root / "configs", root / "state"
    shutil.copytree(PROJECT_ROOT / "configs", configs)
    (configs / "schedule.yaml").write_text(SCHEDULE, encoding="utf-8")
    (configs / "alerts.yaml").write_text("", encoding="utf-8")  # no alerts here
    index = f"finnews-runs-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = {"FINNEWS_CONFIG_DIR": str(configs), "FINNEWS_STATE_DIR": str(state), "FINNEWS_RUNS_INDEX": index}
    failed = run_finnews("schedule", "run-once", "broken", env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr

    with pytest.MonkeyPatch.context() as patch:  # the environment for these calls only
        for name, value in env.items():
            patch.setenv(name, value)
        history = history_records(datetime.now(SHANGHAI))
        for document in history:
            assert record_run(document) is None
        from store.client import connect
        from store.runs import get_run, list_runs

        [failed_run] = list_runs(connect(), job="broken")
        failed_run = get_run(connect(), failed_run["run_id"])

    try:
        with finnews_serve({**env, "FINNEWS_API_KEY": API_KEY}, ready_path="/status") as url:
            yield Served(url, env, state, failed_run, history)
    finally:
        es_node.indices.delete(index=index, ignore_unavailable=True)


def get(served: Served, path: str, key: str | None = API_KEY) -> tuple[int, str, bytes]:
    request = urllib.request.Request(f"{served.url}{path}", headers={"X-API-Key": key} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def get_json(served: Served, path: str) -> tuple[int, Any]:
    status, _, body = get(served, path)
    return status, json.loads(body)


# --- the JSON twins ------------------------------------------------------------------------------------


def test_runs_and_one_run(served: Served) -> None:
    status, body = get_json(served, "/runs?limit=100")
    assert status == 200
    runs = body["runs"]
    assert [r["job"] for r in runs] == ["broken"] + ["eastmoney"] * 6 + ["stale"]  # newest first
    assert all("output_tail" not in r or r["output_tail"] is None for r in runs)  # the list leaves the output out
    status, body = get_json(served, "/runs?job=eastmoney&status=blocked")
    assert [r["outcome"] for r in body["runs"]] == ["blocked"]
    assert get(served, "/runs?status=nonsense")[0] == 400
    assert get(served, "/runs", key=None)[0] == 401

    status, run = get_json(served, f"/runs/{served.failed_run['run_id']}")
    assert status == 200 and run["outcome"] == "failed" and run["job"] == "broken"
    assert run["reason"].startswith("exit 2: finnews crawl: unknown spider 'nosuchspider'")
    assert "unknown spider 'nosuchspider'" in run["output_tail"]
    assert get(served, "/runs/no-such-run")[0] == 404


def test_jobs_with_schedule_history_errors_and_overdue(served: Served) -> None:
    status, body = get_json(served, "/jobs")
    assert status == 200
    jobs = {job["name"]: job for job in body["jobs"]}
    assert list(jobs) == ["eastmoney", "broken", "stale"] and body["unscheduled"] == []
    eastmoney = jobs["eastmoney"]
    assert eastmoney["cron"] == "0 0 1 1 *" and eastmoney["expect_new_within"] == 6 * 3600
    assert [(p["outcome"], p["new"], p["updated"]) for p in eastmoney["history"]] == [
        ("succeeded", 14, 2), ("succeeded", 9, 0), ("blocked", 0, 0), ("succeeded", 21, 5), ("partial", 6, 1), ("succeeded", 3, 0)
    ]  # fmt: skip
    assert eastmoney["errors"] == [{"reason": "blocked/captcha", "count": 6}, {"reason": "http_404", "count": 4}]
    assert eastmoney["last_run"]["outcome"] == "succeeded" and eastmoney["overdue"] is False
    assert jobs["broken"]["last_run"]["outcome"] == "failed" and "nosuchspider" in jobs["broken"]["last_run"]["reason"]
    assert jobs["stale"]["overdue"] is True and jobs["stale"]["due_since"]  # every 5 minutes; last run 2 h ago


def test_health_says_what_is_wrong(served: Served) -> None:
    status, body = get_json(served, "/health")
    assert status == 503 and body["status"] == "degraded"  # the stale job is overdue, the broken one failed
    assert body["elasticsearch"] == {"reachable": True, "status": body["elasticsearch"]["status"], "error": None}
    assert [p.split(":")[0] for p in body["problems"]] == ["job broken", "job stale"]
    assert "ended failed" in body["problems"][0]  # issue 23, item 10: /health said ok while jobs failed
    assert {j["name"]: j["overdue"] for j in body["jobs"]} == {"eastmoney": False, "broken": False, "stale": True}
    assert body["spool"] == {"files": 0, "articles": 0, "dead_letter_files": 0}
    spool = served.state / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    (spool / "run-1.jsonl").write_text('{"reason": "es down"}\n{"reason": "es down"}\n', encoding="utf-8")
    try:
        status, body = get_json(served, "/health")
        assert body["spool"] == {"files": 1, "articles": 2, "dead_letter_files": 0}
        assert any(p.startswith("spool: 2 article(s) in 1 file(s)") for p in body["problems"])
    finally:
        shutil.rmtree(spool)


def test_metrics_parse_with_prometheus_clients_own_parser(served: Served) -> None:
    status, content_type, body = get(served, "/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode("utf-8"))
        for sample in family.samples
    }
    assert samples[("finnews_elasticsearch_up", ())] == 1
    assert samples[("finnews_runs_total", (("job", "eastmoney"), ("status", "succeeded")))] == 4
    assert samples[("finnews_runs_total", (("job", "eastmoney"), ("status", "blocked")))] == 1
    assert samples[("finnews_runs_total", (("job", "broken"), ("status", "failed")))] == 1
    assert samples[("finnews_run_articles_total", (("job", "eastmoney"), ("outcome", "new")))] == 14 + 9 + 21 + 6 + 3
    assert samples[("finnews_run_articles_total", (("job", "eastmoney"), ("outcome", "updated")))] == 8
    last_success = samples[("finnews_job_last_success_timestamp_seconds", (("job", "eastmoney"),))]
    assert last_success == pytest.approx(datetime.fromisoformat(served.history[5]["end"]).timestamp(), abs=0.01)
    assert ("finnews_job_last_success_timestamp_seconds", (("job", "broken"),)) not in samples  # never succeeded
    assert samples[("finnews_job_overdue", (("job", "stale"),))] == 1
    assert samples[("finnews_job_overdue", (("job", "eastmoney"),))] == 0
    assert samples[("finnews_spool_files", ())] == 0 and samples[("finnews_spool_articles", ())] == 0


# --- the page in Chromium -----------------------------------------------------------------------------


def test_the_runs_view_shows_a_failed_jobs_reason_and_log_tail(
    fresh_index: str, served: Served, browser: BrowserContext, tmp_path: Path
) -> None:
    watched = watched_page(browser)
    page, dialogs, errors = watched.page, watched.dialogs, watched.errors

    # The search view first (with the key in the address), then over to the runs view by its link.
    page.goto(f"{served.url}/?key={API_KEY}")
    page.wait_for_function("() => document.body.dataset.ready")
    page.screenshot(path=str(tmp_path / "search-view.png"), full_page=True)
    # The click starts a navigation; between the old document and the new one's <body> there is a moment
    # with no body at all, so wait for the new page's load first and guard the body anyway.
    with page.expect_navigation(url=f"{served.url}/status"):
        page.click("nav.views a[href='/status']")
    page.wait_for_function("() => document.body !== null && document.body.dataset.ready === 'true'")
    assert page.url == f"{served.url}/status"

    # The failed job: its status, its reason and the tail of its log.
    broken = page.locator(".job[data-job='broken']")
    assert broken.locator(".badge.status-failed").text_content() == "failed"
    assert "unknown spider 'nosuchspider'" in (broken.locator(".reason").text_content() or "")
    broken.locator("pre.log-tail[data-loaded='true']").wait_for()
    assert "unknown spider 'nosuchspider'" in (broken.locator("pre.log-tail").text_content() or "")

    # The healthy job: its schedule, a bar per recent run, errors by reason; the overdue one says so.
    eastmoney = page.locator(".job[data-job='eastmoney']")
    assert eastmoney.locator(".badge.status-succeeded").count() == 1
    assert eastmoney.locator("svg.run-chart").get_attribute("data-runs") == "6"
    assert eastmoney.locator("svg.run-chart g.bar").count() == 6
    assert eastmoney.locator("svg.run-chart g.status-blocked").count() == 1
    assert "blocked/captcha ×6" in (eastmoney.locator(".facts").text_content() or "")
    assert "逾期" in (page.locator(".job[data-job='stale'] .badge.overdue").text_content() or "")

    # The runs table; a click opens one run with its log tail. Markup from a crawl stays text.
    rows = page.locator("#run-table tbody tr.run")
    assert rows.count() == 8
    blocked_row = page.locator("#run-table tr.run.status-blocked")
    assert EVIL in (blocked_row.locator("td.reason").text_content() or "")
    page.screenshot(path=str(tmp_path / "runs-view.png"), full_page=True)
    page.locator(f"#run-table tr[data-run='{served.failed_run['run_id']}']").click()
    detail = page.locator("#run-detail")
    detail.wait_for(state="visible")
    assert "unknown spider 'nosuchspider'" in (detail.locator("pre.log-tail").text_content() or "")
    assert f"run={served.failed_run['run_id']}" in page.url
    blocked_row.click()
    page.wait_for_function("() => (document.querySelector('#run-detail').dataset.run || '').includes('eastmoney')")
    assert EVIL in (detail.locator("pre.log-tail").text_content() or "")
    page.screenshot(path=str(tmp_path / "run-detail.png"), full_page=True)
    assert page.locator("img").count() == 0 and dialogs == []

    # Filters ask the JSON twin again.
    page.select_option("#filter-status", "failed")
    page.wait_for_function("() => document.querySelectorAll('#run-table tbody tr.run').length === 1")
    assert page.locator("#run-table tbody tr.run td").nth(1).text_content() == "broken"

    assert errors == [], errors
    assert watched.requests_outside(served.url) == []
    for name in ("search-view.png", "runs-view.png", "run-detail.png"):
        assert (tmp_path / name).stat().st_size > 10_000


def test_with_elasticsearch_down_health_says_so_and_metrics_still_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    monkeypatch.setenv("FINNEWS_ES_URL", "http://127.0.0.1:9")  # nothing listens there
    reload_settings()
    try:
        client = TestClient(create_app())
        health = client.get("/health")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "degraded" and body["elasticsearch"]["reachable"] is False
        assert body["problems"][0].startswith("elasticsearch: ")
        assert all(job["overdue"] is None for job in body["jobs"])  # unknown, not "overdue"
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        families = {f.name: f for f in text_string_to_metric_families(metrics.text)}
        assert families["finnews_elasticsearch_up"].samples[0].value == 0
        assert "finnews_runs" not in families
        runs = client.get("/runs")
        assert runs.status_code == 503 and "not reachable" in runs.json()["error"]
    finally:
        monkeypatch.undo()
        reload_settings()
