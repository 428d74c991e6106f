"""Tagged archives for load tests: records in finnews' export form, made from the real corpus."""

from __future__ import annotations

import json
from pathlib import Path


def write_archive(path: Path, count: int, url_prefix: str = "https://finance.eastmoney.com/a/20260101") -> set[str]:
    """``count`` tagged records (finnews' export form) made from the corpus, each with its own URL
    (``url_prefix`` + a ten-digit number) and title; returns their URLs."""
    from replica.site import load_articles
    from tagging.extract import article_record, extract_article

    base = [article_record(extract_article(a.raw)) for a in load_articles()]
    urls = set()
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            record = dict(base[number % len(base)])
            record["url"] = f"{url_prefix}{number:010d}.html"
            record["title"] = f"{record['title']}（{number}）"
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            urls.add(record["url"])
    return urls
