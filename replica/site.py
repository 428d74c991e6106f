"""A local replica of Eastmoney for tests and the demo: article pages in the current ``txtinfos``
layout and the ``getNewsByColumns`` list API, built from real articles kept as Jekyll posts.

The page furniture follows what public crawlers rely on (see the project's notes on the real pages):
``<title>标题_东方财富网</title>``, ``#topbox`` with ``div.title`` and ``div.infos`` (``<div class="
item">`` time, then 来源), ``div.txtinfos#ContentBody`` opened by ``<!--文章主体-->``, promotional
paragraphs inside the body, the mid-body ad slot, and the ``sourcebox``/郑重声明 block after it.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from tagging.article import RawArticle
from tagging.dates import SHANGHAI
from tagging.jekyll import parse_jekyll_post
from tagging.urls import eastmoney_article_code

DATA_DIR = Path(__file__).resolve().parent / "data" / "eastmoney"


@dataclass
class ReplicaArticle:
    code: str
    raw: RawArticle


def load_articles(directory: Path = DATA_DIR) -> list[ReplicaArticle]:
    """The replica's articles, newest first."""
    articles = []
    for path in sorted(directory.glob("*.md")):
        raw = parse_jekyll_post(path.read_text(encoding="utf-8"))
        code = eastmoney_article_code(raw.url) or path.stem
        articles.append(ReplicaArticle(code, raw))
    articles.sort(key=lambda a: (a.raw.published_at is not None, a.raw.published_at), reverse=True)
    return articles


def synthetic_articles(count: int, base: list[ReplicaArticle] | None = None) -> list[ReplicaArticle]:
    """``count`` distinct articles made from the real ones (new codes, titles and times), newest
    first: a site of any size for crawl tests and benchmarks."""
    base = base or load_articles()
    start = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
    made = []
    for number in range(count):
        source = base[number % len(base)].raw
        published = start - timedelta(minutes=7 * number)
        code = f"{published:%Y%m%d}{9_000_000_000 + number:010d}"
        raw = replace(source, title=f"{source.title}（之{number + 1}）", published_at=published)
        made.append(ReplicaArticle(code, raw))
    return made


def render_article_page(article: ReplicaArticle) -> str:
    raw = article.raw
    title = html.escape(raw.title or "")
    shown = raw.published_at.strftime("%Y年%m月%d日 %H:%M") if raw.published_at else ""
    media = html.escape(raw.media or "东方财富网")
    digest = html.escape(raw.digest or "", quote=True)
    canonical = f"http://finance.eastmoney.com/a/{article.code}.html"
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}_东方财富网</title>
<meta name="keywords" content="{title}">
<meta name="description" content="{digest}">
<link rel="canonical" href="{canonical}">
<link rel="stylesheet" href="/newsstatic/css/article.css">
<script>var ArticleCode = "{article.code}"; var _hmt = _hmt || [];</script>
</head>
<body>
<div class="topnav"><a href="http://www.eastmoney.com/">东方财富网</a> &gt; <a href="http://finance.eastmoney.com/">财经频道</a> &gt; <span>正文</span></div>
<div class="contentbox">
  <div class="mainleft">
    <div class="zwinfos">
      <div id="topbox">
        <div class="title">{title}</div>
        <div class="sublab"></div>
        <div class="tipbox">
          <div class="infos">
            <div class=" item">{shown}</div>
            <div class="item">来源：{media}</div>
          </div>
          <div class="zwtools"><a href="javascript:;" class="share">分享</a> <a class="cmt" href="#">评论</a></div>
        </div>
      </div>
      <div class="abstract"><div class="b-review">{html.escape(raw.digest or "")}</div></div>
      <div class="txtinfos" id="ContentBody" style="margin-top:0;">
