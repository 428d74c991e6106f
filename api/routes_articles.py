"""Routes over the articles: search, one article, trends, export and the type-ahead."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http import ERROR_RESPONSES, EsClient, FilterParams, NDJSONResponse, as_json
from api.models import Article, ErrorResponse, SearchResponse, StatsResponse, SuggestResponse
from api.records import hit_record
from store.export import csv_lines, iter_articles, jsonl_lines
from store.lifecycle import make_searchable
from store.search import (
    MAX_FILTER_CHARS,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    QueryError,
    build_query,
    check_stock_filter,
    get_article,
    search,
    suggestions,
)
from store.stats import MAX_TOP, trend

router = APIRouter()


@router.get("/search", response_model=SearchResponse, responses=ERROR_RESPONSES, tags=["articles"])
def search_articles(
    es: EsClient,
    filters: FilterParams,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words to look for; empty: all")] = "",
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_RESULT_WINDOW, description="page × size ≤ 10000")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 10,
    collapse: Annotated[bool, Query(description="one hit per syndicated story")] = False,
) -> dict[str, Any]:
    """Articles matching the words and filters, one page, with highlighted snippets and facet
    counts (topics, boards, stocks, media, months) over all matches."""
    make_searchable(es)
    result = search(es, q, filters, page=page, size=size, sort=sort, collapse_duplicates=collapse, facets=True)
    hits = [hit_record(hit) for hit in result.hits]
    return {
        "total": result.total,
        "articles": result.articles if result.articles is not None else result.total,
        "page": page,
        "size": size,
        "hits": hits,
        "facets": result.facets,
    }


@router.get(
    "/articles/{article_id}",
    response_model=Article,
    responses={**ERROR_RESPONSES, 404: {"model": ErrorResponse, "description": "no such article"}},
    tags=["articles"],
)
def article(es: EsClient, article_id: str) -> dict[str, Any]:
    """One article, whole (text, keywords, mentions). The id is the SHA-1 of its canonical URL."""
    make_searchable(es)
    found = get_article(es, article_id)
    if found is None:
        raise StarletteHTTPException(404, "no article with this id")
    return found


@router.get("/stats", response_model=StatsResponse, responses=ERROR_RESPONSES, tags=["trends"])
def stats(
    es: EsClient,
    filters: FilterParams,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words, as /search matches them")] = "",
    by: Annotated[Literal["topic", "board", "stock", "media"], Query()] = "topic",
    interval: Annotated[
        Literal["auto", "day", "week", "month", "year"],
        Query(description="auto: the finest period that keeps the data's range to about 60 periods"),
    ] = "auto",
    top: Annotated[int, Query(ge=1, le=MAX_TOP, description="how many values to follow")] = 8,
) -> dict[str, Any]:
    """Article counts per period for the ``top`` values of ``by``, and the boards and stocks
    most often in the same articles: those matching the words ``q`` and the filters, counted as
    /search counts them."""
    make_searchable(es)
    check_stock_filter(es, filters)
    return asdict(trend(es, by, interval, filters, top=top, text=q))


@router.get(
    "/export",
    response_class=NDJSONResponse,
    responses={
        200: {
            "description": "one Article per line (NDJSON), or CSV rows with format=csv; streamed",
            "content": {
                NDJSONResponse.media_type: {"schema": {"$ref": "#/components/schemas/Article"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **{status: as_json(spec) for status, spec in ERROR_RESPONSES.items()},
    },
    tags=["articles"],
)
def export(
    es: EsClient,
    filters: FilterParams,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words, as /search matches them")] = "",
    format: Annotated[
        Literal["jsonl", "csv"], Query(description="jsonl (one article per line) or csv (lists joined by ;)")
    ] = "jsonl",
    excel: Annotated[
        bool, Query(description="csv for Excel: a byte-order mark, and ' before a cell that would start a formula")
    ] = False,
) -> NDJSONResponse:
    """Every article matching the words ``q`` and the filters (as /search matches them) as JSON
    Lines or CSV, streamed from a point-in-time (bounded memory whatever the index size). The first
    page is read before the response starts, so an unreachable node is a 503 rather than a 200 that
    breaks off."""
    if excel and format != "csv":
        raise QueryError("excel=true is for format=csv")  # as the CLI refuses --excel for a JSON Lines file
    make_searchable(es)
    query = build_query(q, filters)
    check_stock_filter(es, filters)  # an unknown stock is a 400, never an empty export that looks complete
    articles = iter_articles(es, query)
    first = next(articles, None)
    chained = itertools.chain([first] if first is not None else [], articles)
    if format == "csv":
        return NDJSONResponse(
            csv_lines(chained, excel),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="finnews.csv"'},
        )
    return NDJSONResponse(jsonl_lines(chained), headers={"Content-Disposition": 'attachment; filename="finnews.jsonl"'})


@router.get("/suggest", response_model=SuggestResponse, responses=ERROR_RESPONSES, tags=["articles"])
def suggest(
    q: Annotated[str, Query(max_length=MAX_FILTER_CHARS, description="the start of a name or a code")],
    kind: Annotated[Literal["stock", "board"], Query(description="what to suggest")] = "stock",
) -> dict[str, Any]:
    """Stocks or boards for a type-ahead: names or codes starting with (then containing) ``q``;
    ``value`` is what the ``stock`` / ``board`` filter takes."""
    return {"suggestions": suggestions(q, kind)}
