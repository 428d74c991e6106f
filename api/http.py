"""What the API's routes share: the Elasticsearch client of the app, the filter parameters of search,
stats, export and feeds, the documented error answers, and the streamed JSON Lines response."""

from __future__ import annotations

import inspect
import json
import logging
from typing import Annotated, Any

from elasticsearch import Elasticsearch
from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.types import Send

from api.models import ErrorResponse
from api.records import FILTER_FIELDS, FilterField
from core.masking import mask_credentials
from store.client import ES_FAILURES, StoreError
from store.search import MAX_FILTER_CHARS, MAX_FILTER_VALUES, Filters

logger = logging.getLogger("api.app")

MAX_DATE_CHARS = 40  # an ISO date-time with offset and fraction fits easily
ATOM_TYPE = "application/atom+xml; charset=utf-8"
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the Prometheus text format

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "bad input: unknown filter value, bad date, out-of-range number"},
    401: {"model": ErrorResponse, "description": "missing or wrong X-API-Key (only when the server has a key)"},
    503: {"model": ErrorResponse, "description": "Elasticsearch is not reachable"},
}


def es_client(request: Request) -> Elasticsearch:
    """The app's one Elasticsearch client (made by :func:`api.app.create_app`)."""
    return request.app.state.es


EsClient = Annotated[Elasticsearch, Depends(es_client)]


def as_json(spec: dict[str, Any]) -> dict[str, Any]:
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


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    # Error texts may quote the cluster's URL or a client's message: masked like every other output.
    return JSONResponse({"error": mask_credentials(message)}, status_code=status, headers=headers)
