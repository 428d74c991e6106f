"""Board precision on unseen text (session 23): a board word that one reading of the sentence makes another board
than its usual one, or no board. Each test has the real sentence from a development text and a made-up sentence
that must still be tagged as before."""

from __future__ import annotations

from tagging.tagger import text_mentions
from tests.support.linking import linked_boards as boards

TELECOM_EQUIPMENT = "90.BK0448"
TELECOM_SERVICES = "90.BK0736"


def test_the_ministrys_telecom_trade_is_the_carriers() -> None:
    """通信业 in the ministry's yearly figures (dev: workercn, cctime) and 通信 in a sentence about the carriers
    (dev: ohiojet, k-ding) are the carriers' trade, 通信服务, as labelled, not telecom equipment."""
    text = "工业和信息化部1月28日发布数据显示，2025年，我国通信业电信业务量收保持平稳增长。"
    assert TELECOM_EQUIPMENT not in boards(text) and TELECOM_SERVICES in boards(text)
    text = "截至2025年5月，移动、电信、联通三大运营商主导内通信市场，移动电话用户总数达18.07亿户。"
    assert TELECOM_EQUIPMENT not in boards(text)
    text = "中国运营商首次处在移动通信发展的最前沿。"
    assert TELECOM_EQUIPMENT not in boards(text) and TELECOM_SERVICES in boards(text)


def test_telecom_without_the_carriers_is_still_equipment() -> None:
    """通信 as a market sector with no carrier in the sentence stays the equipment board (made up)."""
    assert TELECOM_EQUIPMENT in boards("午后通信板块集体走强，光模块、光纤概念股涨幅居前。")
    assert TELECOM_EQUIPMENT in boards("有色金属、通信、国防军工等6个行业的持股市值增加。")


NEW_ENERGY = "90.BK0493"
NEW_ENERGY_VEHICLES = "90.BK0900"


def test_new_energy_listed_with_kinds_of_car_is_a_kind_of_car() -> None:
    """新能源 beside a kind of car in a list (dev: aprofessorintheory 乘用车与新能源零售销量, sxrb 各类新能源、智能化
    座驾) is new-energy vehicles, as both texts label, not the new-energy (power) board."""
    text = "7月前两周乘用车与新能源零售销量同比增长。"
    assert NEW_ENERGY not in boards(text) and NEW_ENERGY_VEHICLES in boards(text)
    assert NEW_ENERGY not in boards("近1600辆展车中，各类新能源、智能化座驾占据了各家车企展台的“C位”。")


def test_new_energy_listed_with_sectors_is_still_the_sector() -> None:
    """A list of sectors in which 汽车 is one (made up) keeps 新能源 the power sector."""
    assert NEW_ENERGY in boards("外资本周加仓家电、汽车与新能源等板块。")


SOLAR = "90.BK0588"
LIVESTOCK = "90.BK1259"
SOLAR_COMPANY = "0.000591"
DATA_CENTRES = "90.BK0922"
PHOTOVOLTAICS = "90.BK1031"


def test_a_product_made_for_a_sector_is_not_the_sector() -> None:
    """A sector word before 用 names what a product is for (dev: the statistics bureau's 太阳能工业用超白玻璃 in cpnn,
    eastmoney, mczyw; hydropower 鼓励养殖用海), not the sector, nor the company named 太阳能; as 乘用车用 was."""
    found = boards("绿色产品快速增长，多晶硅产量增长27.3%、太阳能工业用超白玻璃增长23.1%。")
    assert SOLAR not in found
    assert LIVESTOCK not in boards("鼓励养殖用海与海上风电场、休闲渔业等融合发展。")
    assert SOLAR_COMPANY not in {
        m.secid for m in text_mentions("多晶硅、太阳能工业用超白玻璃等绿色材料产量分别增长20.3和49%。", None)
    }


def test_a_sector_that_uses_something_is_still_the_sector() -> None:
    """用地, 用电 after the word: the sector uses something (made up), still the sector."""
    assert SOLAR in boards("太阳能发电量同比增长30%，太阳能用地政策进一步明确。")
    assert DATA_CENTRES in boards("数据中心用电量持续攀升，占全社会用电量的比重升至2%。")
    assert PHOTOVOLTAICS in boards("光伏用地政策进一步明确。")


def test_a_sector_that_took_time_is_still_the_sector() -> None:
    """用 as the verb "take (time)" after the sector as subject (review of day 23): CCTV's report on the 10-millionth
    new-energy car (2024-11-14, reposted on many pages) and tw.bg3.co (2020, here in simplified script) name the
    new-energy-car industry, which the 用 rules had dropped; made-up 光伏 sentences likewise."""
    text = (
        "从2009年的“十城千辆”规模起步推广，到2018年年产销量过百万辆，中国新能源汽车用时近10年；"
        "再到2022年的年产销量过500万辆，用时约4年。"
    )
    assert NEW_ENERGY_VEHICLES in boards(text, "2024-11-18")
    text = "从2015年的33万辆到2020年的130万辆，中国新能源乘用车用60个月的时间完成了294%的增幅。"
    assert NEW_ENERGY_VEHICLES in boards(text, "2020-12-01")
    assert PHOTOVOLTAICS in boards("中国光伏用十年时间实现了从跟跑到领跑。")
    assert PHOTOVOLTAICS in boards("我国光伏产业用了不到十年时间，实现了全产业链自主可控。")
    assert PHOTOVOLTAICS not in boards("光伏用银浆国产化率持续提升。")  # still a product made for the sector


def test_new_energy_sold_at_retail_is_new_energy_cars() -> None:
    """新能源 right before 销量/零售/批发 is cars sold (review of day 23): CPCA's monthly words as 智通财经 carried them
    (2023-03-08, here in simplified script) gave the power board too; a made-up CPCA-style sentence lost 新能源车 when
    its cars were counted (辆) in the next clause only (a6f30d6)."""
    text = "今年1月补贴政策切换带来的新能源销量降幅较大，2月新能源车市逐步调整到位。"
    assert NEW_ENERGY not in boards(text, "2023-03-09")
    found = boards("10月新能源零售渗透率达52.9%，零售量达119.6万辆。")
    assert NEW_ENERGY_VEHICLES in found and NEW_ENERGY not in found


def test_new_energy_power_closing_a_list_is_still_power() -> None:
    """等新能源 closing a list of power sources stays the power board, whatever follows (made up)."""
    found = boards("光伏、风电等新能源销量大增带动逆变器出货。")
    assert NEW_ENERGY in found and NEW_ENERGY_VEHICLES not in found


GENERAL_RETAIL = "90.BK0482"


def test_cars_sold_at_retail_are_not_the_retail_trade() -> None:
    """乘用车零售市场 is CPCA's narrow passenger-car retail market (快科技 2023-12-22; review of day 23), not the general
    retail trade; 零售市场 alone still is (made up)."""
    text = "据快科技12月22日消息，乘联预测，本月狭义上乘用车零售市场约为227.0万辆，环比9.3%，同比4.8%。"
    assert GENERAL_RETAIL not in boards(text, "2023-12-22")
    assert GENERAL_RETAIL in boards("国内零售市场持续回暖，社会消费品零售总额同比增长5%。")
