"""Canonical article URLs: one spelling per article, so one document id per article."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# Both /news/1355,{code}.html and /a/{code}.html serve the same Eastmoney article; the mobile page
# emwap.eastmoney.com/news/info/detail/{code} (2026 scrapers use it, and Eastmoney's own tracking
# script tells that path: real-site hunt, day 19) too.
# The old mobile page wap.eastmoney.com/3g/news/article,{a},{column},{b},{code}.shtml (an older scraper reads it:
# ../shared/reference/sites.md 1.1, JansonLv/eastmoney) is the article of that code, as archives may link it.
# The share page of a news article, html_News/NewsShare.html?infoCode=NW{code} (the mirror's posts of the
# NW-coded columns link it, on the mirror's host: zning1994/finews old_post/2022-02-11-NW202202112274017262.md,
# tests/fixtures/real/2022-05-30-NW202205302396636936.md; archive audit, day 19), is the article of that code.
_EASTMONEY_ARTICLE_RE = re.compile(
    r"^(?:https?:)?//(?P<host>[a-z0-9.-]*eastmoney\.com)/(?:a/|news/\d+,)(?P<code>\d{12,20})\.html"
    r"|^(?:https?:)?//(?P<mobile>(?:emwap|wap|m)\.eastmoney\.com)/news/info/detail/(?P<detail>\d{12,20})"
    r"(?:\.html)?(?=$|[?#])"
    r"|^(?:https?:)?//[a-z0-9.:-]+/(?:[^?#]*/)?html_News/NewsShare\.html\?(?:[^#]*?(?:&amp;|&))?"
    r"infoCode=NW(?P<share>\d{12,20})(?=$|[&#])"
    r"|^(?:https?:)?//(?P<old_mobile>wap\.eastmoney\.com)/3g/news/article,\d+,\d+,\d+,(?P<old>\d{12,20})\.shtml",
    re.IGNORECASE,
)
# Hosts that serve Eastmoney's articles under the same /a/{code}.html as finance.eastmoney.com: the
# mobile site and the channel hosts whose lists link articles there (../shared/reference/sites.md 1.1).
# The codes are global (the 7×24 list gives every item's page as finance.…/a/{code}.html, sites.md
# 2.4), so one code is one article: one document, fetched once at finance. Other hosts keep their own.
# futures., forex. and mss. link the same codes in /news/{col},{code}.html form in the mirror's archives
# (zning1994/finews old_post/2021-12-08-202112082206710723.md …; archive audit, day 18): the commodity and
# forex columns (106, 107) of the column API give those articles at finance. emwap. (2026 digests link
# emwap.eastmoney.com/a/{code}.html with codes inside the same day's finance. codes), money., bond. and
# bank. (the same /a/ form, their own lists /a/cjjlc.html, /a/cyhdd.html) are channel hosts too
# (real-site hunt, day 19: tests/fixtures/real-sites/eastmoney/PROVENANCE.md).
FINANCE_ARTICLE_HOSTS = {
    "wap.eastmoney.com", "m.eastmoney.com", "emwap.eastmoney.com",
    "stock.eastmoney.com", "fund.eastmoney.com", "hk.eastmoney.com", "global.eastmoney.com", "biz.eastmoney.com",
    "futures.eastmoney.com", "forex.eastmoney.com", "mss.eastmoney.com",
    "money.eastmoney.com", "bond.eastmoney.com", "bank.eastmoney.com",
}  # fmt: skip
# china.com.cn, china.org.cn and their channel hosts (finance., tech., news., www. …).
_CHINA_ORG_HOST_RE = re.compile(r"(?:^|\.)china\.(?:com|org)\.cn$", re.IGNORECASE)


def eastmoney_article_code(url: str | None) -> str | None:
    """The numeric article code of an Eastmoney article URL, or ``None``."""
    match = _EASTMONEY_ARTICLE_RE.match((url or "").strip())
    if not match:
        return None
    return match.group("code") or match.group("detail") or match.group("share") or match.group("old")


def canonical_url(url: str) -> str:
    """Normalise an article URL: https, lower-case host, no fragment, Eastmoney's ``/a/{code}.html`` form."""
    url = url.strip()
    match = _EASTMONEY_ARTICLE_RE.match(url)
    if match:
        host = (
            match.group("host") or match.group("mobile") or match.group("old_mobile") or "finance.eastmoney.com"
        ).lower()
        if host in FINANCE_ARTICLE_HOSTS:
            host = "finance.eastmoney.com"
        return f"https://{host}/a/{eastmoney_article_code(url)}.html"
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def is_china_org_host(host: str | None) -> bool:
    """A host of china.com.cn or china.org.cn."""
    return bool(_CHINA_ORG_HOST_RE.search(host or ""))


def fetch_url(url: str) -> str:
    """The address to fetch an article at: an Eastmoney article's one spelling (the column API gives
    ``http://…``, list pages ``//…``, the 7×24 template ``https://…``: fetched once, not once per
    spelling, and without a redirect); a china.com.cn / china.org.cn page over http, the scheme those
    sites serve (sites.md 3.1-3.4), whichever its link gave (both are in use, and both are one
    document); any other address as it is (local replicas are served over plain http)."""
    if _EASTMONEY_ARTICLE_RE.match(url.strip()):
        return canonical_url(url)
    parts = urlsplit(url)
    if parts.scheme == "https" and is_china_org_host(parts.hostname):
        return urlunsplit(parts._replace(scheme="http"))
    return url


def document_id(url: str) -> str:
    """A stable document id: the SHA-1 of the canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()


def url_list(value: Any) -> list[str]:
    """The URLs of a list setting (``-s EASTMONEY_LIST_PAGES=…``, a schedule's or live's settings): Scrapy's
    ``getlist`` splits a string at every comma, which cut Eastmoney's roll list of several channels
    (``roll.eastmoney.com/stock,finance,money,forex,fund.html``) into pieces (second review of day 19). A piece
    that does not start a URL (no scheme, not a path) is joined back to the one before."""
    urls: list[str] = []
    for piece in value if isinstance(value, (list, tuple)) else str(value or "").split(","):
        piece = str(piece).strip()
        if urls and piece and "://" not in piece and not piece.startswith("/"):
            urls[-1] = f"{urls[-1]},{piece}"
        elif piece:
            urls.append(piece)
    return urls
