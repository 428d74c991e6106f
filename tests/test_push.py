"""The push outbox and delivery (alerts/outbox.py, alerts/push.py) with a clock the test holds: added
once, sent once, retried after its waits, dead after the last, held by a channel's rate limit,
gathered into digests; and configs/live.yaml, watchlists' channels and live jobs checked on load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.channels import DeliveryError
from alerts.config import AlertsConfig, Channel
from alerts.push import check_channels, deliver_due, message_article
from alerts.rules import Notice
from core.config import ConfigError
from crawler.live import LiveSource, parse_live, polite_interval
from scheduler.jobs import parse_job
from store.outbox import DEAD, MAX_ATTEMPTS, PENDING, RETRY_WAITS_S, SENT, Outbox
from store.watchlists import parse_watchlists
from tests.integration.receivers import WebhookReceiver

T0 = 1_700_000_000.0


def article(number: int) -> dict[str, Any]:
    return message_article(
        {
            "id": f"id{number}",
            "url": f"https://finance.eastmoney.com/a/{number}.html",
            "title": f"宁德时代快讯{number}",
            "published_at": "2026-12-05T10:00:00+08:00",
            "media": "东方财富网",
            "stocks": [{"code": "300750", "name": "宁德时代", "secid": "0.300750"}],
            "boards": [{"code": "BK1033", "name": "电池"}],
            "text": "宁德时代发布公告。" * 40,
        }
    )


class Recorder:
    """A channel's far end: takes or refuses what it is sent, and keeps what it took."""

    def __init__(self) -> None:
        self.taken: list[Notice] = []
        self.refusing = False  # the channel refuses the message itself (a chat service's error code)
        self.down = False  # the channel does not answer (an outage)

    def __call__(self, channel: Channel, notice: Notice, secrets: dict, now: str) -> None:
        if self.down:
            raise DeliveryError(f"channel {channel.name}: the webhook could not be reached (URLError)", True)
        if self.refusing:
            raise DeliveryError(f"channel {channel.name}: the webhook refused the message (errcode 19001)")
        self.taken.append(notice)


def setup(tmp_path: Path, yaml_text: str, limit: int = 0) -> tuple[Outbox, dict, AlertsConfig]:
    watchlists = parse_watchlists(yaml.safe_load(yaml_text), "watchlists.yaml")
    alerts = AlertsConfig(tmp_path / "alerts.yaml", channels={"desk": Channel("desk", "webhook", max_per_minute=limit)})
    return Outbox(tmp_path / "outbox.sqlite3"), watchlists, alerts


ONE_EACH = "watchlists:\n  - {name: cells, title: 电池, stocks: [宁德时代], channels: [desk]}\n"
DIGEST = "watchlists:\n  - {name: cells, title: 电池, stocks: [宁德时代], channels: [desk], digest: 10m}\n"


def test_a_delivery_is_added_once_and_sent_once(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    assert outbox.add([("cells", "desk", article(1))], T0) == 1
    assert outbox.add([("cells", "desk", article(1)), ("cells", "desk", article(2))], T0) == 1  # 1 known
    far = Recorder()
    counts = deliver_due(outbox, watchlists, alerts, T0, send=far)
    assert counts.sent == 2 and len(far.taken) == 2
    assert deliver_due(outbox, watchlists, alerts, T0 + 3600, send=far).sent == 0  # nothing twice
    notice = far.taken[0]
    assert notice.fields["delivery_id"] == "cells|id1|desk"
    assert notice.title == "[finnews][电池] 宁德时代快讯1"
    assert "宁德时代(300750)" in notice.text and "电池" in notice.text and "东方财富网" in notice.text
    assert notice.text.splitlines()[-1] == "https://finance.eastmoney.com/a/1.html"
    assert outbox.counts() == {PENDING: 0, SENT: 2, DEAD: 0, "failed_attempts": 0}


def test_a_refused_delivery_waits_its_turn_and_is_dead_after_the_last_try(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(1))], T0)
    far = Recorder()
    far.refusing = True
    now = T0
    for attempt, wait in enumerate(RETRY_WAITS_S, start=1):
        assert deliver_due(outbox, watchlists, alerts, now, send=far).failed == 1
        assert outbox.counts()["failed_attempts"] == attempt
        assert deliver_due(outbox, watchlists, alerts, now + wait - 1, send=far).failed == 0  # still waiting
        now += wait
    last = deliver_due(outbox, watchlists, alerts, now, send=far)
    assert last.dead == 1 and len(RETRY_WAITS_S) + 1 == MAX_ATTEMPTS
    assert outbox.counts()[DEAD] == 1
    assert "errcode 19001" in outbox.dead_letters()[0]["error"]
    far.refusing = False
    assert deliver_due(outbox, watchlists, alerts, now + 10**6, send=far).sent == 0  # dead stays dead


