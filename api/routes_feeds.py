"""Every search and every watchlist as an Atom feed, for feed readers and RSS bots."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http import ATOM_TYPE, ERROR_RESPONSES, EsClient, FilterParams
from api.models import ErrorResponse
from store.feeds import atom_feed, newest_articles
from store.lifecycle import current_alias, make_searchable
from store.search import MAX_QUERY_CHARS, build_query, check_stock_filter
from store.watchlists import load_watchlists

router = APIRouter()


@router.get(
    "/feeds/search.xml",
    response_class=Response,
    responses={200: {"content": {ATOM_TYPE: {}}, "description": "an Atom feed"}, **ERROR_RESPONSES},
    tags=["feeds"],
)
def search_feed(
    es: EsClient,
    request: Request,
    filters: FilterParams,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words, as /search matches them")] = "",
) -> Response:
    """The newest articles matching the words and filters (as /search matches them) as an Atom feed:
    a search to subscribe to in any feed reader."""
    make_searchable(es)
    query = build_query(q, filters)
    check_stock_filter(es, filters)
    articles = newest_articles(es, query, current_alias())
    title = f"finnews: {q}" if q.strip() else "finnews"
    feed = atom_feed(title, str(request.url), f"urn:finnews:search:{request.url.query}", articles)
    return Response(feed, media_type=ATOM_TYPE)


@router.get(
    "/feeds/{name}.xml",
    response_class=Response,
    responses={
        200: {"content": {ATOM_TYPE: {}}, "description": "an Atom feed"},
        404: {"model": ErrorResponse, "description": "no watchlist of that name in configs/watchlists.yaml"},
        **ERROR_RESPONSES,
    },
    tags=["feeds"],
)
def watchlist_feed(
    es: EsClient, request: Request, name: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
) -> Response:
    """The newest articles a watchlist of configs/watchlists.yaml follows, as an Atom feed."""
    watchlist = load_watchlists().get(name)
    if watchlist is None:
        raise StarletteHTTPException(404, f"no watchlist {name!r} in configs/watchlists.yaml")
    make_searchable(es)
    articles = newest_articles(es, watchlist.search_query(), current_alias())
    return Response(atom_feed(watchlist.title, str(request.url), f"urn:finnews:watchlist:{name}", articles),
                    media_type=ATOM_TYPE)  # fmt: skip
