"""Board words in a page's furniture (issue 22, board precision): a tag line, a breadcrumb's channel, the
column an article is filed under, a site's tagline, a menu wrapped or standing one link to a line, a channel's
name alone, a copyright notice and a link bar are page chrome (FRESH_RULES R1, R2), not the article's sectors;
the same word in the article beside them still is."""

from __future__ import annotations

from datetime import datetime

from core.dates import SHANGHAI
from tagging.tagger import text_mentions

DAY = datetime(2024, 5, 1, tzinfo=SHANGHAI)


def boards(text: str) -> set[str]:
    """The board secids ``text`` names."""
    return {mention.secid for mention in text_mentions(text, None, published_at=DAY) if mention.secid.startswith("90.")}


def test_a_tag_line_is_page_chrome() -> None:
    text = "今年锂电池出货量增长两成。\n关注公众号\n标签: 小米 IDC 苹果 华为"
    found = boards(text)
    assert "90.BK0922" not in found  # IDC among the site's tags
    assert "90.BK0574" in found  # the article's lithium batteries
    # a 关键字: label glued to the article's first sentence is no tag line
    assert "90.BK0922" in boards("关键字: 云计算 数据中心建设提速,全国数据中心机架规模持续增长。")


def test_a_channel_between_breadcrumb_arrows_is_no_sector() -> None:
    text = "您现在的位置: > 中商信息> 钢铁产业> 板材> 下游资讯> 家电\n今年钢铁行业产量下降。"
    assert "90.BK0479" in boards(text)  # 钢铁行业 in the article
    assert "90.BK0479" not in boards("您现在的位置: > 中商信息> 钢铁产业> 板材> 下游资讯> 家电\n胡润发布家电企业榜。")


def test_the_column_an_article_is_filed_under_is_no_sector() -> None:
    text = "• 来源专题:数控机床与工业机器人\n• 发布时间:2021-06-26\n华虹半导体车规级IGBT量产。"
    found = boards(text)
    assert "90.BK1004" not in found and "90.BK1090" not in found
    assert "90.BK1048" in found  # IGBT in the article
    assert "90.BK1090" in boards("所属行业:工业机器人。工业机器人产量增长两成。")  # no column label


def test_a_sites_tagline_is_no_sector() -> None:
    assert "90.BK0712" not in boards("一带一路国家级信息服务平台\n中国光伏产业跃迁。")
    assert "90.BK0493" not in boards("世纪新能源网-新能源行业媒体领跑者\n氢能产业咋发展。")
    assert "90.BK1222" not in boards("影视聚合站\n为什么一点风吹草动就能引发游戏股震荡?")
    assert "90.BK0493" in boards("新能源行业迎来新一轮增长。")


def test_a_row_of_companies_beside_a_menu_shaped_row_is_the_text() -> None:
    # Second review of day 21: a shorter row beside a row of six links or more is no menu of its own (a list of
    # companies wrapped over two lines has that shape)
    text = "机构重仓股:\n宁德时代 比亚迪 亿纬锂能\n贵州茅台 五粮液 泸州老窖 山西汾酒 洋河股份 古井贡酒"
    found = {m.secid for m in text_mentions(text, None)}
    assert {"0.300750", "0.002594", "0.300014"} <= found
    assert "90.BK0712" in boards("论坛聚焦一带一路 合作共赢。\n证监会通报财务造假案件。")


def test_a_channels_name_is_page_chrome_and_a_column_of_names_is_not() -> None:
    # words one to a line stay the text: a table's column of companies has that shape (review of day 21)
    column = "涨幅居前个股:\n贵州茅台\n五粮液\n泸州老窖\n山西汾酒\n洋河股份\n古井贡酒"
    found = {m.secid for m in text_mentions(column, None)}
    assert {"1.600519", "0.000858", "0.000568", "1.600809", "0.002304", "0.000596"} <= found
    assert "90.BK0665" in boards("三大渠道:\n电商\n商超\n便利店")
    assert "90.BK1036" not in boards("半导体新闻\n65人已加入\n腾讯力压工商银行夺冠。")
    assert "90.BK1036" in boards("半导体新闻不断。\n全球半导体销售额增长。")


def test_a_copyright_notice_is_page_chrome() -> None:
    notice = (
        "即日起,上述媒体采访、拍摄、编辑、制作并刊登的,包括文字、图片等原创作品,以及H5、海报、AR、VR、手绘等新媒体产品,"
        "任何机构、媒体及自媒体未经甘肃媒体版权保护中心许可,不得转载、修改、摘编。"
    )
    assert "90.BK0722" not in boards(notice)
    assert "90.BK0722" in boards("VR设备出货量增长三成。")
    # … only after 未经…许可, and a paragraph that holds 不得转载 otherwise is the text (second review of day 21)
    term = "贵州茅台公告称，公司与经销商签署的合同中明确规定，经销商不得转载、复制茅台的商标与广告素材。"
    assert "1.600519" in {m.secid for m in text_mentions(term, None)}
    # … even a term with 未经…许可 in it: a notice speaks of the site's works (版权, 作品, 稿件, 本网 …)
    term = "约定经销商未经茅台书面许可，不得转载、复制茅台的商标，五粮液、泸州老窖也有类似条款。"
    assert "1.600519" in {m.secid for m in text_mentions(term, None)}
    # … and the usual notices are notices (fourth review of day 21)
    for notice in (
        "本文为原创内容，包括文字、图片及AR、VR等新媒体产品，未经授权，不得转载。",
        "本平台所有文字、图片、H5、AR、VR内容，未经书面许可，不得转载。",
    ):
        assert "90.BK0722" not in boards(notice), notice


def test_a_business_list_parted_by_bars_is_the_text() -> None:
    # Second review of day 21: a cell that goes on after the board word is no bar's link (taken back)
    assert "90.BK0900" in boards("公司主营业务|新能源汽车零部件|储能系统|光伏组件")
    assert "90.BK1036" in boards("业务板块 | 半导体设备制造 | 光伏设备 | 锂电设备")


def test_media_of_a_trade_in_the_text_are_the_trade() -> None:
    # Second review of day 21: only a site's tagline (新能源行业媒体领跑者) is no sector; …媒体 in a sentence is
    assert "90.BK1031" in boards("公司旗下拥有光伏媒体和储能媒体。")
    assert "90.BK0493" not in boards("北极星电力网 新能源行业媒体领跑者\n光伏板块大涨。")
