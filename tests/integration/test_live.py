"""``finnews live`` for real: the real spider polls the Eastmoney replica's 7×24 list (2026 answers)
while the test publishes new items on it; each new article is indexed, matched against the test's
watchlists by the node, and pushed to a local webhook receiver. Every matching item is delivered
exactly once (across a webhook outage and a kill -9 of the live process), non-matching ones never."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.dates import SHANGHAI
from replica.site import ReplicaServer, ReplicaSite, SiteForms, live_article, live_flash, load_articles
from tests.integration.receivers import WebhookReceiver
from tests.integration.test_schedule_runs import ScheduleEnv, schedule_env_in

pytestmark = pytest.mark.slow

WATCHLISTS = """watchlists:
  - name: group-a
    title: 甲组
    query: '"甲组快讯"'
    channels: [desk]
  - name: feed-only
    title: 乙组（只有订阅源）
    query: '"乙组快讯"'
"""
ALERTS = """channels:
  desk:
    type: webhook
    format: feishu
"""
LIVE = """sources:
  - name: fast
    spider: eastmoney
    args: {sources: fast, max_pages: 2}
    interval: 1s
"""


def live_env(tmp_path: Path, hook: WebhookReceiver) -> dict[str, str]:
    configs = tmp_path / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", configs)
    (configs / "watchlists.yaml").write_text(WATCHLISTS, encoding="utf-8")
    (configs / "alerts.yaml").write_text(ALERTS, encoding="utf-8")
    (configs / "live.yaml").write_text(LIVE, encoding="utf-8")
    return {
        **os.environ,
        "FINNEWS_CONFIG_DIR": str(configs),
        "FINNEWS_STATE_DIR": str(tmp_path / "state"),
        "FINNEWS_SPOOL_DIR": str(tmp_path / "spool"),
        "FINNEWS_ALERT_DESK_URL": hook.url("live-T0KEN"),
    }


def start_live(replica: ReplicaServer, env: dict[str, str], tmp_path: Path, run: int) -> subprocess.Popen:
    settings = [
        *replica.eastmoney_settings("fast"),
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={tmp_path / 'seen.sqlite'}",
        "-s", f"BLOCKING_LIST_MEMORY={tmp_path / 'lists.json'}",
    ]  # fmt: skip
    log = (tmp_path / f"live-{run}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "finnews", "live", "fast", "--for", "300", *settings],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"finnews live ended early (exit {process.returncode}) waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def polls(replica: ReplicaServer) -> int:
    return replica.site.requests["/comm/web/getFastNewsList"]


def test_live_pushes_each_matching_article_once_across_an_outage_and_a_kill(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    base = load_articles()
    # The archive on the list when live starts, one of its items matching: indexed, never pushed.
    old_news = live_article(base[0], 999, "甲组快讯（旧闻）", datetime.now(SHANGHAI) - timedelta(hours=1))
    site = ReplicaSite([old_news, *base[:3]], forms=SiteForms.of("2026"))
    numbers = iter(range(1000))

    def publish(group: str, count: int) -> list[str]:
        made = [
            live_flash(base[n % len(base)], n, f"{group}快讯第{n}条") for n in (next(numbers) for _ in range(count))
        ]
        for article in made:
            site.publish(article)
        return [article.code for article in made]

    with WebhookReceiver() as hook, ReplicaServer(site) as replica:
        env = live_env(tmp_path, hook)
        live = start_live(replica, env, tmp_path, 1)
        try:
            # The archive already on the list is indexed by the first poll and never pushed.
            wait_for(lambda: polls(replica) >= 3, "three polls", live)
            hook.refuse_next = 2  # the webhook is down for the first two messages: retried, not lost
            first_a, first_b = publish("甲组", 3), publish("乙组", 2)
            wait_for(lambda: len(hook.deliveries) >= 1, "a first delivery", live)
        finally:
            live.send_signal(signal.SIGKILL)  # kill -9 mid-delivery: the outbox is the only memory
            live.wait(timeout=30)
        second_a, second_b = publish("甲组", 2), publish("乙组", 2)
        live = start_live(replica, env, tmp_path, 2)
        try:
            wait_for(lambda: len(set(hook.deliveries)) >= 5, "five deliveries", live, timeout=120)
            time.sleep(3)  # more polls and push passes: a second copy would show now
        finally:
            live.send_signal(signal.SIGINT)
            live.wait(timeout=60)
    logs = "".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("live-*.log")))
    delivered = [key.split("|") for key in hook.deliveries]
    assert all(watchlist == "group-a" and channel == "desk" for watchlist, _, channel in delivered), logs
    urls = [message["content"]["text"].splitlines()[-1] for message in hook.messages]
    expected = {f"https://finance.eastmoney.com/a/{code}.html" for code in first_a + second_a}
    assert sorted(urls) == sorted(expected), logs  # each matching article once, none of 乙组 or the archive
    assert len(hook.deliveries) == len(set(hook.deliveries)) == 5
    assert all(message["content"]["text"].startswith("[finnews][甲组] 甲组快讯") for message in hook.messages)
    assert first_b and second_b  # published and polled, yet matched by no pushing watchlist
    es_node.indices.refresh(index=fresh_index)
    indexed = es_node.count(index=fresh_index, query={"match_phrase": {"title": "甲组快讯"}})["count"]
    assert indexed == 6  # the old news and the five new ones: all searchable, only the new pushed
    assert "pushed: " in logs


def test_a_watchlist_given_channels_while_live_runs_gets_what_arrived_since_and_never_the_archive(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """Audit 4, G6: the watchlists were read once per process, and every article read was noted as
    matched for every watchlist to come: a watchlist given channels while `finnews live` ran got
    nothing, even after a restart. Now the file is read again and what was matched is per watchlist."""
    base = load_articles()
    old_news = live_article(base[0], 999, "乙组快讯（旧闻）", datetime.now(SHANGHAI) - timedelta(hours=1))
    site = ReplicaSite([old_news, *base[:3]], forms=SiteForms.of("2026"))
    with WebhookReceiver() as hook, ReplicaServer(site) as replica:
        env = live_env(tmp_path, hook)
        live = start_live(replica, env, tmp_path, 1)
        try:
            wait_for(lambda: polls(replica) >= 3, "three polls", live)
            before = live_article(base[1], 1, "乙组快讯第一条")  # matched by no pushing watchlist yet
            site.publish(before)
            seen = polls(replica)
            wait_for(lambda: polls(replica) >= seen + 3, "three more polls", live)
            watchlists = Path(env["FINNEWS_CONFIG_DIR"]) / "watchlists.yaml"
            watchlists.write_text(WATCHLISTS + "    channels: [desk]\n", encoding="utf-8")
            after = live_article(base[2], 2, "乙组快讯第二条")
            site.publish(after)
            wait_for(lambda: len(hook.deliveries) >= 2, "both 乙组 items", live)
            time.sleep(3)  # more passes: the archive or a second copy would show now
        finally:
            live.send_signal(signal.SIGINT)
            live.wait(timeout=60)
    logs = (tmp_path / "live-1.log").read_text(encoding="utf-8")
    assert len(hook.deliveries) == 2 and all(key.startswith("feed-only|") for key in hook.deliveries), logs
    urls = sorted(message["content"]["text"].splitlines()[-1] for message in hook.messages)
    assert urls == sorted(f"https://finance.eastmoney.com/a/{a.code}.html" for a in (before, after)), logs
    assert all(m["content"]["text"].startswith("[finnews][乙组（只有订阅源）] 乙组快讯第") for m in hook.messages)
    assert "watchlists.yaml changed: now pushing group-a, feed-only" in logs


@pytest.fixture
def schedule_env(es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[ScheduleEnv]:
    with schedule_env_in(tmp_path, es_node, capsys) as env:
        yield env


def test_a_live_job_runs_under_the_scheduler_and_is_recorded(
    fresh_index: str, schedule_env: ScheduleEnv, tmp_path: Path
) -> None:
    """A `live:` job of schedule.yaml runs `finnews live` until a minute before its timeout and is
    recorded like any run: its kind, the articles it indexed, its status."""
    (schedule_env.configs / "live.yaml").write_text(LIVE, encoding="utf-8")
    with ReplicaServer(ReplicaSite(load_articles(), forms=SiteForms.of("2026"))) as replica:
        schedule_env.write(f"""  - name: live-fast
    cron: "0 * * * *"
    live: [fast]
    settings:
      EASTMONEY_FAST_API: "{replica.url}/comm/web/getFastNewsList"
      EASTMONEY_ARTICLE_URL: "{replica.url}/a/{{code}}.html"
      DOWNLOAD_DELAY: 0
      AUTOTHROTTLE_ENABLED: false
      FINNEWS_SEEN_DB: "{tmp_path / "seen.sqlite"}"
    timeout: 70
