"""Boards, stocks, topics and keywords of an article, from its markup and from its text."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from core.article import Mention
from core.securities import from_data_code
from tagging.linking.knowledge_tables import load_knowledge_base
from tagging.linking.lexicon import load_lexicon, normalise_name
from tagging.linking.link_context import (
    FULL_NAME_LENGTH,
    OUTLET_AFTER_RE,
    OUTLET_BEFORE_RE,
    inside_another_name,
    on_word_bounds,
)
from tagging.linking.linker import Linker, linker
from tagging.places import Marks, Places
from tagging.segment import Token, tokens, top_keywords
from tagging.topics import load_taxonomy

# Topic keywords are weaker evidence than boards: one mention in the body is not enough.
KEYWORD_HITS_FOR_TOPIC = 2


@dataclass
class Tags:
    boards: list[dict[str, Any]]
    stocks: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    keywords: list[str]
    mentions: list[Mention]
    # Markup the sentence does not bear out (a stock it does not name, a board name that is no word), and
    # why (judged_markup).
    rejected_markup: list[dict[str, Any]] = field(default_factory=list)


# A sentence ends at these; the context rules judge a markup mention within its sentence.
_SENTENCE_END_RE = re.compile("[。！？；!?;\n]")


@lru_cache(maxsize=4)
def _sentence_ends(text: str) -> Marks:
    """Where the sentences of ``text`` end: found once a text, as each of its marks asks for its sentence (searching
    the text for each mark made a page of thousands of marks quadratic)."""
    return Marks(text, _SENTENCE_END_RE)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence that holds ``start:end``: from after the last end before ``start`` to the first end at or
    after ``end``, that end included."""
    ends = _sentence_ends(text)
    after = ends.first_from(end)
    return ends.last_before(start) + 1, (after + 1 if after is not None else len(text))


def _sentence_tokens(segments: list[Token] | None, text: str, begin: int, finish: int) -> list[Token]:
    """The words of ``text[begin:finish]`` with offsets into the text: the text's segmentation
    (found by bisection, not a scan of every word) or, when its words do not tile the sentence, the
    sentence segmented anew."""
    if segments is not None:
        index = bisect_left(segments, begin, key=itemgetter(1))
        inside = []
        while index < len(segments) and segments[index][2] <= finish:
            inside.append(segments[index])
            index += 1
        if inside and inside[0][1] == begin and inside[-1][2] == finish:
            return inside
    return [(word, a + begin, b + begin) for word, a, b in tokens(text[begin:finish])]


def _rejection(mention: Mention, text: str, why: str) -> dict[str, Any]:
    """A marked mention dropped, with why and the sentence it stands in (a ``rejected_markup`` entry)."""
    begin, finish = _sentence_around(text, mention.start or 0, mention.end or 0)
    return {
        "secid": mention.secid,
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "reason": f"{why}: {text[begin:finish].strip()[:80]}",
    }


def _context_may_matter(the_linker: Linker, text: str, start: int, end: int, word_end: dict[int, int]) -> bool:
    """Whether the linker's context rules could refuse this name here; when not (a company's
    unambiguous name standing as a word, no outlet or longer name around it), linking its sentence
    is skipped: tagging from markup stays twice as fast as trafilatura (bench/tagging.py)."""
    name = text[start:end]
    return (
        name in the_linker.everyday
        or name in the_linker.kb.needs_context
        or name in the_linker.board_words
        or (len(name) < FULL_NAME_LENGTH and not on_word_bounds(text, start, end, word_end))
        or OUTLET_AFTER_RE.match(text, end) is not None
        or OUTLET_BEFORE_RE.search(text, max(0, start - 4), start) is not None
        or inside_another_name(text, name, start, end, ("", ""), None)
    )


def _straddled_words(segments: list[Token], start: int, end: int) -> str | None:
    """``"煤电/机组"`` when ``start:end`` begins inside one word and reaches into the next (the text's
    words, found by bisection), else None. A name that begins a word and ends inside a longer one is a
    name (商业航天 of 商业/航天概念)."""
    first = bisect_right(segments, start, key=itemgetter(1)) - 1
    last = bisect_left(segments, end, key=itemgetter(2))
    if first < 0 or last >= len(segments) or first == last:
        return None
    (word_a, a_start, _), (word_b, _, _) = segments[first], segments[last]
    return f"{word_a}/{word_b}" if start != a_start else None


