"""Fault injection: bad records and files, a giant page, a node that refuses or is not there, a node
killed mid-load. Each bad input is named and skipped, no good article is lost, and no fault leaves a
trap behind (a poison pill in the spool, refresh switched off, copies piling up)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import ApiError, Elasticsearch, TransportError

from core.config import PROJECT_ROOT
from core.urls import document_id
from store.documents import KEYWORD_CHARS
from tests.conftest import QUICK_NODE_ENV, TEST_ALIAS, indexed_urls, run_finnews, start_finnews
from tests.support.proxies import BodyLimitProxy, BulkGate, ForwardingProxy


def record(number: int, **fields: object) -> dict[str, object]:
    return {
        "url": f"https://example.com/faults/{number}.html",
        "title": f"新闻{number}",
        "text": f"正文第{number}篇。",
        **fields,
    }


def write_jsonl(path: Path, lines: list[object]) -> None:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )


def tagged(number: int, **fields: object) -> dict[str, object]:
    return {**record(number), "boards": [], "stocks": [], "topics": [], **fields}


# --- 1. Every JSON Lines record validated and isolated ------------------------------------------------


def test_records_of_the_wrong_shape_are_named_and_skipped_and_every_good_record_is_indexed(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    write_jsonl(
        bad,
        [
            record(1),
            record(2, title=["list"]),
            {"url": 12345, "title": "数字", "text": "正文。"},
            record(4, media=["x"]),
            record(5, text={}),
            tagged(6, title=["list"]),
            tagged(7, stocks="600519"),
            record(8),
            "[1, 2]",
            "{not json",
            "[" * 100_000 + "]" * 100_000,
            record(12, keywords=[1, 2]),
            tagged(13),
        ],
    )
    write_jsonl(tmp_path / "good.jsonl", [record(20), record(21)])
    result = run_finnews("ingest", "--quiet", str(tmp_path))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Ingested 5 article(s) from 2 file(s): 5 new" in result.stdout, result.stdout
    for expected in (
        f"{bad}:2: field 'title': expected a string, got list",
        f"{bad}:3: field 'url': expected a string, got int",
        f"{bad}:4: field 'media': expected a string, got list",
        f"{bad}:5: field 'text': expected a string, got object",
        f"{bad}:6: field 'title': expected a string, got list",
        f"{bad}:7: field 'stocks': expected a list of objects, got string",
        f"{bad}:9: expected a JSON object, got list",
        f"{bad}:10: not JSON",
        f"{bad}:11: ",
        f"{bad}:12: field 'keywords': expected a list of strings, got list",
    ):
        assert expected in result.stderr, result.stderr
    assert len([line for line in result.stderr.splitlines() if "failed:" in line]) == 10
    urls = set(indexed_urls(es_node))
    assert urls == {f"https://example.com/faults/{n}.html" for n in (1, 8, 13, 20, 21)}


def test_a_keyword_value_too_long_for_the_index_is_cut_and_the_article_indexed(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """A keyword value of more than 32,766 bytes makes the node refuse the whole document (an immense term): an
    author line, a tag or a keyword of 40,000 characters (a broken page, a base64 run in the text) is cut, and the
    article is indexed with everything else it has."""
    blob = "QUJD" * 10_000  # one "word" of 40,000 letters, as jieba reads a base64 run
    write_jsonl(
        tmp_path / "long.jsonl",
        [
            record(30, author="作" * 40_000, media="媒" * 40_000),
            tagged(31, tags=["标" * 40_000], keywords=["k" * 40_000]),
            record(32, text="贵州茅台发布公告。" + blob + "。贵州茅台涨停。"),
            record(33),
        ],
    )
    result = run_finnews("ingest", "--quiet", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(indexed_urls(es_node)) == {f"https://example.com/faults/{n}.html" for n in (30, 31, 32, 33)}
    stored = es_node.get(index=TEST_ALIAS, id=document_id("https://example.com/faults/30.html"))["_source"]
    assert len(stored["author"]) == KEYWORD_CHARS and len(stored["media"]) == KEYWORD_CHARS
    assert "author, media cut to 1024 characters" in result.stderr, result.stderr


def test_a_tag_entry_with_a_key_the_index_does_not_map_is_indexed_without_it(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    """The mapping is strict: a tagged record whose board or topic entries carry a key of another tool (a score)
    was refused whole by the node, a dead letter. The key is dropped with a warning and the article indexed."""
    board = {"secid": "90.BK1061", "code": "BK1061", "name": "数字经济", "score": 0.93}
    write_jsonl(
        tmp_path / "scored.jsonl",
        [tagged(34, boards=[board], topics=[{"id": "digital-economy", "name": "数字经济", "weight": 2}]), record(35)],
    )
    result = run_finnews("ingest", "--quiet", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(indexed_urls(es_node)) == {f"https://example.com/faults/{n}.html" for n in (34, 35)}
    stored = es_node.get(index=TEST_ALIAS, id=document_id("https://example.com/faults/34.html"))["_source"]
    assert stored["boards"] == [{"secid": "90.BK1061", "code": "BK1061", "name": "数字经济"}]
    assert "boards.score, topics.weight dropped" in result.stderr, result.stderr


# --- 2/9. File guards ---------------------------------------------------------------------------------


def small_limit_configs(directory: Path, megabytes: float) -> Path:
    configs = directory / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", configs)
    finnews = configs / "finnews.yaml"
    finnews.write_text(
        finnews.read_text(encoding="utf-8").replace("max_article_mb: 5", f"max_article_mb: {megabytes}"),
        encoding="utf-8",
    )
    return configs


def run_unprivileged(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """``finnews`` with folder permissions in force: root reads any folder unless it gives up the
    capabilities that let it (the same user, so the project and its virtual environment stay readable)."""
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*drop, sys.executable, "-m", "finnews", *args],
        capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT, env={**os.environ, **env},
    )  # fmt: skip


def test_fifos_dangling_links_unreadable_folders_and_giant_pages_are_named_and_good_files_indexed(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    configs = small_limit_configs(tmp_path, 0.01)  # 10 KB per article
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    (archive / "good.txt").write_text("贵州茅台发布年度报告。", encoding="utf-8")
    (archive / "sub" / "also-good.txt").write_text("宁德时代发布新电池。", encoding="utf-8")
    os.mkfifo(archive / "pipe.html")
    (archive / "gone.html").symlink_to(tmp_path / "nowhere.html")
    (archive / "giant.html").write_text("<html><body><p>" + "大" * 20_000 + "</p></body></html>", encoding="utf-8")
    # 34: an export's line of an article within the limit, longer than it with its tags (review of day 19).
    mentions = [{"kind": "stock", "secid": "1.600519", "name": "贵州茅台", "where": "text"}] * 300
    exported = tagged(34, text="贵州茅台" * 800, keywords=["贵州茅台"], mentions=mentions)
    write_jsonl(archive / "records.jsonl", [record(31), record(32, text="长" * 20_000), record(33), exported])
    assert len(json.dumps(exported, ensure_ascii=False).encode()) > 10 * 1024 > len(exported["text"].encode())
    locked = archive / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("看不到的文章。", encoding="utf-8")
    locked.chmod(0)
    env = {"FINNEWS_CONFIG_DIR": str(configs), "FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}

    result = run_unprivileged("ingest", "--quiet", str(archive), env=env)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Ingested 5 article(s)" in result.stdout and "5 new" in result.stdout, result.stdout + result.stderr
    failures = [line for line in result.stderr.splitlines() if "failed:" in line]
    expected = {
        f"{locked}: cannot read folder: Permission denied",
        f"{archive / 'gone.html'}: dangling symbolic link (→ {tmp_path / 'nowhere.html'})",
        f"{archive / 'pipe.html'}: not a regular file: a FIFO (named pipe)",
        f"{archive / 'giant.html'}: file of 0.1 MB is over the limit of 0.01 MB per article",
        f"{archive / 'records.jsonl'}:2: record of 0.1 MB is over the limit of 0.01 MB per article",
    }
    for line in expected:
        assert any(line in failure for failure in failures), (line, result.stderr)
    assert len(failures) == len(expected), result.stderr
    assert len(indexed_urls(es_node)) == 5

    # A folder that cannot be read at all is an error, not "0 articles from 0 files" and success.
    unreadable = run_unprivileged("ingest", "--quiet", str(locked), env=env)
    assert unreadable.returncode == 1 and f"{locked}: cannot read folder" in unreadable.stderr

    # extract checks the file before opening it: a FIFO is an error line at once, not a hang.
    extracted = run_finnews("extract", str(archive / "pipe.html"), str(archive / "good.txt"), timeout=60)
    rows = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert extracted.returncode == 4  # partial: one of two files
    assert rows[0]["error"] == "not a regular file: a FIFO (named pipe)" and "error" not in rows[1]
    locked.chmod(0o700)  # so that pytest can clean up


# --- 4. The spool: no poison pill, no copies, counted by the crawl ------------------------------------


def spool_entry(document: dict[str, object], attempts: int = 0) -> dict[str, object]:
    entry: dict[str, object] = {"reason": "status 429: test", "document": document}
    if attempts:
        entry["attempts"] = attempts
    return entry


@contextlib.contextmanager
def write_block(es: Elasticsearch) -> Iterator[None]:
    """The node refuses every write to the test alias (403), as an overloaded or full node would."""
    es.indices.put_settings(index=TEST_ALIAS, settings={"index.blocks.write": True})
    try:
        yield
    finally:
        es.indices.put_settings(index=TEST_ALIAS, settings={"index.blocks.write": None})


def spool_contents(root: Path, kind: str) -> list[dict[str, object]]:
    return [json.loads(line) for path in sorted((root / kind).glob("*.jsonl")) for line in path.open()]


def test_the_spool_keeps_what_a_blocked_node_refuses_however_often_and_invalid_documents_are_dead_letters(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    from store.documents import article_document

    good, giant, invalid, refused = (
        article_document(tagged(41)),
        article_document(tagged(42, text="巨大的页面。\n" * 10_000)),  # 190 KB of text
        {**article_document(tagged(43)), "published_at": "not a date"},
        article_document(tagged(44)),
    )
    root = tmp_path / "spool"
    (root / "spool").mkdir(parents=True)
    (root / "spool" / "20260101T000000-1.jsonl").write_text(
        "".join(
            json.dumps(entry, ensure_ascii=False) + "\n"
            for entry in (spool_entry(good), spool_entry(giant), spool_entry(invalid), spool_entry(refused, 2))
        ),
        encoding="utf-8",
    )
    env = {"FINNEWS_SPOOL_DIR": str(root), "FINNEWS_CONFIG_DIR": str(small_limit_configs(tmp_path, 0.1))}
    # A write block (as `finnews index migrate` or a full disk puts on the index) is the node's state,
    # not a verdict on the documents: however many replays it refuses, they stay in the spool.
    with write_block(es_node):
        for refusals in (1, 2):
            blocked = run_finnews("spool", "replay", env=env)
            assert blocked.returncode == 4, blocked.stdout + blocked.stderr
            assert "4 spooled again, 0 rejected (dead letter)" in blocked.stdout, blocked.stdout
            again = spool_contents(root, "spool")
            assert [e["document"]["id"] for e in again] == [good["id"], giant["id"], invalid["id"], refused["id"]]
            assert [e["attempts"] for e in again] == [refusals, refusals, refusals, 2 + refusals]
    assert again[3]["reason"].startswith("status 403")
    assert len(again[1]["document"]["text"].encode()) <= 0.1 * 1024 * 1024  # cut, not sent whole again
    assert spool_contents(root, "dead-letter") == []

    replay = run_finnews("spool", "replay", env=env)
    assert replay.returncode == 4, replay.stdout + replay.stderr  # partial: a document was rejected
    assert "3 new" in replay.stdout and "0 spooled again, 1 rejected (dead letter)" in replay.stdout, replay.stdout
    assert "finnews spool replay --dead-letter" in replay.stderr, replay.stderr
    assert spool_contents(root, "spool") == []
    assert sorted(p.name for p in (root / "spool").iterdir()) == []  # no replayed/ copies
    assert [e["document"]["id"] for e in spool_contents(root, "dead-letter")] == [invalid["id"]]
    assert sorted(indexed_urls(es_node)) == sorted([good["url"], giant["url"], refused["url"]])
    assert "Replayed 0 spool file(s)" in run_finnews("spool", "replay", env=env).stdout


class BulkCut(ForwardingProxy):
    """A node that dies mid-write: look-ups answer, every bulk request's connection is closed."""

    def passes(self, path: str) -> bool:
        return "_bulk" not in path


