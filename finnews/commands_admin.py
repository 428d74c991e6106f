"""``finnews es``, ``index``, ``spool`` and ``taxonomy``: the node, the index, the spool and the
topic taxonomy looked after (argument parsing done by :mod:`finnews.cli`; printing here)."""

from __future__ import annotations

import argparse
import sys

from core import exit_codes
from core.masking import mask_credentials
from store.outcomes import DEAD_LETTER, NEW, SPOOLED, UNCHANGED, UPDATED


def replay_line(totals: dict[str, int]) -> str:
    """What replaying the spool did, in the words ``spool replay`` and the crawl summary use."""
    return (
        f"{totals.get(NEW, 0)} new, {totals.get(UPDATED, 0)} updated, {totals.get(UNCHANGED, 0)} already indexed, "
        f"{totals.get(SPOOLED, 0)} spooled again, {totals.get(DEAD_LETTER, 0)} rejected (dead letter)"
        + (f", {totals['damaged']} damaged line(s) kept as dead letters" if totals.get("damaged") else "")
        + (f"; {totals['elsewhere']} file(s) for another index left as they are" if totals.get("elsewhere") else "")
    )


def cmd_es(args: argparse.Namespace) -> int:
    from store import node

    if args.action == "start":
        print(node.start())
    elif args.action == "stop":
        print(node.stop())
    else:
        return es_status()
    return 0


def es_status() -> int:
    from elasticsearch import ApiError

    from store.client import cluster_status, connect
    from store.settings import elasticsearch_settings

    settings = elasticsearch_settings()
    es = connect()
    health = cluster_status(es)
    where = "local node" if settings.managed else "configured cluster"
    if health is None:
        print(f"Elasticsearch ({where}) at {settings.url}: not running")
        return 1
    print(f"Elasticsearch ({where}) at {settings.url}")
    print(f"  version:  {health.get('version') or 'unknown'}")
    print(f"  health:   {health.get('status')} ({health.get('number_of_nodes')} node(s))")
    try:
        count = es.count(index=settings.alias)["count"]
        print(f"  articles: {count} (alias {settings.alias})")
    except ApiError:
        print(f"  articles: 0 (alias {settings.alias} does not exist yet)")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.lifecycle import current_alias, index_config, indices_behind, versioned_name
    from store.migrate import migrate

    es = connect()
    if args.action == "migrate":
        result = migrate(es)
        if result.status == "created":
            print(f"Created {result.new_index} behind alias {result.alias}")
        elif result.status == "up-to-date":
            print(f"{result.alias} is already at {result.new_index}")
        else:
            print(
                f"Migrated {result.alias}: {', '.join(result.old_indices)} → {result.new_index}, "
                f"{result.copied} article(s) copied. The old index was read-only from the start of the copy "
                "(writers running meanwhile spooled what it refused: `finnews spool replay` writes it) and "
                "is kept read-only; delete it when satisfied."
            )
        return 0
    alias = current_alias()
    expected = versioned_name(alias, index_config()["version"])
    behind = indices_behind(es, alias)
    print(f"alias {alias} → {', '.join(behind) or '(none)'}; configs/index.yaml describes {expected}")
    if behind and behind != [expected]:
        print("run `finnews index migrate` to move to it")
        return 1
    return 0


def cmd_spool(args: argparse.Namespace) -> int:
    from store.client import connect
    from store.replay import replay_spool
    from store.spool import read_spool, spool_files

    if args.action == "replay":
        kind = "dead-letter" if args.dead_letter else "spool"
        totals = replay_spool(connect(), kind=kind)
        print(f"Replayed {totals['files']} {kind} file(s): {replay_line(totals)}")
        if totals[DEAD_LETTER]:
            print(
                f"{totals[DEAD_LETTER]} article(s) rejected by Elasticsearch are dead letters: `finnews spool list` "
                "says why; once that is fixed, `finnews spool replay --dead-letter` sends them again",
                file=sys.stderr,
            )
        not_all_done = totals[SPOOLED] or totals[DEAD_LETTER] or totals.get("damaged")
        return exit_codes.PARTIAL if not_all_done else exit_codes.OK
    for kind in ("spool", "dead-letter"):
        files = spool_files(kind)
        print(f"{kind}: {len(files)} file(s)")
        for path in files:
            entries = read_spool(path)
            reasons = sorted({mask_credentials(str(e.get("reason", "")))[:100] for e in entries})
            index = next((str(e["index"]) for e in entries if e.get("index")), None)
            target = f" for {index}" if index else ""
            print(f"  {path} — {len(entries)} article(s){target}; reason: {'; '.join(reasons)}")
    return 0


def cmd_taxonomy(args: argparse.Namespace) -> int:
    from tagging.linking.lexicon import load_lexicon
    from tagging.topics import check_taxonomy, load_taxonomy

    lexicon = load_lexicon()
    taxonomy = load_taxonomy()
    problems = check_taxonomy(
        taxonomy,
        lexicon.boards,
        {code: board.type for code, board in lexicon.boards.items()},
        lexicon.pseudo_boards,
    )
    mapped = {code for topic in taxonomy.topics for code in topic.boards}
    print(f"{len(taxonomy.topics)} topics over {len(mapped)} boards ({len(lexicon.boards)} known boards)")
    for problem in problems:
        print(f"  problem: {problem}")
    print("taxonomy OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0
