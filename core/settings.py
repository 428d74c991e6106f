"""One settings object: what ``configs/`` and the environment say, each part read and checked once.

Every configuration loader of the project (sites, topics, the board vocabulary, the knowledge base,
the Elasticsearch settings, the article size limit …) keeps what it read here, in the one
:class:`Settings` of the configuration folder in force, instead of a cache of its own. The parts are
built on first use (a command that never crawls never reads ``sites.yaml``) and each is keyed by the
environment variables it reads, so a changed ``FINNEWS_CONFIG_DIR`` gives a new Settings and a
changed ``FINNEWS_INDEX`` a new Elasticsearch part, with nothing cleared by hand.

``reload()`` is the one way to start afresh (a test that rewrites a file of the same folder).

Imports nothing of the project: every layer may use it.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def current_config_dir() -> Path:
    return Path(os.environ.get("FINNEWS_CONFIG_DIR") or PROJECT_ROOT / "configs")


class Settings:
    """The parts of the configuration of one folder, each built once per value of the environment
    variables it depends on."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self._parts: dict[tuple[str, tuple[str | None, ...]], Any] = {}
        self._lock = threading.RLock()  # parts build parts (the linker reads the lexicon)

    def part(self, name: str, build: Callable[[], T], environment: tuple[str, ...] = ()) -> T:
        key = (name, tuple(os.environ.get(variable) for variable in environment))
        with self._lock:
            if key not in self._parts:
                self._parts[key] = build()
            return self._parts[key]


_current: Settings | None = None
_current_variable: str | None = None  # FINNEWS_CONFIG_DIR as it was when _current was chosen
_current_lock = threading.Lock()


def settings() -> Settings:
    """The settings of the configuration folder in force (``FINNEWS_CONFIG_DIR``, else ``configs/``)."""
    global _current, _current_variable
    current = _current
    variable = os.environ.get("FINNEWS_CONFIG_DIR")
    if current is not None and variable == _current_variable:
        return current  # the common case, on every configuration read: no Path built, no lock taken
    with _current_lock:
        folder = current_config_dir()
        if _current is None or _current.config_dir != folder:
            _current = Settings(folder)
        _current_variable = variable
        return _current


def reload() -> Settings:
    """Forget every part read so far: the next use reads the files again."""
    global _current, _current_variable
    with _current_lock:
        _current = Settings(current_config_dir())
        _current_variable = os.environ.get("FINNEWS_CONFIG_DIR")
        return _current


def configured(*environment: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Make a loader of configuration a part of :func:`settings`: built once per configuration folder
    and per value of the ``environment`` variables it reads."""

    def decorate(build: Callable[[], T]) -> Callable[[], T]:
        name = f"{build.__module__}.{build.__qualname__}"

        @functools.wraps(build)
        def load() -> T:
            return settings().part(name, build, environment)

        return load

    return decorate
