"""Live latency and memory: how long an item on the Eastmoney replica's 7×24 list takes to be
(a) searchable and (b) delivered to a webhook by ``finnews live``, and how the live process's memory
moves while it runs.

The real ``finnews live`` runs in a subprocess (its own state directory and alias) against
``ReplicaSite`` (2026 answers) served from this process; a thread publishes ``--items`` new items at
random gaps (mean ``--gap`` seconds); a local webhook receiver notes when each delivery arrives; a
thread asks the node every 0.5 s which published articles are searchable. Latencies are measured
from the moment an item appears on the list. Memory is the live process's RSS (``/proc``), sampled
every 5 s: the first sample after the first poll, the largest, the last, and the growth per hour
from a least-squares line over the second half of the run (a leak shows as a steady slope); its open
file descriptors are sampled alongside (a poll that kept its connections shows as a steady rise).

Goal (issue 24): with a 30 s poll interval, p95 within the interval plus 15 s for both.

Run: ``.venv/bin/python bench/live.py [--items 100] [--gap 6] [--interval 30] [--minutes M]``
(``--minutes`` publishes for that long instead, at the same mean gap, for the memory over an hour.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from core.config import PROJECT_ROOT  # noqa: E402
from core.urls import document_id  # noqa: E402
from replica.site import ReplicaServer, ReplicaSite, SiteForms, live_flash, load_articles  # noqa: E402
from store import node  # noqa: E402
from store.client import connect  # noqa: E402
from store.lifecycle import drop_versions  # noqa: E402

WORD = "基准快讯"


class Receiver:
    """Notes the arrival time of every delivery key."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.copies = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.monotonic()
                for key in (self.headers.get("X-Finnews-Delivery") or "").split(","):
                    if key in receiver.arrived:
                        receiver.copies += 1
                    elif key:
                        receiver.arrived[key] = now
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook/bench"


