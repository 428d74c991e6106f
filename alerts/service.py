"""What a finished run calls: evaluate the rules on its record, send what the open incidents call
for, remember what was sent. Every delivery problem is logged (without secrets), never raised: a
run's record and the scheduler matter more than one alert."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from alerts.channels import DeliveryError, deliver, load_secrets
from alerts.config import AlertsConfig, load_alerts
from alerts.rules import Notice, Rule, delivered, evaluate, step
from alerts.state import locked_incidents, write_incidents
from core.dates import SHANGHAI

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    notice: Notice
    channel: str
    error: str | None  # None: delivered


def spool_waiting() -> int:
    """This index's spool files still waiting (every crawl replays the spool first: what is left did not go in)."""
    from store.lifecycle import current_alias
    from store.spool import spool_files

    return len(spool_files("spool", current_alias()))


def send(config: AlertsConfig, notices: list[Notice], incidents: dict[str, dict[str, Any]], now: str) -> list[Delivery]:
    """Send each notice to its channels; note delivered alerts in ``incidents``. A recovery that did
    not reach a channel reopens the incident for that channel, so the next good run tries again."""
    secrets = load_secrets() if notices else {}
    results = []
    for notice in notices:
        for name in notice.channels:
            channel = config.channels.get(name)
            if channel is None or not channel.enabled:
                continue
            try:
                deliver(channel, notice, secrets, now)
            except DeliveryError as error:
                logger.error("alert %s (%s) not delivered: %s", notice.key, notice.kind, error)
                results.append(Delivery(notice, name, str(error)))
                if notice.kind == "recovery":
                    reopened = incidents.setdefault(notice.key, {**notice.fields["incident"], "delivered": []})
                    reopened["delivered"].append(name)
                continue
            logger.info("alert %s (%s) sent to %s", notice.key, notice.kind, name)
            delivered(incidents, notice, name)
            results.append(Delivery(notice, name, None))
    return results


def active_rules(config: AlertsConfig) -> tuple[Rule, ...]:
    """The rules with their switched-off channels left out; a rule with none left is not evaluated
    (no incident opens that nobody would hear of, so switching a channel on later starts afresh)."""
    rules = []
    for rule in config.rules:
        channels = tuple(name for name in rule.channels if config.channels[name].enabled)
        if channels:
            rules.append(replace(rule, channels=channels))
    return tuple(rules)


def notify_run(record: dict[str, Any], config: AlertsConfig | None = None) -> list[Delivery]:
    """Evaluate ``configs/alerts.yaml`` on a run record and send what it calls for."""
    config = config if config is not None else load_alerts()
    rules = active_rules(config) if config is not None else ()
    if config is None or not rules:
        return []
    spool = spool_waiting() if any(rule.when == "spool_not_empty" for rule in rules) else 0
    findings = evaluate(rules, record, spool)
    if not findings:
        return []
    now = datetime.now(SHANGHAI).isoformat(timespec="seconds")
    with locked_incidents() as (path, incidents):
        notices, incidents = step(incidents, findings, record, now)
        results = send(config, notices, incidents, now)
        write_incidents(path, incidents)
    return results
