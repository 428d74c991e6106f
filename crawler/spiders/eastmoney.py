"""Eastmoney rolling news: the column list API, paged back, then each article page."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.items import ArticleItem
from crawler.spiders.base import FinnewsSpider
from tagging.dates import parse_datetime
from tagging.eastmoney import NotAnArticleError, parse_article_page

_JSONP_RE = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*)\s*\)\s*;?\s*$", re.DOTALL)


def parse_list_payload(body: str) -> list[dict[str, Any]]:
    """The items of a getNewsByColumns response (plain JSON or JSONP). Raises ValueError on garbage."""
    match = _JSONP_RE.match(body)
    payload = json.loads(match.group(1) if match else body)
    if not isinstance(payload, dict):
        raise ValueError("list API answered with something that is not a JSON object")
    data = payload.get("data")
    if data is None:
        raise ValueError(
            f"list API answered without data (code={payload.get('code')!r}, message={payload.get('message')!r})"
        )
    items = data.get("list") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError("list API data has no 'list' array")
    return [item for item in items if isinstance(item, dict)]


class EastmoneySpider(FinnewsSpider):
    name = "eastmoney"

    def __init__(
        self, columns: str | None = None, max_pages: str | None = None, since: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.columns_arg = columns
        self.max_pages_arg = max_pages
        self.since: datetime | None = parse_datetime(since) if since else None
        if since and self.since is None:
            raise ValueError(f"--since {since!r} is not a date (expected YYYY-MM-DD)")

    def _columns(self) -> list[str]:
        if self.columns_arg:
            return [c.strip() for c in self.columns_arg.split(",") if c.strip()]
        return [str(c) for c in self.settings.getlist("EASTMONEY_COLUMNS")]

    def _max_pages(self) -> int:
        return int(self.max_pages_arg or self.settings.getint("EASTMONEY_MAX_PAGES"))

    def list_url(self, column: str, page: int) -> str:
        params = {
            "client": "web",
            "biz": "web_news_col",
            "column": column,
            "order": 1,
            "needInteractData": 0,
            "page_index": page,
            "page_size": self.settings.getint("EASTMONEY_PAGE_SIZE"),
            "req_trace": uuid.uuid4().hex,  # the API answers an error without one
            "fields": "code,showTime,title,mediaName,summary,image,url,uniqueUrl,Np_dst",
            "types": "1,20",
        }
        return f"{self.settings.get('EASTMONEY_LIST_API')}?{urlencode(params)}"

    def _list_request(self, column: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            self.list_url(column, page),
            callback=self.parse_list,
            errback=self.on_error,
            headers={"Referer": self.settings.get("EASTMONEY_REFERER")},
            cb_kwargs={"column": column, "page": page},
            # req_trace differs per call; the list page is identified by column and page.
            dont_filter=True,
        )

    async def start(self) -> Any:
        for column in self._columns():
            yield self._list_request(column, 1)

    def parse_list(self, response: Response, column: str, page: int) -> Iterator[scrapy.Request]:
        stats = self.crawler.stats
        stats.inc_value("finnews/list_pages")
        try:
            items = parse_list_payload(response.text)
        except ValueError as error:
            stats.inc_value("finnews/errors/bad_list_payload")
            self.logger.error("Bad list API answer for column %s page %s (%s): %s", column, page, response.url, error)
            return
        reached_since = False
        article_urls = []
        for entry in items:
            url = entry.get("uniqueUrl") or entry.get("url")
            if not url:
                stats.inc_value("finnews/errors/list_item_without_url")
                continue
            shown = parse_datetime(str(entry.get("showTime") or ""))
            if self.since and shown and shown < self.since:
                reached_since = True
                continue
            article_urls.append(response.urljoin(url))
            yield self.article_request(response, url, listed=entry)
        if self.all_seen(article_urls):
            # Rolling lists are newest first: a page with nothing new means the rest is old too.
            stats.inc_value("finnews/list_pages_fully_seen")
            return
        if items and not reached_since and page < self._max_pages():
            yield self._list_request(column, page + 1)

    def parse_article(self, response: Response, listed: dict[str, Any]) -> Iterator[ArticleItem]:
        stats = self.crawler.stats
        stats.inc_value("finnews/article_pages")
        try:
            raw = parse_article_page(response.text, response.url)
        except (NotAnArticleError, AttributeError) as error:
            stats.inc_value("finnews/errors/not_an_article")
            self.logger.warning("Not an article page %s: %s", response.url, error)
            return
        # The list entry knows the title, time and outlet even when a page layout hides them.
        raw.title = raw.title or listed.get("title")
        raw.published_at = raw.published_at or parse_datetime(str(listed.get("showTime") or ""))
        raw.media = raw.media or listed.get("mediaName") or None
        raw.digest = raw.digest or listed.get("summary") or None
        yield ArticleItem(raw=raw, fetched_url=response.url)
