"""AutoThrottle as the crawl configures it (crawler/settings.py EXTENSIONS): a fast site is never asked faster
than the delay configs/sites.yaml gives it. Scrapy's own AutoThrottle lowered every slot to DOWNLOAD_DELAY (0.5 s):
China.org, configured at 1 s, was asked about every 0.55 s in a crawl of its replica (review of day 22, the
request times of a chinaorg crawl with the project's settings)."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.sites import load_sites


def _project_autothrottle() -> type[AutoThrottle]:
    """The AutoThrottle the project's settings switch on (Scrapy's own, unless it is replaced)."""
    extensions = {"scrapy.extensions.throttle.AutoThrottle": 0, **project_settings.EXTENSIONS}
    enabled = [load_object(path) for path, order in extensions.items() if order is not None]
    (throttle,) = [cls for cls in enabled if isinstance(cls, type) and issubclass(cls, AutoThrottle)]
    return throttle


def test_a_fast_site_is_never_asked_faster_than_its_configured_delay() -> None:
    china = "finance.china.com.cn"
    configured = load_sites().download_slots()[china]["delay"]
    assert configured > project_settings.DOWNLOAD_DELAY  # (else the test tells nothing)
    crawler = get_crawler(
        Spider,
        {name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("AUTOTHROTTLE_")}
        | {"DOWNLOAD_DELAY": project_settings.DOWNLOAD_DELAY},
    )
    throttle = _project_autothrottle().from_crawler(crawler)
    slots = {china: Slot(concurrency=2, delay=2.0, jitter=0.5), "elsewhere.example": Slot(concurrency=4, delay=1.0)}
    crawler.engine = SimpleNamespace(  # the downloader as Scrapy builds it from DOWNLOAD_SLOTS
        downloader=SimpleNamespace(slots=slots, per_slot_settings={china: {"concurrency": 2, "delay": configured}})
    )
    spider = Spider("chinaorg")
    throttle._spider_opened(spider)
    for key in slots:
        for _ in range(12):  # a server answering in 20 ms
            request = Request(f"http://{key}/news/20231123/6053998.shtml", meta={"download_slot": key})
            request.meta["download_latency"] = 0.02
            throttle._response_downloaded(Response(request.url, request=request), request, spider)
    assert slots[china].delay == configured
    # A host no site configures keeps Scrapy's rule: down to DOWNLOAD_DELAY.
    assert slots["elsewhere.example"].delay == project_settings.DOWNLOAD_DELAY
