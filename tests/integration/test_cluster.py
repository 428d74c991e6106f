"""A three-node cluster loses a node (kill -9 of its server JVM) while an ingest, a crawl and an
export run: nothing is lost, nothing is given twice, search keeps answering while the cluster is
yellow, and the writers never spool what a replica could take.

The cluster is three nodes of the same distribution as the suite's node, with small heaps, on their
own ports, started by this module (children of this process, so each killed JVM is reaped here) and
stopped and removed at its end. The index has three shards with one replica each."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from elasticsearch import ApiError, Elasticsearch, TransportError

from core.config import PROJECT_ROOT
from replica.site import ReplicaServer, ReplicaSite, synthetic_articles
from tests.conftest import QUICK_NODE_ENV, TEST_ALIAS, column_crawl_args, expected_urls, run_finnews, start_finnews
from tests.support.archives import write_archive

PORT = 9270
NODES = 3
HEAP = "256m"
SEEDED = 600  # articles in the index before anything runs: what the export reads
INGESTED = 1500
CRAWLED = 40
HELD_AFTER = 15  # the crawl is held at the replica after this many article pages, until the kill


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from store import node
    from store.settings import elasticsearch_settings, local_cluster

    quick = replace(elasticsearch_settings(), java_opts=QUICK_NODE_ENV["FINNEWS_ES_JAVA_OPTS"])
    settings = local_cluster(quick, PORT, NODES, HEAP)
    cluster_dir = node.node_paths(settings).data.parent.parent
    shutil.rmtree(cluster_dir, ignore_errors=True)  # a cluster left by an interrupted run starts afresh
    try:
        node.start(settings, quiet=True)
        yield settings
    finally:
        node.stop(settings)
        shutil.rmtree(cluster_dir, ignore_errors=True)


def cluster_configs(folder: Path) -> Path:
    """The project's configs with the index on three shards (one replica each: auto_expand_replicas)."""
    shutil.copytree(PROJECT_ROOT / "configs", folder)
    index = yaml.safe_load((folder / "index.yaml").read_text(encoding="utf-8"))
    index["settings"]["number_of_shards"] = NODES
    (folder / "index.yaml").write_text(yaml.safe_dump(index, allow_unicode=True), encoding="utf-8")
    return folder


def victim_of(es: Elasticsearch) -> int:
    """The HTTP port of the node to kill: one holding open search contexts (an export's point-in-time
    reads from it), the elected master among them when it is one."""
    stats = es.nodes.stats(metric="indices", index_metric="search")["nodes"].values()
    contexts = {node["name"]: node["indices"]["search"]["open_contexts"] for node in stats}
    master = es.cat.master(format="json")[0]["node"]
    name = master if contexts.get(master) else max(contexts, key=contexts.__getitem__)
    assert contexts[name] > 0, contexts
    return int(name.rsplit("-", 1)[1])  # finnews-<http port>


def kill_server(settings: object, port: int) -> None:
    """SIGKILL to the node's server JVM, as the kernel's OOM killer or a lost host would: no shutdown.
    Its parent (the node's launcher JVM) sees it die and exits; ``node.start`` reaps that launcher."""
    from store import node

    pid = int(node.node_paths(settings, port).server_pid_file.read_text().strip())
    os.kill(pid, signal.SIGKILL)


def searchable(es: Elasticsearch) -> int:
    try:
        es.indices.refresh(index=TEST_ALIAS)
        return es.count(index=TEST_ALIAS)["count"]
    except (ApiError, TransportError):
        return -1


def health(es: Elasticsearch) -> dict[str, object]:
    """The cluster's health, or an empty answer while it elects a master (503)."""
    try:
        return dict(es.cluster.health())
    except (ApiError, TransportError):
        return {}


