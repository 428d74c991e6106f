"""Masking secrets in every message finnews prints or logs. Imports nothing of the project."""

from __future__ import annotations

import logging
import os
import re

MASK = "***"
# The user info of any URL (user:password@, :password@, user@ — a bare user may be a token), up to
# the last "@" of the authority, so a password with an unescaped "@" is masked whole.
_USER_INFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#@]*(?:@[^\s/?#@]*)*@")
# Query parameters (and key=value text) that carry secrets.
SECRET_PARAMETERS = (
    "password", "passwd", "pwd", "pass", "secret", "client_secret", "api_key", "apikey", "api-key",
    "access_key", "secret_key", "token", "access_token", "refresh_token", "auth", "key", "sig", "signature",
)  # fmt: skip
_SECRET_PARAMETER = re.compile(
    r"(?P<name>(?<![A-Za-z0-9_\-])(?:" + "|".join(re.escape(n) for n in SECRET_PARAMETERS) + r"))"
    r"(?P<sep>=|%3D)(?P<value>[^&\s#'\"<>;,)]+)",
    re.IGNORECASE,
)
# Authorization header values that end up in a logged request.
_AUTH_HEADER = re.compile(r"\b(?P<kind>Basic|Bearer|ApiKey)\s+[A-Za-z0-9+/=._~\-]{6,}")
_SECRET_VARIABLES = ("FINNEWS_ES_PASSWORD", "FINNEWS_ES_API_KEY")


def mask_credentials(text: str) -> str:
    """``text`` with every credential it may carry replaced by ``***``: the user info of URLs in any
    form (``redis://:pw@host``, ``https://user:pw@host``, ``https://token@host``), secret query
    parameters (``password=``, ``api_key=``, ``apikey=``, ``token=`` …), Authorization header values,
    and the configured secrets themselves. Every message finnews prints or logs goes through it."""
    if not text:
        return text
    text = _USER_INFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = _SECRET_PARAMETER.sub(lambda m: f"{m.group('name')}{m.group('sep')}{MASK}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group('kind')} {MASK}", text)
    for name in _SECRET_VARIABLES:
        secret = os.environ.get(name) or ""
        if len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


class _MaskedLogRecord(logging.LogRecord):
    def getMessage(self) -> str:  # noqa: N802 (the logging API's name)
        return mask_credentials(super().getMessage())


def install_log_masking() -> None:
    """Mask credentials in every log message of this process (finnews', Scrapy's, the clients'),
    whichever handler writes it: records are created masked."""
    if logging.getLogRecordFactory() is not _MaskedLogRecord:
        logging.setLogRecordFactory(_MaskedLogRecord)
