"""The shapes both faces share (api/records.py), without Elasticsearch: a search hit as the API's
model declares it and as ``finnews search --json`` prints it; one list of filter fields for the
API's query parameters and the CLI's options."""

from __future__ import annotations

import argparse
import dataclasses
from urllib.parse import urlencode

from starlette.requests import Request

from api.http import filter_params
from api.models import SearchHit
from api.records import FILTER_FIELDS, hit_record
from finnews.commands_search import add_filter_options, filters_from
from store.search import HIGHLIGHT_POST, HIGHLIGHT_PRE, Filters, Hit

SOURCE = {"url": "https://example.com/a/1.html", "title": "数字经济 <b>", "boards": [], "stocks": [], "topics": []}


def test_a_hit_record_is_the_api_search_hit() -> None:
    hit = Hit("abc", 1.5, SOURCE, f"a <b>{HIGHLIGHT_PRE}数字经济{HIGHLIGHT_POST}")
    record = hit_record(hit)
    assert record == {**SOURCE, "id": "abc", "score": 1.5, "snippet": "a &lt;b&gt;<em>数字经济</em>"}
    # The model's required fields are there, and it keeps every value as the record has it.
    required = {name for name, field in SearchHit.model_fields.items() if field.is_required()}
    assert required == {"id", "snippet"} and required <= set(record)
    model = SearchHit.model_validate(record).model_dump()
    assert {name: model[name] for name in record} == record


def test_one_list_of_filter_fields_for_both_faces() -> None:
    assert [field.name for field in FILTER_FIELDS] == [field.name for field in dataclasses.fields(Filters)]
    parser = argparse.ArgumentParser()
    add_filter_options(parser)
    given = {field.key: f"value of {field.name}" for field in FILTER_FIELDS}
    args = parser.parse_args([part for key, value in given.items() for part in (f"--{key}", value)])
    from_cli = filters_from(args)
    from_api = filter_params(
        request_with(given), **{field.name: given[field.key] for field in FILTER_FIELDS if field.date}
    )
    assert from_cli == from_api == Filters(**{field.name: given[field.key] for field in FILTER_FIELDS})
    # An empty form field is no filter (the API); an absent option is none either (the CLI).
    blanks = {field.key: " " for field in FILTER_FIELDS}
    assert filter_params(request_with(blanks), **{f.name: " " for f in FILTER_FIELDS if f.date}) == Filters()
    # A repeated parameter is any of its values (issue 23, item 3).
    repeated = filter_params(Request({"type": "http", "query_string": b"stock=a&stock=b&stock=", "headers": []}))
    assert repeated == Filters(stock=["a", "b"])
    assert filters_from(parser.parse_args([])) == Filters()


def request_with(params: dict[str, str]) -> Request:
    return Request({"type": "http", "query_string": urlencode(params).encode(), "headers": []})
