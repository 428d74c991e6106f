"""The worker pool: results in the order of the items, failures in their place, a bounded number of
chunks in flight, dead workers replaced, no worker left behind when the parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pool import ItemFailed, OrderedPool, default_workers

ROOT = Path(__file__).resolve().parent.parent


def square_or_fail(item: object) -> tuple[int, int]:
    """Work for the tests: the square and the worker's pid; some items raise or kill the worker."""
    if item == "raise":
        raise ValueError("this item is bad")
    if item == "die":
        os._exit(3)
    if item == "sleep":
        time.sleep(60)
    assert isinstance(item, int)
    return item * item, os.getpid()


def failing_initializer() -> None:
    raise LookupError("the knowledge base is missing")


def test_results_come_in_the_order_of_the_items_from_every_worker() -> None:
    with OrderedPool(square_or_fail, 2, chunk_items=3) as pool:
        results = list(pool.imap(range(100)))
    assert [square for square, _pid in results] == [n * n for n in range(100)]
    assert len({pid for _square, pid in results}) == 2  # both workers took chunks
    assert os.getpid() not in {pid for _square, pid in results}


def test_a_failing_item_is_an_item_failed_in_its_place_and_the_others_go_on() -> None:
    items = [1, 2, "raise", 4]
    with OrderedPool(square_or_fail, 2, chunk_items=2) as pool:
        results = list(pool.imap(items))
    assert [r[0] if isinstance(r, tuple) else r for r in results[:2]] == [1, 4]
    assert results[2] == ItemFailed("ValueError", "this item is bad")
    assert results[2].item == "raise"
    assert results[3][0] == 16


def test_a_worker_that_dies_is_replaced_and_only_the_item_that_killed_it_fails() -> None:
    items = [*range(20), "die", *range(20, 40)]
    with OrderedPool(square_or_fail, 2, chunk_items=4) as pool:
        results = list(pool.imap(items))
    failed = [index for index, result in enumerate(results) if isinstance(result, ItemFailed)]
    assert failed == [20], results
    assert results[20].kind == "WorkerDied" and "exit code 3" in results[20].message
    assert [r[0] for i, r in enumerate(results) if i != 20] == [n * n for n in range(40)]


def test_an_initializer_error_is_raised_in_the_parent() -> None:
    with (
        pytest.raises(LookupError, match="knowledge base is missing"),
        OrderedPool(square_or_fail, 1, initializer=failing_initializer) as pool,
    ):
        list(pool.imap([1, 2]))


def test_only_a_bounded_number_of_chunks_is_in_flight() -> None:
    pulled = 0

    def items() -> object:
        nonlocal pulled
        for number in range(400):
            pulled += 1
            yield number

    with OrderedPool(square_or_fail, 2, chunk_items=5, chunks_per_worker=2) as pool:
        results = pool.imap(items())
        ahead = []
        for consumed, _result in enumerate(results, start=1):
            ahead.append(pulled - consumed)
    # 2 workers × 2 chunks × 5 items may be out, plus the chunk being cut: never the whole input.
    assert max(ahead) <= 2 * 2 * 5 + 5, max(ahead)
    assert pulled == 400


def test_default_workers_is_the_cores_this_process_may_use() -> None:
    assert default_workers() == len(os.sched_getaffinity(0))


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_workers_end_when_their_parent_is_killed() -> None:
    script = (
        "from ingest.pool import OrderedPool\n"
        "from tests.test_pool import square_or_fail\n"
        "if __name__ == '__main__':\n"
        "    with OrderedPool(square_or_fail, 2, chunk_items=1) as pool:\n"
        "        print('started', flush=True)\n"
        "        list(pool.imap(['sleep'] * 4))\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 20
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:  # the fork server and its workers
            workers = _descendants(parent.pid)
            time.sleep(0.1)
        assert len(workers) >= 2, workers
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers), f"orphans left: {_alive(workers)}"
    finally:
        if parent.poll() is None:
            parent.kill()
