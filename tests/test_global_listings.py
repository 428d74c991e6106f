"""US listings Chinese finance news names that the older US table lacks (configs/securities/us_global_stocks.csv,
a hand-reviewed table) and their English names and short forms (aliases.yaml), with English words that are
also company names (Arm, Shell, Meta, Snowflake) left alone in English prose."""

from __future__ import annotations

from datetime import date

import pytest

from tagging.linking.knowledge_tables import load_knowledge_base
from tests.support.linking import linked_stocks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("帕兰提尔股价大涨，市值突破4000亿美元。", {("105.PLTR", "帕兰提尔")}),
        ("Palantir和CrowdStrike均涨超5%。", {("105.PLTR", "Palantir"), ("105.CRWD", "CrowdStrike")}),
        ("小马智行美股上市首日一度大涨。", {("105.PONY", "小马智行")}),
        ("文远知行与Uber扩大Robotaxi合作。", {("105.WRD", "文远知行"), ("106.UBER", "Uber")}),
        ("格芯与联电洽谈合并的传闻再起。", {("105.GFS", "格芯"), ("106.UMC", "联电")}),
        ("GlobalFoundries股价上涨。", {("105.GFS", "GlobalFoundries")}),
        ("安谋控股公布季度财报，授权收入增长。", {("105.ARM", "安谋控股")}),
        ("软银旗下的Arm股价大涨。", {("105.ARM", "Arm")}),
        ("贝宝和易贝公布季度业绩。", {("105.PYPL", "贝宝"), ("105.EBAY", "易贝")}),
        ("PayPal与eBay早已分拆。", {("105.PYPL", "PayPal"), ("105.EBAY", "eBay")}),
        ("微策略再度增持比特币，Coinbase股价跟涨。", {("105.MSTR", "微策略"), ("105.COIN", "Coinbase")}),
        ("莫德纳新冠疫苗销售下滑。", {("105.MRNA", "莫德纳")}),
        ("华纳兄弟探索宣布拆分。", {("105.WBD", "华纳兄弟探索")}),
        ("雷神技术获得五角大楼订单。", {("106.RTX", "雷神技术")}),
        ("壳牌一季度利润下滑，道达尔能源宣布回购。", {("106.SHEL", "壳牌"), ("106.TTE", "道达尔能源")}),
        ("索尼发布新款PS5。", {("106.SONY", "索尼")}),
        (
            "Meta、Alphabet和微软三家公司的营收全部超预期。",
            {("105.META", "Meta"), ("105.GOOGL", "Alphabet"), ("105.MSFT", "微软")},
        ),
        ("霸王茶姬门店数突破7000家。", {("105.CHA", "霸王茶姬")}),
        ("亚玛芬体育营收增长，始祖鸟表现强劲。", {("106.AS", "亚玛芬体育")}),
        ("Snowflake将收购一家数据初创公司。", {("106.SNOW", "Snowflake")}),
        ("KKR和黑石竞购该资产。", {("106.KKR", "KKR"), ("106.BX", "黑石")}),
        ("三菱日联金融集团上调目标价。", {("106.MUFG", "三菱日联金融集团")}),
    ],
)
def test_added_listings_are_tagged(text: str, expected: set[tuple[str, str]]) -> None:
    assert linked_stocks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He hurt his left Arm badly.",  # English words, not the companies
        "Shell out the money now.",
        "Meta-analysis of the data shows a small effect.",
        "A Snowflake is unique.",
        "基于Arm架构的服务器芯片出货增长。",  # the architecture, not Arm Holdings
        "安谋科技发布新一代NPU。",  # Arm China, unlisted
        "用Shell脚本批量处理日志。",  # the Unix shell
        "瑞幸咖啡门店数突破2万家。",  # OTC only (LKNCY): no Eastmoney US market, so not in the tables
    ],
)
def test_english_words_and_unlisted_namesakes_are_not_tagged(text: str) -> None:
    assert linked_stocks(text) == set()


def test_dated_readings() -> None:
    # 派拉蒙: Paramount Global (PARA) before the 2025-08-07 merger, Paramount Skydance (PSKY) after and undated.
    assert linked_stocks("派拉蒙股价大涨。", on=date(2024, 6, 1)) == {("105.PARA", "派拉蒙")}
    assert linked_stocks("派拉蒙股价大涨。", on=date(2025, 10, 1)) == {("105.PSKY", "派拉蒙")}
    assert linked_stocks("派拉蒙股价大涨。") == {("105.PSKY", "派拉蒙")}


def test_new_listings_are_listed_and_named() -> None:
    kb = load_knowledge_base()
    for secid in ("105.PLTR", "105.ARM", "105.META", "106.SONY", "105.PONY", "105.WRD", "105.PSKY", "105.CHA"):
        assert secid in kb.listed, secid
    # A ticker the older table gives to its former company shows its current name (CHA was 中国电信's ADR).
    assert kb.securities["105.CHA"][1] == "霸王茶姬"
    # The new listings' aliases point at listings of the tables.
    for name in ("Palantir", "小马智行", "文远知行", "索尼", "道达尔", "Shell", "Arm"):
        for entry in kb.names[name]:
            assert entry.secid in kb.listed, (name, entry.secid)


def test_sandisk_is_a_listing_again_only_since_its_spin_off() -> None:
    assert linked_stocks("闪迪股价大涨。", on=date(2025, 6, 1)) == {("105.SNDK", "闪迪")}
    assert linked_stocks("SanDisk股价大涨。", on=date(2025, 6, 1)) == {("105.SNDK", "SanDisk")}
    assert ("105.SNDK", "闪迪") not in linked_stocks("西部数据旗下闪迪品牌。", on=date(2020, 1, 1))


@pytest.mark.parametrize(
    ("secid", "shown"),
    [
        ("106.MS", "摩根士丹利"), ("105.GILD", "吉利德科学"), ("106.XOM", "埃克森美孚"),
        # whole short names stay (review, day 18: the first fix showed 思科系统, 携程网, 美国航空集团)
        ("106.A", "安捷伦科技"), ("105.CSCO", "思科"), ("106.EDU", "新东方"), ("105.AAL", "美国航空"),
        ("105.HON", "霍尼韦尔"), ("105.VNET", "世纪互联"), ("105.ISRG", "直觉外科"),
    ],
)  # fmt: skip
def test_a_us_listing_is_shown_by_its_shortest_name_never_by_one_cut_short(secid: str, shown: str) -> None:
    """Archive audit, day 18: the 2017 table's text file stops names at four characters (摩根士丹) and, as the
    shortest, they were shown. A short name that a longer one only adds a company word or a class to (美国航空集团),
    or a reviewed alias (世纪互联), is whole."""
    assert load_knowledge_base().securities[secid][1] == shown
