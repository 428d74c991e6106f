"""What an export writes, decided before anything is read (issue 23, items 5 and 6): the format from
the extension unless --format says otherwise, a clear error for a contradiction or a format finnews
does not write, and the columns an analyst uses directly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from store.client import StoreError
from store.export import (
    _parquet_row,
    _parquet_schema,
    _Writer,
    analyst_record,
    csv_lines,
    exchange_code,
    export_format,
    flatten_for_csv,
    jsonl_lines,
)


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("out.jsonl", None, "jsonl"),
        ("out.ndjson", None, "jsonl"),
        ("OUT.CSV", None, "csv"),
        ("out.parquet", None, "parquet"),
        ("out.parquet", "parquet", "parquet"),
        ("out", "csv", "csv"),  # no extension: --format decides
        ("out.txt", "jsonl", "jsonl"),
    ],
)
def test_the_format_comes_from_the_extension_or_from_format(name: str, fmt: str | None, expected: str) -> None:
    assert export_format(Path(name), fmt) == expected


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("out.xlsx", None, "Excel workbooks are not written: use a .csv file with --excel"),
        ("out.xlsx", "csv", "Excel workbooks are not written"),
        ("out.json", None, "use .jsonl"),
        ("x.parquet", "csv", "x.parquet is a .parquet file name but --format says csv"),
        ("out.txt", None, "cannot tell the format from the extension .txt"),
        ("out", None, "cannot tell the format from the extension (none)"),
        ("out.csv", "xml", "unknown export format 'xml'"),
    ],
)
def test_a_contradiction_or_an_unwritten_format_is_an_error_that_says_what_to_do(
    name: str, fmt: str | None, message: str
) -> None:
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        export_format(Path(name), fmt)


@pytest.mark.parametrize(
    ("stock", "code"),
    [
        ({"secid": "0.300750", "code": "300750", "exchange": "SZ"}, "300750.SZ"),
        ({"secid": "1.600519", "code": "600519", "exchange": "SH"}, "600519.SH"),
        ({"secid": "0.830799", "code": "830799", "exchange": "BJ"}, "830799.BJ"),
        ({"secid": "116.00700", "code": "00700", "exchange": "HK"}, "00700.HK"),
        ({"secid": "105.AAPL", "code": "AAPL", "exchange": "US"}, "AAPL.O"),
        ({"secid": "106.BABA", "code": "BABA", "exchange": "US"}, "BABA.N"),
    ],
)
def test_stocks_are_written_in_exchange_form(stock: dict[str, str], code: str) -> None:
    assert exchange_code(stock) == code


ARTICLE = {
    "id": "a" * 40,
    "url": "https://finance.eastmoney.com/a/1.html",
    "source": "eastmoney",
    "sources": ["eastmoney", "feed"],
    "title": "宁德时代与比亚迪",
    "published_at": "2026-11-20T10:00:00+08:00",
    "stocks": [
        {"secid": "0.300750", "code": "300750", "name": "宁德时代", "exchange": "SZ"},
        {"secid": "0.002594", "code": "002594", "name": "比亚迪", "exchange": "SZ"},
    ],
    "boards": [{"secid": "90.BK1033", "code": "BK1033", "name": "电池"}],
    "topics": [{"id": "new-energy", "name": "新能源", "name_en": "New energy"}],
    "keywords": ["电池", "汽车"],
    "fingerprint": "ffff",
    "fp_bands": ["ff"],
    "dup_group": "a" * 40,
    "body_source": "layout:eastmoney",
}


def test_an_exported_article_has_analyst_columns_and_no_index_bookkeeping() -> None:
    record = analyst_record(ARTICLE)
    assert record["stock_codes"] == ["300750.SZ", "002594.SZ"] and record["stock_names"] == ["宁德时代", "比亚迪"]
    assert (record["board_codes"], record["board_names"], record["topic_names"]) == (["BK1033"], ["电池"], ["新能源"])
    assert not {"fingerprint", "fp_bands", "dup_group", "body_source"} & set(record)
    row = flatten_for_csv(ARTICLE)
    assert row["stock_codes"] == "300750.SZ;002594.SZ" and row["sources"] == "eastmoney;feed"
    assert row["topic_names"] == "新能源" and row["keywords"] == "电池;汽车"


def test_parquet_rows_keep_mentions_instruments_and_rejected_markup_typed() -> None:
    """A record loaded from another tool may hold an offset as text: that cell is null, the export goes on."""
    mention = {"secid": "0.300750", "kind": "stock", "text": "宁德时代", "start": "3", "end": 7, "where": "body",
               "source": "text", "how": "name", "extra": 1}  # fmt: skip
    rejected = {"secid": "90.BK0473", "text": "证券", "start": None, "end": None, "reason": "the outlet"}
    row = _parquet_row({**ARTICLE, "mentions": [mention], "rejected_markup": [rejected]}, _parquet_schema())
    assert row["mentions"] == [{**{k: v for k, v in mention.items() if k != "extra"}, "start": None}]
    assert row["rejected_markup"] == [rejected] and row["instruments"] == []


FORMULAS = {"=HYPERLINK(\"http://x\",\"点\") 第0条": "title", "-30%：锂价下跌": "digest", "@某媒体": "media",
            "+5.2%": "author", "\t缩进": "category", "\r回车": "text"}  # fmt: skip


def test_csv_for_excel_starts_no_cell_with_a_formula_and_plain_csv_is_unchanged() -> None:
    """Audit 5, gap 6: Excel evaluates a cell starting with = + - @ (or a tab or carriage return) even
    quoted; with the Excel flavour such a cell starts with ' (OWASP), plain CSV keeps every byte."""
    article = {**ARTICLE, **{field: value for value, field in FORMULAS.items()}, "tags": ["-负面", "正常"]}
    for excel, expected in ((False, ""), (True, "'")):
        text = "".join(csv_lines(iter([article]), excel))
        [row] = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        assert {field: row[field] for field in FORMULAS.values()} == {
            field: expected + value for value, field in FORMULAS.items()
        }
        assert row["tags"] == expected + "-负面;正常"
        assert row["stock_codes"] == "300750.SZ;002594.SZ"  # nothing else changes


def test_json_lines_escape_the_line_breaks_of_unicode_so_every_reader_sees_one_line_per_article() -> None:
    """Audit 5, gap 7: U+2028, U+2029 and NEL were written raw; str.splitlines() cut an article there."""
    article = {**ARTICLE, "text": "甲\u2028乙\u2029丙\x85丁\n戊", "title": "标\x0b题"}
    streamed = "".join(jsonl_lines(iter([article, ARTICLE])))
    written = io.StringIO()
    writer = _Writer(written, "jsonl", "")
    for each in (article, ARTICLE):
        writer.write(each)
    for text in (streamed, written.getvalue()):
        assert len(text.splitlines()) == 2 and text.endswith("\n")
        first = json.loads(text.splitlines()[0])
        assert first == analyst_record(article)  # the same data
