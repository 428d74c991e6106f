"""``finnews ingest`` with worker processes, into the real node: the same documents as one process,
the same report, and nothing lost or doubled when the load is stopped by Ctrl-C or ``kill -9``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from core.config import PROJECT_ROOT
from core.settings import reload as reload_settings
from finnews.cli import main
from replica.site import DATA_DIR
from scheduler.supervise import interruptible
from tests.conftest import FIXTURES, TEST_ALIAS

POOL_ALIAS = f"{TEST_ALIAS}-pool"  # dropped with the test alias's indices (same prefix)
COMPANIES = ("贵州茅台", "宁德时代", "比亚迪", "中国平安", "招商银行", "隆基绿能")


def ingest_here(
    capsys: pytest.CaptureFixture[str], *args: str, index: str | None = None
) -> subprocess.CompletedProcess:
    """``finnews ingest`` in this process through ``main`` (into ``index`` when given)."""
    with pytest.MonkeyPatch.context() as patch:
        if index:
            patch.setenv("FINNEWS_INDEX", index)
        reload_settings()  # the alias is read from the environment again
        try:
            code = main(["ingest", "--quiet", *args])
        finally:
            patch.undo()
            reload_settings()
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


def records(count: int, prefix: str = "p") -> list[dict[str, object]]:
    """Varied short articles; every tenth repeats the one before it (a syndicated copy)."""
    made = []
    for number in range(count):
        company = COMPANIES[number % len(COMPANIES)]
        story = number - 1 if number % 10 == 9 else number
        made.append(
            {
                "url": f"https://example.com/{prefix}/{number}.html",
                "title": f"{company}公告第{story}号",
                "text": f"{company}今日发布第{story}号公告，公司经营稳健，主营业务收入同比增长，毛利率保持稳定。\n"
                f"分析人士认为{company}所在行业景气度回升，第{story}季度订单增长，海外市场拓展顺利，研发投入继续加大。\n"
                f"市场关注{COMPANIES[story % 3]}的后续表现，机构投资者近期调研频繁，成交量明显放大。",
                "published_at": f"2022-0{1 + story % 9}-1{story % 10}T10:00:00+08:00",
            }
        )
    return made


def write_jsonl(path: Path, lines: list[object]) -> None:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines),
        encoding="utf-8",
    )


WHEN_WRITTEN = ("crawled_at", "updated_at", "indexed_at")  # times of the load, not of the article


def documents(es: Elasticsearch, alias: str) -> dict[str, dict[str, object]]:
    """Every document of ``alias`` by id, without the times of the load (when it was made and sent)."""
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    return {hit["_id"]: {k: v for k, v in hit["_source"].items() if k not in WHEN_WRITTEN} for hit in hits}


def test_workers_index_exactly_the_documents_one_process_does(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(DATA_DIR, archive / "posts")
    shutil.copy(FIXTURES / "chinaorg_article.txt", archive / "chinaorg.txt")
    shutil.copytree(FIXTURES / "real", archive / "real", ignore=shutil.ignore_patterns("*.yaml", "*.tsv"))
    lines: list[object] = list(records(70))
    lines[5] = "not json"
    lines[40] = {"url": "https://example.com/p/bad.html", "title": ["a list"], "text": "正文。"}
    write_jsonl(archive / "feed.jsonl", lines)
    (archive / "empty.html").write_bytes(b"")

    one = ingest_here(capsys, "--workers", "1", "--batch-size", "16", str(archive))
    pooled = ingest_here(capsys, "--workers", "2", "--batch-size", "16", str(archive), index=POOL_ALIAS)
    assert one.returncode == pooled.returncode == 4, one.stderr + pooled.stderr  # three inputs failed
    assert "Traceback" not in one.stderr + pooled.stderr
    assert one.stdout == pooled.stdout, (one.stdout, pooled.stdout)  # the same summary line
    # The mirror's NW post of 202205302396636936 (its share page's code) is the replica's post of that article.
    assert "Ingested 99 article(s) from 33 file(s): 98 new, 1 updated" in one.stdout, one.stdout
    failures = [line for line in one.stderr.splitlines() if "failed:" in line]
    assert failures == [line for line in pooled.stderr.splitlines() if "failed:" in line]  # same lines, same order
    assert [line.split("failed: ")[1].split(":")[0].rsplit("/", 1)[-1] for line in failures] == [
        "empty.html",
        "feed.jsonl",
        "feed.jsonl",
    ]
    alone, shared = documents(es_node, TEST_ALIAS), documents(es_node, POOL_ALIAS)
    assert len(alone) == 98
    assert alone == shared  # the same text, tags, words, fingerprints and duplicate links
    assert sum(1 for doc in alone.values() if doc["dup_of"]) >= 6  # syndicated copies linked alike


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (the fork server and the workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _gone(pids: set[int], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any((Path("/proc") / str(pid)).exists() and _state(pid) != "Z" for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _start_load(archive: Path) -> subprocess.Popen[str]:
    """A load with two workers and small batches, in a session of its own (as a terminal's job)."""
    return subprocess.Popen(
        [sys.executable, "-m", "finnews", "ingest", "--quiet", "--workers", "2", "--batch-size", "10", str(archive)],
        cwd=PROJECT_ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
        preexec_fn=interruptible,  # a terminal's job takes Ctrl-C, even when this suite runs in the background
    )  # fmt: skip


def _wait_until_some_are_written(es: Elasticsearch, load: subprocess.Popen[str], at_least: int) -> set[int]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert load.poll() is None, "the load finished before it could be stopped"
        es.indices.refresh(index=TEST_ALIAS)
        if es.count(index=TEST_ALIAS)["count"] >= at_least:
            return _children(load.pid)
        time.sleep(0.05)
    raise AssertionError("the load wrote nothing in two minutes")


def test_a_load_killed_mid_way_then_run_again_indexes_every_article_once(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "killed.jsonl"
    write_jsonl(archive, records(600, "k"))
    load = _start_load(archive)
    workers = _wait_until_some_are_written(es_node, load, 40)
    os.kill(load.pid, signal.SIGKILL)  # the parent alone, as the OOM killer or `kill -9 PID` would
    load.communicate(timeout=30)
    assert _gone(workers), "worker processes outlived their parent"
    written = es_node.count(index=TEST_ALIAS)["count"]
    assert 40 <= written < 600

    again = ingest_here(capsys, "--workers", "2", str(archive))
    assert again.returncode == 0, again.stdout + again.stderr
    summary = again.stdout.strip()
    new = int(summary.split(": ")[1].split(" new")[0])
    unchanged = int(summary.split("updated, ")[1].split(" unchanged")[0])
    assert new + unchanged == 600 and new == 600 - unchanged, summary
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 600  # every article once (ids come from the URLs)


def test_ctrl_c_writes_what_is_ready_says_so_and_the_next_run_loads_the_rest(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "interrupted.jsonl"
    write_jsonl(archive, records(600, "c"))
    load = _start_load(archive)
    workers = _wait_until_some_are_written(es_node, load, 40)
    os.killpg(load.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group, workers too
    out, err = load.communicate(timeout=60)
    assert load.returncode == 130, out + err
    assert "Traceback" not in err and "interrupted" in err, err
    handed = int(out.split("Ingested ")[1].split(" article")[0])
    assert _gone(workers)
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == handed  # what the summary counts is written

    again = ingest_here(capsys, str(archive))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{600 - handed} new, 0 updated, {handed} unchanged" in again.stdout, again.stdout
