"""Searching the article index: user text is segmented with the same jieba set-up as indexing and
sent as match queries (never query_string, scripts or regexps), with size limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError

from store.index import StoreError, current_alias, unreachable
from tagging.segment import words

MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
HIGHLIGHT_PRE, HIGHLIGHT_POST = "\ue010", "\ue011"  # replaced by the caller's markers
SOURCE_FIELDS = ["id", "url", "title", "published_at", "media", "source", "boards", "stocks", "topics", "digest"]


class QueryError(ValueError):
    """A query that cannot be run (too long, page out of range); the message says why."""


@dataclass
class Hit:
    id: str
    score: float | None
    source: dict[str, Any]
    snippet: str


def build_query(text: str) -> dict[str, Any]:
    """The Elasticsearch query for user text: words matched in the segmented fields, the whole text
    as a phrase in the original fields (for words jieba splits differently)."""
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    terms = words(text)
    if not terms:
        return {"match_all": {}}
    joined = " ".join(terms)
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": joined, "fields": ["title_words^3", "text_words"], "operator": "and"}},
                {"match_phrase": {"title": {"query": text, "boost": 2}}},
                {"match_phrase": {"text": {"query": text}}},
            ],
            "minimum_should_match": 1,
        }
    }


def highlight_spec(text: str) -> dict[str, Any]:
    """Highlight the query's words in the original text (phrase per word, so 数字经济 lights up whole)."""
    terms = words(text) or [text]
    phrase_queries = [{"match_phrase": {"text": t}} for t in terms] + [{"match_phrase": {"title": t}} for t in terms]
    return {
        "pre_tags": [HIGHLIGHT_PRE],
        "post_tags": [HIGHLIGHT_POST],
        "fields": {
            "text": {"fragment_size": 90, "number_of_fragments": 1, "no_match_size": 90},
            "title": {"number_of_fragments": 0},
        },
        "highlight_query": {"bool": {"should": phrase_queries}},
    }


def search(
    es: Elasticsearch, text: str, page: int = 1, size: int = 10, alias: str | None = None
) -> tuple[int, list[Hit]]:
    """Search articles; returns the total hit count and one page of hits with snippets."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise QueryError(f"--size must be between 1 and {MAX_PAGE_SIZE}")
    if page < 1 or page * size > MAX_RESULT_WINDOW:
        raise QueryError(f"--page must be at least 1 and page × size at most {MAX_RESULT_WINDOW}")
    try:
        response = es.search(
            index=alias or current_alias(),
            query=build_query(text),
            highlight=highlight_spec(text),
            source_includes=SOURCE_FIELDS,
            from_=(page - 1) * size,
            size=size,
            track_total_hits=True,
            sort=["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
        )
    except (ESConnectionError, TransportError) as error:
        raise unreachable(error) from error
    except ApiError as error:
        if error.meta.status == 404:
            return 0, []
        raise StoreError(f"search failed: {error}") from error
    hits = []
    for hit in response["hits"]["hits"]:
        fragments = hit.get("highlight", {}).get("text") or [""]
        hits.append(Hit(hit["_id"], hit.get("_score"), hit["_source"], fragments[0]))
    return response["hits"]["total"]["value"], hits


def mark(snippet: str, pre: str, post: str) -> str:
    return snippet.replace(HIGHLIGHT_PRE, pre).replace(HIGHLIGHT_POST, post)
