"""Distributed crawling for real: a Redis server from Debian's package on 127.0.0.1, two crawler
processes sharing one crawl of the local replica."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from replica.site import ReplicaServer, ReplicaSite, synthetic_articles
from tests.conftest import PROJECT_ROOT, column_crawl_args, expected_urls, indexed_urls
from tests.integration.receivers import free_port

ARTICLES = 60
SWEEP_LINE = re.compile(r"sweeping (\d+) list request")  # logged by the worker that runs the closing sweep


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    assert server, "redis-server is not installed: run `make setup` (scripts/ensure-system-deps.sh installs it)"
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=20)


def worker(server: ReplicaServer, url: str) -> subprocess.Popen:
    command = [
        # -v: the closing sweep is said in Scrapy's log (INFO), which a crawl leaves out by default.
        sys.executable, "-m", "finnews",
        *column_crawl_args(server, None, "--distributed", "-v", "-s", "CONCURRENT_REQUESTS=2"),
    ]  # fmt: skip
    env = {**os.environ, "FINNEWS_REDIS_URL": url}
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_workers_fetch_every_article_page_exactly_once(fresh_index: str, es_node, redis_url: str) -> None:
    # Slow enough pages (60 × 0.25 s over 2 connections) that the second worker, which looks at the
    # shared queue every few seconds while idle, joins before the first could finish alone.
    site = ReplicaSite(synthetic_articles(ARTICLES), article_delay=0.25)
    with ReplicaServer(site) as server:
        workers = [worker(server, redis_url), worker(server, redis_url)]
        outputs = [w.communicate(timeout=300) for w in workers]
    for process, (out, err) in zip(workers, outputs, strict=True):
        assert process.returncode == 0, out + err
        assert "Traceback" not in err
    article_fetches = {path: n for path, n in site.requests.items() if path.startswith("/a/2")}
    assert len(article_fetches) == ARTICLES and set(article_fetches.values()) == {1}
    new_counts = [int(out.split("articles: ")[1].split(" new")[0]) for out, _ in outputs]
    assert sum(new_counts) == ARTICLES and min(new_counts) > 0  # both workers did part of the crawl
    # Exactly one worker ran the closing sweep, and it read the lists again.
    sweeps = [int(found.group(1)) for _, err in outputs if (found := SWEEP_LINE.search(err))]
    assert len(sweeps) == 1 and sweeps[0] > 0, [err[-2000:] for _, err in outputs]
    urls = indexed_urls(es_node)
    assert len(urls) == len(set(urls)) == ARTICLES and set(urls) == expected_urls(site)


def test_a_worker_killed_mid_crawl_loses_nothing(fresh_index: str, es_node, redis_url: str) -> None:
    site = ReplicaSite(synthetic_articles(ARTICLES), article_delay=0.05)
    with ReplicaServer(site) as server:
        doomed, survivor = worker(server, redis_url), worker(server, redis_url)
        deadline = time.monotonic() + 120
        while site.article_requests() < ARTICLES // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=60)
        out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, out + err
    found = SWEEP_LINE.search(err)  # the survivor looked for what the killed worker left
    assert found and int(found.group(1)) > 0, err[-2000:]
    urls = indexed_urls(es_node)
    assert len(urls) == len(set(urls)) == ARTICLES
    assert set(urls) == expected_urls(site)


def test_distributed_crawl_without_redis_is_refused_clearly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "finnews", "crawl", "eastmoney", "--distributed"],
        cwd=PROJECT_ROOT, env={**os.environ, "FINNEWS_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "does not answer" in result.stderr and "Traceback" not in result.stderr
