"""What the spiders yield and the item pipelines fill in, one stage at a time."""

from __future__ import annotations

from dataclasses import dataclass

from core.article import Article, CleanBody, RawArticle


@dataclass
class ArticleItem:
    """An article on its way through the pipelines: parsed (spider) → cleaned → tagged → indexed."""

    raw: RawArticle
    fetched_url: str | None = None  # the page fetched (the seen store remembers it)
    # The address the list linked, when a redirect led from it to ``fetched_url``: remembered too, or
    # every later crawl would request it again and its list page would never be fully seen.
    linked_url: str | None = None
    listed_by: str | None = None  # the crawl source whose list linked it (columns:345, fast:102 …)
    listed_in: str | None = None  # that list's identity across crawls (FinnewsSpider.list_key)
    # Some of its pages could not be fetched: written with the pages it has, but not remembered as
    # seen, so the next crawl fetches it again and the whole text replaces this one.
    incomplete: bool = False
    cleaned: CleanBody | None = None
    article: Article | None = None
