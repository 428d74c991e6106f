"""Article pages of any site, read with the CSS selectors configured for it in ``configs/sites.yaml``."""

from __future__ import annotations

from parsel import Selector

from core.article import RawArticle
from core.dates import parse_datetime
from tagging.pages.htmlparse import sanitize_html
from tagging.pages.page import NotAnArticleError, canonical_link

_SOURCE_PREFIXES = ("来源：", "来源:", "文章来源：", "文章来源:")


def _first_text(page: Selector, css: str | None) -> str | None:
    if not css:
        return None
    for node in page.css(css):
        text = " ".join(t.strip() for t in node.css("::text").getall() if t.strip())
        if text:
            return text
    return None


def parse_with_selectors(html: str, url: str, selectors: dict[str, str], source: str = "feed") -> RawArticle:
    """Title, body (as HTML, cleaned later like any body), time and outlet by the site's selectors.
    Raises :class:`NotAnArticleError` when the body selector matches nothing."""
    if not html or not html.strip():
        raise NotAnArticleError("empty page")
    page = Selector(text=sanitize_html(html))
    body = page.css(selectors["body"])
    if not body:
        raise NotAnArticleError(f"the body selector {selectors['body']!r} matches nothing")
    media = _first_text(page, selectors.get("media"))
    for prefix in _SOURCE_PREFIXES:
        if media and prefix in media:
            media = media.split(prefix, 1)[1].split()[0]
    tree = page.root if hasattr(page, "root") else None
    return RawArticle(
        source=source,
        url=(canonical_link(tree) if tree is not None else None) or url,
        title=_first_text(page, selectors["title"]),
        published_at=parse_datetime(_first_text(page, selectors.get("published"))),
        media=media,
        body_html=body[0].get(),
        body_source=f"selectors:{source}",  # the site's own CSS selectors from configs/sites.yaml
    )
