"""How each spider presents itself to its site (``configs/sites.yaml``, ``sites.<name>.identity``):
the User-Agent, the Referer of each endpoint and extra headers that the real sites are reported to
need. Eastmoney's list APIs answer a valid but *empty* list to a request without browser context, the
most silent of failures, so these are set on every request of the spider, whatever host its endpoint
settings point at (the live site, a mirror, the local replica).

robots.txt is still obeyed: Scrapy's robots middleware reads the rules for ``ROBOTSTXT_USER_AGENT``
(our own product token), falling back to the ``*`` group, not for the browser-like User-Agent."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler

from crawler.blocking import SOURCE_META
from crawler.seen import ARTICLE_FLAG
from crawler.sites import Identity, load_sites


def endpoint_of(request: Request) -> str:
    """Which endpoint a request is for: ``articles`` for an article page, else the kind of its list
    source (``columns:345`` → ``columns``, ``fast:102`` → ``fast``, ``pages:cywjh`` → ``pages``)."""
    if request.meta.get(ARTICLE_FLAG):
        return "articles"
    source = str(request.meta.get(SOURCE_META) or "")
    return source.split(":", 1)[0] if source else "default"


# The list APIs, which the sites' own pages load as scripts (jQuery JSONP: callback=jQuery…_…&_=…, sites.md 2.3, 2.4),
# not by navigating to them.
API_ENDPOINTS = frozenset({"columns", "fast"})
# Public suffixes of two labels among the sites' hosts (china.com.cn's, china.org.cn's): a site is one label more.
_TWO_LABEL_SUFFIXES = frozenset({"com.cn", "org.cn", "net.cn", "gov.cn", "edu.cn", "ac.cn", "com.hk"})


def site_of(host: str) -> str:
    """The site (registrable domain) of a host, as Fetch Metadata compares them: ``np-listapi.eastmoney.com`` →
    ``eastmoney.com``, ``app.finance.china.com.cn`` → ``china.com.cn``; an address is its own site."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def fetch_site(url: str, referer: str | None) -> str:
    """``Sec-Fetch-Site`` of a request for ``url`` made from the page ``referer``: none, same-origin, same-site
    (same scheme, same registrable domain) or cross-site."""
    if not referer:
        return "none"
    to, start = urlsplit(url), urlsplit(referer)
    if (to.scheme, to.netloc.lower()) == (start.scheme, start.netloc.lower()):
        return "same-origin"
    if to.scheme == start.scheme and site_of(to.hostname or "") == site_of(start.hostname or ""):
        return "same-site"
    return "cross-site"


def fetch_metadata(url: str, referer: str | None, endpoint: str) -> dict[str, str]:
    """The Fetch Metadata headers a browser sends with a request of ``endpoint`` (and the Accept of a script's call):
    a list API is loaded by its page as a JSONP script (no-cors, script, ``Accept: */*`` as a working 2026 client
    sends; a cors call would carry an Origin, which a script load does not), a page is navigated to from a link
    (navigate, document, a user's click)."""
    if endpoint in API_ENDPOINTS:
        headers = {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script", "Accept": "*/*"}
    else:
        headers = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-User": "?1"}
    return {"Sec-Fetch-Site": fetch_site(url, referer), **headers}


def apply_identity(request: Request, identity: Identity) -> None:
    """Set the identity's headers on ``request`` (a header the request set itself is kept). An identity that
    presents a browser sends the Fetch Metadata every such browser sends (:func:`fetch_metadata`): Eastmoney's
    list endpoints are reported to answer an empty list to a request without ``sec-fetch-*`` headers as to one
    without a Referer (../shared/reference/sites.md, how the sites refuse crawlers)."""
    if identity.user_agent:
        request.headers["User-Agent"] = identity.user_agent
    for name, value in identity.headers:
        request.headers.setdefault(name, value)
    endpoint = endpoint_of(request)
    referer = identity.referer(endpoint)
    if referer:
        request.headers["Referer"] = referer
    if identity.user_agent:
        sent = request.headers.get("Referer")  # (the identity's, else one the request carries)
        for name, value in fetch_metadata(request.url, sent.decode("latin-1") if sent else None, endpoint).items():
            request.headers.setdefault(name, value)


class SiteIdentityMiddleware:
    """Downloader middleware: the spider's site identity on each of its requests (robots.txt requests
    included: a site may refuse a crawler-looking client there too)."""

    def __init__(self, crawler: Crawler, identities: dict[str, Identity]) -> None:
        self.crawler = crawler
        self.identities = identities

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteIdentityMiddleware:
        return cls(crawler, dict(load_sites().identities))

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        # Scrapy 2.13+ no longer passes the spider to middlewares: the crawler knows it.
        spider = spider or self.crawler.spider
        identity = self.identities.get(getattr(spider, "name", "")) if spider is not None else None
        if identity is not None:
            apply_identity(request, identity)
        return None
