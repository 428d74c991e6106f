"""Words of the 236th development set (product and technology news, 2024-2026): a product's own feature or part is no
board mention; the same word naming the trade, with a cue, still is."""

from __future__ import annotations

from tests.support.linking import linked_boards as boards

WIRELESS_CHARGING = "90.BK0960"
THERMAL_MANAGEMENT = "90.BK1089"
LIDAR = "90.BK1002"


def test_a_phones_wireless_charging_spec_is_a_feature() -> None:
    # dev236 01: the phone's charging wattage is a spec of the product, not the 无线充电 concept
    assert WIRELESS_CHARGING not in boards("快充方面,有线充电有望提升到百瓦,无线充电为50W,并得到P2快充芯片的加持。")
    assert WIRELESS_CHARGING in boards("无线充电行业迎来快速增长,无线充电市场规模扩大。")


def test_a_cars_own_thermal_management_is_a_feature() -> None:
    # dev236 02: one of a car's upgrades, listed with 电驱效率
    assert THERMAL_MANAGEMENT not in boards("刀片电池能量密度上来了,电驱效率更好了,热管理也更到位了。")
    assert THERMAL_MANAGEMENT in boards("汽车热管理行业迎来快速增长,热管理市场规模扩大。")


def test_lidar_as_the_subject_stays_a_board() -> None:
    assert LIDAR in boards("比亚迪把激光雷达作为全系选配,比亚迪自己开发了成本更低的激光雷达模组。")
