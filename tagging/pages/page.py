"""Reading a whole page: its bytes decoded, its tree parsed, and the small readers every page parser
shares (an element's text, a ``<meta>`` value, the canonical link)."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import urlsplit

from bs4.dammit import UnicodeDammit
from lxml import etree

from tagging.pages.htmlparse import parse_document_tree

logger = logging.getLogger(__name__)

# Binary shows itself from the first bytes on (headers, tables of small integers): a sample of this
# many characters (or bytes) with this share of NUL bytes is not text.
SNIFF_CHARS = 4096
NUL_SHARE = 0.01
# UTF-8 text with at most one undecodable sequence in this many non-ASCII characters is damaged UTF-8 text.
DAMAGED_SHARE_INVERSE = 20
DAMAGED_CHINESE_PER_BAD = 2  # Chinese characters per bad sequence that make text read as UTF-8 damaged UTF-8
_SPACE_RE = re.compile(r"\s+")
# The attributes a <meta> names its value by on most pages; pages of unknown sites also use itemprop.
NAME_ATTRIBUTES = ("name", "property")


class NotAnArticleError(ValueError):
    """The page has no article body (a list page, an error page, an empty page)."""


_WESTERN_SINGLE_BYTE = frozenset(
    ("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "cp1252", "windows-1252", "ascii", "us-ascii", "cp819")
)


_HIGH_PAIR_RE = re.compile(rb"[\x81-\xfe][\x81-\xfe]")
_HIGH_BEFORE_ASCII_RE = re.compile(rb"[\x80-\xff][\x00-\x7f]")


def _looks_like_gb(data: bytes) -> bool:
    """Whether high bytes mostly come in pairs, as GBK's Chinese characters do (a run of them ends once
    before ASCII), not one by one before ASCII letters, as Latin-1's accented letters do."""
    sample = data[: SNIFF_CHARS * 4]
    return len(_HIGH_PAIR_RE.findall(sample)) > len(_HIGH_BEFORE_ASCII_RE.findall(sample))


