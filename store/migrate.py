"""``finnews index migrate``: move the article index to the mapping version in ``configs/index.yaml``.

The integ-test distribution of Elasticsearch has no ``_reindex``, and documents of an older
mapping may lack fields the new one derives (fingerprints, …), so finnews copies them itself:
every document is read from the old index with a point-in-time, rebuilt with today's
``article_document`` (keeping its crawl times and duplicate links) and bulk-written to the new
index. The alias then moves in one atomic ``_aliases`` call, so search is never empty; writes that
reached the old index during the copy are copied again afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers

from store.client import StoreError, es_errors
from store.documents import document_from_record
from store.export import iter_articles
from store.lifecycle import current_alias, ensure_index, index_config, relaxed_refresh, versioned_name
from store.writer import BULK_CHUNK_SIZE
from tagging.dates import SHANGHAI


@dataclass
class Migration:
    alias: str
    old_indices: list[str]
    new_index: str
    copied: int = 0
    caught_up: int = 0
    status: str = "migrated"  # migrated | up-to-date | created


def upgrade_document(source: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """An old document rebuilt for the current mapping (fields it does not know are dropped)."""
    document = document_from_record(source)
    return {name: value for name, value in document.items() if name in properties}


def _copy(es: Elasticsearch, source_index: str, target: str, properties: dict[str, Any], query: dict | None) -> int:
    actions = (
        {"_op_type": "index", "_index": target, "_id": doc["id"], "_source": upgrade_document(doc, properties)}
        for doc in iter_articles(es, query, alias=source_index, excludes=[])
    )
    copied = 0
    for ok, result in helpers.streaming_bulk(
        es, actions, chunk_size=BULK_CHUNK_SIZE, max_retries=5, raise_on_error=False
    ):
        if not ok:
            raise StoreError(f"migration stopped: a document was refused by {target}: {result}")
        copied += 1
    return copied


def migrate(es: Elasticsearch, alias: str | None = None) -> Migration:
    alias = alias or current_alias()
    config = index_config()
    target = versioned_name(alias, config["version"])
    with es_errors(f"migration of {alias} failed"):
        if not es.indices.exists_alias(name=alias):
            ensure_index(es, alias)
            return Migration(alias, [], target, status="created")
        old_indices = sorted(es.indices.get_alias(name=alias))
        if old_indices == [target]:
            return Migration(alias, old_indices, target, status="up-to-date")
        if es.indices.exists(index=target):
            es.indices.delete(index=target)  # left by an interrupted migration; never behind the alias
        es.indices.create(index=target, settings=config["settings"], mappings=config["mappings"])
        properties = config["mappings"]["properties"]
        started = datetime.now(SHANGHAI).isoformat()
        migration = Migration(alias, old_indices, target)
        with relaxed_refresh(es, target):
            for old in old_indices:
                migration.copied += _copy(es, old, target, properties, None)
        es.indices.update_aliases(
            actions=[{"remove": {"index": old, "alias": alias}} for old in old_indices]
            + [{"add": {"index": target, "alias": alias}}]
        )
        # Writes that went to the old index while it was copied.
        recent = {"bool": {"should": [{"range": {"crawled_at": {"gte": started}}},
                                      {"range": {"updated_at": {"gte": started}}}]}}  # fmt: skip
        for old in old_indices:
            migration.caught_up += _copy(es, old, target, properties, recent)
        es.indices.refresh(index=target)
        return migration
