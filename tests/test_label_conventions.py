"""Words the blind labellers of the development sets split between two boards (bench/label_splits.py): the tagger
gives the board most of them chose, the recorded convention of bench/devset/README.md ("Label splits")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.support.linking import linked_boards as boards

SPORT = "90.BK1273"  # 体育Ⅱ (industry)
SPORT_CONCEPT = "90.BK0708"  # 体育产业 (concept)
OIL_AND_GAS = "90.BK1276"  # 油气开采Ⅱ
OIL = "90.BK0464"  # 石油行业


def label_splits() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "label_splits.py"
    spec = importlib.util.spec_from_file_location("label_splits", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("label_splits", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_sport_as_a_sector_is_the_sport_industry() -> None:
    # 体育Ⅱ in 4 development texts for the word 体育, 体育产业 in 1 (optional in 5)
    found = boards("体育板块午后拉升,多只个股涨停。")
    assert SPORT in found and SPORT_CONCEPT not in found
    assert SPORT in boards("聚焦文化娱乐、旅游、体育等主要消费服务领域。")
    assert SPORT_CONCEPT in boards("加快发展体育产业,促进体育消费。")  # the concept by its own name
    assert not {SPORT, SPORT_CONCEPT} & boards("他每天坚持体育锻炼。")  # exercise is no sector


def test_oil_and_gas_alone_is_extraction_and_the_oil_board_in_wraps() -> None:
    # 油气 -> 油气开采Ⅱ in 3 development texts, 石油行业 in 2; 油气板块 -> 石油行业 in both texts that write it
    found = boards("电力、油气、铁路等行业加快引入社会资本。")
    assert OIL_AND_GAS in found and OIL not in found
    found = boards("油气板块走强,中国海油涨超3%。")
    assert OIL in found and OIL_AND_GAS not in found


def test_label_splits_counts_boards_per_word_and_text() -> None:
    module = label_splits()
    entries = [
        {"id": "a", "boards": [{"secid": "90.BK1273", "name": "体育Ⅱ", "as": "体育"}]},
        {"id": "b", "boards": [{"secid": "90.BK1273", "name": "体育Ⅱ", "as": "体育板块", "also": ["体育"]}]},
        {
            "id": "c",
            "boards": [{"secid": "90.BK0708", "name": "体育产业", "as": "体育"}],
            "optional": [{"secid": "90.BK1273", "name": "体育Ⅱ", "as": "体育"}],
        },
    ]
    split = module.collect(entries)["体育"]
    assert dict(split.boards) == {"90.BK1273": 2, "90.BK0708": 1}
    assert dict(split.optional) == {"90.BK1273": 1}
    assert split.convention() == "90.BK1273" and split.total == 3 and split.together == 0
    family = module.collect(entries, ["体育"])["体育"]  # every form holding the word, one count a text
    assert dict(family.boards) == {"90.BK1273": 2, "90.BK0708": 1}
