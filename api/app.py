"""The HTTP API: read-only, every query through ``store.search``, ``store.stats`` and
``store.export``. This module makes the app (the key check, the security headers, errors as status
codes, the schema); the routes are in ``api/routes_articles.py``, ``routes_feeds.py`` and
``routes_runs.py``, what they share in ``api/http.py``.

Errors are JSON ``{"error": "…"}``: bad input (a ``QueryError`` or a parameter out of its declared
range) is 400, never 422 or 500, so a client tells "fix your request" from "try again later";
an unreachable Elasticsearch (``StoreError``) is 503.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import routes_articles, routes_feeds, routes_runs
from api.http import error_response
from api.records import FILTER_FIELDS
from api.routes_runs import STATIC_DIR
from core.config import ConfigError
from store.client import StoreError, connect
from store.search import QueryError

API_KEY_HEADER = "X-API-Key"
# Paths anyone may load: the pages themselves must open to ask for the key.
PUBLIC_PATHS = ("/", "/status")
PUBLIC_PREFIXES = ("/static/",)
FEED_PREFIX = "/feeds/"
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
                await error_response(401, f"missing or wrong {API_KEY_HEADER} header")(
                    scope, receive, send_with_headers
                )
                return
        await self.app(scope, receive, send_with_headers)


# The parameters a query may repeat: a filter's values (?stock=宁德时代&stock=比亚迪, api/http.py).
REPEATABLE_PARAMETERS = frozenset(field.key for field in FILTER_FIELDS if not field.date)


def query_string_problem(query_string: bytes) -> str | None:
    """What is wrong with a raw query string that its parsed values would hide, or None. Starlette
    decodes a percent-encoded byte that is not UTF-8 as U+FFFD (GBK's %C4%FE… became a query of
    symbols, 0 hits), and keeps only the last of a repeated parameter (?q=&q=词 searched 词)."""
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        name = next((k for k, v in pairs if "\ufffd" in k + v), "a parameter")
        return (
            f"{name} is not valid UTF-8 text: percent-encode it as UTF-8 "
            "(a page or a terminal set to another encoding, such as GBK, sends other bytes)"
        )
    names = [name for name, _ in pairs]
    repeated = next((n for n in names if n not in REPEATABLE_PARAMETERS and names.count(n) > 1), None)
    if repeated is not None:
        return f"{repeated} is given {names.count(repeated)} times; give it once"
    return None


class QueryStringGuard:
    """Pure ASGI middleware: a query string that is not UTF-8, or that repeats a parameter taking one
    value, is a 400 that says so (:func:`query_string_problem`) before any route reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = query_string_problem(scope.get("query_string", b"")) if scope["type"] == "http" else None
        if problem is None:
            await self.app(scope, receive, send)
            return
        await error_response(400, problem)(scope, receive, send)


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
    app.state.es = connect()

    app.add_middleware(QueryStringGuard)
    app.add_middleware(SecurityGuard, api_key=api_key)  # added last, run first: the key, then the query

    @app.exception_handler(QueryError)
    async def query_error(request: Request, error: QueryError) -> JSONResponse:
        return error_response(400, str(error))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> JSONResponse:
        return error_response(503, str(error), {"Retry-After": "30"})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_message(error))

    @app.exception_handler(ConfigError)
    async def config_error(request: Request, error: ConfigError) -> JSONResponse:
        return error_response(500, str(error))  # the server's own configuration (schedule.yaml) is wrong

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return error_response(error.status_code, str(error.detail), getattr(error, "headers", None))

    for router in (routes_articles.router, routes_feeds.router, routes_runs.router):
        app.include_router(router)
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
