"""Alerts for real: scheduled runs (`finnews schedule run-once`) recorded in the node, rules from the
test's own configs/alerts.yaml, delivered to a local SMTP server and a local webhook receiver that
the tests start on 127.0.0.1. A crawl whose every request fails is `failed` and mails once, and a
recovery after the next good run; a job with nothing new for longer than its window is `empty`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from finnews.cli import main
from replica.site import ReplicaServer, ReplicaSite
from tests.integration.receivers import SmtpServer, WebhookReceiver, free_port
from tests.integration.test_blocking import job_yaml
from tests.integration.test_schedule_runs import ScheduleEnv, schedule_env_in

TOKEN = "hook-T0KEN-alerts-test"


@pytest.fixture
def env(es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[ScheduleEnv]:
    with schedule_env_in(tmp_path, es_node, capsys) as schedule_env:
        yield schedule_env


def crawl_settings(list_api: str, tmp_path: Path) -> dict:
    return {
        "EASTMONEY_SOURCES": "columns",
        "EASTMONEY_LIST_API": list_api,
        "EASTMONEY_COLUMNS": 345,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_TIMES": 0,
        "FINNEWS_SEEN_DB": str(tmp_path / "seen.sqlite"),
        "BLOCKING_LIST_MEMORY": str(tmp_path / "lists.json"),
    }


def finnews_here(
    env: ScheduleEnv, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str, **extra: str
) -> tuple[int, str]:
    """A light command run in this process (no crawl to isolate): exit status and output."""
    for name, value in {**env.env, **extra}.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_crawl_where_every_request_fails_is_failed_and_mails_once_then_recovers(
    fresh_index: str, env: ScheduleEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/comm/web/getNewsByColumns"  # nothing listens there
    with SmtpServer() as smtp:
        (env.configs / "alerts.yaml").write_text(
            f"""rules:
  - {{name: crawl-failed, when: failed, channels: [mail]}}
channels:
  mail: {{type: smtp, host: 127.0.0.1, port: {smtp.port}, security: none, from: finnews@example.org, to: [ops@example.org]}}
""",
            encoding="utf-8",
        )
        env.write(job_yaml("nightly", "eastmoney", crawl_settings(closed, tmp_path)))
        first = env.finnews("schedule", "run-once", "nightly")
        after_failure = smtp.wait_for(1)

        with ReplicaServer(ReplicaSite()) as server:
            env.write(job_yaml("nightly", "eastmoney", crawl_settings(server.list_api, tmp_path)))
            good = env.finnews("schedule", "run-once", "nightly")
        mails = smtp.wait_for(2)

    assert first.returncode == 1, first.stdout + first.stderr
    assert "nightly  FAILED" in first.stdout
    assert "why: every request failed: connection_refused 1" in first.stdout
    assert good.returncode == 0, good.stdout + good.stderr
    runs = env.runs()
    assert [run["outcome"] for run in runs] == ["failed", "succeeded"]
    assert runs[0]["exit_code"] == 1  # the crawl says not all well; its answers say why
    assert runs[0]["reason"] == "every request failed: connection_refused 1"
    assert runs[0]["errors"] == [{"reason": "connection_refused", "count": 1}]
    assert runs[1]["articles"]["new"] == 4 and runs[1]["reason"] is None

    [alert] = after_failure
    assert "Subject: [finnews] nightly: failed (failed)" in alert
    assert "why: every request failed: connection_refused 1" in alert and runs[0]["run_id"] in alert
    assert len(mails) == 2
    assert "Subject: [finnews] resolved: nightly: failed" in mails[1] and runs[1]["run_id"] in mails[1]

    code, listing = finnews_here(env, monkeypatch, capsys, "runs", "--failed")
    assert code == 1 and "1 failed run(s)" in listing
    assert "why: every request failed: connection_refused 1" in listing


def test_a_job_without_new_articles_beyond_its_window_is_empty_and_alerts(
    fresh_index: str, env: ScheduleEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    (env.configs / "alerts.yaml").write_text(
        """rules:
  - {name: nothing-new, when: empty, channels: [hook]}
channels:
  hook: {type: webhook, format: feishu}
""",
        encoding="utf-8",
    )
    with WebhookReceiver(answer={"code": 0, "msg": "success"}) as hook, ReplicaServer(ReplicaSite()) as server:
        job = job_yaml("quiet", "eastmoney", crawl_settings(server.list_api, tmp_path))
        env.write(job.replace("    timeout: 120\n", '    timeout: 120\n    expect_new_within: "3s"\n'))
        first = env.finnews("schedule", "run-once", "quiet", FINNEWS_ALERT_HOOK_URL=hook.url(TOKEN))
        ended = time.monotonic()
        time.sleep(max(0.0, 3.2 - (time.monotonic() - ended)))
        second = env.finnews("schedule", "run-once", "quiet", FINNEWS_ALERT_HOOK_URL=hook.url(TOKEN))
        messages = list(hook.messages)
        # The channel from the command line: where its secret comes from (never the secret), and a test.
        url = {"FINNEWS_ALERT_HOOK_URL": hook.url(TOKEN)}
        check = finnews_here(env, monkeypatch, capsys, "alerts", "check", **url)
        sent = finnews_here(env, monkeypatch, capsys, "alerts", "test", **url)
        tested = hook.messages[len(messages) :]

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 6  # nothing new for longer than expected, second.stdout + second.stderr
    first_run, second_run = env.runs()
    assert first_run["outcome"] == "succeeded" and first_run["articles"]["new"] == 4
    assert second_run["outcome"] == "empty", second_run
    assert second_run["articles"]["new"] == 0 and second_run["articles"]["skipped_seen"] == 4
    assert second_run["reason"].startswith("no new article for ") and "(expected within 3 s)" in second_run["reason"]
    assert "quiet  EMPTY" in second.stdout and "why: no new article" in second.stdout

    [alert] = messages
    assert alert["msg_type"] == "text" and alert["content"]["text"].startswith("[finnews] quiet: empty (empty)")
    assert second_run["run_id"] in alert["content"]["text"]

    assert check[0] == 0, check[1]
    assert "channel hook [on]: webhook (feishu), url from $FINNEWS_ALERT_HOOK_URL" in check[1]
    assert sent[0] == 0 and "hook: sent" in sent[1], sent[1]
    assert [m["content"]["text"][:23] for m in tested] == ["[finnews] test message:"]
    for output in (first.stdout + first.stderr, second.stdout + second.stderr, check[1], sent[1]):
        assert TOKEN not in output