def _board_never_a_mention(the_linker: Linker, mention: Mention) -> str | None:
    """Why a marked board is no mention wherever it stands, or None: a board marked inside the source line
    names the outlet (证券 of （文章来源：中国证券报）; a listed outlet, 新华网, is still the company); a region
    board names a place; a pseudo board is index membership, holdings or statistics (标准普尔, 机构重仓)."""
    if mention.where == "media":
        return "a board marked inside the source line names the outlet, not a sector"
    lexicon = the_linker.lexicon
    if mention.security.code not in lexicon.pseudo_boards:
        return None
    board = lexicon.boards.get(mention.security.code)
    if board is not None and board.type == "region":
        return "a region board names a place, not a sector (configs/boards.csv)"
    return "a board of index membership or statistics names no sector (configs/text_tagging.yaml)"


def judged_markup(
    markup: list[Mention],
    text: str,
    published_at: datetime | None = None,
    segments: list[Token] | None = None,
) -> tuple[list[Mention], list[dict[str, Any]]]:
    """The markup's mentions with the stocks that the sentence does not name, and the boards whose
    name is no word of its sentence, taken out (the markup alone: FINNEWS_TAG_MARKUP_ONLY). Eastmoney
    marks stocks by matching their names, as a plain-text tagger without context rules would:
    线上线下消费 becomes the stock 线上线下, 培育壮大智慧产品 the stock 大智慧, 发展绿色经济 the HK stock
    绿色经济. A stock the linker knows by the marked name, in a sentence where the plain-text rules
    (word bounds, everyday words wanting a company cue, names inside other names) do not link that
    name to that company, is dropped and listed with the reason; boards that are never a mention
    (:func:`_board_never_a_mention`) and board names that straddle two words too; other boards, and names
    the linker does not know, are taken as marked. ``segments``: the text's segmentation, when the caller
    has it."""
    the_linker = linker()
    kept: list[Mention] = []
    rejected: list[dict[str, Any]] = []
    # Each sentence's words, their bounds (built once: one huge sentence may hold thousands of marks), mentions.
    sentences: dict[tuple[int, int], tuple[list[Token], dict[int, int], list[Mention] | None]] = {}
    for mention in markup:
        start, end = mention.start, mention.end
        if mention.security.kind == "board":
            never = _board_never_a_mention(the_linker, mention)
            if never:
                rejected.append(_rejection(mention, text, never) if start is not None else _unplaced(mention, never))
                continue
            straddled = _straddles(mention, text, segments)
            if straddled:
                rejected.append(_rejection(mention, text, f"the name straddles {straddled}"))
                continue
        if (
            mention.security.kind != "stock"
            or mention.where != "body"
            or start is None
            or end is None
            or text[start:end] not in the_linker.kb.names
        ):
            kept.append(mention)
            continue
        begin, finish = _sentence_around(text, start, end)
        if (begin, finish) not in sentences:
            words = _sentence_tokens(segments, text, begin, finish)
            sentences[begin, finish] = (words, {a: b for _word, a, b in words}, None)
        words, word_end, found = sentences[begin, finish]
        if not _context_may_matter(the_linker, text, start, end, word_end):
            kept.append(mention)
            continue
        if found is None:
            shifted = [(word, a - begin, b - begin) for word, a, b in words]
            found = the_linker.link(text[begin:finish], published_at, None, shifted)
            sentences[begin, finish] = (words, word_end, found)
        # The same company, or another listing read from the same characters; a longer name around the marked
        # one is another company's (京东 of 京东方). (A sentence's few mentions: looked through, not indexed.)
        a, b = start - begin, end - begin
        readings = [m for m in found if m.security.kind == "stock" and (m.start or 0) < b and a < (m.end or 0)]
        if any(m.secid == mention.secid or (m.start, m.end) == (a, b) for m in readings):
            kept.append(mention)
            continue
        rejected.append(_rejection(mention, text, "the sentence does not name the company"))
    return kept, rejected


def _unplaced(mention: Mention, why: str) -> dict[str, Any]:
    """A ``rejected_markup`` entry for a mark outside the text (the source line): no offsets, no sentence."""
    return {"secid": mention.secid, "text": mention.text, "start": None, "end": None, "reason": why}


def _straddles(mention: Mention, text: str, segments: list[Token] | None) -> str | None:
    """``"煤电/机组"`` when a marked board name straddles two words of the body. Eastmoney marks a board by its
    name wherever the characters stand: 电机 in 煤电机组 (煤电/机组), 大数据 in 加大数据 (加大/数据) name no
    board (one inside a longer word still may: 养老金 of 个人养老金, 银行 of 银行机构)."""
    if mention.where != "body" or mention.start is None or mention.end is None:
        return None
    return _straddled_words(segments if segments is not None else tokens(text), mention.start, mention.end)