<!--文章主体-->
<p>　　<a class="toplink" target="_blank" href="https://ai.eastmoney.com/">全新妙想投研助理，立即体验</a></p>
{raw.body_html or ""}
<p style="display:none;height:1px;"><br/></p>
<p>　　在东方财富看资讯行情，选东方财富证券一站式开户交易&gt;&gt;</p>
<!-- 正文中部 内嵌广告 -->
<div class="ad_context3"><a href="https://acttg.eastmoney.com/pub/web_act"><img src="https://np-newspic.dfcfw.com/download/ad.jpg" class="em_handle_adv_close" /></a></div>
      </div>
      <div class="sourcebox"> 文章来源：{media} 郑重声明：东方财富发布此内容旨在传播更多信息，与本站立场无关，不构成投资建议。据此操作，风险自担。</div>
      <div class="hotread"><div class="hd">热点阅读</div><ul><li><a href="/a/202205302396000001.html">A股三大指数集体收涨</a></li></ul></div>
    </div>
  </div>
  <div class="mainright"><div class="rank"><div class="hd">24小时点击排行</div><ol><li><a href="/a/202205302396000002.html">央行：保持流动性合理充裕</a></li></ol></div></div>
</div>
<div class="footer">郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关。 沪ICP证:沪B2-20070217</div>
<script src="/newsstatic/js/article.js"></script>
</body>
</html>
"""


LIST_PAGE_RE = re.compile(r"/a/(c[a-z]{3,5})(?:_(\d+))?\.html")  # /a/cywjh.html (资讯精华), /a/ccjdd.html …
LIST_PAGE_SIZE = 20


def real_sort(article: ReplicaArticle) -> str:
    """A ``realSort`` that falls with age, as the 7×24 API's does."""
    stamp = int(article.raw.published_at.timestamp()) if article.raw.published_at else 0
    return f"{stamp}{int(article.code[-6:]):06d}"


def fast_payload(articles: list[ReplicaArticle], query: dict[str, list[str]]) -> dict:
    """A ``getFastNewsList`` answer: items older than ``sortEnd`` (all when empty), newest first."""
    if not query.get("req_trace"):
        return {"code": "-1", "message": "Required field req_trace", "data": None}
    sort_end = (query.get("sortEnd") or [""])[0]
    size = int((query.get("pageSize") or ["20"])[0])
    ordered = sorted(articles, key=real_sort, reverse=True)
    older = [a for a in ordered if not sort_end or int(real_sort(a)) < int(sort_end)][:size]
    items = [
        {
            "code": a.code,
            "title": a.raw.title,
            "summary": a.raw.digest or "",
            "showTime": a.raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if a.raw.published_at else "",
            "realSort": real_sort(a),
            "stockList": [],
        }
        for a in older
    ]
    return {
        "code": "1",
        "message": "success",
        "data": {"fastNewsList": items, "sortEnd": items[-1]["realSort"] if items else ""},
    }


