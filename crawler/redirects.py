"""Redirect loops reported as failures.

Scrapy's duplicate filter silently drops a redirect back to a URL already requested, so a page
that redirects to itself (or round a cycle) would vanish from the crawl without a word. This
middleware sees the 3xx before RedirectMiddleware does and fails the request with a reason.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string


class RedirectLoop(IgnoreRequest):
    """A redirect that leads back to a URL of its own redirect chain."""


class RedirectLoopMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = safe_url_string(response.urljoin(location.decode("latin-1")))
        chain = {request.url, *request.meta.get("redirect_urls", [])}
        if target in chain:
            raise RedirectLoop(f"redirect loop: {request.url} → {target}")
        return response
