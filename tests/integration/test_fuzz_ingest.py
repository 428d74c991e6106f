"""Random JSON Lines into ``finnews ingest`` (in this process, the real node, the test alias): every
valid record is indexed, every invalid one is reported with its line, and nothing escapes as an
exception — whatever mix of good records, wrong types, non-objects and broken lines a file holds."""

from __future__ import annotations

import itertools
import json
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.run import ingest
from tests.conftest import TEST_ALIAS

RUN = uuid.uuid4().hex[:8]
_numbers = itertools.count()

words = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Po", "Zs"), max_codepoint=0x9FFF),
    min_size=1,
    max_size=60,
).filter(lambda text: any(ch.isalnum() for ch in text))
optional_words = st.none() | words
not_a_string = st.one_of(
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.integers(), min_size=1, max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
STRING_FIELDS = ("url", "title", "text", "media", "author", "digest", "source")


def unique_url() -> str:
    return f"https://fuzz.example/{RUN}/{next(_numbers)}.html"


@st.composite
def valid_record(draw: st.DrawFn) -> dict[str, object]:
    record: dict[str, object] = {"url": unique_url(), "text": draw(words)}
    for name in ("title", "media", "author", "digest"):
        value = draw(optional_words)
        if value is not None:
            record[name] = value
    if draw(st.booleans()):
        record["published_at"] = draw(
            st.sampled_from(["2022-05-30 20:46", "2022-05-30T20:46:00+08:00", "2022年05月30日 20:46"])
        )
    if draw(st.booleans()):
        record["extra"] = draw(not_a_string)  # unknown fields are ignored
    return record


@st.composite
def invalid_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["wrong type", "not an object", "broken", "no body", "not a date"]))
    if kind == "wrong type":
        record = draw(valid_record())
        record[draw(st.sampled_from(STRING_FIELDS))] = draw(not_a_string)
        return json.dumps(record, ensure_ascii=False)
    if kind == "not an object":
        return json.dumps(draw(st.one_of(st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=3))))
    if kind == "not a date":  # named, not loaded without a date (or with another)
        record = draw(valid_record())
        record["published_at"] = draw(st.sampled_from(["not a date", "2026-02-30", "99999-01-01", "+25:00"]))
        return json.dumps(record, ensure_ascii=False)
    if kind == "no body":
        return json.dumps({"url": unique_url(), "title": draw(words)}, ensure_ascii=False)
    return "{" + json.dumps(draw(valid_record()), ensure_ascii=False)[1:-1]  # unterminated


lines = st.lists(
    st.one_of(valid_record().map(lambda r: ("valid", r)), invalid_line().map(lambda line: ("invalid", line))),
    min_size=1,
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines)
def test_every_valid_record_is_indexed_and_every_invalid_one_reported(
    fresh_index: str, es_node, tmp_path: Path, mix: list[tuple[str, object]]
) -> None:
    path = tmp_path / f"fuzz-{next(_numbers)}.jsonl"
    path.write_text(
        "\n".join(json.dumps(item, ensure_ascii=False) if kind == "valid" else str(item) for kind, item in mix) + "\n",
        encoding="utf-8",
    )
    report = ingest([path], progress=False, batch_size=3)
    valid = [item["url"] for kind, item in mix if kind == "valid"]
    invalid_lines = {number for number, (kind, _item) in enumerate(mix, start=1) if kind == "invalid"}
    assert report.articles == len(valid), report.failures
    assert {int(failure.split(":")[1]) for failure in report.failures} == invalid_lines, report.failures
    assert all(failure.startswith(f"{path}:") for failure in report.failures)
    assert report.counts["spooled"] == 0
    es_node.indices.refresh(index=TEST_ALIAS)
    found = es_node.search(
        index=TEST_ALIAS, query={"terms": {"url": valid}}, size=len(valid) + 1, source_includes=["url"]
    )
    assert sorted(hit["_source"]["url"] for hit in found["hits"]["hits"]) == sorted(valid)
