"""Eastmoney rolling news. Three kinds of list, each paged back from the newest until it meets
articles already indexed, a ``since`` date or its page limit, then each article page:

* ``columns``: the column list API ``getNewsByColumns`` (要闻, 国内经济, 证券聚焦 …), by page index;
* ``fast``: the 7×24 快讯 API ``getFastNewsList``, paged backwards by ``sortEnd`` = the last item's
  ``realSort``, or the answer's own ``data.sortEnd`` when the item has none;
* ``pages``: the HTML list pages (``/a/cywjh.html``, then ``cywjh_2.html`` …), read by their article
  links (:mod:`crawler.listing`), whatever container holds them.

Every form the APIs were seen answering in 2026 is read: JSON or JSONP (with or without ``;``, and in the
wrappings JSONP middleware writes: :func:`core.jsontext.jsonp_payload`),
``code`` as a number or a string, ``url`` in the older ``/news/{col},{code}.html`` form beside
``uniqueUrl``, ``Np_dst``/``np_dst``, HTML in ``summary``, items without title or ``realSort``. An
answer without the fields the spider needs is a layout change (:class:`crawler.drift.LayoutChangedError`),
reported as such, never a quiet day.
"""

from __future__ import annotations

import html as html_module
import json
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from core.article import RawArticle
from core.dates import SHANGHAI, parse_datetime
from core.jsontext import escapes_a_surrogate, jsonp_payload, without_lone_surrogates
from core.urls import eastmoney_article_code, url_list
from crawler.blocking import SOURCE_META
from crawler.drift import LayoutChangedError
from crawler.listing import find_listed_articles, list_time
from crawler.spiders.base import FinnewsSpider, decoded, generic_article
from tagging.pages.eastmoney import parse_article_page, with_page_signals
from tagging.pages.page import NotAnArticleError

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")

LIST_SOURCES = ("columns", "fast", "pages")
# A list page's slug: cywjh, finance, or the roll list of several channels (roll.eastmoney.com/
# stock,finance,money,forex,fund_3.html, linked by 2026 clients: real-site hunt, day 19).
_LIST_PAGE_RE = re.compile(r"^(?P<stem>.*/[a-z][a-z,]*?)(?:_(?P<page>\d+))?\.html$")
# What an Eastmoney article URL looks like on any host that serves Eastmoney's paths.
_ARTICLE_PATH_RE = re.compile(r"^/(?:a/|news/\d+,)\d{12,20}\.html$")
# A 财富号 post's page (caifuhao.eastmoney.com/news/{23 digits}): listed, then skipped and counted (is_caifuhao).
_CAIFUHAO_POST_RE = re.compile(r"^https?://caifuhao\.eastmoney\.com/news/\d+")
_OLD_ARTICLE_PATH_RE = re.compile(r"/news/\d+,(?P<code>\d{12,20})\.html")


# Columns known to page back less far than their totle_hits says (a count of 5000 may be a cap): column 350
# pages back about 500 items (sites.md 2.3; column 345 goes back 300 pages of 50). Past that depth an empty
# page may be the list's real end, not a refusal.
COLUMN_DEPTH_SERVED = {"350": 500}


@dataclass
class ListAnswer:
    """One page of a list API: its items, the cursor of the next page (7×24 only), the list's size as
    the answer gives it (getNewsByColumns' ``totle_hits``), and whether the page before said the list
    goes on (it was full, and inside that size). An empty page where the list goes on is a refusal
    (sites.md: "HTTP 200 with a valid but EMPTY list … when throttled"), not the list's end; the empty
    answer's own count is not believed (a refusal may well say 0)."""

    items: list[dict[str, Any]]
    cursor: str = ""
    total: int | None = None
    goes_on: bool = False

    def empty_inside(self) -> bool:
        return self.goes_on and not self.items

    def says_more(self, page: int, page_size: int, depth: int | None = None) -> bool:
        """Whether this page, ``page`` of a list asked for ``page_size`` at a time, says there is a next
        one: it is full and its list counts more hits (and ``depth``, how far the list is known to go, is
        not reached). A short page never does, so an API that gives fewer items than asked for is paged
        as before: its empty page is its end."""
        return (
            len(self.items) >= page_size
            and (self.total is None or page * page_size < self.total)
            and (depth is None or page * page_size < depth)
        )


