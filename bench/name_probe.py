"""Recall probe for companies outside the A-share name table: every written form of bench/name_probe.yaml
(US and Hong Kong listings by their Chinese, Latin, older and short forms) is tagged in three short plain
sentences with no company cue beyond what news writes, through the path bench/accuracy.py's devset uses
(parse_document + extract_article(plain=True)). Lists each form not linked in a sentence, or linked only to
another listing (the company's other listing is printed apart, as "other listing").

Run: ``.venv/bin/python bench/name_probe.py [--date YYYY-MM-DD] [FORM ...]`` (only those forms when given).
Made in session 23; the sentences follow the brief's examples (美股三大指数收跌，X跌超3%; 港股X盘中涨5%).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.dates import SHANGHAI  # noqa: E402
from tagging.extract import extract_article, parse_document  # noqa: E402
from tagging.linking.knowledge_tables import load_knowledge_base  # noqa: E402

PROBE_LIST = ROOT / "bench" / "name_probe.yaml"
ALIASES = ROOT / "configs" / "securities" / "aliases.yaml"
# A results line, a market report and a deal without a company word: one sentence per kind of news.
SENTENCES = {
    "US": ("{x}公布第三季度财报，营收同比增长12%。", "美股三大指数收跌，{x}跌超3%。", "{x}与多家供应商签署合作协议。"),
    "HK": ("港股{x}盘中涨5%。", "{x}公布第三季度财报，营收同比增长12%。", "{x}与多家供应商签署合作协议。"),
}


@dataclass(frozen=True)
class Miss:
    form: str
    secid: str
    sentence: str
    found: tuple[str, ...]
    other_listing: bool


def same_company(aliases_path: Path = ALIASES) -> list[set[str]]:
    """Listings of one company, as the aliases group them (a secid and its alt)."""
    aliases = yaml.safe_load(aliases_path.read_text(encoding="utf-8"))["aliases"]
    return [{alias["secid"], *alias.get("alt", [])} for alias in aliases if alias.get("alt")]


def stocks_in(sentence: str, day: datetime) -> set[str]:
    """The stocks the plain-text tagger finds in ``sentence`` published on ``day``."""
    raw = parse_document(sentence + "\n", None)
    raw.published_at = day
    return {stock["secid"] for stock in extract_article(raw, plain=True).stocks}


def probe(entries: list[dict], day: datetime, only: set[str]) -> tuple[int, list[Miss]]:
    """How many forms were probed, and every sentence whose form was not linked to its listing."""
    groups = same_company()
    listed = load_knowledge_base().listed
    probed, misses = 0, []
    for entry in entries:
        secid, market = entry["secid"], entry["market"]
        if secid not in listed:
            print(f"not a listing of the tables: {secid} {entry['forms']}")
            continue
        company = set().union({secid}, *(group for group in groups if secid in group))
        for form in entry["forms"]:
            if only and form not in only:
                continue
            probed += 1
            for template in SENTENCES[market]:
                sentence = template.format(x=form)
                found = stocks_in(sentence, day)
                if secid not in found:
                    misses.append(Miss(form, secid, sentence, tuple(sorted(found)), bool(found & company)))
    return probed, misses


def report(probed: int, misses: list[Miss]) -> None:
    by_form: dict[tuple[str, str], list[Miss]] = {}
    for miss in misses:
        by_form.setdefault((miss.form, miss.secid), []).append(miss)
    for (form, secid), form_misses in by_form.items():
        print(f"MISS {form} -> {secid}: {len(form_misses)}/3")
        for miss in form_misses:
            mark = " (other listing)" if miss.other_listing else ""
            print(f"    {miss.sentence} => {list(miss.found)}{mark}")
    every = sum(1 for form_misses in by_form.values() if len(form_misses) == 3)
    print(f"forms probed {probed}; missed in at least one sentence {len(by_form)}; in all three {every}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2025-06-02", help="publication day of the sentences (YYYY-MM-DD)")
    parser.add_argument("forms", nargs="*", help="probe only these forms")
    arguments = parser.parse_args(argv)
    day = datetime.fromisoformat(arguments.date).replace(hour=9, tzinfo=SHANGHAI)
    entries = yaml.safe_load(PROBE_LIST.read_text(encoding="utf-8"))
    report(*probe(entries, day, set(arguments.forms)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
