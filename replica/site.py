"""A local replica of Eastmoney for tests and the demo: article pages in the current ``txtinfos``
layout and the ``getNewsByColumns`` list API, built from real articles kept as Jekyll posts.

The page furniture follows what public crawlers rely on (see the project's notes on the real pages):
``<title>标题_东方财富网</title>``, ``#topbox`` with ``div.title`` and ``div.infos`` (``<div class="
item">`` time, then 来源), ``div.txtinfos#ContentBody`` opened by ``<!--文章主体-->``, promotional
paragraphs inside the body, the mid-body ad slot, and the ``sourcebox``/郑重声明 block after it.

The pages and list answers are written by :mod:`replica.eastmoney_pages`; the refusals, counts and
answers both replicas share are :mod:`replica.refusing`; this module holds the articles and serves.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from core.article import RawArticle
from core.dates import SHANGHAI
from core.urls import eastmoney_article_code
from replica.eastmoney_pages import (
    LIST_PAGE_RE,
    PORTAL_PAGE,
    fast_payload,
    feed_document,
    list_payload,
    render_article_page,
    render_article_page_2026,
    render_drifted_article_page,
    render_drifted_list_page,
    render_emptied_article_page,
    render_list_page,
    render_list_page_2026,
)
from replica.refusing import HTML, Blocking, ServedSite
from tagging.pages.jekyll import parse_jekyll_post

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


def live_article(source: ReplicaArticle, number: int, title: str, published: datetime | None = None) -> ReplicaArticle:
    """A new 7×24 item made from a real article (its body), with its own code, title and time (now by
    default): what the live site publishes while ``finnews live`` polls it."""
    published = published or datetime.now(SHANGHAI).replace(microsecond=0)
    code = f"{published:%Y%m%d}{8_000_000_000 + number:010d}"
    return ReplicaArticle(code, replace(source.raw, title=title, published_at=published))


def live_flash(source: ReplicaArticle, number: int, title: str) -> ReplicaArticle:
    """A new 7×24 flash as :func:`live_article` makes it, with a short body of its own: a story of its
    own, where items sharing a real article's body are syndicated copies of one story (pushed once)."""
    item = live_article(source, number, title)
    return replace(item, raw=replace(item.raw, body_html=f"<p>{title}：第{number}号快讯的全文。</p>"))


