"""JSON from outside (list APIs, JSON Lines and JSON files) as text finnews can read.

A JSON escape may write half of a surrogate pair (\\ud800): Python keeps it as a lone surrogate, which no UTF-8
text holds and the tokenizer refuses (a record holding one was lost to a TypeError). It becomes U+FFFD, as an
undecodable byte of a text file does."""

from __future__ import annotations

import re
from typing import Any

_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def escapes_a_surrogate(data: str | bytes) -> bool:
    """Whether JSON text may hold an escaped surrogate (\\uD800-\\uDFFF): the cheap test before a walk."""
    return (b"\\ud" in data or b"\\uD" in data) if isinstance(data, bytes) else ("\\ud" in data or "\\uD" in data)


def _repaired(text: str) -> str:
    if not _LONE_SURROGATE_RE.search(text):
        return text
    # The two halves of a pair written apart (YAML keeps "\ud83d\udcc8" so) make their character again.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` (a decoded JSON or YAML value) with every lone surrogate in its strings replaced by U+FFFD, and
    the halves of a pair standing together joined. The walk keeps its own stack: a value nested as deep as the
    parser allows (about a thousand levels) must not exhaust Python's."""
    if isinstance(value, str):
        return _repaired(value)
    if not isinstance(value, (list, dict)):
        return value
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]  # (a value, its copy's container, its key there)
    while stack:
        item, container, key = stack.pop()
        if isinstance(item, str):
            container[key] = _repaired(item)
        elif isinstance(item, list):
            copy: list[Any] = [None] * len(item)
            container[key] = copy
            stack.extend((child, copy, index) for index, child in enumerate(item))
        elif isinstance(item, dict):
            mapping: dict[Any, Any] = {}
            container[key] = mapping
            for child_key, child in item.items():
                repaired_key = _repaired(child_key) if isinstance(child_key, str) else child_key
                mapping[repaired_key] = None  # the key's place, in the source's order
                stack.append((child, mapping, repaired_key))
        else:
            container[key] = item
    return root[0]


# A JSONP answer: callback({...}) or callback({...}); (Eastmoney's list APIs), and the bare ("…") of
# china.com.cn's more_news.php (../shared/reference/sites.md 3.3).
_JSONP_RE = re.compile(r"^\s*(?:[\w$.]+\s*)?\(\s*(.*?)\s*\)\s*;?\s*$", re.DOTALL)
# The wrappings JSONP servers put around that call, which the notes do not show of these sites but common JSONP
# middleware writes (review of day 22; crawler/refusals.py tells the same forms from a captcha): a byte-order
# mark, a /**/ or // comment before it, try{…}catch(e){}, typeof cb === 'function' && cb(…), and an assignment
# (var x = {…};) instead of a call.
_JSONP_PREAMBLE_RE = re.compile(r"^\ufeff?\s*(?:/\*.*?\*/\s*|//[^\n]*\n\s*)*")
_JSONP_TRY_RE = re.compile(r"^try\s*\{(.*)\}\s*catch\s*\(\s*[\w$]+\s*\)\s*\{[^{}]*\}\s*;?\s*$", re.DOTALL)
_JSONP_GUARD_RE = re.compile(r"^typeof\s+[\w$.]+\s*===?\s*['\"]function['\"]\s*&&\s*")
_JSONP_ASSIGNED_RE = re.compile(r"^(?:(?:var|let|const)\s+)?[\w$.]+\s*=\s*([\[{].*?)\s*;?\s*$", re.DOTALL)


def jsonp_payload(body: str) -> str:
    """The JSON inside a JSONP answer's call (in the wrappings above too), or ``body`` itself when it is not one."""
    text = body[_JSONP_PREAMBLE_RE.match(body).end() :]  # (the pattern matches every text, if only emptily)
    wrapped = _JSONP_TRY_RE.match(text)
    if wrapped:
        text = wrapped.group(1).strip()
    text = text[_JSONP_GUARD_RE.match(text).end() :] if _JSONP_GUARD_RE.match(text) else text
    assigned = _JSONP_ASSIGNED_RE.match(text)
    if assigned:
        return assigned.group(1)
    match = _JSONP_RE.match(text)
    return match.group(1) if match else text
