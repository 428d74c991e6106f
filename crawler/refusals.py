"""Telling a blocked answer from a good one (see :mod:`crawler.blocking`): pure functions over the
status, the body and the redirect target, and the exceptions that end a blocked request."""

from __future__ import annotations

import codecs
import re

from scrapy.exceptions import IgnoreRequest
from scrapy.utils._compression import _inflate, _unbrotli, _unzstd  # private, but pinned: scrapy==2.19.0
from scrapy.utils.gz import gunzip
from w3lib.encoding import html_to_unicode

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
# Their variants too (third review of day 21): a byte-order mark, a /**/ or // comment before the call, try{…},
# typeof cb === 'function' && cb(…), var x = {…}.
JSON_ANSWER_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:/\*[^*]*\*/\s*|//[^\n]*\n\s*)*(?:try\s*\{\s*)?"
    rb"(?:typeof\s+[\w$.]+\s*===?\s*['\"]function['\"]\s*&&\s*)?(?:(?:var|let|const)\s+[\w$]+\s*=\s*)?"
    rb"(?:[\[{]|(?:[\w$.]+\s*)?\(\s*[\[{\"])"
)
# A feed or a sitemap is the answer asked for too, whatever its items' titles say (third review of day 21).
# (its root element, not <?xml alone: an XHTML page begins so too, captcha pages among them: fourth review)
_FEED_ROOT_RE = re.compile(rb"<(?:rss|feed|urlset|sitemapindex|rdf:RDF)\b", re.I)
_HTML_ROOT_RE = re.compile(rb"<html\b", re.I)


def is_feed_answer(body: bytes) -> bool:
    """A feed or a sitemap: its root element in the first KiB, and no <html> there."""
    head = body[:1024]
    return bool(_FEED_ROOT_RE.search(head)) and not _HTML_ROOT_RE.search(head)


# A page of many links is a page of the site (a list, a portal), not a verification page, whatever its headlines
# say (警惕冒充客服索要验证码骗局 on a china.com.cn column page: third review of day 21); a captcha page has a few.
LIST_PAGE_LINKS = 10
_LINK_RE = re.compile(r"<a\s", re.I)
_ELEMENT_AT_RE = re.compile(r"<(script|style)", re.I)  # (re.I, not str.lower(): İ lowers to two characters)
_SCRIPT_OPEN_RE = re.compile(r"<script", re.I)
_CLOSING_RE = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}
CAPTCHA_WIDGET_RE = re.compile(
    r"""(geetest|nocaptcha|nc_iconfont|slider[-_]?captcha|captcha[-_]?(?:box|img|container|slider)|"""
    r"""id=["']?captcha|class=["'][^"']*\bcaptcha\b)""",
    re.I,
)
# (身份核实 names a captcha only as a page's title: in a short page's text it is news as often, 例行核实身份)
# A site's own words to a visitor count on any short page; words a headline may hold (滑块, 拖动, 验证码) only on a
# page of few links (fourth review of day 21: 您的访问过于频繁 with a site's menu around it is still a refusal).
CAPTCHA_PHRASES_RE = re.compile(r"(请完成验证|请输入验证码|人机验证|访问过于频繁|请求过于频繁|异常访问)")
CAPTCHA_WORDS_RE = re.compile(r"(滑块|拖动|验证码|安全验证)")


def _visible_text(page: str, keep_tags: bool = False) -> str:
    """The text outside tags, scripts and styles, in one pass (a page of "<" without ">" costs no more than its
    length: third review of day 21); a script cut off at the sniffed 64 KiB is script to its end. With
    ``keep_tags``, the page without its scripts and styles (to count its links)."""
    parts, at, size = [], 0, len(page)
    while at < size:
        opened = page.find("<", at)
        if opened < 0:
            parts.append(page[at:])
            break
        parts.append(page[at:opened])
        if element := _ELEMENT_AT_RE.match(page, opened):
            closing = _CLOSING_RE[element.group(1).lower()].search(page, opened)
            end = page.find(">", closing.end()) if closing else -1
            at = size if end < 0 else end + 1
            continue
        end = page.find(">", opened + 1)
        if end < 0:
            parts.append(page[opened:])
            break
        if keep_tags:
            parts.append(page[opened : end + 1])
        at = end + 1
    return " ".join(parts)


