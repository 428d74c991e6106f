"""Local stand-ins for where alerts go, started by the tests on 127.0.0.1: an incoming-webhook
receiver (answering as Feishu/DingTalk/WeCom do, or refusing) and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dead_node_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a crawl whose Elasticsearch node is down (a port nobody listens on): its articles are
    spooled under ``tmp_path``."""
    return {"FINNEWS_ES_URL": f"http://127.0.0.1:{free_port()}", "FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up before a late answer (a test of timeouts) is expected, not a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class WebhookReceiver:
    """Collects JSON POSTs. ``status``/``answer``: what it answers (a chat service answers 200 with
    ``{"errcode": 0}``; set ``answer`` to an error code to play a refusing one; a 3xx ``status`` sends a
    ``Location`` to its GET page, as a moved endpoint does)."""

    def __init__(self, status: int = 200, answer: dict[str, Any] | None = None, delay_s: float = 0.0) -> None:
        self.status = status
        self.answer = answer if answer is not None else {"errcode": 0, "errmsg": "ok"}
        self.messages: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, taken or refused
        self.deliveries: list[str] = []  # X-Finnews-Delivery of each message taken (pushed articles)
        self.refuse_next = 0  # answer this many requests with HTTP 503 first (a webhook outage)
        self.delay_s = delay_s  # take this long to answer each request (a slow chat service)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.requests.append(("POST", self.path))
                time.sleep(receiver.delay_s)
                with receiver.lock:
                    refused = receiver.refuse_next > 0
                    receiver.refuse_next -= int(refused)
                    if not refused:
                        receiver.paths.append(self.path)
                        receiver.messages.append(json.loads(body.decode("utf-8")))
                        if self.headers.get("X-Finnews-Delivery"):
                            receiver.deliveries += self.headers["X-Finnews-Delivery"].split(",")
                reply = json.dumps(receiver.answer).encode()
                self.send_response(503 if refused else receiver.status)
                if 300 <= receiver.status < 400 and not refused:
                    self.send_header("Location", "/moved")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def do_GET(self) -> None:
                with receiver.lock:
                    receiver.requests.append(("GET", self.path))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, token: str = "hook-token-0000") -> str:
        """The webhook URL; the token in its path plays the secret a real one carries."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook/{token}"

    def received(self, job: str | None = None, event: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [
                m
                for m in self.messages
                if (job is None or m.get("job") == job) and (event is None or m.get("event") == event)
            ]

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd calls it so)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 in a thread; with ``login``, it accepts AUTH LOGIN/PLAIN for that
    (user, password) only, without TLS (a local test server)."""

    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.mailbox = _Mailbox()
        self.logins: list[str] = []
        options: dict[str, Any] = {}
        if login:
            options = {"authenticator": self._authenticate, "auth_require_tls": False, "auth_required": True}
        self.login = login
        self.port = free_port()  # aiosmtpd's start-up check connects to the port it was given: not 0
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)

    def _authenticate(
        self, server: object, session: object, envelope: object, mechanism: str, data: object
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.login is not None
        if ok:
            user, password = data.login.decode(), data.password.decode()
            self.logins.append(user)
            ok = (user, password) == self.login
        return AuthResult(success=ok, handled=False)

    def messages(self) -> list[str]:
        return [e.content.decode("utf-8", errors="replace") for e in self.mailbox.envelopes]

    def wait_for(self, count: int, timeout: float = 10) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.mailbox.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages()

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
