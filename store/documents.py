"""Article documents: the indexed form of an article (its record, content hash and fingerprint), cut
to the article size limit; and the document of a record indexed before."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from functools import cache
from typing import Any

from core.article import Article
from core.config import max_article_bytes
from core.dates import SHANGHAI, isoformat, parse_datetime_exactly
from core.urls import document_id
from store import dedup

logger = logging.getLogger(__name__)

# Fields whose change makes a re-crawled article an update (crawl times are not content).
CONTENT_FIELDS = ("url", "title", "text", "digest", "media", "author", "published_at", "boards", "stocks", "topics")


def content_hash(record: dict[str, Any]) -> str:
    payload = json.dumps({k: record.get(k) for k in CONTENT_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def cut_text(text: str | None, limit: int) -> str | None:
    """At most ``limit`` UTF-8 bytes of ``text``, ended at a line break when one is near the end."""
    if not text or len(text) * 4 <= limit:  # no character is longer than 4 bytes
        return text
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", errors="ignore")
    line_end = cut.rfind("\n")
    return cut[:line_end] if line_end > len(cut) * 0.9 else cut


def _within_limit(record: dict[str, Any]) -> dict[str, Any]:
    """The record with title, text and digest cut to the article size limit (``limits.max_article_mb``)
    and the mentions past a cut dropped: a giant page is never passed whole to the node."""
    limit = max_article_bytes()
    cut = {name: cut_text(record.get(name), limit) for name in ("title", "text", "digest")}
    if all(cut[name] is record.get(name) for name in cut):
        return record
    logger.warning("%s: text cut to the limit of %d bytes (limits.max_article_mb)", record.get("url"), limit)
    lengths = {"title": len(cut["title"] or ""), "body": len(cut["text"] or "")}
    mentions = [
        m
        for m in record.get("mentions") or []
        if not isinstance(m, dict) or m.get("where") not in lengths or (m.get("end") or 0) <= lengths[m["where"]]
    ]
    return {**record, **cut, "mentions": mentions}


# Elasticsearch refuses a whole document when one keyword value is longer than 32,766 UTF-8 bytes (an "immense
# term"): a broken page's author line or a JSON record's tag can be. Such values are cut to this many characters
# (4 bytes each at most), the article kept.
KEYWORD_CHARS = 1024
_KEYWORD_FIELDS = ("media", "author", "category")
_KEYWORD_LISTS = ("tags", "keywords")
_NAMED_LISTS = ("boards", "stocks", "instruments", "topics")  # their entries' ids, codes and names are keywords too


def _terms_within_limit(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every keyword value cut to KEYWORD_CHARS, and a warning naming the fields cut."""
    cut: list[str] = []

    def short(value: Any, field: str) -> Any:
        if isinstance(value, str) and len(value) > KEYWORD_CHARS:
            cut.append(field)
            return value[:KEYWORD_CHARS]
        return value

    for field in _KEYWORD_FIELDS:
        document[field] = short(document.get(field), field)
    for field in _KEYWORD_LISTS:
        document[field] = [short(value, field) for value in document.get(field) or []]
    for field in _NAMED_LISTS:
        document[field] = [
            {key: short(value, f"{field}.{key}") for key, value in entry.items()} if isinstance(entry, dict) else entry
            for entry in document.get(field) or []
        ]
    if cut:
        logger.warning("%s: %s cut to %d characters (a longer keyword is refused by the index)",
                       document.get("url"), ", ".join(sorted(set(cut))), KEYWORD_CHARS)  # fmt: skip
    return document


# The tag lists whose entries the index maps field by field (configs/index.yaml, dynamic: strict).
_MAPPED_LISTS = ("boards", "stocks", "topics", "instruments")


@cache
def _mapped_entry_fields() -> dict[str, frozenset[str]]:
    from store.lifecycle import index_config  # the index's own module: loads the client only when indexing

    properties = index_config()["mappings"]["properties"]
    # (a field mapped without properties, enabled: false, takes any object: nothing to drop there)
    return {
        field: frozenset(properties[field]["properties"])
        for field in _MAPPED_LISTS
        if isinstance(properties.get(field), dict) and isinstance(properties[field].get("properties"), dict)
    }