class MentionPlaces:
    """The body mentions of a list by kind and place, to find those overlapping a span in logarithmic time
    (a huge page holds thousands of mentions, and each marked name is looked up)."""

    def __init__(self, mentions: list[Mention]) -> None:
        placed = [m for m in mentions if m.where == "body" and m.start is not None and m.end is not None]
        self._places = {
            kind: Places([m for m in placed if m.security.kind == kind], lambda m: (m.start or 0, m.end or 0))
            for kind in {m.security.kind for m in placed}
        }

    def over(self, kind: str, start: int, end: int) -> list[Mention]:
        """The mentions of ``kind`` that overlap ``start:end``, in order of place."""
        places = self._places.get(kind)
        return places.over(start, end) if places is not None else []


def markup_judged_by_the_text(
    markup: list[Mention],
    text: str,
    linked: list[Mention],
    segments: list[Token],
    published_at: datetime | None,
) -> tuple[list[Mention], list[dict[str, Any]]]:
    """The marks of ``markup`` that the text's reading (``linked``, the linker's mentions of the title and
    text) bears out, and the others with why. Eastmoney marks names wherever the characters stand (教育 of
    投资者教育, 京东 of 京东方, 新能源 of 新能源汽车) and one listing per name; the linker reads each name in its
    context, by the labelling rules a reader follows. So a mark of a name the linker knows stays only where
    the linker reads the same security there; one the linker reads otherwise, or not at all, is dropped
    (the text's reading is kept, so the company or sector has one label however often it is named). Kept as
    marked: indexes and funds (instruments), names and boards the tables do not know (a listing or a board
    newer than them), a listed outlet in the source line (新华网), and, on a page without a date, a stock
    name that stands as a word in no context that could make it another thing, or that the text reads as
    another listing of the same name (the page knew what was listed on its day: 乐视网 in a 2017 copy, the
    Hong Kong 上海复旦 before its A share)."""
    the_linker = linker()
    lexicon, kb = the_linker.lexicon, the_linker.kb
    places = MentionPlaces(linked)
    word_end: dict[int, int] | None = None  # the text's word bounds, built for an undated page's first need
    kept: list[Mention] = []
    rejected: list[dict[str, Any]] = []
    for mention in markup:
        start, end, kind = mention.start, mention.end, mention.security.kind
        if kind == "board":
            never = _board_never_a_mention(the_linker, mention)
            if never:
                rejected.append(_rejection(mention, text, never) if start is not None else _unplaced(mention, never))
                continue
        if kind not in ("board", "stock") or mention.where != "body" or start is None or end is None:
            kept.append(mention)
            continue
        name = text[start:end]
        readings = places.over(kind, start, end)
        if any(reading.secid == mention.secid for reading in readings):
            kept.append(mention)
            continue
        same_place = next((r for r in readings if (r.start, r.end) == (start, end)), None)
        longer = next((r for r in readings if (r.start or 0) <= start and end <= (r.end or 0)), None)
        if kind == "board":
            if normalise_name(name) in lexicon.ambiguous_names:
                why = "too vague a name to name a sector alone"
            elif mention.security.code not in lexicon.boards or (name not in the_linker.board_words and not readings):
                kept.append(mention)  # a board newer than the tables, or a name of it the vocabulary lacks
                continue
            elif same_place is not None:
                why = f"the text reads {name} here as {same_place.secid}"
            elif longer is not None:
                why = f"part of {longer.text}, which names {longer.secid}"
            else:
                why = "the text does not name the sector here"
            rejected.append(_rejection(mention, text, why))
            continue
        if name not in kb.names:
            kept.append(mention)  # a name the tables do not know: a listing newer than them
            continue
        listings = {entry.secid for entry in kb.names[name]}
        if published_at is None and same_place is not None and {mention.secid, same_place.secid} <= listings:
            kept.append(mention)  # undated: the page knew which listing the name was on its day (上海复旦 in 2014)
            continue
        if same_place is not None:
            why = f"the text reads {name} here as {same_place.secid} (another listing, or another company)"
        elif longer is not None:
            why = f"part of {longer.text}, which names {longer.secid}"
        elif published_at is None and not _context_may_matter(
            the_linker, text, start, end, word_end := word_end or {a: b for _word, a, b in segments}
        ):
            kept.append(mention)
            continue
        else:
            why = "the text does not name the company here"
        rejected.append(_rejection(mention, text, why))
    return kept, rejected


