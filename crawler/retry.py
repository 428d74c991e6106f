"""Retries with exponential backoff (Scrapy's RetryMiddleware retries at once).

A server that answers 429 or 5xx, or times out, is overloaded or failing: asking again at once
makes it worse. This middleware keeps Scrapy's retry rules (RETRY_TIMES, RETRY_HTTP_CODES,
RETRY_EXCEPTIONS, dont_retry) and waits before each retry: RETRY_BACKOFF_BASE × 2^(attempt − 1)
seconds, at most RETRY_BACKOFF_MAX, or what a Retry-After header asks for (within the maximum).
Only the retried request waits; the rest of the crawl goes on.
"""

from __future__ import annotations

import asyncio
import random
import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header as seconds from ``now`` (epoch seconds): either a number of seconds or
    an HTTP date. None when absent or unreadable; a date in the past is 0."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def backoff_delay(attempt: int, base: float, maximum: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, …), with ±10 % jitter so that many
    retries do not arrive together."""
    delay = base * 2 ** max(attempt - 1, 0) * random.uniform(0.9, 1.1)
    asked = retry_after_seconds(retry_after)
    if asked is not None:
        delay = max(delay, asked)
    return min(delay, maximum)


class BackoffRetryMiddleware(RetryMiddleware):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.base = crawler.settings.getfloat("RETRY_BACKOFF_BASE")
        middleware.maximum = crawler.settings.getfloat("RETRY_BACKOFF_MAX")
        return middleware

    async def _wait(self, retry: Request, retry_after: str | None = None) -> Request:
        delay = backoff_delay(retry.meta.get("retry_times", 1), self.base, self.maximum, retry_after)
        self.crawler.stats.inc_value("finnews/retry_backoff_seconds", int(delay))
        await asyncio.sleep(delay)
        return retry

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        outcome = super().process_response(request, response)
        if isinstance(outcome, Request):
            header = response.headers.get("Retry-After")
            return await self._wait(outcome, header.decode("latin-1") if header else None)
        return outcome

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        outcome = super().process_exception(request, exception)
        if isinstance(outcome, Request):
            return await self._wait(outcome)
        return outcome