def test_a_document_the_node_did_not_take_is_spooled_unstamped_and_stamped_when_a_replay_writes_it(
    fresh_index: str, es_node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audit 4, G2: ``indexed_at`` (what `finnews live` pushes by) was stamped before the bulk request,
    so a document refused (a write block: 403) or lost with its request (the node died mid-write) went
    to the spool stamped, and a replay more than 15 minutes later kept that stamp, behind the push's
    cursor and its look-back: never pushed. A stale stamp in a spool file written before the fix is
    not kept either; an update keeps the article's first stamp, as before."""
    from datetime import datetime

    from core.dates import SHANGHAI
    from store.client import connect
    from store.documents import article_document
    from store.settings import elasticsearch_settings
    from store.writer import ArticleWriter

    root = tmp_path / "spool"
    monkeypatch.setenv("FINNEWS_SPOOL_DIR", str(root))
    refused, cut = article_document(tagged(61)), article_document(tagged(62))
    with write_block(es_node):
        writer = ArticleWriter(connect(), TEST_ALIAS)
        writer.add(refused)
        assert writer.close()["spooled"] == 1
    with BulkCut(elasticsearch_settings().port) as proxy:
        writer = ArticleWriter(connect(proxy.url), TEST_ALIAS)
        writer.add(cut)
        assert writer.close()["spooled"] == 1
    spooled = {e["document"]["id"]: e for e in spool_contents(root, "spool")}
    assert spooled[refused["id"]]["reason"].startswith("status 403")
    assert spooled[cut["id"]]["reason"].startswith("bulk failed")
    assert [e["document"].get("indexed_at") for e in spooled.values()] == [None, None]
    assert "indexed_at" not in refused and "indexed_at" not in cut  # the caller's documents are untouched
    stale = {**article_document(tagged(63)), "indexed_at": "2026-01-01T00:00:00+08:00"}  # spooled by an old writer
    with (root / "spool" / "20260101T000000-1.jsonl").open("a", encoding="utf-8") as old_file:
        old_file.write(json.dumps(spool_entry(stale), ensure_ascii=False) + "\n")

    replayed_from = datetime.now(SHANGHAI)
    replay = run_finnews("spool", "replay", env={"FINNEWS_SPOOL_DIR": str(root)})
    assert "3 new" in replay.stdout, replay.stdout + replay.stderr
    es_node.indices.refresh(index=TEST_ALIAS)
    stamps = {
        d["_id"]: d["_source"].get("indexed_at")
        for d in es_node.mget(index=TEST_ALIAS, ids=[*spooled, stale["id"]])["docs"]
    }
    assert all(datetime.fromisoformat(stamp) >= replayed_from for stamp in stamps.values()), stamps

    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add({**refused, "title": "新闻61（更正）", "crawled_at": datetime.now(SHANGHAI).isoformat()})
    assert writer.close()["updated"] == 1
    updated = es_node.get(index=TEST_ALIAS, id=refused["id"])["_source"]
    assert updated["title"] == "新闻61（更正）" and updated["indexed_at"] == stamps[refused["id"]]  # not news again


def test_spool_replay_dead_letter_sends_the_dead_letters_again_and_keeps_what_is_still_rejected(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    from store.documents import article_document

    # A dead letter an earlier version made of a document a blocked node refused three times, one
    # the mapping rejects, and a damaged spool line kept earlier.
    shelved, invalid = article_document(tagged(45)), {**article_document(tagged(46)), "published_at": "not a date"}
    root = tmp_path / "spool"
    (root / "dead-letter").mkdir(parents=True)
    damaged = {"reason": "damaged line of 20260101T000000-1.jsonl: not a JSON record", "damaged_line": '{"doc'}
    entries = [
        {"reason": "refused 3 times; last: status 403: cluster_block_exception", "document": shelved, "attempts": 3},
        {"reason": "mapper_parsing_exception", "document": invalid},
        damaged,
    ]
    (root / "dead-letter" / "20260101T000000-1.jsonl").write_text(
        "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries), encoding="utf-8"
    )
    env = {"FINNEWS_SPOOL_DIR": str(root)}

    result = run_finnews("spool", "replay", "--dead-letter", env=env)
    assert result.returncode == 4, result.stdout + result.stderr  # one is rejected again
    assert "Replayed 1 dead-letter file(s): 1 new" in result.stdout, result.stdout
    assert "1 rejected (dead letter), 1 damaged line(s) kept as dead letters" in result.stdout, result.stdout
    assert indexed_urls(es_node) == [shelved["url"]]
    letters = spool_contents(root, "dead-letter")
    assert [e["document"]["id"] for e in letters if "document" in e] == [invalid["id"]]
    assert [e for e in letters if "document" not in e] == [damaged]
    assert not (root / "dead-letter" / "20260101T000000-1.jsonl").exists()  # replayed: no copies kept


def test_a_bulk_request_a_proxy_refuses_as_too_large_is_sent_in_halves_and_only_a_document_too_large_alone_is_shelved(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    from store.settings import elasticsearch_settings

    # 40 articles of about 10 KB (a bulk request of 400 KB), then one of 200 KB, behind a proxy that
    # takes request bodies up to 128 KB: the whole request refused is no verdict on its documents.
    archive = tmp_path / "records.jsonl"
    write_jsonl(archive, [record(n, text=f"第{n}篇。" + "市场消息。" * 700) for n in range(60, 100)])
    with archive.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record(100, text="巨大的页面。" * 12_000), ensure_ascii=False) + "\n")
    env = {"FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}
    with BodyLimitProxy(elasticsearch_settings().port, limit_bytes=128 * 1024) as proxy:
        result = run_finnews("ingest", "--quiet", str(archive), env={**env, "FINNEWS_ES_URL": proxy.url})
    assert proxy.refused > 0
    assert result.returncode == 4, result.stdout + result.stderr
    assert "40 new" in result.stdout, result.stdout + result.stderr
    rejected = [line for line in result.stderr.splitlines() if "rejected by Elasticsearch" in line]
    assert len(rejected) == 1 and f"{archive}:41: rejected by Elasticsearch (status 413)" in rejected[0], result.stderr
    assert [e["document"]["url"] for e in spool_contents(tmp_path / "spool", "dead-letter")] == [
        "https://example.com/faults/100.html"
    ]
    assert spool_contents(tmp_path / "spool", "spool") == []
    assert sorted(indexed_urls(es_node)) == sorted(f"https://example.com/faults/{n}.html" for n in range(60, 100))


def test_a_crawl_summary_counts_what_its_spool_replay_spooled_again(fresh_index: str, es_node, tmp_path: Path) -> None:
    from replica.site import ReplicaServer
    from store.documents import article_document

    root = tmp_path / "spool"
    (root / "spool").mkdir(parents=True)
    (root / "spool" / "20260101T000000-1.jsonl").write_text(
        "".join(json.dumps(spool_entry(article_document(tagged(n))), ensure_ascii=False) + "\n" for n in (51, 52)),
        encoding="utf-8",
    )
    with write_block(es_node), ReplicaServer() as server:
        result = run_finnews(
            "crawl", "eastmoney", *server.eastmoney_settings(), "-s", "EASTMONEY_COLUMNS=345",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "FINNEWS_SEEN_ENABLED=False",
            env={"FINNEWS_SPOOL_DIR": str(root)},
        )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    summary = result.stdout
    assert "spool replayed first: 1 file(s), 0 new, 0 updated, 0 already indexed, 2 spooled again" in summary, summary
    crawled = int(summary.split(" spooled,")[0].rsplit(" ", 1)[-1])
    assert crawled > 0  # the crawl's own articles, refused too
    assert len(spool_contents(root, "spool")) == 2 + crawled  # replayed once, not again by the pipeline


# --- 5 and 9. Refresh restored after a node is killed mid-load; a node down from the start ----------

PORT = "9251"


def refresh_interval(es: Elasticsearch) -> str | None:
    found = es.indices.get_settings(index=TEST_ALIAS, name="index.refresh_interval", flat_settings=True)
    return next(iter(found.values()))["settings"].get("index.refresh_interval")


def searchable(es: Elasticsearch) -> int:
    """Articles search can see now, without asking for a refresh."""
    try:
        return es.count(index=TEST_ALIAS)["count"]
    except (ApiError, TransportError):
        return -1


def write_text_archive(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:04d}.txt").write_text(f"第{number}号公告：贵州茅台今日发布经营数据。", encoding="utf-8")


def kill_node(env: dict[str, str]) -> None:
    """SIGKILL to the whole process group of the second node (no graceful stop)."""
    from store.node import node_root

    # node_root, not the state directory: as root in a private checkout the node lives elsewhere.
    pid = int((node_root() / "es" / f"node-{PORT}" / "elasticsearch.pid").read_text())
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while run_finnews("es", "status", env=env).returncode == 0 and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_node_down_from_the_start_or_killed_mid_load_loses_nothing_and_leaves_refresh_on(
    es_node, tmp_path: Path
) -> None:
    from store.lifecycle import current_alias

    env = {"FINNEWS_ES_PORT": PORT, "FINNEWS_SPOOL_DIR": str(tmp_path / "spool"), **QUICK_NODE_ENV}
    run_finnews("es", "stop", env=env)
    archive = tmp_path / "archive"
    write_text_archive(archive, 240)  # a large load: refresh is switched off during it

    # Down from the start: every article is spooled, and the command says so and fails.
    down = run_finnews("ingest", "--quiet", str(archive), env=env)
    assert down.returncode == 4, down.stdout + down.stderr
    assert "Ingested 240 article(s) from 240 file(s): 0 new, 0 updated, 0 unchanged, 240 spooled" in down.stdout
    assert "Traceback" not in down.stderr and "Articles will be spooled to" in down.stderr
    assert len(spool_contents(tmp_path / "spool", "spool")) == 240

    assert run_finnews("es", "start", env=env).returncode == 0
    es = Elasticsearch(f"http://127.0.0.1:{PORT}", request_timeout=30)
    try:
        for name in es.indices.get(index=f"{TEST_ALIAS}-*", allow_no_indices=True):
            es.indices.delete(index=name)
        second = tmp_path / "second"
        write_text_archive(second, 240)
        for path in second.iterdir():
            path.write_text(path.read_text(encoding="utf-8") + "第二批。", encoding="utf-8")
        # The load goes through a gate that lets 4 bulk requests (40 articles) through and holds the
        # fifth: the node is killed while the load is surely in the middle of its work.
        with BulkGate(int(PORT), open_bulks=4) as gate:
            ingest = start_finnews(
                "ingest", "--quiet", "--batch-size", "10", str(second), env={**env, "FINNEWS_ES_URL": gate.url}
            )
            assert gate.held.wait(timeout=120), "the load never reached its fifth bulk request"
            assert ingest.poll() is None and refresh_interval(es) == "-1"  # a large load: refresh off
            kill_node(env)
            gate.released.set()
            out, err = ingest.communicate(timeout=300)
        assert ingest.returncode == 4 and "Traceback" not in err, out + err

        assert run_finnews("es", "start", env=env).returncode == 0
        assert refresh_interval(es) == "-1"  # the trap the killed load left behind
        replay = run_finnews("spool", "replay", env=env)  # any writer that starts restores it
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert refresh_interval(es) == "1s"
        assert current_alias() == TEST_ALIAS
        # Articles written from now on become searchable by themselves, within the interval.
        es.index(index=TEST_ALIAS, id="probe", document={"url": "https://example.com/probe", "id": "probe"})
        deadline = time.monotonic() + 10
        while searchable(es) != 481 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert searchable(es) == 481  # 2 × 240 articles, each once, and the probe
    finally:
        with contextlib.suppress(ApiError, TransportError):
            for name in es.indices.get(index=f"{TEST_ALIAS}-*", allow_no_indices=True):
                es.indices.delete(index=name)
        run_finnews("es", "stop", env=env)


# --- 9. Queries of symbols, unknown stocks, JSON snippets, TLS hints, racing loads ------------------


def finnews_here(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The ``finnews`` command in this process (no start-up per call): exit code, stdout, stderr."""
    from finnews.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_symbol_queries_unknown_stocks_and_json_snippets(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from store.search import snippet_html

    archive = tmp_path / "articles.jsonl"
    write_jsonl(
        archive,
        [
            record(71, title="数字经济观察", text="数字经济<script>alert(1)</script>的代码是 778899。"),
            record(72, title="另一篇", text="与此无关的正文。"),
        ],
    )
    assert finnews_here(capsys, "ingest", "--quiet", str(archive))[0] == 0
    code, out, err = finnews_here(capsys, "search", "!!! ***")
    assert code == 0 and out.startswith("0 article(s)"), out  # symbols match nothing, not every article
    code, out, err = finnews_here(capsys, "search", "778899")
    assert code == 0 and out.startswith("1 article(s)"), out  # not the whole index

    for command in (["search", "数字经济"], ["stats"], ["export", "-o", str(tmp_path / "x.jsonl"), "--quiet"]):
        code, out, err = finnews_here(capsys, *command, "--stock", "NOPE")
        assert code == 2 and "unknown stock 'NOPE'" in err, (command, out, err)
    code, out, err = finnews_here(capsys, "search", "数字经济", "--stock", "000001")  # listed, not in these articles
    assert code == 0 and out.startswith("0 article(s)"), err
    # Every face (hunt of day 18: the API's export, stats and feed answered an empty 200, watch waited for ever).
    from fastapi.testclient import TestClient

    from api.app import create_app

    api = TestClient(create_app())
    for path in ("/search", "/export", "/export?format=csv", "/stats", "/feeds/search.xml"):
        answer = api.get(path, params={"stock": "NOPE"})
        assert answer.status_code == 400 and "unknown stock 'NOPE'" in answer.text, (path, answer.text)
    answer = api.get("/export", params={"excel": "true"})  # JSON Lines: the CLI refuses --excel for it too
    assert answer.status_code == 400 and "excel=true is for format=csv" in answer.text, answer.text
    code, out, err = finnews_here(capsys, "watch", "数字经济", "--stock", "NOPE")
    assert code == 2 and "unknown stock 'NOPE'" in err, (out, err)
    # Checked as any filter value is, before the look-up: too long, or typed in a GBK terminal.
    for command in (["stats"], ["export", "-o", str(tmp_path / "y.jsonl"), "--quiet"]):
        code, out, err = finnews_here(capsys, *command, "--stock", "宁" * 20_000)
        assert code == 2 and "the limit is" in err and "parsing_exception" not in err, (command, err)
        code, out, err = finnews_here(
            capsys, *command, "--stock", "宁德".encode("gbk").decode("utf-8", "surrogateescape")
        )
        assert code == 2 and "not valid UTF-8" in err, (command, err)

    code, out, err = finnews_here(capsys, "search", "数字经济", "--json")
    snippet = json.loads(out.splitlines()[0])["snippet"]
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet and "<em>" in snippet, snippet
    raw = snippet.replace("<em>", "\ue010").replace("</em>", "\ue011").replace("&lt;", "<").replace("&gt;", ">")
    assert snippet == snippet_html(raw)  # the API's form


def test_a_tls_failure_hints_at_the_ca_certificate_setting(es_node, tmp_path: Path) -> None:
    from tests.integration.secured_proxy import SecuredProxy

    article = tmp_path / "a.txt"
    article.write_text("贵州茅台发布年度报告。", encoding="utf-8")
    with SecuredProxy(tmp_path, 9200, "analyst", "pw-123456", "key") as proxy:
        env = {"FINNEWS_ES_URL": proxy.url, "FINNEWS_ES_USERNAME": "analyst", "FINNEWS_ES_PASSWORD": "pw-123456",
               "FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}  # fmt: skip
        for args in (["es", "status"], ["es", "start"], ["search", "数字经济"], ["ingest", "--quiet", str(article)]):
            result = run_finnews(*args, env=env)
            output = result.stdout + result.stderr
            assert result.returncode != 0 and "FINNEWS_ES_CA_CERTS" in output, (args, output)
            assert "pw-123456" not in output and "Traceback" not in output


def test_loads_racing_on_the_same_articles_count_each_new_article_once(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    from store.client import connect
    from store.documents import article_document
    from store.writer import ArticleWriter

    es = connect()
    first = ArticleWriter(es)
    first.add(article_document(tagged(81)))
    assert first.close()["new"] == 1
    racer = ArticleWriter(es)
    racer._existing = lambda ids: {}  # its look-up ran just before the other load wrote the article
    racer.add(article_document(tagged(81, title="另一个标题")))
    counts = racer.close()
    assert (counts["new"], counts["updated"]) == (0, 1)

    archive = tmp_path / "race.jsonl"
    write_jsonl(archive, [record(number) for number in range(100, 160)])
    loads = [start_finnews("ingest", "--quiet", "--batch-size", "5", str(archive)) for _ in range(2)]
    outputs = [load.communicate(timeout=300)[0] for load in loads]
    new = [int(out.split(" new")[0].rsplit(" ", 1)[-1]) for out in outputs]
    assert sum(new) == 60, outputs


# --- 10. A checkout the node's system user cannot reach ---------------------------------------------


def test_the_node_lives_where_its_system_user_can_reach_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store import node
    from store.settings import elasticsearch_settings

    settings = elasticsearch_settings()
    private = tmp_path / "home"  # like /root: 0700
    private.mkdir(mode=0o700)
    monkeypatch.setenv("FINNEWS_STATE_DIR", str(private / "finnews" / ".finnews"))
    paths = node.node_paths(settings)
    if os.geteuid() != 0:  # the node runs as the user who runs finnews: the checkout is always in reach
        assert paths.data.is_relative_to(private)
        return
    assert paths.home.is_relative_to(node.SERVICE_ROOT / "cache") and paths.data.is_relative_to(node.SERVICE_ROOT)
    assert paths.pid_file == node.node_paths(settings).pid_file  # start and stop agree
    open_folder = Path(tempfile.mkdtemp(prefix="finnews-open-"))
    try:
        open_folder.chmod(0o755)
        monkeypatch.setenv("FINNEWS_STATE_DIR", str(open_folder / ".finnews"))
        assert node.node_paths(settings).data.is_relative_to(open_folder)
    finally:
        shutil.rmtree(open_folder)


def test_a_node_starts_as_root_from_a_checkout_in_a_private_folder(es_node, tmp_path: Path) -> None:
    from store import node
    from store.settings import elasticsearch_settings

    state = tmp_path / "home" / "finnews" / ".finnews"
    (state / "cache").mkdir(parents=True)
    tmp_path.joinpath("home").chmod(0o700)
    # The distribution this machine already downloaded, as a fresh clone would have after `make setup`.
    archive = (
        node.node_paths(elasticsearch_settings()).home.parent / f"elasticsearch-{elasticsearch_settings().version}.zip"
    )
    if archive.exists():
        (state / "cache" / archive.name).symlink_to(archive)
    env = {"FINNEWS_STATE_DIR": str(state), "FINNEWS_ES_PORT": "9252", **QUICK_NODE_ENV}
    try:
        started = run_finnews("es", "start", env=env)
        assert started.returncode == 0, started.stdout + started.stderr
        assert "Traceback" not in started.stderr
        if os.geteuid() == 0:
            assert str(node.SERVICE_ROOT) in started.stdout, started.stdout
        status = run_finnews("es", "status", env=env)
        assert status.returncode == 0 and "health:" in status.stdout
    finally:
        stopped = run_finnews("es", "stop", env=env)
        assert stopped.returncode == 0, stopped.stderr
        key = node.hashlib.sha1(str(state.resolve()).encode()).hexdigest()[:12]
        shutil.rmtree(node.SERVICE_ROOT / key, ignore_errors=True)  # its data; the shared install stays
