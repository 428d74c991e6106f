"""Speed of extract + tag, side by side in one run with ``trafilatura.extract`` on the same pages.

The pages are the replica's real articles rendered as full Eastmoney pages (page furniture
included). finnews does more than trafilatura here (markup → tags, jieba topics and keywords), so
the comparison is conservative. One-time set-up (jieba's dictionary, the lexicon) is excluded from
both timings by a warm-up pass.

Run: ``.venv/bin/python bench/tagging.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from replica.site import load_articles, render_article_page  # noqa: E402
from tagging.extract import extract_article, parse_document  # noqa: E402


def rate(function, pages: list[str], rounds: int) -> float:
    for page in pages:  # warm-up
        function(page)
    started = time.perf_counter()
    for _ in range(rounds):
        for page in pages:
            function(page)
    return rounds * len(pages) / (time.perf_counter() - started)


def finnews_extract(page: str) -> object:
    return extract_article(parse_document(page, "https://finance.eastmoney.com/a/1.html"))


def trafilatura_extract(page: str) -> object:
    return trafilatura.extract(page)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    pages = [render_article_page(article) for article in load_articles()]
    size = sum(len(p) for p in pages) / len(pages)
    ours = rate(finnews_extract, pages, args.rounds)
    theirs = rate(trafilatura_extract, pages, args.rounds)
    print(f"pages: {len(pages)} real articles × {args.rounds} rounds, {size / 1024:.1f} KiB per page on average")
    print(f"finnews extract + tag:  {ours:8.1f} articles/s")
    print(f"trafilatura.extract:    {theirs:8.1f} articles/s (text only, no tags)")
    print(f"ratio: {ours / theirs:.2f}× (goal ≥ 2×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
