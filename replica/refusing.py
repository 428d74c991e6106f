"""What both replicas share: how a site refuses a crawler (users of public Eastmoney tools report each:
a list answered valid but empty, a slider captcha page served with 200, a firewall's script challenge, 403/429/451 with
Retry-After, a redirect to a login page, pages that are not what was asked for), the log of what
was answered, and the answers every site gives before its own (robots.txt, the login page, a
refusal). Each replica serves the refusals when told to."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

BLOCKING_MODES = (
    "empty_list",
    "captcha",
    "script_challenge",
    "http_403",
    "http_429",
    "http_451",
    "login_redirect",
    "not_articles",
)
LOGIN_PATH = "/passport/login"
HTML = "text/html; charset=utf-8"

CAPTCHA_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>安全验证</title>
<link rel="stylesheet" href="/verify/nc.css"></head><body>
<div class="verify-wrap"><h2>访问过于频繁</h2><p>您的访问过于频繁，请完成下方安全验证后继续访问。</p>
<div id="nc_1_wrapper" class="nc-container"><div id="nc_1_n1t" class="nc_scale">
<span id="nc_1_n1z" class="nc_iconfont btn_slide">&gt;&gt;</span>
<div class="scale_text"><span class="nc-lang-cnt">请按住滑块，拖动到最右边</span></div></div></div></div>
<script src="/verify/nc.js"></script></body></html>"""

# A firewall's script challenge, served with 412 as such firewalls do: a browser runs the script, gets the
# cookie and the page; a crawler gets this again and again.
CHALLENGE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title></title></head><body>
<script>var arg1='3A5C0E2F9D41B7A6';function setCookie(name,value){var expires=new Date();
expires.setTime(expires.getTime()+3600*1000);document.cookie=name+'='+value+';expires='+expires.toGMTString()+';path=/';}
function reload(x){setCookie('acw_sc__v2',x);document.location.reload();}
reload(arg1.split('').reverse().join(''));</script>
</body></html>"""

LOGIN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>登录 - 东方财富通行证</title></head><body>
<form action="/passport/login" method="post"><input name="username" placeholder="手机号/邮箱">
<input name="password" type="password"><button type="submit">登录</button></form></body></html>"""


@dataclass
class Blocking:
    """How a replica refuses a crawler; a test sets ``mode`` (one of :data:`BLOCKING_MODES`, or None
    to serve normally) and may switch it between crawls. The first ``after`` answers (robots.txt and
    the login page not counted) are served normally: a site refuses once a crawler got going."""

    mode: str | None = None
    after: int = 0
    retry_after: int | None = 1  # seconds, sent with the http_* refusals

    def __post_init__(self) -> None:
        if self.mode is not None and self.mode not in BLOCKING_MODES:
            raise ValueError(f"unknown blocking mode {self.mode!r}; use one of {', '.join(BLOCKING_MODES)}")

    def active(self, mode: str, served: int) -> bool:
        return self.mode == mode and served > self.after

    def refusal(self, served: int, path: str, base_url: str, accept_encoding: str = "") -> tuple | None:
        """The answer that refuses any request (captcha, HTTP status, login redirect), or None. Pages are
        gzipped for a client that accepts it, as the real sites' are (a refusal must be told after that)."""
        if self.mode is None or served <= self.after:
            return None
        if self.mode in ("captcha", "script_challenge"):
            status, page = (200, CAPTCHA_PAGE) if self.mode == "captcha" else (412, CHALLENGE_PAGE)
            if "gzip" in accept_encoding.lower():
                return status, HTML, gzip.compress(page.encode("utf-8")), {"Content-Encoding": "gzip"}
            return status, HTML, page.encode("utf-8")
        if self.mode.startswith("http_"):
            status = int(self.mode[5:])
            headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
            return status, HTML, f"<html><body><h1>{status}</h1><p>访问受限</p></body></html>".encode(), headers
        if self.mode == "login_redirect":
            return 302, HTML, b"", {"Location": f"{base_url}{LOGIN_PATH}?returnUrl={quote(path, safe='')}"}
        return None  # empty_list and not_articles: the site shapes those answers itself


class AnswerLog:
    """What a replica answered, when: (monotonic time, path, status). Tests read the spacing."""

    def __init__(self) -> None:
        self.entries: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()

    def add(self, path: str, status: int) -> None:
        with self.lock:
            self.entries.append((time.monotonic(), path, status))

    def times(self, predicate: Callable[[str], bool] | None = None) -> list[float]:
        with self.lock:
            return [t for t, path, _ in self.entries if predicate is None or predicate(path)]

    def statuses(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(path, status) for _, path, status in self.entries]


class ServedSite:
    """A replica's counts of what was requested (tests assert on them) and the answers it gives before
    its own pages: robots.txt, the login page, and the refusals its :class:`Blocking` is set to."""

    def __init__(self, robots: str, blocking: Blocking | None) -> None:
        self.robots = robots
        self.blocking = blocking or Blocking()
        self.requests: Counter[str] = Counter()
        self.request_times: dict[str, list[float]] = {}  # key -> time.monotonic() of each request
        self.served = 0  # answers counted for Blocking.after
        self.answers = AnswerLog()
        self.lock = threading.Lock()

    def count(self, key: str, path: str) -> int:
        """Count a request under ``key``; the number of answers served so far (robots.txt and the
        login page not counted)."""
        with self.lock:
            self.requests[key] += 1
            self.request_times.setdefault(key, []).append(time.monotonic())
            self.served += int(path not in ("/robots.txt", LOGIN_PATH))
            return self.served

    def common_answer(
        self, path: str, served: int, base_url: str, headers: Mapping[str, str] | None = None
    ) -> tuple | None:
        """robots.txt, the login page, or a refusal; ``None`` when the site answers with its own page."""
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", self.robots.encode()
        if path == LOGIN_PATH:
            return 200, HTML, LOGIN_PAGE.encode("utf-8")
        accept_encoding = str((headers or {}).get("Accept-Encoding") or "")
        return self.blocking.refusal(served, path, base_url, accept_encoding)