def _is_plain(value: Any) -> bool:
    """A value a keyword field takes: a string, number, boolean or null, or a list of them."""
    if isinstance(value, list):
        return all(_is_plain(item) and not isinstance(item, list) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _entries_as_mapped(document: dict[str, Any]) -> dict[str, Any]:
    """The document with each tag entry holding only the keys the index maps, each a plain value: a strict
    mapping refuses the whole article for one unknown key (a record tagged by another tool: ``{"secid",
    "score"}``) and a keyword field refuses an object (``{"name": {"zh": …}}``), so such a key is dropped with
    a warning naming it, and the article is indexed."""
    dropped: set[str] = set()
    for field, known in _mapped_entry_fields().items():
        entries = []
        for entry in document.get(field) or []:
            if isinstance(entry, dict):
                kept = {key: value for key, value in entry.items() if key in known and _is_plain(value)}
                if len(kept) < len(entry):
                    dropped.update(f"{field}.{key}" for key in entry if key not in kept)
                    entry = kept
            entries.append(entry)
        document[field] = entries
    if dropped:
        logger.warning("%s: %s dropped (the index maps no such field)", document.get("url"), ", ".join(sorted(dropped)))
    return document


def article_document(article: Article | dict[str, Any], crawled_at: datetime | None = None) -> dict[str, Any]:
    """The indexed form of an article: its record plus id, content hash and fingerprint."""
    # The tagging stack (jieba, the extractors) loads only when documents are made: commands that
    # read the index (runs, search, export) never pay for it.
    from tagging.extract import article_record
    from tagging.segment import words

    record = article_record(article) if isinstance(article, Article) else dict(article)
    if not record.get("url"):
        raise ValueError("an article needs a URL to be indexed (its id is derived from it)")
    record = _within_limit(record)
    document = {
        "id": document_id(record["url"]),
        "url": record["url"],
        "source": record.get("source"),
        # Every source that brought the article (a re-ingested export keeps its list): store/merge.py.
        "sources": record.get("sources") or ([record["source"]] if record.get("source") else []),
        "title": record.get("title") or "",
        "text": record.get("text") or "",
        "digest": record.get("digest"),
        "media": record.get("media"),
        "author": record.get("author"),
        "category": record.get("category"),
        "tags": record.get("tags") or [],
        "published_at": record.get("published_at"),
        "boards": record.get("boards") or [],
        "stocks": record.get("stocks") or [],
        "topics": record.get("topics") or [],
        "keywords": record.get("keywords") or [],
        "mentions": record.get("mentions") or [],
        "instruments": record.get("instruments") or [],  # indexes and funds marked by old stock ids
        "body_source": record.get("body_source"),  # how the body was found (layout, fragment, generic …)
        "rejected_markup": record.get("rejected_markup") or [],  # markup stocks the sentence does not name
    }
    document = _terms_within_limit(_entries_as_mapped(document))
    document["content_hash"] = content_hash(document)
    fingerprint = dedup.simhash(words(record.get("text") or ""))
    document["fingerprint"] = dedup.to_hex(fingerprint) if fingerprint is not None else None
    document["fp_bands"] = dedup.bands(document["fingerprint"]) if document["fingerprint"] else []
    document["dup_of"] = None
    document["dup_group"] = document["id"]
    now = isoformat(crawled_at or datetime.now(SHANGHAI))
    document["crawled_at"] = now
    document["updated_at"] = None
    return document


# Fields a stored or exported article keeps when it is indexed again: history, not derivable.
KEPT_FIELDS = ("crawled_at", "updated_at", "indexed_at", "dup_of", "dup_group")


# The times a record carries: the index maps them as dates and exports write them as stored.
RECORD_TIMES = ("published_at", "crawled_at", "updated_at")


def _times_in_iso(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its times in ISO 8601, Beijing time, the form a crawled article has: a record
    from another tool or a hand edit may write any form the ingest check accepts
    (``2026年11月20日 18:00``, ``2026-11-20 18:00``, ``…Z``), and an empty one means no time. A time that
    is no date is left as written, for the node to name."""
    times = {}
    for name in RECORD_TIMES:
        value = record.get(name)
        if isinstance(value, str):
            moment = parse_datetime_exactly(value)
            times[name] = isoformat(moment) if moment else (value if value.strip() else None)
    return {**record, **times}


def document_from_record(record: dict[str, Any]) -> dict[str, Any]:
    """The document for an article record that was indexed before (an export, an older index):
    derived fields rebuilt, crawl history and duplicate links kept."""
    record = _times_in_iso(record)
    document = article_document(record)
    for name in KEPT_FIELDS:
        if record.get(name) is not None:
            document[name] = record[name]
    if record.get("dup_group") is None and record.get("dup_of"):
        document["dup_group"] = record["dup_of"]  # an export leaves dup_group out: it is dup_of, or the id
    return document
