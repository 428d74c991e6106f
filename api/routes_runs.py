"""Routes over operations: recorded runs, scheduled jobs, health and metrics, and the two pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http import ERROR_RESPONSES, METRICS_TYPE, EsClient
from api.models import ErrorResponse, HealthResponse, JobsResponse, Run, RunsResponse
from api.monitoring import health, jobs_overview, metrics_text
from core.dates import SHANGHAI
from store.runs import RUN_STATUSES, get_run, list_runs

STATIC_DIR = FilePath(__file__).resolve().parent / "static"
MAX_RUNS = 500  # runs in one /runs answer

router = APIRouter()


@router.get("/runs", response_model=RunsResponse, responses=ERROR_RESPONSES, tags=["runs"])
def runs(
    es: EsClient,
    job: Annotated[str | None, Query(max_length=64, description="only this job's runs")] = None,
    status: Annotated[Literal[RUN_STATUSES] | None, Query(description="only runs with this outcome")] = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=MAX_RUNS)] = 50,
) -> dict[str, Any]:
    """Recorded runs of the scheduled jobs, newest first, without their output (see /runs/{id})."""
    outcomes = (status,) if status else ()
    return {"runs": list_runs(es, job=job or None, outcomes=outcomes, limit=limit, summary=True)}


@router.get(
    "/runs/{run_id}",
    response_model=Run,
    responses={**ERROR_RESPONSES, 404: {"model": ErrorResponse, "description": "no such run"}},
    tags=["runs"],
)
def run(es: EsClient, run_id: Annotated[str, Path(max_length=200)]) -> dict[str, Any]:
    """One run, whole: counts, errors by reason, why it has its outcome, the last lines of its output."""
    found = get_run(es, run_id)
    if found is None:
        raise StarletteHTTPException(404, "no run with this id")
    return found


@router.get(
    "/jobs",
    response_model=JobsResponse,
    responses={**ERROR_RESPONSES, 500: {"model": ErrorResponse, "description": "configs/schedule.yaml is wrong"}},
    tags=["runs"],
)
def jobs(es: EsClient) -> dict[str, Any]:
    """The scheduled jobs (configs/schedule.yaml): schedule, next and last run, whether overdue,
    new and updated articles of the recent runs, errors by reason."""
    from scheduler.jobs import load_schedule

    return jobs_overview(es, load_schedule(), datetime.now(SHANGHAI))


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse, "description": "degraded: see problems"}},
    tags=["monitoring"],
)
def health_check(es: EsClient) -> JSONResponse:
    """For monitoring: the node reachable, the spool empty, no job overdue. 200 when all is
    well, 503 (with the same body) when something is not."""
    report = health(es, datetime.now(SHANGHAI))
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format", "content": {METRICS_TYPE: {"schema": {"type": "string"}}}}
    },
    tags=["monitoring"],
)
def metrics(es: EsClient) -> Response:
    """Runs by job and status, articles by outcome, spool size, last success per job, the node
    up or not — in the Prometheus text format, for scraping."""
    return Response(metrics_text(es, datetime.now(SHANGHAI)), media_type=METRICS_TYPE)


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


@router.get("/status", include_in_schema=False)
def status_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "runs.html", headers={"Cache-Control": "no-cache"})
