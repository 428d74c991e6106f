"""Scrapy's AutoThrottle, kept to each site's own pace: a domain's slot delay never goes below the delay
``configs/sites.yaml`` gives it (Scrapy's DOWNLOAD_SLOTS). That delay is the mean wait, not the shortest: Scrapy's
jitter (DOWNLOAD_DELAY_JITTER, ±50 %) spreads each wait over 0.5-1.5 times it, so China.org at 1 s is asked
0.5-1.5 s apart (half its waits under 1 s; review of the day's changes, 10,000 draws of its slot's wait).

Scrapy's AutoThrottle lowers a slot's delay towards the server's latency, down to the global DOWNLOAD_DELAY
and no further: a fast answering site configured at 1 s (China.org) was asked every 0.5 s after a few answers.
Here a slot's configured delay is its floor; slots without one keep Scrapy's rule."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class SiteAutoThrottle(AutoThrottle):
    """AutoThrottle whose smallest delay for a domain is the one its site configures."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is None:
            return
        floor = site_delay(self.crawler.engine.downloader.per_slot_settings, key)
        if slot.delay < floor:
            slot.delay = floor


def site_delay(per_slot_settings: dict, key: str | None) -> float:
    """The delay DOWNLOAD_SLOTS configures for a download slot (its host), 0 when none."""
    return float((per_slot_settings.get(key or "") or {}).get("delay") or 0.0)
