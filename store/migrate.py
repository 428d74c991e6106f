"""``finnews index migrate``: move the article index to the mapping version in ``configs/index.yaml``.

The integ-test distribution of Elasticsearch has no ``_reindex``, and documents of an older
mapping may lack fields the new one derives (fingerprints, …), so finnews copies them itself:
every document is read from the old index with a point-in-time, rebuilt with today's
``article_document`` (keeping its crawl times and duplicate links) and bulk-written to the new
index. The alias then moves in one atomic ``_aliases`` call, so search is never empty.

Writers may be at work meanwhile (an ingest, a crawl, another machine), writing through the alias,
perhaps with refresh switched off for a large load. So before the copy the old indices are made
read-only with the add-block API, which waits for the writes already under way, and then refreshed
(a point-in-time sees only refreshed documents): from then on a writer's batch is refused, and the
writer spools it with the reason (nothing is lost: ``finnews spool replay``, or the next crawl,
writes it through the alias to the new index). The copy is then exactly the old index, with no
catch-up to miss anything. The old indices are kept, deliberately: read-only, with the configured
refresh interval (never left with refresh off), for the user to delete once satisfied. A migration
that fails before the alias moves lifts the block again.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch, helpers

from store.client import ES_FAILURES, StoreError, es_errors
from store.documents import document_from_record
from store.export import iter_articles
from store.lifecycle import (
    configured_refresh_interval,
    current_alias,
    ensure_index,
    index_config,
    relaxed_refresh,
    versioned_name,
)
from store.writer import BULK_CHUNK_SIZE


@dataclass
class Migration:
    alias: str
    old_indices: list[str]
    new_index: str
    copied: int = 0
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


def block_writes(es: Elasticsearch, indices: str) -> None:
    """Make ``indices`` read-only and wait until every write already under way on them is done.

    The dedicated add-block API, not the ``index.blocks.write`` setting: the setting stops new
    writes but not a bulk request that passed the block check a moment before, whose documents land
    after the copy's point-in-time was opened (a CI run lost 362 of 2,300 articles so). The API
    returns only once every shard has taken the block, its in-flight writes completed."""
    answer = es.indices.add_block(index=indices, block="write")
    if not (answer.get("acknowledged") and answer.get("shards_acknowledged")):
        raise StoreError(
            f"the write block on {indices} was not confirmed by every shard ({answer}); "
            "the copy would miss writes still under way, so the migration stops here"
        )


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
        migration = Migration(alias, old_indices, target)
        olds = ",".join(old_indices)
        try:
            block_writes(es, olds)
            es.indices.refresh(index=olds)  # a point-in-time sees refreshed writes only (a load may switch it off)
            with relaxed_refresh(es, target):
                for old in old_indices:
                    migration.copied += _copy(es, old, target, properties, None)
            es.indices.update_aliases(
                actions=[{"remove": {"index": old, "alias": alias}} for old in old_indices]
                + [{"add": {"index": target, "alias": alias}}]
            )
        except BaseException:
            with contextlib.suppress(*ES_FAILURES):  # the alias did not move: writers go on with the old index
                es.indices.put_settings(index=olds, settings={"index.blocks.write": False})
            raise
        # Kept read-only on purpose, searchable as it was (a load may have switched refresh off on it).
        es.indices.put_settings(index=olds, settings={"index": {"refresh_interval": configured_refresh_interval()}})
        es.indices.refresh(index=target)
        return migration
