"""A local replica of the China.org / china.com.cn finance and tech channels, for the tests of the
``chinaorg`` spider: a finance column list (``/news/column.php?cname=证券要闻&p=N``, ``ul.news_list``),
a tech channel list (``/internet/``, ``div.htabx`` … ``h3.hsTit3``), the finance column as its channel's script
list (``/news/more_news.php?callback=…&cnl=stock&index=0&page=N``, JSONP of the items' HTML) and article pages.

The pages follow the real sites' furniture as the project's notes describe it: the current ``.shtml``
template (``div.wrap.c.top`` header with ``span.time2``, ``#fontzoom`` body with 　　-indented
paragraphs and the ``div.bianj`` editor line, related links and the copyright footer after the body)
and the older template (``#pubtime_baidu`` / ``#source_baidu``, ``#content``). Some pages are served
the way the real sites serve them and trip up naive crawlers: GBK bytes with a GBK charset, GBK bytes
whose meta says UTF-8 (and no charset in the HTTP header), and a page declared GB2312 that uses GBK
characters outside GB2312. A dead link (404), a withdrawn article (200 without an article body) and a
special-topic link sit among the list entries. An article may be split over pages
(``content_{id}_2.htm`` …) or have moved (its list link answers 301), and a test may make any path
answer 500. The article texts are written for the replica.

One server stands in for every host (finance., tech., www.china.com.cn …): paths are the real ones,
links on the list pages point at the local server (``base_url``).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from replica.chinaorg_articles import (
    ARTICLE_PATH_RE,
    ARTICLES,
    FINANCE_COLUMN,
    TECH_CHANNEL,
    WITHDRAWN_PATH,
    ChinaOrgArticle,
)
from replica.chinaorg_pages import (
    NOT_FOUND_PAGE,
    PORTAL_PAGE,
    WITHDRAWN_PAGE,
    channel_path,
    render_article,
    render_channel_page,
    render_column_page,
    render_script_list,
)
from replica.refusing import HTML, Blocking, ServedSite

# A list page rebuilt to draw its items by script from an API: no article link in the HTML.
SCRIPT_LIST_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>证券要闻_中国网财经</title></head>
<body><div id="newsList" data-api="/api/news/list?cname=zqyw"></div><script src="/js/list.js"></script></body></html>"""


class ChinaOrgSite(ServedSite):
    """The replica's content and the counts of what was requested (tests assert on them); served by
    :class:`replica.site.ReplicaServer` like the Eastmoney replica."""

    def __init__(
        self,
        articles: tuple[ChinaOrgArticle, ...] = ARTICLES,
        robots: str = "User-agent: *\nAllow: /\n",
        blocking: Blocking | None = None,  # how it refuses a crawler (replica.refusing.BLOCKING_MODES)
        articles_form: str = "2020",  # 2020 (the .shtml and older templates), 2024 or drifted (render_article)
        lists_form: str = "2020",  # 2020, or drifted: list pages that link no article (a script-built list)
    ) -> None:
        super().__init__(robots, blocking)
        self.articles_form = articles_form
        self.lists_form = lists_form
        self.articles = list(articles)
        self.by_path = {a.path: a for a in self.articles}
        # Every page of every article: path -> (article, page number).
        self.pages = {a.page_path(n): (a, n) for a in self.articles for n in range(1, a.pages + 1)}
        self.moved = {a.moved_from: a.path for a in self.articles if a.moved_from}  # old path -> new (301)
        # Paths that answer 500 (the server failing) until a test takes them out again.
        self.broken: set[str] = set()

    def listed(self, channel: str, page: int) -> list[ChinaOrgArticle]:
        return [a for a in self.articles if a.channel == channel and a.list_page == page]

    def article_requests(self) -> int:
        """Fetches of article-shaped paths (the dead link and the withdrawn article included)."""
        return sum(n for path, n in self.requests.items() if ARTICLE_PATH_RE.match(path))

    def handle(
        self, path: str, query: dict[str, list[str]], base_url: str, headers: Mapping[str, str] | None = None
    ) -> tuple:
        """Answer one GET; ``requests`` counts it under its path and query (list pages differ by query)."""
        pairs = sorted((name, value) for name, values in query.items() for value in values)
        served = self.count(f"{path}?{urlencode(pairs)}" if pairs else path, path)
        answer = self.common_answer(path, served, base_url, headers)
        if answer is not None:
            return answer
        emptied = self.blocking.active("empty_list", served)
        if path == "/news/column.php":
            cname = query.get("cname", [""])[0]
            number = query.get("p", ["1"])[0]
            page = int(number) if number.isdigit() and int(number) > 0 else 1  # as the site: junk means page 1
            listed = self.listed(FINANCE_COLUMN, page) if cname == FINANCE_COLUMN and not emptied else []
            body = render_column_page(listed, cname, page, base_url, extras=not emptied)
            if self.lists_form == "drifted":
                body = SCRIPT_LIST_PAGE
            return 200, "text/html; charset=utf-8", body.encode()
        if path == "/news/more_news.php":  # the finance column's articles, as its channel's script lists them
            number = query.get("page", ["1"])[0]
            page = int(number) if number.isdigit() and int(number) > 0 else 1
            listed = [] if emptied else self.listed(FINANCE_COLUMN, page)
            callback = query.get("callback", [""])[0] or None
            return 200, "application/javascript; charset=utf-8", render_script_list(listed, callback, base_url).encode()
        last_page = max((a.list_page for a in self.articles if a.channel == TECH_CHANNEL), default=1)
        for page in range(1, last_page + 1):
            if path == channel_path(page):
                listed = [] if emptied else self.listed(TECH_CHANNEL, page)
                body = render_channel_page(listed, page, last_page, base_url)
                if self.lists_form == "drifted":
                    body = SCRIPT_LIST_PAGE
                return 200, "text/html; charset=utf-8", body.encode()
        if path == WITHDRAWN_PATH:
            return 200, "text/html; charset=utf-8", WITHDRAWN_PAGE.encode()
        if path in self.moved:
            return 301, HTML, b"", {"Location": f"{base_url}{self.moved[path]}"}
        if path in self.broken:
            return 500, HTML, b"<html><body><h1>500 Internal Server Error</h1></body></html>"
        if path in self.by_path and self.blocking.active("not_articles", served):
            return 200, HTML, PORTAL_PAGE.encode("utf-8")
        if path in self.pages:
            article, page = self.pages[path]
            content_type, body = render_article(article, self.articles_form, page)
            return 200, content_type, body
        return 404, "text/html; charset=utf-8", NOT_FOUND_PAGE.encode()