REDIRECT_CODES = (301, 302, 303, 307, 308)
# A script challenge: a page of (almost) nothing but a script that sets a cookie and loads the page again, which
# a browser passes unseen and a crawler never does. Web application firewalls in front of Chinese sites serve
# them with 200, or with 202 / 412 / 521 (the status their own scripts expect); a crawler that took one for a page
# would read an article without a body, or a list without items, and never back off.
CHALLENGE_STATUSES = (200, 202, 412, 521)
CHALLENGE_MAX_BYTES = 256 * 1024  # a challenge is a small page; a larger one is looked at no further
CHALLENGE_TEXT_CHARS = 200  # visible text a challenge page may hold ("请稍候…", a noscript line)
# Cookie names of the challenges of firewalls in common use in China (Alibaba Cloud WAF, Jiasule, Yunsuo)
# and Ruishu's bootstrap object ($_ts, set before its external script runs; served with 412 or 202)
_CHALLENGE_COOKIE = (
    rb"acw_sc__v2|__jsl_clearance|yunsuo_session_verify|security_session_verify|security_verify_data"
    rb"|(?<![\w$])\$_ts\s*=(?!=)|\[\s*['\"]\$_ts['\"]\s*\]"
)
_CHALLENGE_HINT_RE = re.compile(rb"cookie|" + _CHALLENGE_COOKIE, re.I)  # a page without any is not read further
_CHALLENGE_COOKIE_RE = re.compile(_CHALLENGE_COOKIE.decode())
# (written with a dot or with brackets, as obfuscated challenges do: document['cookie']=…)
_COOKIE_WRITE_RE = re.compile(r"document\s*(?:\.\s*cookie|\[\s*['\"]cookie['\"]\s*\])\s*=(?!=)")
# … and loads the same page again: reload(), or the location set to itself (location.href = location.pathname +
# location.search, window.location = window.location.href, location.replace(location.href), location.href =
# document.URL), or yunsuo's verify address (self.location='/?security_verify_data=…'). A script that
# sends a phone to the mobile site or jumps to another page is no challenge (review of day 21).
# The statement that sets the location, from its target on (location.href = …, location.replace(…)); it loads the
# page again when it begins with the page's own address (location, location.href, location.pathname + location.search,
# document.URL, also inside setTimeout's string: fourth review of day 21) and names no other host (a phone sent to
# m.china.com.cn by location.href.replace('finance.china.com.cn', 'm.china.com.cn'): third review).
_SELF_PLACE = r"(?:(?:(?:window|document|self|top)\s*\.\s*)?(?:location|URL)\b)"
_RELOAD_RE = re.compile(
    r"(?<![\w$])location\s*(?:\.\s*reload|\[\s*['\"]reload['\"]\s*\])\s*\("
    r"|(?<![\w$])location(?:\s*\.\s*href)?\s*=(?!=)\s*(?=" + _SELF_PLACE + r")(?P<set>[^;\n]*)"
    r"|(?<![\w$])location\s*\.\s*(?:replace|assign)\s*\(\s*(?=" + _SELF_PLACE + r")(?P<call>[^;\n]*)"
)
_OTHER_HOST_RE = re.compile(r"['\"][^'\"\n]*(?:\.(?:com|cn|net|org|cc|io)\b|\bwap\b)")


def _reloads_itself(scripts: str) -> bool:
    return any(
        not _OTHER_HOST_RE.search(match.group("set") or match.group("call") or "")
        for match in _RELOAD_RE.finditer(scripts)
    )


# What a refusal is told by is the page as a browser shows it: the body after its Content-Encoding is undone
# (the blocking middleware sees answers before Scrapy's HttpCompressionMiddleware does) and decoded by its
# declared charset (a GBK page read as UTF-8 loses most of its text and looks empty).
DECODED_LIMIT = 1024 * 1024  # how much of a compressed answer is inflated to be looked at


# Scrapy's own decoders, the ones its HttpCompressionMiddleware runs (every gzip member, deflate with or without
# its zlib header, br and zstd when their packages are installed), each stopping at ``max_size``.
_DECODERS = {"gzip": gunzip, "x-gzip": gunzip, "deflate": _inflate, "br": _unbrotli, "zstd": _unzstd}


def decoded_body(body: bytes, content_encodings: list[bytes] | None, limit: int = DECODED_LIMIT) -> bytes:
    """The body with its content codings undone (the last applied first); the body as it came when a coding is
    unknown or broken, or inflates past ``limit`` (no refusal page is that large: it is then not told by its page)."""
    codings = [c.strip().lower() for value in content_encodings or () for c in value.decode("latin-1").split(",")]
    for coding in reversed([c for c in codings if c and c != "identity"]):
        decoder = _DECODERS.get(coding)
        if decoder is None:
            return body
        try:
            body = decoder(body, max_size=limit)
        except Exception:  # a broken stream, a bomb past the limit, brotli or zstd not installed
            return body
    return body


def page_text(body: bytes, content_type: str | None = None) -> str:
    """A page's text by its declared charset (the Content-Type header, a BOM, a <meta charset>), UTF-8 else (and
    when the declared one is no text encoding: charset=hex, third review of day 21)."""
    try:
        return html_to_unicode(content_type, body)[1]
    except (LookupError, UnicodeError, ValueError, TypeError):
        return body.decode("utf-8", errors="ignore")


