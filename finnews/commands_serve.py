"""``finnews serve``: the HTTP API and the page under uvicorn (argument parsing only; the app is
:func:`api.app.create_app`)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys

from finnews.errors import UserError

API_KEY_ENV = "FINNEWS_API_KEY"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_number(text: str) -> int:
    """A TCP port for argparse: ``--port 99999`` is a usage error, not a traceback from the server."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def port_is_free(host: str, port: int) -> bool:
    """Whether the server can listen there (checked before it prints that it serves)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from store.settings import elasticsearch_settings

    # The environment is the safer place for the key: a command-line argument shows in `ps`.
    api_key = args.api_key or os.environ.get(API_KEY_ENV) or None
    if not api_key and not is_loopback(args.host):
        print(
            f"finnews serve: listening on {args.host} without an API key: anyone who can reach it can read the "
            f"index (set {API_KEY_ENV} or --api-key)",
            file=sys.stderr,
        )
    if not port_is_free(args.host, args.port):
        raise UserError(
            f"port {args.port} on {args.host} is taken by another program: stop it or choose another with --port"
        )
    settings = elasticsearch_settings()
    print(
        f"finnews API and page on http://{args.host}:{args.port}/ — index {settings.alias} at {settings.url}; "
        + ("X-API-Key required (open the page as /?key=…)" if api_key else "no API key")
    )
    from api.protocol import H11_LIMIT, HeadLimitProtocol

    uvicorn.run(
        create_app(api_key),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        http=HeadLimitProtocol,  # an oversized request head gets 414 or 431, not a reset connection
        h11_max_incomplete_event_size=H11_LIMIT,
    )
    return 0


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """``finnews serve``."""
    serve = subparsers.add_parser(
        "serve",
        help="the HTTP API (search, articles, stats, export) and a search page",
        description="Serve the read-only HTTP API and the search page at /. With an API key every request "
        "but the page needs the header X-API-Key; open the page as /?key=KEY and it sends the key. "
        "The schema is at /openapi.json.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=port_number, default=8800, help="port (default 8800)")
    serve.add_argument("--api-key", help=f"require this X-API-Key (default: ${API_KEY_ENV}; none: open)")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"], help="uvicorn's"
    )
    serve.set_defaults(func=cmd_serve)