def markup_and_text_mentions(
    markup: list[Mention],
    text: str,
    title: str,
    media: str | None,
    text_segments: list[Token],
    title_segments: list[Token],
    published_at: datetime | None,
) -> tuple[list[Mention], list[dict[str, Any]]]:
    """The text's mentions (title and body, as a page without markup is read) with the marks it bears out or
    cannot read (:func:`markup_judged_by_the_text`); the marks it reads otherwise are dropped, with why.
    Where a mark and the text name the same security, or one of a kind at one place, the mark stands for both."""
    linked = titled_text_mentions(title, text, media, title_segments, text_segments, published_at)
    kept, rejected = markup_judged_by_the_text(markup, text, linked, text_segments, published_at)
    marked = MentionPlaces(kept)

    def marked_too(m: Mention) -> bool:
        if m.where != "body" or m.start is None or m.end is None:
            return False
        return any(
            k.secid == m.secid or (k.start, k.end) == (m.start, m.end)
            for k in marked.over(m.security.kind, m.start, m.end)
        )

    added = [m for m in linked if not marked_too(m)]
    # In reading order: the body's mentions (the source line's last), then the title's.
    order = {"body": 0, "media": 1, "title": 2}
    mentions = sorted([*kept, *added], key=lambda m: (order.get(m.where, 1), m.start if m.start is not None else 0))
    return mentions, rejected


def text_mentions(
    text: str, media: str | None = None, segments: list[Token] | None = None, published_at: datetime | None = None
) -> list[Mention]:
    """Boards and stocks named in plain text, with offsets, without markup to go by (names resolve
    at ``published_at``: the company that bore a name then)."""
    return linker().link(text, published_at, media, tokens(text) if segments is None else segments)


def titled_text_mentions(
    title: str,
    text: str,
    media: str | None,
    title_segments: list[Token],
    text_segments: list[Token],
    published_at: datetime | None,
) -> list[Mention]:
    """Mentions of the title and the text, linked as one document so that what one says holds for
    the other (a code in the body pins the title's 阿里巴巴 to a listing; 港股 in the title is the
    market of the body's names). Offsets point into the title (``where="title"``) or the text."""
    if not title:
        return text_mentions(text, media, text_segments, published_at)
    shift = len(title) + 1
    # (The text's words shifted by a list comprehension: a generator unpacked into the list took 1.6× as long.)
    segments = [*title_segments, ("\n", len(title), shift), *[(w, a + shift, b + shift) for w, a, b in text_segments]]
    mentions = text_mentions(f"{title}\n{text}", media, segments, published_at)
    for mention in mentions:
        if mention.start is not None and mention.start < len(title):
            mention.where = "title"
        elif mention.start is not None and mention.end is not None:
            mention.start, mention.end = mention.start - shift, mention.end - shift
    # The text's mentions first, as before (tags keep the order of first mention in the body).
    return [m for m in mentions if m.where != "title"] + [m for m in mentions if m.where == "title"]


def listed_mentions(secids: list[str], where: str = "list", source: str = "list") -> list[Mention]:
    """The securities a list tags an article with, as mentions without offsets (``where="list"``; a page's chart
    blocks: ``where="chart"``, from the markup): each secid once, in the list's order; a value that is no secid
    ("BK0428" without its market, "", a number) is left out."""
    mentions: dict[str, Mention] = {}
    for value in secids:
        security = from_data_code(value) if isinstance(value, str) and "." in value else None
        if security is not None and security.secid not in mentions:
            mentions[security.secid] = Mention(security, security.code, where=where, source=source)
    return list(mentions.values())


def _charted_mentions(charted: list[str], rejected: list[dict[str, Any]]) -> list[Mention]:
    """The securities of a page's chart blocks as mentions (``where="chart"``), less the boards no mark makes a
    mention of wherever it stands (a region, index membership: :func:`_board_never_a_mention`), which join
    ``rejected`` (third review of day 19: a market wrap's chart of 上海板块 became a board tag)."""
    the_linker = linker()
    kept: list[Mention] = []
    for mention in listed_mentions(charted, where="chart", source="markup"):
        never = _board_never_a_mention(the_linker, mention) if mention.security.kind == "board" else None
        if never:
            rejected.append(_unplaced(mention, never))
        else:
            kept.append(mention)
    return kept


