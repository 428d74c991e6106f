"""The search box's small language (issue 23, item 3): OR, NOT / -word, quoted phrases; text without
them is searched exactly as before."""

from __future__ import annotations

import pytest

from store.query_text import Term, parse_query, positive_text, uses_operators
from store.search import Filters, build_query, query_for, text_query, words


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("宁德时代 OR 比亚迪", [[Term("宁德时代")], [Term("比亚迪")]]),
        ("新能源 汽车 -光伏", [[Term("新能源 汽车"), Term("光伏", negated=True)]]),
        ("新能源 NOT 光伏 OR 储能", [[Term("新能源"), Term("光伏", negated=True)], [Term("储能")]]),
        ('"数字经济 发展" 政策', [[Term("数字经济 发展", phrase=True), Term("政策")]]),
        ("“数字经济” AND 芯片", [[Term("数字经济", phrase=True), Term("芯片")]]),
        ("NOT 「光伏」", [[Term("光伏", phrase=True, negated=True)]]),
        ("OR 宁德时代 OR", [[Term("宁德时代")]]),  # dangling operators are ignored
        ("a | b", [[Term("a")], [Term("b")]]),
    ],
)
def test_queries_are_read_as_alternatives_of_terms(text: str, parsed: list[list[Term]]) -> None:
    assert uses_operators(text)
    assert parse_query(text) == parsed


@pytest.mark.parametrize("text", ["宁德时代", "数字经济 发展", "or not and", "A-share 价格", "涨幅-5%"])
def test_text_without_operators_is_searched_exactly_as_before(text: str) -> None:
    assert not uses_operators(text)
    assert query_for(text) == text_query(text)
    assert positive_text(text) == text


def test_or_not_and_phrases_become_one_boolean_query() -> None:
    query = query_for("宁德时代 OR 比亚迪 -召回")
    first, second = query["bool"]["should"]
    assert first["bool"]["must"] == [text_query("宁德时代")] and first["bool"]["must_not"] == []
    assert second["bool"]["must"] == [text_query("比亚迪")]
    assert second["bool"]["must_not"] == [text_query("召回")]
    only_not = query_for("-光伏")
    assert only_not == {"bool": {"must": [{"match_all": {}}], "must_not": [text_query("光伏")]}}
    assert query_for("OR") == {"match_none": {}}
    assert positive_text("宁德时代 OR 比亚迪 -召回") == "宁德时代 比亚迪"


@pytest.mark.parametrize("text", ["--", "-*", "-?", "-。", '-"', 'NOT "', "NOT ？", "-* OR -。"])
def test_symbols_left_out_leave_nothing_asked_for(text: str) -> None:
    """Hunt of day 18: a negated term of symbols excluded nothing, and its alternative matched every article."""
    assert query_for(text) == {"match_none": {}}
    assert query_for(f"光伏 {text}")["bool"]["must"] == [text_query("光伏")]  # the words beside it still count


