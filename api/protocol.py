"""uvicorn's HTTP/1.1 protocol (h11), with a request head that is too large answered as HTTP says:
``414 URI Too Long`` for a request line, ``431 Request Header Fields Too Large`` for header fields,
followed by a lingering close (what the client still sends is read and dropped, then the connection
closes), where h11 alone gives a generic 400 and closes at once, so a client still sending a large
head sees its connection reset instead of any answer."""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# The largest request head taken (request line and header fields). h11's own limit is set above it
# (``H11_LIMIT``) so that this check answers first.
HEAD_LIMIT = 16 * 1024
H11_LIMIT = 4 * HEAD_LIMIT
LINGER_S = 2.0  # how long a refused connection is read (and dropped) before it closes
_REASONS = {414: "URI Too Long", 431: "Request Header Fields Too Large"}


class HeadLimitProtocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head = bytearray()
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering: dropped
        if self.conn.their_state is h11.IDLE:  # a request head is coming
            self._head += data
            if b"\r\n\r\n" in self._head:
                self._head.clear()
            elif len(self._head) > HEAD_LIMIT:
                self._refuse(414 if b"\r\n" not in self._head else 431)
                return
        else:
            self._head.clear()
        super().data_received(data)

    def _refuse(self, status: int) -> None:
        self._refused = True
        reason = _REASONS[status]
        body = f"{reason}: the request head is over {HEAD_LIMIT // 1024} KB\n".encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        ).encode()
        self.logger.warning("Refused a request whose head is over %d bytes: %d %s", HEAD_LIMIT, status, reason)
        self.transport.write(head + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()  # the answer is complete; the client may still be sending
        asyncio.get_event_loop().call_later(LINGER_S, self.transport.close)
