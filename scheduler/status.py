"""How a run is told: its status and the reason for it, and the one line that shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.exit_codes import BLOCKED, PARTIAL
from scheduler.jobs import Job
from scheduler.stats import ROBOTS_FORBIDDEN
from store.outcomes import DEAD_LETTER, GATHERED_OUTCOMES, NEW, SKIPPED_SEEN, SPOOLED, UNCHANGED, UPDATED
from store.runs import FAILED_OUTCOMES

LAYOUT_CHANGED_PREFIX = "layout_changed/"

# The article counts a run's line shows.
RUN_LINE_OUTCOMES = (NEW, UPDATED, UNCHANGED, SKIPPED_SEEN, SPOOLED)


def _error_summary(errors: dict[str, int]) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in sorted(errors.items())) or "none"


def last_line(text: str, limit: int = 300) -> str:
    """The last non-blank line of a job's output (where a command says why it failed)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:limit]


def human_duration(seconds: float) -> str:
    """``3 h 10 min``, ``2 d 4 h``, ``45 s``: for reasons and alerts."""
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def _unsaved(articles: dict[str, Any], errors: dict[str, int]) -> str | None:
    """What of a run's articles is not (yet) in the index as it should be: spooled while Elasticsearch did not
    take them (the next run replays them), rejected by it (dead letters, named in the output), written but not
    remembered as seen (the next crawl fetches them again)."""
    spooled, rejected = int(articles.get(SPOOLED, 0)), int(articles.get(DEAD_LETTER, 0))
    unremembered = errors.get("seen_store_write", 0)
    parts = [
        f"{spooled} article(s) spooled: Elasticsearch did not take them (the next run replays them)" if spooled else "",
        f"{rejected} article(s) rejected by Elasticsearch (dead letters)" if rejected else "",
        f"{unremembered} written article(s) not remembered as seen (the next crawl fetches them again)"
        if unremembered
        else "",
    ]
    return "; ".join(part for part in parts if part) or None


def run_status(
    outcome: str,
    job: Job,
    counts: dict[str, Any],
    output: str,
    exit_code: int | None,
    last_new_at: datetime | None,
    now: datetime,
) -> tuple[str, str | None]:
    """The run's status and the reason for it, from how the process ended (``outcome`` from
    :func:`classify`) and what the crawl counted. In order: stopped or timed out by us; a layout
    change (partial with articles gathered, else failed, whatever the exit code); failed (non-zero
    exit before the stats were written); blocked (sources stopped or refused requests given up,
    nothing gathered) or partial (the same, with articles gathered or other sources working);
    failed (every request of a crawl failed); partial (lists failing, or a list still all new at
    the last page it was read to: items it moved past are lost); failed (a non-zero exit the
    counts do not explain); partial (articles spooled, rejected or not remembered as seen);
    empty (no new article for longer than the job's ``expect_new_within``);
    else succeeded."""
    if outcome == "timeout":
        return "timeout", f"ran over its timeout of {job.timeout:g} s and was stopped"
    if outcome == "stopped":
        return "stopped", "the scheduler was stopped while the run was going on"
    errors = {e["reason"]: int(e["count"]) for e in counts.get("errors") or []}
    changed = {r: c for r, c in errors.items() if r.startswith(LAYOUT_CHANGED_PREFIX)}
    articles = counts.get("articles") or {}
    gathered = sum(int(articles.get(name, 0)) for name in GATHERED_OUTCOMES)
    if changed and outcome in ("failed", "succeeded"):
        # A site answering in a form the parsers do not know (crawler.drift): the crawl exits 1 and
        # says why; the run is partial when other sources or pages still gave articles.
        sources = ", ".join(counts.get("layout_changed_sources") or []) or "a source"
        what = f"layout changed at {sources} ({_error_summary(changed)})"
        if gathered:
            return "partial", f"{what} — {gathered} article(s) gathered"
        return "failed", what
    if outcome == "failed" and not counts:
        return "failed", f"exit {exit_code}: {last_line(output)}"  # it ended before writing its stats
    blocked = {r: c for r, c in errors.items() if r.startswith("blocked/")}
    other = {r: c for r, c in errors.items() if not r.startswith("blocked/") and r != "source_stopped"}
    stopped = counts.get("stopped_sources") or []
    if stopped or counts.get("given_up"):
        what = "; ".join(f"stopped {line}" for line in stopped) or f"refused: {_error_summary(blocked)}"
        if gathered or counts.get("sources_ok"):
            return "partial", f"{what} — {gathered} article(s) gathered from the rest"
        return "blocked", what
    if job.spider and errors.get(ROBOTS_FORBIDDEN) and not gathered and not int(articles.get(SKIPPED_SEEN, 0)):
        what = f"the sites' robots.txt forbade {errors[ROBOTS_FORBIDDEN]} request(s) and nothing was gathered"
        return "failed", f"{what} (check the start URLs and sources against robots.txt)"
    if job.spider and other and not counts.get("ok_answers"):
        return "failed", f"every request failed: {_error_summary(other)}"
    if job.spider and counts.get("list_errors"):
        return "partial", f"some lists failed ({_error_summary(other)}) — {gathered} article(s) gathered"
    if job.spider and counts.get("list_truncated"):
        lists = ", ".join(counts["list_truncated"])
        return "partial", f"list(s) {lists} still all new at the last page allowed: older items may be missed"
    if outcome == "failed":  # its stats explain nothing of the non-zero exit: the output does
        return "failed", f"exit {exit_code}: {last_line(output)}"
    unsaved = _unsaved(articles, errors)
    if unsaved:  # nothing is lost, but not all is in the index yet (docs/commands.md: exit 4)
        return "partial", unsaved
    if exit_code in (PARTIAL, BLOCKED):  # the command said so (an ingest's failed inputs …): its last line says why
        return ("partial" if exit_code == PARTIAL else "blocked"), f"exit {exit_code}: {last_line(output)}"
    window = job.expect_new_within
    if window and not int(articles.get(NEW, 0)) and last_new_at is not None:
        quiet = (now - last_new_at).total_seconds()
        if quiet > window:
            return "empty", f"no new article for {human_duration(quiet)} (expected within {human_duration(window)})"
    return "succeeded", None


def run_line(record: dict[str, Any]) -> str:
    """One run as one line; a run that is not all well (failed, timeout, blocked, empty, partial) is
    marked in capitals and followed by its reason."""
    outcome = record.get("outcome", "?")
    mark = outcome.upper() if outcome in (*FAILED_OUTCOMES, "partial") else outcome
    articles = record.get("articles") or {}
    counts = ", ".join(f"{articles.get(k, 0)} {k}" for k in RUN_LINE_OUTCOMES)
    errors = ", ".join(f"{e['reason']} {e['count']}" for e in record.get("errors") or []) or "none"
    size = (
        f"files {record.get('files') or 0}" if record.get("kind") == "ingest" else f"pages {record.get('pages') or 0}"
    )
    start = str(record.get("start", ""))[:19].replace("T", " ")
    line = (
        f"{start}  {record.get('job')}  {mark}  {record.get('duration_s', 0):.1f} s  exit {record.get('exit_code')}  "
        f"{size}  articles {counts}  errors {errors}"
    )
    return f"{line}\n    why: {record['reason']}" if record.get("reason") else line
