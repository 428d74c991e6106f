"""The unmarked last names of A-share companies delisted from mid-2023 to 2026-07 (a_share_status_names.csv, from
the dated stock lists of SOURCES.md §1): a company whose name never changed (中航产融) or that was absorbed in a
merger (海通证券) is in no other table under the name news wrote while it traded."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from tagging.linking.knowledge import strip_status
from tagging.linking.knowledge_tables import load_knowledge_base
from tests.test_entity_linking import linked as mentions

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
TABLE = CONFIGS / "securities" / "a_share_status_names.csv"


def linked(text: str, day: str) -> dict[str, str]:
    """secid → how it was found, of the first mention of it in ``text`` on ``day``."""
    return {secid: found[1] for secid, found in mentions(text, day).items()}


def test_a_company_delisted_under_its_only_name_is_found_while_it_traded() -> None:
    # 中航产融 (600705) kept its name to its delisting on 2025-05-27 and is not in today's list.
    assert linked("中航产融宣布主动退市。", "2024-06-01") == {"1.600705": "former_name"}
    assert "1.600705" in linked("中航产融宣布主动退市。", "2025-05-26")
    # 广汇汽车, 海印股份, 中银绒业, 鹏都农牧, 正源股份 (delisted in 2024), 粤泰股份 (2023): none was found before.
    found = linked("广汇汽车、海印股份、中银绒业、鹏都农牧、正源股份、粤泰股份发布公告。", "2023-06-01")
    assert set(found) == {"1.600297", "0.000861", "0.000982", "0.002505", "1.600321", "1.600393"}


def test_a_delisted_companys_name_still_names_it_after_its_delisting() -> None:
    # As knowledge.listed_by says, news names a company after its delisting (a review of 中航产融's exit in 2027):
    # no other company bore the name, so the former name still means the one that did.
    assert linked("中航产融退市两年后，其原股东仍在维权。", "2027-06-01") == {"1.600705": "former_name"}


def test_a_company_absorbed_in_a_merger_is_found_by_its_own_name() -> None:
    # 海通证券 (600837) was absorbed by 国泰君安 (601211, 国泰海通 from 2025-04): its short name is a dated name now,
    # not only the short form of its legal name, and 国泰君安 is not taken for it.
    assert linked("海通证券与国泰君安筹划合并。", "2024-10-10") == {
        "1.600837": "former_name",
        "1.601211": "former_name",
    }
    assert linked("国泰海通正式上市。", "2025-04-20") == {"1.601211": "name"}


def test_a_name_another_company_bears_is_not_stolen_by_a_delisted_companys_derived_name() -> None:
    # 江苏中南建设集团股份有限公司 (中南建设, 000961, delisted 2024-07-11) would make 中南股份 by the legal-name rule;
    # 中南股份 is 000717's name since 2022. Likewise 江苏阳光股份有限公司 (600220) and 阳光股份 (000608), and
    # 泰禾集团股份有限公司 (000732, delisted 2023) and 泰禾股份 (301665, listed 2025-04-11).
    assert linked("中南股份发布公告。", "2024-01-10") == {"0.000717": "name"}
    assert linked("阳光股份发布公告。", "2024-01-10") == {"0.000608": "name"}
    assert linked("泰禾股份发布公告。", "2025-06-10") == {"0.301665": "name"}
    # The rule still gives the names no one else bore: 众和股份 (福建众和, 002070, delisted 2019).
    assert "0.002070" in linked("众和股份、杉杉股份等锂电池板块个股走强。", "2016-06-07")


def test_every_dated_unmarked_row_names_its_company_on_its_last_day() -> None:
    kb = load_knowledge_base()
    with (CONFIGS / "stocks.csv").open(encoding="utf-8", newline="") as handle:
        listed = {row["code"] for row in csv.DictReader(handle)}
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if strip_status(row["name"]) == row["name"]]
    later = [row for row in rows if row["source"].startswith(("shensz0605/", "AFAN-LIFE/", "StarlightDamian/"))]
    assert len(later) >= 90
    for row in later:
        assert row["code"] not in listed, row  # no name of a company listed today
        if row["delist_date"]:
            last_day = date.fromisoformat(row["delist_date"]) - timedelta(days=1)
            entry = kb.resolve(row["name"], last_day)
            assert entry is not None and entry.secid.endswith("." + row["code"]), (row["name"], entry)


def test_a_delisted_company_is_shown_by_the_name_it_traded_under_last() -> None:
    kb = load_knowledge_base()
    assert kb.securities["1.600705"][1] == "中航产融"  # delisted under it, not 中航资本控股 (a 2017 legal name)
    assert kb.securities["0.000046"][1] == "*ST泛海"  # delisted as *ST泛海: 泛海控股 is the name before
