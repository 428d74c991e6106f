"""``finnews ingest`` and ``finnews extract``: the command line of the :mod:`ingest` library."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core import exit_codes
from core.masking import mask_credentials
from finnews.errors import UserError
from finnews.output import write_stats_json
from store.outcomes import DEAD_LETTER, NEW, NOT_INDEXED_OUTCOMES, SPOOLED, UNCHANGED, UPDATED


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.run import ingest

    if not 1 <= args.batch_size <= 10_000:
        raise UserError("--batch-size must be between 1 and 10000")
    check_workers(args.workers)
    from ingest.tables import parse_mapping

    column_map = parse_mapping(args.map)
    report = ingest(
        [Path(p) for p in args.paths],
        progress=not args.quiet,
        batch_size=args.batch_size,
        workers=args.workers,
        column_map=column_map,
    )
    if args.stats_json:
        write_stats_json(Path(args.stats_json), report.stats())
    counts = report.counts
    print(
        f"Ingested {report.articles} article(s) from {report.files} file(s): {counts.get(NEW, 0)} new, "
        f"{counts.get(UPDATED, 0)} updated, {counts.get(UNCHANGED, 0)} unchanged, "
        f"{counts.get(SPOOLED, 0)} spooled, {counts.get(DEAD_LETTER, 0)} rejected"
    )
    if counts.get(SPOOLED):
        from store.spool import spool_root

        print(
            f"finnews ingest: {counts[SPOOLED]} article(s) wait in the spool ({spool_root() / 'spool'}); "
            "`finnews spool replay` (or the next crawl) writes them",
            file=sys.stderr,
        )
    if report.skipped:
        print(f"finnews ingest: {len(report.skipped)} file(s) skipped:", file=sys.stderr)
    for skipped in report.skipped:
        print(f"  skipped: {mask_credentials(skipped)}", file=sys.stderr)
    if report.failures:
        print(f"finnews ingest: {len(report.failures)} input(s) not loaded:", file=sys.stderr)
    for failure in report.failures:
        print(f"  failed: {mask_credentials(failure)}", file=sys.stderr)
    if report.interrupted:
        print(
            "finnews ingest: interrupted; what was read so far is written. Run the same command again to load "
            "the rest (articles already indexed count as unchanged).",
            file=sys.stderr,
        )
        return exit_codes.INTERRUPTED
    if report.failures and not report.articles:
        return exit_codes.FAILED  # inputs named and not one article read
    if report.failures or any(counts.get(name) for name in NOT_INDEXED_OUTCOMES):
        return exit_codes.PARTIAL
    return exit_codes.OK if report.files or report.articles else exit_codes.NOTHING_DONE


MAX_WORKERS = 256


def check_workers(workers: int | None) -> None:
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UserError(f"--workers must be between 1 and {MAX_WORKERS}")


def cmd_extract(args: argparse.Namespace) -> int:
    from ingest.pool import ItemFailed
    from ingest.work import extract_unit, input_bytes, input_units, parallel_map, worker_count

    check_workers(args.workers)
    paths = [Path(name) for name in args.paths]
    workers = worker_count(args.workers, input_bytes(paths))
    failures = done = 0
    # Files (and each line of a JSON Lines file, read as `ingest` reads it) are cleaned and tagged in
    # worker processes for a large input; lines come out in order.
    options = {"plain": args.plain, "markup_only": args.markup_only}
    units = ((unit, options) for unit in input_units(paths))
    results = parallel_map(extract_unit, units, workers)
    for result in results:
        # An ItemFailed: the worker died on this unit.
        record = {"path": result.item[0].where, "error": result.message} if isinstance(result, ItemFailed) else result
        failures += "error" in record
        done += 1
        print(json.dumps(record, ensure_ascii=False), flush=True)
    if failures:
        print(f"finnews extract: {failures} input(s) failed", file=sys.stderr)
    if not failures:
        return exit_codes.OK
    return exit_codes.FAILED if failures == done else exit_codes.PARTIAL