def test_a_channel_that_recovers_gets_what_waited_exactly_once(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(n)) for n in range(3)], T0)
    far = Recorder()
    far.refusing = True
    deliver_due(outbox, watchlists, alerts, T0, send=far)
    far.refusing = False
    assert deliver_due(outbox, watchlists, alerts, T0 + 1, send=far).sent == 2  # the untried two
    assert deliver_due(outbox, watchlists, alerts, T0 + RETRY_WAITS_S[0], send=far).sent == 1  # then the retry
    assert sorted(n.fields["delivery_id"] for n in far.taken) == [f"cells|id{n}|desk" for n in range(3)]


def test_a_rate_limit_holds_messages_for_the_next_minute(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH, limit=2)
    outbox.add([("cells", "desk", article(n)) for n in range(5)], T0)
    far = Recorder()
    first = deliver_due(outbox, watchlists, alerts, T0, send=far)
    assert (first.sent, first.limited) == (2, 3)
    assert deliver_due(outbox, watchlists, alerts, T0 + 30, send=far).sent == 0
    assert deliver_due(outbox, watchlists, alerts, T0 + 61, send=far).sent == 2
    assert deliver_due(outbox, watchlists, alerts, T0 + 122, send=far).sent == 1
    assert len({n.fields["delivery_id"] for n in far.taken}) == 5


def test_a_digest_waits_then_carries_every_article_in_one_message(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, DIGEST)
    outbox.add([("cells", "desk", article(1))], T0)
    outbox.add([("cells", "desk", article(2)), ("cells", "desk", article(3))], T0 + 120)
    far = Recorder()
    assert deliver_due(outbox, watchlists, alerts, T0 + 599, send=far).sent == 0
    assert deliver_due(outbox, watchlists, alerts, T0 + 600, send=far).sent == 3
    assert len(far.taken) == 1
    digest = far.taken[0]
    assert digest.title == "[finnews][电池] 3 篇新文章"
    assert digest.fields["delivery_id"] == "cells|id1|desk,cells|id2|desk,cells|id3|desk"
    assert all(f"https://finance.eastmoney.com/a/{n}.html" in digest.text for n in (1, 2, 3))


def test_a_switched_off_channel_keeps_its_deliveries_waiting(tmp_path: Path) -> None:
    outbox, watchlists, _ = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(1))], T0)
    off = AlertsConfig(tmp_path / "alerts.yaml", channels={"desk": Channel("desk", "webhook", enabled=False)})
    assert deliver_due(outbox, watchlists, off, T0, send=Recorder()).sent == 0
    assert outbox.counts()[PENDING] == 1


def test_the_cursor_moves_with_the_deliveries_in_one_transaction(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.add([("cells", "desk", article(1))], T0, cursor=("c", "2026-12-05T10:00:00+08:00"))
    outbox.close()
    reopened = Outbox(tmp_path / "outbox.sqlite3")  # what a restarted process finds
    assert reopened.cursor("c") == "2026-12-05T10:00:00+08:00"
    assert reopened.counts()[PENDING] == 1


def test_watchlist_channels_and_digests_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="digest needs channels"):
        parse_watchlists({"watchlists": [{"name": "a", "query": "x", "digest": "10m"}]}, "w.yaml")
    with pytest.raises(ConfigError, match="digest"):
        parse_watchlists({"watchlists": [{"name": "a", "query": "x", "channels": ["d"], "digest": "soon"}]}, "w.yaml")
    watchlists = parse_watchlists({"watchlists": [{"name": "a", "query": "x", "channels": ["nosuch"]}]}, "w.yaml")
    alerts = AlertsConfig(tmp_path / "alerts.yaml", channels={"desk": Channel("desk", "webhook")})
    with pytest.raises(ConfigError, match=r"no channel named .nosuch.*known: desk"):
        check_channels(watchlists, alerts)


