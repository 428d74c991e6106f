"""The index's life: the versioned index behind an alias (``<alias>-v<version>``, created from
``configs/index.yaml``), the fields added to it, and refresh switched off during a large load."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from core.config import ConfigError, check_keys, config_dir, load_yaml, require, state_dir
from store.client import ES_FAILURES, AlreadyExistsError, IndexMissingError, es_errors
from store.settings import elasticsearch_settings

logger = logging.getLogger(__name__)

INDEX_CONFIG_KEYS = ("version", "settings", "mappings")
# Stored fields a reader never shows: content_hash is the index's own bookkeeping; the jieba words
# fields exist only in indices before version 4 (a user may read one before migrating).
INDEX_ONLY_FIELDS = ["title_words", "text_words", "content_hash"]


def index_config() -> dict[str, Any]:
    """``configs/index.yaml``, checked for the keys finnews relies on."""
    path = str(config_dir() / "index.yaml")
    data = load_yaml("index.yaml")
    check_keys(path, data, INDEX_CONFIG_KEYS)
    version = require(data, "version", int, path)
    if version < 1:
        raise ConfigError(f"{path}: version: must be a positive integer")
    settings = require(data, "settings", dict, path)
    check_index_settings(settings, f"{path}: settings")
    mappings = require(data, "mappings", dict, path)
    require(mappings, "properties", dict, f"{path}: mappings")
    return data


def check_index_settings(settings: dict[str, Any], where: str) -> None:
    """The settings a cluster's layout depends on, checked before any node sees them."""
    for key, least in (("number_of_shards", 1), ("number_of_replicas", 0)):
        value = settings.get(key, least)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"{where}: {key}: expected a whole number of at least {least}, got {value!r}")
    expand = settings.get("auto_expand_replicas", False)
    if expand is not False and not (isinstance(expand, str) and re.fullmatch(r"\d+-(\d+|all)", expand)):
        raise ConfigError(
            f'{where}: auto_expand_replicas: expected a range such as "0-1" or "0-all", or false, got {expand!r}'
        )


def current_alias() -> str:
    return elasticsearch_settings().alias


def versioned_name(alias: str, version: int) -> str:
    """The concrete index of ``version`` behind ``alias``: the alias moves, the name never does."""
    return f"{alias}-v{version}"


def ensure_index(es: Elasticsearch, alias: str | None = None) -> str:
    """Create the versioned index behind ``alias`` if the alias does not exist; returns the alias."""
    alias = alias or current_alias()
    try:
        with es_errors(f"Could not create the index behind alias {alias}"):
            if es.indices.exists_alias(name=alias):
                expected = versioned_name(alias, index_config()["version"])
                behind = sorted(es.indices.get_alias(name=alias))
                if behind != [expected]:
                    logger.warning(
                        "%s points at %s but configs/index.yaml describes %s: run `finnews index migrate`",
                        alias, ", ".join(behind), expected,
                    )  # fmt: skip
                _add_new_fields(es, behind)
                return alias
            config = index_config()
            name = versioned_name(alias, config["version"])
            if not es.indices.exists(index=name):
                es.indices.create(index=name, settings=config["settings"], mappings=config["mappings"])
            es.indices.put_alias(index=name, name=alias)
    except AlreadyExistsError:
        pass  # another process created it at the same moment
    return alias


def _add_new_fields(es: Elasticsearch, indices: list[str]) -> None:
    """Fields added to configs/index.yaml since an index was created (instruments, body_source) are
    added to it: the mapping is strict, so an article carrying a field the index lacks would be
    rejected. Adding fields never touches existing ones; a changed type needs `finnews index migrate`."""
    properties = index_config()["mappings"].get("properties") or {}
    for name in indices:
        try:
            es.indices.put_mapping(index=name, properties=properties)
        except ApiError as error:
            logger.warning("could not add new fields to %s (%s): run `finnews index migrate`", name, error)


def indices_behind(es: Elasticsearch, alias: str | None = None) -> list[str]:
    """The concrete indices the alias points at (none when it does not exist yet)."""
    alias = alias or current_alias()
    try:
        with es_errors(f"cannot read alias {alias}"):
            return sorted(es.indices.get_alias(name=alias))
    except IndexMissingError:
        return []


