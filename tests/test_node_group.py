"""Telling a node of ours that is alive from one that was just killed: a process killed with SIGKILL
stays a zombie until its parent reaps it (in a container, init may be slow to), and ``kill(0)``
still succeeds on a zombie, so ``es start`` right after a kill -9 took the zombies for a node that
"is alive but does not answer" (issue 21, item 8). The process table is read from /proc."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from store.node import group_alive


def fake_proc(tmp_path: Path, processes: dict[int, tuple[str, int]]) -> Path:
    """A /proc with a ``stat`` line per process: pid → (state, process group)."""
    for pid, (state, pgid) in processes.items():
        (tmp_path / str(pid)).mkdir()
        # The command name may hold spaces and parentheses: the fields are read after the last ")".
        (tmp_path / str(pid) / "stat").write_text(f"{pid} (java (server) x) {state} 1 {pgid} {pgid} 0 -1 4194560\n")
    (tmp_path / "self").mkdir()
    return tmp_path


def test_a_group_of_zombies_is_not_alive(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path, {4100: ("Z", 4100), 4101: ("Z", 4100), 4200: ("S", 4200)})
    assert not group_alive(4100, proc)  # killed -9, not yet reaped: kill(0) would still succeed
    assert group_alive(4200, proc)
    assert not group_alive(4300, proc)


def test_one_live_process_keeps_the_group_alive(tmp_path: Path) -> None:
    proc = fake_proc(
        tmp_path, {4100: ("Z", 4100), 4101: ("R", 4100)}
    )  # the launcher gone, the server JVM shutting down
    assert group_alive(4100, proc)


def test_on_this_machines_process_table() -> None:
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert group_alive(sleeper.pid)
    finally:
        sleeper.kill()
        sleeper.wait()  # reaped by us: gone from the table
    assert not group_alive(sleeper.pid)
    assert group_alive(os.getpgrp())