""")
        result = schedule_env.finnews("schedule", "run-once", "live-fast")
        polled = polls(replica)
    assert result.returncode == 0, result.stdout + result.stderr
    [run] = schedule_env.runs()
    assert run["kind"] == "live" and run["outcome"] == "succeeded" and run["exit_code"] == 0
    assert run["command"].startswith("finnews live fast --for 10 ")
    assert run["articles"]["new"] == 4 and polled >= 3  # polled every second for ten seconds (slack for a busy machine)


@pytest.mark.parametrize("away_from_start", [False, True])
def test_what_a_live_process_spooled_while_the_node_was_away_is_indexed_and_pushed_by_it(
    fresh_index: str, es_node, tmp_path: Path, away_from_start: bool
) -> None:
    """The node unreachable for some polls: what those polls spooled is replayed by the same live
    process once the node answers again (its own closed spool files), then matched and pushed; the log
    said meanwhile that articles wait in the spool. The node away from live's start (day 18): the news
    of the outage was never pushed (where news starts was marked by the first pass that reached the
    node, after the replay); the archive, spooled by the first poll, is still not pushed."""
    from store.settings import elasticsearch_settings
    from tests.support.proxies import SwitchProxy

    base = load_articles()
    old_news = live_article(base[0], 999, "甲组快讯（旧闻）", datetime.now(SHANGHAI) - timedelta(hours=1))
    site = ReplicaSite([old_news, *base[:3]], forms=SiteForms.of("2026"))
    numbers = iter(range(1000))

    def publish(title: str) -> str:
        article = live_flash(base[0], next(numbers), title)  # a story of its own each (push: one message a story)
        site.publish(article)
        return article.code

    with (
        WebhookReceiver() as hook,
        ReplicaServer(site) as replica,
        SwitchProxy(elasticsearch_settings().port) as node,
    ):
        env = {**live_env(tmp_path, hook), "FINNEWS_ES_URL": node.url}
        node.down = away_from_start
        live = start_live(replica, env, tmp_path, 1)
        try:
            wait_for(lambda: polls(replica) >= 3, "three polls", live)
            node.down = True
            away = [publish("甲组快讯第一条"), publish("甲组快讯第二条")]
            since = polls(replica)
            wait_for(lambda: polls(replica) >= since + 4, "four polls while the node is away", live)
            assert list((tmp_path / "spool" / "spool").glob("*.jsonl")), "nothing was spooled"
            node.down = False
            back = publish("甲组快讯第三条")
            wait_for(lambda: len(hook.deliveries) >= 3, "three deliveries", live, timeout=120)
            time.sleep(3)  # more polls and push passes: a second copy would show now
        finally:
            live.send_signal(signal.SIGINT)
            live.wait(timeout=60)
    log = (tmp_path / "live-1.log").read_text(encoding="utf-8")
    urls = sorted(message["content"]["text"].splitlines()[-1] for message in hook.messages)
    assert urls == sorted(f"https://finance.eastmoney.com/a/{code}.html" for code in [*away, back]), log
    assert not list((tmp_path / "spool" / "spool").glob("*.jsonl")), log
    assert "wait in the spool" in log and "spool replayed first: " in log, log
    assert "SPOOL:" not in log, log  # nothing waits at the end
    es_node.indices.refresh(index=fresh_index)
    assert (
        es_node.count(index=fresh_index, query={"match_phrase": {"title": "甲组快讯"}})["count"] == 4
    )  # and the archive
