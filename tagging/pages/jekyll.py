"""Mirrored Eastmoney posts kept as Jekyll markdown: front matter, a ``>`` digest, the article HTML,
the source URL in angle brackets, then the mirror's back-links.

The mirror wrote its posts in several forms over time, all read here: blank lines before the front
matter, a date without a time zone (Beijing time), posts with only the digest (as a ``>`` quote or as
plain text), an empty ``<>`` source line, and posts of its second crawler (``NW…`` file names, the
outlet's name in pinyin as the category, ``{outlet}新闻`` as the tag, a share link as the source)."""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime

import yaml

from core.article import RawArticle
from core.dates import date_from_article_code, parse_datetime
from core.jsontext import without_lone_surrogates
from core.urls import eastmoney_article_code

logger = logging.getLogger(__name__)

_FRONT_MATTER_RE = re.compile(r"\A\ufeff?(?:[ \t]*\r?\n)*---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# The second crawler's posts: the category is the outlet in pinyin, the tag the outlet + 新闻.
_PINYIN_CATEGORY_RE = re.compile(r"^[a-z]+$")
_OUTLET_TAG_SUFFIX = "新闻"
_MIRROR_OWN_CATEGORY = "emnews"
# Jekyll names a post by its date: _posts/2021-12-08-202112082206704122.md.
_POST_NAME_DATE_RE = re.compile(r"(?:^|/)(\d{4})-(\d{2})-(\d{2})-[^/]*$")
_SOURCE_URL_RE = re.compile(r"^<\s*((?:https?:)?//[^>\s]+)?\s*>$")
_BACK_LINK_RE = re.compile(r"^\[[^\]]*\]\([^)]*\)(?:\s*[|｜]\s*\[[^\]]*\]\([^)]*\))*\s*$")
_DIGEST_SOURCE_RE = re.compile(r"[（(]([^（()）]{1,20})[)）]\s*$")
# The notes headlines end with in brackets, never an outlet's name: 附名单, 附股, 图, 组图, 全文, 更新中, 视频, 直播 …
_HEADLINE_NOTE_RE = re.compile(
    r"附.*|[上中下一二三四五六七八九十]|(?:高清|最新|深度|文字|全文|图文|视频|现场|持续)*"
    r"(?:组?图|多图|图文|图解|全文|更新中?|视频|直播|实录|名单|解读|摘要|修订版?|续)+"
)


class JekyllError(ValueError):
    """The file is not a Jekyll post."""


# The opening of a post: a first line '---', then a front-matter key. Without its closing '---' it is a
# damaged post, not a text whose first line is '---' (archive audit, day 18: it was indexed as one, titled
# '---', its text the YAML lines, the source line and the mirror's back-links).
_FRONT_MATTER_OPENING_RE = re.compile(r"\A\ufeff?(?:[ \t]*\n)*---[ \t]*\n(?:[ \t]*\n)*[A-Za-z_][\w-]*[ \t]*:")


_OPENING_CHARS = 2000  # enough for blank lines, the '---' and a first key


def _unix_lines(text: str) -> str:
    """Line ends as \n: CRLF, and the old Mac's lone CR (a post saved so was read as one line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def is_jekyll_post(text: str) -> bool:
    return bool(_FRONT_MATTER_RE.match(_unix_lines(text)))


def opens_front_matter(text: str) -> bool:
    """Whether ``text`` opens as a post does (a damaged one when :func:`is_jekyll_post` is false)."""
    return bool(_FRONT_MATTER_OPENING_RE.match(_unix_lines(text[:_OPENING_CHARS])))


# The front-matter keys that hold lists; any other value is a string, even one that opens with "[" (a
# title such as "[快讯]贵州茅台发布年报").
_LIST_KEYS = frozenset(("tags", "categories", "category"))


# YAML breaks lines at U+2028, U+2029 and U+0085 as at a newline: an unquoted title holding one (a line
# separator pasted from a web page) was cut there, the rest read as a broken key. Within the block they stand
# in for themselves as private-use characters while YAML reads it, and are put back in every value.
_YAML_BREAKS = {"\u2028": "\uf8f0", "\u2029": "\uf8f1", "\x85": "\uf8f2"}
_YAML_BREAKS_BACK = str.maketrans({stand_in: char for char, stand_in in _YAML_BREAKS.items()})


def _with_breaks_back(value: object) -> object:
    if isinstance(value, str):
        return value.translate(_YAML_BREAKS_BACK)
    if isinstance(value, list):
        return [_with_breaks_back(item) for item in value]
    if isinstance(value, dict):
        return {key: _with_breaks_back(item) for key, item in value.items()}
    return value


def _front_matter(block: str, name: str | None = None) -> dict[str, object]:
    problem = "not a mapping"
    breaks = (
        any(char in block for char in _YAML_BREAKS)
        and not any(stand_in in block for stand_in in _YAML_BREAKS.values())
        and "\\uf8f" not in block.lower()  # nor written as an escape: it would come back as the separator
    )
    try:
        # BaseLoader keeps every value a string: dates like "2022-05-30 20:46:00 +0800" stay as written.
        data = yaml.load(block.translate(str.maketrans(_YAML_BREAKS)) if breaks else block, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        data, problem = None, str(error).splitlines()[0]
    if isinstance(data, dict) and breaks:
        data = _with_breaks_back(data)
    if isinstance(data, dict):
        # "\ud83d\udcc8" in a double-quoted value: PyYAML keeps each half of the pair a lone surrogate, which the
        # tokenizer refuses (as a JSON escape's: core/jsontext.py).
        return without_lone_surrogates(data) if "\\u" in block or "\\U" in block else data
    # Damaged front matter: fall back to "key: value" lines, said so (the fields may be incomplete).
    logger.warning("%sdamaged Jekyll front matter (%s): read line by line", f"{name}: " if name else "", problem)
    fields: dict[str, object] = {}
    block_list: list[str] | None = None  # the items of a list key written as "- item" lines under it
    for line in block.replace("\r\n", "\n").split("\n"):  # the file's lines (splitlines also cuts at U+2028)
        item = line.strip()
        if block_list is not None and item.startswith("- "):
            block_list.append(_unquoted(item[2:].strip()))
            continue
        block_list = None
        key, sep, value = line.partition(":")
        if sep and key.strip():
            value = value.strip()
            if value.startswith("[") and key.strip() in _LIST_KEYS:  # a flow list, perhaps unclosed: "[a, b"
                fields[key.strip()] = [v.strip().strip("\"'") for v in value.strip("[]").split(",") if v.strip()]
            elif not value and key.strip() in _LIST_KEYS:
                block_list = []
                fields[key.strip()] = block_list
            else:
                fields[key.strip()] = _unquoted(value)
    return fields


def _unquoted(value: str) -> str:
    """A scalar without its one pair of enclosing quotes: the title "他说"好"" keeps its inner ones."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [v for v in value.split() if v]
    return []


def parse_jekyll_post(text: str, name: str | None = None) -> RawArticle:
    """Parse a mirrored post (``name``: its file, for messages). Raises :class:`JekyllError` when there
    is no front matter."""
    text = _unix_lines(text)
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        raise JekyllError("no Jekyll front matter (a first line '---')")
    meta = _front_matter(match.group(1), name)
    digest_lines: list[str] = []
    body_lines: list[str] = []
    body_begun = False  # whether a body line with text has come (blank ones may stand before the digest)
    url = None
    for line in text[match.end() :].splitlines():
        stripped = line.strip()
        source = _SOURCE_URL_RE.match(stripped)
        if source:
            url = source.group(1) or url
        elif _BACK_LINK_RE.match(stripped):
            continue  # the mirror's 返回… links
        elif stripped.startswith(">") and not body_begun:
            digest_lines.append(stripped.lstrip(">").strip())
        else:
            body_lines.append(line)
            body_begun = body_begun or bool(stripped)
    if url and url.startswith("//"):
        url = "http:" + url
    # Jekyll renders the digest as Markdown: its entities (&quot;, &amp;) are characters to a reader.
    digest = html.unescape(" ".join(d for d in digest_lines if d)) or None
    title = str(meta.get("title") or "").strip() or None
    categories = _as_list(meta.get("categories") or meta.get("category"))
    tags = _as_list(meta.get("tags"))
    category = categories[0] if categories else None
    body = "\n".join(body_lines).strip()
    # A post whose body is only the digest, written as text, ends with the outlet in brackets too.
    text_digest = body if body and "<" not in body and "\n" not in body else None
    return RawArticle(
        source="jekyll",
        url=url,
        title=title,
        published_at=_post_date(meta, url, name),
        media=_media_from_digest(digest, title)
        or _media_from_digest(text_digest, title)
        or _media_from_category(category, tags),
        digest=digest,
        body_html=body,
        category=category,
        tags=tags,
        body_source="jekyll",
    )


def _post_date(meta: dict, url: str | None, name: str | None) -> datetime | None:
    """The post's front matter date. Without one, the day its Eastmoney article code or its file name gives
    (Jekyll itself dates a post by its file name); when ``date:`` is there but empty or not a date
    (``2021-12-32``, ``yesterday``: a damaged post), with a warning naming the post. Left without a date,
    such a post fell out of every date range without a word (reviews of day 19)."""
    written = str(meta.get("date") or "").strip()
    moment = parse_datetime(written)
    if moment is not None:
        return moment
    named = _POST_NAME_DATE_RE.search(name or "")
    fallback = date_from_article_code(eastmoney_article_code(url) or "") or (
        parse_datetime("-".join(named.groups())) if named else None
    )
    if "date" in meta:
        damage = (
            f"the front matter date {written[:40]!r} is not a date" if written else "the front matter date is empty"
        )
        dated = f"dated by its article code or file name, {fallback:%Y-%m-%d}" if fallback else "the post has no date"
        logger.warning("%s: %s; %s", name or "a post", damage, dated)
    return fallback


def _media_from_digest(digest: str | None, title: str | None = None) -> str | None:
    """Eastmoney digests end with the outlet in brackets: "…（新华网）". Not a bracket the title ends with
    too (a digest that is the headline: "…来看看都买了哪些股？（附名单）"), nor one of a headline's own
    notes (（附股）, （图）, （全文）, （更新中）: archive audit, day 18)."""
    match = _DIGEST_SOURCE_RE.search(digest or "")
    if not match:
        return None
    named = match.group(1).strip()
    if _HEADLINE_NOTE_RE.fullmatch(named) or (
        title and _DIGEST_SOURCE_RE.search(title) and title.endswith(match.group(0).strip())
    ):
        return None
    return named


def _media_from_category(category: str | None, tags: list[str]) -> str | None:
    """The second crawler's posts name their outlet in the tag (``中国证券报新闻``, category in pinyin)."""
    if not category or category == _MIRROR_OWN_CATEGORY or not _PINYIN_CATEGORY_RE.match(category):
        return None
    if len(tags) == 1 and tags[0].endswith(_OUTLET_TAG_SUFFIX) and len(tags[0]) > len(_OUTLET_TAG_SUFFIX):
        return tags[0][: -len(_OUTLET_TAG_SUFFIX)]
    return None
