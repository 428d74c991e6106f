"""Words of the 234th development set (products and sub-concepts of boards, global companies by their usual names,
2019-2026): each word is tagged where it names the trade or the company, beside the trap nearest to it, untagged."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

CLOUD = "90.BK0579"
INFRASTRUCTURE = "90.BK1247"


def test_cloud_infrastructure_by_its_short_word() -> None:
    # 云基建 (mitrade on Oracle's results, 2025-09-11): the cloud trade, and its 基建 is no construction
    text = "明明云基建收入略低于预期,以及全球云基建市场“三巨头霸榜、二三线死磕”的混战格局!"
    assert CLOUD in boards(text)
    assert INFRASTRUCTURE not in boards(text)
    assert INFRASTRUCTURE in boards("加大基建投资力度,基建板块走强。")  # construction itself