class _UnnamedReplacementWarning(logging.Filter):
    """bs4 says that characters were replaced without naming the input: :func:`decode_html` says it with the
    name instead (archive audit, day 18: one such line in a load of 125 files could not be traced)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "could not be decoded" not in record.getMessage()


logging.getLogger("bs4.dammit").addFilter(_UnnamedReplacementWarning())


def decode_html(data: bytes, declared: str | None = None, name: str | None = None) -> str:
    """Decode page bytes: a declared charset is tried first but not trusted (a page that says UTF-8
    and is GBK decodes as GBK); GBK/GB2312 are read as their superset GB18030. Bytes no encoding reads
    are replaced by U+FFFD, the rest kept, and the input (``name``: its file or URL) named in a warning."""
    return _warned_replacements(_decoded(data, declared), data, name or "a page")


def decode_text(data: bytes, name: str | None = None) -> str:
    """Decode the bytes of a text input with no charset of its own (a JSON Lines line, a JSON or CSV
    file): UTF-8, with or without BOM, else GB18030 (what Chinese Windows and Excel save), each read
    strictly. Text in one of them with a few damaged bytes is read in it with those replaced by U+FFFD,
    and the input (``name``: its file or ``file:line``) named in a warning. UTF-8 first and then strict
    GB18030 mis-read a UTF-8 file with one damaged byte whole as GB18030 mojibake; UTF-8 with errors
    replaced turned a GBK file into U+FFFD throughout, without a word (review of day 19)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Windows' "Unicode")
        text = data.decode("utf-16", errors="replace")
        return _warned_replacements(text, data, name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = _damaged_chinese(data)
    if text is None:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
    return _warned_replacements(text.removeprefix("\ufeff"), data, name)


def _warned_replacements(text: str, data: bytes, name: str | None) -> str:
    """``text`` decoded from ``data``, its replaced bytes (not the U+FFFD the bytes spell) named in a warning."""
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    if replaced > 0:
        logger.warning("%s: %d undecodable byte sequence(s) replaced by U+FFFD", name or "an input", replaced)
    return text


def _decoded(data: bytes, declared: str | None) -> str:
    sample = data[:SNIFF_CHARS]
    if sample.count(0) >= NUL_SHARE * len(sample) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Binary (NUL bytes, no UTF-16 mark): kept byte for byte, so parse_document names it as such,
        # without the decoder's guessing (and its warnings) first.
        return data.decode("latin-1")
    # A single-byte Western charset decodes any bytes, so declared first it would always win: a GBK page
    # served as ISO-8859-1 (a common server default; Scrapy reads it as cp1252) came out as mojibake.
    # GB18030 goes first when the bytes look like GB: Chinese characters are pairs of high bytes, while
    # Western text puts a high byte (ü, é, ã) before an ASCII letter (Müller, São).
    if declared and declared.lower().replace("_", "-") in _WESTERN_SINGLE_BYTE and _looks_like_gb(data):
        user_encodings = ["gb18030", declared]
    else:
        user_encodings = [*([declared] if declared else []), "gb18030"]
    dammit = UnicodeDammit(data, known_definite_encodings=["utf-8"], user_encodings=user_encodings)
    if dammit.unicode_markup is None:
        return data.decode("utf-8", errors="replace")
    encoding = (dammit.original_encoding or "").lower().replace("_", "-")
    if encoding in ("gbk", "gb2312"):
        return data.decode("gb18030", errors="replace")
    if encoding in _WESTERN_SINGLE_BYTE:
        # A Western charset reads any bytes: Chinese text with one damaged byte, which neither UTF-8 nor
        # GB18030 read strictly, came out whole as mojibake (Êý×Ö¾­¼Ã). It is read with that byte replaced.
        return _damaged_chinese(data) or dammit.unicode_markup
    return dammit.unicode_markup


def _damaged_chinese(data: bytes) -> str | None:
    """``data`` read as UTF-8 or GB18030 with its few undecodable bytes replaced, when it is text in one of
    them (a few bad sequences among many good ones, or GB's pairs of high bytes); None for Western text."""
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd") - data.count("\ufffd".encode())
    wide = sum(1 for character in as_utf8 if character > "\x7f")
    # Chinese characters read as UTF-8 are what a short line of it shows: GB bytes seldom make one by chance
    # (in GBK-encoded corpus text, fewer than one for ten bad sequences), UTF-8 with a damaged byte makes many.
    chinese = sum(1 for character in as_utf8 if "\u4e00" <= character <= "\u9fff")
    if bad > 0 and (wide >= DAMAGED_SHARE_INVERSE * bad or chinese >= DAMAGED_CHINESE_PER_BAD * bad):
        return as_utf8
    if _looks_like_gb(data):
        return data.decode("gb18030", errors="replace")
    return None


def parse_page(html: str | bytes) -> etree._Element:
    """A whole page parsed (control characters dropped first, deep nesting kept);
    :class:`NotAnArticleError` for an empty or unparseable page."""
    if not html or not html.strip():
        raise NotAnArticleError("empty page")
    try:
        return parse_document_tree(html)
    except (etree.ParserError, ValueError) as error:
        raise NotAnArticleError(f"unparseable HTML: {error}") from error


def text_of(node: etree._Element | None) -> str:
    """The text a reader sees in an element, white space folded to single spaces; ``""`` for none."""
    return _SPACE_RE.sub(" ", node.text_content()).strip() if node is not None else ""


_compiled = threading.local()  # each thread its own compiled expressions (lxml's XPath objects are not shared)


def xpath(node: etree._Element, expression: str) -> Any:
    """``node.xpath(expression)``, the expression compiled once per thread (a page is read with the same few
    dozen; compiling them again for every page cost a few per cent of extract + tag, bench/tagging.py)."""
    cache = getattr(_compiled, "xpaths", None)
    if cache is None:
        cache = _compiled.xpaths = {}
    compiled = cache.get(expression)
    if compiled is None:
        compiled = cache[expression] = etree.XPath(expression)
    return compiled(node)


def first(tree: etree._Element, *xpaths: str) -> etree._Element | None:
    """The first element the first matching XPath finds, or ``None``."""
    for expression in xpaths:
        found = xpath(tree, expression)
        if found:
            return found[0]
    return None


def meta_content(tree: etree._Element, *names: str, attributes: tuple[str, ...] = NAME_ATTRIBUTES) -> str | None:
    """The value of the first ``<meta>`` named by one of ``names`` (in that order) under one of
    ``attributes``; a tag present but empty counts as missing."""
    for name in names:
        named = " or ".join(f'@{attribute}="{name}"' for attribute in attributes)
        found = xpath(tree, f"//meta[{named}]/@content")
        if found and found[0].strip():
            return found[0].strip()
    return None


# The path of a site's home page, which some templates give as every article's canonical or og:url
# (china.com.cn's 2024 template: og:url = http://www.china.com.cn/ on every article).
_HOME_PATH_RE = re.compile(r"/*(?:index\.s?html?|default\.html?)?", re.IGNORECASE)


def article_address(value: str | None) -> str | None:
    """``value`` when it can be an article's own address: absolute http(s), and not a site's home page."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # https://[站点域名]/news/1.html: a template's placeholder, no address (the page was lost)
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or _HOME_PATH_RE.fullmatch(parts.path):
        return None
    return value


def canonical_link(tree: etree._Element) -> str | None:
    """The page's own address: its canonical link, else its ``og:url``; neither when it is a site's
    home page or not an absolute address (the caller then keeps the address it fetched): taken as
    the article's address, every article of such a template would be one document."""
    found = xpath(tree, '//link[@rel="canonical"]/@href')
    return article_address(found[0] if found else None) or article_address(meta_content(tree, "og:url"))
