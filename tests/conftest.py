"""Shared fixtures. Integration tests use the real Elasticsearch node that finnews manages (started
here if it is not running; a node that cannot start fails the tests, it never skips them)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.cli import FinnewsHere, run_here

if TYPE_CHECKING:
    from replica.site import ReplicaServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_ALIAS = f"finnews-test-{os.getpid()}"

# Every process the tests start (crawls, CLI calls) writes to the test alias, not the user's index.
os.environ["FINNEWS_INDEX"] = TEST_ALIAS


# The JVM options of the nodes a test starts beside the suite's node (FINNEWS_ES_JAVA_OPTS): without
# the JIT's optimising compiler a node starts on half the CPU (7 s instead of 14 on this machine), and
# these nodes live for seconds. The suite's own node keeps the default options a user's node has.
QUICK_NODE_ENV = {"FINNEWS_ES_JAVA_OPTS": "-XX:TieredStopAtLevel=1"}

# Modules that start, stop or kill nodes of their own: the slowest of the suite.
SLOW_MODULES = {"test_cluster.py", "test_node_outage.py", "test_migrate_under_load.py", "test_faults.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers from where a test lives and what it uses, so that `make test-fast` (-m "not node and not
    browser and not slow") runs every test that needs neither the node nor a browser."""
    for item in items:
        path = Path(str(item.fspath))
        if "integration" in path.parts:
            item.add_marker(pytest.mark.node)
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


# The boards of tests/fixtures/eastmoney_jekyll_post.md tagged from its markup alone: what Eastmoney marks, less
# its 大数据 in 进一步加大数据开放 (加大/数据: the name straddles two words, tagging/tagger.py judged_markup).
SAMPLE_POST_MARKED_BOARDS = frozenset({"BK1061", "BK0800", "BK0830", "BK0832", "BK0628"})
# Tagged from its markup and its text (the default): besides, the sectors its list of key technologies and
# fields names without markup, as labelled by hand in bench/devset/plain.yaml (finews-202205302396636936,
# the last four there as optional readings): 数据要素, 芯片 (半导体), 6G, 量子计算 (量子科技), 软件 (软件开发),
# 算力, 自动驾驶 (无人驾驶), 数字医疗 (互联医疗).
SAMPLE_POST_BOARDS = (
    SAMPLE_POST_MARKED_BOARDS
    | {"BK1135", "BK1036", "BK0964", "BK0710"}
    | {
        "BK0737",
        "BK1134",
        "BK0802",
        "BK0837",
    }
)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def run_finnews(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``finnews`` command in a subprocess (each crawl gets a fresh Twisted reactor)."""
    return subprocess.run(
        [sys.executable, "-m", "finnews", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
    )


def column_crawl_args(server: ReplicaServer, seen_db: Path | None, *extra: str, chunk: int = 5) -> list[str]:
    """``finnews crawl eastmoney`` over the replica's column 345 (10 a page, up to 20 pages, no delay),
    writing batches of ``chunk`` articles and remembering them in ``seen_db`` (its default state without)."""
    remembered = ["-s", f"FINNEWS_SEEN_DB={seen_db}"] if seen_db else []
    return [
        "crawl", "eastmoney", *server.eastmoney_settings(), "-s", "EASTMONEY_COLUMNS=345",
        "-s", "EASTMONEY_PAGE_SIZE=10", "-s", "EASTMONEY_MAX_PAGES=20",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_BULK_CHUNK_SIZE={chunk}", *remembered, *extra,
    ]  # fmt: skip


def start_finnews(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The real ``finnews`` command started in the background (a load or a crawl a test interrupts),
    its output piped as text: ``communicate()`` it."""
    return subprocess.Popen(
        [sys.executable, "-m", "finnews", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="session")
def es_node() -> Iterator[object]:
    from elasticsearch import Elasticsearch

    from store import node
    from store.settings import elasticsearch_settings

    node.start(quiet=True)
    es = Elasticsearch(elasticsearch_settings().url, request_timeout=60)
    yield es
    drop_test_indices(es)


def drop_test_indices(es: object) -> None:
    from store.lifecycle import drop_versions

    drop_versions(es, TEST_ALIAS)


@pytest.fixture
def fresh_index(es_node: object) -> Iterator[str]:
    """A test alias with no documents; deleted afterwards."""
    from store.client import connect
    from store.lifecycle import ensure_index

    es = connect()
    drop_test_indices(es)
    yield ensure_index(es, TEST_ALIAS)
    drop_test_indices(es)


def indexed_urls(es_node: object) -> list[str]:
    """The URLs of every article in the test alias (after a refresh)."""
    es_node.indices.refresh(index=TEST_ALIAS)
    hits = es_node.search(index=TEST_ALIAS, size=1000, source_includes=["url"])["hits"]["hits"]
    return [hit["_source"]["url"] for hit in hits]


def expected_urls(site: object) -> set[str]:
    """The canonical URLs of a replica site's articles."""
    return {f"https://finance.eastmoney.com/a/{a.code}.html" for a in site.articles}


@pytest.fixture
def configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of ``configs/`` that the loaders read (``FINNEWS_CONFIG_DIR``), read afresh before and
    after the test (which may rewrite its files)."""
    from core.settings import reload as reload_settings

    directory = tmp_path / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", directory)
    monkeypatch.setenv("FINNEWS_CONFIG_DIR", str(directory))
    reload_settings()
    yield directory
    reload_settings()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> FinnewsHere:
    """``cli("search", "数字经济", env={...})``: the finnews command in this process, answered like
    :func:`run_finnews` (tests.support.cli; not for crawls)."""
    return functools.partial(run_here, capsys)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """A fresh headless Chromium per test (Playwright's BrowserContext; imported only when a test asks)."""
    from tests.integration.served import chromium

    with chromium(tmp_path / "profile") as context:
        yield context
