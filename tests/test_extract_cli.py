"""``finnews extract``: JSON Lines per input, encodings, and errors as data with a non-zero exit (run
in this process through ``finnews.cli.main``: extract needs no crawl and no fresh reactor)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finnews.cli import main
from replica.eastmoney_pages import render_article_page
from replica.site import ReplicaArticle
from tagging.pages.jekyll import parse_jekyll_post
from tagging.pages.page import decode_html
from tests.conftest import FIXTURES, SAMPLE_POST_BOARDS, SAMPLE_POST_MARKED_BOARDS, fixture_text


def extract(
    capsys: pytest.CaptureFixture[str], *paths: Path | str, plain: bool = False, markup_only: bool = False
) -> tuple[int, list[dict]]:
    code = main(
        ["extract", *map(str, paths), *(["--plain"] if plain else []), *(["--markup-only"] if markup_only else [])]
    )
    return code, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_extract_prints_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows = extract(capsys, FIXTURES / "eastmoney_jekyll_post.md", FIXTURES / "chinaorg_article.txt")
    assert code == 0
    assert len(rows) == 2
    for key in ("url", "title", "published_at", "media", "digest", "text", "boards", "stocks", "topics", "keywords"):
        assert key in rows[0]
    assert rows[0]["published_at"] == "2022-05-30T20:46:00+08:00"
    assert {b["code"] for b in rows[0]["boards"]} == SAMPLE_POST_BOARDS
    assert rows[1]["text"].endswith("启动城市副中心智慧城市标杆示范区建设。")


def test_plain_ignores_markup(capsys: pytest.CaptureFixture[str]) -> None:
    _, (marked,) = extract(capsys, FIXTURES / "eastmoney_jekyll_post.md")
    _, (plain,) = extract(capsys, FIXTURES / "eastmoney_jekyll_post.md", plain=True)
    assert marked["text"] == plain["text"]
    assert {m["source"] for m in marked["mentions"]} == {"markup", "text"}
    assert {m["source"] for m in plain["mentions"]} == {"text"}


def test_every_reading_lists_the_indexes_the_markup_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # --plain tags from the text alone, as FINNEWS_TAG_FROM_TEXT does on a crawl, and like it keeps the indexes
    # and funds the markup names (instruments): they are no tags of the text's reading, but the page's facts.
    page = tmp_path / "index.html"
    quote = '<a href="http://quote.eastmoney.com/unify/r/1.000001" class="keytip" data-code="1,000001">上证指数</a>'
    page.write_text(
        f"<html><head><title>收评</title></head><body><div id='ContentBody'><p>{quote}收涨1%，煤炭板块领涨。</p>"
        "</div></body></html>",
        encoding="utf-8",
    )
    for options in ({}, {"plain": True}, {"markup_only": True}):
        _, (row,) = extract(capsys, page, **options)
        assert [i["secid"] for i in row["instruments"]] == ["1.000001"], options


def test_markup_only_takes_the_markup_alone(capsys: pytest.CaptureFixture[str]) -> None:
    _, (marked,) = extract(capsys, FIXTURES / "eastmoney_jekyll_post.md", markup_only=True)
    assert {b["code"] for b in marked["boards"]} == SAMPLE_POST_MARKED_BOARDS
    assert {m["source"] for m in marked["mentions"]} == {"markup"}


def test_plain_and_markup_only_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        extract(capsys, FIXTURES / "eastmoney_jekyll_post.md", plain=True, markup_only=True)
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_bad_files_give_error_lines_and_a_non_zero_exit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    listing = tmp_path / "list.html"
    listing.write_text("<html><body><ul id='newsListContent'><li>x</li></ul></body></html>", encoding="utf-8")
    code, rows = extract(capsys, empty, tmp_path / "missing.html", listing, FIXTURES / "eastmoney_jekyll_post.md")
    assert code == 4  # partial (core.exit_codes): some inputs failed
    assert [("error" in row) for row in rows] == [True, True, True, False]
    assert "empty input" in rows[0]["error"]
    assert "no such file or folder" in rows[1]["error"]
    assert "ContentBody" in rows[2]["error"]


def gbk_page() -> str:
    raw = parse_jekyll_post(fixture_text("eastmoney_jekyll_post.md"))
    return render_article_page(ReplicaArticle("202205302396636936", raw))


def test_gbk_page_declared_as_gbk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = gbk_page().replace('<meta charset="utf-8">', '<meta charset="gbk">')
    path = tmp_path / "gbk.html"
    path.write_bytes(page.encode("gbk"))
    _, (row,) = extract(capsys, path)
    assert row["title"] == "北京发布数字经济全产业链开放发展行动方案"
    assert "工业互联网产业" in row["text"]


def test_gb18030_page_declared_as_utf8_decodes_correctly() -> None:
    page = gbk_page()  # says utf-8 …
    decoded = decode_html(page.encode("gb18030"))  # … but is GB18030
    assert "北京发布数字经济全产业链开放发展行动方案" in decoded


def test_utf8_page_with_a_wrong_gbk_declaration() -> None:
    page = gbk_page().replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    assert "北京发布数字经济全产业链开放发展行动方案" in decode_html(page.encode("utf-8"))


def test_a_json_lines_file_is_read_as_records_as_ingest_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not as one plain-text article (issue 21, item 7): one row per record, named ``file:line``."""
    records = tmp_path / "records.jsonl"
    good = {"url": "https://example.com/1.html", "title": "宁德时代公告", "text": "宁德时代发布公告，股价涨停。"}
    records.write_text(json.dumps(good, ensure_ascii=False) + "\n\n" + '{"url": 1}\n', encoding="utf-8")
    code, rows = extract(capsys, records, FIXTURES / "chinaorg_article.txt")
    assert code == 4  # partial
    assert [row["path"] for row in rows] == [f"{records}:1", f"{records}:3", str(FIXTURES / "chinaorg_article.txt")]
    assert rows[0]["title"] == "宁德时代公告" and [s["name"] for s in rows[0]["stocks"]] == ["宁德时代"]
    assert "error" in rows[1] and "url" in rows[1]["error"]
    assert "error" not in rows[2]


def test_half_a_surrogate_pair_escaped_in_json_is_a_replacement_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON escape of half a surrogate pair (\\ud800) made a lone surrogate the tokenizer refused: the record
    failed with a TypeError. Now it reads as U+FFFD, as an undecodable byte of a text file does, in JSON Lines and
    in a JSON file alike."""
    line = '{"url": "https://example.com/s.html", "title": "标题\\ud800", "text": "贵州茅台\\udc00涨停。"}'
    (tmp_path / "records.jsonl").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "records.json").write_text(f"[{line}]", encoding="utf-8")
    code, rows = extract(capsys, tmp_path / "records.jsonl", tmp_path / "records.json")
    assert code == 0, rows
    for row in rows:
        assert row["title"] == "标题\ufffd" and row["text"] == "贵州茅台\ufffd涨停。"
        assert [stock["name"] for stock in row["stocks"]] == ["贵州茅台"]
