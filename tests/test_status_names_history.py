"""Status-marked A-share names before 2023-12 (a_share_status_names.csv rows with valid_from, from tushare's name
history, SOURCES.md §2c): a status name is the company that bore it on the text's day, not another company that bore
the same stem at another time (the 2023-2026 lists alone gave it to the later one)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from tagging.linking.knowledge_tables import load_knowledge_base
from tests.test_entity_linking import linked as mentions

TABLE = Path(__file__).resolve().parents[1] / "configs" / "securities" / "a_share_status_names.csv"
_HISTORY = "namoshizun/TradePy:dataset/company_name_changes.pkl@ae95e9b (2023-12-13; tushare namechange)"


def linked(text: str, day: str) -> dict[str, str]:
    """secid → the text as written, of the first mention of it in ``text`` on ``day``."""
    return {secid: found[0] for secid, found in mentions(text, day).items()}


@pytest.mark.parametrize(
    ("text", "day", "company", "other"),
    [
        # *ST吉药 was 吉林制药 (000545, now 金浦钛业) in 2011-2013, 吉药控股 (300108) from 2022-06-30
        ("*ST吉药发布公告称，公司重大资产重组事项获得证监会核准。", "2013-06-01", "0.000545", "0.300108"),
        ("*ST吉药收到深交所关注函，要求说明持续经营能力。", "2022-09-01", "0.300108", "0.000545"),
        # ST天业 was 天业通联 (002459, now 晶澳科技) in 2014-2015, 天业股份 (600807, now 济高发展) in 2018-2020
        ("ST天业收到上交所问询函，要求说明关联方资金占用情况。", "2019-06-01", "1.600807", "0.002459"),
    ],
)
def test_a_status_name_two_companies_bore_is_the_one_that_bore_it_that_day(
    text: str, day: str, company: str, other: str
) -> None:
    found = linked(text, day)
    assert company in found and other not in found, (text, day, found)


@pytest.mark.parametrize(
    ("text", "day", "company"),
    [
        # 天业通联 was *ST天业 from 2014-03-17 to 2015-04-12 (天业股份 bore it in 2018): its first and last day
        ("天业通联今起被实施退市风险警示，股票简称变更为*ST天业，日涨跌幅限制为5%。", "2014-03-17", "0.002459"),
        ("*ST天业2014年度实现盈利，公司已申请撤销退市风险警示。", "2015-04-12", "0.002459"),
        # *ST汇通: 000920 (now 沃顿科技) to 2008-08-05, 000415 (now 渤海租赁) from 2010-03-16; 汇通能源 (600605)
        # only begins with 汇通
        ("*ST汇通发布重组进展公告。", "2008-08-05", "0.000920"),
        ("*ST汇通今日起实行退市风险警示，股票简称由汇通集团变更为*ST汇通。", "2010-03-16", "0.000415"),
    ],
)
def test_a_status_name_is_its_company_on_its_first_and_last_day(text: str, day: str, company: str) -> None:
    found = linked(text, day)
    assert set(found) == {company}, (text, day, found)


def test_a_status_name_of_2013_is_the_company_that_bore_it_then() -> None:
    # 国旅联合 (600358) was *ST联合 2013-05-03 … 2014-04-23 and 2020-05-06 … 2021-05-06, ST联合 from 2025-02-21
    # (the later lists gave it the stem already); 联合化工 (002217) was *ST联工, not *ST联合.
    found = linked("*ST联合公告称，公司2012年度实现扭亏为盈，已向上交所申请撤销退市风险警示。", "2013-08-20")
    assert found == {"1.600358": "*ST联合"}
    # between its two spells no company bore it: the one that bore it last (not a guess from names beginning 联合)
    assert set(linked("*ST联合摘帽后，国旅联合的股价连续上涨。", "2015-03-01")) == {"1.600358"}


def test_a_company_the_history_dates_did_not_bear_the_stem_on_other_days() -> None:
    kb = load_knowledge_base()
    # 天业股份 bore ST天业 only from 2018: in 2016 the status name was 天业通联's, which had ended in 2015
    resolved = kb.resolve_status_name("天业", date(2016, 6, 1))
    assert resolved is not None and resolved[0].secid == "0.002459"
    # the notices name a status name days ahead: 天业股份's *ST天业 began on 2018-05-03
    resolved = kb.resolve_status_name("天业", date(2018, 4, 28))
    assert resolved is not None and resolved[0].secid == "1.600807"


def test_the_history_rows_are_dated_episodes_of_status_names() -> None:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["source"] == _HISTORY]
    assert len(rows) >= 1800
    for row in rows:
        assert row["valid_from"], row
        assert not row["valid_to"] or row["valid_from"] <= row["valid_to"] <= "2023-12-13", row
    spells = {
        (row["valid_from"], row["valid_to"]) for row in rows if (row["code"], row["name"]) == ("600358", "*ST联合")
    }
    assert spells == {("2013-05-03", "2014-04-23"), ("2020-05-06", "2021-05-06")}


def test_a_status_name_is_its_company_not_another_company_named_by_its_stem() -> None:
    # 曙光股份 (600303) was ST曙光 from 2022-05-06; 曙光 alone is 中科曙光's (603019) alias, found inside ST曙光
    found = linked("ST曙光发布公告称，公司收到证监会立案告知书。", "2022-06-01")
    assert found == {"1.600303": "ST曙光"}
    # 中科曙光 by its own name in the same text is still 中科曙光
    found = linked("ST曙光发布公告称，公司收到证监会立案告知书；中科曙光股价上涨。", "2022-06-01")
    assert found == {"1.600303": "ST曙光", "1.603019": "中科曙光"}