def _script_sources(page: str) -> list[str]:
    """The text of a page's <script> elements (one pass: a page of unclosed tags costs no more than its length)."""
    sources, at = [], 0
    while opening := _SCRIPT_OPEN_RE.search(page, at):
        opened = page.find(">", opening.end())
        if opened < 0:
            break
        closed = _CLOSING_RE["script"].search(page, opened)
        sources.append(page[opened + 1 : closed.start() if closed else len(page)])
        if not closed:
            break
        at = closed.end()
    return sources


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


def looks_like_verification_page(body: bytes, content_type: str | None = None) -> bool:
    """A captcha / verification page: a short page whose title says so, that carries a captcha widget, or
    that holds the words of one (滑块, 验证码, 访问过于频繁 …); never a page with an article body element,
    nor a JSON answer (a list's news titles may hold those words; a list refused with a message is a bad
    list answer to the spider, an empty one a refusal: crawler.spiders)."""
    if JSON_ANSWER_RE.match(body) or ARTICLE_BODY_RE.search(body):
        return False  # the answer of the kind asked for, whatever its title says (无人机…, 身份验证…)
    if is_feed_answer(body):
        return False
    # (read by its declared charset, and as UTF-8 too where it is valid UTF-8: a page may declare one it is not
    # written in; a GBK page read as UTF-8 loses its text and would look short: third review of day 21)
    readings = {page_text(body[:SNIFF_BYTES], content_type)}
    if (utf8 := _valid_utf8(body[:SNIFF_BYTES])) is not None:
        readings.add(utf8)
    return any(_reads_as_verification(head, len(body) > SNIFF_BYTES) for head in readings)


def _valid_utf8(head: bytes) -> str | None:
    """The head read as UTF-8 where it is UTF-8 but for a stray byte or two (a GBK page read so is mostly
    replacement characters: third and fourth reviews of day 21), else None."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    return text if text.count("\ufffd") <= max(2, len(text) // 1000) else None


def _reads_as_verification(head: str, longer: bool) -> bool:
    titled = bool(CAPTCHA_TITLE_RE.search(head))
    widget = bool(CAPTCHA_WIDGET_RE.search(head))
    if not (titled or widget) and longer:
        return False
    visible = _visible_text(head).strip()
    if len(visible) >= SHORT_PAGE_CHARS:
        return False
    if titled or CAPTCHA_PHRASES_RE.search(visible):
        return True
    # a captcha widget or a headline's words: a page of many links (a list with a login box) is the site's
    few_links = len(_LINK_RE.findall(_visible_text(head, keep_tags=True))) < LIST_PAGE_LINKS
    return few_links and (widget or bool(CAPTCHA_WORDS_RE.search(visible)))


def looks_like_script_challenge(body: bytes, content_type: str | None = None) -> bool:
    """A script challenge: a page with next to no visible text whose script writes a cookie and loads the
    same page again (or names a known firewall's challenge cookie); never a JSON answer nor an article page."""
    if len(body) > CHALLENGE_MAX_BYTES or not _CHALLENGE_HINT_RE.search(body):
        return False
    if JSON_ANSWER_RE.match(body) or is_feed_answer(body) or ARTICLE_BODY_RE.search(body):
        return False
    page = page_text(body, content_type)
    if len(" ".join(_visible_text(page[:SNIFF_BYTES]).split())) > CHALLENGE_TEXT_CHARS:
        return False
    scripts = "\n".join(_script_sources(page))
    return bool(_CHALLENGE_COOKIE_RE.search(scripts)) or bool(
        _COOKIE_WRITE_RE.search(scripts) and _reloads_itself(scripts)
    )


def blocked_reason(
    status: int,
    body: bytes,
    location: str | None,
    http_codes: frozenset[int],
    login_url: re.Pattern[str],
    content_type: str | None = None,
) -> str | None:
    """Why an answer is a refusal, or None when it is not one (``body`` with its content codings undone:
    :func:`decoded_body`)."""
    if status in http_codes:
        return f"http_{status}"
    if status in REDIRECT_CODES:
        return "login_redirect" if location and login_url.search(location) else None
    if status == 200 and looks_like_verification_page(body, content_type):
        return "captcha"
    if status in CHALLENGE_STATUSES and looks_like_script_challenge(body, content_type):
        return "script_challenge"
    return None


def short_url(url: str, limit: int = 160) -> str:
    """A URL short enough for a log line or an alert (list API URLs carry long queries)."""
    return url if len(url) <= limit else f"{url[: limit - 1]}…"
