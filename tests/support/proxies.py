"""Proxies in front of a local node that let a test decide exactly when the node seems to fail:
``BulkGate`` holds bulk requests at a gate (a load is in the middle of its work, instead of racing
it: a load that finished before the node was killed made a fault test pass or fail by luck),
``DyingProxy`` is a node that goes away after a number of searches, ``SwitchProxy`` a node that goes
away and comes back when the test says, and ``BodyLimitProxy`` refuses large request bodies as a
proxy in front of a cluster does."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.integration.secured_proxy import forward


class ForwardingProxy:
    """Forwards every request to the node on ``upstream_port`` unless :meth:`passes` says no; a
    request that does not pass, or that the node no longer answers, is answered by nothing: its
    connection is closed, as a dead node's would be."""

    protocol_version = "HTTP/1.0"  # http.server's default: one request a connection

    def __init__(self, upstream_port: int) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = self.protocol_version

            def _forward(self) -> None:
                try:
                    proxy.answer(self)
                except OSError:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.upstream_port = upstream_port
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request: the node's answer, or a closed connection when it does not pass."""
        if not self.passes(handler.path):
            raise ConnectionAbortedError
        forward(handler, self.upstream_port)

    def passes(self, path: str) -> bool:
        """Whether a request for ``path`` reaches the node (it may also wait here first)."""
        return True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> ForwardingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class BulkGate(ForwardingProxy):
    """Lets ``open_bulks`` bulk requests through, then holds the next ones (``held`` is set) until
    ``released`` is set."""

    def __init__(self, upstream_port: int, open_bulks: int) -> None:
        super().__init__(upstream_port)
        self.open_bulks = open_bulks
        self.held = threading.Event()
        self.released = threading.Event()
        self.bulks = 0
        self.lock = threading.Lock()

    def passes(self, path: str) -> bool:
        if "_bulk" in path:  # the client sends bulk requests as PUT or POST
            with self.lock:
                self.bulks += 1
                beyond = self.bulks > self.open_bulks
            if beyond:
                self.held.set()
                self.released.wait(timeout=300)
        return True

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        super().__exit__(*exc)


class DyingProxy(ForwardingProxy):
    """Forwards until ``searches_left`` searches have been answered (``None``: for ever); then it is
    a node that went away: every connection is closed without an answer."""

    protocol_version = "HTTP/1.1"  # kept-alive connections, as the client holds them to a real node

    def __init__(self, upstream_port: int, searches_left: int | None) -> None:
        super().__init__(upstream_port)
        self.searches_left = searches_left
        self.lock = threading.Lock()

    def passes(self, path: str) -> bool:
        with self.lock:
            if self.searches_left is None:
                return True
            dead = self.searches_left <= 0
            if "_search" in path:
                self.searches_left -= 1
        return not dead


class SwitchProxy(ForwardingProxy):
    """A node that is unreachable (every connection closed without an answer) while ``down`` is set."""

    def __init__(self, upstream_port: int) -> None:
        super().__init__(upstream_port)
        self.down = False

    def passes(self, path: str) -> bool:
        return not self.down


class BodyLimitProxy(ForwardingProxy):
    """A reverse proxy with a limit on request bodies (nginx's ``client_max_body_size``): a larger
    request is answered 413 with an HTML page, as such a proxy answers, and never reaches the node."""

    def __init__(self, upstream_port: int, limit_bytes: int) -> None:
        super().__init__(upstream_port)
        self.limit_bytes = limit_bytes
        self.refused = 0

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        if length <= self.limit_bytes:
            super().answer(handler)
            return
        handler.rfile.read(length)
        self.refused += 1
        page = b"<html><body><h1>413 Request Entity Too Large</h1></body></html>"
        handler.send_response(413)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)
