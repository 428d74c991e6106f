"""Where finnews keeps things, and the loading of its data files in ``configs/`` with clear errors."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

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
class ElasticsearchSettings:
    version: str
    url: str  # the cluster every command talks to
    managed: bool  # True when finnews runs the node itself (no FINNEWS_ES_URL / elasticsearch.url)
    port: int
    heap: str
    alias: str
    start_timeout_s: float


@lru_cache(maxsize=1)
def elasticsearch_settings() -> ElasticsearchSettings:
    """``configs/finnews.yaml`` → ``elasticsearch``, with ``FINNEWS_ES_URL`` / ``FINNEWS_ES_PORT`` /
    ``FINNEWS_INDEX`` overriding it."""
    where = f"{config_dir() / 'finnews.yaml'}: elasticsearch"
    data = require(load_yaml("finnews.yaml") or {}, "elasticsearch", dict, str(config_dir() / "finnews.yaml"))
    version = str(require(data, "version", str, where))
    port = int(os.environ.get("FINNEWS_ES_PORT") or require(data, "port", int, where))
    heap = str(require(data, "heap", str, where))
    alias = os.environ.get("FINNEWS_INDEX") or str(require(data, "index", str, where))
    timeout = float(require(data, "start_timeout_s", (int, float), where))
    external = os.environ.get("FINNEWS_ES_URL") or data.get("url")
    url = str(external).rstrip("/") if external else f"http://127.0.0.1:{port}"
    return ElasticsearchSettings(version, url, not external, port, heap, alias, timeout)