def wait_until(condition: object, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_node_killed_mid_ingest_crawl_and_export_loses_and_repeats_nothing(cluster, tmp_path: Path) -> None:
    from store import node
    from store.export import iter_articles

    settings = cluster
    es = Elasticsearch(list(settings.hosts), request_timeout=30, max_retries=3, retry_on_timeout=True)
    seed_archive, new_archive = tmp_path / "seed.jsonl", tmp_path / "new.jsonl"
    seeded = write_archive(seed_archive, SEEDED, "https://finance.eastmoney.com/a/20250101")
    ingested = write_archive(new_archive, INGESTED, "https://finance.eastmoney.com/a/20260101")
    spool = tmp_path / "spool"
    env = {
        "FINNEWS_CONFIG_DIR": str(cluster_configs(tmp_path / "configs")),
        "FINNEWS_ES_URL": settings.url,
        "FINNEWS_SPOOL_DIR": str(spool),
    }
    seed = run_finnews("ingest", "--quiet", str(seed_archive), env=env)
    assert seed.returncode == 0, seed.stdout + seed.stderr
    es.cluster.health(index=TEST_ALIAS, wait_for_status="green", timeout="60s")
    shards = es.cat.shards(index=TEST_ALIAS, format="json")
    assert sorted(s["prirep"] for s in shards) == ["p"] * NODES + ["r"] * NODES  # three shards, a replica each

    # The export is read in part: its point-in-time holds search contexts on shard copies …
    seed_query = {"prefix": {"url": "https://finance.eastmoney.com/a/20250101"}}
    export = iter_articles(es, seed_query, alias=TEST_ALIAS, page_size=50)
    exported = [next(export)["url"] for _ in range(SEEDED // 3)]

    # … and the victim is a node holding some of them (the elected master when it does: an election
    # and shard promotions at once), named first in FINNEWS_ES_URL so every command asks it first.
    victim = victim_of(es)
    hosts = [f"http://127.0.0.1:{victim}"] + [h for h in settings.hosts if not h.endswith(f":{victim}")]
    env["FINNEWS_ES_URL"] = ",".join(hosts)

    site = ReplicaSite(synthetic_articles(CRAWLED))
    site.hold_after = HELD_AFTER
    with ReplicaServer(site) as server:
        crawl = start_finnews(
            *column_crawl_args(server, tmp_path / "seen.sqlite", "-s", "CONCURRENT_REQUESTS=2"), env=env
        )
        ingest = None
        try:
            # The crawl has written some batches and waits at the replica's gate for more pages …
            wait_until(lambda: site.article_requests() > HELD_AFTER, "the crawl to reach the replica's gate")
            ingest = start_finnews("ingest", "--quiet", "--batch-size", "25", str(new_archive), env=env)
            # … the ingest is a tenth of the way …
            wait_until(lambda: searchable(es) >= SEEDED + INGESTED // 10, "the ingest to be under way")
            assert ingest.poll() is None and crawl.poll() is None, "a load ended before the node was killed"
            # … and the node dies with all three in the middle of their work.
            kill_server(settings, victim)
            site.released.set()

            survivors = Elasticsearch(hosts[1:], request_timeout=30)
            wait_until(lambda: health(survivors).get("number_of_nodes") == NODES - 1, "the node to be gone")
            # Search keeps answering, from the replicas, while the cluster is yellow.
            found = run_finnews("search", "--json", "--size", "5", "经济", env=env)
            assert found.returncode == 0, found.stdout + found.stderr
            assert '"url"' in found.stdout
            assert health(survivors)["status"] in ("yellow", "green")

            exported += [article["url"] for article in export]
            ingest_out, ingest_err = ingest.communicate(timeout=300)
            crawl_out, crawl_err = crawl.communicate(timeout=300)
        finally:
            site.released.set()
            for process in (ingest, crawl):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.communicate()
    assert ingest.returncode == 0, ingest_out + ingest_err
    assert crawl.returncode == 0, crawl_out + crawl_err
    assert "Traceback" not in ingest_err + crawl_err
    # A replica took every write: nothing waited in the spool.
    assert not spool.exists() or not any(path.stat().st_size for path in spool.rglob("*") if path.is_file())

    # The export gave every article it was asked for, once, in its order.
    assert len(exported) == len(set(exported)) == SEEDED
    assert set(exported) == seeded

    # The node comes back and the cluster holds every article exactly once.
    node.start(settings, quiet=True)
    es.cluster.health(index=TEST_ALIAS, wait_for_status="green", timeout="90s")
    es.indices.refresh(index=TEST_ALIAS)
    hits = es.search(index=TEST_ALIAS, size=5000, source_includes=["url"])["hits"]["hits"]
    urls = [hit["_source"]["url"] for hit in hits]
    assert len(urls) == len(set(urls))
    assert set(urls) == seeded | ingested | expected_urls(site)
