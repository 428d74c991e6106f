"""Open incidents on disk (``alerts/incidents.json`` in the state directory), read and written under
an exclusive ``flock``: the scheduler runs jobs in parallel threads and cron may run ``run-once``
beside it, and each must see the others' incidents, or an alert would go out twice."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.config import state_dir


def incidents_path() -> Path:
    directory = state_dir() / "alerts"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / "incidents.json"


def read_incidents(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except FileNotFoundError:
        return {}
    except ValueError:
        return {}  # a damaged file: start afresh (at worst one alert again) rather than never alert
    return {str(k): v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def write_incidents(path: Path, incidents: dict[str, dict[str, Any]]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(incidents, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


@contextlib.contextmanager
def locked_incidents() -> Iterator[tuple[Path, dict[str, dict[str, Any]]]]:
    """The incidents, held exclusively until the block ends (write them back inside it)."""
    path = incidents_path()
    with open(path.with_suffix(".lock"), "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield path, read_incidents(path)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
