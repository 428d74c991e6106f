"""Eastmoney rolling news. Three kinds of list, each paged back from the newest until it meets
articles already indexed, a ``since`` date or its page limit, then each article page:

* ``columns``: the column list API ``getNewsByColumns`` (要闻, 国内经济, 证券聚焦 …), by page index;
* ``fast``: the 7×24 快讯 API ``getFastNewsList``, paged backwards by ``sortEnd`` = the last ``realSort``;
* ``pages``: the HTML list pages (``/a/cywjh.html``, then ``cywjh_2.html`` …, ``#newsListContent``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.blocking import SOURCE_META
from crawler.spiders.base import FinnewsSpider, decoded
from tagging.article import RawArticle
from tagging.dates import SHANGHAI, parse_datetime
from tagging.eastmoney import parse_article_page

_JSONP_RE = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*)\s*\)\s*;?\s*$", re.DOTALL)


LIST_SOURCES = ("columns", "fast", "pages")
_LIST_PAGE_RE = re.compile(r"^(?P<stem>.*/[a-z]+?)(?:_(?P<page>\d+))?\.html$")
_LIST_TIME_RE = re.compile(r"(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})")


def _payload_data(body: str) -> dict[str, Any]:
    match = _JSONP_RE.match(body)
    payload = json.loads(match.group(1) if match else body)
    if not isinstance(payload, dict):
        raise ValueError("list API answered with something that is not a JSON object")
    data = payload.get("data")
    if not isinstance(data, dict):
        code, message = payload.get("code"), payload.get("message")
        raise ValueError(f"list API answered without data (code={code!r}, message={message!r})")
    return data


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list):
        raise ValueError(f"list API data has no {key!r} array")
    return [item for item in items if isinstance(item, dict)]


def parse_list_payload(body: str) -> list[dict[str, Any]]:
    """The items of a getNewsByColumns answer (JSON or JSONP). Raises ValueError on garbage."""
    return _items(_payload_data(body), "list")


def parse_fast_payload(body: str) -> list[dict[str, Any]]:
    """The items of a getFastNewsList (7×24) answer. Raises ValueError on garbage."""
    return _items(_payload_data(body), "fastNewsList")


def list_time(text: str, now: datetime) -> datetime | None:
    """``05月30日 20:46`` (list pages show no year): this year, or last year if that is in the future."""
    match = _LIST_TIME_RE.search(text or "")
    if not match:
        return None
    month, day, hour, minute = (int(g) for g in match.groups())
    for year in (now.year, now.year - 1):
        try:
            moment = datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
        except ValueError:
            continue
        if moment <= now + timedelta(days=1):
            return moment
    return None


def parse_list_page(html: str) -> list[dict[str, Any]]:
    """Entries of an HTML list page (``#newsListContent li``): url, title, time text, summary."""
    page = scrapy.Selector(text=html)
    entries = []
    for item in page.css("#newsListContent li"):
        links = item.css("p.title a")
        if not links:
            continue
        link = links[-1]  # the last link of the title line is the article (the first may be a tag)
        entries.append(
            {
                "url": link.attrib.get("href", "").strip(),
                "title": " ".join(link.css("::text").getall()).strip(),
                "showTimeText": " ".join(item.css("p.time::text").getall()).strip(),
                "summary": (item.css("p.info::attr(title)").get() or "").strip(),
            }
        )
    return [e for e in entries if e["url"]]


def list_page_name(url: str) -> str:
    """``…/a/cywjh.html`` → ``cywjh``: the list an HTML list page belongs to."""
    match = _LIST_PAGE_RE.match(url.split("?")[0])
    return match.group("stem").rsplit("/", 1)[-1] if match else url


def next_list_page(url: str) -> str | None:
    """``…/a/cywjh.html`` → ``…/a/cywjh_2.html`` → ``…/a/cywjh_3.html``."""
    match = _LIST_PAGE_RE.match(url.split("?")[0])
    if not match:
        return None
    return f"{match.group('stem')}_{int(match.group('page') or 1) + 1}.html"


class EastmoneySpider(FinnewsSpider):
    name = "eastmoney"

    def __init__(
        self,
        sources: str | None = None,
        columns: str | None = None,
        max_pages: str | None = None,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources_arg = sources
        self.columns_arg = columns
        self.max_pages_arg = max_pages
        self.since: datetime | None = parse_datetime(since) if since else None
        if since and self.since is None:
            raise ValueError(f"since={since!r} is not a date (expected YYYY-MM-DD)")
        if max_pages is not None and (not max_pages.isdigit() or int(max_pages) < 1):
            raise ValueError(f"max_pages={max_pages!r} is not a whole number ≥ 1")

    def _sources(self) -> list[str]:
        chosen = self.sources_arg.split(",") if self.sources_arg else self.settings.getlist("EASTMONEY_SOURCES")
        sources = [s.strip() for s in chosen if s.strip()]
        unknown = set(sources) - set(LIST_SOURCES)
        if unknown:
            raise ValueError(f"unknown list source(s) {', '.join(sorted(unknown))}; use {', '.join(LIST_SOURCES)}")
        return sources

    def _columns(self) -> list[str]:
        if self.columns_arg:
            return [c.strip() for c in self.columns_arg.split(",") if c.strip()]
        return [str(c) for c in self.settings.getlist("EASTMONEY_COLUMNS")]

    def _max_pages(self) -> int:
        return int(self.max_pages_arg or self.settings.getint("EASTMONEY_MAX_PAGES"))

    def _api_request(self, url: str, callback: Any, source: str, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers={"Referer": self.settings.get("EASTMONEY_REFERER")},
            cb_kwargs=cb_kwargs,
            meta={SOURCE_META: source},
            dont_filter=True,  # req_trace differs per call; a list page is identified by its position
        )

    def column_request(self, column: str, page: int) -> scrapy.Request:
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
        url = f"{self.settings.get('EASTMONEY_LIST_API')}?{urlencode(params)}"
        return self._api_request(url, self.parse_list, f"columns:{column}", column=column, page=page)

    def fast_request(self, column: str, sort_end: str, page: int) -> scrapy.Request:
        params = {
            "client": "web",
            "biz": "web_724",
            "fastColumn": column,
            "sortEnd": sort_end,  # empty: the newest; else the realSort of the last item seen
            "pageSize": self.settings.getint("EASTMONEY_PAGE_SIZE"),
            "req_trace": uuid.uuid4().hex,
        }
        url = f"{self.settings.get('EASTMONEY_FAST_API')}?{urlencode(params)}"
        return self._api_request(url, self.parse_fast, f"fast:{column}", column=column, page=page)

    def list_requests(self) -> Iterator[scrapy.Request]:
        sources = self._sources()
        if "columns" in sources:
            for column in self._columns():
                yield self.column_request(column, 1)
        if "fast" in sources:
            for column in self.settings.getlist("EASTMONEY_FAST_COLUMNS"):
                yield self.fast_request(str(column), "", 1)
        if "pages" in sources:
            for url in self.settings.getlist("EASTMONEY_LIST_PAGES"):
                yield scrapy.Request(
                    url,
                    callback=self.parse_list_page,
                    errback=self.on_error,
                    cb_kwargs={"page": 1},
                    meta={SOURCE_META: f"pages:{list_page_name(url)}"},
                )

    def _follow(self, response: Response, entries: list[dict[str, Any]]) -> Iterator[scrapy.Request]:
        """Article requests for a list's entries. Sets ``self._more`` to whether the list should be
        paged further: not past the ``since`` date, not when every article is already indexed."""
        reached_since = False
        article_urls = []
        for entry in entries:
            url = entry.get("uniqueUrl") or entry.get("url")
            if not url:
                self.crawler.stats.inc_value("finnews/errors/list_item_without_url")
                continue
            shown = entry.get("_shown") or parse_datetime(str(entry.get("showTime") or ""))
            if self.since and shown and shown < self.since:
                reached_since = True
                continue
            article_urls.append(response.urljoin(url))
            yield self.article_request(response, url, listed=_listed(entry))
        fully_seen = self.all_seen(article_urls)
        if fully_seen:
            # Rolling lists are newest first: a page with nothing new means the rest is old too.
            self.crawler.stats.inc_value("finnews/list_pages_fully_seen")
        self._more = bool(entries) and not reached_since and not fully_seen

    def _bad_list(self, response: Response, error: ValueError) -> None:
        self.crawler.stats.inc_value("finnews/errors/bad_list_payload")
        self.crawler.stats.inc_value("finnews/list_errors")
        self.logger.error("Bad list answer at %s: %s", response.url, error)

    def _list_read(self, response: Response, name: str, page: int, has_items: bool) -> bool:
        """Note a list answer. False when it is a blocked one: empty where the list had items before
        (only a first page tells: later pages end empty when the list does)."""
        key = self.list_key(response, name)
        if page == 1 and not has_items and self.emptied(key):
            return False
        if page == 1 and has_items:
            self.remember_items(key)
        self.answered(response)
        return True

    def _api_items(
        self, response: Response, parse: Callable[[str], list[dict[str, Any]]], name: str, page: int
    ) -> Generator[scrapy.Request, None, list[dict[str, Any]] | None]:
        """The items of a list API answer, counted and noted; ``None`` for a bad answer (logged) or a
        blocked one (its retry, if any, yielded)."""
        self.crawler.stats.inc_value("finnews/list_pages")
        try:
            items = parse(response.text)
        except ValueError as error:
            self._bad_list(response, error)
            return None
        if not self._list_read(response, name, page, bool(items)):
            yield from self.refused(response, "empty_list")
            return None
        return items

    def parse_list(self, response: Response, column: str, page: int) -> Iterator[scrapy.Request]:
        items = yield from self._api_items(response, parse_list_payload, f"columns:{column}", page)
        if items is None:
            return
        yield from self._follow(response, items)
        if self._more and page < self._max_pages():
            yield self.column_request(column, page + 1)

    def parse_fast(self, response: Response, column: str, page: int) -> Iterator[scrapy.Request]:
        items = yield from self._api_items(response, parse_fast_payload, f"fast:{column}", page)
        if items is None:
            return
        template = self.settings.get("EASTMONEY_ARTICLE_URL")
        entries = [{**item, "url": template.format(code=item["code"])} for item in items if item.get("code")]
        yield from self._follow(response, entries)
        last_sort = str(items[-1].get("realSort") or "") if items else ""
        if self._more and last_sort and page < self._max_pages():
            yield self.fast_request(column, last_sort, page + 1)

    def parse_list_page(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        self.crawler.stats.inc_value("finnews/list_pages")
        now = datetime.now(SHANGHAI)
        entries = parse_list_page(decoded(response))
        name = str(response.meta.get(SOURCE_META) or f"pages:{list_page_name(response.url)}")
        if not self._list_read(response, name, page, bool(entries)):
            yield from self.refused(response, "empty_list")
            return
        if not entries:
            self.crawler.stats.inc_value("finnews/errors/empty_list_page")
            self.crawler.stats.inc_value("finnews/list_errors")
            self.logger.warning("No list entries on %s", response.url)
            return
        for entry in entries:
            entry["_shown"] = list_time(entry.pop("showTimeText"), now)
        yield from self._follow(response, entries)
        following = next_list_page(response.url)
        limit = min(self._max_pages(), self.settings.getint("EASTMONEY_LIST_PAGES_MAX"))
        if self._more and following and page < limit:
            yield response.follow(
                following,
                callback=self.parse_list_page,
                errback=self.on_list_page_error,
                cb_kwargs={"page": page + 1},
                meta={SOURCE_META: response.meta.get(SOURCE_META)},
            )

    def on_list_page_error(self, failure: Failure) -> None:
        """A list page past the last one answers 404: the end of the list, not a failure."""
        if failure.check(HttpError) and failure.value.response.status == 404:
            self.crawler.stats.inc_value("finnews/list_ends")
            return
        self.on_error(failure)

    def read_article(self, html: str, url: str, listed: dict[str, Any]) -> RawArticle:
        raw = parse_article_page(html, url)
        # The list entry knows the title, time and outlet even when a page layout hides them.
        raw.title = raw.title or listed.get("title")
        raw.published_at = raw.published_at or parse_datetime(str(listed.get("showTime") or ""))
        raw.media = raw.media or listed.get("mediaName") or None
        raw.digest = raw.digest or listed.get("summary") or None
        return raw


def _listed(entry: dict[str, Any]) -> dict[str, Any]:
    """What the article callback keeps of a list entry (plain JSON values: JOBDIR pickles requests)."""
    shown = entry.get("_shown")
    return {
        "title": entry.get("title"),
        "showTime": shown.isoformat() if isinstance(shown, datetime) else entry.get("showTime"),
        "mediaName": entry.get("mediaName"),
        "summary": entry.get("summary") or entry.get("digest"),
    }
