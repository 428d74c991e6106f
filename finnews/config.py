"""Where finnews keeps things, and the loading of its data files in ``configs/`` with clear errors."""

from __future__ import annotations

import csv
import difflib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A configuration file is missing or malformed; the message names the file and the key."""


def config_dir() -> Path:
    return Path(os.environ.get("FINNEWS_CONFIG_DIR") or PROJECT_ROOT / "configs")


def state_dir() -> Path:
    """Run-time state (the Elasticsearch node, its data, spools, exports); ignored by git."""
    path = Path(os.environ.get("FINNEWS_STATE_DIR") or PROJECT_ROOT / ".finnews")
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_yaml(name: str) -> Any:
    """Load ``configs/<name>``; a missing file or a YAML syntax error is a :class:`ConfigError`."""
    path = config_dir() / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: file not found") from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from error


def load_csv(name: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Load ``configs/<name>`` as rows; the header must name every column in ``required``."""
    path = config_dir() / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: file not found") from error


def suggestion(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to a mistyped ``word`` (``concurency`` → ``concurrency``), if any is close."""
    matches = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return matches[0] if matches else None


def check_keys(path: str | Path, mapping: Any, allowed: Iterable[str], where: str = "") -> None:
    """Reject keys of ``mapping`` that are not in ``allowed``: a typo must not pass silently (a
    misspelt ``concurrency`` would otherwise fall back to its default). The error names the file,
    where in it, each unknown key and the closest known key. Not a mapping: nothing to check here."""
    if not isinstance(mapping, dict):
        return
    known = list(allowed)
    unknown = [str(key) for key in mapping if key not in known]
    if not unknown:
        return
    described = []
    for key in unknown:
        close = suggestion(key, known)
        described.append(f"{key} (did you mean {close!r}?)" if close else key)
    place = f"{path}: {where}" if where else str(path)
    raise ConfigError(f"{place}: unknown key(s) {', '.join(described)}; known: {', '.join(known)}")


def require(mapping: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``mapping[key]`` checked for type, or a :class:`ConfigError` naming ``where.key``."""
    if not isinstance(mapping, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    if key not in mapping:
        raise ConfigError(f"{where}.{key}: missing")
    value = mapping[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}.{key}: expected {names}, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to a secured cluster. Never printed: ``repr`` hides the secrets."""

    username: str | None = field(default=None)
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    ca_certs: str | None = None
    verify_certs: bool = True

    def client_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.api_key:
            options["api_key"] = self.api_key
        elif self.username:
            options["basic_auth"] = (self.username, self.password or "")
        if self.ca_certs:
            options["ca_certs"] = self.ca_certs
        if not self.verify_certs:
            options["verify_certs"] = False
        return options


@dataclass(frozen=True)
class ElasticsearchSettings:
    version: str
    url: str  # the cluster every command talks to, without credentials (safe to print)
    managed: bool  # True when finnews runs the node itself (no FINNEWS_ES_URL / elasticsearch.url)
    port: int
    heap: str
    alias: str
    start_timeout_s: float
    credentials: Credentials = field(default_factory=Credentials)


CREDENTIAL_KEYS = ("username", "password", "api_key", "ca_certs", "verify_certs")


def credentials_file() -> Path:
    return Path(os.environ.get("FINNEWS_CREDENTIALS") or state_dir() / "credentials.yaml")


def load_credentials(url_user: str | None, url_password: str | None) -> Credentials:
    """Credentials from the environment (``FINNEWS_ES_USERNAME``/``_PASSWORD``/``_API_KEY``/``_CA_CERTS``),
    else the URL's user info, else a credentials file that only its owner may read (mode 0600)."""
    values: dict[str, Any] = {}
    path = credentials_file()
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(f"{path}: readable by others (mode {mode:04o}); run: chmod 600 {path}")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: invalid YAML (line {getattr(error, 'problem_mark', None)})") from None
        if not isinstance(data, dict) or set(data) - set(CREDENTIAL_KEYS):
            raise ConfigError(f"{path}: expected a mapping with keys among {', '.join(CREDENTIAL_KEYS)}")
        values.update(data)
    if url_user or url_password:
        values.update(username=url_user, password=url_password)
    for key in ("username", "password", "api_key", "ca_certs"):
        if os.environ.get(f"FINNEWS_ES_{key.upper()}"):
            values[key] = os.environ[f"FINNEWS_ES_{key.upper()}"]
    if os.environ.get("FINNEWS_ES_VERIFY_CERTS"):
        values["verify_certs"] = os.environ["FINNEWS_ES_VERIFY_CERTS"].lower() not in ("0", "false", "no")
    if values.get("ca_certs") and not Path(str(values["ca_certs"])).is_file():
        raise ConfigError(f"CA certificate file not found: {values['ca_certs']}")
    return Credentials(**{k: v for k, v in values.items() if v is not None})


def split_user_info(url: str) -> tuple[str, str | None, str | None]:
    """``https://user:pass@host:9200`` → (``https://host:9200``, user, pass); a password-only
    ``https://:pass@host`` gives user ``None`` and the password."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    safe = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return safe, parts.username or None, parts.password


# --- Masking secrets in messages ------------------------------------------------------------------

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


FINNEWS_KEYS = ("elasticsearch", "limits")
ELASTICSEARCH_KEYS = ("version", "url", "port", "heap", "index", "start_timeout_s")
LIMIT_KEYS = ("max_article_mb",)
DEFAULT_MAX_ARTICLE_MB = 5.0


def finnews_config() -> dict[str, Any]:
    """``configs/finnews.yaml`` as a mapping, its keys checked (a typo is an error, not a default)."""
    path = config_dir() / "finnews.yaml"
    data = load_yaml("finnews.yaml") or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'elasticsearch' (and optionally 'limits')")
    check_keys(path, data, FINNEWS_KEYS)
    check_keys(path, data.get("elasticsearch"), ELASTICSEARCH_KEYS, "elasticsearch")
    check_keys(path, data.get("limits"), LIMIT_KEYS, "limits")
    return data


@lru_cache(maxsize=1)
def max_article_bytes() -> int:
    """The largest page, text file or JSON Lines record taken as one article, and the most text an
    article keeps (``limits.max_article_mb`` in ``configs/finnews.yaml``, default 5 MB): a giant page
    costs minutes and gigabytes to parse and is refused by Elasticsearch anyway."""
    path = config_dir() / "finnews.yaml"
    limits = finnews_config().get("limits") or {}
    if not isinstance(limits, dict):
        raise ConfigError(f"{path}: limits: expected a mapping")
    value = limits.get("max_article_mb", DEFAULT_MAX_ARTICLE_MB)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1024:
        raise ConfigError(f"{path}: limits.max_article_mb: expected a number of megabytes in (0, 1024], got {value!r}")
    return int(value * 1024 * 1024)


@lru_cache(maxsize=1)
def elasticsearch_settings() -> ElasticsearchSettings:
    """``configs/finnews.yaml`` → ``elasticsearch``, with ``FINNEWS_ES_URL`` / ``FINNEWS_ES_PORT`` /
    ``FINNEWS_INDEX`` overriding it, and credentials for a secured cluster."""
    where = f"{config_dir() / 'finnews.yaml'}: elasticsearch"
    data = require(finnews_config(), "elasticsearch", dict, str(config_dir() / "finnews.yaml"))
    version = str(require(data, "version", str, where))
    port_text = os.environ.get("FINNEWS_ES_PORT")
    if port_text and not port_text.isdigit():
        raise ConfigError(f"FINNEWS_ES_PORT: expected a port number, got {port_text!r}")
    port = int(port_text or require(data, "port", int, where))
    heap = str(require(data, "heap", str, where))
    alias = os.environ.get("FINNEWS_INDEX") or str(require(data, "index", str, where))
    timeout = float(require(data, "start_timeout_s", (int, float), where))
    external = os.environ.get("FINNEWS_ES_URL") or data.get("url")
    if external:
        url, user, password = split_user_info(str(external).rstrip("/"))
        credentials = load_credentials(user, password)
    else:
        url, credentials = f"http://127.0.0.1:{port}", Credentials()
    return ElasticsearchSettings(version, url, not external, port, heap, alias, timeout, credentials)
