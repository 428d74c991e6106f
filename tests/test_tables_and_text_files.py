"""The inputs analysts already have (issue 23, item 2): AKShare-style CSV files and JSON arrays, text
files with their titles and dates, records without a link."""

from __future__ import annotations

import json

import pytest

from core.config import ConfigError
from ingest.files import InputError, parse_record
from ingest.tables import column_mapping, content_url, csv_records, json_records, parse_mapping
from tagging.pages.textfile import text_fields

# The columns of AKShare's stock_news_em as saved with DataFrame.to_csv (the index column first).
AKSHARE_CSV = (
    ",关键词,新闻标题,新闻内容,发布时间,文章来源,新闻链接\n"
    "0,300750,宁德时代发布神行电池,宁德时代今日发布新一代电池。,2026-11-20 10:30:00,证券时报,"
    "http://finance.eastmoney.com/a/202611203000000001.html\n"
    '1,300750,"储能订单,再创新高",公司储能订单再创新高。,2026-11-21 09:00:00,财联社,\n'
).encode("utf-8-sig")


def test_an_akshare_csv_gives_titled_dated_records_and_rows_without_links_get_an_id_from_content() -> None:
    rows = list(csv_records(AKSHARE_CSV))
    assert [number for number, _ in rows] == [2, 3]
    first, second = (record for _, record in rows)
    assert first["title"] == "宁德时代发布神行电池" and first["text"] == "宁德时代今日发布新一代电池。"
    assert first["published_at"] == "2026-11-20 10:30:00" and first["media"] == "证券时报"
    assert first["url"].endswith("202611203000000001.html") and first["keywords"] == ["300750"]
    assert second["title"] == "储能订单,再创新高" and second["url"].startswith("urn:finnews:content:")
    assert second["url"] == content_url(second)  # the same row again is the same article
    raw = parse_record(json.dumps(first, ensure_ascii=False).encode())
    assert (
        raw.title == "宁德时代发布神行电池"
        and raw.published_at
        and raw.published_at.isoformat().startswith("2026-11-20")
    )


def test_english_columns_a_gb18030_file_and_a_map_override() -> None:
    data = b"headline,content,date,link\nT,Body text.,2026-11-20,https://example.com/1\n"
    ((_, record),) = csv_records(data)
    assert (record["title"], record["text"], record["url"]) == ("T", "Body text.", "https://example.com/1")
    gb = "名称,正文\n标题甲,正文甲。\n".encode("gb18030")
    ((_, record),) = csv_records(gb, parse_mapping("title=名称"))
    assert (record["title"], record["text"]) == ("标题甲", "正文甲。")
    with pytest.raises(ConfigError, match="no column 'x'"):
        list(csv_records(data, parse_mapping("title=x")))
    with pytest.raises(ConfigError, match="unknown field 'titel'"):
        parse_mapping("titel=x")
    with pytest.raises(ConfigError, match="no column holds the article's text or title"):
        column_mapping(["a", "b"])


def test_a_json_array_is_one_record_per_item_and_a_non_object_is_passed_on_to_be_named() -> None:
    data = json.dumps([{"新闻标题": "甲", "新闻内容": "正文。"}, 5, {"title": "乙", "text": "正文乙。", "url": "u:1"}])
    items = list(json_records(data.encode()))
    assert items[0][1]["title"] == "甲" and items[1] == (2, 5) and items[2][1]["url"] == "u:1"


def test_a_json_line_without_a_link_is_identified_by_its_content() -> None:
    line = json.dumps({"title": "标题", "text": "正文。"}, ensure_ascii=False).encode()
    assert parse_record(line).url == parse_record(line).url and parse_record(line).url.startswith("urn:finnews:")