def drop_versions(es: Elasticsearch, alias: str) -> list[str]:
    """Delete every version of an alias's index (``<alias>-v1``, ``-v2`` …, whatever the alias points
    at) and return their names: the tests' and benchmarks' own indices. By name, because the node
    refuses wildcard deletes (``action.destructive_requires_name``)."""
    with es_errors(f"cannot delete the indices of {alias}"):
        names = sorted(es.indices.get(index=f"{alias}-*", allow_no_indices=True, expand_wildcards="all"))
        if names:
            es.indices.delete(index=",".join(names))
    return names


def configured_refresh_interval() -> str:
    return str(index_config()["settings"].get("refresh_interval", "1s"))


def _relaxed_markers(alias: str) -> Path:
    """Where loads that switched refresh off note it (one file per process), per cluster and alias."""
    key = hashlib.sha1(f"{elasticsearch_settings().url} {alias}".encode()).hexdigest()[:16]
    return state_dir() / "refresh-relaxed" / key


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_marker(marker: Path) -> None:
    marker.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        marker.parent.rmdir()  # only when no other load's marker is in it


def _live_relaxers(markers: Path) -> list[int]:
    """Processes on this machine whose large load has refresh switched off right now."""
    alive = []
    for marker in markers.glob("*.pid") if markers.exists() else []:
        with contextlib.suppress(ValueError):
            pid = int(marker.stem)
            if pid == os.getpid() or _process_alive(pid):
                alive.append(pid)
                continue
        _remove_marker(marker)  # its load is over, however it ended
    return alive


def restore_refresh_interval(es: Elasticsearch, alias: str | None = None) -> bool:
    """Put back the configured refresh interval when a load that switched it off (``-1``) died before
    restoring it (the node went down, the process was killed), so articles do not stay invisible to
    search. A load still running on this machine is left alone. Never fails a writer: when the node
    does not answer, nothing is done (the next writer tries again). True when it restored."""
    alias = alias or current_alias()
    quick = es.options(request_timeout=5, max_retries=0)
    try:
        found = quick.indices.get_settings(index=alias, name="index.refresh_interval", flat_settings=True)
        off = [n for n, v in found.items() if v.get("settings", {}).get("index.refresh_interval") == "-1"]
        if not off or _live_relaxers(_relaxed_markers(alias)):
            return False
        interval = configured_refresh_interval()
        quick.indices.put_settings(index=",".join(off), settings={"index": {"refresh_interval": interval}})
        quick.indices.refresh(index=alias)
    except (*ES_FAILURES, ConfigError):
        return False
    logger.warning("%s had refresh switched off by a load that did not finish; restored it to %s", alias, interval)
    return True


# How often a long-lived reader (the API) checks that no killed load left the index unrefreshed.
SEARCHABLE_CHECK_S = 60.0
_last_searchable_check = -SEARCHABLE_CHECK_S


def make_searchable(es: Elasticsearch, alias: str | None = None) -> None:
    """Readers call this before they search: a load killed while refresh was switched off left its
    articles invisible until a writer put the interval back; a reader puts it back too (at most once
    a minute per process, a load still running on this machine left alone)."""
    global _last_searchable_check
    now = time.monotonic()
    if now - _last_searchable_check < SEARCHABLE_CHECK_S:
        return
    _last_searchable_check = now
    restore_refresh_interval(es, alias)


@contextlib.contextmanager
def relaxed_refresh(es: Elasticsearch, alias: str | None = None) -> Iterator[None]:
    """During a large load, turn periodic refresh off (each refresh makes a new segment) and restore
    the configured interval afterwards whatever happens, then refresh once so the load is searchable.
    If the node cannot be told (it went down), a marker file stays behind and the next writer to
    start restores the interval (:func:`restore_refresh_interval`). If refresh cannot be switched off
    (the node is down from the start), the load runs without it."""
    alias = alias or current_alias()
    interval = configured_refresh_interval()
    marker = _relaxed_markers(alias) / f"{os.getpid()}.pid"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()  # before the switch: a crash right after it must leave the marker
    try:
        es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": "-1"}})
    except ES_FAILURES as error:
        _remove_marker(marker)
        logger.warning("refresh stays at %s during this load: %s", interval, type(error).__name__)
        yield
        return
    try:
        yield
    finally:
        try:
            es.indices.put_settings(index=alias, settings={"index": {"refresh_interval": interval}})
            es.indices.refresh(index=alias)
            _remove_marker(marker)
        except ES_FAILURES as error:
            logger.error(
                "could not restore the refresh interval of %s (%s); the next finnews writer restores it",
                alias, type(error).__name__,
            )  # fmt: skip
