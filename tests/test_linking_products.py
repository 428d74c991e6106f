"""Board words that name one firm's product or a product's feature, not the sector (issue 22, FRESH_RULES B2: a
product in use; S4: a company's namesake board needs a board cue)."""

from __future__ import annotations

from tagging.tagger import text_mentions

CHATGPT = "90.BK1126"  # ChatGPT概念
AI = "90.BK0800"  # 人工智能
CHIPS = "90.BK1036"  # 半导体


def boards(text: str) -> set[str]:
    """The board secids linked in ``text``."""
    return {mention.secid for mention in text_mentions(text, None) if mention.secid.startswith("90.")}


def test_chatgpt_the_product_is_no_concept_board() -> None:
    # OpenAI's chatbot as a product (downloads, users, a launch): not the ChatGPT concept board
    assert CHATGPT not in boards("DeepSeek移动应用超越ChatGPT,登顶苹果手机应用商店免费榜。")
    assert CHATGPT not in boards("沃尔玛宣布合作,称将允许ChatGPT用户通过即时结账功能购物。")
    # the group of stocks named after it still is, by 概念股 or 板块
    assert CHATGPT in boards("ChatGPT概念股连续多日霸占A股涨幅榜。")
    # (版块 is no such cue: a mainland page's 版块 is a site's or an app's section)
    assert "90.BK1187" not in boards("小红书版块功能上线后,用户可以按兴趣浏览。")
    assert CHATGPT in boards("ChatGPT板块今日领涨,多只个股涨停。")


def test_a_chip_or_device_that_runs_ai_is_a_product() -> None:
    text = "英伟达的游戏、图形和人工智能处理器领先,而芯片行业整体承压。"
    found = boards(text)
    assert AI not in found
    assert CHIPS in found  # the chip industry beside it is still named
    assert AI not in boards("在Windows 11更新和支持人工智能的PC的推动下,全年的购买量回升。")
    assert AI not in boards("个人电脑将集成NPU等专用人工智能加速器。")
    # … and an AI processor or accelerator is a type of chip, the AI chip board's (FRESH_RULES B1; review of day 21)
    assert "90.BK1127" in boards("个人电脑将集成NPU等专用人工智能加速器。")
    assert "90.BK1127" in boards("英伟达的游戏、图形和人工智能处理器领先。")
    # the field itself is still the AI board
    assert AI in boards("人工智能产业加速发展,带动算力需求。")
