"""From any input form to a cleaned, tagged :class:`Article`: the one path that the crawler's item
pipelines, ``finnews extract`` and ``finnews ingest`` share."""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from bs4.dammit import UnicodeDammit

from tagging import chinaorg, eastmoney
from tagging.article import Article, RawArticle
from tagging.dates import isoformat
from tagging.jekyll import is_jekyll_post, parse_jekyll_post
from tagging.markup import CleanBody, Mention, clean_body, clean_element
from tagging.tagger import tag_article
from tagging.urls import canonical_url

_CHINAORG_HOST_RE = re.compile(r"china\.(?:com\.cn|org\.cn)", re.IGNORECASE)
_HTML_RE = re.compile(r"<\s*(?:html|body|div|p|span|head)\b", re.IGNORECASE)


class ExtractError(ValueError):
    """An input that cannot be read as an article; the message says why."""


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode page bytes: a declared charset is tried first but not trusted (a page that says UTF-8
    and is GBK decodes as GBK); GBK/GB2312 are read as their superset GB18030."""
    candidates = [e for e in (declared,) if e]
    dammit = UnicodeDammit(data, known_definite_encodings=["utf-8"], user_encodings=[*candidates, "gb18030"])
    if dammit.unicode_markup is None:
        return data.decode("utf-8", errors="replace")
    if dammit.original_encoding and dammit.original_encoding.lower() in ("gbk", "gb2312"):
        return data.decode("gb18030", errors="replace")
    return dammit.unicode_markup


def clean_raw(raw: RawArticle, plain: bool = False) -> CleanBody:
    """The clean text of a raw article and the mentions its markup carries."""
    if raw.body_tree is not None:
        cleaned = clean_element(raw.body_tree)
        if raw.source == "chinaorg":
            cleaned.text = chinaorg.clean_page_text(cleaned.text)
    elif raw.body_html is not None and _HTML_RE.search(raw.body_html or ""):
        cleaned = clean_body(raw.body_html)
        if raw.source == "chinaorg":
            cleaned.text = chinaorg.clean_page_text(cleaned.text)
    else:
        text = raw.body_text if raw.body_text is not None else (raw.body_html or "")
        cleaned = CleanBody(text=chinaorg.clean_page_text(text))
    if plain:
        cleaned.mentions = []
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
    }


def build_article(raw: RawArticle, cleaned: CleanBody, plain: bool = False) -> Article:
    """Tag a cleaned article and assemble the record."""
    media = raw.media or cleaned.media
    tags = tag_article(cleaned.text, cleaned.mentions, title=raw.title, media=media, plain=plain)
    return Article(
        source=raw.source,
        url=canonical_url(raw.url) if raw.url else None,
        title=raw.title or "",
        published_at=raw.published_at,
        media=media,
        author=raw.author or cleaned.editor,
        digest=raw.digest or cleaned.digest,
        text=cleaned.text,
        boards=tags.boards,
        stocks=tags.stocks,
        topics=tags.topics,
        keywords=tags.keywords,
        mentions=[mention_record(m) for m in tags.mentions],
        category=raw.category,
        tags=raw.tags,
    )


def extract_article(raw: RawArticle, plain: bool = False) -> Article:
    return build_article(raw, clean_raw(raw, plain=plain), plain=plain)


def parse_document(text: str, url: str | None = None) -> RawArticle:
    """Recognise the input form: a Jekyll post, an Eastmoney page, a China.org page, or plain text."""
    if not text or not text.strip():
        raise ExtractError("empty input")
    if is_jekyll_post(text):
        return parse_jekyll_post(text)
    if _HTML_RE.search(text):
        is_chinaorg = bool(_CHINAORG_HOST_RE.search(url or "")) or (
            'id="fontzoom"' in text or 'id="articleBody"' in text or 'id="artbody"' in text
        )
        parser = chinaorg.parse_article_page if is_chinaorg and 'id="ContentBody"' not in text else None
        try:
            return (parser or eastmoney.parse_article_page)(text, url or "")
        except eastmoney.NotAnArticleError as error:
            raise ExtractError(str(error)) from error
    return RawArticle(source="text", url=url, body_text=text)


def article_record(article: Article) -> dict[str, Any]:
    """The JSON form of an article (``finnews extract`` output, export rows)."""
    # A shallow copy: the lists inside are built fresh for each article (asdict would deep-copy them).
    record = {field.name: getattr(article, field.name) for field in fields(article)}
    record["published_at"] = isoformat(article.published_at)
    return record
