"""An oversized request head gets the answer HTTP has for it, not a reset connection (issue 21,
item 7): a 200 KB request line is 414, a 200 KB header field 431, read to the end while the client
is still sending; an ordinary request on the same server is answered as usual."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from api.app import create_app
from api.protocol import H11_LIMIT, HeadLimitProtocol
from tests.integration.receivers import free_port


@pytest.fixture(scope="module")
def served() -> Iterator[int]:
    port = free_port()
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="critical",
        http=HeadLimitProtocol, h11_max_incomplete_event_size=H11_LIMIT,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def exchange(port: int, request: bytes) -> bytes:
    """Send the whole request (as a client does, whatever the server says meanwhile), then read."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def test_a_huge_request_line_is_414(served: int) -> None:
    answer = exchange(served, b"GET /search?q=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414 URI Too Long\r\n")


def test_a_huge_header_is_431(served: int) -> None:
    answer = exchange(served, b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")


def test_an_ordinary_request_is_answered(served: int) -> None:
    answer = exchange(served, b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b'"openapi"' in answer
