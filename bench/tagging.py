"""Speed of extract + tag, side by side in one run with ``trafilatura.extract`` on the same pages.

The pages are the replica's real articles rendered as full Eastmoney pages (page furniture
included). finnews does more than trafilatura here (markup → tags, jieba topics and keywords), so
the comparison is conservative. One-time set-up (jieba's dictionary, the lexicon) is excluded from
both timings by a warm-up pass.

``--plain`` tags the same pages from their text alone (the entity linker over the whole securities
knowledge base, as for China.org and feed pages). The knowledge base's load time is measured first,
in a process that has loaded nothing else of finnews' tagging set-up.

Run: ``.venv/bin/python bench/tagging.py [--rounds N] [--plain]``
"""

from __future__ import annotations

import argparse
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


def finnews_extract(page: str, plain: bool = False) -> object:
    forget_recent()  # the same pages repeat here; each must be segmented as a new article would be
    return extract_article(parse_document(page, "https://finance.eastmoney.com/a/1.html"), plain=plain)


def knowledge_base_load_seconds() -> tuple[float, int]:
    """Seconds to load the securities knowledge base from configs/, and how many names it holds."""
    started = time.perf_counter()
    kb = load_knowledge_base()
    return time.perf_counter() - started, len(kb.names)


def trafilatura_extract(page: str) -> object:
    return trafilatura.extract(page)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--plain", action="store_true", help="tag from the text alone (the entity linker)")
    args = parser.parse_args()
    load_seconds, names = knowledge_base_load_seconds()
    print(f"knowledge base: {names} names loaded in {load_seconds:.2f} s (goal < 1 s)")
    pages = [render_article_page(article) for article in load_articles()]
    size = sum(len(p) for p in pages) / len(pages)

    def ours_extract(page: str) -> object:
        return finnews_extract(page, plain=args.plain)

    for page in pages:  # warm-up: jieba's dictionary, the lexicon, trafilatura's own set-up
        ours_extract(page)
        trafilatura_extract(page)
    # The two alternate round by round, so that a busy moment of the machine hits both alike.
    ours, theirs = [], []
    for _ in range(args.rounds):
        ours.append(one_pass(ours_extract, pages))
        theirs.append(one_pass(trafilatura_extract, pages))
    ratios = sorted(o / t for o, t in zip(ours, theirs, strict=True))
    print(f"pages: {len(pages)} real articles × {args.rounds} rounds, {size / 1024:.1f} KiB per page on average")
    mode = "from text alone" if args.plain else "from markup"
    print(f"finnews extract + tag:  {statistics.median(ours):8.1f} articles/s (median of rounds; tags {mode})")
    print(f"trafilatura.extract:    {statistics.median(theirs):8.1f} articles/s (text only, no tags)")
    print(
        f"ratio: {statistics.median(ratios):.2f}× median, {ratios[len(ratios) // 10]:.2f}× to "
        f"{ratios[-1 - len(ratios) // 10]:.2f}× (10th–90th percentile of rounds); goal ≥ 2×"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
