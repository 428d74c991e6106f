"""Canonical article URLs: one spelling per article, so one document id per article."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

# Both /news/1355,{code}.html and /a/{code}.html serve the same Eastmoney article.
_EASTMONEY_ARTICLE_RE = re.compile(
    r"^(?:https?:)?//(?P<host>[a-z0-9.-]*eastmoney\.com)/(?:a/|news/\d+,)(?P<code>\d{12,20})\.html",
    re.IGNORECASE,
)
_MOBILE_HOSTS = {"wap.eastmoney.com", "m.eastmoney.com"}


def eastmoney_article_code(url: str | None) -> str | None:
    """The numeric article code of an Eastmoney article URL, or ``None``."""
    match = _EASTMONEY_ARTICLE_RE.match((url or "").strip())
    return match.group("code") if match else None


def canonical_url(url: str) -> str:
    """Normalise an article URL: https, lower-case host, no fragment, Eastmoney's ``/a/{code}.html`` form."""
    url = url.strip()
    match = _EASTMONEY_ARTICLE_RE.match(url)
    if match:
        host = match.group("host").lower()
        if host in _MOBILE_HOSTS:
            host = "finance.eastmoney.com"
        return f"https://{host}/a/{match.group('code')}.html"
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def fetch_url(url: str) -> str:
    """The address to fetch an article at: an Eastmoney article's one spelling (the column API gives
    ``http://…``, list pages ``//…``, the 7×24 template ``https://…``: fetched once, not once per
    spelling, and without a redirect); any other address as it is (china.com.cn pages and local
    replicas are served over plain http)."""
    return canonical_url(url) if _EASTMONEY_ARTICLE_RE.match(url.strip()) else url


def document_id(url: str) -> str:
    """A stable document id: the SHA-1 of the canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()
