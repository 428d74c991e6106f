"""``finnews alerts check | test``: argument parsing and printing only (the library is
:mod:`alerts.config`, :mod:`alerts.channels`)."""

from __future__ import annotations

import argparse
import os
from datetime import datetime

from alerts.channels import DeliveryError, credentials_path, deliver, load_secrets, secret_env_name
from alerts.config import load_alerts
from alerts.rules import Notice
from core.config import ConfigError, config_dir
from core.dates import SHANGHAI


def _secret_state(name: str, key: str, secrets: dict[str, dict[str, str]]) -> str:
    """Where a channel's secret comes from — never the secret itself."""

    if os.environ.get(secret_env_name(name, key)):
        return f"{key} from ${secret_env_name(name, key)}"
    if secrets.get(name, {}).get(key):
        return f"{key} from {credentials_path()}"
    return f"NO {key} (set ${secret_env_name(name, key)} or add it to {credentials_path()})"


def cmd_alerts(args: argparse.Namespace) -> int:
    config = load_alerts()
    if config is None:
        print(f"no {config_dir() / 'alerts.yaml'}: alerting is off")
        return 0
    secrets = load_secrets()
    if args.action == "check":
        print(f"{config.path}: {len(config.rules)} rule(s), {len(config.channels)} channel(s)")
        for rule in config.rules:
            scope = ", ".join(rule.jobs) or "every job"
            print(f"  rule {rule.name}: when {rule.when} ({scope}) → {', '.join(rule.channels)}")
        for name, channel in config.channels.items():
            state = "on" if channel.enabled else "off"
            if channel.type == "webhook":
                detail = f"webhook ({'template' if channel.body is not None else channel.format}), "
                detail += _secret_state(name, "url", secrets)
            else:
                detail = f"smtp {channel.host}:{channel.port} ({channel.security}) → {', '.join(channel.recipients)}"
                if channel.username:
                    detail += f", user {channel.username}, " + _secret_state(name, "password", secrets)
            print(f"  channel {name} [{state}]: {detail}")
        return 0
    names = args.channel or [name for name, channel in config.channels.items() if channel.enabled]
    unknown = [name for name in names if name not in config.channels]
    if unknown:
        raise ConfigError(f"{config.path}: no channel named {unknown[0]!r} (known: {', '.join(config.channels)})")
    now = datetime.now(SHANGHAI).isoformat(timespec="seconds")
    title = "[finnews] test message"
    notice = Notice("test", "test", "test", "-", tuple(names), title, f"{title}: alerts reach this channel ({now})")
    failures = 0
    for name in names:
        try:
            deliver(config.channels[name], notice, secrets, now)
            print(f"  {name}: sent")
        except DeliveryError as error:
            failures += 1
            print(f"  {name}: FAILED: {error}")
    if not names:
        print("no channel is enabled (name one to test it anyway)")
    return 1 if failures else 0


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """``finnews alerts check|test``."""
    alerts = subparsers.add_parser(
        "alerts",
        help="alert rules and channels (configs/alerts.yaml): check them, send a test message",
        description="check: validate configs/alerts.yaml and say where each channel's secret comes from "
        "(never the secret). test: send a test message to the enabled channels, or to those named.",
    )
    alerts.add_argument("action", choices=["check", "test"])
    alerts.add_argument("channel", nargs="*", help="test: only these channels (default: every enabled one)")
    alerts.set_defaults(func=cmd_alerts)