@pytest.mark.parametrize(
    ("text", "name", "title", "date", "how"),
    [
        (
            "宁德时代发布新电池\n2026年11月20日 10:30\n正文。",
            "a.txt",
            "宁德时代发布新电池",
            "2026-11-20T10:30",
            "title: first line; date: text",
        ),
        (
            "这是第一句。这是第二句。",
            "2026-11-20_宁德时代发布新电池.txt",
            "宁德时代发布新电池",
            "2026-11-20T00:00",
            "title: file name; date: file name",
        ),
        ("只有一句话。", "20261121.txt", None, "2026-11-21T00:00", "title: none; date: file name"),
        ("正文一段。\n正文二段。", None, None, None, "title: none; date: none"),
        # A date inside a sentence is what the sentence is about, not when the article was written.
        (
            "东方财富成交额创纪录\n东方财富交易额突破700亿元，也打破了由中国石油在2007年11月5日所保持的个股单日交易额纪录。",
            "2024-10-09_x.txt",
            "东方财富成交额创纪录",
            "2024-10-09T00:00",
            "title: first line; date: file name",
        ),
        # A date opening a sentence tells its story: 2019年9月23日,汇顶科技… in a 2021 report on chip makers.
        (
            "千亿芯片公司\n2019年9月23日,汇顶科技在开盘后股价一路走高,涨幅超过6%,市值一举超过了1000亿元。",
            "2021-04-15_x.txt",
            "千亿芯片公司",
            "2021-04-15T00:00",
            "title: first line; date: file name",
        ),
        (
            "标题\n发布时间：2024年10月9日，本报记者从交易所获悉，东方财富交易额当日突破七百亿元大关。",
            None,
            "标题",
            "2024-10-09T00:00",
            "title: first line; date: text",
        ),
        # A date a sentence quotes after a label is no dateline (年报发布时间：… in the body).
        (
            "标题\n2024年6月1日 10:30 来源：新华社\n公司表示，年报发布时间：2025年3月30日，届时将召开说明会。",
            None,
            "标题",
            "2024-06-01T10:30",
            "title: first line; date: text",
        ),
        # The article's labelled date outranks the timestamps of a neighbouring-article list above it (dev180).
        (
            "当前位置:首页 » 软件代码\n扩展阅读\n销售不动产统一发票 2025-07-26 07:08:38\n\n西贝餐饮集团股票代码\n"
            "发布时间: 2023-03-18 15:16:29\n杨国福冲击“麻辣烫第一股”。",
            None,
            "当前位置:首页 » 软件代码",
            "2023-03-18T15:16",
            "title: first line; date: text",
        ),
    ],
)
def test_a_text_file_gets_its_title_and_date_from_its_lines_or_its_name(
    text: str, name: str | None, title: str | None, date: str | None, how: str
) -> None:
    fields = text_fields(text, name)
    assert fields.title == title and fields.how == how
    assert (fields.published_at.isoformat()[:16] if fields.published_at else None) == date
    if how.startswith("title: first line"):
        assert not fields.body.startswith(title)  # the title line is not repeated as body


def test_gbk_json_lines_and_json_and_a_damaged_utf8_csv_are_read_in_their_encoding(caplog) -> None:
    """Review of day 19: a GBK JSON Lines or JSON file came out as U+FFFD throughout, without a word; a UTF-8
    CSV with one damaged byte was read whole as GB18030 mojibake (its header unrecognised, its rows lost)."""
    line = json.dumps(
        {"url": "https://example.com/gbk", "title": "贵州茅台", "text": "贵州茅台发布公告。"}, ensure_ascii=False
    )
    assert parse_record(line.encode("gbk"), "gbk.jsonl:1").title == "贵州茅台"
    ((_, record),) = json_records(
        json.dumps([{"新闻标题": "数字经济", "新闻内容": "正文。"}], ensure_ascii=False).encode("gbk")
    )
    assert record["title"] == "数字经济"
    damaged = AKSHARE_CSV.replace(
        "宁德时代今日发布新一代电池。".encode(), "宁德时代今日发布新一代电".encode() + b"\xe6\x31"
    )
    with caplog.at_level("WARNING"):
        rows = list(csv_records(damaged, name="news.csv"))
    assert [number for number, _ in rows] == [2, 3] and rows[0][1]["title"] == "宁德时代发布神行电池"
    assert rows[0][1]["text"].startswith("宁德时代今日发布新一代电\ufffd")
    assert "news.csv: 1 undecodable byte sequence(s) replaced" in caplog.text


def test_a_json_lines_record_over_the_limit_is_refused_and_a_table_row_is_kept(monkeypatch) -> None:
    # Review of day 19: the JSON Lines check held table rows too, refusing rows whose text was cut before.
    monkeypatch.setattr("ingest.files.max_article_bytes", lambda: 300)
    line = json.dumps({"url": "https://example.com/long", "title": "长文", "text": "长" * 200}, ensure_ascii=False)
    with pytest.raises(InputError, match=r"record of 0\.0 MB is over the limit"):
        parse_record(line.encode())
    assert parse_record(line.encode(), sized=False).title == "长文"
    tagged = {
        "url": "https://example.com/tagged",
        "title": "短",
        "text": "短文。",
        "boards": [],
        "stocks": [],
        "topics": [],
    }
    tags = json.dumps({**tagged, "keywords": ["短文"] * 100}, ensure_ascii=False).encode()
    assert len(tags) > 300 and parse_record(tags)["title"] == "短"  # its tags make the line long, not its text


def test_a_short_damaged_utf8_line_and_a_utf16_table_are_read_in_their_encoding() -> None:
    # Second review of day 19: two damaged bytes in a short UTF-8 line made it GB18030 mojibake; UTF-16 (with
    # its byte-order mark, as Windows saves "Unicode" text) was not read at all.
    line = json.dumps(
        {"url": "https://example.com/short", "title": "央行逆回购", "text": "央行开展逆回购操作。"}, ensure_ascii=False
    )
    damaged = line.encode().replace("操作".encode(), b"\xe6\x93" + "作".encode()).replace("。".encode(), b"\xe3\x80")
    raw = parse_record(damaged, "short.jsonl:1")
    assert raw.title == "央行逆回购" and raw.body_text.startswith("央行开展逆回购\ufffd作")
    ((_, record),) = csv_records("title,text\n标题甲,正文甲。\n".encode("utf-16"))
    assert (record["title"], record["text"]) == ("标题甲", "正文甲。")