def configs(folder: Path, interval: float) -> Path:
    target = folder / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", target)
    (target / "watchlists.yaml").write_text(
        f"watchlists:\n  - name: bench\n    title: 基准\n    query: '\"{WORD}\"'\n    channels: [hook]\n",
        encoding="utf-8",
    )
    (target / "alerts.yaml").write_text("channels:\n  hook:\n    type: webhook\n", encoding="utf-8")
    (target / "live.yaml").write_text(
        f"sources:\n  - name: fast\n    spider: eastmoney\n    args: {{sources: fast, max_pages: 3}}\n"
        f"    interval: {interval:g}\n",
        encoding="utf-8",
    )
    return target


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def open_files(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def slope_per_hour(samples: list[tuple[float, int]]) -> float:
    """MiB per hour of a least-squares line through the second half of the samples."""
    half = samples[len(samples) // 2 :]
    if len(half) < 3:
        return 0.0
    xs = [t for t, _ in half]
    ys = [kib / 1024 for _, kib in half]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    denominator = sum((x - mean_x) ** 2 for x in xs) or 1.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / denominator * 3600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--gap", type=float, default=6.0, help="mean seconds between published items")
    parser.add_argument("--interval", type=float, default=30.0, help="poll interval of finnews live")
    parser.add_argument("--minutes", type=float, help="publish for this long instead of --items")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    node.start(quiet=True)
    es = connect()
    alias = f"finnews-bench-live-{os.getpid()}"
    base = load_articles()
    site = ReplicaSite(base[:5], forms=SiteForms.of("2026"))
    receiver = Receiver()
    published: dict[str, float] = {}  # code → when it appeared on the list
    searchable: dict[str, float] = {}
    stop = threading.Event()
    with tempfile.TemporaryDirectory(prefix="finnews-bench-live-") as scratch, ReplicaServer(site) as replica:
        folder = Path(scratch)
        env = {
            **os.environ,
            "FINNEWS_CONFIG_DIR": str(configs(folder, args.interval)),
            "FINNEWS_STATE_DIR": str(folder / "state"),
            "FINNEWS_SPOOL_DIR": str(folder / "spool"),
            "FINNEWS_INDEX": alias,
            "FINNEWS_ALERT_HOOK_URL": receiver.url,
        }
        publishing_s = args.minutes * 60 if args.minutes else args.items * args.gap
        command = [
            sys.executable, "-m", "finnews", "live", "fast", "--for", f"{publishing_s + 2 * args.interval + 30:g}",
            *replica.eastmoney_settings("fast"), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        ]  # fmt: skip
        live = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        memory: list[tuple[float, int]] = []
        files: list[int] = []  # open file descriptors (a crawl that kept its connections shows here)
        started = time.monotonic()

        def sample_memory() -> None:
            while not stop.is_set() and live.poll() is None:
                kib = rss_kib(live.pid)
                if kib:
                    memory.append((time.monotonic() - started, kib))
                count = open_files(live.pid)
                if count is not None:
                    files.append(count)
                stop.wait(5)

        def watch_index() -> None:
            while not stop.is_set():
                waiting = [c for c in published if c not in searchable]
                if waiting:
                    urls = [f"https://finance.eastmoney.com/a/{c}.html" for c in waiting]
                    try:
                        es.indices.refresh(index=alias)
                        hits = es.search(index=alias, query={"terms": {"url": urls}}, size=len(urls), _source=["url"])
                        now = time.monotonic()
                        for hit in hits["hits"]["hits"]:
                            searchable.setdefault(hit["_source"]["url"].rsplit("/", 1)[-1][:-5], now)
                    except Exception:  # the alias does not exist before the first poll's writes
                        pass
                stop.wait(0.5)

        threading.Thread(target=sample_memory, daemon=True).start()
        threading.Thread(target=watch_index, daemon=True).start()
        time.sleep(args.interval + 10)  # the first poll indexes the archive; the push cursor starts
        number = 0
        deadline = time.monotonic() + publishing_s
        while (time.monotonic() < deadline) if args.minutes else (number < args.items):
            article = live_flash(base[number % len(base)], number, f"{WORD}第{number}条")  # a story each
            site.publish(article)
            published[article.code] = time.monotonic()
            number += 1
            time.sleep(rng.expovariate(1 / args.gap))
        last = time.monotonic() + 2 * args.interval + 20
        while time.monotonic() < last and (len(receiver.arrived) < len(published) or len(searchable) < len(published)):
            time.sleep(1)
        stop.set()
        live.terminate()
        output = live.communicate(timeout=120)[0].decode("utf-8", "replace")
        drop_versions(es, alias)
    by_code = {key.split("|")[1]: when for key, when in receiver.arrived.items()}
    ids = {code: document_id(f"https://finance.eastmoney.com/a/{code}.html") for code in published}
    to_search = [searchable[c] - published[c] for c in published if c in searchable]
    to_hook = [by_code[ids[c]] - published[c] for c in published if ids[c] in by_code]
    result = {
        "items": len(published),
        "interval_s": args.interval,
        "searchable": len(to_search),
        "delivered": len(to_hook),
        "second_copies": receiver.copies,
        "to_searchable_s": {"p50": round(percentile(to_search, 0.5), 1), "p95": round(percentile(to_search, 0.95), 1)}
        if to_search
        else None,
        "to_webhook_s": {"p50": round(percentile(to_hook, 0.5), 1), "p95": round(percentile(to_hook, 0.95), 1)}
        if to_hook
        else None,
        "goal_p95_s": args.interval + 15,
        "rss_mib": {
            # The first sample once the first poll is done (the process starts at a few MiB).
            "first": round(next((k for t, k in memory if t >= args.interval + 10), memory[-1][1]) / 1024, 1),
            "max": round(max(k for _, k in memory) / 1024, 1),
            "last": round(memory[-1][1] / 1024, 1),
            "growth_mib_per_hour": round(slope_per_hour(memory), 1),
            "minutes": round(memory[-1][0] / 60, 1),
        }
        if memory
        else None,
        "open_files": {"first": files[0], "max": max(files), "last": files[-1]} if files else None,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if len(to_hook) < len(published):
        print(output[-3000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
