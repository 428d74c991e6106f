"""Delivering notices: a JSON webhook (generic, or shaped for Slack, Feishu, DingTalk, WeCom, or by
a body template) and SMTP e-mail.

Secrets — a webhook's URL (its token is in it), an SMTP password — come from the environment
(``FINNEWS_ALERT_<CHANNEL>_URL``, ``FINNEWS_ALERT_<CHANNEL>_PASSWORD``; the channel name in capitals,
``-`` as ``_``) or from the credentials file (``FINNEWS_ALERT_CREDENTIALS``, else
``alert-credentials.yaml`` in the state directory), which must be readable by its owner only. They
are never printed: errors name the channel, never the URL or password.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml

from alerts.config import Channel
from alerts.rules import Notice
from core.config import ConfigError, state_dir

CREDENTIALS_ENV = "FINNEWS_ALERT_CREDENTIALS"
SECRET_NAMES = ("url", "password")
USER_AGENT = "finnews-alerts/0.1"

# Incoming-webhook bodies. Slack takes {"text"}; Feishu (飞书) {"msg_type": "text", "content": {"text"}};
# DingTalk (钉钉) and WeCom (企业微信) {"msgtype": "text", "text": {"content"}}.
PRESETS: dict[str, Any] = {
    "generic": {
        "event": "{event}",
        "rule": "{rule}",
        "job": "{job}",
        "status": "{status}",
        "reason": "{reason}",
        "run_id": "{run_id}",
        "time": "{time}",
        "host": "{host}",
        "title": "{title}",
        "text": "{text}",
    },
    "slack": {"text": "{text}"},
    "feishu": {"msg_type": "text", "content": {"text": "{text}"}},
    "dingtalk": {"msgtype": "text", "text": {"content": "{text}"}},
    "wecom": {"msgtype": "text", "text": {"content": "{text}"}},
}


class DeliveryError(Exception):
    """A notice did not reach its channel; the message is safe to print (no secrets). ``transient``:
    the channel was unreachable, overloaded (HTTP 429, 5xx) or not configured, so the same message
    may well go through later; otherwise the channel refused the message itself."""

    def __init__(self, message: str, transient: bool = False, unconfirmed: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        # The request went out and no answer came in time: the channel may well have taken the message.
        self.unconfirmed = unconfirmed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook POST is never followed to another address: urllib would send it there as a GET without its
    body, and the 200 of that page counted as delivered (hunt of day 17). The 3xx is the answer."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_WEBHOOK_OPENER = urllib.request.build_opener(_NoRedirect)
# Answers that say the channel is wrong, not the message (a moved or retired address, an expired token, a proxy
# mid-deploy): every message would get them, so none is given up for them (a dead letter after six tries was
# never sent once the channel was mended; hunt of day 17). A redirect says so too.
CHANNEL_FAULT_STATUSES = frozenset({401, 403, 404, 405, 407, 408, 410, 421, 423, 425, 429})


# --- secrets -------------------------------------------------------------------------------------------


def credentials_path() -> Path:
    return Path(os.environ.get(CREDENTIALS_ENV) or state_dir() / "alert-credentials.yaml")


def load_secrets() -> dict[str, dict[str, str]]:
    """The credentials file: ``{channel: {url: …, password: …}}``; none when the file is absent.
    A file others may read is refused (as finnews refuses such a file for Elasticsearch)."""
    path = credentials_path()
    if not path.exists():
        return {}
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(f"{path}: readable by others (mode {mode:04o}); run: chmod 600 {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        raise ConfigError(f"{path}: invalid YAML") from None  # the parser's message may quote a secret
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of channel names to their secrets (url, password)")
    secrets: dict[str, dict[str, str]] = {}
    for channel, values in data.items():
        if not isinstance(values, dict) or not set(values) <= set(SECRET_NAMES):
            raise ConfigError(f"{path}: {channel}: expected a mapping with keys among {', '.join(SECRET_NAMES)}")
        secrets[str(channel)] = {str(k): str(v) for k, v in values.items() if v is not None}
    return secrets


def secret_env_name(channel: str, key: str) -> str:
    return f"FINNEWS_ALERT_{channel.upper().replace('-', '_')}_{key.upper()}"


def secret(channel: str, key: str, from_file: dict[str, dict[str, str]]) -> str | None:
    """A channel's secret: the environment first, then the credentials file."""
    return os.environ.get(secret_env_name(channel, key)) or from_file.get(channel, {}).get(key) or None


# --- webhook -------------------------------------------------------------------------------------------


