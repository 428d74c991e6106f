"""China.org / china.com.cn finance and tech channels: list pages, paged back, then each article page.

Many of these pages are GBK, and some declare a charset they are not in, so every page is decoded
with :func:`crawler.spiders.base.decoded` rather than trusted to Scrapy's ``response.text``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from scrapy.selector import Selector

from core.article import RawArticle
from core.dates import SHANGHAI
from core.jsontext import jsonp_payload
from core.urls import is_china_org_host, url_list
from crawler.blocking import SOURCE_META
from crawler.items import ArticleItem
from crawler.listing import find_listed_articles, list_time
from crawler.spiders.base import GONE_FOR_GOOD, FinnewsSpider, decoded, failure_reason, generic_article
from tagging.pages.chinaorg import parse_article_page, with_page_signals
from tagging.pages.page import NotAnArticleError

# finance./tech.china.com.cn/{section}/YYYYMMDD/{id}.shtml, where the section may have several
# levels (/stock/zqyw/, /stock/ssgs/: the channels of the finance columns crawled by default; the
# public rule is finance.china.com.cn/\S+/\d{8}/\d+.shtml, ../shared/reference/sites.md 3.1), and
# …/YYYY-MM/DD/content_{id}.htm|.shtml (news.china.com.cn, www.china.org.cn/chinese/…). Photo
# galleries (/roll/photo/…) have a caption, not an article: not followed.
# Section names may be capitalised (the English site's /china/Off_the_Wire/…, sites.md 3.4).
_ARTICLE_PATH_RE = re.compile(
    r"^(?:(?:/[A-Za-z0-9_]+)+/\d{8}/\d+\.shtml|(?:/[A-Za-z0-9_]+)*/\d{4}-\d{2}/\d{2}/content_\d+\.(?:htm|html|shtml))$"
)
_PHOTO_SEGMENT = "/photo/"
# A page of an article split over several: …/content_{id}_{n}.htm (n from 2), linked from the
# article's #autopage pager (../shared/reference/sites.md 3.2).
_CONTENT_PAGE_RE = re.compile(r"/content_(?P<id>\d+)(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")
MAX_ARTICLE_PAGES = 20
_CLASS = 'contains(concat(" ", normalize-space(@class), " "), " {} ")'


@dataclass
class ListEntry:
    href: str  # as written on the list page (may be relative)
    listed_at: datetime | None  # the time the list shows, if it shows one


@dataclass
class ListPage:
    entries: list[ListEntry]  # every listed link, article or not
    next_href: str | None
    # The page numbers the page's pager names (div.pg's 1 2 3, a numbered ul.page): a page past the list's end
    # names only pages before it (:meth:`ChinaOrgSpider.past_the_end`).
    pages_named: tuple[int, ...] = ()


_NEXT_TEXTS = ("下一页", "下页", "下一頁", "next", "Next", ">", "›", "»")
_BACK_TEXTS = ("首页", "上一页", "上页", "上一頁", "第一页", "prev", "Prev", "<", "‹", "«")


def next_article_page(html: str, url: str) -> str | None:
    """The next page of a multi-page article, when the page links it: content_{id}.htm links
    content_{id}_2.htm, content_{id}_2.htm links content_{id}_3.htm (any other link is not it)."""
    here = _CONTENT_PAGE_RE.search(urlsplit(url).path)
    if here is None:
        return None
    wanted = f"content_{here.group('id')}_{int(here.group('n') or 1) + 1}."
    for href in Selector(text=html or "<html></html>").xpath("//a/@href").getall():
        target = urljoin(url, href.strip())
        if wanted in urlsplit(target).path and _CONTENT_PAGE_RE.search(urlsplit(target).path):
            return target
    return None


def scripted_list_html(body: str) -> str | None:
    """The HTML a channel's script list carries: ``more_news.php`` answers a JSONP call (or a bare ``(…)``)
    whose payload is a JSON *string* of the items' HTML (``div.c > h3 > a``; sites.md 3.3, PROVENANCE.md C);
    ``None`` when ``body`` is not such an answer."""
    text = body.strip()
    if not text or text[0] == "<":
        return None
    try:
        payload = json.loads(jsonp_payload(text))
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, str) else None


def _next_page_of_query(url: str) -> str | None:
    """``…more_news.php?cnl=stock&index=0&page=2`` → ``…&page=3``: a script list is paged by its query."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for position, (name, value) in enumerate(query):
        if name in ("page", "p") and value.isdigit():
            query[position] = (name, str(int(value) + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    return None


# The hosts whose lists' scripts (column.php, live.php, my.php, more_news.php) are served by an app. host
# (sites.md 3.3, PROVENANCE.md C): the finance channels (money., stock., consume. and energy. are linked instead
# of finance.china.com.cn/{money,stock,…} now) by app.finance., tech. by app.tech.
_SCRIPT_HOSTS = {
    "finance.china.com.cn": "app.finance.china.com.cn",
    "money.china.com.cn": "app.finance.china.com.cn",
    "stock.china.com.cn": "app.finance.china.com.cn",
    "consume.china.com.cn": "app.finance.china.com.cn",
    "energy.china.com.cn": "app.finance.china.com.cn",
    "tech.china.com.cn": "app.tech.china.com.cn",
}


def next_list_url(list_url: str, href: str) -> str:
    """The next list page a pager links: a relative link to a script (``/news/column.php?…&p=2``) on a
    finance or tech channel's own host (finance.china.com.cn/stock/zqyw/index.shtml) is served by its ``app.``
    host, as crawlers of those lists prefix it (sites.md 3.3, PROVENANCE.md C); any other link as written."""
    parts = urlsplit(list_url)
    script_host = _SCRIPT_HOSTS.get((parts.hostname or "").lower())
    linked = urlsplit(href)
    if script_host and not linked.netloc and href.startswith("/") and linked.path.endswith(".php"):
        return urljoin(f"{parts.scheme}://{script_host}/", href)
    return urljoin(list_url, href)


def parse_list_page(html: str, base_url: str = "", now: datetime | None = None) -> ListPage:
    """A list page's articles, found by their links (:mod:`crawler.listing`): a finance column list
    (``ul.news_list``), a tech channel list (``div.htabx`` … ``h3.hsTit3``) or a template nobody has
    described yet, each entry with the time its item shows (a time without its year, ``11-23 10:20``,
    is put in the latest year that is not in the future of ``now``). The next page: the link that
    says 下一页, else the known pagers (``div.pg a.nxt``, ``ul.page li[2]`` unless that item is the
    first or the previous page: with a 首页/上一页 pager it points back)."""
    now = now or datetime.now(SHANGHAI)
    scripted = scripted_list_html(html)
    html = scripted if scripted is not None else html
    listed = find_listed_articles(html, base_url, lambda url: is_article_url(url, base_url or url))
    entries = [ListEntry(e.url, list_time(e.time_text, now) if e.time_text else None) for e in listed]
    page = Selector(text=html or "<html></html>")
    said_next = next(
        (link.attrib.get("href") for link in page.css("a[href]") if _link_text(link) in _NEXT_TEXTS),
        None,
    )
    second_item = page.xpath(f"//ul[{_CLASS.format('page')}]/li[2]/a")
    positional = (
        second_item.attrib.get("href") if second_item and _link_text(second_item[0]) not in _BACK_TEXTS else None
    )
    next_href = (
        said_next or page.xpath(f"//div[{_CLASS.format('pg')}]//a[{_CLASS.format('nxt')}]/@href").get() or positional
    )
    if scripted is not None and not next_href and entries:
        next_href = _next_page_of_query(base_url)  # a script list has no pager: the next page is asked for
    return ListPage(entries, next_href.strip() if next_href and next_href.strip() else None, pager_numbers(page))


# The class or id tokens of a list's pager (div.pg on tech.china.com.cn, ul.page on app.finance.china.com.cn).
_PAGER_TOKENS = ("pg", "page", "pages", "pager", "paging", "pagination")


def pager_numbers(page: Selector) -> tuple[int, ...]:
    """The page numbers a list page's pager names (its links and its current page, ``<strong>2</strong>``)."""
    tokens = " or ".join(
        f'contains(concat(" ", normalize-space(@{attribute}), " "), " {token} ")'
        for attribute in ("class", "id")
        for token in _PAGER_TOKENS
    )
    # (the innermost element so named: a wrapper of the whole page with id "page" holds every number of the page)
    texts = page.xpath(f"//*[{tokens}][not(descendant::*[{tokens}])]//text()").getall()
    return tuple(sorted({int(text.strip()) for text in texts if text.strip().isdigit() and len(text.strip()) < 7}))


def _link_text(link: Selector) -> str:
    return "".join(link.css("::text").getall()).strip()


def is_article_url(url: str, list_url: str) -> bool:
    """An article page of the sites: the URL has an article path and a china.com.cn / china.org.cn
    host, or the list page's own host (a mirror or the local replica serves the sites' paths)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _ARTICLE_PATH_RE.match(parts.path):
        return False
    if _PHOTO_SEGMENT in parts.path:
        return False
    return is_china_org_host(parts.hostname) or parts.netloc == urlsplit(list_url).netloc


class ChinaOrgSpider(FinnewsSpider):
    """Each start URL is a list (CHINAORG_START_URLS), paged back up to max_pages, until a page lists
    no article or only articles already indexed; every listed article page goes through the pipelines."""

    name = "chinaorg"
    own_layout = "layout:chinaorg"

    max_pages_setting = "CHINAORG_MAX_PAGES"

    def _list_request(self, url: str, page: int, source: str, listed: tuple[int, int] | None = None) -> scrapy.Request:
        """A list page; ``listed``: how many articles the list's first page and the page before this one listed."""
        cb_kwargs: dict[str, Any] = {"page": page}
        if listed is not None:
            cb_kwargs["listed"] = listed
        return scrapy.Request(
            url, callback=self.parse_list, errback=self.on_error, cb_kwargs=cb_kwargs, meta={SOURCE_META: source}
        )

    def list_requests(self) -> Iterator[scrapy.Request]:
        for url in url_list(self.settings.get("CHINAORG_START_URLS")):
            if url.strip():
                # The source is the start URL: a column or channel, with the articles it lists.
                yield self._list_request(url.strip(), 1, f"list:{url.strip()}")

    def parse_list(
        self, response: Response, page: int, listed: tuple[int, int] | None = None
    ) -> Iterator[scrapy.Request]:
        stats = self.crawler.stats
        stats.inc_value("finnews/list_pages")
        listing = parse_list_page(decoded(response), response.url)
        article_urls = [(entry.href, entry.listed_at) for entry in listing.entries]
        key = self.list_key(response, str(response.meta.get(SOURCE_META) or response.url))
        if page == 1 and not article_urls and self.emptied(key):
            # The column had articles on an earlier crawl and now lists none: refused, not ended.
            yield from self.refused(response, "empty_list")
            return
        if page == 1 and article_urls:
            self.first_page_shrunk(response, key, len(article_urls))
            self.note_list_read(key)
        if not article_urls and page > 1 and not self.past_the_end(listing, page, listed):
            self.list_page_empty(response, page, str(response.meta.get(SOURCE_META) or response.url))
            return
        self.answered(response)
        if not article_urls:
            if page == 1:
                # A first list page always lists articles: none found is a page we cannot read.
                self.layout_changed(response, "list_page", "no article link on the list page")
            else:
                self.list_ended(response, str(response.meta.get(SOURCE_META) or response.url))
                self.logger.info("No article links on %s (page %s): end of this list", response.url, page)
            return
        following = next_list_url(response.url, listing.next_href) if listing.next_href else None
        first_url, first_time = article_urls[0]
        self.note_list(response, len(article_urls), following, first={"url": first_url, "showTime": str(first_time)})
        for url, listed_at in article_urls[: 1 if self.checking else None]:
            yield self.article_request(response, url, listed_at=listed_at)
        urls = [response.urljoin(url) for url, _ in article_urls]
        if self.repeats_earlier_pages(response, page, urls):
            return
        if self.all_seen(urls, key):
            # Lists are newest first: a page of articles already indexed means the rest were crawled before.
            stats.inc_value("finnews/list_pages_fully_seen")
            self.logger.info("Every article on %s is already indexed: not paging further", response.url)
            return
        name = str(response.meta.get(SOURCE_META) or response.url)
        if not following:
            self.list_ended(response, name)
        if following and self.page_on(response, name, page, urls, True, self._max_pages()):
            first_listed = listed[0] if listed else len(article_urls)
            yield self._list_request(
                following, page + 1, response.meta.get(SOURCE_META), (first_listed, len(article_urls))
            )

    @staticmethod
    def past_the_end(listing: ListPage, page: int, listed: tuple[int, int] | None) -> bool:
        """Whether a later list page ``page`` that lists no article is past its list's end: its pager names only
        pages before it, or the page before it was short (fewer than half the articles of the list's first page:
        the list ran out there; the column pager keeps offering a next page after the last, which is simply
        empty, and a script list has no pager). An empty page its pager names, or after a full page, is not the
        end: an empty or cut-off answer (200) in the middle of a list ended it, and what lay beyond was never read
        while the crawl was clean (review of day 23; sites.md 3.3 for the pagers)."""
        if listing.pages_named:
            return max(listing.pages_named) < page
        return FinnewsSpider.list_ran_out(listed)

    def parse_article(self, response: Response, **listed: Any) -> Iterator[ArticleItem | scrapy.Request]:
        """An article page; an article split over several pages waits for the others (fetched one
        after the other, their bodies added to the first's) before it goes down the pipelines."""
        for result in super().parse_article(response, **listed):
            following = next_article_page(decoded(response), response.url) if isinstance(result, ArticleItem) else None
            if following:
                yield self._part_request(following, result, 2, response)
            else:
                yield result

    def _part_request(self, url: str, item: ArticleItem, page: int, response: Response) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_article_part,
            errback=self.on_part_error,
            cb_kwargs={"item": item, "page": page},
            meta={SOURCE_META: response.meta.get(SOURCE_META)},  # not an article of its own: never "seen"
        )

    def parse_article_part(self, response: Response, item: ArticleItem, page: int) -> Iterator[Any]:
        """Page ``page`` of a multi-page article: its body added to the article's, then the next page
        or, after the last, the whole article."""
        self.crawler.stats.inc_value("finnews/article_page_parts")
        html = decoded(response)
        try:
            part = parse_article_page(html, response.url)
        except NotAnArticleError:
            # A page without the body container (an error page served with 200): what came so far is
            # the article, as whole as it will get.
            self.part_missing(item, "not_an_article", response.url, for_good=True)
            yield item
            return
        if part.body_html:
            item.raw.body_html = f"{item.raw.body_html or ''}\n{part.body_html}"
            if item.raw.body_tree is not None and part.body_tree is not None:
                # The clean text is walked from the tree when there is one (tagging.extract.clean_raw).
                item.raw.body_tree.append(part.body_tree)
            following = next_article_page(html, response.url)
            if following and page < MAX_ARTICLE_PAGES:
                yield self._part_request(following, item, page + 1, response)
                return
        yield item

    def on_part_error(self, failure: Any) -> Iterator[ArticleItem]:
        """A later page that could not be fetched: the article goes on with the pages it has."""
        item = failure.request.cb_kwargs["item"]
        reason = failure_reason(failure)
        self.part_missing(item, reason, failure.request.url, for_good=reason in GONE_FOR_GOOD)
        yield item

    def part_missing(self, item: ArticleItem, reason: str, url: str, for_good: bool = False) -> None:
        """A later page of ``item`` that did not come: the article is indexed with the pages before
        it. A page that may come next time (5xx, a timeout) marks it incomplete, so that it is not
        remembered as seen and the next crawl fetches it whole (pipelines/index.py); one gone for good
        (404, 410, a page that is no article) does not, or it would be fetched again every crawl.
        Counted, and listed with the page's URL."""
        item.incomplete = item.incomplete or not for_good
        if not for_good:
            self.left_unread(url)
        self.crawler.stats.inc_value("finnews/errors/article_page_part")
        self.list_failure(f"article_page_part {reason}", url)
        self.logger.warning(
            "A later page of %s failed (%s: %s): indexed with the pages before it%s",
            item.fetched_url, reason, url, "" if for_good else ", fetched again next crawl",
        )  # fmt: skip

    def read_article(self, html: str, url: str, listed_at: datetime | None = None) -> RawArticle:
        try:
            raw = parse_article_page(html, url)
        except NotAnArticleError:
            # No known body container: the generic main-content path (reported as a layout change).
            raw = with_page_signals(generic_article(html, url, "chinaorg"))
        # Some older pages show no publish time where the parser looks; the list shows one, to the minute,
        # where the page gave only its URL's date.
        if raw.published_at is None or (raw.published_from_code and listed_at is not None):
            raw.published_at = listed_at or raw.published_at
        return raw
