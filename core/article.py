"""The article records that flow through finnews: raw (as parsed from a page), cleaned (text and the
securities it mentions) and tagged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.securities import Security


@dataclass
class RawArticle:
    """What a page parser found: metadata and the body, before cleaning and tagging."""

    source: str  # eastmoney, chinaorg, jekyll, text
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    media: str | None = None
    author: str | None = None
    digest: str | None = None
    body_html: str | None = None  # a body with markup (Eastmoney), cleaned by tagging.markup.clean
    body_text: str | None = None  # a body that is already text (China.org extracts, plain input)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    # The parsed body element when a page parser already has it: cleaning walks it instead of
    # parsing body_html a second time. Not data: left out of comparisons and representations.
    body_tree: Any = field(default=None, repr=False, compare=False)
    # Which path of the body decision found the body (tagging.pages.body): layout:eastmoney, layout:chinaorg,
    # fragment, generic, escaped+…, jekyll, text.
    body_source: str | None = None
    # Only the lines of the body that the main-content extractor kept (generic path); None keeps all.
    kept_text: str | None = field(default=None, repr=False, compare=False)
    # The publish time is only the date an Eastmoney article code starts with, or a china.com.cn URL carries
    # (the page shows none): a list's exact time is better (codes may carry the day before: a 00:03 item coded
    # the 9th).
    published_from_code: bool = field(default=False, repr=False, compare=False)
    # The securities the list that led to the article tags it with (a 7×24 item's ``stockList``: "90.BK0428",
    # "0.002884", "105.AMZN"): the site's own tags, which a flash's page, plain text, does not mark.
    listed_securities: list[str] = field(default_factory=list)


@dataclass
class Article:
    """A cleaned and tagged article, ready to index or export."""

    source: str
    url: str | None
    title: str
    published_at: datetime | None
    media: str | None
    author: str | None
    digest: str | None
    text: str
    boards: list[dict[str, Any]]
    stocks: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    keywords: list[str]
    mentions: list[dict[str, Any]]
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    # Indexes and funds the markup names (old stock_ ids mark them too): never stocks.
    instruments: list[dict[str, Any]] = field(default_factory=list)
    body_source: str | None = None  # how the body was found (see RawArticle.body_source)
    # Stocks the page's markup named that the sentence does not (线上线下消费): what it said and why not.
    rejected_markup: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Mention:
    """A security named by markup (or found in text), with offsets into the clean text."""

    security: Security
    text: str
    start: int | None = None
    end: int | None = None
    where: str = "body"  # "body", "media" (the 文章来源 line), "title" or "list" (the list's tags: no offsets)
    source: str = "markup"  # "markup", "text" or "list"
    # Why a text mention was given: name, former_name, full_name, alias or code (None for markup).
    how: str | None = None

    @property
    def secid(self) -> str:
        return self.security.secid


@dataclass
class CleanBody:
    """The clean text of a body, its mentions, and the metadata lines lifted out of it."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    media: str | None = None
    editor: str | None = None
    digest: str | None = None
    # The secids of the body's K-line chart blocks (markup.md 8): what the page charts, which its text may not
    # link (an H share charted beside its A share: archive audit, day 19), tagged as ``where="chart"``.
    charted: list[str] = field(default_factory=list)
    # The body had no text and ``text`` is the summary: right for a post that is only its digest, a
    # layout change when a site's own body element is empty (pipelines.clean).
    from_digest: bool = False
