"""The client's JSON: orjson for speed, the standard library for what orjson refuses."""

from __future__ import annotations

import json

import orjson

from store.client import SERIALIZERS

ARTICLE = {"title": "北京发布数字经济全产业链开放发展行动方案", "boards": [{"code": "BK1061"}], "n": 3}


def test_bulk_bodies_and_requests_are_written_by_orjson() -> None:
    body = SERIALIZERS["application/x-ndjson"].dumps([{"index": {"_id": "a"}}, ARTICLE])
    assert body == orjson.dumps({"index": {"_id": "a"}}) + b"\n" + orjson.dumps(ARTICLE) + b"\n"
    assert SERIALIZERS["application/json"].dumps(ARTICLE) == orjson.dumps(ARTICLE)
    assert SERIALIZERS["application/json"].loads(orjson.dumps(ARTICLE)) == ARTICLE


def test_what_orjson_refuses_still_becomes_a_line_of_the_bulk_body() -> None:
    # A lone surrogate (a broken page decoded leniently) and an integer past 64 bits: orjson raises on
    # both; the line must still be written so the node judges that document and its batch goes through.
    odd = {"text": "断\ud800行", "count": 2**70}
    body = SERIALIZERS["application/x-ndjson"].dumps([{"index": {}}, odd, {"index": {}}, ARTICLE])
    lines = body.split(b"\n")
    assert len(lines) == 5 and lines[-1] == b""
    assert lines[1] == json.dumps(odd, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    assert lines[3] == orjson.dumps(ARTICLE)
    assert SERIALIZERS["application/json"].dumps(odd) == lines[1]