def _payload(body: str) -> dict[str, Any]:
    try:
        payload = json.loads(jsonp_payload(body))
    except RecursionError as error:  # arrays nested thousands deep: the parser's stack, not the crawl's, gives out
        raise ValueError(f"list API answered JSON nested too deep to read: {body[:80]!r}") from error
    except ValueError as error:
        raise ValueError(f"list API answered something that is not JSON: {body[:80]!r}") from error
    if not isinstance(payload, dict):
        raise ValueError("list API answered with something that is not a JSON object")
    return without_lone_surrogates(payload) if escapes_a_surrogate(body) else payload


def _data(payload: dict[str, Any], key: str) -> dict[str, Any]:
    data = payload.get("data")
    code, message = payload.get("code"), payload.get("message")
    if str(code) not in ("1", "0", "200", "None"):
        # an error, whatever data it carries ({"code": "-1", "message": "访问频繁", "data": {"fastNewsList": []}}:
        # read as an empty page it would end the list, silently)
        raise ValueError(f"list API answered an error (code={code!r}, message={message!r})")
    if not isinstance(data, dict):
        raise LayoutChangedError(
            "api_fields", f"list API answer has no data object (code={code!r}, keys {sorted(payload)})"
        )
    if not isinstance(data.get(key), list):
        raise LayoutChangedError("api_fields", f"list API data has no {key!r} array (keys {sorted(data)})")
    return data


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in data[key] if isinstance(item, dict)]


def plain_summary(value: Any) -> str:
    """A list item's summary as text: some answers carry HTML (``<p>…</p>``) in it."""
    text = html_module.unescape(_TAG_RE.sub(" ", str(value or "")))
    return _SPACE_RE.sub(" ", text).strip()


def parse_list_payload(body: str) -> list[dict[str, Any]]:
    """The items of a getNewsByColumns answer (JSON or JSONP): ValueError on garbage or an error
    answer, :class:`LayoutChangedError` on an answer without ``data.list``."""
    return _column_answer(body).items


def parse_fast_payload(body: str) -> ListAnswer:
    """The items of a getFastNewsList (7×24) answer and the cursor of the next page: the last item's
    ``realSort``, else the answer's ``data.sortEnd`` (items may lack ``realSort``)."""
    data = _data(_payload(body), "fastNewsList")
    items = _items(data, "fastNewsList")
    last = str(items[-1].get("realSort") or "") if items else ""
    return ListAnswer(items, last or str(data.get("sortEnd") or ""))


def column_entry(item: dict[str, Any], article_url: str) -> dict[str, Any]:
    """A getNewsByColumns or 7×24 item as a list entry: the article URL (``uniqueUrl``, else ``url``,
    else built from ``code``), the summary as text, ``np_dst`` under one spelling."""
    url = (
        item.get("uniqueUrl") or item.get("url") or (article_url.format(code=item["code"]) if item.get("code") else "")
    )
    # The older /news/{col},{code}.html form serves the same article as /a/{code}.html: fetched once, as that.
    url = _OLD_ARTICLE_PATH_RE.sub(r"/a/\g<code>.html", str(url), count=1)
    return {
        **item,
        "url": str(url or ""),
        "uniqueUrl": None,
        "summary": plain_summary(item.get("summary") or item.get("digest")),
        "np_dst": item.get("np_dst") or item.get("Np_dst"),
    }


def is_caifuhao(entry: dict[str, Any]) -> bool:
    """A 财富号 (caifuhao) post: a user column the column API lists beside Eastmoney's own articles
    (``Np_dst: "CFH"``, ``caifuhao.eastmoney.com/news/…``), on pages of another layout."""
    return str(entry.get("np_dst") or "").upper() == "CFH" or "caifuhao.eastmoney.com" in str(entry.get("url") or "")


def is_eastmoney_article_url(url: str, list_url: str) -> bool:
    """An Eastmoney article page: ``/a/{code}.html`` or ``/news/{col},{code}.html`` on an eastmoney
    host, or on the list page's own host (a mirror, the local replica)."""
    if eastmoney_article_code(url):
        return True
    parts = urlsplit(url)
    return bool(_ARTICLE_PATH_RE.match(parts.path)) and parts.netloc == urlsplit(list_url).netloc


