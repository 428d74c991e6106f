"""The store on the real node: filters, facets, trends, exports, duplicates, migrations."""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.urls import document_id
from finnews.render import plot
from replica.site import load_articles
from store.client import connect
from store.documents import article_document, document_from_record
from store.export import FORMAT_OF_SUFFIX, export
from store.lifecycle import index_config, relaxed_refresh, versioned_name
from store.migrate import migrate
from store.search import Filters, QueryError, build_query, search
from store.stats import trend
from store.writer import ArticleWriter
from tagging.extract import extract_article, parse_document
from tests.conftest import PROJECT_ROOT, TEST_ALIAS, drop_test_indices, fixture_text, run_finnews

SAMPLE_URL = "https://finance.eastmoney.com/a/202205302396636936.html"


def load_corpus() -> dict[str, int]:
    writer = ArticleWriter(connect(), TEST_ALIAS)
    for article in load_articles():
        writer.add(article_document(extract_article(article.raw)))
    writer.add(
        article_document(
            extract_article(
                parse_document(fixture_text("chinaorg_article.txt"), "https://www.china.org.cn/x/content_1.htm")
            )
        )
    )
    return writer.close()


@pytest.fixture
def corpus(fresh_index: str) -> str:
    counts = load_corpus()
    assert counts["new"] == 5
    return fresh_index


def urls(filters: Filters, text: str = "") -> set[str]:
    return {hit.source["url"] for hit in search(connect(), text, filters, size=50).hits}


def test_filters_by_board_stock_topic_media_source_and_dates(corpus: str) -> None:
    assert urls(Filters(board="数字经济")) == urls(Filters(board="BK1061")) == urls(Filters(board="90.BK1061"))
    assert SAMPLE_URL in urls(Filters(board="数字经济"))
    assert (
        urls(Filters(stock="新华网"))
        == urls(Filters(stock="603888"))
        == urls(Filters(stock="1.603888"))
        == {SAMPLE_URL}
    )
    assert urls(Filters(stock="腾讯控股")) == {"https://finance.eastmoney.com/a/202205302396671645.html"}
    assert SAMPLE_URL in urls(Filters(topic="digital_economy")) and urls(Filters(topic="数字经济")) == urls(
        Filters(topic="digital_economy")
    )
    assert urls(Filters(media="新华网")) == {SAMPLE_URL}
    assert urls(Filters(source="eastmoney")) == set()  # loaded from Jekyll posts, not crawled
    assert len(urls(Filters(source="jekyll"))) == 4
    assert urls(Filters(date_from="2022-01-21", date_to="2022-01-21")) == {
        "https://finance.eastmoney.com/a/202201212257099936.html"
    }
    assert len(urls(Filters(date_from="2022-05-30"))) == 3
    assert urls(Filters(board="数字经济", date_to="2022-05-29")) == set()
    # A day written the Chinese way is the whole day too (fifth audit: 2026/01/05 found nothing).
    for written in ("2022/01/21", "2022年01月21日", "2022.1.21"):
        assert urls(Filters(date_from=written, date_to=written)) == {
            "https://finance.eastmoney.com/a/202201212257099936.html"
        }


def test_paging_by_date_shows_each_article_once_while_articles_of_the_same_time_are_updated(fresh_index: str) -> None:
    """Fifth audit: with no tiebreaker, an updated article moved to the end of its time group and pushed
    another one from page 2 onto page 1, never shown."""
    writer = ArticleWriter(connect(), TEST_ALIAS)
    documents = [
        plain_document(f"https://finance.eastmoney.com/a/2026010530000{n:05d}.html", f"同一分钟的快讯{n}", f"正文{n}。")
        for n in range(40)
    ]
    for document in documents:
        document["published_at"] = "2026-01-05T15:00:00+08:00"
        writer.add(document)
    writer.close()
    connect().indices.refresh(index=TEST_ALIAS)
    first = [hit.source["url"] for hit in search(connect(), "", Filters(), size=10, sort="date").hits]
    writer = ArticleWriter(connect(), TEST_ALIAS)
    for document in documents[:10]:
        writer.add({**document, "text": document["text"] + "更新。"})  # a re-crawl of page 1's articles
    writer.close()
    connect().indices.refresh(index=TEST_ALIAS)
    seen = list(first)
    for page in (2, 3, 4):
        seen += [hit.source["url"] for hit in search(connect(), "", Filters(), page=page, size=10, sort="date").hits]
    assert len(seen) == len(set(seen)) == 40


def test_unknown_filter_values_are_clear_errors(corpus: str) -> None:
    with pytest.raises(QueryError, match="unknown board"):
        build_query("", Filters(board="不存在的板块"))
    with pytest.raises(QueryError, match="unknown topic"):
        build_query("", Filters(topic="nothing"))
    with pytest.raises(QueryError, match="not a date"):
        build_query("", Filters(date_from="2022-13-45"))


