"""Where the article is on a page of an unknown site: trafilatura's main-content extraction, located
in the original tree (the deepest element holding nearly all of its text, widened to the paragraphs'
container), and a test for the walked lines that keeps only those trafilatura kept (see the notes
of :mod:`tagging.pages.body` on the ``generic`` path)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import ahocorasick_rs
from lxml import etree

from tagging.pages.htmlparse import INVISIBLE_TAGS

# Elements that hold a run of paragraphs (the unit an article's body is).
_CONTAINER_TAGS = frozenset({"div", "article", "section", "main", "td", "body", "center", "blockquote", "form"})
# The element holding the main content holds at least this share of the text trafilatura kept.
_MAIN_NODE_SHARE = 0.9
_NOT_WORD_RE = re.compile(r"[\W_]+")
_GRAM = 4
_KEPT_LINE_SHARE = 0.6


def document_text(document: Any) -> str:
    text = (document.text or "") if document is not None else ""
    return text if text.strip() else ""


def main_content(tree: etree._Element, url: str | None, precision: bool = False) -> Any:
    """trafilatura's extraction of a page (on a copy: it prunes the tree it is given), or ``None``."""
    import trafilatura  # imported here: only pages of unknown sites need it

    try:
        return trafilatura.bare_extraction(
            copy.deepcopy(tree),
            url=url,
            with_metadata=precision,
            include_comments=False,
            include_tables=True,
            favor_precision=precision,
            favor_recall=not precision,
        )
    except (RecursionError, ValueError, TypeError, AttributeError, etree.LxmlError):
        return None


def container_of(node: etree._Element, body: etree._Element) -> etree._Element:
    """The block that holds ``node`` with its sibling paragraphs: an article is a run of paragraphs,
    so a single paragraph (or an inline element) found as the main content stands for its container."""
    while node is not body and (not isinstance(node.tag, str) or node.tag.lower() not in _CONTAINER_TAGS):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node


def _compact(text: str) -> str:
    """Letters and digits only: the two texts compared differ in white space, punctuation and
    table separators (trafilatura writes cells as "| 指标 | 数值 |")."""
    return _NOT_WORD_RE.sub("", text)


def main_node(body: etree._Element, kept_text: str) -> etree._Element:
    """The deepest element of ``body`` that holds (nearly) all the text trafilatura kept."""
    target = _compact(kept_text)
    elements = [e for e in body.iter() if isinstance(e.tag, str)]
    pieces: list[tuple[str, etree._Element]] = []
    for element in elements:
        text = None if element.tag.lower() in INVISIBLE_TAGS else element.text
        for piece, owner in ((text, element), (element.tail, element.getparent())):
            compact = _compact(piece or "")
            if owner is not None and len(compact) >= 2:
                pieces.append((compact, owner))
    kept = _found_in({compact for compact, _owner in pieces}, target)
    own: dict[etree._Element, int] = {}
    for compact, owner in pieces:
        if compact in kept:
            own[owner] = own.get(owner, 0) + len(compact)
    totals: dict[etree._Element, int] = {}
    for element in reversed(elements):  # children before their parents
        totals[element] = totals.get(element, 0) + own.get(element, 0)
        parent = element.getparent()
        if parent is not None and element is not body:
            totals[parent] = totals.get(parent, 0) + totals[element]
    node, whole = body, totals.get(body, 0)
    while whole:
        child = next((c for c in node if totals.get(c, 0) >= _MAIN_NODE_SHARE * whole), None)
        if child is None:
            break
        node = child
    return node


def _found_in(pieces: set[str], target: str) -> set[str]:
    """The ``pieces`` (none empty) that occur in ``target``: one pass of an automaton over it (a search of the
    whole target for each piece took quadratic time on a long page)."""
    if not pieces or not target:
        return set()
    ordered = list(pieces)
    automaton = ahocorasick_rs.AhoCorasick(ordered)
    return {ordered[index] for index, _start, _end in automaton.find_matches_as_indexes(target, overlapping=True)}


def line_keeper(kept_text: str) -> Callable[[str], bool]:
    """A test for lines of the walked body: kept when most of it is in the text trafilatura kept.

    Compared as 4-character pieces without white space, so that a line differing only where
    markup was removed (an old board's "(行情 专区)") still matches."""
    target = _compact(kept_text)
    grams = {target[i : i + _GRAM] for i in range(len(target) - _GRAM + 1)}
    # A shorter line is in the target where a piece begins with it, or in the target's last characters (where no
    # piece begins): a search of the whole target for each short line took quadratic time on a long page.
    beginnings: dict[int, set[str]] = {}
    tail = target[-(_GRAM - 1) :]

    def found(short: str) -> bool:
        if not short or not grams:
            return short in target
        if len(short) not in beginnings:
            beginnings[len(short)] = {gram[: len(short)] for gram in grams}
        return short in beginnings[len(short)] or short in tail

    def keep(line: str) -> bool:
        compact = _compact(line)
        if len(compact) < _GRAM:
            return found(compact)
        count = len(compact) - _GRAM + 1
        hits = sum(1 for i in range(count) if compact[i : i + _GRAM] in grams)
        return hits >= _KEPT_LINE_SHARE * count

    return keep
