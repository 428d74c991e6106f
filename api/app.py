"""The HTTP API: read-only, every query through ``store.search``, ``store.stats`` and
``store.export`` (this module only maps HTTP to those functions and their errors to status codes).

Errors are JSON ``{"error": "…"}``: bad input (a ``QueryError`` or a parameter out of its declared
range) is 400, never 422 or 500, so a client tells "fix your request" from "try again later";
an unreachable Elasticsearch (``StoreError``) is 503.
"""

from __future__ import annotations

import inspect
import itertools
import json
import logging
import secrets
from dataclasses import asdict
from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.models import (
    Article,
    ErrorResponse,
    HealthResponse,
    JobsResponse,
    Run,
    RunsResponse,
    SearchResponse,
    StatsResponse,
    SuggestResponse,
)
from api.monitoring import health, jobs_overview, metrics_text
from api.records import FILTER_FIELDS, FilterField, hit_record
from core.config import ConfigError
from core.dates import SHANGHAI
from core.masking import mask_credentials
from store.client import ES_FAILURES, StoreError, connect
from store.export import csv_lines, iter_articles, jsonl_lines
from store.feeds import atom_feed, newest_articles
from store.lifecycle import current_alias, make_searchable
from store.runs import RUN_STATUSES, get_run, list_runs
from store.search import (
    MAX_FILTER_CHARS,
    MAX_FILTER_VALUES,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    Filters,
    QueryError,
    build_query,
    get_article,
    search,
    suggestions,
)
from store.stats import MAX_TOP, trend
from store.watchlists import load_watchlists

STATIC_DIR = FilePath(__file__).resolve().parent / "static"
API_KEY_HEADER = "X-API-Key"
MAX_DATE_CHARS = 40  # an ISO date-time with offset and fraction fits easily
MAX_RUNS = 500  # runs in one /runs answer
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the Prometheus text format
# Paths anyone may load: the pages themselves must open to ask for the key.
logger = logging.getLogger(__name__)

PUBLIC_PATHS = ("/", "/status")
PUBLIC_PREFIXES = ("/static/",)
FEED_PREFIX = "/feeds/"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# The page loads only its own files and talks only to this server: no CDN, no inline script, so a
# crawled title that slipped through as markup still could not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "bad input: unknown filter value, bad date, out-of-range number"},
    401: {"model": ErrorResponse, "description": "missing or wrong X-API-Key (only when the server has a key)"},
    503: {"model": ErrorResponse, "description": "Elasticsearch is not reachable"},
}


def _as_json(spec: dict[str, Any]) -> dict[str, Any]:
    """An error response documented as JSON on a route whose own media type is not (FastAPI would
    give a ``model`` the route's media type)."""
    reference = {"$ref": f"#/components/schemas/{spec['model'].__name__}"}
    return {"description": spec["description"], "content": {"application/json": {"schema": reference}}}


class NDJSONResponse(StreamingResponse):
    """JSON Lines, streamed. A stream that cannot finish (the node went away mid-export) must not
    look finished: its last line is an error record ``{"error": …, "complete": false}`` and the
    response is left incomplete, so the server aborts the chunked stream (no terminating chunk) and
    every HTTP client reports the transfer as broken rather than a clean 200."""

    media_type = "application/x-ndjson"

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        try:
            async for chunk in self.body_iterator:
                data = chunk if isinstance(chunk, bytes | memoryview) else chunk.encode(self.charset)
                await send({"type": "http.response.body", "body": data, "more_body": True})
        except (StoreError, *ES_FAILURES) as error:
            message = mask_credentials(str(error))
            logger.error("export cut off, the stream is aborted: %s", message)
            record = json.dumps({"error": f"export cut off: {message}", "complete": False}, ensure_ascii=False)
            await send({"type": "http.response.body", "body": f"\n{record}\n".encode(), "more_body": True})
            return  # no final body message: the response stays incomplete and the connection is closed
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class SecurityGuard:
    """Pure ASGI middleware (not Starlette's BaseHTTPMiddleware, which re-streams responses and would
    finish an aborted stream cleanly): the API key check and the security headers on every answer."""

    def __init__(self, app: ASGIApp, api_key: str | None) -> None:
        self.app = app
        self.api_key = api_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        path = scope["path"]
        if self.api_key and path not in PUBLIC_PATHS and not path.startswith(PUBLIC_PREFIXES):
            given = Headers(scope=scope).get(API_KEY_HEADER, "")
            if not given and path.startswith(FEED_PREFIX):
                # A feed reader sends no headers: a feed's address may carry the key (?key=…).
                given = next(
                    (v for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k == "key"), ""
                )
            if not secrets.compare_digest(given.encode(), self.api_key.encode()):
                await _error(401, f"missing or wrong {API_KEY_HEADER} header")(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


def _filter_parameter(field: FilterField) -> inspect.Parameter:
    alias = field.key if field.key != field.name else None
    if field.date:
        query = Query(alias=alias, max_length=MAX_DATE_CHARS, description=field.api_help)
    else:
        # Documented as one string; repeated (?stock=宁德时代&stock=比亚迪) it is any of the values, read
        # by filter_params from the query string (an exploded array in the schema would make every
        # scalar a client sends look like a valid array to a schema checker).
        query = Query(
            alias=alias,
            max_length=MAX_FILTER_CHARS,
            description=field.api_help + f"; repeat the parameter for any of several (at most {MAX_FILTER_VALUES})",
        )
    return inspect.Parameter(
        field.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[str | None, query]
    )


def filter_params(request: Request, **values: str | None) -> Filters:
    """The filters search, stats and export share (:data:`api.records.FILTER_FIELDS`, as the CLI's
    options): every value of a repeated filter parameter; empty strings count as absent, which is what
    an empty form field sends."""
    kept: dict[str, Any] = {}
    for field in FILTER_FIELDS:
        if field.date:
            value = values.get(field.name)
            kept[field.name] = value if value and value.strip() else None
        else:
            kept[field.name] = [v for v in request.query_params.getlist(field.key) if v.strip()] or None
    return Filters(**kept)


# FastAPI reads the query parameters from the signature: the request, then one per filter field.
filter_params.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        *(_filter_parameter(field) for field in FILTER_FIELDS),
    ],
    return_annotation=Filters,
)


