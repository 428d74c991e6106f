"""``finnews index migrate`` while an ingest writes (issue 21, item 1): no article stays behind in the
old index, hidden from search. A large load (refresh switched off) runs against the current mapping;
a migration to the next version starts in its middle. The old index is read-only from the start of
the copy, so the load's later batches are refused and spooled (said so, exit 1), and a replay writes
them through the alias: every article ends up searchable in the new index, and the old one is kept
read-only with its refresh interval restored."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from core.config import config_dir
from store.lifecycle import configured_refresh_interval, index_config, versioned_name
from store.migrate import block_writes
from tests.conftest import PROJECT_ROOT, TEST_ALIAS, run_finnews

BEFORE = 300
LOAD = 2000  # over 8 MB of input: the load switches refresh off, as in the reported case
PARAGRAPH = "北京推进数字经济发展，数字经济板块走强，多只个股涨停，市场成交活跃。" * 40


def write_records(path: Path, first: int, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(first, first + count):
            record = {
                "url": f"https://example.com/migrate/{number}.html",
                "title": f"迁移测试{number}",
                "published_at": "2026-12-01T10:00:00+08:00",
                "text": f"第{number}篇。{PARAGRAPH}",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def next_version_configs(tmp_path: Path) -> Path:
    configs = tmp_path / "configs"
    shutil.copytree(config_dir(), configs)
    index = yaml.safe_load((configs / "index.yaml").read_text(encoding="utf-8"))
    index["version"] += 1
    (configs / "index.yaml").write_text(yaml.safe_dump(index, allow_unicode=True), encoding="utf-8")
    return configs


def indexing_total(es_node, index: str) -> int:
    return es_node.indices.stats(index=index, metric="indexing")["_all"]["primaries"]["indexing"]["index_total"]


def test_a_migration_during_an_ingest_leaves_no_article_behind(fresh_index: str, es_node, tmp_path: Path) -> None:
    old = versioned_name(TEST_ALIAS, index_config()["version"])
    new = versioned_name(TEST_ALIAS, index_config()["version"] + 1)
    spool = {"FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}
    first, load = tmp_path / "first.jsonl", tmp_path / "load.jsonl"
    write_records(first, 0, BEFORE)
    write_records(load, BEFORE, LOAD)
    assert load.stat().st_size > 8 * 1024 * 1024
    assert run_finnews("ingest", "--quiet", str(first), env=spool).returncode == 0

    ingest = subprocess.Popen(
        [sys.executable, "-m", "finnews", "ingest", "--quiet", str(load)],
        cwd=PROJECT_ROOT, env={**os.environ, **spool}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while indexing_total(es_node, old) < BEFORE + LOAD // 3 and time.monotonic() < deadline:
            assert ingest.poll() is None, "the load ended before the migration could start"
            time.sleep(0.2)
        migrated = run_finnews("index", "migrate", env={"FINNEWS_CONFIG_DIR": str(next_version_configs(tmp_path))})
        out, err = ingest.communicate(timeout=600)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "read-only" in migrated.stdout
    assert ingest.returncode in (0, 4), (
        out + err
    )  # 4 (partial): some batches spooled, refused by the read-only old index

    replay = run_finnews("spool", "replay", env=spool)
    assert replay.returncode == 0, replay.stdout + replay.stderr
    es_node.indices.refresh(index=TEST_ALIAS)
    assert sorted(es_node.indices.get_alias(name=TEST_ALIAS)) == [new]
    assert es_node.count(index=TEST_ALIAS)["count"] == BEFORE + LOAD  # every article searchable
    settings = es_node.indices.get_settings(index=old, flat_settings=True)[old]["settings"]
    assert settings.get("index.refresh_interval", "1s") == configured_refresh_interval()  # never left at -1
    assert settings.get("index.blocks.write") == "true"  # kept, deliberately, read-only
    es_node.indices.delete(index=new)


def test_the_write_block_waits_for_writes_already_under_way(fresh_index: str, es_node) -> None:
    """What the migration relies on: once ``block_writes`` returns, every write the node will ever
    acknowledge on the index is done, so one refresh makes all of them visible to the copy. Two
    threads keep bulk-writing (refresh off, as during a load) while the block is added; afterwards
    the index holds exactly the documents acknowledged to them, no more (none late) and no fewer."""
    index = versioned_name(TEST_ALIAS, index_config()["version"])
    es_node.indices.put_settings(index=index, settings={"index": {"refresh_interval": "-1"}})
    acknowledged = []
    started = threading.Barrier(3)

    def write(worker: int) -> None:
        started.wait()
        for batch in range(10_000):
            body = []
            for number in range(200):
                body += [{"index": {"_index": index, "_id": f"{worker}-{batch}-{number}"}}, {"title": PARAGRAPH}]
            answer = es_node.bulk(operations=body)
            acknowledged.append(sum(1 for item in answer["items"] if item["index"].get("status") in (200, 201)))
            if answer["errors"]:
                return  # refused by the block: this writer is done

    writers = [threading.Thread(target=write, args=(worker,)) for worker in range(2)]
    for writer in writers:
        writer.start()
    started.wait()
    time.sleep(1.0)  # both writers are sending bulks back to back
    block_writes(es_node, index)
    es_node.indices.refresh(index=index)
    visible = es_node.count(index=index)["count"]
    for writer in writers:
        writer.join(timeout=120)
    es_node.indices.put_settings(index=index, settings={"index.blocks.write": False})
    assert sum(acknowledged) > 0
    assert visible == sum(acknowledged)
