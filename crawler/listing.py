"""Reading a list page by what its articles are, not by one container id: every link whose URL is an
article URL of the site is a listed article, and its title, time and summary are read from the item
around it (the largest element holding that link and no other article). Sites redesign their list
pages (Eastmoney's ``#newsListContent`` went away in 2026, the items grew an image variant, the times
a year); the article URLs stay.

Pure functions: HTML and the page's URL in, entries out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from lxml import etree

from core.dates import SHANGHAI, parse_datetime
from tagging.pages.htmlparse import INVISIBLE_TAGS, parse_document_tree

# Times as list pages show them. With a year (``2026年08月17日 20:16``, ``2026-08-17 20:16:05``) the
# year is read, never guessed; without one (``08月17日 20:16``, ``08-17 20:16``) it is the latest
# year that does not put the time in the future.
_FULL_TIME_RE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}\s*[:：]\s*\d{2}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T\s]+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
)
_SHORT_TIME_RE = re.compile(r"(?<!\d)(\d{1,2})\s*(?:月|-|/)\s*(\d{1,2})\s*日?\s+(\d{1,2})\s*[:：]\s*(\d{2})(?!\d)")
_SPACE_RE = re.compile(r"\s+")
_CLASS_WORD_RE = re.compile(r"[A-Za-z]+")
# Class words of the elements that hold an item's time and its summary.
_TIME_CLASSES = frozenset({"time", "date", "pubtime", "datetime", "ptime"})
_SUMMARY_CLASSES = frozenset({"info", "summary", "digest", "desc", "description", "brief", "abstract", "intro"})
# A cluster of items is the page's list when it is the largest, or at least this many with times.
_MIN_TIMED_CLUSTER = 2


@dataclass
class ListedArticle:
    url: str  # absolute
    title: str
    time_text: str  # as the page shows it ("" when the item shows none)
    summary: str


def list_time(text: str | None, now: datetime) -> datetime | None:
    """The time a list item shows, in Beijing time. A year on the page is read as written; a time
    without one (``05月30日 20:46``) gets this year, or last year when that would be in the future."""
    text = text or ""
    full = _FULL_TIME_RE.search(text)
    if full:
        return parse_datetime(full.group(0))
    match = _SHORT_TIME_RE.search(text)
    if not match:
        return None
    month, day, hour, minute = (int(g) for g in match.groups())
    for year in (now.year, now.year - 1):
        try:
            moment = datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
        except ValueError:
            continue
        if moment <= now + timedelta(days=1):
            return moment
    return None


def has_time(text: str) -> bool:
    return bool(_FULL_TIME_RE.search(text) or _SHORT_TIME_RE.search(text))


def _text(node: etree._Element) -> str:
    return _SPACE_RE.sub(" ", node.text_content()).strip()


def _class_words(node: etree._Element) -> set[str]:
    return {w.lower() for w in _CLASS_WORD_RE.findall(node.get("class") or "")}


def _links(root: etree._Element, base_url: str, is_article: Callable[[str], bool]) -> list[tuple[etree._Element, str]]:
    found = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        if any(isinstance(a.tag, str) and a.tag.lower() in INVISIBLE_TAGS for a in link.iterancestors()):
            continue
        try:
            url = urljoin(base_url, href)
            web = urlsplit(url).scheme in ("http", "https")
        except ValueError:  # http://[bad/x: one broken link, not the list (every link of the page was lost)
            continue
        if web and is_article(url):
            found.append((link, url))
    return found


def _item_of(link: etree._Element, url: str, url_of: dict[etree._Element, str]) -> etree._Element:
    """The largest ancestor of ``link`` that holds links to this article only."""
    item = link
    for parent in link.iterancestors():
        if parent.tag in ("body", "html"):
            break
        if any(url_of[a] != url for a in parent.iter("a") if a in url_of):
            break
        item = parent
    return item


def _time_text(item: etree._Element) -> str:
    for node in item.iter():
        if isinstance(node.tag, str) and _class_words(node) & _TIME_CLASSES:
            text = _text(node)
            if has_time(text):
                return text
    # The item's pieces of text apart, not glued: a title ending in a digit (净利增长3) glued to a time without its
    # year (08-19 10:20) hid the time (audit of day 20).
    text = _SPACE_RE.sub(" ", " ".join(item.itertext())).strip()
    match = _FULL_TIME_RE.search(text) or _SHORT_TIME_RE.search(text)
    if match:
        return match.group(0)
    # A time written beside the item rather than inside it (<h2><a …></h2><div class="time">…</div>).
    sibling = item.getnext()
    if sibling is not None and isinstance(sibling.tag, str) and not sibling.xpath(".//a[@href]"):
        text = _text(sibling)
        match = _FULL_TIME_RE.search(text) or _SHORT_TIME_RE.search(text)
        if match:
            return match.group(0)
    return ""


def _summary(item: etree._Element, title: str) -> str:
    for node in item.iter():
        if isinstance(node.tag, str) and _class_words(node) & _SUMMARY_CLASSES and node.tag != "a":
            text = (node.get("title") or "").strip() or _text(node)
            if text and text != title and not has_time(text[:24]):
                return text
    return ""


def _title(links: list[etree._Element]) -> str:
    texts = [_text(a) for a in links]
    best = max(texts, key=len, default="")
    if best:
        return best
    for link in links:
        named = (link.get("title") or "").strip() or " ".join(link.xpath(".//img/@alt")).strip()
        if named:
            return named
    return ""


def find_listed_articles(html: str | bytes, base_url: str, is_article: Callable[[str], bool]) -> list[ListedArticle]:
    """The articles a list page lists, in page order, each once. Article links are grouped by the
    element their items sit in; the page's list is the largest group, with any other group whose
    items show times (side blocks of "most read" titles show none and are left out). An article a
    side block links too is taken from the list, wherever the block stands (资讯精华 blocks may come
    first in the page and link the same articles)."""
    if not html or not html.strip():
        return []
    try:
        tree = parse_document_tree(html)
    except (etree.ParserError, ValueError):
        return []
    found = _links(tree, base_url, is_article)
    url_of = {link: url for link, url in found}
    links_of: dict[str, list[etree._Element]] = {}
    occurrences: dict[tuple[str, etree._Element], list[etree._Element]] = {}  # (url, item) → its links
    for link, url in found:
        links_of.setdefault(url, []).append(link)
        occurrences.setdefault((url, _item_of(link, url, url_of)), []).append(link)
    listed: list[tuple[ListedArticle, etree._Element | None]] = []
    clusters: dict[etree._Element | None, list[ListedArticle]] = {}
    for (url, item), links in occurrences.items():
        title = _title(links) or _title(links_of[url])
        entry = ListedArticle(url, title, _time_text(item), _summary(item, title))
        listed.append((entry, item.getparent()))
        clusters.setdefault(item.getparent(), []).append(entry)
    if not clusters:
        return []
    largest = max(clusters.values(), key=len)
    chosen = {
        id(parent)
        for parent, entries in clusters.items()
        if entries is largest or (len(entries) >= _MIN_TIMED_CLUSTER and any(e.time_text for e in entries))
    }
    kept: dict[str, ListedArticle] = {}
    for entry, parent in listed:
        if id(parent) in chosen and entry.url not in kept:
            kept[entry.url] = entry
    return list(kept.values())
