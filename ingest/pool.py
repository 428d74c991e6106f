"""Worker processes for CPU-bound work (cleaning and tagging) beside one consumer (the bulk writer).

:class:`OrderedPool` runs a function over a stream of items in ``N`` processes and gives the
results back **in the order of the items**, so whatever consumes them (``ArticleWriter``) sees the
same sequence as a single process would: the same batches, the same first article of a syndicated
story, the same order of failure lines.

- Memory stays flat: items go out in small chunks, and at most ``window`` chunks are out at a time
  (sent, being worked on, or done but waiting for an earlier one), whatever the input's size.
- Each worker runs ``initializer`` once (jieba, the knowledge base), then takes chunks from its own
  queue; the parent gives each new chunk to the worker with the fewest chunks outstanding.
- Workers ignore Ctrl-C (the parent decides what to do with it) and end by themselves when the
  parent dies, even by ``kill -9``: no orphan keeps tagging for nobody.
- A worker that dies (killed, out of memory) is replaced. The chunk it was working on (it says which
  in shared memory) is worked again one item at a time, the chunks it had not started go out again
  as they are, and an item that kills a worker a second time is given back as an :class:`ItemFailed`.

Processes start with ``forkserver`` (``spawn`` where there is none): never ``fork`` from a parent
that already has threads (the Elasticsearch client, the bulk sender)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

CHUNK_ITEMS = 32  # items per chunk: few enough that the work spreads, enough that IPC stays cheap
CHUNK_BYTES = 1 << 20  # a chunk closes early once its items hold this much input
CHUNKS_PER_WORKER = 3  # one being worked on, one queued, one coming back
DEATH_CHECK_SECONDS = 1.0
MAX_RESTARTS_PER_WORKER = 5
WHOLE = -1  # the part number of a chunk sent whole
IDLE = -2  # a worker's current chunk when it works on none


@dataclass(frozen=True)
class ItemFailed:
    """An item whose work raised (or killed its worker): the error's type and message."""

    kind: str
    message: str
    item: Any = field(default=None, compare=False)  # the item it failed on (set by the parent)


class PoolError(RuntimeError):
    """The pool cannot go on (workers keep dying before they take any work)."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _context(preload: tuple[str, ...] = ()) -> multiprocessing.context.BaseContext:
    """``forkserver`` where there is one: the modules in ``preload`` are imported once in the server and
    every worker is forked from it with them (takes effect when this process starts its server)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(list(preload))
    return context


# --- In the worker ------------------------------------------------------------------------------


