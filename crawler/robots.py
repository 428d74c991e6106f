"""robots.txt that cannot be fetched (the site down, the connection refused) is already told by the
request that fails after it, counted by reason with its URL; Scrapy's robots middleware also logs
it with the whole chained traceback of the download. This extension keeps that log to one line."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class OneLineRobotsErrors(logging.Filter):
    """A robots.txt download error as one warning line, without its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.levelno >= logging.ERROR:
            error = record.exc_info[1]
            record.msg = "robots.txt not fetched for %s (%s): the request goes on as if it allowed everything"
            record.args = (getattr(record.args, "get", lambda *_: None)("request") or "a request", error)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietRobotsErrors:
    """Scrapy extension: installs :class:`OneLineRobotsErrors` on the robots middleware's logger once."""

    def __init__(self) -> None:
        robots = logging.getLogger(ROBOTS_LOGGER)
        if not any(isinstance(f, OneLineRobotsErrors) for f in robots.filters):
            robots.addFilter(OneLineRobotsErrors())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietRobotsErrors:
        return cls()
