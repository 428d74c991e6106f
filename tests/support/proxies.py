"""A proxy in front of a local node that holds bulk requests at a gate: a test decides exactly when a
load is in the middle of its work, instead of racing it (a load that finished before the node was
killed made a fault test pass or fail by luck)."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.integration.secured_proxy import forward


class BulkGate:
    """Forwards every request to the node on ``upstream_port``; lets ``open_bulks`` bulk requests
    through, then holds the next ones (``held`` is set) until ``released`` is set. A request the node
    no longer answers is answered by nothing: its connection is closed, as a dead node's would be."""

    def __init__(self, upstream_port: int, open_bulks: int) -> None:
        gate = self
        self.held = threading.Event()
        self.released = threading.Event()
        self.bulks = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                if "_bulk" in self.path:  # the client sends bulk requests as PUT or POST
                    with gate.lock:
                        gate.bulks += 1
                        beyond = gate.bulks > open_bulks
                    if beyond:
                        gate.held.set()
                        gate.released.wait(timeout=300)
                try:
                    forward(self, upstream_port)
                except OSError:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True

            def do_GET(self) -> None:
                self._forward()

            def do_POST(self) -> None:
                self._forward()

            def do_PUT(self) -> None:
                self._forward()

            def do_HEAD(self) -> None:
                self._forward()

            def do_DELETE(self) -> None:
                self._forward()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> BulkGate:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
