"""One article, one document, whichever source brings it: what to store when an article already in
the index arrives again (a re-crawl, a feed or list pointing at it, an archive of it).

The rules, so a second crawl never makes good data worse:

- The same source again (the article's page re-crawled) is the authority on its own article: its
  values replace the stored ones (an edited title, a corrected time), except that an empty value
  (no title, no date, no text, no tags) never replaces a filled one.
- Another source (a feed whose item points at an Eastmoney article, an archive) only fills what the
  stored article lacks; the first source stays ``source`` and every source is listed in ``sources``.
- Crawl history (``crawled_at``, duplicate links) is kept; what was kept instead of blanked is named
  so the writer can warn about it.

Pure functions: documents in, a document out."""

from __future__ import annotations

from typing import Any

# The fields a source says about an article: merged by the rules above. The fingerprint follows the
# text it was computed from.
MERGED_FIELDS = (
    "title", "text", "digest", "media", "author", "category", "tags", "published_at",
    "boards", "stocks", "topics", "keywords", "mentions", "instruments", "body_source",
)  # fmt: skip
TEXT_DERIVED = ("fingerprint", "fp_bands")
# Blanking these is worth a warning: an article without them falls out of searches, filters and trends.
WATCHED_FIELDS = ("title", "published_at", "text")


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def sources_of(document: dict[str, Any]) -> list[str]:
    """Every source that brought the article, the first first (documents stored before ``sources``
    existed have only ``source``)."""
    listed = [s for s in document.get("sources") or [] if s]
    first = document.get("source")
    return listed if first in listed or not first else [first, *listed]


def merge_documents(previous: dict[str, Any], incoming: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The document to store when ``incoming`` arrives for the article stored as ``previous``, and the
    watched fields (title, date, text) whose empty incoming value was not taken."""
    same_source = not previous.get("source") or incoming.get("source") == previous.get("source")
    merged = dict(incoming)
    kept: list[str] = []
    for name in MERGED_FIELDS:
        old, new = previous.get(name), incoming.get(name)
        if is_empty(old):
            continue  # nothing to keep: whatever the new copy says
        if is_empty(new):
            merged[name] = old
            if name in WATCHED_FIELDS:
                kept.append(name)
        elif not same_source:
            merged[name] = old  # another source fills gaps only
    if merged.get("text") == previous.get("text"):
        for name in TEXT_DERIVED:
            if name in previous:
                merged[name] = previous[name]
    sources = sources_of(previous)
    for source in sources_of(incoming):
        if source not in sources:
            sources.append(source)
    merged["source"] = sources[0] if sources else incoming.get("source")
    merged["sources"] = sources
    return merged, kept
