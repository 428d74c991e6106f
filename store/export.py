"""Exporting tagged articles: a point-in-time with ``search_after`` (bounded memory whatever the
index size), written to a temporary file renamed into place only when complete."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError

from store.index import StoreError, current_alias, unreachable

EXPORT_EXCLUDES = ["title_words", "text_words", "content_hash"]
PAGE_SIZE = 500


def iter_articles(
    es: Elasticsearch, query: dict[str, Any] | None = None, alias: str | None = None, page_size: int = PAGE_SIZE
) -> Iterator[dict[str, Any]]:
    """Every matching article's source, in a stable order, one page in memory at a time."""
    alias = alias or current_alias()
    try:
        pit = es.open_point_in_time(index=alias, keep_alive="2m")["id"]
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        raise StoreError(f"cannot export from {alias}: {error}") from error
    search_after = None
    try:
        while True:
            response = es.search(
                pit={"id": pit, "keep_alive": "2m"},
                query=query or {"match_all": {}},
                sort=[{"published_at": {"order": "asc", "missing": "_first"}}, {"_shard_doc": "asc"}],
                size=page_size,
                search_after=search_after,
                source_excludes=EXPORT_EXCLUDES,
                track_total_hits=False,
            )
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield hit["_source"]
            search_after = hits[-1]["sort"]
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    finally:
        with contextlib.suppress(ApiError, ESConnectionError, TransportError):
            es.close_point_in_time(id=pit)  # if this fails, it expires by itself


def export_jsonl(es: Elasticsearch, path: Path, query: dict[str, Any] | None = None, alias: str | None = None) -> int:
    """Write matching articles to ``path`` as JSON Lines; returns the count. A failure leaves no
    partial file under ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed into place when complete (kept on close: delete=False).
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by the with-block below)
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    count = 0
    try:
        with handle:
            for article in iter_articles(es, query, alias):
                handle.write(json.dumps(article, ensure_ascii=False) + "\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return count
