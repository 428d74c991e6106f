"""Telling a blocked answer from a good one (see :mod:`crawler.blocking`): pure functions over the
status, the body and the redirect target, and the exceptions that end a blocked request."""

from __future__ import annotations

import re

from scrapy.exceptions import IgnoreRequest

from tagging.pages import chinaorg, eastmoney

SNIFF_BYTES = 64 * 1024  # how much of a 200 answer is looked at for a verification page
SHORT_PAGE_CHARS = 3000  # visible text below which a page is "short" (a verification page, not an article)
# A verification page names itself in its <title> or carries a captcha widget; the Chinese words
# count anywhere only on a short page (an article may well report on 验证码 scams). Not bare 人机: it is
# inside 无人机 (drones) and 人机交互; 人机验证 is a verification word.
CAPTCHA_TITLE_RE = re.compile(
    # 身份核实: the slider guba and fund pages show anonymous high-rate visitors (recon notes 2026-08, PROVENANCE.md)
    r"<title[^>]*>[^<]*(验证|captcha|verify|verification|安全检查|访问受限|访问过于频繁|人机验证|人机识别|身份核实|核实身份)"
    r"[^<]*</title>",
    re.I,
)
# What a verification page never is: a page holding a site's article body element, or a JSON / JSONP answer
# of a list API. Articles titled 无人机…, 身份验证… or 安全检查… are news, not refusals.
ARTICLE_BODY_RE = re.compile(
    rb"""\bid\s*=\s*["']?(?:%s)["'\s/>]""" % "|".join(map(re.escape, eastmoney.BODY_IDS + chinaorg.BODY_IDS)).encode()
    # and the bodies known by their class: Eastmoney's div.Body, china.com.cn's 2024 div.content_left
    + rb"""|\bclass\s*=\s*["'](?:Body|[^"']*\bcontent_left\b[^"']*)["']"""
)
# JSON, JSONP, and china.com.cn's script lists: a call (or a bare "(") whose payload is a JSON string of HTML
# (review of day 20: one headline holding 验证码 made the whole list a captcha).
JSON_ANSWER_RE = re.compile(rb"\A\s*(?:[\[{]|(?:[\w$.]+\s*)?\(\s*[\[{\"])")
CAPTCHA_WIDGET_RE = re.compile(
    r"""(geetest|nocaptcha|nc_iconfont|slider[-_]?captcha|captcha[-_]?(?:box|img|container|slider)|"""
    r"""id=["']?captcha|class=["'][^"']*\bcaptcha\b)""",
    re.I,
)
# (身份核实 names a captcha only as a page's title: in a short page's text it is news as often, 例行核实身份)
CAPTCHA_WORDS_RE = re.compile(r"(滑块|拖动|验证码|人机验证|安全验证|请完成验证|访问过于频繁|异常访问|请求过于频繁)")
# (a script cut off at the sniffed 64 KiB is script to its end)
_TAG_RE = re.compile(r"<(script|style)\b.*?(?:</\1>|\Z)|<[^>]+>", re.S | re.I)
REDIRECT_CODES = (301, 302, 303, 307, 308)


class Blocked(IgnoreRequest):
    """A request given up after blocked answers (counted already, answer by answer)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"blocked ({reason}): {url}")
        self.reason = reason


class SourceStopped(IgnoreRequest):
    """A request dropped because its source was stopped (the crawl said why when it stopped it)."""

    def __init__(self, source: str, why: str) -> None:
        super().__init__(f"source {source} stopped: {why}")
        self.source = source


def looks_like_verification_page(body: bytes) -> bool:
    """A captcha / verification page: a short page whose title says so, that carries a captcha widget, or
    that holds the words of one (滑块, 验证码, 访问过于频繁 …); never a page with an article body element,
    nor a JSON answer (a list's news titles may hold those words; a list refused with a message is a bad
    list answer to the spider, an empty one a refusal: crawler.spiders)."""
    if JSON_ANSWER_RE.match(body) or ARTICLE_BODY_RE.search(body):
        return False  # the answer of the kind asked for, whatever its title says (无人机…, 身份验证…)
    head = body[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    named = bool(CAPTCHA_TITLE_RE.search(head) or CAPTCHA_WIDGET_RE.search(head))
    if not named and len(body) > SNIFF_BYTES:
        return False
    visible = _TAG_RE.sub(" ", head).strip()
    return len(visible) < SHORT_PAGE_CHARS and (named or bool(CAPTCHA_WORDS_RE.search(visible)))


def blocked_reason(
    status: int,
    body: bytes,
    location: str | None,
    http_codes: frozenset[int],
    login_url: re.Pattern[str],
) -> str | None:
    """Why an answer is a refusal, or None when it is not one."""
    if status in http_codes:
        return f"http_{status}"
    if status in REDIRECT_CODES:
        return "login_redirect" if location and login_url.search(location) else None
    if status == 200 and looks_like_verification_page(body):
        return "captcha"
    return None


def short_url(url: str, limit: int = 160) -> str:
    """A URL short enough for a log line or an alert (list API URLs carry long queries)."""
    return url if len(url) <= limit else f"{url[: limit - 1]}…"