def test_several_values_of_a_filter_are_any_of_them() -> None:
    query = build_query("", Filters(stock=["603888", "新华网"], board="BK1061"))
    stock_clause = next(c for c in query["bool"]["filter"] if "bool" in c)
    assert len(stock_clause["bool"]["should"]) == 2 and stock_clause["bool"]["minimum_should_match"] == 1
    assert Filters(stock="603888") == Filters(stock=["603888", " "])  # one form whatever the face gave


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Words the index's standard analyzer keeps whole: jieba cut them at the accent (caf / é) or
        # the apostrophe, and the piece matched nothing.
        ("The café chain", ["the", "café", "chain"]),
        ("Nestlé公司", ["nestlé", "公司"]),
        ("L'Oréal 欧莱雅", ["l'oréal", "欧莱雅"]),
        ("U.S. 美国", ["u.s", "美国"]),
        ("Zürich保险 naïve", ["zürich", "保险", "naïve"]),
        # jieba's own words stay as they were (A股 with its letter), numbers alone are no words.
        ("A股上涨", ["a股", "上涨"]),
        ("iPhone15发布", ["iphone15", "发布"]),
        ("涨幅-5% １２３", ["涨幅"]),
        # A Roman numeral is a word to the analyzer (review: Ⅲ期临床 required only 期 and 临床).
        ("Ⅲ期临床", ["ⅲ", "期", "临床"]),
    ],
)
def test_a_query_keeps_whole_the_latin_words_the_index_keeps_whole(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("typed", "clause"),
    [
        # Fourth audit: each of these loaded as a watchlist filter and never matched.
        ("baba", {"stocks.code": "BABA"}),
        ("0700", {"stocks.code": "00700"}),
        ("700", {"stocks.code": "00700"}),
        ("0700.HK", {"stocks.code": "00700"}),
        ("hk00700", {"stocks.code": "00700"}),
        ("３００７５０", {"stocks.code": "300750"}),
        ("300750.SZ", {"stocks.secid": "0.300750"}),
        ("sz300750", {"stocks.secid": "0.300750"}),
        ("sh600519", {"stocks.secid": "1.600519"}),
        ("sh000001", {"stocks.secid": "1.000001"}),  # the Shanghai index, never 平安银行 (review)
        ("000001.SZ", {"stocks.secid": "0.000001"}),
        ("TCL集团", {"stocks.secid": "0.000100"}),  # the former name (to 2020-02-06)
        ("tcl科技", {"stocks.secid": "0.000100"}),
        ("腾讯", {"stocks.secid": "116.00700"}),  # a reviewed alias of 腾讯控股
        ("Apple", {"stocks.secid": "105.AAPL"}),  # a name, not the ticker APPLE
        ("新华网", {"stocks.secid": "1.603888"}),
        ("1.603888", {"stocks.secid": "1.603888"}),
    ],
)
def test_a_stock_filter_is_read_as_users_write_stocks(typed: str, clause: dict) -> None:
    query = build_query("", Filters(stock=typed))
    assert {"term": clause} in query["bool"]["filter"]


def test_a_watchlist_stock_nobody_knows_is_said_on_load(caplog: pytest.LogCaptureFixture) -> None:
    from store.watchlists import parse_watchlists

    entry = {"name": "w", "stocks": ["sh600519", "不存在的公司"], "channels": []}
    with caplog.at_level("WARNING", logger="store.watchlists"):
        parse_watchlists({"watchlists": [entry]}, "watchlists.yaml")
    assert "'不存在的公司' is no code, secid or name of a listing finnews knows" in caplog.text
    assert "sh600519" not in caplog.text


@pytest.mark.parametrize(
    ("date_from", "date_to", "bounds"),
    [
        # Fifth audit: only YYYY-MM-DD was a whole day; an end time was exclusive; one moment was "swap them".
        ("2026/01/05", "2026年01月05日", {"gte": "2026-01-05T00:00:00+08:00", "lt": "2026-01-06T00:00:00+08:00"}),
        # A time to the minute is the whole minute (review: 15:00:30 fell outside --to "… 15:00").
        (None, "2026-01-06 10:00", {"lt": "2026-01-06T10:01:00+08:00"}),
        (
            "2026-01-06 10:00",
            "2026-01-06 10:00",
            {"gte": "2026-01-06T10:00:00+08:00", "lt": "2026-01-06T10:01:00+08:00"},
        ),
        (
            "2026-01-06T10:00:00",
            "2026-01-06T10:00:00",
            {"gte": "2026-01-06T10:00:00+08:00", "lte": "2026-01-06T10:00:00+08:00"},
        ),
        ("2026-01-05T16:00:00Z", None, {"gte": "2026-01-06T00:00:00+08:00"}),
    ],
)
def test_date_filters_read_every_form_and_include_their_end(date_from, date_to, bounds) -> None:
    query = build_query("", Filters(date_from=date_from, date_to=date_to))
    assert {"range": {"published_at": bounds}} in query["bool"]["filter"]


@pytest.mark.parametrize("value", ["2026-01-0512", "2026-01-05 to 2026-01-10", "99999-01-01", "2026-02-30"])
def test_a_date_filter_that_is_not_wholly_a_date_is_an_error(value: str) -> None:
    from store.search import QueryError

    with pytest.raises(QueryError, match="not a date"):
        build_query("", Filters(date_to=value))
