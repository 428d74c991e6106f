"""One exit-code convention for every finnews command that does work (crawl, ingest, spool replay,
extract, sites check, schedule run-once), documented in the README, and the scheduler reads it
back. A run's status (``store.runs.RUN_STATUSES``) maps to one code. Imports nothing of the project."""

from __future__ import annotations

OK = 0  # everything asked was done
FAILED = 1  # it did not do its work: stopped early, every request failed, a site changed so nothing came
USAGE = 2  # it could not start: a configuration or usage error, a cluster that does not answer
ALREADY_RUNNING = 3  # schedule run-once: the job is running elsewhere
PARTIAL = 4  # done, but not all of it: inputs or pages failed, articles spooled or rejected, a source changed
BLOCKED = 5  # a site refused: sources stopped as blocked, nothing gathered
NOTHING_DONE = 6  # there was nothing to do (no input; no new article for longer than expected)
INTERRUPTED = 130  # Ctrl-C or a stop: what was ready is written, the same command again does the rest

# A run's status as an exit code.
STATUS_EXIT = {
    "succeeded": OK,
    "partial": PARTIAL,
    "blocked": BLOCKED,
    "failed": FAILED,
    "empty": NOTHING_DONE,
    "timeout": FAILED,
    "stopped": INTERRUPTED,
}
# Codes of a command that ran to its end: its counts say how it went.
COMPLETED = (OK, PARTIAL, BLOCKED, NOTHING_DONE)
