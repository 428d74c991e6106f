"""Ingest speed: articles per second of ``finnews ingest`` of a JSON Lines archive, in one process
and with one worker process per core, against two ceilings measured in the same run:

- **tagging**: extract + tag (+ the index document: words, SimHash) alone, in the same worker pool
  across all cores, writing nothing — what the machine can clean and tag;
- **store**: the store's bulk path alone (``ArticleWriter``, existence check, duplicate look-up,
  ``_bulk``) fed the same documents, made beforehand — what the node and the writer can take.

The archive (default 6,000 articles) is made from the development texts in ``bench/devset/texts``
(mirrored Eastmoney posts, with and without ticker markup, and finance pages as text) and the
replica's four marked-up articles: each record takes a base article's title and body, one
paragraph of another article (so texts and fingerprints differ), its own URL and a date spread over a
year. Records carry HTML (``html``) or text (``text``) as their base did.

Each measurement runs in a fresh process (``bench/ingest.py --phase …``) so none inherits another's
warm caches; each writes to its own alias ``finnews-bench-ingest-<pid>-<phase>``, deleted by exact
name afterwards, with the spool in a temporary folder. Rates count from the first article that comes
out of cleaning and tagging to the end of the load (start-up — imports, starting and warming the
workers — is printed apart), so the ceilings and the loads are measured alike.

Run: ``.venv/bin/python bench/ingest.py [--articles N] [--workers N] [--rounds N]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ALIAS_PREFIX = "finnews-bench-ingest"
BASE_FOLDERS = (ROOT / "bench" / "devset" / "texts", ROOT / "replica" / "data" / "eastmoney")
START = datetime(2021, 6, 1)


# --- the archive ---------------------------------------------------------------------------------


def base_records() -> list[dict[str, Any]]:
    """The development articles as JSON Lines records (title, media, date, and html or text)."""
    from tagging.extract import parse_document
    from tagging.pages.page import decode_html

    records = []
    for folder in BASE_FOLDERS:
        for path in sorted(folder.iterdir()):
            raw = parse_document(decode_html(path.read_bytes()))
            body = {"html": raw.body_html} if raw.body_html else {"text": raw.body_text or ""}
            paragraphs = [line.strip() for line in (raw.body_text or raw.digest or "").splitlines() if line.strip()]
            records.append(
                {"title": raw.title or path.stem, "media": raw.media, **body, "_lines": paragraphs or [raw.title or ""]}
            )
    return records


def archive_records(count: int, seed: int = 20261122) -> list[dict[str, Any]]:
    """``count`` distinct records: a base article, one paragraph of another, a URL and a date of its own."""
    bases = base_records()
    donors = [line for base in bases for line in base["_lines"] if len(line) > 20] or ["市场人士认为后市仍需观察。"]
    rng = random.Random(seed)
    made = []
    for number in range(count):
        base = bases[number % len(bases)]
        extra = rng.choice(donors)
        record: dict[str, Any] = {
            "url": f"https://bench.finnews.local/a/{seed}-{number}.html",
            "title": f"{base['title']}（{number}）",
            "published_at": (START + timedelta(minutes=rng.randint(0, 365 * 24 * 60))).isoformat() + "+08:00",
            "media": base["media"],
        }
        if "html" in base:
            record["html"] = f"{base['html']}<p>{extra}</p>"
        else:
            record["text"] = f"{base['text']}\n{extra}"
        made.append(record)
    return made


def write_archive(path: Path, count: int) -> int:
    records = archive_records(count)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


# --- phases (each in its own process) ------------------------------------------------------------


def _fresh_alias() -> str:
    from store.client import connect
    from store.lifecycle import current_alias, drop_versions, ensure_index

    alias = current_alias()
    if not alias.startswith(ALIAS_PREFIX):
        raise SystemExit(f"refusing to write to {alias}: not a benchmark alias")
    es = connect()
    drop_versions(es, alias)
    ensure_index(es, alias)
    return alias


def phase_tagging(archive: Path, workers: int, documents_out: Path | None) -> dict[str, Any]:
    """Extract + tag + document of every record in ``workers`` processes (1: this one), writing nothing
    (or the documents to ``documents_out``, for the store's ceiling)."""
    from ingest.work import input_units, parallel_map, prepare, unit_size

    started = time.perf_counter()
    first = None
    count = failed = 0
    out = documents_out.open("w", encoding="utf-8") if documents_out else None
    for result in parallel_map(prepare, input_units([archive]), workers, size=unit_size):
        if first is None:
            first = time.perf_counter()
        _file, _where, document, _failure = result
        if document is None:
            failed += 1
            continue
        count += 1
        if out:
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
    end = time.perf_counter()
    if out:
        out.close()
    return {"articles": count, "failed": failed, "startup": first - started, "seconds": end - first}


def phase_store(documents: Path) -> dict[str, Any]:
    """``ArticleWriter`` alone, fed documents made beforehand (the crawl's and ingest's bulk path)."""
    from store.client import connect
    from store.lifecycle import drop_versions, relaxed_refresh
    from store.writer import ArticleWriter

    alias = _fresh_alias()
    loaded = [json.loads(line) for line in documents.open(encoding="utf-8")]
    es = connect()
    try:
        started = time.perf_counter()
        writer = ArticleWriter(es, alias)
        with relaxed_refresh(es, alias):  # as ingest does for a large load
            writer.add_many(loaded)
            counts = writer.close()
        seconds = time.perf_counter() - started
        indexed = es.count(index=alias)["count"]
    finally:
        drop_versions(es, alias)
    return {"articles": len(loaded), "seconds": seconds, "startup": 0.0, "indexed": indexed, "counts": counts}


def phase_ingest(archive: Path, workers: int) -> dict[str, Any]:
    """``finnews ingest`` as the command runs it (``ingest()``), timed from the first article the
    writer is given."""
    from ingest import run as ingest_module
    from store.client import connect
    from store.lifecycle import drop_versions
    from store.writer import ArticleWriter

    alias = _fresh_alias()
    marks: dict[str, float] = {}
    add = ArticleWriter.add

    def add_and_mark(self: ArticleWriter, document: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        marks.setdefault("first", time.perf_counter())
        add(self, document, *args, **kwargs)

    ArticleWriter.add = add_and_mark  # type: ignore[method-assign]
    started = time.perf_counter()
    report = ingest_module.ingest([archive], progress=False, workers=workers)
    end = time.perf_counter()
    es = connect()
    try:
        es.indices.refresh(index=alias)
        indexed = es.count(index=alias)["count"]
    finally:
        drop_versions(es, alias)
    return {
        "articles": report.articles,
        "failed": len(report.failures),
        "workers": report.workers,
        "startup": marks["first"] - started,
        "seconds": end - marks["first"],
        "indexed": indexed,
        "counts": report.counts,
    }


class CpuSampler:
    """CPU seconds used by the processes of some process groups (the phase with its workers, the
    Elasticsearch node), sampled from /proc every 0.2 s: a process's last count before it ends is kept."""

    def __init__(self, groups: dict[str, int]) -> None:
        self.groups = groups
        self.seen: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        wanted = {group: name for name, group in self.groups.items()}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            group = int(fields[2])  # pgrp (fields after the command name start at "state")
            if group in wanted:
                seconds = (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime
                self.seen[(wanted[group], int(entry.name))] = seconds

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self._sample()

    def __enter__(self) -> CpuSampler:
        self._sample()
        self.start = dict(self.seen)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self._sample()

    def seconds(self, name: str) -> float:
        return sum(v - self.start.get(k, 0.0) for k, v in self.seen.items() if k[0] == name)


def node_group() -> int:
    from core.config import state_dir

    port = os.environ.get("FINNEWS_ES_PORT", "9200")
    return int((state_dir() / "es" / f"node-{port}" / "elasticsearch.pid").read_text())


def run_phase(*args: str) -> dict[str, Any]:
    """One phase in a fresh process (and process group); its result, with the CPU seconds of the
    phase (its workers included) and of the Elasticsearch node while it ran."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--phase", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    with CpuSampler({"phase": child.pid, "node": node_group()}) as cpu:
        out, err = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"phase {args} failed:\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu"], result["node_cpu"] = cpu.seconds("phase"), cpu.seconds("node")
    return result


def peak_rss_mib() -> float:
    """This process's peak RSS since it started (VmHWM: its own memory after exec, unlike
    ``ru_maxrss``, which also counts the process it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main_phase(argv: list[str]) -> int:
    name, archive = argv[0], Path(argv[1])
    # Before anything reads the settings (they are cached): this phase's own alias, never the user's.
    os.environ["FINNEWS_INDEX"] = f"{ALIAS_PREFIX}-{os.getppid()}-{name}{argv[2] if len(argv) > 2 else ''}"
    if name == "tagging":
        out = Path(argv[3]) if len(argv) > 3 else None
        result = phase_tagging(archive, int(argv[2]), out)
    elif name == "store":
        result = phase_store(archive)
    else:
        result = phase_ingest(archive, int(argv[2]))
    result["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(result))
    return 0


# --- report --------------------------------------------------------------------------------------


def rate(result: dict[str, Any]) -> float:
    return result["articles"] / result["seconds"]


def line(label: str, result: dict[str, Any]) -> str:
    extra = f"; indexed {result['indexed']}" if "indexed" in result else ""
    return (
        f"{label:<34} {rate(result):7.0f} articles/s  ({result['articles']} in {result['seconds']:.1f} s after "
        f"{result['startup']:.1f} s start-up; CPU: finnews {result['cpu']:.1f} s, node {result['node_cpu']:.1f} s"
        f"{extra})"
    )


def spread(values: list[float], unit: str) -> str:
    low, high = min(values), max(values)
    middle = statistics.median(values)
    return f"{middle:{unit}} (rounds: {low:{unit}}–{high:{unit}})" if len(values) > 1 else f"{middle:{unit}}"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        return main_phase(sys.argv[2:])
    from ingest.pool import default_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=6000, help="records in the archive (default 6000)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="worker processes (default: cores)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of ceiling and loads (default 3)")
    args = parser.parse_args()
    rounds: list[dict[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="finnews-bench-ingest-") as scratch:
        os.environ["FINNEWS_SPOOL_DIR"] = str(Path(scratch) / "spool")  # never the user's spool
        archive = Path(scratch) / "archive.jsonl"
        size = write_archive(archive, args.articles)
        documents = Path(scratch) / "documents.jsonl"
        load = os.getloadavg()
        print(
            f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} at start; archive: {args.articles} "
            f"records, {size / 1048576:.1f} MiB; {args.workers} worker(s); {args.rounds} round(s)",
            flush=True,
        )
        tag_one = run_phase("tagging", str(archive), "1", str(documents))
        print(line("extract+tag, 1 process", tag_one), flush=True)
        store = run_phase("store", str(documents))
        print(line("store bulk path alone (ceiling)", store), flush=True)
        phases = {
            "ceiling": (f"extract+tag, {args.workers} workers (ceiling)", ("tagging", str(archive), str(args.workers))),
            "pooled": (f"ingest, {args.workers} workers", ("ingest", str(archive), str(args.workers))),
            "one": ("ingest, 1 process", ("ingest", str(archive), "1")),
        }
        for number in range(args.rounds):
            # Back to back, the order turned round every other round: the machine's drift (other
            # jobs, caches) falls on each phase alike and the ratios compare runs minutes apart.
            names = list(phases) if number % 2 == 0 else list(reversed(phases))
            print(f"round {number + 1}:", flush=True)
            results = {}
            for name in names:
                label, phase_args = phases[name]
                results[name] = run_phase(*phase_args)
                print("  " + line(label, results[name]), flush=True)
            rounds.append(results)
    lower_is_store = [rate(store) < rate(r["ceiling"]) for r in rounds]
    against_ceiling = [
        rate(r["pooled"]) / min(rate(r["ceiling"]), rate(store)) for r in rounds
    ]  # the lower of the two ceilings
    speed_ups = [rate(r["pooled"]) / rate(r["one"]) for r in rounds]
    print()
    print(f"ingest speed-up, {args.workers} workers / 1 process: {spread(speed_ups, '.2f')}× (goal ≥ 1.6×)")
    lower = "store" if all(lower_is_store) else "tagging" if not any(lower_is_store) else "store or tagging"
    print(f"ingest / lower ceiling ({lower}, median of rounds): {spread(against_ceiling, '.0%')} (goal ≥ 80%)")
    scaling = [rate(r["ceiling"]) / rate(tag_one) for r in rounds]
    print(f"tagging scaling, {args.workers} workers / 1 process: {spread(scaling, '.2f')}×")
    node_ms = [1000 * r["pooled"]["node_cpu"] / r["pooled"]["articles"] for r in rounds]
    print(f"node CPU during the pooled load: {spread(node_ms, '.2f')} ms an article")
    print(
        f"peak RSS: ingest parent {max(r['pooled']['peak_rss_mib'] for r in rounds):.0f} MiB with workers, "
        f"{max(r['one']['peak_rss_mib'] for r in rounds):.0f} MiB in one process"
    )
    indexed = [(r["one"]["indexed"], r["pooled"]["indexed"]) for r in rounds]
    complete = all(one == pooled == args.articles for one, pooled in indexed)
    verdict = "OK" if complete else "MISMATCH"
    print(f"documents indexed (1 process, pool) by round: {indexed} ({verdict})")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
