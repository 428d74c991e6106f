"""From any input form to a cleaned, tagged :class:`Article`: the one path that the crawler's item
pipelines, ``finnews extract`` and ``finnews ingest`` share."""

from __future__ import annotations

import html as html_module
import re
from dataclasses import fields
from typing import Any

from core.article import Article, CleanBody, Mention, RawArticle
from core.dates import isoformat
from core.urls import canonical_url
from tagging.markup.clean import clean_body, clean_element
from tagging.markup.lines import clean_plain_text, drop_zero_width
from tagging.pages import body
from tagging.pages.htmlparse import parse_fragment
from tagging.pages.jekyll import is_jekyll_post, opens_front_matter, parse_jekyll_post
from tagging.pages.maincontent import line_keeper
from tagging.pages.page import NUL_SHARE, SNIFF_CHARS, NotAnArticleError
from tagging.pages.site_cleanup import page_text_cleanup, text_body_cleanup
from tagging.pages.textfile import text_fields
from tagging.tagger import listed_mentions, tag_article

# Markup of any kind: a page, a fragment, a lone link or emphasis, a comment.
_HTML_RE = re.compile(
    r"<\s*(?:!doctype|!--|/?\s*(?:html|head|body|div|p|span|a|br|strong|b|em|i|u|font|table|tbody|tr|td|th|"
    r"img|center|h[1-6]|section|article|ul|ol|li|blockquote|pre|meta|title|script|style)\b)",
    re.IGNORECASE,
)
# A body stored escaped once more: "&lt;p&gt;", "&lt;span id=…".
_ESCAPED_HTML_RE = re.compile(r"&(?:lt|#60|#x3c);\s*/?\s*(?:p|span|div|a|br|strong|table|img|center|h[1-6])\b", re.I)
# Escaped twice or more: the ampersand of &lt; escaped again (&amp;lt;, &amp;amp;lt;).
_MULTI_ESCAPED_HTML_RE = re.compile(
    r"&(?:amp;)+(?:lt|#60|#x3c);\s*/?\s*(?:p|span|div|a|br|strong|table|img|center|h[1-6])\b", re.I
)
_MAX_EXTRA_ESCAPES = 3
# Not text: a sample of the input with this share of control or undecodable characters (or NUL bytes,
# tagging.pages.page.NUL_SHARE).
_CONTROL_SNIFF_CHARS = 512
_BINARY_SHARE = 0.1
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


class ExtractError(ValueError):
    """An input that cannot be read as an article; the message says why."""


def clean_raw(raw: RawArticle) -> CleanBody:
    """The clean text of a raw article and the mentions its markup carries. A body without text
    (a post with only its digest) has the digest as its text."""
    keep_line = line_keeper(raw.kept_text) if raw.kept_text else None
    if raw.body_tree is not None or (raw.body_html is not None and _HTML_RE.search(raw.body_html or "")):
        cleaned = (
            clean_element(raw.body_tree, keep_line=keep_line)
            if raw.body_tree is not None
            else clean_body(raw.body_html)
        )
        site_cleanup = page_text_cleanup(raw.source, raw.body_source)
        if site_cleanup is not None:
            cleaned.text = site_cleanup(cleaned.text)
    elif raw.body_text is None and raw.source == "jekyll":
        # A mirrored post whose body is text, which Jekyll renders: its entities are characters.
        cleaned = clean_plain_text(html_module.unescape(raw.body_html or ""))
    else:
        text = raw.body_text if raw.body_text is not None else (raw.body_html or "")
        cleaned = CleanBody(text=text_body_cleanup(raw.source)(drop_zero_width(text)))
    if not cleaned.text and raw.digest:
        cleaned.text = clean_plain_text(raw.digest).text
        cleaned.from_digest = bool(cleaned.text)
    return cleaned


def mention_record(mention: Mention) -> dict[str, Any]:
    return {
        "secid": mention.secid,
        "kind": mention.security.kind,
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "where": mention.where,
        "source": mention.source,
        "how": mention.how,
    }


def instruments_of(mentions: list[Mention]) -> list[dict[str, Any]]:
    """The indexes, funds and other quoted things (a market finnews does not classify: a 7×24 item's
    ``150.012322``) that the markup or the list names, once each in order of first mention: not stocks or boards."""
    found: dict[str, dict[str, Any]] = {}
    for mention in mentions:
        security = mention.security
        if security.kind in ("index", "fund", "other"):
            # A chart or a list gives the code alone: no name (a mention in the text may give it).
            name = mention.text if mention.text != security.code else ""
            entry = found.setdefault(
                security.secid, {"secid": security.secid, "code": security.code, "kind": security.kind, "name": name}
            )
            entry["name"] = entry["name"] or name
    return list(found.values())


def build_article(raw: RawArticle, cleaned: CleanBody, plain: bool = False, markup_only: bool = False) -> Article:
    """Tag a cleaned article and assemble the record (``plain``, ``markup_only``: :func:`tag_article`)."""
    # A page's own source field outranks its body's line; a post's outlet is guessed from its digest's
    # last bracket (…（央行）, …（同比）), so there the body's source line (（文章来源：央行网站）) comes first.
    media = (cleaned.media or raw.media) if raw.source == "jekyll" else (raw.media or cleaned.media)
    # Zero-width characters are deleted from the title and the summary as from the text (宁德\u200b时代).
    title = drop_zero_width(raw.title or "")
    digest = raw.digest or cleaned.digest
    # The tagger takes boards and stocks from the markup; indexes and funds are listed apart.
    tags = tag_article(
        cleaned.text,
        cleaned.mentions,
        title=title,
        media=media,
        plain=plain,
        published_at=raw.published_at,
        markup_only=markup_only,
        listed=raw.listed_securities,
        charted=cleaned.charted,
    )
    # the markup's (charts too) and the list's, whatever the reading
    instruments = instruments_of(
        [*cleaned.mentions, *listed_mentions(raw.listed_securities), *listed_mentions(cleaned.charted, "chart")]
    )
    return Article(
        source=raw.source,
        url=canonical_url(raw.url) if raw.url else None,
        title=title,
        published_at=raw.published_at,
        media=media,
        author=raw.author or cleaned.editor,
        digest=drop_zero_width(digest) if digest else digest,
        text=cleaned.text,
        boards=tags.boards,
        stocks=tags.stocks,
        rejected_markup=tags.rejected_markup,
        topics=tags.topics,
        keywords=tags.keywords,
        mentions=[mention_record(m) for m in tags.mentions],
        category=raw.category,
        tags=raw.tags,
        instruments=instruments,
        body_source=raw.body_source,
    )


