"""Board words inside a longer name the tables lack (issue 22, board precision): an institution, an alliance, a
team, a park, a fund or a title named after a sector is that name, not a mention of the sector; a true mention
beside it is still tagged."""

from __future__ import annotations

from tests.test_entity_linking import linked


def test_a_board_word_that_begins_a_body_s_name() -> None:
    found = linked("广州市轨道交通产业联盟今日成立，新能源汽车产业发展加快。")
    assert "90.BK1236" not in found  # 轨道交通 inside the alliance's name
    assert "90.BK0900" in found  # 新能源汽车产业: the sector
    found = linked("大力提升宁波新材料科技城建设，光伏产业加快发展。")
    assert "90.BK0523" not in found and "90.BK1031" in found
    found = linked("中国电子商务研究中心特约研究员表示，半导体行业景气回升。")
    assert "90.BK0665" not in found and "90.BK1036" in found
    found = linked("文章选自某资本新能源新材料团队，银行板块大涨。")
    assert "90.BK0523" not in found and "90.BK0475" in found
    # without the body's name the same words are the sector
    assert "90.BK0523" in linked("新材料产业加快发展。")
    # a firm's business team is its business in the trade (review of day 21)
    assert "90.BK0989" in linked("公司储能业务团队持续扩充。")


def test_a_fund_named_after_a_sector_by_its_manager_s_brand() -> None:
    found = linked("从跌幅来看,华富新能源、信澳新能源产业垫底，白酒板块领涨。")
    assert "90.BK0493" not in found  # 新能源 inside the funds' names
    assert "90.BK0896" in found  # 白酒板块: the sector
    found = linked("建信国证新能源车电池ETF于12月1日发行，锂电池板块大涨。")
    assert "90.BK1033" not in found and "90.BK0574" in found


def test_the_account_a_post_was_copied_from() -> None:
    found = linked("转自:网信军民融合(wxjmrh)\n军工板块午后拉升。")
    assert "90.BK0808" not in found  # the account's name (R2)
    assert "90.BK0490" in found  # 军工板块


def test_an_honour_s_name_in_quotes() -> None:
    found = linked("忆联荣获”十大闪存控制器企业”荣誉称号，半导体板块走强。")
    assert "90.BK1137" not in found  # 闪存 inside the honour's name
    assert "90.BK1036" in found  # 半导体板块: the sector, beside the honour
    assert "90.BK1137" not in linked("理想L9顶着「首个国产大存储芯片量产车型」称号上市。")
    # a closing quote and 称号 with no quote before the word are no honour's name (review of day 21)
    assert "90.BK1031" in linked('公司深耕光伏组件领域多年"称号之争不是重点。')
