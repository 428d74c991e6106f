"""Article HTML in every form it arrives in goes through ``finnews ingest`` into the real node,
with the tags of its markup, the instruments kept apart from stocks, and how its body was found."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES, TEST_ALIAS

FORMS = [
    "api_content_escaped.html",
    "eastmoney_page_escaped_body.html",
    "foreign_template_chinaorg.html",
    "foreign_template_eastmoney.html",
    "fragment_2014_board_hk_wap.html",
    "fragment_2017_old_us_ids.html",
    "fragment_copy_altered.html",
    "page_without_container.html",
    "jekyll_blank_line_no_zone.md",
    "jekyll_digest_only.md",
    "jekyll_empty_source.md",
    "jekyll_second_crawler_NW.md",
]


def test_every_input_form_is_indexed_with_its_body_source(cli, fresh_index: str, es_node, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in FORMS:
        shutil.copy(FIXTURES / "pages" / name, archive / name)
    result = cli("ingest", "--quiet", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    es_node.indices.refresh(index=TEST_ALIAS)
    hits = es_node.search(index=TEST_ALIAS, size=100, query={"match_all": {}})["hits"]["hits"]
    documents = [hit["_source"] for hit in hits]
    # Files without a URL of their own share none: each is a document (ids come from the file path).
    assert len(documents) == len(FORMS)
    sources = {document["body_source"] for document in documents}
    assert {"fragment", "generic", "escaped+fragment", "jekyll"} <= sources
    assert all(document["text"] for document in documents)
    old_us = next(d for d in documents if "105.AAPL" in {s["secid"] for s in d["stocks"]})
    assert {"106.WMT"} <= {s["secid"] for s in old_us["stocks"]}  # NYSE from the id, never a default 105
    # The index and the fund that old stock ids also mark are instruments, never stocks.
    assert {(i["secid"], i["kind"]) for i in old_us["instruments"]} == {("0.395022", "index"), ("1.501300", "fund")}
    assert not {i["secid"] for d in documents for i in d["instruments"]} & {
        s["secid"] for d in documents for s in d["stocks"]
    }