def test_sort_by_date_and_facets(corpus: str) -> None:
    result = search(connect(), "", sort="date", facets=True, size=10)
    dates = [hit.source.get("published_at") or "" for hit in result.hits]
    assert dates[: len([d for d in dates if d])] == sorted([d for d in dates if d], reverse=True)
    board_facet = {entry["value"]: entry["count"] for entry in result.facets["boards"]}
    assert board_facet["数字经济"] == 3
    assert {entry["value"] for entry in result.facets["media"]} >= {"新华网", "证券时报"}


def test_trend_by_board_per_month_and_its_chart(corpus: str, tmp_path: Path) -> None:
    result = trend(connect(), "board", "month", Filters(source="jekyll"), top=3)
    assert result.periods[0] == "2022-01" and result.periods[-1] == "2022-05"
    assert result.series["数字经济"][-1] == 2
    assert sum(result.series["数字经济"]) == result.totals["数字经济"]
    assert result.cooccurring["stocks"]
    chart = plot(result, tmp_path / "trend.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000


def test_stats_cli_prints_a_table(cli, corpus: str, tmp_path: Path) -> None:
    result = cli("stats", "--by", "topic", "--interval", "month", "--plot", str(tmp_path / "t.png"))
    assert result.returncode == 0, result.stderr
    assert "2022-05" in result.stdout and "total" in result.stdout and "top boards:" in result.stdout
    # By default the interval follows the data's range, which the first line gives (issue 23, item 9).
    automatic = cli("stats", "--by", "board")
    assert automatic.returncode == 0, automatic.stderr
    first_line = automatic.stdout.splitlines()[0]
    assert ", published 2022-01-21 to 2022-05-30" in first_line and first_line.endswith("per week"), first_line


def test_stats_say_how_many_articles_have_no_date(cli, corpus: str) -> None:
    """Audit 5, gap 7: an undated article was in the total and in no period, and nothing said so."""
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(
        document_from_record(
            {"url": "https://example.com/undated.html", "source": "jekyll", "title": "无日期", "text": "数字经济。",
             "boards": [{"secid": "90.BK1061", "code": "BK1061", "name": "数字经济"}], "stocks": [], "topics": []}
        )
    )  # fmt: skip
    assert writer.close()["new"] == 1
    result = trend(connect(), "board", "month", Filters(source="jekyll"), top=3)
    assert result.undated == 1 and result.undated_by_value == {"数字经济": 1}
    for value, total in result.totals.items():  # each total is its periods and its undated articles
        assert sum(result.series[value]) + result.undated_by_value.get(value, 0) == total
    printed = cli("stats", "--by", "board", "--interval", "month", "--source", "jekyll", "--top", "3")
    assert printed.returncode == 0, printed.stderr
    assert "5 article(s), published 2022-01-21 to 2022-05-30, 1 without a date" in printed.stdout
    [row] = [line.split() for line in printed.stdout.splitlines() if line.startswith("no date")]
    assert row[2:] == ["1" if value == "数字经济" else "0" for value in result.totals], printed.stdout
    answer = TestClient(create_app()).get("/stats", params={"by": "board", "interval": "month", "source": "jekyll"})
    assert answer.status_code == 200 and answer.json()["undated"] == 1, answer.text
    assert answer.json()["undated_by_value"] == {"数字经济": 1}


def test_export_formats_with_filters(corpus: str, tmp_path: Path) -> None:
    es = connect()
    query = build_query("", Filters(board="数字经济"))
    assert export(es, tmp_path / "a.csv", "csv", query, TEST_ALIAS) == 3
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
    assert len(rows) == 3
    sample = next(r for r in rows if r["url"] == SAMPLE_URL)
    assert "BK1061" in sample["board_codes"].split(";") and "数字经济" in sample["board_names"].split(";")
    assert (sample["stock_codes"], sample["stock_names"]) == ("603888.SH", "新华网")
    assert not {"fingerprint", "fp_bands", "dup_group", "body_source", "instruments", "boards"} & set(sample)
    assert export(es, tmp_path / "a.parquet", "parquet", query, TEST_ALIAS) == 3
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.num_rows == 3
    assert {"BK1061"} <= {b["code"] for row in table.column("boards").to_pylist() for b in row}
    # Typed: times are timestamps with their zone, codes lists (pandas reads datetime64 and lists).
    assert str(table.schema.field("published_at").type) == "timestamp[ms, tz=Asia/Shanghai]"
    frame = table.to_pandas()
    assert str(frame["published_at"].dtype) == "datetime64[ms, Asia/Shanghai]"
    assert ["603888.SH"] in [list(codes) for codes in frame["stock_codes"]]
    assert export(es, tmp_path / "all.jsonl", "jsonl", None, TEST_ALIAS) == 5
    first = json.loads((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "stock_codes" in first and "fingerprint" not in first and "dup_group" not in first
    assert export(es, tmp_path / "excel.csv", "csv", query, TEST_ALIAS, excel=True) == 3
    assert (tmp_path / "excel.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # the byte-order mark Excel needs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.parquet", "all.jsonl", "excel.csv"]


def test_a_parquet_export_holds_every_field_of_the_json_lines_export(corpus: str, tmp_path: Path) -> None:
    """Audit 5, gap 4: Parquet left out ``mentions``, ``instruments`` and ``rejected_markup``."""
    fund = {"secid": "150.159915", "code": "159915", "kind": "fund", "name": "创业板ETF"}
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(
        document_from_record(
            {
                "url": "https://example.com/fund.html", "title": "创业板ETF放量", "text": "创业板ETF今日放量。",
                "published_at": "2026-11-20T18:00:00+08:00", "boards": [], "stocks": [], "topics": [],
                "mentions": [{"secid": fund["secid"], "kind": "fund", "text": "创业板ETF", "start": 0, "end": 6,
                              "where": "body", "source": "markup", "how": None}],
                "instruments": [fund],
            }
        )
    )  # fmt: skip
    assert writer.close()["new"] == 1
    es = connect()
    assert export(es, tmp_path / "all.jsonl", "jsonl", None, TEST_ALIAS) == 6
    assert export(es, tmp_path / "all.parquet", "parquet", None, TEST_ALIAS) == 6
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = pq.read_table(tmp_path / "all.parquet").to_pylist()
    assert [row["id"] for row in rows] == [line["id"] for line in lines]
    for line, row in zip(lines, rows, strict=True):
        assert set(row) == set(line), set(line) ^ set(row)
        for name, value in line.items():
            kept = row[name]
            if name in ("published_at", "crawled_at", "updated_at") and value is not None:
                kept = kept.isoformat(timespec="milliseconds")
                value = datetime.fromisoformat(value).isoformat(timespec="milliseconds")
            assert kept == value, (line["url"], name)
    assert any(row["mentions"] for row in rows) and any(row["rejected_markup"] for row in rows)
    assert [row["instruments"] for row in rows if row["instruments"]] == [[fund]]


def test_an_export_for_excel_starts_no_cell_with_a_formula(corpus: str, tmp_path: Path) -> None:
    """Audit 5, gap 6: ``--excel`` wrote a title ``=HYPERLINK(…)`` as it is, which Excel evaluates."""
    title = '=HYPERLINK("http://x","点") 第0条'
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(
        document_from_record(
            {"url": "https://example.com/f.html", "source": "jsonl", "title": title, "text": "-30%：正文。", "media": "@某",
             "boards": [], "stocks": [], "topics": []}
        )
    )  # fmt: skip
    assert writer.close()["new"] == 1
    query = build_query("", Filters(source="jsonl"))
    assert export(connect(), tmp_path / "plain.csv", "csv", query, TEST_ALIAS) == 1
    assert export(connect(), tmp_path / "excel.csv", "csv", query, TEST_ALIAS, excel=True) == 1
    [plain] = csv.DictReader((tmp_path / "plain.csv").open(encoding="utf-8", newline=""))
    [excel] = csv.DictReader((tmp_path / "excel.csv").open(encoding="utf-8-sig", newline=""))
    assert (plain["title"], plain["text"], plain["media"]) == (title, "-30%：正文。", "@某")
    assert (excel["title"], excel["text"], excel["media"]) == ("'" + title, "'-30%：正文。", "'@某")
    assert {k: v for k, v in excel.items() if k not in ("title", "text", "media")} == {
        k: v for k, v in plain.items() if k not in ("title", "text", "media")
    }


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_an_exported_file_has_the_mode_of_any_new_file(corpus: str, tmp_path: Path, umask: int) -> None:
    """Audit 5, gap 7: exports were 0600 whatever the umask (tempfile.mkstemp), so a shared folder could
    not read them."""
    before = os.umask(umask)
    try:
        for name in ("a.jsonl", "a.csv", "a.parquet"):
            assert export(connect(), tmp_path / name, FORMAT_OF_SUFFIX[Path(name).suffix], None, TEST_ALIAS) == 5
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name
    finally:
        os.umask(before)


def test_export_cli_refuses_a_contradiction_before_reading_anything(cli, corpus: str, tmp_path: Path) -> None:
    for args, message in (
        (["-o", str(tmp_path / "out.xlsx")], "use a .csv file with --excel"),
        (["-o", str(tmp_path / "x.parquet"), "--format", "csv"], "--format says csv"),
        (["-o", str(tmp_path / "x.jsonl"), "--excel"], "--excel is for CSV files"),
    ):
        result = cli("export", *args, "--quiet")
        assert result.returncode != 0 and message in result.stderr, (args, result.stdout + result.stderr)
        assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_export_cut_short_did_not_finish_and_leaves_no_file(corpus: str, tmp_path: Path) -> None:
    """Audit 5, gap 7: an export that failed after it started exited 2 ("could not start") when the node
    went away for good, and a refused write was a traceback; both are 1, "did not finish" (docs/commands.md,
    exit codes). Here the file system refuses the write: files over 1,000 bytes are refused to the process
    (RLIMIT_FSIZE; Python ignores SIGXFSZ)."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    result = subprocess.run(
        [sys.executable, "-m", "finnews", "export", "-o", str(tmp_path / "x.jsonl"), "--quiet"],
        capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT, preexec_fn=small_files,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "finnews export: stopped at article" in result.stderr and "not written" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_file(cli, corpus: str, tmp_path: Path) -> None:
    result = cli("export", "-o", str(tmp_path / "x.jsonl"), env={"FINNEWS_ES_URL": "http://127.0.0.1:9"})
    assert result.returncode == 2 and "not reachable" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_syndicated_copies_link_to_the_first_and_collapse(fresh_index: str) -> None:
    raw = parse_document(fixture_text("eastmoney_jekyll_post.md"))
    first = extract_article(raw)
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(article_document(first))
    writer.flush()
    copy = extract_article(raw)
    copy.url, copy.media = "https://www.xinhuanet.com/fortune/2022-05/30/c_1128697.htm", "新华社"
    copy.text = copy.text.replace("记者30日", "新华社记者30日")
    writer.add(article_document(copy))
    counts = writer.close()
    assert counts["new"] == 2 and counts["duplicates"] == 1
    hits = search(connect(), "数字经济", size=10, alias=TEST_ALIAS).hits
    first_id = article_document(first)["id"]
    by_url = {hit.source["url"]: hit.source for hit in hits}
    assert by_url[copy.url]["dup_of"] == first_id
    assert by_url[first.url]["dup_of"] is None
    collapsed = search(connect(), "数字经济", size=10, collapse_duplicates=True, alias=TEST_ALIAS)
    assert [hit.source["url"] for hit in collapsed.hits].count(copy.url) + [
        hit.source["url"] for hit in collapsed.hits
    ].count(first.url) == 1


def plain_document(url: str, title: str, text: str) -> dict:
    return article_document({"url": url, "title": title, "text": text, "source": "jsonl"})


def test_each_word_of_a_query_is_found_as_written_in_any_order(fresh_index: str) -> None:
    writer = ArticleWriter(connect(), TEST_ALIAS)
    # jieba makes 消费者 and 数字经济学 words of their own: the query's 消费 and 数字经济 are inside them.
    writer.add(
        plain_document("https://x.test/a", "央行发布报告", "央行表示，消费者信心回升。数字经济学家认为前景向好。")
    )
    writer.add(plain_document("https://x.test/b", "央行例会", "央行召开例会，研究货币政策。"))
    writer.add(plain_document("https://x.test/c", "市场观察", "专家称央行消费贷款政策将调整。"))
    writer.add(plain_document("https://x.test/d", "市场观察", "消费电子板块走强，中央行政部门发布通知。"))
    writer.close()

    def found(text: str) -> list[str]:
        return [hit.source["url"] for hit in search(connect(), text, size=10, alias=TEST_ALIAS).hits]

    # Characters as written, not jieba's words: 中央行政 holds 央行 (as a one-word query always found).
    assert set(found("央行 消费")) == {"https://x.test/a", "https://x.test/c", "https://x.test/d"}
    assert set(found("消费 央行")) == set(found("央行 消费"))
    assert found("央行消费")[0] == "https://x.test/c"  # the whole phrase, as typed, ranks first
    assert found("数字经济") == ["https://x.test/a"]
    assert set(found("央行")) == {"https://x.test/a", "https://x.test/b", "https://x.test/c", "https://x.test/d"}
    assert found("货币 消费") == []


def test_accented_latin_words_are_found_as_the_index_holds_them(fresh_index: str) -> None:
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(
        plain_document("https://x.test/cafe", "雀巢年报", "The café chain reported a résumé; Nestlé公司与L'Oréal合作。")
    )
    writer.add(plain_document("https://x.test/other", "市场观察", "The chain of cafes reported results."))
    writer.close()

    def found(text: str) -> list[str]:
        return [hit.source["url"] for hit in search(connect(), text, size=10, alias=TEST_ALIAS).hits]

    for text in ("café", "résumé", "Nestlé", "L'Oréal", "The café chain", "café OR 无关", "Nestlé公司"):
        assert found(text) == ["https://x.test/cafe"], text
    assert set(found("chain")) == {"https://x.test/cafe", "https://x.test/other"}


def test_a_query_typed_in_a_gbk_terminal_is_a_clear_error_not_a_traceback(fresh_index: str) -> None:
    typed = "数字经济".encode("gbk").decode("utf-8", "surrogateescape")  # argv as Python reads GBK bytes
    result = run_finnews("search", typed)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "the query is not valid UTF-8 text: is the terminal set to another encoding (such as GBK)?" in result.stderr


def write_in_batches_of_two(documents: list[dict], urls: dict[str, list[str]]) -> tuple[list[list[str]], int, dict]:
    """The URLs each batch handed back, the articles pending before the writer closed, the counts."""
    written: list[list[str]] = []
    writer = ArticleWriter(connect(), TEST_ALIAS, chunk_size=2, on_written=written.append)
    for document in documents:
        writer.add(document, urls=urls[document["id"]])
    pending = writer.pending
    counts = writer.close()
    assert writer.pending == 0
    return written, pending, counts


def test_the_writer_hands_back_each_batch_once_written_even_when_nothing_changed(fresh_index: str) -> None:
    raw = parse_document(fixture_text("eastmoney_jekyll_post.md"))
    documents = []
    for n in range(3):
        article = extract_article(raw)
        article.url = f"https://finance.eastmoney.com/a/20220530{n}.html"
        documents.append(article_document(article))
    urls = {d["id"]: [f"https://finance.eastmoney.com/list/{n}", d["url"]] for n, d in enumerate(documents)}
    batches = [urls[documents[0]["id"]] + urls[documents[1]["id"]], urls[documents[2]["id"]]]

    written, pending, counts = write_in_batches_of_two(documents, urls)
    assert written == batches and pending >= 1  # the third was still in the buffer
    assert counts["new"] == 3 and counts["duplicates"] == 2, counts  # one story at three addresses

    written, pending, counts = write_in_batches_of_two(documents, urls)  # nothing to write: still handed back
    assert written == batches and pending >= 1
    assert counts["unchanged"] == 3 and counts["new"] == 0, counts


def test_relaxed_refresh_during_a_load_and_restored_after(fresh_index: str) -> None:
    es = connect()

    def interval() -> str:
        settings = es.indices.get_settings(index=TEST_ALIAS)
        return next(iter(settings.values()))["settings"]["index"].get("refresh_interval")

    with relaxed_refresh(es, TEST_ALIAS):
        assert interval() == "-1"
    assert interval() == index_config()["settings"]["refresh_interval"]


def test_migrate_from_an_older_mapping_keeps_every_article(es_node) -> None:
    es = connect()
    drop_test_indices(es)
    config = index_config()
    old = versioned_name(TEST_ALIAS, config["version"] - 1)
    properties = {
        k: v
        for k, v in config["mappings"]["properties"].items()
        if k not in ("fingerprint", "fp_bands", "dup_of", "dup_group")
    }
    # Versions 1–3 indexed (and up to 2 stored) the jieba words; the new mapping is strict without them.
    words_fields = {"title_words": {"type": "text", "analyzer": "whitespace"}}
    words_fields["text_words"] = words_fields["title_words"]
    es.indices.create(
        index=old,
        settings=config["settings"],
        mappings={"dynamic": "strict", "properties": properties},
        aliases={TEST_ALIAS: {}},
    )
    es.indices.put_mapping(index=old, properties=words_fields)
    for article in load_articles():
        document = {k: v for k, v in article_document(extract_article(article.raw)).items() if k in properties}
        document["title_words"], document["text_words"] = "数字 经济", "数字 经济 板块"
        document["indexed_at"] = "2026-01-05T09:30:00+08:00"  # what the push goes by (fifth audit: lost)
        es.index(index=old, id=document["id"], document=document)
    es.indices.refresh(index=old)
    result = migrate(es, TEST_ALIAS)
    assert result.status == "migrated" and result.copied == 4
    assert sorted(es.indices.get_alias(name=TEST_ALIAS)) == [versioned_name(TEST_ALIAS, config["version"])]
    hits = es.search(index=TEST_ALIAS, size=10)["hits"]["hits"]
    assert len(hits) == 4 and all(h["_source"]["dup_group"] and "fingerprint" in h["_source"] for h in hits)
    assert not any(name in h["_source"] for h in hits for name in words_fields)
    assert {h["_source"]["indexed_at"] for h in hits} == {"2026-01-05T09:30:00+08:00"}
    assert migrate(es, TEST_ALIAS).status == "up-to-date"
    drop_test_indices(es)


def test_index_status_cli(cli, fresh_index: str) -> None:
    result = cli("index", "status")
    assert result.returncode == 0 and versioned_name(TEST_ALIAS, index_config()["version"]) in result.stdout


def test_ingest_output_of_export_round_trips(cli, corpus: str, tmp_path: Path) -> None:
    export(connect(), tmp_path / "all.jsonl", "jsonl", None, TEST_ALIAS)
    rows = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {row["url"] for row in rows} >= {SAMPLE_URL}
    again = cli("ingest", "--quiet", str(tmp_path / "all.jsonl"))
    assert again.returncode == 0, again.stderr
    assert "5 unchanged" in again.stdout  # an export loads back as the same articles


def test_a_duplicate_is_found_among_many_articles_sharing_a_band(fresh_index: str) -> None:
    """Chance band collisions grow with the index; they must not hide the true original."""
    from store import dedup

    base = article_document(extract_article(parse_document(fixture_text("eastmoney_jekyll_post.md"))))
    rng = random.Random(3)

    def with_fingerprint(number: int, value: int) -> dict:
        document = dict(
            base, url=f"https://example.com/a/{number}.html", id=f"{number:040x}", dup_group=f"{number:040x}"
        )
        document["fingerprint"] = dedup.to_hex(value)
        document["fp_bands"] = dedup.bands(document["fingerprint"])
        return document

    shared = 0xABCD << 48  # every article below shares the first band, and nothing else
    older = [with_fingerprint(n, shared | rng.getrandbits(48)) for n in range(40)]
    writer = ArticleWriter(connect(), TEST_ALIAS)
    for document in older:
        writer.add(document)
        writer.flush()  # one at a time: crawl times in this order
    writer.close()
    original = older[-1]
    copy = with_fingerprint(99, int(original["fingerprint"], 16) ^ 1)
    later = ArticleWriter(connect(), TEST_ALIAS)  # a later run: only the index knows the original
    later.add(copy)
    assert later.close()["duplicates"] == 1
    stored = connect().get(index=TEST_ALIAS, id=copy["id"])["_source"]
    assert stored["dup_of"] == original["id"]


def test_a_search_after_a_killed_load_sees_its_articles(fresh_index: str, es_node) -> None:
    """A load killed while refresh was switched off left its articles invisible until the next
    writer; the next reader puts the interval back too (issue 21, item 7)."""
    from core.article import RawArticle

    es_node.indices.put_settings(index=TEST_ALIAS, settings={"index": {"refresh_interval": "-1"}})
    for number in range(3):
        document = article_document(
            extract_article(RawArticle(source="text", url=f"https://example.com/killed/{number}.html",
                                       title=f"未刷新{number}", body_text="北京推进数字经济发展。"))
        )  # fmt: skip
        es_node.index(index=TEST_ALIAS, id=document["id"], document=document)  # no refresh: a killed load
    # (Mostly nothing is visible now; Elasticsearch may still refresh a shard to free its indexing
    # buffer when other loads fill the node's, so the test checks the setting, not the count.)
    assert refresh_setting(es_node) == "-1"
    result = run_finnews("search", "数字经济")  # a new reader: the interval is checked once a process
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("3 "), result.stdout
    assert refresh_setting(es_node) == "1s"  # put back: what is written from now on becomes visible
    assert es_node.count(index=TEST_ALIAS)["count"] == 3


def refresh_setting(es: object) -> str | None:
    found = es.indices.get_settings(index=TEST_ALIAS, name="index.refresh_interval", flat_settings=True)
    return next(iter(found.values()))["settings"].get("index.refresh_interval")


def test_a_lookup_a_shard_cannot_answer_spools_the_batch_instead_of_taking_articles_for_new(
    es_node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shard with no live copy (its node died, no replica promoted yet) answers an existence look-up
    with an error per document; taking that for "not there" would overwrite an article's first crawl
    time. Here the index's only shard can never be assigned (an allocation rule no node meets)."""
    import store.writer
    from store.outcomes import NEW, SPOOLED

    monkeypatch.setenv("FINNEWS_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.setattr(store.writer, "LOOKUP_RETRY_WAITS_S", (0.1, 0.1))
    es = connect()
    unassigned = f"{TEST_ALIAS}-unassigned"
    es.indices.create(
        index=unassigned,
        settings={"number_of_shards": 1, "number_of_replicas": 0, "index.routing.allocation.require._name": "none"},
        mappings=index_config()["mappings"],
        wait_for_active_shards="0",
    )
    try:
        writer = ArticleWriter(es, unassigned)
        for article in load_articles()[:3]:
            writer.add(article_document(extract_article(article.raw)))
        counts = writer.close()
    finally:
        es.indices.delete(index=unassigned)
    assert counts[NEW] == 0 and counts[SPOOLED] == 3
    lines = [json.loads(line) for path in (tmp_path / "spool").rglob("*.jsonl") for line in path.open()]
    assert len(lines) == 3 and all("look-up(s) failed" in line["reason"] for line in lines)


def test_a_second_source_without_title_or_date_never_blanks_a_stored_article(fresh_index: str, es_node) -> None:
    """Issue 23, item 1: a feed pointing at indexed Eastmoney articles used to overwrite them with its
    empty title and null date and take over ``source``."""
    from store.outcomes import UNCHANGED, UPDATED

    tagged = (extract_article(article.raw) for article in load_articles())
    original = article_document(next(article for article in tagged if article.boards))
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(original)
    writer.close()
    feed_copy = {**original, "source": "local-feed", "title": "", "published_at": None, "boards": []}
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(feed_copy)
    counts = writer.close()
    assert counts[UPDATED] == 1 and writer.kept_stored_values == 1  # its source is added, and it is said
    stored = es_node.get(index=TEST_ALIAS, id=original["id"])["_source"]
    assert stored["title"] == original["title"] and stored["title"]
    assert stored["published_at"] == original["published_at"] and stored["published_at"]
    assert stored["boards"] == original["boards"] and stored["boards"]
    assert stored["source"] == original["source"] and stored["sources"] == [original["source"], "local-feed"]
    assert stored["crawled_at"] == original["crawled_at"]
    # The same copy again changes nothing.
    writer = ArticleWriter(connect(), TEST_ALIAS)
    writer.add(feed_copy)
    assert writer.close()[UNCHANGED] == 1


@pytest.mark.parametrize("chunk_size", [500, 1])
def test_two_sources_copies_of_one_article_in_one_load_are_merged(chunk_size: int, fresh_index: str, es_node) -> None:
    """Review of day 19: the same article from a crawl and then from a feed in one load (one batch, or one
    batch after another while the first was still being written) kept only the feed's copy: an empty title
    and a one-line summary for text, counted "1 new, 1 updated"."""
    from store.outcomes import NEW, UPDATED

    writer = ArticleWriter(connect(), TEST_ALIAS, chunk_size=chunk_size)
    urls = [f"https://finance.eastmoney.com/a/2026112010{index:08d}.html" for index in range(20)]
    for index, url in enumerate(urls):
        full = {
            "url": url,
            "source": "eastmoney",
            "title": f"完整标题{index}",
            "text": f"比亚迪发布业绩公告{index}。" * 20,
        }
        writer.add(document_from_record({**full, "published_at": "2026-11-20T10:00:00+08:00"}))
        writer.add(document_from_record({"url": url, "source": "feed:sina", "title": "", "text": f"摘要{index}"}))
    counts = writer.close()
    assert counts[NEW] == 20 and counts[UPDATED] == 20  # each feed copy adds its source
    es_node.indices.refresh(index=TEST_ALIAS)
    for index, url in enumerate(urls):
        stored = es_node.get(index=TEST_ALIAS, id=document_id(url))["_source"]
        assert stored["title"] == f"完整标题{index}" and stored["text"].startswith("比亚迪发布业绩公告"), url
        assert stored["published_at"] and stored["sources"] == ["eastmoney", "feed:sina"]


def test_collapsed_reposts_are_counted_as_stories_so_every_page_has_hits(fresh_index: str) -> None:
    """Issue 23, item 4: 32 articles that are 8 reposts each of 4 stories said "32 on 4 pages" and
    pages 2–4 were empty."""
    writer = ArticleWriter(connect(), TEST_ALIAS)
    stories = load_articles()[:4]
    for number, article in enumerate(stories):
        for copy in range(8):
            document = article_document(extract_article(article.raw))
            document.update(url=f"https://example.com/repost/{number}/{copy}.html")
            document["id"] = f"{number:02d}{copy:02d}".ljust(40, "0")
            writer.add(document)
            writer.flush()  # each copy finds the earlier ones
    writer.close()
    first = search(connect(), "", size=2, sort="date", collapse_duplicates=True, alias=TEST_ALIAS)
    assert (first.total, first.articles) == (4, 32)
    second = search(connect(), "", page=2, size=2, sort="date", collapse_duplicates=True, alias=TEST_ALIAS)
    groups = {hit.source["url"].split("/")[-2] for hit in first.hits + second.hits}  # the story number
    assert len(first.hits) == len(second.hits) == 2 and len(groups) == 4
    plain = search(connect(), "", size=2, alias=TEST_ALIAS)
    assert (plain.total, plain.articles) == (32, 32)


def test_or_not_phrases_and_several_filter_values_through_the_cli(cli, fresh_index: str, tmp_path: Path) -> None:
    """Issue 23, item 3: `宁德时代 OR 比亚迪` found nothing and `--stock A --stock B` kept the last."""
    writer = ArticleWriter(connect(), TEST_ALIAS)
    for number, (title, text, stock) in enumerate(
        [
            ("宁德时代发布新电池", "宁德时代今日发布新一代电池。", ("0.300750", "300750", "宁德时代", "SZ")),
            ("比亚迪销量创新高", "比亚迪汽车销量创新高，电池自供。", ("0.002594", "002594", "比亚迪", "SZ")),
            ("光伏组件价格下跌", "光伏组件价格继续下跌。", None),
        ]
    ):
        document = plain_document(f"https://example.com/q/{number}.html", title, text)
        document["published_at"] = f"2026-11-2{number}T10:00:00+08:00"
        if stock:
            secid, code, name, exchange = stock
            document["stocks"] = [{"secid": secid, "code": code, "name": name, "exchange": exchange}]
        writer.add(document)
    writer.close()

    def titles(*args: str) -> set[str]:
        result = cli("search", *args, "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        return {json.loads(line)["title"] for line in result.stdout.splitlines()}

    assert titles("宁德时代 OR 比亚迪") == {"宁德时代发布新电池", "比亚迪销量创新高"}
    assert titles("电池 -宁德时代") == {"比亚迪销量创新高"}
    assert titles('"组件价格"') == {"光伏组件价格下跌"}
    assert titles('"价格组件"') == set()
    assert titles("", "--stock", "宁德时代", "--stock", "002594") == {"宁德时代发布新电池", "比亚迪销量创新高"}
    exported = tmp_path / "two.csv"
    result = cli("export", "-o", str(exported), "--quiet", "-q", "宁德时代 OR 比亚迪")
    assert result.returncode == 0, result.stderr
    assert len(list(csv.DictReader(exported.open(encoding="utf-8")))) == 2

    # The notebook's way (issue 23): one call, a typed DataFrame, the same articles as `finnews search`.
    from finnews import news

    frame = news.frame("宁德时代 OR 比亚迪", since="2026-11-01")
    searched = news.search("宁德时代 OR 比亚迪", since="2026-11-01", size=50)
    assert set(frame["id"]) == {hit["id"] for hit in searched} and len(frame) == 2
    assert str(frame["published_at"].dtype) == "datetime64[ms, Asia/Shanghai]"
    assert frame["published_at"].is_monotonic_increasing
    assert sorted(tuple(codes) for codes in frame["stock_codes"]) == [("002594.SZ",), ("300750.SZ",)]
    assert len(news.frame(stock=["宁德时代", "比亚迪"], since="2026-11-01", until="2026-11-30")) == 2
    assert news.frame("宁德时代", until="2026-11-19").empty


def test_a_batch_the_seen_store_would_not_take_costs_no_other_batch(fresh_index: str, es_node) -> None:
    """Day-17 hunt: the seen store locked by another process (or its disk full) made the callback of a written
    batch raise in the bulk thread; the error came back at the next batch's send, which was then neither sent
    nor spooled, and the crawl exited 0. Now each batch is written, the URLs the callback refused are told again
    with the next batch, and those it never took are named at close."""
    raw = parse_document(fixture_text("eastmoney_jekyll_post.md"))
    documents = []
    for n in range(6):
        article = extract_article(raw)
        article.url = f"https://finance.eastmoney.com/a/20220531{n}.html"
        documents.append(article_document(article))
    remembered: list[str] = []
    refusals = iter([True])  # the store refuses once, then takes what it is told

    def remember(urls: list[str]) -> None:
        if next(refusals, False):
            raise sqlite3.OperationalError("database is locked")
        remembered.extend(urls)

    writer = ArticleWriter(connect(), TEST_ALIAS, chunk_size=2, on_written=remember)
    for document in documents:
        writer.add(document, urls=[document["url"]])
    counts = writer.close()
    assert counts["new"] == 6
    assert sorted(remembered) == sorted(d["url"] for d in documents) and not writer.not_acknowledged
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 6

    def refuse(urls: list[str]) -> None:
        raise OSError(28, "No space left on device")

    writer = ArticleWriter(connect(), TEST_ALIAS, chunk_size=2, on_written=refuse)
    again = [{**d, "id": f"{d['id']}-again", "url": d["url"] + "?again"} for d in documents[:3]]
    for document in again:
        writer.add(document, urls=[document["url"]])
    writer.close()
    assert sorted(writer.not_acknowledged) == sorted(d["url"] for d in again)
    assert "No space left on device" in (writer.acknowledge_error or "")
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 9
