"""Alerts without Elasticsearch: configs/alerts.yaml validation, which rules a run trips, one alert
per incident and a recovery, the webhook bodies for Slack, Feishu, DingTalk and WeCom, delivery to
a local webhook receiver and a local SMTP server, and secrets that are never printed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.channels import (
    DeliveryError,
    answer_error,
    deliver,
    load_secrets,
    secret,
    webhook_body,
)
from alerts.config import Channel, load_alerts, parse_alerts
from alerts.rules import WHEN, Finding, Rule, evaluate, step
from alerts.service import notify_run
from core.config import ConfigError
from tests.integration.receivers import SmtpServer, WebhookReceiver

PATH = Path("alerts.yaml")
TOKEN = "s3cret-T0KEN-abc"


def config(text: str) -> Any:
    return parse_alerts(yaml.safe_load(text), PATH)


def record(outcome: str = "succeeded", job: str = "eastmoney", **extra: Any) -> dict[str, Any]:
    return {
        "run_id": f"{job}-20261103T100000-abcdef",
        "job": job,
        "host": "crawler-1",
        "start": "2026-11-03T10:00:00+08:00",
        "outcome": outcome,
        "reason": None if outcome == "succeeded" else f"why {outcome}",
        "articles": {"new": 3, "updated": 0},
        "errors": [],
        "stopped_sources": [],
        "requests": 10,
        **extra,
    }


# --- the file ------------------------------------------------------------------------------------------


def test_the_shipped_file_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINNEWS_CONFIG_DIR", raising=False)
    shipped = load_alerts()
    assert shipped is not None
    assert {rule.when for rule in shipped.rules} == set(WHEN)  # every kind of rule ships
    assert {c.type for c in shipped.channels.values()} == {"webhook", "smtp"}
    assert not any(c.enabled for c in shipped.channels.values())  # silent until someone sets a secret


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rulez: []", "alerts.yaml: unknown key(s) rulez (did you mean 'rules'?)"),
        (
            "rules: [{name: a, when: failed, channels: [x], treshold: 1}]\nchannels: {x: {type: webhook}}",
            "alerts.yaml: rules[0]: unknown key(s) treshold (did you mean 'threshold'?)",
        ),
        (
            "rules: [{name: a, when: broken, channels: [x]}]\nchannels: {x: {type: webhook}}",
            "rules[0].when: expected one of",
        ),
        ("rules: [{name: a, when: failed, channels: [y]}]\nchannels: {x: {type: webhook}}", "no channel named 'y'"),
        (
            "rules: [{name: a, when: failed, channels: [x], threshold: 0.5}]\nchannels: {x: {type: webhook}}",
            "only an error_rate rule",
        ),
        (
            "rules: [{name: a, when: error_rate, channels: [x], threshold: 5}]\nchannels: {x: {type: webhook}}",
            "between 0 and 1",
        ),
        (
            "channels: {x: {type: webhook, url: 'https://hooks.example/T0K'}}",
            "channels.x.url: secrets do not belong in this file",
        ),
        ("channels: {x: {type: pager}}", "channels.x.type: expected webhook or smtp"),
        ("channels: {x: {type: webhook, format: teams}}", "channels.x.format: expected one of generic, slack"),
        ("channels: {x: {type: webhook, body: {text: '{txt}'}}}", "unknown placeholder(s) txt"),
        ("channels: {x: {type: webhook, format: slack, body: {text: '{text}'}}}", "give format or body, not both"),
        ("channels: {x: {type: smtp, host: h, from: a@b, to: nobody}}", "channels.x.to: expected a list of addresses"),
        ("channels: {x: {type: smtp, host: h, from: a@b, to: [c@d], securty: ssl}}", "did you mean 'security'?"),
        (
            "rules: [{name: a, when: failed, channels: [x]}, {name: a, when: empty, channels: [x]}]\nchannels: {x: {type: webhook}}",
            "duplicate rule name 'a'",
        ),
    ],
)
def test_mistakes_are_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        config(text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_valid_file() -> None:
    parsed = config(
        """rules:
  - {name: crawl-failed, when: failed, jobs: [eastmoney], channels: [chat]}
  - {name: errors, when: error_rate, threshold: 0.25, min_requests: 5, channels: [chat, mail]}
channels:
  chat: {type: webhook, body: {msg_type: text, content: {text: "{title}: {reason}"}}}
  mail: {type: smtp, host: 127.0.0.1, security: none, from: f@x.org, to: [a@x.org, b@x.org], enabled: false}