def test_live_sources_are_checked_on_load() -> None:
    good = parse_live({"sources": [{"name": "fast", "spider": "eastmoney", "interval": "30s"}]}, "live.yaml")
    assert good["fast"] == LiveSource("fast", "eastmoney", 30.0, {})
    for bad, message in [
        ({"sources": [{"name": "Fast", "spider": "eastmoney", "interval": 30}]}, "name"),
        ({"sources": [{"name": "fast", "spider": "eastmoney"}]}, "interval: missing"),
        ({"sources": [{"name": "fast", "spider": "eastmoney", "interval": "often"}]}, "interval"),
        ({"sources": [{"name": "fast", "spider": "eastmoney", "interval": 30, "every": 3}]}, "every"),
        ({"sources": [{"name": "f", "spider": "x", "interval": 30}, {"name": "f", "spider": "x", "interval": 30}]}, "twice"),
    ]:  # fmt: skip
        with pytest.raises(ConfigError, match=message):
            parse_live(bad, "live.yaml")


def test_a_real_site_is_polled_no_more_than_every_ten_seconds() -> None:
    from scrapy.settings import Settings

    source = LiveSource("fast", "eastmoney", 1.0, {"sources": "fast"})
    real = Settings({"EASTMONEY_FAST_API": "https://np-listapi.eastmoney.com/comm/web/getFastNewsList"})
    replica = {
        "EASTMONEY_FAST_API": "http://127.0.0.1:8123/comm/web/getFastNewsList",
        "EASTMONEY_ARTICLE_URL": "http://127.0.0.1:8123/a/{code}.html",
        "EASTMONEY_LIST_PAGES": ["https://finance.eastmoney.com/a/x.html"],  # a source this one does not poll
    }
    assert polite_interval(source, real) == 10.0
    assert polite_interval(source, Settings(replica)) == 1.0
    every_source = LiveSource("all", "eastmoney", 1.0, {"sources": "fast,pages"})
    assert polite_interval(every_source, Settings(replica)) == 10.0  # the list pages are a real site


def test_a_live_job_runs_finnews_live_until_a_minute_before_its_timeout() -> None:
    defaults = {"timezone": "Asia/Shanghai", "misfire_grace_time": 300, "stop_grace": 30}
    job = parse_job({"name": "live", "cron": "0 * * * *", "timeout": 3600, "live": ["eastmoney-724"]}, "s", defaults)
    assert job.kind == "live"
    assert job.argv() == ["live", "eastmoney-724", "--for", "3540"]
    with pytest.raises(ConfigError, match="exactly one of spider, ingest or live"):
        parse_job({"name": "x", "cron": "0 * * * *", "timeout": 60, "live": [], "spider": "eastmoney"}, "s", defaults)
    with pytest.raises(ConfigError, match="live source names"):
        parse_job({"name": "x", "cron": "0 * * * *", "timeout": 600, "live": "Bad Name"}, "s", defaults)


def test_a_channel_that_is_down_keeps_its_deliveries_however_long_the_outage(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(1))], T0)
    far = Recorder()
    far.down = True
    now = T0
    for _ in range(MAX_ATTEMPTS * 3):  # far more tries than a refused message gets, over hours
        counts = deliver_due(outbox, watchlists, alerts, now, send=far)
        assert counts.dead == 0
        now += RETRY_WAITS_S[-1]
    assert outbox.counts()[PENDING] == 1 and outbox.counts()[DEAD] == 0
    far.down = False
    assert deliver_due(outbox, watchlists, alerts, now, send=far).sent == 1


def test_add_counts_new_deliveries_only_and_remembers_matched_articles(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    assert outbox.add([], T0, cursor=("c", "x"), matched=[("cells@1", "id1"), ("cells@1", "id2")]) == 0  # no delivery
    assert outbox.add([("cells", "desk", article(1))], T0, cursor=("c", "y"), matched=[("cells@1", "id1")]) == 1
    ids = ["id1", "id2", "id3"]
    assert outbox.unmatched(["cells@1", "cells@2", "new@1"], ids) == {"cells@1": ["id3"], "cells@2": ids, "new@1": ids}
    outbox.prune(T0 + 1)
    assert outbox.unmatched(["cells@1"], ids) == {"cells@1": ids}


def test_deliveries_of_a_removed_watchlist_wait_without_holding_up_the_others(tmp_path: Path) -> None:
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("gone", "desk", article(n)) for n in range(1200)], T0)  # older than the next, and many
    outbox.add([("cells", "desk", article(5000))], T0 + 1)
    far = Recorder()
    assert deliver_due(outbox, watchlists, alerts, T0 + 2, send=far).sent == 1
    assert [n.fields["delivery_id"] for n in far.taken] == ["cells|id5000|desk"]
    assert outbox.counts()[PENDING] == 1200


