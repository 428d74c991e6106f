"""Exporting tagged articles: a point-in-time with ``search_after`` (bounded memory whatever the
index size), written to a temporary file renamed into place only when complete."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from tqdm import tqdm

from store.index import StoreError, current_alias, unreachable

EXPORT_EXCLUDES = ["title_words", "text_words", "content_hash"]
PAGE_SIZE = 500


def iter_articles(
    es: Elasticsearch,
    query: dict[str, Any] | None = None,
    alias: str | None = None,
    page_size: int = PAGE_SIZE,
    excludes: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every matching article's source, in a stable order, one page in memory at a time
    (``excludes``: fields left out; by default the index-only ones)."""
    alias = alias or current_alias()
    try:
        pit = es.open_point_in_time(index=alias, keep_alive="2m")["id"]
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        if error.meta.status == 404:
            return  # no index yet: nothing to export
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
                source_excludes=EXPORT_EXCLUDES if excludes is None else excludes,
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


Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
# CSV columns, in order; nested tags are flattened as "code:name" pairs joined by ";".
CSV_COLUMNS = (
    "id", "url", "source", "title", "published_at", "media", "author", "digest", "boards", "stocks", "topics",
    "keywords", "category", "tags", "dup_of", "crawled_at", "updated_at", "instruments", "body_source", "text",
)  # fmt: skip


def flatten_for_csv(article: dict[str, Any]) -> dict[str, Any]:
    """One CSV row: boards ``BK1061:数字经济;…``, stocks ``1.603888:新华网;…``, topics ``id:name;…``,
    instruments ``0.395022:index:企业债;…``, keywords and tags joined by ``;``."""
    row = {column: article.get(column) for column in CSV_COLUMNS}
    row["boards"] = ";".join(f"{b['code']}:{b['name']}" for b in article.get("boards") or [])
    row["stocks"] = ";".join(f"{s['secid']}:{s['name']}" for s in article.get("stocks") or [])
    row["topics"] = ";".join(f"{t['id']}:{t['name']}" for t in article.get("topics") or [])
    row["instruments"] = ";".join(f"{i['secid']}:{i['kind']}:{i['name']}" for i in article.get("instruments") or [])
    row["keywords"] = ";".join(article.get("keywords") or [])
    row["tags"] = ";".join(article.get("tags") or [])
    return row


def _parquet_schema() -> Any:
    import pyarrow as pa

    security = pa.struct([("secid", pa.string()), ("code", pa.string()), ("name", pa.string())])
    return pa.schema(
        [
            ("id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("title", pa.string()),
            ("published_at", pa.string()), ("media", pa.string()), ("author", pa.string()), ("digest", pa.string()),
            ("text", pa.string()), ("boards", pa.list_(security)),
            ("stocks", pa.list_(pa.struct([*security, ("exchange", pa.string())]))),
            ("topics", pa.list_(pa.struct([("id", pa.string()), ("name", pa.string()), ("name_en", pa.string())]))),
            ("keywords", pa.list_(pa.string())), ("category", pa.string()), ("tags", pa.list_(pa.string())),
            ("dup_of", pa.string()), ("crawled_at", pa.string()), ("updated_at", pa.string()),
            ("instruments", pa.list_(pa.struct([*security, ("kind", pa.string())]))), ("body_source", pa.string()),
        ]
    )  # fmt: skip


class _Writer:
    """Streams rows to one file format, a bounded batch in memory at a time."""

    def __init__(self, handle: Any, fmt: str, path: str) -> None:
        self.handle, self.fmt, self.batch = handle, fmt, []
        if fmt == "csv":
            self.csv = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            self.csv.writeheader()
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            self.schema = _parquet_schema()
            self.parquet = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, article: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.handle.write(json.dumps(article, ensure_ascii=False) + "\n")
        elif self.fmt == "csv":
            self.csv.writerow(flatten_for_csv(article))
        else:
            self.batch.append({name: article.get(name) for name in self.schema.names})
            if len(self.batch) >= PAGE_SIZE:
                self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self.batch:
            self.parquet.write_table(pa.Table.from_pylist(self.batch, schema=self.schema))
            self.batch = []

    def close(self) -> None:
        if self.fmt == "parquet":
            self._flush_parquet()
            self.parquet.close()


def count_articles(es: Elasticsearch, query: dict[str, Any] | None = None, alias: str | None = None) -> int:
    try:
        return es.count(index=alias or current_alias(), query=query or {"match_all": {}})["count"]
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        raise StoreError(f"cannot count articles: {error}") from error


def export(
    es: Elasticsearch,
    path: Path,
    fmt: str = "jsonl",
    query: dict[str, Any] | None = None,
    alias: str | None = None,
    progress: bool = False,
) -> int:
    """Write matching articles to ``path`` in ``fmt``; returns the count. The file is written
    beside the target and renamed into place when complete: a failure leaves no partial file."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")[1])
    count = 0
    try:
        total = count_articles(es, query, alias) if progress else None
        bar = tqdm(total=total, unit="article", desc="export", disable=not progress, file=sys.stderr)
        with contextlib.ExitStack() as stack:
            # Parquet writes the file itself; the text formats write through one handle.
            handle = (
                None if fmt == "parquet" else stack.enter_context(temporary.open("w", encoding="utf-8", newline=""))
            )
            writer = _Writer(handle, fmt, str(temporary))
            for article in iter_articles(es, query, alias):
                writer.write(article)
                count += 1
                bar.update(1)
            writer.close()
            if handle is not None:
                handle.flush()
                os.fsync(handle.fileno())
        bar.close()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def export_jsonl(es: Elasticsearch, path: Path, query: dict[str, Any] | None = None, alias: str | None = None) -> int:
    """JSON Lines export (see :func:`export`)."""
    return export(es, path, "jsonl", query, alias)
