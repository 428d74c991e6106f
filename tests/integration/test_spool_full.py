"""A spool that cannot be written loses nothing (issue 21, item 3). With a dead node and a spool
that fills up (a file size limit on the process: writes fail with EFBIG as they would with ENOSPC
on a full disk, a line half written), the load stops with one clear line, the spool holds only whole
records, a replay writes them all and the same command again loads the rest. A damaged spool line
is kept as a dead letter by the replay, not deleted with its file."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.article import RawArticle
from store.documents import article_document
from tagging.extract import extract_article
from tests.conftest import PROJECT_ROOT, TEST_ALIAS, run_finnews

ARTICLES = 1000
SPOOL_FILE_LIMIT = 200_000  # bytes: room for a few dozen spooled articles


def write_input(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(ARTICLES):
            record = {
                "url": f"https://example.com/news/{number}.html",
                "title": f"测试文章{number}",
                "published_at": "2026-12-01T10:00:00+08:00",
                "text": "北京推进数字经济发展，数字经济板块走强。" * 20,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def limited_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (SPOOL_FILE_LIMIT, SPOOL_FILE_LIMIT))


def spool_lines(spool: Path) -> list[str]:
    return [line for path in sorted((spool / "spool").glob("*.jsonl")) for line in path.read_text().splitlines()]


def indexed(es_node) -> int:
    es_node.indices.refresh(index=TEST_ALIAS)
    return es_node.count(index=TEST_ALIAS)["count"]


def test_a_spool_that_cannot_be_written_stops_the_load_and_loses_nothing(
    cli, fresh_index: str, es_node, tmp_path: Path
) -> None:
    source = tmp_path / "articles.jsonl"
    write_input(source)
    spool = tmp_path / "spool"
    dead_node = {**os.environ, "FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_SPOOL_DIR": str(spool)}
    failed = subprocess.run(
        [sys.executable, "-m", "finnews", "ingest", str(source)],
        capture_output=True, text=True, env=dead_node, cwd=PROJECT_ROOT, preexec_fn=limited_file_size, timeout=300,
    )  # fmt: skip
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("finnews ingest: cannot write to the spool") and "neither indexed nor spooled" in last
    lines = spool_lines(spool)
    assert 0 < len(lines) < ARTICLES
    assert all(json.loads(line)["document"]["url"] for line in lines)  # whole records only, no cut line

    replay = cli("spool", "replay", env={"FINNEWS_SPOOL_DIR": str(spool)})
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert f"{len(lines)} new" in replay.stdout
    assert indexed(es_node) == len(lines)
    again = cli("ingest", str(source), env={"FINNEWS_SPOOL_DIR": str(spool)})
    assert again.returncode == 0, again.stdout + again.stderr
    assert indexed(es_node) == ARTICLES


def test_a_replay_keeps_a_damaged_spool_line_as_a_dead_letter(cli, fresh_index: str, es_node, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    (spool / "spool").mkdir(parents=True)
    documents = [
        article_document(
            extract_article(
                RawArticle(
                    source="text",
                    url=f"https://example.com/kept/{n}.html",
                    title=f"保留{n}",
                    body_text="北京推进数字经济发展，数字经济板块走强。",
                )
            )
        )
        for n in range(2)
    ]
    whole = [json.dumps({"reason": "bulk failed", "document": d}, ensure_ascii=False) for d in documents]
    damaged = whole[1][: len(whole[1]) // 2]  # a line cut short by a crash
    (spool / "spool" / "20261201T000000-1.jsonl").write_text(f"{whole[0]}\n{damaged}\n", encoding="utf-8")
    replay = cli("spool", "replay", env={"FINNEWS_SPOOL_DIR": str(spool)})
    assert replay.returncode == 4, replay.stdout + replay.stderr  # partial: a line was damaged
    assert "1 new" in replay.stdout and "1 damaged line(s) kept as dead letters" in replay.stdout
    assert indexed(es_node) == 1
    assert not list((spool / "spool").glob("*.jsonl"))
    [kept] = [json.loads(line) for p in (spool / "dead-letter").glob("*.jsonl") for line in p.read_text().splitlines()]
    assert kept["damaged_line"] == damaged and "damaged line of 20261201T000000-1.jsonl" in kept["reason"]


def test_a_replay_does_not_put_back_an_older_copy_over_a_newer_one(
    cli, fresh_index: str, es_node, tmp_path: Path
) -> None:
    """Day-17 hunt: a copy spooled while the node was down, then the corrected copy ingested once it was back,
    then the replay: the spooled copy overwrote the correction and was counted as an update."""
    spool = tmp_path / "spool"
    first, second = tmp_path / "v1.jsonl", tmp_path / "v2.jsonl"
    record = {
        "url": "https://example.com/news/corrected.html",
        "title": "更正前后",
        "published_at": "2026-12-01T10:00:00+08:00",
    }
    first.write_text(json.dumps({**record, "text": "初稿，数字有误：营收增长50%。"}, ensure_ascii=False) + "\n")
    second.write_text(json.dumps({**record, "text": "更正稿：营收增长5%。"}, ensure_ascii=False) + "\n")
    # (in this process: a load leaves the spool files its own process wrote for a later replay, as a live
    # process's own are left while it runs; the replay is another process)
    down = cli("ingest", str(first), env={"FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_SPOOL_DIR": str(spool)})
    assert down.returncode == 4 and "1 spooled" in down.stdout, down.stdout + down.stderr
    up = cli("ingest", str(second), env={"FINNEWS_SPOOL_DIR": str(spool)})
    assert up.returncode == 0 and "1 new" in up.stdout, up.stdout + up.stderr
    replay = run_finnews("spool", "replay", env={"FINNEWS_SPOOL_DIR": str(spool)})
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "0 updated, 1 already indexed" in replay.stdout
    es_node.indices.refresh(index=TEST_ALIAS)
    [hit] = es_node.search(index=TEST_ALIAS, size=10)["hits"]["hits"]
    assert hit["_source"]["text"] == "更正稿：营收增长5%。"


def test_a_replay_writes_a_spooled_update_newer_than_the_stored_one(fresh_index: str, es_node) -> None:
    """Review of day 19: a spooled update carries the article's first crawl time as ``crawled_at`` and its own
    as ``updated_at``; the replay compared the first with the stored copy's update time, kept the older stored
    copy and deleted the spool file."""
    from store.client import connect
    from store.documents import document_from_record
    from store.writer import ArticleWriter

    record = {
        "url": "https://example.com/news/three-versions.html",
        "title": "三个版本",
        "crawled_at": "2026-12-01T10:00:00+08:00",
    }
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(document_from_record({**record, "text": "第二版。", "updated_at": "2026-12-01T11:00:00+08:00"}))
    writer.close()
    spooled = document_from_record({**record, "text": "第三版。", "updated_at": "2026-12-01T12:00:00+08:00"})
    replay = ArticleWriter(connect(), TEST_ALIAS, replaying=True)
    replay.add(spooled)
    replay.close()
    stored = es_node.get(index=TEST_ALIAS, id=spooled["id"])["_source"]
    assert stored["text"] == "第三版。" and stored["crawled_at"] == "2026-12-01T10:00:00+08:00"
    # An older spooled copy still yields to the stored one.
    replay = ArticleWriter(connect(), TEST_ALIAS, replaying=True)
    replay.add(document_from_record({**record, "text": "第一版。", "crawled_at": "2026-12-01T10:00:00+08:00"}))
    replay.close()
    assert es_node.get(index=TEST_ALIAS, id=spooled["id"])["_source"]["text"] == "第三版。"
    # Two spooled updates of the article in one replay: merged in order, the newest written (second review).
    replay = ArticleWriter(connect(), TEST_ALIAS, replaying=True)
    for version, hour in (("第四版。", 13), ("第五版。", 14)):
        replay.add(document_from_record({**record, "text": version, "updated_at": f"2026-12-01T{hour}:00:00+08:00"}))
    replay.close()
    stored = es_node.get(index=TEST_ALIAS, id=spooled["id"])["_source"]
    assert stored["text"] == "第五版。" and stored["updated_at"] == "2026-12-01T14:00:00+08:00"


def test_a_replay_for_one_index_leaves_what_was_spooled_for_another(
    cli, fresh_index: str, es_node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review of day 19: every writer of a state folder shares its spool, and the first replay took it all: a
    staging run (its own FINNEWS_INDEX) wrote production's spooled articles into its own index and deleted them."""
    from store.lifecycle import drop_versions

    spool, other = tmp_path / "spool", f"{TEST_ALIAS}-other"
    record = tmp_path / "one.jsonl"
    record.write_text(
        json.dumps({"url": "https://example.com/news/for-other.html", "title": "别处", "text": "别处的文章。"}) + "\n"
    )
    down = {"FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_SPOOL_DIR": str(spool), "FINNEWS_INDEX": other}
    assert cli("ingest", str(record), env=down).returncode == 4
    try:
        here = run_finnews("spool", "replay", env={"FINNEWS_SPOOL_DIR": str(spool)})
        assert here.returncode == 0, here.stdout + here.stderr
        assert "1 file(s) for another index left as they are" in here.stdout
        assert f"FINNEWS_INDEX={other} finnews spool replay" in here.stderr
        assert list((spool / "spool").glob("*.jsonl")) and not es_node.count(index=TEST_ALIAS)["count"]
        listed = run_finnews("spool", "list", env={"FINNEWS_SPOOL_DIR": str(spool)})
        assert f"1 article(s) for {other}" in listed.stdout
        # Nor is it this index's articles waiting, for the health check and the alerts (second review).
        from alerts.service import spool_waiting
        from api.monitoring import spool_state

        monkeypatch.setenv("FINNEWS_SPOOL_DIR", str(spool))
        assert spool_state() == {"files": 0, "articles": 0, "dead_letter_files": 0} and spool_waiting() == 0
        monkeypatch.setenv("FINNEWS_INDEX", other)
        assert spool_state()["articles"] == 1 and spool_waiting() == 1
        monkeypatch.setenv("FINNEWS_INDEX", TEST_ALIAS)
        there = run_finnews("spool", "replay", env={"FINNEWS_SPOOL_DIR": str(spool), "FINNEWS_INDEX": other})
        assert there.returncode == 0 and "1 new" in there.stdout, there.stdout + there.stderr
        assert not list((spool / "spool").glob("*.jsonl"))
    finally:
        drop_versions(es_node, other)
