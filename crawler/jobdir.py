"""A ``JOBDIR`` left by a crawl that never stopped (``kill -9``, a power cut) is not resumed as it is.

Scrapy writes a job's request fingerprints (``requests.seen``) as it goes but its request queue only when
the crawl stops: after a kill the fingerprints of every request queued (hundreds of article pages) are on
disk and the queue that held them is not, so every later crawl with that JOBDIR took those articles for
done and never fetched them, exiting 0 (day-17 hunt: 250 of 400 articles). A marker written when the crawl
opens and removed when it closes (a graceful stop saves the queue first) tells a killed job: its fingerprints
and its stale queue are discarded with a warning, and the crawl starts from its lists again; the articles
already indexed are skipped by the seen store, not by the fingerprints.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.seen import process_runs, process_token

logger = logging.getLogger(__name__)

RUNNING_MARKER = "finnews-crawl-running"
# What Scrapy keeps in a JOBDIR that a kill leaves out of step: the dupefilter's fingerprints, the disk queue.
STALE_AFTER_A_KILL = ("requests.seen", "requests.queue")


class JobDirGuard:
    """Scrapy extension: discard a killed job's fingerprints and queue before the scheduler reads them."""

    def __init__(self, crawler: Crawler, jobdir: Path) -> None:
        self.crawler = crawler
        self.jobdir = jobdir
        self.marker = jobdir / RUNNING_MARKER
        self.discarded = discard_if_killed(jobdir)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobDirGuard:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured  # (no message: Scrapy would log every crawl without a JOBDIR as a warning)
        return cls(crawler, Path(jobdir))

    def spider_opened(self) -> None:
        if self.discarded:
            self.crawler.stats.set_value("finnews/jobdir_discarded", 1)
        self.jobdir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(process_token(os.getpid()) or str(os.getpid()), encoding="utf-8")

    def spider_closed(self) -> None:
        # Scrapy has saved the queue by now (the scheduler closes before this signal): the job resumes as it is.
        self.marker.unlink(missing_ok=True)


def discard_if_killed(jobdir: Path) -> bool:
    """Remove the fingerprints and the queue of a job whose crawl never closed; True when there were any. A job
    whose crawl still runs (another crawl given the same JOBDIR) is left as it is (review of day 17: the second
    crawl deleted the running one's queue)."""
    marker = jobdir / RUNNING_MARKER
    if not marker.exists():
        return False
    owner = marker.read_text(encoding="utf-8", errors="replace").strip()
    if ":" in owner and process_runs(owner):
        logger.error("JOBDIR %s is in use by a crawl still running (process %s): give each its own", jobdir, owner)
        return False
    logger.warning(
        "JOBDIR %s is of a crawl that did not stop (killed): its request queue was never saved, so its request "
        "fingerprints are discarded and the lists are read again (articles already indexed are still skipped)",
        jobdir,
    )
    for name in STALE_AFTER_A_KILL:
        path = jobdir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    (jobdir / RUNNING_MARKER).unlink(missing_ok=True)
    return True