"""
    )
    assert [r.name for r in parsed.rules] == ["crawl-failed", "errors"]
    assert parsed.rules[0].jobs == ("eastmoney",) and parsed.rules[1].threshold == 0.25
    assert parsed.channels["mail"].port == 25 and parsed.channels["mail"].recipients == ("a@x.org", "b@x.org")
    assert not parsed.channels["mail"].enabled
    assert parse_alerts(None, PATH).rules == ()


# --- rules and incidents -------------------------------------------------------------------------------

RULES = (
    Rule("failed", "failed", ("chat",)),
    Rule("blocked", "blocked", ("chat", "mail")),
    Rule("empty", "empty", ("chat",), jobs=("feeds",)),
    Rule("errors", "error_rate", ("chat",), threshold=0.2, min_requests=10),
    Rule("spool", "spool_not_empty", ("chat",)),
)


def tripped(run: dict[str, Any], spool: int = 0) -> dict[str, str]:
    return {f.key: f.why for f in evaluate(RULES, run, spool) if f.tripped}


def test_which_rules_a_run_trips() -> None:
    assert tripped(record()) == {}
    assert tripped(record("failed")) == {"failed:eastmoney": "why failed"}
    assert tripped(record("timeout")) == {"failed:eastmoney": "why timeout"}
    assert tripped(record("blocked")) == {"blocked:eastmoney": "why blocked"}
    assert tripped(record("partial")) == {}  # a list failing, no source stopped as blocked
    assert tripped(record("partial", stopped_sources=["pages:cywjh: …"])) == {"blocked:eastmoney": "why partial"}
    assert tripped(record("empty")) == {}  # the empty rule is for the feeds job only
    assert tripped(record("empty", job="feeds")) == {"empty:feeds": "why empty"}
    errors = [{"reason": "http_404", "count": 2}, {"reason": "timeout", "count": 1}]
    assert tripped(record(errors=errors, requests=10)) == {"errors:eastmoney": "3 errors in 10 requests (30% > 20%)"}
    assert tripped(record(errors=errors, requests=9)) == {}  # too few requests to say
    assert tripped(record(), spool=2) == {"spool": "2 spool file(s) still waiting after the run's replay"}


def test_one_alert_per_incident_then_one_recovery() -> None:
    incidents: dict = {}
    failing = evaluate(RULES, record("failed"))
    notices, incidents = step(incidents, failing, record("failed"), "2026-11-03T10:00:00+08:00")
    assert [(n.kind, n.key, n.channels) for n in notices] == [("alert", "failed:eastmoney", ("chat",))]
    assert notices[0].title == "[finnews] eastmoney: failed (failed)" and "why: why failed" in notices[0].text
    incidents["failed:eastmoney"]["delivered"].append("chat")
    again, incidents = step(incidents, failing, record("failed"), "2026-11-03T10:10:00+08:00")
    assert again == []  # still failing: no second alert
    other_job, incidents = step(incidents, evaluate(RULES, record(job="chinaorg")), record(job="chinaorg"), "t")
    assert other_job == []  # another job's good run does not clear this job's incident
    recovered, incidents = step(incidents, evaluate(RULES, record()), record(), "2026-11-03T10:20:00+08:00")
    assert [(n.kind, n.key, n.channels) for n in recovered] == [("recovery", "failed:eastmoney", ("chat",))]
    assert "resolved" in recovered[0].title and "opened 2026-11-03T10:00:00" in recovered[0].text
    assert incidents == {}
    quiet, _ = step(incidents, evaluate(RULES, record()), record(), "t")
    assert quiet == []


def test_an_alert_that_did_not_arrive_is_sent_again_and_only_where_it_is_missing() -> None:
    run = record("blocked")
    notices, incidents = step({}, evaluate(RULES, run), run, "t0")
    assert notices[0].channels == ("chat", "mail")
    incidents["blocked:eastmoney"]["delivered"] = ["chat"]  # mail was down
    notices, incidents = step(incidents, evaluate(RULES, run), run, "t1")
    assert [n.channels for n in notices] == [("mail",)]
    # A recovery goes only to channels that heard the alert.
    incidents["blocked:eastmoney"]["delivered"] = ["chat"]
    notices, _ = step(incidents, [Finding(RULES[1], "blocked:eastmoney", False)], record(), "t2")
    assert [n.channels for n in notices] == [("chat",)]


# --- webhook bodies and answers -------------------------------------------------------------------------


def a_notice() -> Any:
    notices, _ = step({}, evaluate(RULES, record("blocked")), record("blocked"), "t")
    return notices[0]


@pytest.mark.parametrize(
    ("fmt", "shape"),
    [
        ("slack", lambda text: {"text": text}),
        ("feishu", lambda text: {"msg_type": "text", "content": {"text": text}}),
        ("dingtalk", lambda text: {"msgtype": "text", "text": {"content": text}}),
        ("wecom", lambda text: {"msgtype": "text", "text": {"content": text}}),
    ],
)
def test_bodies_for_the_chat_services(fmt: str, shape: Any) -> None:
    notice = a_notice()
    body = json.loads(webhook_body(Channel("c", "webhook", format=fmt), notice, "2026-11-03T10:00:00+08:00"))
    assert body == shape(notice.text)
    assert "eastmoney" in notice.text and "why blocked" in notice.text


def test_a_body_template_and_the_generic_body() -> None:
    notice = a_notice()
    template = {"msg": ["{title}", {"why": "{reason} {{literal}}"}], "n": 1}
    body = json.loads(webhook_body(Channel("c", "webhook", body=template), notice, "now"))
    assert body == {"msg": [notice.title, {"why": "why blocked {literal}"}], "n": 1}
    generic = json.loads(webhook_body(Channel("c", "webhook"), notice, "now"))
    assert generic["event"] == "alert" and generic["job"] == "eastmoney" and generic["status"] == "blocked"
    assert generic["rule"] == "blocked" and generic["run_id"] == "eastmoney-20261103T100000-abcdef"


def test_chat_services_refuse_with_a_code_in_a_200() -> None:
    assert answer_error(200, b'{"errcode": 0, "errmsg": "ok"}') is None
    assert answer_error(200, b"ok") is None  # Slack
    assert answer_error(200, b'{"code": 0, "msg": "success"}') is None  # Feishu
    assert answer_error(200, b'{"errcode": 310000, "errmsg": "keywords not in content"}') == (
        "errcode 310000 keywords not in content"
    )
    assert answer_error(200, b'{"code": 19021, "msg": "sign match fail"}') == "code 19021 sign match fail"
    assert answer_error(404, b"") == "HTTP 404"


# --- secrets ------------------------------------------------------------------------------------------


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("FINNEWS_ALERT_CREDENTIALS", raising=False)
    for name in [n for n in os.environ if n.startswith("FINNEWS_ALERT_")]:
        monkeypatch.delenv(name)
    return tmp_path / "state"


def test_secrets_from_the_environment_or_a_file_only_its_owner_reads(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = state / "alert-credentials.yaml"
    state.mkdir(parents=True)
    path.write_text(f"ops-chat: {{url: 'https://hooks.example/{TOKEN}'}}\nmail: {{password: pw}}\n")
    path.chmod(0o644)
    with pytest.raises(ConfigError) as error:
        load_secrets()
    assert "chmod 600" in str(error.value) and TOKEN not in str(error.value)
    path.chmod(0o600)
    secrets = load_secrets()
    assert secret("ops-chat", "url", secrets) == f"https://hooks.example/{TOKEN}"
    monkeypatch.setenv("FINNEWS_ALERT_OPS_CHAT_URL", "https://env.example/hook")
    assert secret("ops-chat", "url", secrets) == "https://env.example/hook"  # the environment first
    assert secret("mail", "password", secrets) == "pw" and secret("mail", "url", secrets) is None
    path.write_text(f"ops-chat: {{url: 'https://hooks.example/{TOKEN}', tokn: x}}\n")
    with pytest.raises(ConfigError) as error:
        load_secrets()
    assert TOKEN not in str(error.value)
    path.write_text(f"ops-chat: {{url: 'https://hooks.example/{TOKEN}'\n")  # broken YAML
    with pytest.raises(ConfigError) as error:
        load_secrets()
    assert TOKEN not in str(error.value)


def test_a_failed_delivery_never_shows_the_url(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    channel = Channel("hook", "webhook", timeout=2)
    with pytest.raises(DeliveryError, match="no webhook URL \\(set FINNEWS_ALERT_HOOK_URL"):
        deliver(channel, a_notice(), {}, "now")
    monkeypatch.setenv("FINNEWS_ALERT_HOOK_URL", f"http://127.0.0.1:9/hook/{TOKEN}")  # nothing listens
    with pytest.raises(DeliveryError) as error:
        deliver(channel, a_notice(), {}, "now")
    assert "could not be reached" in str(error.value) and TOKEN not in str(error.value)
    with WebhookReceiver(status=403, answer={"error": TOKEN}) as receiver:
        monkeypatch.setenv("FINNEWS_ALERT_HOOK_URL", receiver.url(TOKEN))
        with pytest.raises(DeliveryError) as error:
            deliver(channel, a_notice(), {}, "now")
    assert "HTTP 403" in str(error.value) and TOKEN not in str(error.value)


# --- a run, end to end (no Elasticsearch needed) -----------------------------------------------------


def test_runs_alert_once_and_recover_through_a_refusing_then_working_hook(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = config(
        """rules:
  - {name: failed, when: failed, channels: [hook]}
