"""End to end on the real node: the real eastmoney spider crawls a local Eastmoney replica through
Scrapy, the pipelines clean, tag and index, and the assertions read what Elasticsearch returns."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from core.exit_codes import PARTIAL
from core.settings import reload as reload_settings
from finnews.cli import main
from replica.site import ReplicaServer, ReplicaSite
from tests.conftest import SAMPLE_POST_BOARDS, TEST_ALIAS, run_finnews

SAMPLE_CODE = "202205302396636936"
SAMPLE_ID_URL = f"https://finance.eastmoney.com/a/{SAMPLE_CODE}.html"


def crawl(replica: ReplicaServer, seen_db: Path, *extra: str, env: dict[str, str] | None = None, exit: int = 0) -> str:
    result = run_finnews(
        "crawl", "eastmoney",
        *replica.eastmoney_settings(),
        "-s", "EASTMONEY_COLUMNS=345",
        "-s", "EASTMONEY_PAGE_SIZE=2",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", f"FINNEWS_SEEN_DB={seen_db}",
        *extra,
        env=env,
    )  # fmt: skip
    assert result.returncode == exit, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def finnews(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """A command that needs no crawl, run in this process: (exit status, stdout, stderr)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def articles_line(summary: str) -> str:
    return next(line for line in summary.splitlines() if line.startswith("articles:"))


@pytest.fixture
def replica() -> ReplicaServer:
    with ReplicaServer(ReplicaSite()) as server:
        yield server


