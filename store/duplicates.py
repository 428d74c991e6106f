"""Near-duplicates: a new article that repeats an earlier one (a syndicated copy of the same story)
is linked to the first of its kind by ``dup_of`` and ``dup_group``, found by the bands of its SimHash
fingerprint among the indexed articles and those written just before (not yet searchable)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from store import dedup

DUPLICATE_WINDOW = timedelta(days=7)  # syndicated copies are published within days of each other
MAX_DUPLICATE_CANDIDATES = 5_000  # one look-up per batch up to this many candidates, else one per article
RECENT_FINGERPRINT_BANDS = 400_000  # bands of this writer's articles kept in memory (~100,000 articles)


def _by_band(candidates: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Candidates indexed by fingerprint band, each remembering its place in crawl order."""
    index: dict[str, list[dict[str, Any]]] = {}
    for order, candidate in enumerate(candidates):
        candidate["_order"] = order
        for band in candidate.get("fp_bands") or ():
            index.setdefault(band, []).append(candidate)
    return index


def _published_window(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A range of publication dates around the batch's (none for an undated article)."""
    dates = [d.get("published_at") for d in documents]
    if not dates or not all(dates):
        return []  # an undated article may repeat anything
    earliest = min(datetime.fromisoformat(d) for d in dates) - DUPLICATE_WINDOW
    latest = max(datetime.fromisoformat(d) for d in dates) + DUPLICATE_WINDOW
    return [{"range": {"published_at": {"gte": earliest.isoformat(), "lte": latest.isoformat()}}}]


class DuplicateLinker:
    """Links the new articles of each batch to the first article of their story, in crawl order."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        self.es = es
        self.alias = alias
        self._recent: dict[str, dict[str, Any]] = {}  # fingerprint band → first article written with it

    def link(self, documents: list[dict[str, Any]]) -> int:
        """Point each new article that repeats an earlier one (indexed, or earlier in this batch) at
        the first of its kind: ``dup_of`` and ``dup_group`` name the first article's id.

        Syndicated copies appear within days of each other, so candidates are looked up among
        articles published within ``DUPLICATE_WINDOW`` of the batch, in one search per batch (the
        band terms of every document); if that finds too many, each document is looked up alone.
        Returns how many were linked."""
        fingerprinted = [d for d in documents if d.get("fingerprint")]
        linked = 0
        if not fingerprinted:
            return linked
        candidates = self._candidates_for_batch(fingerprinted)
        batch_by_band = _by_band(candidates or [])
        for document in fingerprinted:
            by_band = batch_by_band if candidates is not None else _by_band(self._candidates_for(document))
            # Indexed articles (first crawled first), then those this writer wrote that a search
            # cannot see before a refresh.
            pool = sorted(
                {id(c): c for band in document["fp_bands"] for c in by_band.get(band, ())}.values(),
                key=lambda c: c["_order"],
            )
            pool += [self._recent[band] for band in document["fp_bands"] if band in self._recent]
            for candidate in pool:
                if candidate.get("id") != document["id"] and dedup.is_near_duplicate(
                    document["fingerprint"], candidate.get("fingerprint")
                ):
                    document["dup_of"] = document["dup_group"] = candidate["dup_group"]
                    linked += 1
                    break
            self._remember(document)
        return linked

    def _search_candidates(self, bands: list[str], window: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
        response = self.es.search(
            index=self.alias,
            query={"bool": {"filter": [{"terms": {"fp_bands": bands}}, *window]}},
            source_includes=["id", "fingerprint", "fp_bands", "dup_group"],
            size=MAX_DUPLICATE_CANDIDATES,
            sort=[{"crawled_at": "asc"}, {"id": "asc"}],  # the first of a story comes first
            track_total_hits=MAX_DUPLICATE_CANDIDATES + 1,
        )
        hits = [hit["_source"] for hit in response["hits"]["hits"]]
        return response["hits"]["total"]["value"], hits

    def _candidates_for_batch(self, documents: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        bands = sorted({band for d in documents for band in d["fp_bands"]})
        total, hits = self._search_candidates(bands, _published_window(documents))
        return hits if total <= MAX_DUPLICATE_CANDIDATES else None

    def _candidates_for(self, document: dict[str, Any]) -> list[dict[str, Any]]:
        _total, hits = self._search_candidates(document["fp_bands"], _published_window([document]))
        return hits

    def _remember(self, document: dict[str, Any]) -> None:
        entry = {"id": document["id"], "fingerprint": document["fingerprint"], "dup_group": document["dup_group"]}
        for band in document["fp_bands"]:
            self._recent.setdefault(band, entry)  # the first article of a band stays its representative
        while len(self._recent) > RECENT_FINGERPRINT_BANDS:
            self._recent.pop(next(iter(self._recent)))  # oldest first (dicts keep insertion order)
