"""``configs/alerts.yaml``: rules and channels, validated on load. Every mistake is one
:class:`~core.config.ConfigError` naming the file and the key; unknown keys are refused (a
misspelt ``threshold`` must not silently fall back to its default). Secrets are never in this
file: webhook URLs and SMTP passwords come from the environment or the credentials file
(:mod:`alerts.channels`)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alerts.rules import WHEN, Rule
from core.config import (
    ConfigError,
    check_keys,
    config_dir,
    expect_flag,
    expect_list,
    expect_mapping,
    expect_number,
    load_yaml,
)

ALERTS_FILE = "alerts.yaml"
TOP_KEYS = ("rules", "channels")
RULE_KEYS = ("name", "when", "channels", "jobs", "threshold", "min_requests", "include_partial")
CHANNEL_TYPES = ("webhook", "smtp")
WEBHOOK_KEYS = ("type", "enabled", "format", "body", "timeout", "max_per_minute")
SMTP_KEYS = ("type", "enabled", "host", "port", "security", "from", "to", "username", "timeout", "max_per_minute")
WEBHOOK_FORMATS = ("generic", "slack", "feishu", "dingtalk", "wecom")
SMTP_SECURITY = ("none", "starttls", "ssl")
SECRET_KEYS = ("url", "password", "secret", "token", "webhook")  # never in this file
# What a webhook body template may use.
PLACEHOLDERS = ("title", "text", "event", "rule", "job", "status", "reason", "run_id", "time", "host")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Channel:
    name: str
    type: str  # webhook | smtp
    enabled: bool = True
    timeout: float = 10.0
    max_per_minute: int = 0  # messages pushed by `finnews live` (0: no limit); chat bots cap theirs
    # webhook
    format: str = "generic"
    body: Any = None  # a JSON template (mapping/list/string) with {placeholders}, instead of format
    # smtp
    host: str = ""
    port: int = 587
    security: str = "starttls"
    sender: str = ""
    recipients: tuple[str, ...] = ()
    username: str | None = None


@dataclass(frozen=True)
class AlertsConfig:
    path: Path
    rules: tuple[Rule, ...] = ()
    channels: dict[str, Channel] = field(default_factory=dict)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise ConfigError(f"{where}: expected a name of lower-case letters, digits, '-' or '_', got {value!r}")
    return value


def _names(value: Any, where: str, allow_empty: bool = False) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or (not items and not allow_empty):
        raise ConfigError(f"{where}: expected a list of names")
    return tuple(_name(item, f"{where}[{index}]") for index, item in enumerate(items))


def template_fields(template: Any) -> set[str]:
    """The ``{placeholders}`` used anywhere in a body template (strings inside mappings and lists)."""
    if isinstance(template, str):
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    if isinstance(template, dict):
        return set().union(*(template_fields(v) for v in template.values())) if template else set()
    if isinstance(template, list):
        return set().union(*(template_fields(v) for v in template)) if template else set()
    return set()


def _check_template(body: Any, where: str) -> Any:
    if not isinstance(body, (dict, list, str)):
        raise ConfigError(f"{where}: expected a JSON template (a mapping, a list or a string)")
    try:
        used = template_fields(body)
    except ValueError as error:
        raise ConfigError(f"{where}: bad placeholder: {error} (write a literal brace as {{{{ or }}}})") from error
    unknown = sorted(name for name in used if name not in PLACEHOLDERS)
    if unknown:
        raise ConfigError(f"{where}: unknown placeholder(s) {', '.join(unknown)}; known: {', '.join(PLACEHOLDERS)}")
    return body


def _refuse_secrets(path: Path, entry: dict[str, Any], where: str) -> None:
    secrets = [key for key in entry if str(key).lower() in SECRET_KEYS]
    if secrets:
        raise ConfigError(
            f"{path}: {where}.{secrets[0]}: secrets do not belong in this file; set them in the environment "
            f"or the credentials file (see docs/alerts.md)"
        )


def parse_channel(path: Path, name: str, entry: Any) -> Channel:
    where = f"channels.{name}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {where}: expected a mapping with a type ({' or '.join(CHANNEL_TYPES)})")
    _refuse_secrets(path, entry, where)
    kind = entry.get("type")
    if kind not in CHANNEL_TYPES:
        raise ConfigError(f"{path}: {where}.type: expected {' or '.join(CHANNEL_TYPES)}, got {kind!r}")
    check_keys(path, entry, WEBHOOK_KEYS if kind == "webhook" else SMTP_KEYS, where)
    enabled = expect_flag(entry.get("enabled", True), f"{path}: {where}.enabled")
    timeout = expect_number(entry.get("timeout", 10), f"{path}: {where}.timeout", float, 0.1)
    limit = expect_number(entry.get("max_per_minute", 0), f"{path}: {where}.max_per_minute", int, 0)
    if kind == "webhook":
        fmt = entry.get("format", "generic")
        if fmt not in WEBHOOK_FORMATS:
            raise ConfigError(f"{path}: {where}.format: expected one of {', '.join(WEBHOOK_FORMATS)}, got {fmt!r}")
        if "format" in entry and "body" in entry:
            raise ConfigError(f"{path}: {where}: give format or body, not both")
        body = _check_template(entry["body"], f"{path}: {where}.body") if "body" in entry else None
        return Channel(name, "webhook", enabled, timeout, limit, format=fmt, body=body)
    host = entry.get("host")
    if not isinstance(host, str) or not host:
        raise ConfigError(f"{path}: {where}.host: missing (the SMTP server's name or address)")
    security = entry.get("security", "starttls")
    if security not in SMTP_SECURITY:
        raise ConfigError(f"{path}: {where}.security: expected one of {', '.join(SMTP_SECURITY)}, got {security!r}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    port = expect_number(entry.get("port", default_port), f"{path}: {where}.port", int, 1)
    sender = entry.get("from")
    if not isinstance(sender, str) or "@" not in sender:
        raise ConfigError(f"{path}: {where}.from: expected the sender's address, got {sender!r}")
    recipients = entry.get("to")
    recipients = [recipients] if isinstance(recipients, str) else recipients
    addresses = isinstance(recipients, list) and all(isinstance(r, str) and "@" in r for r in recipients)
    if not addresses or not recipients:
        raise ConfigError(f"{path}: {where}.to: expected a list of addresses")
    username = entry.get("username")
    if username is not None and not isinstance(username, str):
        raise ConfigError(f"{path}: {where}.username: expected a string")
    return Channel(
        name,
        "smtp",
        enabled,
        timeout,
        limit,
        host=host,
        port=port,
        security=security,
        sender=sender,
        recipients=tuple(recipients),
        username=username,
    )


def parse_rule(path: Path, index: int, entry: Any, channels: dict[str, Channel]) -> Rule:
    where = f"rules[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {where}: expected a mapping with name, when and channels")
    check_keys(path, entry, RULE_KEYS, where)
    for key in ("name", "when", "channels"):
        if key not in entry:
            raise ConfigError(f"{path}: {where}.{key}: missing")
    name = _name(entry["name"], f"{path}: {where}.name")
    when = entry["when"]
    if when not in WHEN:
        raise ConfigError(f"{path}: {where}.when: expected one of {', '.join(WHEN)}, got {when!r}")
    if when != "error_rate":
        for key in ("threshold", "min_requests"):
            if key in entry:
                raise ConfigError(f"{path}: {where}.{key}: only an error_rate rule takes it")
    if when != "blocked" and "include_partial" in entry:
        raise ConfigError(f"{path}: {where}.include_partial: only a blocked rule takes it")
    targets = _names(entry["channels"], f"{path}: {where}.channels")
    for target in targets:
        if target not in channels:
            known = ", ".join(channels) or "none"
            raise ConfigError(f"{path}: {where}.channels: no channel named {target!r} (known: {known})")
    threshold = expect_number(entry.get("threshold", 0.2), f"{path}: {where}.threshold")
    if threshold > 1:
        raise ConfigError(f"{path}: {where}.threshold: a share of requests between 0 and 1, got {threshold!r}")
    return Rule(
        name=name,
        when=when,
        channels=targets,
        jobs=_names(entry.get("jobs", []), f"{path}: {where}.jobs", allow_empty=True),
        threshold=threshold,
        min_requests=expect_number(entry.get("min_requests", 20), f"{path}: {where}.min_requests", int, 1),
        include_partial=expect_flag(entry.get("include_partial", True), f"{path}: {where}.include_partial"),
    )


def parse_alerts(data: Any, path: Path) -> AlertsConfig:
    """The parsed file; an empty file means no alerts."""
    if data is None:
        return AlertsConfig(path)
    expect_mapping(data, str(path), "a mapping with rules and channels")
    check_keys(path, data, TOP_KEYS)
    raw_channels = expect_mapping(
        data.get("channels") or {}, f"{path}: channels", "a mapping of channel names to channels"
    )
    channels = {_name(n, f"{path}: channels.{n}"): parse_channel(path, n, e) for n, e in raw_channels.items()}
    raw_rules = expect_list(data.get("rules") or [], f"{path}: rules", "a list of rules")
    rules = tuple(parse_rule(path, index, entry, channels) for index, entry in enumerate(raw_rules))
    names = [rule.name for rule in rules]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ConfigError(f"{path}: rules: duplicate rule name {duplicate!r}")
    return AlertsConfig(path, rules, channels)


def load_alerts() -> AlertsConfig | None:
    """``configs/alerts.yaml``, or None when there is no such file (alerting is off)."""
    path = config_dir() / ALERTS_FILE
    if not path.exists():
        return None
    return parse_alerts(load_yaml(ALERTS_FILE), path)
