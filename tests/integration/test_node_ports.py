"""Starting a local cluster where another Elasticsearch already answers on one of its ports."""

from __future__ import annotations

import pytest

from store import node
from store.settings import elasticsearch_settings, local_cluster


def test_a_cluster_whose_port_another_node_holds_says_so_at_once(es_node) -> None:
    """A helper's node on 9270 made the three-node cluster test wait 180 s for a cluster that could never form (its
    other two nodes formed one of their own) and then name no cause. The suite's node is such a foreign node here:
    a single node, cluster "finnews"."""
    single = elasticsearch_settings()
    cluster = local_cluster(single, single.port, 3, "256m")
    with pytest.raises(
        node.NodeError, match=rf"port {single.port} is taken by another Elasticsearch \(cluster 'finnews'"
    ):
        node.start(cluster, quiet=True)
    assert node.cluster_health(f"http://127.0.0.1:{single.port + 1}") is None  # nothing was launched
