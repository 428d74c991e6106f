"""The ground floor: where finnews keeps things, loading its data files in ``configs/``, and the small
validation kit every config loader uses so that every config error reads the same (file, key, what
was expected). Imports nothing of the project: every layer may import it."""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from core.settings import PROJECT_ROOT, configured, current_config_dir


class ConfigError(ValueError):
    """A configuration file is missing or malformed; the message names the file and the key."""


def config_dir() -> Path:
    return current_config_dir()


def state_dir() -> Path:
    """Run-time state (the Elasticsearch node, its data, spools, exports); ignored by git."""
    path = Path(os.environ.get("FINNEWS_STATE_DIR") or PROJECT_ROOT / ".finnews")
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_yaml(name: str) -> Any:
    """Load ``configs/<name>``; a missing file or a YAML syntax error is a :class:`ConfigError`."""
    return read_yaml(config_dir() / name)


# libyaml's parser where PyYAML was built with it (the wheels are): the same documents, about ten
# times faster than the pure-Python one (configs/ is read by every command; the board vocabulary alone
# took 0.85 s).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(SAFE_LOADER):
    """The safe loader (libyaml's parser where there is one) that rejects a key written twice in one
    mapping: PyYAML keeps the last one silently (a second ``limits:`` would replace the first, a
    board's second entry drop the words of its first)."""


def _unique_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor`: standard YAML, resolved by construct_mapping (its keys may be overridden)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ConfigError(
                f"{key!r} is written twice (lines {seen[key] + 1} and {key_node.start_mark.line + 1}): "
                "merge the two entries"
            )
        seen[key] = key_node.start_mark.line
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def read_config_text(path: Path) -> str:
    """The text of a config file, or a :class:`ConfigError` naming it and saying what to do: missing,
    unreadable, a folder, or not UTF-8 (a file saved as GBK by a Windows editor)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: file not found") from error
    except IsADirectoryError as error:
        raise ConfigError(f"{path}: is a folder, not a file") from error
    except PermissionError as error:
        raise ConfigError(f"{path}: permission denied: make it readable by the user finnews runs as") from error
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); "
            "save it as UTF-8 (a file saved as GBK or GB18030 must be converted)"
        ) from None


def read_yaml(path: Path) -> Any:
    """A YAML file read with the safe :class:`UniqueKeyLoader`; a missing file, a syntax error, a key
    given twice in a mapping, a file that cannot be read or is not UTF-8 is a :class:`ConfigError`
    naming the file."""
    text = read_config_text(path)
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from error


def load_csv(name: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Load ``configs/<name>`` as rows; the header must name every column in ``required``."""
    path = config_dir() / name
    reader = csv.DictReader(io.StringIO(read_config_text(path), newline=""))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


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


FINNEWS_KEYS = ("elasticsearch", "limits")
ELASTICSEARCH_KEYS = ("version", "url", "port", "heap", "java_opts", "nodes", "index", "start_timeout_s")
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


@configured()
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


# --- The validation kit: every loader checks its file with these, so every error reads the same:
# "<file>: <place>: <what was expected>, got <what was found>".


def expect_mapping(value: Any, where: str, what: str = "a mapping") -> dict[Any, Any]:
    """``value`` if it is a mapping, else ``<where>: expected <what>``."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected {what}")
    return value


def expect_list(value: Any, where: str, what: str = "a list") -> list[Any]:
    """``value`` if it is a list, else ``<where>: expected <what>``."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected {what}")
    return value


def expect_text(mapping: dict[Any, Any], key: str, where: str) -> str:
    """``mapping[key]``, a non-empty string: ``<where>.<key>: missing`` when absent or blank."""
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfigError(f"{where}.{key}: missing")
    if not isinstance(value, str):
        raise ConfigError(f"{where}.{key}: expected a string, got {value!r}")
    return value


def expect_strings(value: Any, where: str) -> tuple[str, ...]:
    """A list of non-empty strings, stripped (absent: none)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def expect_number(value: Any, where: str, kind: type = float, minimum: float = 0.0) -> Any:
    """A number ≥ ``minimum`` (``kind=int``: a whole one), converted to ``kind``; true/false are not numbers."""
    whole = kind is int
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or value < minimum:
        expected = "a whole number" if whole else "a number"
        raise ConfigError(f"{where}: expected {expected} ≥ {minimum:g}, got {value!r}")
    return kind(value)


def expect_flag(value: Any, where: str) -> bool:
    """``true`` or ``false`` (not 0/1 or "yes")."""
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def mapping_entries(path: str | Path, items: Any, place: str, allowed: Iterable[str]) -> Iterator[tuple[str, dict]]:
    """Each entry of the list ``items`` (at ``place`` in the file ``path``) as ``(where, entry)``: every
    entry must be a mapping with known keys; ``where`` is ``<path>: <place>[<index>]`` for messages."""
    allowed = tuple(allowed)
    for index, entry in enumerate(expect_list(items, f"{path}: {place}")):
        where = f"{path}: {place}[{index}]"
        expect_mapping(entry, where)
        check_keys(path, entry, allowed, f"{place}[{index}]")
        yield where, entry


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any, where: str) -> float:
    """``90`` (seconds), ``"90s"``, ``"30m"``, ``"6h"``, ``"2d"`` as seconds > 0."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration like 30m, 6h or 2d, got {value!r}")
    match = _DURATION_RE.match(str(value)) if isinstance(value, (int, float, str)) else None
    if not match or float(match[1]) <= 0:
        raise ConfigError(f"{where}: expected a duration like 30m, 6h or 2d (or seconds > 0), got {value!r}")
    return float(match[1]) * _DURATION_UNITS[match[2]]
