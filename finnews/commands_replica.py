"""``finnews replica serve``: the local replicas the tests and the demo crawl, as a user command, so
crawling more than the demo's four articles needs neither Python nor five ``-s`` settings typed by
hand. It prints the crawl command with the settings that point the spider at it."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import threading

from finnews.errors import UserError

FORMS = ("2026", "2020", "drifted")


def crawl_command(settings: list[str]) -> str:
    """The command line that crawls the served replica, quoted for a shell."""
    return shlex.join(
        ["finnews", "crawl", "eastmoney", *settings, "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    )


def cmd_replica(args: argparse.Namespace) -> int:
    from replica.site import ReplicaServer, ReplicaSite, SiteForms, load_articles, synthetic_articles

    if not 1 <= args.articles <= 100_000:
        raise UserError("--articles must be between 1 and 100000")
    real = load_articles()
    articles = real[: args.articles] if args.articles <= len(real) else synthetic_articles(args.articles)
    try:
        server = ReplicaServer(ReplicaSite(articles, forms=SiteForms.of(args.forms)), port=args.port)
    except OSError as error:
        raise UserError(f"cannot listen on 127.0.0.1:{args.port} ({error.strerror}): choose another --port") from None
    with server:
        print(
            f"Serving an Eastmoney replica of {len(articles)} article(s) at {server.url} "
            f"(the {args.forms} forms). Ctrl-C stops it.",
            flush=True,
        )
        print("Crawl it with:", flush=True)
        print("  " + crawl_command(server.eastmoney_settings("columns,fast,pages")), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()  # until Ctrl-C (SIGTERM ends the process as it is)
    return 0


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """``finnews replica serve``."""
    replica = subparsers.add_parser(
        "replica",
        help="serve a local replica of the sites to crawl (what the tests and the demo crawl)",
        description="Serve a local Eastmoney replica (list APIs, 7x24 list, list pages, articles) and print the "
        "crawl command that points the spider at it.",
    )
    replica.add_argument("action", choices=["serve"])
    replica.add_argument(
        "--articles", type=int, default=4, help="articles to serve (default: the 4 real ones; more are made from them)"
    )
    replica.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    replica.add_argument("--forms", choices=FORMS, default="2026", help="the site's answers as seen in (default) 2026")
    replica.set_defaults(func=cmd_replica)
