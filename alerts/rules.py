"""Which alert rules a run trips, and how open incidents change: pure functions, data in and out.

An incident is one rule tripping for one job (``job-failed:eastmoney``), or for the whole
installation (``spool``). It opens when its rule trips and an alert goes out once; further runs
that trip it again send nothing; the first run that does not trip it closes it with a recovery
message to the channels that heard the alert. A delivery that failed is tried again on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WHEN = ("failed", "blocked", "empty", "error_rate", "spool_not_empty", "layout_changed")
FAILED = ("failed", "timeout")
GLOBAL_RULES = ("spool_not_empty",)  # about the installation, not one job


@dataclass(frozen=True)
class Rule:
    name: str
    when: str  # one of WHEN
    channels: tuple[str, ...]
    jobs: tuple[str, ...] = ()  # empty: every job
    threshold: float = 0.2  # error_rate: errors per request above which the rule trips
    min_requests: int = 20  # error_rate: fewer requests say too little
    include_partial: bool = True  # blocked: also a partial run whose sources were stopped

    def applies_to(self, job: str) -> bool:
        return not self.jobs or job in self.jobs

    def incident_key(self, job: str) -> str:
        return self.name if self.when in GLOBAL_RULES else f"{self.name}:{job}"


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one run: ``tripped`` and, when it did, why."""

    rule: Rule
    key: str
    tripped: bool
    why: str = ""


@dataclass(frozen=True)
class Notice:
    """A message to send: an alert (``kind`` "alert") or a recovery, to some channels."""

    kind: str
    key: str
    rule: str
    job: str
    channels: tuple[str, ...]
    title: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)


def error_total(record: dict[str, Any]) -> int:
    return sum(int(e.get("count", 0)) for e in record.get("errors") or [] if e.get("reason") != "source_stopped")


def verdict(rule: Rule, record: dict[str, Any], spool_files: int) -> tuple[bool, str]:
    """Whether ``rule`` trips on the run ``record`` (``spool_files``: spool files still waiting)."""
    outcome = record.get("outcome")
    reason = record.get("reason") or outcome or ""
    if rule.when == "failed":
        return outcome in FAILED, str(reason)
    if rule.when == "blocked":
        partial = rule.include_partial and outcome == "partial" and bool(record.get("stopped_sources"))
        return outcome == "blocked" or partial, str(reason)
    if rule.when == "empty":
        return outcome == "empty", str(reason)
    if rule.when == "error_rate":
        requests = int(record.get("requests") or record.get("pages") or 0)
        errors = error_total(record)
        if requests < rule.min_requests:
            return False, ""
        rate = errors / requests
        return rate > rule.threshold, f"{errors} errors in {requests} requests ({rate:.0%} > {rule.threshold:.0%})"
    if rule.when == "layout_changed":
        # A site answering in a form the parsers do not know, whatever the run's status (crawler.drift).
        changed = [e for e in record.get("errors") or [] if str(e.get("reason", "")).startswith("layout_changed/")]
        why = ", ".join(f"{e['reason']} {e['count']}" for e in changed)
        return bool(changed), f"{why}: {reason}" if changed else ""
    if rule.when == "spool_not_empty":
        return spool_files > 0, f"{spool_files} spool file(s) still waiting after the run's replay"
    raise ValueError(f"unknown rule kind {rule.when!r}")


def evaluate(rules: tuple[Rule, ...], record: dict[str, Any], spool_files: int = 0) -> list[Finding]:
    """Every rule that applies to the run's job, with its verdict."""
    job = str(record.get("job", ""))
    findings = []
    for rule in rules:
        if rule.applies_to(job):
            tripped, why = verdict(rule, record, spool_files)
            findings.append(Finding(rule, rule.incident_key(job), tripped, why))
    return findings


def _run_lines(record: dict[str, Any]) -> list[str]:
    articles = record.get("articles") or {}
    errors = ", ".join(f"{e['reason']} {e['count']}" for e in record.get("errors") or []) or "none"
    return [
        f"run {record.get('run_id')} on {record.get('host')}, started {str(record.get('start', ''))[:19]}",
        f"articles {articles.get('new', 0)} new, {articles.get('updated', 0)} updated; errors {errors}",
    ]


def alert_notice(finding: Finding, record: dict[str, Any], channels: tuple[str, ...]) -> Notice:
    job = str(record.get("job", ""))
    outcome = str(record.get("outcome", ""))
    scope = "finnews" if finding.rule.when in GLOBAL_RULES else job
    title = f"[finnews] {scope}: {finding.rule.when.replace('_', ' ')} ({outcome})"
    text = "\n".join([title, f"why: {finding.why}", *_run_lines(record)])
    fields = {"event": "alert", "status": outcome, "reason": finding.why, "run_id": record.get("run_id")}
    return Notice("alert", finding.key, finding.rule.name, job, channels, title, text, fields)


def recovery_notice(key: str, incident: dict[str, Any], record: dict[str, Any], channels: tuple[str, ...]) -> Notice:
    job = str(record.get("job", ""))
    outcome = str(record.get("outcome", ""))
    scope = "finnews" if incident.get("when") in GLOBAL_RULES else job
    title = f"[finnews] resolved: {scope}: {str(incident.get('when', '')).replace('_', ' ')}"
    text = "\n".join(
        [
            title,
            f"now {outcome}; the incident opened {str(incident.get('opened', ''))[:19]} ({incident.get('why', '')})",
            *_run_lines(record),
        ]
    )
    fields = {
        "event": "recovery",
        "status": outcome,
        "reason": incident.get("why", ""),
        "run_id": record.get("run_id"),
        "incident": {k: incident.get(k) for k in ("rule", "when", "job", "opened", "why", "run_id")},
    }
    return Notice("recovery", key, str(incident.get("rule", "")), job, channels, title, text, fields)


def step(
    incidents: dict[str, dict[str, Any]], findings: list[Finding], record: dict[str, Any], now: str
) -> tuple[list[Notice], dict[str, dict[str, Any]]]:
    """The notices the run's findings call for and the incidents after it. An incident records the
    channels its alert reached (``delivered``): an alert goes only to those it has not reached yet,
    a recovery only to those it had (nobody hears "resolved" about something they never heard of)."""
    incidents = {key: dict(value) for key, value in incidents.items()}
    notices: list[Notice] = []
    for finding in findings:
        open_incident = incidents.get(finding.key)
        if finding.tripped:
            if open_incident is None:
                open_incident = incidents[finding.key] = {
                    "rule": finding.rule.name,
                    "when": finding.rule.when,
                    "job": record.get("job"),
                    "opened": now,
                    "run_id": record.get("run_id"),
                    "why": finding.why,
                    "delivered": [],
                }
            missing = tuple(c for c in finding.rule.channels if c not in open_incident.get("delivered", []))
            if missing:
                notices.append(alert_notice(finding, record, missing))
        elif open_incident is not None:
            delivered = tuple(open_incident.get("delivered", []))
            if delivered:
                notices.append(recovery_notice(finding.key, open_incident, record, delivered))
            del incidents[finding.key]
    return notices, incidents


def delivered(incidents: dict[str, dict[str, Any]], notice: Notice, channel: str) -> None:
    """Note that the alert of ``notice`` reached ``channel`` (a recovery needs no note: the incident
    is gone)."""
    if notice.kind == "alert" and notice.key in incidents:
        reached = incidents[notice.key].setdefault("delivered", [])
        if channel not in reached:
            reached.append(channel)