def _exit_with_parent() -> None:
    """End this worker as soon as the process that started it is gone (the sentinel is a pipe whose
    other end only the parent holds: it becomes readable when the parent dies, however it dies)."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="finnews-parent-watch", daemon=True).start()


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def _run_item(work: Callable[[Any], Any], item: Any) -> Any:
    try:
        return work(item)
    except Exception as error:  # one item's fault is that item's result, never the pool's end
        return ItemFailed(type(error).__name__, str(error) or traceback.format_exc(limit=1))


def _worker_main(
    tasks: Any,
    results: Any,
    current: Any,
    work: Callable[[Any], Any],
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it
    _exit_with_parent()
    try:
        if initializer is not None:
            initializer(*initargs)
    except BaseException as error:
        results.put(("init-failed", _picklable(error)))
        return
    while True:
        task = tasks.get()
        if task is None:
            return
        (number, part), items = task
        # Shared memory, written at once (queued answers may still be lost if the worker dies): the
        # parent reads which chunk was being worked on when a worker died.
        current[0], current[1] = number, part
        answers = [_run_item(work, item) for item in items]
        current[0] = current[1] = IDLE
        results.put(("done", (number, part), answers))


# --- In the parent ------------------------------------------------------------------------------


@dataclass
class _Chunk:
    number: int  # its place in the order of results
    items: list[Any]
    part: int | None = None  # set when one item of a chunk is worked again after its worker died

    @property
    def key(self) -> tuple[int, int]:
        return (self.number, WHOLE if self.part is None else self.part)


@dataclass
class _Worker:
    process: Any
    tasks: Any
    results: Any
    current: Any  # [chunk number, part] being worked on, or IDLE
    chunks: dict[tuple[int, int], _Chunk] = field(default_factory=dict)  # sent, not yet answered


_MISSING = object()


class OrderedPool:
    """``imap(items)``: ``work(item)`` of every item, in the items' order, from ``workers`` processes.

    ``work`` and ``initializer`` must be importable module-level functions (they are pickled by
    name). ``size`` gives an item's weight in bytes for chunking (default: every item weighs 1)."""

    def __init__(
        self,
        work: Callable[[Any], Any],
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        size: Callable[[Any], int] | None = None,
        preload: tuple[str, ...] = (),
        chunk_items: int = CHUNK_ITEMS,
        chunk_bytes: int = CHUNK_BYTES,
        chunks_per_worker: int = CHUNKS_PER_WORKER,
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.work, self.initializer, self.initargs, self.size = work, initializer, initargs, size or _one
        self.count, self.chunk_items, self.chunk_bytes = workers, chunk_items, chunk_bytes
        self.window = workers * chunks_per_worker
        self._context = _context(preload)
        self._workers: list[_Worker] = []
        self._restarts = 0
        self._next_number = 0
        self._done: dict[int, list[Any]] = {}  # answered chunks waiting for an earlier one
        self._parts: dict[int, list[Any]] = {}  # chunks worked again item by item: results so far

    # -- life cycle

    def __enter__(self) -> OrderedPool:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close(graceful=exc_info[0] is None)

    def start(self) -> None:
        while len(self._workers) < self.count:
            self._workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        tasks, results = self._context.Queue(), self._context.Queue()
        current = self._context.RawArray("q", [IDLE, IDLE])
        process = self._context.Process(
            target=_worker_main,
            args=(tasks, results, current, self.work, self.initializer, self.initargs),
            name="finnews-worker",
            daemon=True,
        )
        process.start()
        return _Worker(process, tasks, results, current)

    def close(self, graceful: bool = True) -> None:
        """Stop the workers: asked to finish when all went well, terminated otherwise (Ctrl-C)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if graceful and worker.process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    worker.tasks.put(None)
            else:
                worker.process.terminate()
        for worker in workers:
            worker.process.join(timeout=5 if graceful else 2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=2)
            for queue in (worker.tasks, worker.results):
                queue.close()
                queue.cancel_join_thread()  # never wait on a feeder whose reader is gone

    # -- the work

    def imap(self, items: Iterable[Any]) -> Iterator[Any]:
        """Results in the order of ``items``; at most ``window`` chunks in memory at a time."""
        if not self._workers:
            self.start()
        chunks = self._chunks(iter(items))
        exhausted = False
        expected = 0  # the number of the next chunk to give back
        while True:
            while not exhausted and self._next_number - expected < self.window:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    self._send(chunk)
            while expected in self._done:
                yield from self._done.pop(expected)
                expected += 1
            if exhausted and expected == self._next_number:
                return
            if expected not in self._done:
                self._receive()

    def _chunks(self, items: Iterator[Any]) -> Iterator[_Chunk]:
        batch: list[Any] = []
        weight = 0
        for item in items:
            batch.append(item)
            weight += self.size(item)
            if len(batch) >= self.chunk_items or weight >= self.chunk_bytes:
                yield self._new_chunk(batch)
                batch, weight = [], 0
        if batch:
            yield self._new_chunk(batch)

    def _new_chunk(self, items: list[Any]) -> _Chunk:
        chunk = _Chunk(self._next_number, items)
        self._next_number += 1
        return chunk

    def _send(self, chunk: _Chunk) -> None:
        worker = min(self._workers, key=lambda w: len(w.chunks))  # the least busy
        worker.chunks[chunk.key] = chunk
        worker.tasks.put((chunk.key, chunk.items))

    def _receive(self) -> None:
        """Wait for answers (or a worker's death) and take in every answer that is there."""
        # Queue._reader is the pipe behind the queue (concurrent.futures waits on it the same way).
        readers = {w.results._reader: w for w in self._workers}
        sentinels = {w.process.sentinel: w for w in self._workers}
        ready = wait([*readers, *sentinels], timeout=DEATH_CHECK_SECONDS)
        for handle in ready:
            if handle in readers:
                self._drain(readers[handle])
        for worker in list(self._workers):
            if not worker.process.is_alive():
                self._drain(worker)  # answers sent just before it died still count
                self._replace(worker)

    def _drain(self, worker: _Worker) -> None:
        while True:
            try:
                message = worker.results.get_nowait()
            except Exception:  # queue.Empty, or a pipe cut short by the worker's death
                return
            if message[0] == "init-failed":
                self.close(graceful=False)
                raise message[1]
            _kind, key, results = message
            chunk = worker.chunks.pop(key, None)
            if chunk is not None:
                self._answer(chunk, results)

    def _answer(self, chunk: _Chunk, results: list[Any]) -> None:
        results = [
            ItemFailed(result.kind, result.message, item) if isinstance(result, ItemFailed) else result
            for item, result in zip(chunk.items, results, strict=True)
        ]
        if chunk.part is None:
            self._done[chunk.number] = results
            return
        parts = self._parts[chunk.number]
        parts[chunk.part] = results[0]
        if all(result is not _MISSING for result in parts):
            self._done[chunk.number] = self._parts.pop(chunk.number)

    def _replace(self, dead: _Worker) -> None:
        """A worker died: start another and work its chunks again, one item at a time (the others
        of a chunk must not pay for one item that kills its worker); an item that was already on its
        second try is given back as failed."""
        self._workers.remove(dead)
        self._restarts += 1
        if self._restarts > MAX_RESTARTS_PER_WORKER * self.count:
            self.close(graceful=False)
            raise PoolError(f"worker processes keep dying (last exit code {dead.process.exitcode})")
        self._workers.append(self._spawn())
        reason = f"the worker process died (exit code {dead.process.exitcode})"
        culprit = (dead.current[0], dead.current[1])
        for key, chunk in dead.chunks.items():
            if key != culprit:
                self._send(chunk)  # not started, or its answer was lost with the worker: again as it is
            elif chunk.part is not None:
                self._answer(chunk, [ItemFailed("WorkerDied", reason)])
            else:
                self._parts[chunk.number] = [_MISSING] * len(chunk.items)
                for index, item in enumerate(chunk.items):
                    self._send(_Chunk(chunk.number, [item], part=index))


def _one(item: Any) -> int:
    return 1