def parse_list_page(html: str, base_url: str = "") -> list[dict[str, Any]]:
    """Entries of an HTML list page, found by their article links: url, title, time text, summary. A
    财富号 post's link is an entry too, for :meth:`EastmoneySpider._follow` to skip and count."""
    listed = find_listed_articles(
        html, base_url, lambda url: is_eastmoney_article_url(url, base_url) or bool(_CAIFUHAO_POST_RE.match(url))
    )
    return [{"url": e.url, "title": e.title, "showTimeText": e.time_text, "summary": e.summary} for e in listed]


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
    max_pages_setting = "EASTMONEY_MAX_PAGES"
    own_layout = "layout:eastmoney"

    def __init__(
        self,
        sources: str | None = None,
        columns: str | None = None,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources_arg = sources
        self.columns_arg = columns
        self.since: datetime | None = parse_datetime(since) if since else None
        # The article URLs list pages gave so far: a side block (资讯精华) repeats on every page (_follow).
        self.listed_before: set[str] = set()

        if since and self.since is None:
            raise ValueError(f"since={since!r} is not a date (expected YYYY-MM-DD)")

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

    def _api_request(self, url: str, callback: Any, source: str, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs=cb_kwargs,
            meta={SOURCE_META: source},
            dont_filter=True,  # req_trace differs per call; a list page is identified by its position
        )

    def column_request(self, column: str, page: int, after_full_page: bool = False) -> scrapy.Request:
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
        return self._api_request(
            url, self.parse_list, f"columns:{column}", column=column, page=page, after_full_page=after_full_page
        )

    def fast_request(self, column: str, sort_end: str, page: int, after_full_page: bool = False) -> scrapy.Request:
        params = {
            "client": "web",
            "biz": "web_724",
            "fastColumn": column,
            "sortEnd": sort_end,  # empty: the newest; else the realSort of the last item seen
            "pageSize": self.settings.getint("EASTMONEY_PAGE_SIZE"),
            "req_trace": uuid.uuid4().hex,
        }
        url = f"{self.settings.get('EASTMONEY_FAST_API')}?{urlencode(params)}"
        return self._api_request(
            url, self.parse_fast, f"fast:{column}", column=column, page=page, after_full_page=after_full_page
        )

    def list_requests(self) -> Iterator[scrapy.Request]:
        sources = self._sources()
        if "columns" in sources:
            for column in self._columns():
                yield self.column_request(column, 1)
        if "fast" in sources:
            for column in self.settings.getlist("EASTMONEY_FAST_COLUMNS"):
                yield self.fast_request(str(column), "", 1)
        if "pages" in sources:
            for url in url_list(self.settings.get("EASTMONEY_LIST_PAGES")):
                yield scrapy.Request(
                    url,
                    callback=self.parse_list_page,
                    errback=self.on_error,
                    cb_kwargs={"page": 1},
                    meta={SOURCE_META: f"pages:{list_page_name(url)}"},
                )

    def _follow(
        self, response: Response, entries: list[dict[str, Any]], side_blocks: bool = False, page: int = 1
    ) -> Iterator[scrapy.Request]:
        """Article requests for a list's entries. Sets ``self._more`` to whether the list should be
        paged further: not past the ``since`` date, not when every article is already indexed. An API's
        list is newest first, so its first older entry is past ``since``; a list page (``side_blocks``)
        is past it only when none of its timed entries is inside the window, since one older entry may
        be a side block's (资讯精华 shows older times beside a main list still inside it). A side block
        repeats on every page, so an entry listed on an earlier page tells nothing of this one. A page that
        gives only what its list's earlier pages gave is a layout change (:meth:`repeats_earlier_pages`)."""
        older = inside = False
        article_urls = []
        every_url: list[str] = []  # (past since= too)
        fresh = []  # the article URLs not listed on an earlier page of this crawl (a side block repeats)
        listed_before = self.listed_before
        for entry in entries:
            url = entry.get("url")
            if not url:
                self.crawler.stats.inc_value("finnews/errors/list_item_without_url")
                continue
            if is_caifuhao(entry) and not self.settings.getbool("EASTMONEY_FETCH_CAIFUHAO"):
                self.crawler.stats.inc_value("finnews/skipped/caifuhao")
                continue
            absolute = response.urljoin(url)
            every_url.append(absolute)
            repeated = side_blocks and absolute in listed_before
            if side_blocks:
                listed_before.add(absolute)
            shown = entry.get("_shown") or parse_datetime(str(entry.get("showTime") or ""))
            if self.since and shown:
                if shown < self.since:
                    older = True
                    continue
                inside = inside or not repeated
            article_urls.append(absolute)
            if not repeated:
                fresh.append(absolute)
            yield self.article_request(response, url, listed=_listed(entry))
            if self.checking:
                break  # sites check: one article a source
        # For page_on: whether the page was all new, judged on what it adds (not a repeated side block).
        self._listed = fresh
        fully_seen = self.all_seen(article_urls, self.list_key(response, str(response.meta.get(SOURCE_META) or "")))
        if fully_seen:
            # Rolling lists are newest first: a page with nothing new means the rest is old too.
            self.crawler.stats.inc_value("finnews/list_pages_fully_seen")
        past_since = older and not (side_blocks and inside)
        self._more = bool(entries) and not past_since and not fully_seen
        if self.repeats_earlier_pages(response, page, every_url):
            self._more = False

    def page_identity(self, url: str) -> str:
        """A list API's address without its req_trace, new on every request: a list answer that failed on every crawl
        (an error page served for a retired column) was a new page each time, and left every crawl unclean for ever.
        A later 7×24 page's cursor (sortEnd) changes with every new flash: such pages are one, ``sortEnd=*``, apart
        from the first (no cursor; review of day 23)."""
        parts = urlsplit(url)
        if "req_trace=" not in parts.query:
            return url
        query = [
            (k, "*" if k == "sortEnd" and v else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k != "req_trace"
        ]
        return parts._replace(query=urlencode(query)).geturl()

    def _bad_list(self, response: Response, error: ValueError) -> None:
        if isinstance(error, LayoutChangedError):
            self.layout_changed(response, error.what, str(error))
            return
        self.crawler.stats.inc_value("finnews/errors/bad_list_payload")
        self.crawler.stats.inc_value("finnews/list_errors")
        self.left_unread(response.url)  # (an error page served with 200 passes: the next crawl reads the list again)
        self.logger.error("Bad list answer at %s: %s", response.url, error)

    def _list_read(self, response: Response, name: str, page: int, items: int, site_sized: bool = False) -> bool:
        """Note a list answer of ``items`` items. False when it is a blocked one: empty where the list had items
        before (only a first page tells: later pages end empty when the list does). A first page far shorter
        than before is reported (:meth:`first_page_shrunk`) and read."""
        key = self.list_key(response, name)
        if page == 1 and not items and self.emptied(key):
            return False
        if page == 1 and items:
            if site_sized:  # (a list page's length is the site's; an API's page is as long as asked)
                self.first_page_shrunk(response, key, items)
            else:
                self.remember_items(key)
            self.note_list_read(key)
        self.answered(response)
        return True

    def _api_entries(
        self, response: Response, parse: Callable[[str], ListAnswer], name: str, page: int, after_full_page: bool
    ) -> Generator[scrapy.Request, None, ListAnswer | None]:
        """A list API answer with its items as entries (article URL found), counted and noted; ``None``
        for a bad answer (logged), a changed one (reported) or a blocked one (its retry yielded, also for an
        empty page after a full one: ``after_full_page``)."""
        self.crawler.stats.inc_value("finnews/list_pages")
        try:
            # From its bytes, as a page is: JSON is UTF-8 whatever charset a header names (read by an ISO-8859-1
            # one, every title and summary came out as mojibake, silently).
            answer = parse(decoded(response))
        except ValueError as error:
            self._bad_list(response, error)
            return None
        answer.goes_on = after_full_page
        if answer.empty_inside() or not self._list_read(response, name, page, len(answer.items)):
            yield from self.refused(response, "empty_list")
            return None
        if page == 1 and not answer.items:
            # A rolling news list is never empty: an empty first page is the APIs' silent refusal (a
            # request without the headers they need) or a changed API, not a quiet day.
            detail = "the first page lists no item (refused without the headers the API needs, or changed)"
            self.layout_changed(response, "list_empty", detail)
            return None
        template = self.settings.get("EASTMONEY_ARTICLE_URL")
        entries = [column_entry(item, template) for item in answer.items]
        if entries and not any(e["url"] for e in entries):
            keys = sorted({k for item in answer.items for k in item})
            self.layout_changed(response, "api_item_fields", f"no item has code, url or uniqueUrl ({keys})")
            return None
        return ListAnswer(entries, answer.cursor, answer.total, answer.goes_on)

    def parse_list(
        self, response: Response, column: str, page: int, after_full_page: bool = False
    ) -> Iterator[scrapy.Request]:
        answer = yield from self._api_entries(response, _column_answer, f"columns:{column}", page, after_full_page)
        if answer is None:
            return
        if not answer.items:
            self.list_ended(response, f"columns:{column}")
        self.note_list(
            response,
            len(answer.items),
            f"page_index={page + 1}",
            first=_listed(answer.items[0]) if answer.items else None,
        )
        yield from self._follow(response, answer.items, page=page)
        full = answer.says_more(page, self.settings.getint("EASTMONEY_PAGE_SIZE"), COLUMN_DEPTH_SERVED.get(column))
        if self._more and self.page_on(response, f"columns:{column}", page, self._listed, full, self._max_pages()):
            yield self.column_request(column, page + 1, after_full_page=full)

    def parse_fast(
        self, response: Response, column: str, page: int, after_full_page: bool = False
    ) -> Iterator[scrapy.Request]:
        answer = yield from self._api_entries(response, parse_fast_payload, f"fast:{column}", page, after_full_page)
        if answer is None:
            return
        if not answer.items:
            self.list_ended(response, f"fast:{column}")
        cursor = f"sortEnd={answer.cursor}" if answer.cursor else None
        self.note_list(response, len(answer.items), cursor, first=_listed(answer.items[0]) if answer.items else None)
        yield from self._follow(response, answer.items, page=page)
        if answer.items and not answer.cursor:
            self.layout_changed(response, "api_cursor", "no realSort on the last item and no data.sortEnd")
            return
        full = answer.says_more(page, self.settings.getint("EASTMONEY_PAGE_SIZE"))
        if self._more and self.page_on(response, f"fast:{column}", page, self._listed, full, self._max_pages()):
            yield self.fast_request(column, answer.cursor, page + 1, after_full_page=full)

    def parse_list_page(
        self, response: Response, page: int, listed: tuple[int, int] | None = None
    ) -> Iterator[scrapy.Request]:
        """An HTML list page; ``listed``: how many entries the list's first page and the page before this one gave
        (an empty page after a full one is no end: :meth:`list_ran_out`)."""
        self.crawler.stats.inc_value("finnews/list_pages")
        now = datetime.now(SHANGHAI)
        entries = parse_list_page(decoded(response), response.url)
        name = str(response.meta.get(SOURCE_META) or f"pages:{list_page_name(response.url)}")
        if not entries and page > 1 and not self.list_ran_out(listed):
            self.list_page_empty(response, page, name)
            return
        if not self._list_read(response, name, page, len(entries), site_sized=True):
            yield from self.refused(response, "empty_list")
            return
        if not entries:
            if page == 1:
                # A first list page always lists articles: none found is a page we cannot read.
                self.layout_changed(response, "list_page", "no article link on the list page")
            else:
                self.crawler.stats.inc_value("finnews/list_ends")
                self.list_ended(response, name)
                self.logger.info("No article links on %s (page %s): end of this list", response.url, page)
            return
        for entry in entries:
            entry["_shown"] = list_time(entry.pop("showTimeText"), now)
        if not any(entry["_shown"] for entry in entries):
            # Articles found but no time read: paging by date (since=) cannot work on this page.
            self.layout_changed(response, "list_times", "no list item shows a time we can read")
        following = next_list_page(response.url)
        counts = (listed[0] if listed else len(entries), len(entries))
        self.note_list(response, len(entries), following, first=_listed(entries[0]))
        yield from self._follow(response, entries, side_blocks=True, page=page)
        last = self.settings.getint("EASTMONEY_LIST_PAGES_MAX")
        if not following:
            self.list_ended(response, name)
        more = self._more and bool(following)
        if more and self.page_on(response, name, page, self._listed, True, min(self._max_pages(), last), last):
            yield response.follow(
                following,
                callback=self.parse_list_page,
                errback=self.on_list_page_error,
                cb_kwargs={"page": page + 1, "listed": counts},
                meta={SOURCE_META: response.meta.get(SOURCE_META)},
            )

    def on_list_page_error(self, failure: Failure) -> None:
        """A list page past the last one answers 404: the end of the list, not a failure."""
        if failure.check(HttpError) and failure.value.response.status == 404:
            self.crawler.stats.inc_value("finnews/list_ends")
            response = failure.value.response
            self.list_ended(response, str(response.meta.get(SOURCE_META) or f"pages:{list_page_name(response.url)}"))
            return
        self.on_error(failure)

    def read_article(self, html: str, url: str, listed: dict[str, Any] | None = None) -> RawArticle:
        listed = listed or {}
        try:
            raw = parse_article_page(html, url)
        except NotAnArticleError:
            # No known body container: a redesigned page still yields its article through the generic
            # main-content path (reported as a layout change by the base spider), else it is no article.
            raw = with_page_signals(generic_article(html, url, "eastmoney"))
        # The list entry knows the title, time and outlet even when a page layout hides them.
        raw.title = raw.title or listed.get("title") or title_of_summary(listed.get("summary")) or None
        listed_at = parse_datetime(str(listed.get("showTime") or ""))
        if raw.published_at is None or (raw.published_from_code and listed_at is not None):
            raw.published_at = listed_at or raw.published_at
        elif listed_at is not None and raw.published_at == listed_at.replace(second=0, microsecond=0):
            # The 2026 page shows the minute, the list the second: flashes of one minute keep their order
            # (a real 7×24 answer crawled end to end, day 18: 21:50:25 was indexed as 21:50:00).
            raw.published_at = listed_at
        raw.media = raw.media or listed.get("mediaName") or None
        raw.digest = raw.digest or listed.get("summary") or None
        raw.listed_securities = list(listed.get("stockList") or [])
        return raw


_SUMMARY_HEAD_RE = re.compile(r"^\s*【([^】]{2,80})】")
_FIRST_SENTENCE_RE = re.compile(r"^\s*(.{4,80}?)[。！？!?]")


def title_of_summary(summary: Any) -> str | None:
    """The title of a 7×24 flash listed without one (sites.md: items with an empty ``title`` exist): its
    summary's 【head】, else the summary's first sentence (the listed summary is text: plain_summary)."""
    text = str(summary or "").strip()
    found = _SUMMARY_HEAD_RE.match(text) or _FIRST_SENTENCE_RE.match(text)
    if found:
        return found.group(1).strip()
    return text[:80] or None


def _column_answer(body: str) -> ListAnswer:
    data = _data(_payload(body), "list")
    return ListAnswer(_items(data, "list"), total=_count(data.get("totle_hits")))


def _count(value: Any) -> int | None:
    """A count the API gives as a number or a numeric string; None for anything else."""
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e999 reads as infinity
        return None


def _listed(entry: dict[str, Any]) -> dict[str, Any]:
    """What the article callback keeps of a list entry (plain JSON values: JOBDIR pickles requests)."""
    shown = entry.get("_shown")
    return {
        "title": entry.get("title"),
        "showTime": shown.isoformat() if isinstance(shown, datetime) else entry.get("showTime"),
        "mediaName": entry.get("mediaName"),
        "summary": entry.get("summary") or entry.get("digest"),
        "stockList": listed_secids(entry.get("stockList")),
    }


# At most this many of a list item's tags are kept (a flash tags a handful; a list of thousands is no tagging).
_LISTED_SECIDS_KEPT = 100


def listed_secids(value: Any) -> list[str]:
    """A 7×24 item's ``stockList`` (secids such as ``"90.BK0428"``, ``"105.AMZN"``) as strings: the site's own tags
    of the article. Anything but a list of strings keeps what strings it holds (an answer of another shape is
    counted by the list's readers, not here)."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()][:_LISTED_SECIDS_KEPT]
