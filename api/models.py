"""Response models: they shape the OpenAPI schema (what clients and the schema tests rely on) and
document each field. Article fields mirror ``configs/index.yaml``; unknown fields pass through
(``extra="allow"``) so a new index field reaches clients without an API change."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Board(BaseModel):
    model_config = ConfigDict(extra="allow")

    secid: str | None = Field(None, description="Eastmoney secid, e.g. 90.BK1061")
    code: str | None = Field(None, description="board code, e.g. BK1061")
    name: str | None = Field(None, description="board name, e.g. 数字经济")


class Stock(Board):
    exchange: str | None = Field(None, description="SH, SZ, BJ, HK, US …")


class Topic(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | None = Field(None, description="topic id in configs/topics.yaml, e.g. digital_economy")
    name: str | None = None
    name_en: str | None = None


class Mention(BaseModel):
    model_config = ConfigDict(extra="allow")

    secid: str | None = None
    text: str | None = None
    start: int | None = Field(None, description="character offset into the article's text")
    end: int | None = None
    where: str | None = Field(None, description="body, media or title")
    source: str | None = Field(None, description="markup or text")


class ArticleBase(BaseModel):
    """Fields shared by search hits and full articles. Text fields are raw data, not HTML."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="SHA-1 of the canonical URL")
    url: str | None = None
    title: str | None = None
    published_at: str | None = Field(None, description="ISO 8601, +08:00")
    media: str | None = Field(None, description="the outlet (来源)")
    source: str | None = Field(None, description="where it came from: eastmoney, chinaorg, jekyll, a feed …")
    boards: list[Board] = Field(default_factory=list)
    stocks: list[Stock] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    digest: str | None = None
    dup_of: str | None = Field(None, description="id of the first article this one duplicates (syndication)")


class SearchHit(ArticleBase):
    score: float | None = Field(None, description="relevance (none when sorted by date only)")
    snippet: str = Field(
        description="an HTML fragment: the matching passage with its own text escaped and the query's "
        "words in <em>…</em>; the only field that is HTML"
    )


class FacetEntry(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    topics: list[FacetEntry] = Field(default_factory=list)
    boards: list[FacetEntry] = Field(default_factory=list)
    stocks: list[FacetEntry] = Field(default_factory=list)
    media: list[FacetEntry] = Field(default_factory=list)
    months: list[FacetEntry] = Field(default_factory=list, description="articles per month (yyyy-MM)")


class SearchResponse(BaseModel):
    total: int = Field(description="all matching results (not only this page): articles, or stories when collapse=true")
    articles: int = Field(description="all matching articles, reposts included (total, unless collapsed)")
    page: int
    size: int
    hits: list[SearchHit]
    facets: Facets


class Article(ArticleBase):
    author: str | None = None
    text: str | None = Field(None, description="the clean body, one paragraph per line")
    keywords: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    crawled_at: str | None = None
    updated_at: str | None = None


class Cooccurring(BaseModel):
    boards: list[FacetEntry] = Field(default_factory=list)
    stocks: list[FacetEntry] = Field(default_factory=list)


class StatsResponse(BaseModel):
    by: str
    interval: str
    periods: list[str] = Field(description="period labels, oldest first (yyyy-MM-dd, or yyyy-MM per month)")
    series: dict[str, list[int]] = Field(description="value → article count per period, in the order of periods")
    totals: dict[str, int] = Field(description="value → articles over all periods")
    articles: int = Field(description="articles matching the words and filters")
    undated: int = Field(description="of these, articles without a publication time: in no period")
    undated_by_value: dict[str, int] = Field(
        description="value → its articles without a publication time (in totals, in no period)"
    )
    cooccurring: Cooccurring = Field(description="boards and stocks most often in the same articles")


class ErrorResponse(BaseModel):
    error: str = Field(description="what was wrong, in one line")


# --- runs, jobs, health --------------------------------------------------------------------------------


class ErrorCount(BaseModel):
    reason: str = Field(description="why: http_404, timeout, blocked/captcha, source_stopped …")
    count: int


class Run(BaseModel):
    """One run of a scheduled job, as recorded in the runs index. Text fields are raw data, not HTML."""

    model_config = ConfigDict(extra="allow")

    run_id: str
    job: str
    kind: str | None = Field(None, description="crawl or ingest")
    trigger: str | None = Field(None, description="schedule, run-once, run-now or catch-up")
    command: str | None = None
    host: str | None = None
    start: str | None = Field(None, description="ISO 8601, +08:00")
    end: str | None = None
    duration_s: float | None = None
    outcome: str = Field(description="succeeded, partial, blocked, failed, empty, timeout or stopped")
    reason: str | None = Field(None, description="why the run has its outcome; none when it succeeded")
    stopped_sources: list[str] = Field(default_factory=list, description="sources stopped as blocked, and why")
    exit_code: int | None = None
    pages: int | None = None
    requests: int | None = None
    files: int | None = None
    articles: dict[str, int] = Field(default_factory=dict, description="new, updated, unchanged, skipped_seen …")
    errors: list[ErrorCount] = Field(default_factory=list)
    output_tail: str | None = Field(None, description="the last lines of the run's output (in /runs/{id} only)")


class RunsResponse(BaseModel):
    runs: list[Run] = Field(description="newest first")


class RunPoint(BaseModel):
    run_id: str | None = None
    start: str | None = None
    outcome: str | None = None
    new: int = 0
    updated: int = 0


class Job(BaseModel):
    name: str
    kind: str = Field(description="crawl or ingest")
    command: str
    cron: str
    timezone: str
    timeout: float
    expect_new_within: float | None = Field(None, description="seconds; longer without a new article: empty")
    next_run: str | None = None
    last_run: Run | None = None
    overdue: bool | None = Field(None, description="due without a run since; null when it never ran")
    due_since: str | None = None
    history: list[RunPoint] = Field(default_factory=list, description="recent runs, oldest first")
    errors: list[ErrorCount] = Field(default_factory=list, description="errors by reason over the recent runs")


class JobsResponse(BaseModel):
    jobs: list[Job]
    unscheduled: list[str] = Field(default_factory=list, description="jobs with runs that are no longer scheduled")


class NodeHealth(BaseModel):
    reachable: bool
    status: str | None = Field(None, description="green, yellow or red")
    error: str | None = None


class SpoolHealth(BaseModel):
    files: int
    articles: int
    dead_letter_files: int


class JobHealth(BaseModel):
    name: str
    last_run: str | None = Field(None, description="start of the last run")
    last_outcome: str | None = None
    next_run: str | None = None
    overdue: bool | None = None


class HealthResponse(BaseModel):
    status: str = Field(description="ok, or degraded (node unreachable, spool waiting, a job overdue)")
    problems: list[str] = Field(default_factory=list)
    elasticsearch: NodeHealth
    spool: SpoolHealth
    jobs: list[JobHealth] = Field(default_factory=list)
    checked_at: str


class Suggestion(BaseModel):
    value: str = Field(description="what the stock or board filter takes (a code)")
    name: str
    code: str


class SuggestResponse(BaseModel):
    suggestions: list[Suggestion]