def recorded_flashes(answer: bytes) -> list[ReplicaArticle]:
    """The flashes of a recorded ``getFastNewsList`` answer (tests/fixtures/real-sites) as the replica's
    articles, newest first: a flash's page holds its summary as its text (dsh-trading EVIDENCE.md, 2026)."""
    items = json.loads(answer.decode("utf-8"))["data"]["fastNewsList"]
    return [
        ReplicaArticle(
            str(item["code"]),
            RawArticle(
                source="eastmoney",
                title=item.get("title") or None,
                published_at=datetime.strptime(item["showTime"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI),
                digest=item.get("summary") or None,
                body_html=f"<p>{item.get('summary') or ''}</p>",
            ),
        )
        for item in items
    ]


FORMS = ("2020", "2026", "drifted")
ARTICLE_FORMS = (*FORMS, "emptied")  # emptied: the body element kept, the article text moved out of it
# What a client that works sends (reported for the real APIs in 2026): a browser-like User-Agent and
# the Referer of the API's own page. A request without them gets a valid but empty list.
_BOT_AGENT_RE = re.compile(r"bot|crawl|spider|scrapy|python|curl|wget|finnews", re.IGNORECASE)
API_REFERERS = {
    "/comm/web/getNewsByColumns": "https://finance.eastmoney.com/",
    "/comm/web/getFastNewsList": "https://kuaixun.eastmoney.com/",
}


@dataclass
class SiteForms:
    """Which form each source of the replica answers in: ``2020`` (the forms public crawler code of
    2017–2024 describes), ``2026`` (what the live site was seen answering in 2026) or ``drifted`` (a
    redesign the parsers cannot read); articles also ``emptied`` (the body element without the text).
    ``require_headers``: the list APIs answer an empty list to a request without a browser-like
    User-Agent and their Referer, as the real ones are reported to. ``require_fetch_metadata``: and without the
    ``Sec-Fetch-*`` headers a browser sends (sites.md, how the sites refuse crawlers: "lacks browser context
    (Referer, cookies, sec-fetch-* headers)"; off unless a test asks for it)."""

    pages: str = "2020"
    columns: str = "2020"
    fast: str = "2020"
    articles: str = "2020"
    require_headers: bool = True
    require_fetch_metadata: bool = False

    def __post_init__(self) -> None:
        for name in ("pages", "columns", "fast", "articles"):
            forms = ARTICLE_FORMS if name == "articles" else FORMS
            if getattr(self, name) not in forms:
                raise ValueError(f"SiteForms.{name}: {getattr(self, name)!r} is not one of {', '.join(forms)}")

    @classmethod
    def of(cls, form: str, **changes: object) -> SiteForms:
        """Every source in one form, some changed: ``SiteForms.of("2026", pages="drifted")``."""
        return cls(**{"pages": form, "columns": form, "fast": form, "articles": form, **changes})  # type: ignore[arg-type]


def browser_like(headers: Mapping[str, str] | None) -> bool:
    agent = (headers or {}).get("User-Agent") or ""
    return agent.startswith("Mozilla/5.0") and not _BOT_AGENT_RE.search(agent)


FETCH_METADATA = ("Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest")


def has_browser_context(path: str, headers: Mapping[str, str] | None, fetch_metadata: bool = False) -> bool:
    """Whether an API request carries what the real API is reported to need (with ``fetch_metadata``, the
    ``Sec-Fetch-*`` headers too)."""
    referer = (headers or {}).get("Referer") or ""
    if fetch_metadata and not all((headers or {}).get(name) for name in FETCH_METADATA):
        return False
    return browser_like(headers) and referer.startswith(API_REFERERS[path])


# Faulty pages a real site serves now and then; with ``faults=True`` the list API links to them.
FAULT_PAGES = ("missing", "error500", "slow", "loop", "empty", "truncated", "notarticle", "flaky")
GARBAGE_COLUMN = "999"  # a column whose list API answers garbage instead of JSON


class ReplicaSite(ServedSite):
    """The replica's content and the counts of what was requested (tests assert on them)."""

    def __init__(
        self,
        articles: list[ReplicaArticle] | None = None,
        robots: str = "User-agent: *\nAllow: /\n",
        faults: bool = False,
        slow_seconds: float = 3.0,
        article_delay: float = 0.0,
        blocking: Blocking | None = None,
        forms: SiteForms | None = None,
        recorded_fast: bytes | None = None,
    ) -> None:
        super().__init__(robots, blocking)
        self.forms = forms or SiteForms()
        self.headerless = 0  # API requests answered empty for want of browser headers
        self.kept_alive = 0  # requests that did not ask to close their connection (the live site cuts kept-alive ones)
        # A real answer of the 7×24 list, served byte for byte as its first page (and its items' pages); a
        # page after it answers the same envelope with no item, as the real list ends.
        self.recorded_fast = recorded_fast
        if recorded_fast is not None and articles is None:
            articles = recorded_flashes(recorded_fast)
        self.articles = articles if articles is not None else load_articles()
        self.by_code = {a.code: a for a in self.articles}
        self.faults = faults
        self.slow_seconds = slow_seconds
        self.article_delay = article_delay
        # A gate a test closes to hold a crawl mid-way: article pages after the first ``hold_after``
        # wait until ``released`` is set (the crawler sees a slow site, then carries on).
        self.hold_after: int | None = None
        self.released = threading.Event()

    def publish(self, article: ReplicaArticle) -> None:
        """A new article at the top of every list, at once (the lists are read under no lock: the
        attributes are replaced, never changed in place)."""
        with self.lock:
            self.by_code = {**self.by_code, article.code: article}
            self.articles = [article, *self.articles]

    def article_requests(self) -> int:
        return sum(n for path, n in self.requests.items() if _article_code(path) or path.startswith("/a/fault-"))

    def handle(
        self, path: str, query: dict[str, list[str]], base_url: str, headers: Mapping[str, str] | None = None
    ) -> tuple:
        served = self.count(path, path)
        if headers is not None and str(headers.get("Connection") or "").lower() != "close":
            with self.lock:
                self.kept_alive += 1
        answer = self.common_answer(path, served, base_url, headers)
        if answer is not None:
            return answer
        emptied = self.blocking.active("empty_list", served)
        fetch_metadata = self.forms.require_fetch_metadata
        if (
            path in API_REFERERS
            and self.forms.require_headers
            and not has_browser_context(path, headers, fetch_metadata)
        ):
            with self.lock:
                self.headerless += 1
            emptied = True  # the real APIs' silent refusal: a valid answer with an empty list
        forms = self.forms
        if path == "/comm/web/getNewsByColumns":
            if not query.get("req_trace"):
                body = {"code": "-1", "message": "req_trace is required", "data": None}
                return 200, "application/json; charset=utf-8", json.dumps(body).encode()
            if query.get("column") == [GARBAGE_COLUMN]:
                return 200, "application/json; charset=utf-8", b"<html>502 Bad Gateway</html>{"
            page = int(query.get("page_index", ["1"])[0])
            size = int(query.get("page_size", ["20"])[0])
            body = list_payload([] if emptied else self.articles, base_url, page, size, forms.columns)
            if self.faults and page == 1:
                body["data"]["list"] += [
                    {"code": name, "title": name, "showTime": "", "url": f"{base_url}/a/fault-{name}.html"}
                    for name in FAULT_PAGES
                ]
            return 200, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode()
        if path == "/comm/web/getFastNewsList" and self.recorded_fast is not None and not emptied:
            if not (query.get("sortEnd") or [""])[0]:
                return 200, "application/json;charset=UTF-8", self.recorded_fast
            ended = json.loads(self.recorded_fast.decode("utf-8"))
            ended["data"].update({"fastNewsList": [], "sortEnd": "", "size": 0})
            return 200, "application/json;charset=UTF-8", json.dumps(ended, ensure_ascii=False).encode()
        if path == "/comm/web/getFastNewsList":
            body = fast_payload([] if emptied else self.articles, query, forms.fast)
            text = json.dumps(body, ensure_ascii=False)
            if forms.fast != "2020" and self.requests[path] % 3 != 1:
                # Answered as JSONP too (with and without the closing ";"), whatever was asked.
                text = f"jQuery35107_{self.requests[path]}({text}){';' if self.requests[path] % 3 == 2 else ''}"
            return 200, "application/json; charset=utf-8", text.encode()
        list_page = LIST_PAGE_RE.fullmatch(path)
        if list_page:
            page = int(list_page.group(2) or 1)
            render = {"2020": render_list_page, "2026": render_list_page_2026, "drifted": render_drifted_list_page}
            chosen = [] if emptied else self.articles
            html_page = render[forms.pages](chosen, base_url, list_page.group(1), page)
            if html_page is None:
                return 404, "text/html; charset=utf-8", "<html><body><h1>404 页面不存在</h1></body></html>".encode()
            return 200, "text/html; charset=utf-8", html_page.encode("utf-8")
        if path in ("/rss.xml", "/atom.xml", "/sitemap.xml", "/sitemap-index.xml"):
            return 200, "application/xml; charset=utf-8", feed_document(self.articles, path, base_url).encode("utf-8")
        if path.startswith("/a/fault-"):
            return self._fault(path[len("/a/fault-") : -len(".html")])
        code = _article_code(path)
        if code is not None:
            article = self.by_code.get(code)
            if article:
                time.sleep(self.article_delay)  # the network's latency, as the crawler sees it
                if self.hold_after is not None and self.article_requests() > self.hold_after:
                    self.released.wait(timeout=300)
            if article and self.blocking.active("not_articles", served):
                return 200, HTML, PORTAL_PAGE.encode("utf-8")
            if article:
                return 200, "text/html; charset=utf-8", self.article_page(article).encode("utf-8")
        return 404, "text/html; charset=utf-8", "<html><body><h1>404 页面不存在</h1></body></html>".encode()

    def article_page(self, article: ReplicaArticle) -> str:
        if self.forms.articles == "2026":
            return render_article_page_2026(article, self.articles.index(article))
        if self.forms.articles == "drifted":
            return render_drifted_article_page(article)
        if self.forms.articles == "emptied":
            return render_emptied_article_page(article, self.articles.index(article))
        return render_article_page(article)

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


_ARTICLE_PATH_RE = re.compile(r"/(?:a/|news/\d+,)(\d{12,20})\.html")


def _article_code(path: str) -> str | None:
    """The article code of ``/a/{code}.html`` or the older ``/news/{col},{code}.html`` (both served)."""
    match = _ARTICLE_PATH_RE.fullmatch(path)
    return match.group(1) if match else None


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
                status, content_type, body, *extra = site_ref.handle(
                    parts.path, parse_qs(parts.query), base, headers=self.headers
                )
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
        # Which of this server's lists had items (the crawl's empty_list rule): one file per server. A shared
        # one let a later server on a reused port inherit another site's lists and read "empty" as "blocked".
        self.list_memory = Path(tempfile.mkdtemp(prefix="finnews-replica-")) / "list-memory.json"

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
            "BLOCKING_LIST_MEMORY": str(self.list_memory),
        }
        return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]

    def __enter__(self) -> ReplicaServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.list_memory.parent, ignore_errors=True)
