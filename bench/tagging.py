"""Speed of extract + tag, side by side in one run with ``trafilatura.extract`` on the same pages.

The pages are the replica's real articles rendered as full Eastmoney pages (page furniture
included). finnews does more than trafilatura here (markup → tags, jieba topics and keywords), so
the comparison is conservative. One-time set-up (jieba's dictionary, the lexicon) is excluded from
both timings by a warm-up pass.

The pages are tagged three ways, each timed against trafilatura: as a crawl tags them by default (from their
text with the entity linker over the whole securities knowledge base, the markup as the page's own evidence),
from the markup alone (FINNEWS_TAG_MARKUP_ONLY: issue 22's markup path) and from the text alone, the markup
ignored (FINNEWS_TAG_FROM_TEXT, as China.org and feed pages are). The knowledge base's load
time is measured first, in a process that has loaded nothing else of finnews' tagging set-up.

Run: ``.venv/bin/python bench/tagging.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from replica.eastmoney_pages import render_article_page  # noqa: E402
from replica.site import load_articles  # noqa: E402
from tagging.extract import extract_article, parse_document  # noqa: E402
from tagging.linking.knowledge_tables import load_knowledge_base  # noqa: E402
from tagging.segment import forget_recent  # noqa: E402


def one_pass(function, pages: list[str]) -> float:
    """Articles per second for one pass over the pages."""
    started = time.perf_counter()
    for page in pages:
        function(page)
    return len(pages) / (time.perf_counter() - started)


def finnews_extract(page: str, plain: bool = False, markup_only: bool = False) -> object:
    forget_recent()  # the same pages repeat here; each must be segmented as a new article would be
    raw = parse_document(page, "https://finance.eastmoney.com/a/1.html")
    return extract_article(raw, plain=plain, markup_only=markup_only)


def knowledge_base_load_seconds() -> tuple[float, int]:
    """Seconds to load the securities knowledge base from configs/, and how many names it holds."""
    started = time.perf_counter()
    kb = load_knowledge_base()
    return time.perf_counter() - started, len(kb.names)


def trafilatura_extract(page: str) -> object:
    return trafilatura.extract(page)


# How finnews tags the pages: as a crawl does by default, and the two other readings (crawler/settings.py).
READINGS = {
    "markup and text (the default)": {},
    "markup alone (--markup-only, FINNEWS_TAG_MARKUP_ONLY; issue 22's markup path, goal ≥ 2×)": {"markup_only": True},
    "text alone (--plain, FINNEWS_TAG_FROM_TEXT; China.org and feed pages)": {"plain": True},
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    load_seconds, names = knowledge_base_load_seconds()
    print(f"knowledge base: {names} names loaded in {load_seconds:.2f} s (goal < 1 s)")
    pages = [render_article_page(article) for article in load_articles()]
    size = sum(len(p) for p in pages) / len(pages)
    readers = {name: functools.partial(finnews_extract, **options) for name, options in READINGS.items()}
    for page in pages:  # warm-up: jieba's dictionary, the lexicon, trafilatura's own set-up
        for read in readers.values():
            read(page)
        trafilatura_extract(page)
    # They alternate round by round, so that a busy moment of the machine hits each alike; each reading is
    # compared with trafilatura's pass of its own round.
    ours: dict[str, list[float]] = {name: [] for name in readers}
    theirs: list[float] = []
    for _ in range(args.rounds):
        for name, read in readers.items():
            ours[name].append(one_pass(read, pages))
        theirs.append(one_pass(trafilatura_extract, pages))
    print(f"pages: {len(pages)} real articles × {args.rounds} rounds, {size / 1024:.1f} KiB per page on average")
    print(f"trafilatura.extract: {statistics.median(theirs):7.1f} articles/s (text only, no tags)")
    for name, speeds in ours.items():
        ratios = sorted(o / t for o, t in zip(speeds, theirs, strict=True))
        print(
            f"finnews extract + tag, {name}: {statistics.median(speeds):.1f} articles/s, "
            f"{statistics.median(ratios):.2f}× trafilatura median ({ratios[len(ratios) // 10]:.2f}× to "
            f"{ratios[-1 - len(ratios) // 10]:.2f}×, 10th–90th percentile of rounds)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