channels:
  hook: {type: webhook, format: dingtalk}
"""
    )
    with WebhookReceiver(answer={"errcode": 310000, "errmsg": "keywords not in content"}) as receiver:
        monkeypatch.setenv("FINNEWS_ALERT_HOOK_URL", receiver.url(TOKEN))
        [refused] = notify_run(record("failed"), settings)
        assert refused.error == "channel hook: the webhook refused the message (errcode 310000 keywords not in content)"
        receiver.answer = {"errcode": 0, "errmsg": "ok"}
        [sent] = notify_run(record("failed"), settings)  # not delivered before: tried again
        assert sent.error is None and sent.notice.kind == "alert"
        assert notify_run(record("failed"), settings) == []  # delivered: no flood
        [recovery] = notify_run(record(), settings)
        assert recovery.notice.kind == "recovery" and recovery.error is None
        assert notify_run(record(), settings) == []
        texts = [m["text"]["content"] for m in receiver.messages]
    assert len(texts) == 3 and texts[0] == texts[1]  # the refused one, then the same alert
    assert texts[0].startswith("[finnews] eastmoney: failed (failed)\nwhy: why failed")
    assert texts[2].startswith("[finnews] resolved: eastmoney: failed")
    assert json.loads((state / "alerts" / "incidents.json").read_text()) == {}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a local test server
def test_email_through_a_local_smtp_server_with_a_login(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SmtpServer(login=("finnews", "mail-pass-123")) as server:
        settings = config(
            f"""rules:
  - {{name: blocked, when: blocked, channels: [mail]}}