def test_crawl_indexes_the_sample_article_with_its_tags(
    fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    summary = crawl(replica, tmp_path / "seen.sqlite")
    assert "4 new" in articles_line(summary)
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == len(replica.site.articles)
    hits = es_node.search(index=TEST_ALIAS, query={"term": {"url": SAMPLE_ID_URL}})["hits"]["hits"]
    assert len(hits) == 1
    article = hits[0]["_source"]
    assert article["title"] == "北京发布数字经济全产业链开放发展行动方案"
    assert article["published_at"] == "2022-05-30T20:46:00+08:00"
    assert article["media"] == "新华网"
    assert {b["code"] for b in article["boards"]} == SAMPLE_POST_BOARDS
    assert [(s["secid"], s["name"]) for s in article["stocks"]] == [("1.603888", "新华网")]
    assert "工业互联网产业" in article["text"]
    assert "在东方财富看资讯行情" not in article["text"]  # the in-body promotion is not article text
    assert "<" not in article["text"] and "keytip" not in article["text"]


def test_search_finds_the_article_by_chinese_words(
    fresh_index: str, replica: ReplicaServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl(replica, tmp_path / "seen.sqlite")
    code, out, err = finnews(capsys, "search", "数字经济", "--json")
    assert code == 0, err
    hits = [json.loads(line) for line in out.splitlines()]
    assert hits[0]["url"] == SAMPLE_ID_URL  # the title match ranks it first
    assert "<em>数字经济</em>" in hits[0]["snippet"]
    # The API's hit shape: its id (the SHA-1 of the URL) and score beside the stored fields.
    assert hits[0]["id"] == hashlib.sha1(SAMPLE_ID_URL.encode()).hexdigest() and hits[0]["score"] > 0
    # A word that only occurs inside another article's text is found too, and nothing else.
    _, out, _ = finnews(capsys, "search", "昇兴股份", "--json")
    urls = [json.loads(line)["url"] for line in out.splitlines()]
    assert urls == ["https://finance.eastmoney.com/a/202201212257099936.html"]


def test_second_crawl_fetches_no_article_page_and_adds_no_document(
    fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    crawl(replica, tmp_path / "seen.sqlite")
    assert replica.site.article_requests() == 4
    second = crawl(replica, tmp_path / "seen.sqlite")
    assert replica.site.article_requests() == 4  # nothing fetched again
    assert "0 new, 0 updated, 0 unchanged, 2 skipped_seen" in articles_line(second)  # page 1 only:
    assert "1 list" in second  # the first list page was fully seen, so paging stopped there
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 4


def test_recrawl_without_the_seen_store_is_idempotent(
    fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    crawl(replica, tmp_path / "seen.sqlite")
    second = crawl(replica, tmp_path / "seen.sqlite", "-s", "FINNEWS_SEEN_ENABLED=False")
    assert "0 new, 0 updated, 4 unchanged" in articles_line(second)
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 4


def test_changed_article_is_updated_and_keeps_its_first_crawl_time(fresh_index: str, es_node, tmp_path: Path) -> None:
    site = ReplicaSite()
    with ReplicaServer(site) as server:
        crawl(server, tmp_path / "seen.sqlite")
        first = es_node.search(index=TEST_ALIAS, query={"term": {"url": SAMPLE_ID_URL}})["hits"]["hits"][0]["_source"]
        site.by_code[SAMPLE_CODE].raw.body_html += "<p>（本文已更新：补充数据）</p>"
        summary = crawl(server, tmp_path / "seen.sqlite", "-s", "FINNEWS_SEEN_ENABLED=False")
    assert "0 new, 1 updated, 3 unchanged" in articles_line(summary)
    es_node.indices.refresh(index=TEST_ALIAS)
    hits = es_node.search(index=TEST_ALIAS, query={"term": {"url": SAMPLE_ID_URL}})["hits"]["hits"]
    assert len(hits) == 1
    updated = hits[0]["_source"]
    assert updated["text"].endswith("（本文已更新：补充数据）")
    assert updated["crawled_at"] == first["crawled_at"]
    assert updated["updated_at"] is not None


def test_export_writes_every_article_atomically(
    fresh_index: str, replica: ReplicaServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl(replica, tmp_path / "seen.sqlite")
    output = tmp_path / "out" / "articles.jsonl"
    code, _, err = finnews(capsys, "export", "-o", str(output), "--quiet")
    assert code == 0, err
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4
    assert all(row["boards"] is not None and row["text"] for row in rows)
    assert "text_words" not in rows[0]
    assert [p.name for p in output.parent.iterdir()] == ["articles.jsonl"]  # no temporary file left


@pytest.mark.parametrize("query", ['"数字经济" OR *', "\\", "[(", "<script>alert(1)</script>", "a" * 150, "📈📉", "  "])
def test_odd_queries_do_not_fail(fresh_index: str, query: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = finnews(capsys, "search", query)
    assert code == 0, err
    assert out.startswith("0 article(s) for ")


def test_too_long_query_is_refused_clearly(fresh_index: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = finnews(capsys, "search", "数" * 500)
    assert code == 2
    assert "limit is 200" in err


def test_search_with_elasticsearch_down_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FINNEWS_ES_URL", "http://127.0.0.1:9")
    reload_settings()  # read again with the address above, and again after the test
    try:
        code, _, err = finnews(capsys, "search", "数字经济")
    finally:
        monkeypatch.undo()
        reload_settings()
    assert code == 2
    assert "not reachable" in err and "FINNEWS_ES_URL" in err


def test_crawl_with_elasticsearch_down_spools_every_article(cli, replica: ReplicaServer, tmp_path: Path) -> None:
    env = {"FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_STATE_DIR": str(tmp_path)}
    summary = crawl(replica, tmp_path / "seen.sqlite", env=env, exit=PARTIAL)  # spooled: partial (exit 4)
    assert "0 new, 0 updated, 0 unchanged, 0 skipped_seen, 4 spooled" in articles_line(summary)
    spooled = [json.loads(line) for path in (tmp_path / "spool").glob("*.jsonl") for line in path.open()]
    assert sorted(row["document"]["url"] for row in spooled) == sorted(
        f"https://finance.eastmoney.com/a/{a.code}.html" for a in replica.site.articles
    )
    assert all(row["reason"] for row in spooled)

    listing = cli("spool", "list", env={"FINNEWS_STATE_DIR": str(tmp_path)})
    assert "spool: 1 file(s)" in listing.stdout and "4 article(s)" in listing.stdout


def test_spooled_articles_are_replayed_exactly_once(
    cli, fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path
) -> None:
    down = {"FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_STATE_DIR": str(tmp_path)}
    crawl(replica, tmp_path / "seen.sqlite", env=down, exit=PARTIAL)  # spooled: partial
    replay = cli("spool", "replay", env={"FINNEWS_STATE_DIR": str(tmp_path)})
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "4 new" in replay.stdout
    again = cli("spool", "replay", env={"FINNEWS_STATE_DIR": str(tmp_path)})
    assert "Replayed 0 spool file(s)" in again.stdout
    es_node.indices.refresh(index=TEST_ALIAS)
    ids = {hit["_source"]["url"] for hit in es_node.search(index=TEST_ALIAS, size=100)["hits"]["hits"]}
    assert ids == {f"https://finance.eastmoney.com/a/{a.code}.html" for a in replica.site.articles}


def test_next_crawl_replays_the_spool_first(fresh_index: str, replica: ReplicaServer, es_node, tmp_path: Path) -> None:
    down = {"FINNEWS_ES_URL": "http://127.0.0.1:9", "FINNEWS_STATE_DIR": str(tmp_path)}
    crawl(replica, tmp_path / "seen.sqlite", env=down, exit=PARTIAL)  # spooled: partial
    # Every article is now in the seen store, so the next crawl fetches nothing: only the replay indexes.
    crawl(replica, tmp_path / "seen.sqlite", env={"FINNEWS_STATE_DIR": str(tmp_path)})
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 4
    assert list((tmp_path / "spool").glob("*.jsonl")) == []
