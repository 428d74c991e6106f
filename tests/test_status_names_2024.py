"""Status-marked A-share names of 2023-2026 (a_share_status_names.csv, from the dated stock lists of SOURCES.md §1):
a status stem the table gives wins over a guess from the first characters of another company's name."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from tagging.linking.knowledge_tables import load_knowledge_base
from tests.test_entity_linking import linked as mentions

TABLE = Path(__file__).resolve().parents[1] / "configs" / "securities" / "a_share_status_names.csv"
_MARK_RE = re.compile(r"^(?:\*?ST|S\*ST|SST|PT|退市)|退$")
_HISTORY = "namoshizun/TradePy:dataset/company_name_changes.pkl@ae95e9b (2023-12-13; tushare namechange)"
_SOURCE_RE = re.compile(r"^[\w.-]+/[\w.-]+:[\w./-]+@[0-9a-f]{7} \(\d{4}-\d{2}-\d{2}; ")


def linked(text: str, day: str) -> dict[str, str]:
    """secid → the text as written, of the first mention of it in ``text`` on ``day``."""
    return {secid: found[0] for secid, found in mentions(text, day).items()}


def test_an_st_name_of_2025_is_the_company_whose_status_name_it_was() -> None:
    # 世纪华通 traded as ST华通 from 2024-11 (tushare stock_basic); 华通线缆 only begins with 华通.
    found = linked("ST华通发布公告称，公司收到证监会立案告知书。", "2025-03-01")
    assert found.get("0.002602") == "ST华通"
    assert "1.605196" not in found
    # *ST汇科 is 汇金科技 (300561, from 2025-04-24), which no name of the other tables begins with.
    assert linked("方直科技、*ST汇科、乐创技术等公司营收不足1亿元。", "2025-06-01").get("0.300561") == "*ST汇科"


@pytest.mark.parametrize(
    ("text", "day", "company"),
    [
        # 金力泰 is *ST金泰 only from 2025-07-03; before, *ST金泰 was 600385 (delisted 2022)
        ("回顾去年，*ST金泰因连续亏损被终止上市。", "2023-09-12", "1.600385"),
        ("*ST金泰发布公告称，公司股票将被实施退市风险警示。", "2025-09-01", "0.300225"),
        # … and the notices name it days before it takes effect (third review of day 21)
        (
            "公司股票自2024年11月8日起被实施其他风险警示，股票简称变更为“ST华通”，股票代码不变。",
            "2024-11-05",
            "0.002602",
        ),
        ("金力泰公告：公司股票将于7月3日起被实施退市风险警示，简称变更为*ST金泰。", "2025-07-01", "0.300225"),
        # … and in 2024-12, ST华通 is 世纪华通, plain in every list from 2023-08-15 until 2024-11-07
        ("上周公募调研的公司中，ST华通被调研3次。", "2024-12-09", "0.002602"),
        # 金刚光伏 is *ST金刚 only from 2025-04; in 2023 it was 豫金刚石 (300064)
        ("*ST金刚退市后，投资者维权仍在继续。", "2023-05-10", "0.300064"),
    ],
)
def test_a_status_name_means_no_company_before_a_dated_list_first_showed_it(text: str, day: str, company: str) -> None:
    # Review of day 21: the status stems of 2024-2026 carry the days the dated lists show the company without
    # them (unmarked_from … seen_from); then, or before the lists begin when another company bore the stem in the
    # 2023 rows, the stem is not that company's. (Before 2023-08 with no such row the lists cannot tell: *ST联合 in
    # 2013 is given to 国旅联合, ST联合 from 2025-02, not to 联合化工; SOURCES.md §2c.)
    assert company in linked(text, day), (text, day, linked(text, day))


def test_a_status_name_of_2023_still_resolves_as_before() -> None:
    found = linked("ST顺利、ST丹邦、ST易见、ST时万等公司被终止上市或实施退市风险警示。", "2021-12-08")
    assert {"0.000606", "0.002618", "1.600093", "1.600241"} <= set(found)
    assert linked("ST中捷发布公告。", "2021-05-01").get("0.002021") == "ST中捷"


def test_a_name_prefix_guess_still_works_where_the_table_gives_no_stem() -> None:
    kb = load_knowledge_base()
    assert "獐子" not in kb.status_stems  # 獐子岛's status name was *ST獐岛
    resolved = kb.resolve_status_name("獐子岛", date(2020, 3, 1))
    assert resolved is not None and resolved[0].secid == "0.002069"


def test_a_stem_two_companies_had_is_the_one_still_trading_that_day() -> None:
    kb = load_knowledge_base()
    # ST阳光: 江苏阳光 (600220, delisted 2024-07-10), then 阳光股份 (000608, *ST阳光 from 2025-04).
    assert kb.resolve_status_name("阳光", date(2024, 5, 1))[0].secid == "1.600220"  # type: ignore[index]
    assert kb.resolve_status_name("阳光", date(2025, 6, 1))[0].secid == "0.000608"  # type: ignore[index]
    # *ST金刚: 金刚光伏 (300093) in 2025, not 豫金刚石 (300064, 金刚退, delisted 2022-06-27).
    assert kb.resolve_status_name("金刚", date(2025, 6, 1))[0].secid == "0.300093"  # type: ignore[index]


def test_a_listed_company_is_not_named_in_a_list_by_its_status_stem_and_an_ending() -> None:
    # dev87: 新潮集团 is an unlisted group, not 新潮能源 (600777, ST新潮 from 2024).
    found = linked("拥有长电科技、中芯长电、新潮集团等封测龙头企业。", "2022-09-05")
    assert "1.600777" not in found and "1.600584" in found


def test_the_table_has_one_row_per_code_and_marked_name_each_with_its_first_snapshot() -> None:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # one row per (code, name) of the lists; tushare's history adds one per episode (*ST联合 in 2013 and in 2020)
    listed_rows = [row for row in rows if not row["source"].startswith(_HISTORY)]
    pairs = [(row["code"], row["name"]) for row in listed_rows]
    assert len(pairs) == len(set(pairs))
    episodes = [(row["code"], row["name"], row["valid_from"]) for row in rows]
    assert len(episodes) == len(set(episodes))
    later = [row for row in listed_rows if "harrisonlanny/astock" not in row["source"].split(";")[0]]
    assert len(later) >= 500
    with (TABLE.parents[1] / "stocks.csv").open(encoding="utf-8", newline="") as handle:
        listed = {row["code"] for row in csv.DictReader(handle)}
    for row in later:
        # a status-marked name, or the unmarked last name of a company no longer listed (tests/test_delisted_2023_2026.py)
        assert _MARK_RE.search(row["name"]) or row["code"] not in listed, row
        assert _SOURCE_RE.match(row["source"]), row
        assert not row["delist_date"] or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["delist_date"]), row
    by_pair = {(row["code"], row["name"]): row for row in rows}
    assert by_pair[("002602", "ST华通")]["source"].startswith("AFAN-LIFE/macropage:data/stock_basic.csv@")
    assert by_pair[("000671", "ST阳光城")]["delist_date"] == "2023-08-16"