def test_the_polls_stats_are_summed_whatever_a_poll_left_empty() -> None:
    from crawler.live import add_stats

    total: dict = {}
    add_stats(total, {"finnews/articles/new": 2, "elapsed_time_seconds": None, "finish_reason": "finished"})
    add_stats(total, {"finnews/articles/new": 3, "elapsed_time_seconds": 1.5, "finish_reason": "shutdown"})
    add_stats(total, {"elapsed_time_seconds": 2.0})
    assert total == {"finnews/articles/new": 5, "elapsed_time_seconds": 3.5, "finish_reason": "shutdown"}


# Where each chat preset puts the text it sends.
CHAT_TEXT = {
    "feishu": ("content", "text"),
    "dingtalk": ("text", "content"),
    "wecom": ("text", "content"),
    "slack": ("text",),
}


@pytest.mark.parametrize("form", sorted(CHAT_TEXT))
def test_every_pushed_message_a_chat_preset_sends_carries_the_keyword_and_the_watchlist(
    tmp_path: Path, form: str
) -> None:
    """Audit 4, G8: the chat presets send the text alone, and a pushed article's text had neither
    ``finnews`` (the keyword docs/alerts.md tells users to set on a Feishu or DingTalk bot, which then
    refuses every message without it) nor the watchlist's name."""
    import json

    from alerts.channels import webhook_body

    for yaml_text, count in ((ONE_EACH, 1), (DIGEST, 3)):  # one article, then a digest of three
        outbox, watchlists, alerts = setup(tmp_path / str(count), yaml_text)
        outbox.add([("cells", "desk", article(n)) for n in range(count)], T0)
        far = Recorder()
        deliver_due(outbox, watchlists, alerts, T0 + 600, send=far)
        [notice] = far.taken
        sent = json.loads(webhook_body(Channel("desk", "webhook", format=form), notice, "2026-12-05T10:00:00+08:00"))
        for key in CHAT_TEXT[form]:
            sent = sent[key]
        assert sent.startswith("[finnews][电池] "), sent
        assert sent.splitlines()[-1].strip() == f"https://finance.eastmoney.com/a/{count - 1}.html"  # the link last


def test_two_processes_on_one_outbox_send_each_delivery_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Audit 4, G5: two `finnews live` (or a live job beside one) on one state folder read the same due
    rows, and each sent them all before marking them sent: every article went out twice. Here two
    threads, each with its own connection to one outbox file, deliver over HTTP to a slow webhook."""
    import threading

    from alerts.push import deliver_due
    from tests.integration.receivers import WebhookReceiver

    monkeypatch.setenv("FINNEWS_STATE_DIR", str(tmp_path / "state"))  # no credentials file there
    _, watchlists, _ = setup(tmp_path, ONE_EACH)
    alerts = AlertsConfig(tmp_path / "alerts.yaml", channels={"desk": Channel("desk", "webhook", format="feishu")})
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.add([("cells", "desk", article(n)) for n in range(3)], T0)
    with WebhookReceiver() as hook:
        hook.delay_s = 0.3
        monkeypatch.setenv("FINNEWS_ALERT_DESK_URL", hook.url())
        start = threading.Barrier(2)
        sent: list[int] = []

        def live_process() -> None:
            with Outbox(tmp_path / "outbox.sqlite3") as own:
                start.wait()
                sent.append(deliver_due(own, watchlists, alerts).sent)

        threads = [threading.Thread(target=live_process) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(hook.deliveries) == [f"cells|id{n}|desk" for n in range(3)]  # each once
    assert sum(sent) == 3
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        assert outbox.counts()[SENT] == 3


def test_a_claim_that_never_ended_is_due_again_once_it_runs_out(tmp_path: Path) -> None:
    """A process that died between claiming a message and recording its outcome leaves it pending: no
    other pass sends it while the claim holds (the process may still be sending), and one does after."""
    from alerts.push import claim_s

    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(1))], T0)
    hold = claim_s(alerts.channels["desk"])
    assert outbox.claim(["cells|id1|desk"], T0, hold) == ["cells|id1|desk"]
    assert outbox.claim(["cells|id1|desk"], T0, hold) == []  # taken: nobody takes it twice
    far = Recorder()
    assert deliver_due(outbox, watchlists, alerts, T0 + hold - 1, send=far).sent == 0
    assert deliver_due(outbox, watchlists, alerts, T0 + hold, send=far).sent == 1
    assert [n.fields["delivery_id"] for n in far.taken] == ["cells|id1|desk"]
    assert outbox.counts()[PENDING] == 0


def test_a_long_pass_claims_each_message_when_it_sends_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of the day: a pass claimed with the time it began, so past the claim's hold (a backlog of
    slow sends) its claims had run out as they were made, and a second process sent the same message."""
    import alerts.push as push

    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(n)) for n in range(10)], T0)
    clock = [0.0]
    monkeypatch.setattr(push.time, "monotonic", lambda: clock[0])
    other_process = Recorder()
    sent_by_first = Recorder()

    def slow_send(channel: Channel, notice: Notice, secrets: dict, now: str) -> None:
        sent_by_first(channel, notice, secrets, now)
        clock[0] += 10.0  # ten seconds a message
        if clock[0] == 80.0:  # a second process's pass, 80 s into the first one's
            with Outbox(tmp_path / "outbox.sqlite3") as own:
                push.deliver_due(own, watchlists, alerts, T0 + 80, send=other_process)

    push.deliver_due(outbox, watchlists, alerts, T0, send=slow_send)
    taken = [n.fields["delivery_id"] for n in sent_by_first.taken + other_process.taken]
    assert sorted(taken) == sorted(f"cells|id{n}|desk" for n in range(10))  # each once