def extract_article(raw: RawArticle, plain: bool = False, markup_only: bool = False) -> Article:
    """Clean and tag a raw article. A body given as HTML that no parser has decided on yet (a JSON
    record's ``html`` field) goes through the body decision first. ``plain``: the markup ignored, tags
    from the text alone; ``markup_only``: tags from the markup alone (:func:`tagging.tagger.tag_article`)."""
    if raw.body_source is None and raw.body_tree is None and _holds_html(raw.body_html):
        raw = body.settle_html_body(raw)
    return build_article(raw, clean_raw(raw), plain=plain, markup_only=markup_only)


def warm_up() -> None:
    """Load the tagging stack (jieba's dictionary, the knowledge base, the lexicon, the linker's automaton, the
    IDF table) by tagging one short article, so that the first real article does not pay for it: a crawl loads
    it when the spider opens, before any request is sent, so no download's timer waits on it."""
    extract_article(RawArticle(source="text", url="https://example.com/warm-up", body_text="贵州茅台发布公告。"))


def _post_body_has_text(body_html: str | None) -> bool:
    if not body_html or not body_html.strip():
        return False
    return body.has_visible_text(parse_fragment(body_html)) if "<" in body_html else True


def _holds_html(text: str | None) -> bool:
    return bool(text) and bool(_HTML_RE.search(text) or _ESCAPED_HTML_RE.search(text))


def not_text_reason(text: str) -> str | None:
    """Why an input holds no article text (empty, binary), or ``None``."""
    if not text or text.isspace():  # (not a stripped copy of the whole input)
        return "empty input"
    sample = text[:SNIFF_CHARS]
    # NUL bytes and undecodable bytes are counted at C speed; other control characters (a slower
    # regular expression) in the first part of the sample only.
    if sample.count("\x00") >= NUL_SHARE * len(sample) or sample.count("\ufffd") >= _BINARY_SHARE * len(sample):
        return "not text: binary data"
    head = sample[:_CONTROL_SNIFF_CHARS]
    if len(_CONTROL_RE.findall(head)) >= _BINARY_SHARE * len(head):
        return "not text: binary data"
    return None


def parse_document(text: str, url: str | None = None, name: str | None = None) -> RawArticle:
    """Recognise the input form: a Jekyll post, HTML of any form (see :mod:`tagging.pages.body`), or plain
    text (its title and date found in it or in the file ``name``: :mod:`tagging.pages.textfile`). Raises
    :class:`ExtractError` only for inputs that hold no article text."""
    reason = not_text_reason(text)
    if reason:
        raise ExtractError(reason)
    if is_jekyll_post(text):
        post = parse_jekyll_post(text, name)
        extra_levels = 0
        if post.body_html:
            post.body_html, extra_levels = _unescape_extra_levels(post.body_html)
        raw = body.settle_fragment(post)
        if extra_levels and raw.body_source:  # jekyll+escaped+escaped: the post's body, escaped twice
            raw.body_source = raw.body_source.replace("jekyll", "jekyll" + f"+{body.ESCAPED}" * extra_levels, 1)
        raw.url = raw.url or url
        if not (raw.title or raw.digest or _post_body_has_text(raw.body_html)):
            raise ExtractError("no article text: a post with front matter only")
        return raw
    if opens_front_matter(text):
        raise ExtractError("a Jekyll post whose front matter is not closed (no second '---' line): damaged")
    text, extra_levels = _unescape_extra_levels(text)
    if _HTML_RE.search(text) or _ESCAPED_HTML_RE.search(text):
        try:
            raw = body.decide(text, url)
            if extra_levels and raw.body_source:
                raw.body_source = f"{body.ESCAPED}+" * extra_levels + raw.body_source
            return raw
        except NotAnArticleError as error:
            raise ExtractError(str(error)) from error
    fields = text_fields(text, name)
    return RawArticle(
        source="text",
        url=url,
        title=fields.title,
        published_at=fields.published_at,
        body_text=fields.body,
        body_source=f"text; {fields.how}",
    )


def _unescape_extra_levels(text: str) -> tuple[str, int]:
    """A body escaped more than once (``&amp;lt;p&amp;gt;``: an escaped body stored in HTML again)
    loses the extra levels here, at most three; the last level is the body decision's own."""
    levels = 0
    while levels < _MAX_EXTRA_ESCAPES and not _HTML_RE.search(text) and _MULTI_ESCAPED_HTML_RE.search(text):
        text = html_module.unescape(text)
        levels += 1
    return text, levels


def article_record(article: Article) -> dict[str, Any]:
    """The JSON form of an article (``finnews extract`` output, export rows)."""
    # A shallow copy: the lists inside are built fresh for each article (asdict would deep-copy them).
    record = {field.name: getattr(article, field.name) for field in fields(article)}
    record["published_at"] = isoformat(article.published_at)
    return record
