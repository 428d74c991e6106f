"""How each spider presents itself to its site (``configs/sites.yaml``, ``sites.<name>.identity``):
the User-Agent, the Referer of each endpoint and extra headers that the real sites are reported to
need. Eastmoney's list APIs answer a valid but *empty* list to a request without browser context, the
most silent of failures, so these are set on every request of the spider, whatever host its endpoint
settings point at (the live site, a mirror, the local replica).

robots.txt is still obeyed: Scrapy's robots middleware reads the rules for ``ROBOTSTXT_USER_AGENT``
(our own product token), falling back to the ``*`` group, not for the browser-like User-Agent."""

from __future__ import annotations

from typing import Any

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


def apply_identity(request: Request, identity: Identity) -> None:
    """Set the identity's headers on ``request`` (a header the request set itself is kept)."""
    if identity.user_agent:
        request.headers["User-Agent"] = identity.user_agent
    for name, value in identity.headers:
        request.headers.setdefault(name, value)
    referer = identity.referer(endpoint_of(request))
    if referer:
        request.headers["Referer"] = referer


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
