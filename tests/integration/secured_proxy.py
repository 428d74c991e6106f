"""A stand-in for a secured cluster: HTTPS with a test CA, requiring basic auth or an API key, in
front of the real local node. Lets the tests exercise finnews' TLS and credential handling end to
end without a second Elasticsearch."""

from __future__ import annotations

import base64
import http.client
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def forward(handler: BaseHTTPRequestHandler, upstream_port: int, dropped: frozenset[str] = frozenset()) -> None:
    """Forward the handler's request to the local node on ``upstream_port`` and its answer back
    (hop-by-hop headers and the ``dropped`` ones left out)."""
    length = int(handler.headers.get("Content-Length") or 0)
    payload = handler.rfile.read(length) if length else None
    upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS | dropped}
    upstream.request(handler.command, handler.path, body=payload, headers=headers)
    response = upstream.getresponse()
    data = response.read()
    handler.send_response(response.status)
    for name, value in response.getheaders():
        if name.lower() not in HOP_HEADERS:
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
    upstream.close()


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA) made with the openssl command."""
    cert, key = directory / "ca.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class SecuredProxy:
    def __init__(self, directory: Path, upstream_port: int, username: str, password: str, api_key: str) -> None:
        self.cert, key = make_certificate(directory)
        accepted = {
            "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode(),
            f"ApiKey {api_key}",
        }
        self.seen_authorization: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                authorization = self.headers.get("Authorization", "")
                proxy.seen_authorization.append(authorization.split(" ")[0])
                if authorization not in accepted:
                    body = b'{"error":{"type":"security_exception","reason":"unable to authenticate"},"status":401}'
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("X-elastic-product", "Elasticsearch")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                forward(self, upstream_port, dropped=frozenset({"authorization", "host"}))

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> SecuredProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