def _security_tags(mentions: list[Mention]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One board / stock entry per secid, in order of first mention, named by the lexicon (stocks
    beyond today's A-shares by the knowledge base)."""
    lexicon = load_lexicon()
    kb = load_knowledge_base()
    boards: dict[str, dict[str, Any]] = {}
    stocks: dict[str, dict[str, Any]] = {}
    for mention in mentions:
        security = mention.security
        if security.kind == "board":
            name = lexicon.board_name(security.code) or mention.text
            boards.setdefault(security.secid, {"secid": security.secid, "code": security.code, "name": name})
        elif security.kind == "stock":
            known = lexicon.stocks.get(security.secid) or kb.security(security.secid)
            name = known[1] if known else mention.text
            stocks.setdefault(
                security.secid,
                {"secid": security.secid, "code": security.code, "name": name, "exchange": security.exchange},
            )
    return list(boards.values()), list(stocks.values())


def topics_for(board_codes: list[str], text_counts: Counter[str], title_words: set[str]) -> list[dict[str, str]]:
    """Topics whose boards the article names, or whose keywords it uses (in the title, or repeatedly)."""
    taxonomy = load_taxonomy()
    chosen: dict[str, Any] = {}
    by_board = taxonomy.by_board
    for code in board_codes:
        for topic in by_board.get(code, []):
            chosen.setdefault(topic.id, topic)
    by_keyword = taxonomy.by_keyword
    hits: Counter[str] = Counter()
    for word in text_counts.keys() & by_keyword.keys():
        for topic in by_keyword[word]:
            hits[topic.id] += text_counts[word]
    in_title = {topic.id for word in title_words & by_keyword.keys() for topic in by_keyword[word]}
    for topic in taxonomy.topics:
        # (get, not hits[…]: a topic without hits would call Counter.__missing__, a Python method, each)
        if hits.get(topic.id, 0) >= KEYWORD_HITS_FOR_TOPIC or topic.id in in_title:
            chosen.setdefault(topic.id, topic)
    return [topic.as_tag() for topic in chosen.values()]


def tag_article(
    text: str,
    markup_mentions: list[Mention] | None,
    title: str | None = None,
    media: str | None = None,
    plain: bool = False,
    published_at: datetime | None = None,
    markup_only: bool = False,
    listed: list[str] | None = None,
    charted: list[str] | None = None,
) -> Tags:
    """Tag an article. With markup, boards and stocks are what the markup names, judged by the text's
    reading, and what the title and text name besides (:func:`markup_and_text_mentions`); with
    ``markup_only``, what the markup names less what its sentence does not bear out
    (:func:`judged_markup`: twice as fast, but blind to every name the markup leaves unmarked); without
    markup (or ``plain``: the markup ignored), what the title and text name. ``listed``: the secids the list
    that led to the article tags it with (a 7×24 item's ``stockList``), the site's own tags as the markup is:
    added after the reading's mentions (``where="list"``, no offsets), except from the text alone (``plain``);
    ``charted``: the secids of the body's chart blocks, the page's own tags too (``where="chart"``)."""
    if plain and markup_only:
        raise ValueError("tag from the text alone (plain) or from the markup alone (markup_only), not both")
    text_segments, title_segments = tokens(text), tokens(title)  # segmented once, used thrice
    rejected: list[dict[str, Any]] = []
    if plain or not markup_mentions:
        mentions = titled_text_mentions(title or "", text, media, title_segments, text_segments, published_at)
    elif markup_only:
        mentions, rejected = judged_markup(list(markup_mentions), text, published_at, text_segments)
    else:
        mentions, rejected = markup_and_text_mentions(
            list(markup_mentions), text, title or "", media, text_segments, title_segments, published_at
        )
    if listed and not plain:
        mentions = [*mentions, *listed_mentions(listed)]
    if charted and not plain:
        mentions = [*mentions, *_charted_mentions(charted, rejected)]
    boards, stocks = _security_tags(mentions)
    text_counts = Counter(map(itemgetter(0), text_segments))
    title_words = set(map(itemgetter(0), title_segments))
    topics = topics_for([b["code"] for b in boards], text_counts, title_words)
    text_counts.update(map(itemgetter(0), title_segments))  # keywords weigh the title too
    keywords = top_keywords(text_counts)
    return Tags(
        boards=boards, stocks=stocks, topics=topics, keywords=keywords, mentions=mentions, rejected_markup=rejected
    )