channels:
  mail: {{type: smtp, host: 127.0.0.1, port: {server.port}, security: none, from: finnews@example.org,
          to: [ops@example.org], username: finnews, timeout: 5}}
"""
        )
        monkeypatch.setenv("FINNEWS_ALERT_MAIL_PASSWORD", "wrong-pass")
        [refused] = notify_run(record("blocked"), settings)
        assert refused.error == "channel mail: the SMTP server refused the login"
        assert "wrong-pass" not in refused.error
        monkeypatch.setenv("FINNEWS_ALERT_MAIL_PASSWORD", "mail-pass-123")
        [sent] = notify_run(record("blocked"), settings)
        [recovered] = notify_run(record(), settings)
        assert sent.error is None and recovered.error is None
        mails = server.wait_for(2)
    assert len(mails) == 2
    assert "Subject: [finnews] eastmoney: blocked (blocked)" in mails[0] and "why: why blocked" in mails[0]
    assert "To: ops@example.org" in mails[0] and "From: finnews@example.org" in mails[0]
    assert "Subject: [finnews] resolved: eastmoney: blocked" in mails[1]


def test_switched_off_channels_are_left_out(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = config(
        """rules:
  - {name: failed, when: failed, channels: [chat, mail]}
  - {name: quiet, when: empty, channels: [mail]}
channels:
  chat: {type: webhook, format: wecom}
  mail: {type: smtp, host: 127.0.0.1, port: 9, from: f@x.org, to: [o@x.org], enabled: false}
"""
    )
    with WebhookReceiver() as receiver:
        monkeypatch.setenv("FINNEWS_ALERT_CHAT_URL", receiver.url())
        assert notify_run(record("empty"), settings) == []  # its rule's only channel is off: no incident
        [sent] = notify_run(record("failed"), settings)  # the mail channel is off: not tried, not an error
        assert (sent.channel, sent.error) == ("chat", None)
        assert [m["msgtype"] for m in receiver.messages] == ["text"]
    incidents = json.loads((state / "alerts" / "incidents.json").read_text())
    assert list(incidents) == ["failed:eastmoney"] and incidents["failed:eastmoney"]["delivered"] == ["chat"]


def test_the_spool_rule_is_about_the_installation_not_a_job(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool = state / "spool-root"
    monkeypatch.setenv("FINNEWS_SPOOL_DIR", str(spool))
    settings = config(
        "rules: [{name: spool, when: spool_not_empty, channels: [hook]}]\nchannels: {hook: {type: webhook}}"
    )
    with WebhookReceiver() as receiver:
        monkeypatch.setenv("FINNEWS_ALERT_HOOK_URL", receiver.url())
        assert notify_run(record(), settings) == []
        (spool / "spool").mkdir(parents=True)
        (spool / "spool" / "run-1.jsonl").write_text('{"reason": "es down"}\n', encoding="utf-8")
        [alert] = notify_run(record(job="chinaorg"), settings)
        assert notify_run(record(job="eastmoney"), settings) == []  # one incident, whichever job ran
        (spool / "spool" / "run-1.jsonl").unlink()
        [recovery] = notify_run(record(job="eastmoney"), settings)
    assert alert.notice.title == "[finnews] finnews: spool not empty (succeeded)"
    assert "1 spool file(s) still waiting" in alert.notice.text
    assert recovery.notice.kind == "recovery" and recovery.notice.key == "spool"
    assert [m["event"] for m in receiver.messages] == ["alert", "recovery"]