FilterParams = Annotated[Filters, Depends(filter_params)]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    # Error texts may quote the cluster's URL or a client's message: masked like every other output.
    return JSONResponse({"error": mask_credentials(message)}, status_code=status, headers=headers)


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "header"))
        parts.append(f"{where or 'request'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(api_key: str | None = None) -> FastAPI:
    """The API and the page. ``api_key``: when set, every request but the page and its static
    files needs the header ``X-API-Key`` with it. The Elasticsearch client is made here, from the
    configuration in force (``FINNEWS_ES_URL``, ``FINNEWS_INDEX``)."""
    app = FastAPI(
        title="finnews",
        version="0.1.0",
        description="Search, trends and export of tagged Chinese finance news (read-only).",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: the page serves only its own files
        redoc_url=None,
    )
    es = connect()

    app.add_middleware(SecurityGuard, api_key=api_key)

    @app.exception_handler(QueryError)
    async def query_error(request: Request, error: QueryError) -> JSONResponse:
        return _error(400, str(error))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> JSONResponse:
        return _error(503, str(error), {"Retry-After": "30"})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(400, _validation_message(error))

    @app.exception_handler(ConfigError)
    async def config_error(request: Request, error: ConfigError) -> JSONResponse:
        return _error(500, str(error))  # the server's own configuration (schedule.yaml) is wrong

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return _error(error.status_code, str(error.detail), getattr(error, "headers", None))

    @app.get("/search", response_model=SearchResponse, responses=ERROR_RESPONSES, tags=["articles"])
    def search_articles(
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

    @app.get(
        "/articles/{article_id}",
        response_model=Article,
        responses={**ERROR_RESPONSES, 404: {"model": ErrorResponse, "description": "no such article"}},
        tags=["articles"],
    )
    def article(article_id: str) -> dict[str, Any]:
        """One article, whole (text, keywords, mentions). The id is the SHA-1 of its canonical URL."""
        make_searchable(es)
        found = get_article(es, article_id)
        if found is None:
            raise StarletteHTTPException(404, "no article with this id")
        return found

    @app.get("/stats", response_model=StatsResponse, responses=ERROR_RESPONSES, tags=["trends"])
    def stats(
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
        return asdict(trend(es, by, interval, filters, top=top, text=q))

    @app.get(
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
            **{status: _as_json(spec) for status, spec in ERROR_RESPONSES.items()},
        },
        tags=["articles"],
    )
    def export(
        filters: FilterParams,
        q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words, as /search matches them")] = "",
        format: Annotated[
            Literal["jsonl", "csv"], Query(description="jsonl (one article per line) or csv (lists joined by ;)")
        ] = "jsonl",
        excel: Annotated[bool, Query(description="csv: start with a byte-order mark, for Excel")] = False,
    ) -> NDJSONResponse:
        """Every article matching the words ``q`` and the filters (as /search matches them) as JSON
        Lines or CSV, streamed from a point-in-time (bounded memory whatever the index size). The first
        page is read before the response starts, so an unreachable node is a 503 rather than a 200 that
        breaks off."""
        make_searchable(es)
        articles = iter_articles(es, build_query(q, filters))
        first = next(articles, None)
        chained = itertools.chain([first] if first is not None else [], articles)
        if format == "csv":
            return NDJSONResponse(
                csv_lines(chained, excel),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="finnews.csv"'},
            )
        return NDJSONResponse(
            jsonl_lines(chained), headers={"Content-Disposition": 'attachment; filename="finnews.jsonl"'}
        )

    @app.get("/suggest", response_model=SuggestResponse, responses=ERROR_RESPONSES, tags=["articles"])
    def suggest(
        q: Annotated[str, Query(max_length=MAX_FILTER_CHARS, description="the start of a name or a code")],
        kind: Annotated[Literal["stock", "board"], Query(description="what to suggest")] = "stock",
    ) -> dict[str, Any]:
        """Stocks or boards for a type-ahead: names or codes starting with (then containing) ``q``;
        ``value`` is what the ``stock`` / ``board`` filter takes."""
        return {"suggestions": suggestions(q, kind)}

    @app.get("/runs", response_model=RunsResponse, responses=ERROR_RESPONSES, tags=["runs"])
    def runs(
        job: Annotated[str | None, Query(max_length=64, description="only this job's runs")] = None,
        status: Annotated[Literal[RUN_STATUSES] | None, Query(description="only runs with this outcome")] = None,  # type: ignore[valid-type]
        limit: Annotated[int, Query(ge=1, le=MAX_RUNS)] = 50,
    ) -> dict[str, Any]:
        """Recorded runs of the scheduled jobs, newest first, without their output (see /runs/{id})."""
        outcomes = (status,) if status else ()
        return {"runs": list_runs(es, job=job or None, outcomes=outcomes, limit=limit, summary=True)}

    @app.get(
        "/runs/{run_id}",
        response_model=Run,
        responses={**ERROR_RESPONSES, 404: {"model": ErrorResponse, "description": "no such run"}},
        tags=["runs"],
    )
    def run(run_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
        """One run, whole: counts, errors by reason, why it has its outcome, the last lines of its output."""
        found = get_run(es, run_id)
        if found is None:
            raise StarletteHTTPException(404, "no run with this id")
        return found

    @app.get(
        "/jobs",
        response_model=JobsResponse,
        responses={**ERROR_RESPONSES, 500: {"model": ErrorResponse, "description": "configs/schedule.yaml is wrong"}},
        tags=["runs"],
    )
    def jobs() -> dict[str, Any]:
        """The scheduled jobs (configs/schedule.yaml): schedule, next and last run, whether overdue,
        new and updated articles of the recent runs, errors by reason."""
        from scheduler.jobs import load_schedule

        return jobs_overview(es, load_schedule(), datetime.now(SHANGHAI))

    @app.get(
        "/feeds/search.xml",
        response_class=Response,
        responses={200: {"content": {ATOM_TYPE: {}}, "description": "an Atom feed"}, **ERROR_RESPONSES},
        tags=["feeds"],
    )
    def search_feed(
        request: Request,
        filters: FilterParams,
        q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words, as /search matches them")] = "",
    ) -> Response:
        """The newest articles matching the words and filters (as /search matches them) as an Atom feed:
        a search to subscribe to in any feed reader."""
        make_searchable(es)
        articles = newest_articles(es, build_query(q, filters), current_alias())
        title = f"finnews: {q}" if q.strip() else "finnews"
        feed = atom_feed(title, str(request.url), f"urn:finnews:search:{request.url.query}", articles)
        return Response(feed, media_type=ATOM_TYPE)

    @app.get(
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
        request: Request, name: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
    ) -> Response:
        """The newest articles a watchlist of configs/watchlists.yaml follows, as an Atom feed."""
        watchlist = load_watchlists().get(name)
        if watchlist is None:
            raise StarletteHTTPException(404, f"no watchlist {name!r} in configs/watchlists.yaml")
        make_searchable(es)
        articles = newest_articles(es, watchlist.search_query(), current_alias())
        return Response(atom_feed(watchlist.title, str(request.url), f"urn:finnews:watchlist:{name}", articles),
                        media_type=ATOM_TYPE)  # fmt: skip

    @app.get(
        "/health",
        response_model=HealthResponse,
        responses={503: {"model": HealthResponse, "description": "degraded: see problems"}},
        tags=["monitoring"],
    )
    def health_check() -> JSONResponse:
        """For monitoring: the node reachable, the spool empty, no job overdue. 200 when all is
        well, 503 (with the same body) when something is not."""
        report = health(es, datetime.now(SHANGHAI))
        return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)

    @app.get(
        "/metrics",
        response_class=Response,
        responses={
            200: {"description": "Prometheus text format", "content": {METRICS_TYPE: {"schema": {"type": "string"}}}}
        },
        tags=["monitoring"],
    )
    def metrics() -> Response:
        """Runs by job and status, articles by outcome, spool size, last success per job, the node
        up or not — in the Prometheus text format, for scraping."""
        return Response(metrics_text(es, datetime.now(SHANGHAI)), media_type=METRICS_TYPE)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/status", include_in_schema=False)
    def status_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "runs.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    def openapi() -> dict[str, Any]:
        """FastAPI's schema, with its 422 replaced by the 400 this API answers, and the key scheme."""
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.get("responses", {})
                responses.pop("422", None)
                for response in responses.values():
                    for content in response.get("content", {}).values():
                        if "$ref" in content.get("schema", {}):  # FastAPI adds "type": "string" for streams
                            content["schema"] = {"$ref": content["schema"]["$ref"]}
        components = schema.setdefault("components", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.get("schemas", {}).pop(name, None)
        if api_key:
            components["securitySchemes"] = {"ApiKey": {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}}
            schema["security"] = [{"ApiKey": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
