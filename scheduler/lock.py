"""One run per job at a time, across processes: an exclusive lock file per job."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from core.config import state_dir


class JobBusyError(RuntimeError):
    """The job is already running (in this scheduler, another one, or a cron run-once)."""


def lock_path(name: str) -> Path:
    directory = state_dir() / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{name}.lock"


class JobLock:
    """An exclusive ``flock`` on ``state_dir()/locks/JOB.lock``.

    The kernel releases it when the last process holding the file open ends, however it ends, so
    a crashed run never blocks the next one and nothing needs cleaning up. The job's own process
    inherits the open file: if the runner dies, the job still counts as running until it ends.
    The file also says who holds it and when the job last started (read back by :func:`lock_info`).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = lock_path(name)
        self.fd: int | None = None

    def acquire(self) -> JobLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            info = lock_info(self.name)
            holder = f" (pid {info.get('pid')}, started {info.get('started')})" if info else ""
            raise JobBusyError(f"job {self.name} is already running{holder}; not started again") from None
        self.fd = fd
        return self

    def note(self, **info: Any) -> None:
        """Record who holds the lock (the job's pid, run id, start time)."""
        if self.fd is None:
            raise RuntimeError("note() on a lock that is not held")
        data = json.dumps({"job": self.name, **info}, ensure_ascii=False).encode("utf-8")
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> JobLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_info(name: str) -> dict[str, Any]:
    """What the job's lock file says: the last (or current) run's pid, run id and start time."""
    try:
        data = json.loads(lock_path(name).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_started(name: str) -> datetime | None:
    started = lock_info(name).get("started")
    try:
        return datetime.fromisoformat(started) if isinstance(started, str) else None
    except ValueError:
        return None