def test_a_running_live_process_reads_the_watchlists_again_when_the_file_changes(
    configs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Audit 4, G6: `finnews live` read watchlists.yaml once; a watchlist added while it ran got
    nothing. A broken edit keeps the watchlists in force and is said once, not at every pass."""
    from alerts.push import LiveWatchlists

    path = configs / "watchlists.yaml"
    alerts = AlertsConfig(configs / "alerts.yaml", channels={"desk": Channel("desk", "webhook")})
    path.write_text(ONE_EACH, encoding="utf-8")
    live = LiveWatchlists(alerts)
    assert list(live.refresh()) == ["cells"]
    added = ONE_EACH + "  - {name: chips, title: 芯片, query: 芯片, channels: [desk]}\n"
    path.write_text(added, encoding="utf-8")
    assert list(live.refresh()) == ["cells", "chips"]
    for broken in (added + "  - {name: [\n", added + "  - {name: late, query: x, channels: [nosuch]}\n"):
        caplog.clear()
        path.write_text(broken, encoding="utf-8")
        for _ in range(3):
            assert list(live.refresh()) == ["cells", "chips"]  # the watchlists in force stay
        assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 1, caplog.text
    assert "no channel named 'nosuch'" in caplog.text
    path.write_text(ONE_EACH.replace("电池", "动力电池"), encoding="utf-8")
    assert live.refresh()["cells"].title == "动力电池" and list(live.current) == ["cells"]


def _notice() -> Notice:
    return Notice(
        kind="push", key="w|a1|desk", rule="", job="", channels=("desk",), title="宁德时代快讯",
        text="宁德时代发布公告。", fields={"delivery_id": "w|a1|desk"},
    )  # fmt: skip


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_webhook_that_answers_a_redirect_has_not_taken_the_message(status: int) -> None:
    """Hunt of day 17: urllib followed a 301/302/303 as a GET without the body, and the 200 of that page counted as
    delivered; the message reached nobody. A redirect is a fault of the channel's address: kept, and said."""
    from alerts.channels import send_webhook

    with WebhookReceiver(status) as webhook, pytest.raises(DeliveryError, match="redirect") as refused:
        send_webhook(Channel("desk", "webhook", timeout=5), _notice(), webhook.url(), "2026-12-07T10:00:00+08:00")
    assert refused.value.transient
    assert webhook.requests == [("POST", "/hook/hook-token-0000")]


@pytest.mark.parametrize("status, transient", [(401, True), (403, True), (404, True), (400, False), (413, False)])
def test_answers_that_say_the_channel_is_wrong_never_make_a_dead_letter(status: int, transient: bool) -> None:
    """A rotated token or a proxy mid-deploy (401, 403, 404) would refuse every message: none is given up for it (six
    tries made them dead letters that were never sent once the channel was mended); a 400 or 413 is the message's."""
    from alerts.channels import send_webhook

    with WebhookReceiver(status) as webhook, pytest.raises(DeliveryError) as refused:
        send_webhook(Channel("desk", "webhook", timeout=5), _notice(), webhook.url(), "2026-12-07T10:00:00+08:00")
    assert refused.value.transient is transient


def test_a_channel_that_takes_messages_but_answers_late_gets_each_at_most_twice(tmp_path: Path) -> None:
    """Hunt of day 17: a webhook that took the message and answered after the channel's timeout got the same
    article every 30 minutes for ever (the timeout read as "could not be reached"). The answer's timeout is an
    unknown outcome: tried once more, then taken as sent, unconfirmed."""
    from alerts.channels import send_webhook

    with (
        WebhookReceiver(delay_s=1.5) as webhook,
        pytest.raises(DeliveryError, match=r"did not answer within 0\.5 s") as late,
    ):
        send_webhook(Channel("desk", "webhook", timeout=0.5), _notice(), webhook.url(), "2026-12-07T10:00:00+08:00")
    assert late.value.transient and late.value.unconfirmed
    outbox, watchlists, alerts = setup(tmp_path, ONE_EACH)
    outbox.add([("cells", "desk", article(1))], T0)
    tries: list[str] = []

    def answers_late(channel: Channel, notice: Notice, secrets: dict, now: str) -> None:
        tries.append(notice.fields["delivery_id"])
        raise late.value

    now = T0
    for _ in range(5):
        deliver_due(outbox, watchlists, alerts, now, send=answers_late)
        now += RETRY_WAITS_S[-1]
    assert tries == ["cells|id1|desk"] * 2
    assert outbox.counts()[SENT] == 1 and outbox.counts()[PENDING] == 0


def test_a_misspelt_top_level_key_of_watchlists_yaml_is_an_error_not_no_watchlist() -> None:
    """Hunt of day 17: `watchlist:` read as "no watchlist", and a live process stopped pushing without a word."""
    with pytest.raises(ConfigError, match="watchlist"):
        parse_watchlists({"watchlist": [{"name": "chips", "query": "芯片"}]}, "watchlists.yaml")
    assert parse_watchlists({"watchlists": [{"name": "chips", "query": "芯片"}]}, "watchlists.yaml")


def test_writers_stamp_with_the_nodes_clock_and_their_own_when_the_node_will_not_tell(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left open on day 19: each writer stamped ``indexed_at`` with its host's clock, and one 20 minutes behind
    stamped its articles behind the push's cursor. The node's clock is read, and a node that does not tell its
    time (no monitor privilege) leaves the host's clock, said once."""
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from elasticsearch import ConnectionError as ESConnectionError

    from core.dates import SHANGHAI
    from store.client import NodeClock

    host = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # a host 20 minutes behind the node
    node_ms = int((host + timedelta(minutes=20)).timestamp() * 1000)

    def node(stats: object) -> SimpleNamespace:
        client = SimpleNamespace(nodes=SimpleNamespace(stats=stats))
        client.options = lambda **_: client
        return client

    answering = node(lambda **_: {"nodes": {"n1": {"timestamp": node_ms}}})
    assert NodeClock(answering, lambda: host).now() == host + timedelta(minutes=20)

    def refuse(**_: object) -> None:
        raise ESConnectionError("node down")

    monkeypatch.setattr(NodeClock, "said", False)
    caplog.set_level("WARNING")
    for _ in range(2):  # two writers of one process (a poll each)
        assert NodeClock(node(refuse), lambda: host).now() == host
    assert len([r for r in caplog.records if "node's clock" in r.getMessage()]) == 1


def test_the_node_clock_kept_for_a_client_does_not_keep_the_client_alive() -> None:
    """Review of day 20: the clock held its client, the key of the weak dictionary that keeps one clock a client,
    so no client (nor its sockets) was ever freed."""
    import gc
    import weakref

    from store.client import node_clock

    class Client:  # as an Elasticsearch client: hashable by identity, weakly referable
        def options(self, **_: object) -> Client:
            return self

    client = Client()
    gone = weakref.ref(client)
    assert node_clock(client) is node_clock(client)  # one clock a client
    del client
    gc.collect()
    assert gone() is None