def render_list_page(articles: list[ReplicaArticle], base_url: str, slug: str, page: int) -> str | None:
    """An HTML list page (``#newsListContent``, 20 items, ``MM月dd日 HH:mm`` times); ``None`` past the end."""
    start = (page - 1) * LIST_PAGE_SIZE
    chosen = articles[start : start + LIST_PAGE_SIZE]
    if page > 1 and not chosen:
        return None
    items = "".join(
        f'''<li id="newsTr{index}"><div class="text text-no-img">
<p class="title"><a href="{base_url}/a/{a.code}.html" target="_blank">{html.escape(a.raw.title or "")}</a></p>
<p class="info" title="{html.escape(a.raw.digest or "", quote=True)}">{html.escape((a.raw.digest or "")[:60])}</p>
<p class="time">{a.raw.published_at.strftime("%m月%d日 %H:%M") if a.raw.published_at else ""}</p></div></li>'''
        for index, a in enumerate(chosen)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>资讯精华_东方财富网</title></head><body>
<div class="mainCont"><ul id="newsListContent">{items}</ul>
<div class="pagerbox"><a href="/a/{slug}_{page + 1}.html">下一页</a></div></div></body></html>"""


def list_payload(articles: list[ReplicaArticle], base_url: str, page: int, size: int) -> dict:
    """A ``getNewsByColumns`` answer: ``data.list`` items with code, title, showTime, mediaName, url."""
    start = (page - 1) * size
    chosen = articles[start : start + size]
    items = [
        {
            "code": a.code,
            "title": a.raw.title,
            "summary": a.raw.digest or "",
            "showTime": a.raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if a.raw.published_at else "",
            "mediaName": a.raw.media or "",
            "url": f"{base_url}/a/{a.code}.html",
            "uniqueUrl": f"{base_url}/a/{a.code}.html",
            "np_dst": "CMS",
            "realSort": f"{a.code}{index:03d}",
            "image": "",
        }
        for index, a in enumerate(chosen)
    ]
    return {
        "code": "1",
        "message": "success",
        "data": {"page_index": page, "page_size": size, "totle_hits": len(articles), "list": items},
    }


# --- refusing a crawler ------------------------------------------------------------------------------
# How the sites refuse crawlers (users of public Eastmoney tools report each): a list answered valid
# but empty, a slider captcha page served with 200, 403/429/451 with Retry-After, a redirect to a login
# page, pages that are not what was asked for. Each replica serves them when told to.

BLOCKING_MODES = ("empty_list", "captcha", "http_403", "http_429", "http_451", "login_redirect", "not_articles")
LOGIN_PATH = "/passport/login"
HTML = "text/html; charset=utf-8"

CAPTCHA_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证</title>
<link rel="stylesheet" href="/verify/nc.css"></head><body>
<div class="verify-wrap"><h2>访问过于频繁</h2><p>您的访问过于频繁，请完成下方安全验证后继续访问。</p>
<div id="nc_1_wrapper" class="nc-container"><div id="nc_1_n1t" class="nc_scale">
<span id="nc_1_n1z" class="nc_iconfont btn_slide">&gt;&gt;</span>
<div class="scale_text"><span class="nc-lang-cnt">请按住滑块，拖动到最右边</span></div></div></div></div>
<script src="/verify/nc.js"></script></body></html>"""

LOGIN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>登录 - 东方财富通行证</title></head><body>
<form action="/passport/login" method="post"><input name="username" placeholder="手机号/邮箱">
<input name="password" type="password"><button type="submit">登录</button></form></body></html>"""

# What a site serves where an article was asked for when it no longer serves articles to us: a portal
# page with links and no article body.
PORTAL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>财经频道_东方财富网</title></head><body>
<div class="topnav"><a href="http://www.eastmoney.com/">东方财富网</a> &gt; <a href="http://finance.eastmoney.com/">财经频道</a></div>
<div class="mainCont"><h2>要闻</h2><ul><li><a href="/a/cywjh.html">资讯精华</a></li><li><a href="/a/ccjdd.html">财经导读</a></li>
<li><a href="/a/cgnjj.html">国内经济</a></li></ul></div>
<div class="footer">郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关。</div></body></html>"""


@dataclass
class Blocking:
    """How a replica refuses a crawler; a test sets ``mode`` (one of :data:`BLOCKING_MODES`, or None
    to serve normally) and may switch it between crawls. The first ``after`` answers (robots.txt and
    the login page not counted) are served normally: a site refuses once a crawler got going."""

    mode: str | None = None
    after: int = 0
    retry_after: int | None = 1  # seconds, sent with the http_* refusals

    def __post_init__(self) -> None:
        if self.mode is not None and self.mode not in BLOCKING_MODES:
            raise ValueError(f"unknown blocking mode {self.mode!r}; use one of {', '.join(BLOCKING_MODES)}")

    def active(self, mode: str, served: int) -> bool:
        return self.mode == mode and served > self.after

    def refusal(self, served: int, path: str, base_url: str) -> tuple | None:
        """The answer that refuses any request (captcha, HTTP status, login redirect), or None."""
        if self.mode is None or served <= self.after:
            return None
        if self.mode == "captcha":
            return 200, HTML, CAPTCHA_PAGE.encode("utf-8")
        if self.mode.startswith("http_"):
            status = int(self.mode[5:])
            headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
            return status, HTML, f"<html><body><h1>{status}</h1><p>访问受限</p></body></html>".encode(), headers
        if self.mode == "login_redirect":
            return 302, HTML, b"", {"Location": f"{base_url}{LOGIN_PATH}?returnUrl={quote(path, safe='')}"}
        return None  # empty_list and not_articles: the site shapes those answers itself


class AnswerLog:
    """What a replica answered, when: (monotonic time, path, status). Tests read the spacing."""

    def __init__(self) -> None:
        self.entries: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()

    def add(self, path: str, status: int) -> None:
        with self.lock:
            self.entries.append((time.monotonic(), path, status))

    def times(self, predicate: Callable[[str], bool] | None = None) -> list[float]:
        with self.lock:
            return [t for t, path, _ in self.entries if predicate is None or predicate(path)]

    def statuses(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(path, status) for _, path, status in self.entries]


# Faulty pages a real site serves now and then; with ``faults=True`` the list API links to them.
FAULT_PAGES = ("missing", "error500", "slow", "loop", "empty", "truncated", "notarticle", "flaky")
GARBAGE_COLUMN = "999"  # a column whose list API answers garbage instead of JSON


class ReplicaSite:
    """The replica's content and the counts of what was requested (tests assert on them)."""

    def __init__(
        self,
        articles: list[ReplicaArticle] | None = None,
        robots: str = "User-agent: *\nAllow: /\n",
        faults: bool = False,
        slow_seconds: float = 3.0,
        article_delay: float = 0.0,
        blocking: Blocking | None = None,
    ) -> None:
        self.articles = articles if articles is not None else load_articles()
        self.by_code = {a.code: a for a in self.articles}
        self.robots = robots
        self.faults = faults
        self.slow_seconds = slow_seconds
        self.article_delay = article_delay
        self.blocking = blocking or Blocking()
        self.requests: Counter[str] = Counter()
        self.served = 0  # answers counted for Blocking.after
        self.answers = AnswerLog()
        self.lock = threading.Lock()

    def article_requests(self) -> int:
        return sum(n for path, n in self.requests.items() if path.startswith("/a/"))

    def handle(self, path: str, query: dict[str, list[str]], base_url: str) -> tuple[int, str, bytes]:
        with self.lock:
            self.requests[path] += 1
            counted = path not in ("/robots.txt", LOGIN_PATH)
            self.served += int(counted)
            served = self.served
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", self.robots.encode()
        if path == LOGIN_PATH:
            return 200, HTML, LOGIN_PAGE.encode("utf-8")
        refusal = self.blocking.refusal(served, path, base_url)
        if refusal is not None:
            return refusal
        emptied = self.blocking.active("empty_list", served)
        if path == "/comm/web/getNewsByColumns":
            if not query.get("req_trace"):
                body = {"code": "-1", "message": "req_trace is required", "data": None}
                return 200, "application/json; charset=utf-8", json.dumps(body).encode()
            if query.get("column") == [GARBAGE_COLUMN]:
                return 200, "application/json; charset=utf-8", b"<html>502 Bad Gateway</html>{"
            page = int(query.get("page_index", ["1"])[0])
            size = int(query.get("page_size", ["20"])[0])
            body = list_payload([] if emptied else self.articles, base_url, page, size)
            if self.faults and page == 1:
                body["data"]["list"] += [
                    {"code": name, "title": name, "showTime": "", "url": f"{base_url}/a/fault-{name}.html"}
                    for name in FAULT_PAGES
                ]
            return 200, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode()
        if path == "/comm/web/getFastNewsList":
            body = fast_payload([] if emptied else self.articles, query)
            return 200, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode()
        list_page = LIST_PAGE_RE.fullmatch(path)
        if list_page:
            page = int(list_page.group(2) or 1)
            html_page = render_list_page([] if emptied else self.articles, base_url, list_page.group(1), page)
            if html_page is None:
                return 404, "text/html; charset=utf-8", "<html><body><h1>404 页面不存在</h1></body></html>".encode()
            return 200, "text/html; charset=utf-8", html_page.encode("utf-8")
        if path in ("/rss.xml", "/atom.xml", "/sitemap.xml", "/sitemap-index.xml"):
            return 200, "application/xml; charset=utf-8", self.feed_document(path, base_url).encode("utf-8")
        if path.startswith("/a/fault-"):
            return self._fault(path[len("/a/fault-") : -len(".html")])
        if path.startswith("/a/") and path.endswith(".html"):
            article = self.by_code.get(path[3:-5])
            if article:
                time.sleep(self.article_delay)  # the network's latency, as the crawler sees it
            if article and self.blocking.active("not_articles", served):
                return 200, HTML, PORTAL_PAGE.encode("utf-8")
            if article:
                return 200, "text/html; charset=utf-8", render_article_page(article).encode("utf-8")
        return 404, "text/html; charset=utf-8", "<html><body><h1>404 页面不存在</h1></body></html>".encode()

    def feed_document(self, path: str, base_url: str) -> str:
        """The site's RSS 2.0 feed, Atom feed, sitemap, or sitemap index."""
        links = [f"{base_url}/a/{a.code}.html" for a in self.articles]
        if path == "/rss.xml":
            items = "".join(
                f"<item><title>{a.code}</title><link>{link}</link></item>"
                for a, link in zip(self.articles, links, strict=True)
            )
            return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>要闻</title>{items}</channel></rss>'
        if path == "/atom.xml":
            entries = "".join(
                f'<entry><title>{a.code}</title><link rel="alternate" href="{link}"/></entry>'
                for a, link in zip(self.articles, links, strict=True)
            )
            return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>要闻</title>{entries}</feed>'
        if path == "/sitemap-index.xml":
            return (
                '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base_url}/sitemap.xml</loc></sitemap></sitemapindex>"
            )
        urls = "".join(f"<url><loc>{link}</loc></url>" for link in [*links, f"{base_url}/about.html"])
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def _fault(self, name: str) -> tuple:
        page = "text/html; charset=utf-8"
        if name == "error500":
            return 500, page, b"<html><body>Internal Server Error</body></html>"
        if name == "flaky":  # overloaded twice (asking to wait a second), then the real article
            if self.requests["/a/fault-flaky.html"] <= 2:
                return 429, page, b"<html><body>Too Many Requests</body></html>", {"Retry-After": "1"}
            return 200, page, render_article_page(self.articles[-1]).encode("utf-8")
        if name == "slow":
            time.sleep(self.slow_seconds)
            return 200, page, b"<html><body>too late</body></html>"
        if name == "loop":
            return 302, page, b"", {"Location": "/a/fault-loop.html"}
        if name == "empty":
            return 200, page, b""
        if name == "truncated":
            full = render_article_page(self.articles[0]).encode("utf-8")
            return 200, page, full[: len(full) // 3]  # cut before the body's text
        if name == "notarticle":
            return 200, page, "<html><body><ul id='newsListContent'><li>要闻</li></ul></body></html>".encode()
        return 404, page, "<html><body><h1>404 页面不存在</h1></body></html>".encode()


class _Server(ThreadingHTTPServer):
    # A crawler opens many connections at once; the default listen backlog (5) would make some
    # wait for a free slot long enough to look like a network timeout.
    request_queue_size = 256
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A crawler that gave up on a slow page closes the connection; that is expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplicaServer:
    """Serves a :class:`ReplicaSite` on 127.0.0.1 in a background thread."""

    def __init__(self, site: ReplicaSite | None = None, port: int = 0) -> None:
        self.site = site or ReplicaSite()
        site_ref = self.site

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                base = f"http://{self.headers.get('Host') or '127.0.0.1'}"
                status, content_type, body, *extra = site_ref.handle(parts.path, parse_qs(parts.query), base)
                answers = getattr(site_ref, "answers", None)
                if answers is not None:
                    answers.add(parts.path, status)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (extra[0] if extra else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: tests read the counts instead

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def list_api(self) -> str:
        return f"{self.url}/comm/web/getNewsByColumns"

    def eastmoney_settings(self, sources: str = "columns") -> list[str]:
        """``-s NAME=VALUE`` arguments that point the eastmoney spider's every endpoint here."""
        settings = {
            "EASTMONEY_SOURCES": sources,
            "EASTMONEY_LIST_API": self.list_api,
            "EASTMONEY_FAST_API": f"{self.url}/comm/web/getFastNewsList",
            "EASTMONEY_ARTICLE_URL": f"{self.url}/a/{{code}}.html",
            "EASTMONEY_LIST_PAGES": f"{self.url}/a/cywjh.html",
        }
        return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]

    def __enter__(self) -> ReplicaServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