def notice_values(notice: Notice, now: str) -> dict[str, str]:
    """What a body template's placeholders stand for."""
    fields = notice.fields
    return {
        "title": notice.title,
        "text": notice.text,
        "event": notice.kind,
        "rule": notice.rule,
        "job": notice.job,
        "status": str(fields.get("status") or ""),
        "reason": str(fields.get("reason") or ""),
        "run_id": str(fields.get("run_id") or ""),
        "time": now,
        "host": socket.gethostname(),
    }


def render(template: Any, values: dict[str, str]) -> Any:
    """The template with every string's ``{placeholders}`` filled (values are not parsed again)."""
    if isinstance(template, str):
        return template.format_map(values)
    if isinstance(template, dict):
        return {key: render(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [render(value, values) for value in template]
    return template


def webhook_body(channel: Channel, notice: Notice, now: str) -> bytes:
    template = channel.body if channel.body is not None else PRESETS[channel.format]
    return json.dumps(render(template, notice_values(notice, now)), ensure_ascii=False).encode("utf-8")


def answer_error(status: int, body: bytes) -> str | None:
    """What is wrong with a webhook's answer, or None. Feishu, DingTalk and WeCom answer 200 with
    an error code in the JSON (``errcode``, ``code``, ``StatusCode``) when they refuse a message."""
    if not 200 <= status < 300:
        return f"HTTP {status}"
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None  # Slack answers plain "ok"
    if not isinstance(data, dict):
        return None
    for key in ("errcode", "code", "StatusCode"):
        if key in data and data[key] not in (0, "0", None):
            message = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
            return f"{key} {data[key]} {message}".strip()
    return None


DELIVERY_HEADER = "X-Finnews-Delivery"


def delivery_header(notice: Notice) -> dict[str, str]:
    """A pushed article's delivery key, for a receiver that must drop a second copy (alerts have none)."""
    key = notice.fields.get("delivery_id")
    return {DELIVERY_HEADER: str(key)} if key else {}


def send_webhook(channel: Channel, notice: Notice, url: str, now: str) -> None:
    request = urllib.request.Request(
        url,
        data=webhook_body(channel, notice, now),
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            **delivery_header(notice),
        },
        method="POST",
    )
    try:
        with _WEBHOOK_OPENER.open(request, timeout=channel.timeout) as response:
            status, body = response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    except TimeoutError:
        # (urllib wraps what fails while connecting and sending in URLError; a timeout bare is the answer's)
        raise DeliveryError(
            f"channel {channel.name}: the webhook took the request but did not answer within {channel.timeout:g} s "
            "(it may have taken the message)",
            True,
            unconfirmed=True,
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        # The reason may name the host; the URL (with its token) is never part of it.
        reason = getattr(error, "reason", error)
        what = type(reason).__name__
        raise DeliveryError(f"channel {channel.name}: the webhook could not be reached ({what})", True) from None
    problem = answer_error(status, body)
    if problem:
        if 300 <= status < 400:
            problem += ": a redirect, which a webhook POST does not follow; give the channel its new address"
        channel_fault = status >= 500 or 300 <= status < 400 or status in CHANNEL_FAULT_STATUSES
        raise DeliveryError(f"channel {channel.name}: the webhook refused the message ({problem})", channel_fault)


# --- e-mail --------------------------------------------------------------------------------------------


def email_message(channel: Channel, notice: Notice) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = notice.title
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.recipients)
    message["X-Finnews-Event"] = notice.kind
    for name, value in delivery_header(notice).items():
        message[name] = value
    message.set_content(notice.text + "\n")
    return message


def send_email(channel: Channel, notice: Notice, password: str | None) -> None:
    try:
        if channel.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                channel.host, channel.port, timeout=channel.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout)
        with client:
            if channel.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if channel.username:
                client.login(channel.username, password or "")
            client.send_message(email_message(channel, notice))
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(f"channel {channel.name}: the SMTP server refused the login") from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"channel {channel.name}: e-mail not sent ({type(error).__name__})", True) from None


def deliver(channel: Channel, notice: Notice, secrets: dict[str, dict[str, str]], now: str) -> None:
    """Send one notice to one channel; :class:`DeliveryError` (safe to print) when it fails."""
    if channel.type == "webhook":
        url = secret(channel.name, "url", secrets)
        if not url:
            raise DeliveryError(
                f"channel {channel.name}: no webhook URL (set {secret_env_name(channel.name, 'url')} or "
                f"'{channel.name}: {{url: …}}' in {credentials_path()})",
                True,
            )
        send_webhook(channel, notice, url, now)
    else:
        send_email(channel, notice, secret(channel.name, "password", secrets))
