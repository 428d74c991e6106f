"""Boards, stocks, topics and keywords of an article, from its markup and from its text."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from core.article import Mention
from tagging.linking.knowledge import HOW_CODE
from tagging.linking.knowledge_tables import load_knowledge_base
from tagging.linking.lexicon import load_lexicon, normalise_name
from tagging.linking.link_context import (
    FULL_NAME_LENGTH,
    OUTLET_AFTER_RE,
    OUTLET_BEFORE_RE,
    inside_another_name,
    on_word_bounds,
    stands_delimited,
)
from tagging.linking.linker import Linker, linker
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
_SENTENCE_ENDS = "。！？；!?;\n"


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    begin = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
    ends = [found for mark in _SENTENCE_ENDS if (found := text.find(mark, end)) >= 0]
    return begin, min(ends) + 1 if ends else len(text)


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


def judged_markup(
    markup: list[Mention],
    text: str,
    published_at: datetime | None = None,
    segments: list[Token] | None = None,
    linked: list[Mention] | None = None,
) -> tuple[list[Mention], list[dict[str, Any]]]:
    """The markup's mentions with the stocks that the sentence does not name, and the boards whose
    name is no word of its sentence, taken out. Eastmoney
    marks stocks by matching their names, as a plain-text tagger without context rules would:
    线上线下消费 becomes the stock 线上线下, 培育壮大智慧产品 the stock 大智慧, 发展绿色经济 the HK stock
    绿色经济. A stock the linker knows by the marked name, in a sentence where the plain-text rules
    (word bounds, everyday words wanting a company cue, names inside other names) do not link that
    name to a company, is dropped and listed with the reason; boards, and names the linker does not
    know, are taken as marked. ``segments``: the text's segmentation, when the caller has it.

    ``linked``: the linker's mentions of the whole text, when the caller has them (:func:`tag_article`
    tags from markup and text together). Each marked name is then judged by them, not by its sentence
    linked anew; boards are judged too (:func:`_board_the_text_refuses`), and a marked listing gives way
    to another listing of the company whose code the text writes (:func:`_another_listing_read`)."""
    the_linker = linker()
    kept: list[Mention] = []
    rejected: list[dict[str, Any]] = []
    sentences: dict[tuple[int, int], tuple[list[Token], list[Mention] | None]] = {}  # words, then mentions
    places = MentionPlaces(linked) if linked is not None else None
    written = {m.secid for m in linked or () if m.how == HOW_CODE}  # the listings whose codes the text writes
    word_end: dict[int, int] | None = None  # the text's word bounds (judging boards by ``linked``)
    for mention in markup:
        start, end = mention.start, mention.end
        if mention.security.kind == "board" and mention.where == "media":
            # Eastmoney marks board names inside the source line too: 证券 of （文章来源：中国证券报）. A word of
            # an outlet's name names no sector (a listed outlet, 新华网, is still the company).
            rejected.append(
                {
                    "secid": mention.secid,
                    "text": mention.text,
                    "start": None,
                    "end": None,
                    "reason": "a board marked inside the source line names the outlet, not a sector",
                }
            )
            continue
        if mention.security.kind == "board" and mention.where == "body" and start is not None and end is not None:
            # Eastmoney marks a board by its name wherever the characters stand: 电机 in 煤电机组 (煤电/机组),
            # 大数据 in 加大数据 (加大/数据). A name that straddles two words names no board (one inside a
            # longer word still may: 养老金 of 个人养老金, 银行 of 银行机构).
            straddled = _straddled_words(segments if segments is not None else tokens(text), start, end)
            if straddled:
                rejected.append(_rejection(mention, text, f"the name straddles {straddled}"))
                continue
            refused = None
            if places is not None:
                if word_end is None:
                    word_end = {a: b for _word, a, b in (segments if segments is not None else tokens(text))}
                refused = _board_the_text_refuses(the_linker, places, mention, text, word_end)
            if refused:
                rejected.append(_rejection(mention, text, refused))
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
        listing = _another_listing_read(the_linker, places, written, mention) if places is not None else None
        if listing is not None:
            why = f"the text writes the code of another listing of the company ({listing})"
            rejected.append(_rejection(mention, text, why))
            continue
        begin, finish = _sentence_around(text, start, end)
        if (begin, finish) not in sentences:
            sentences[begin, finish] = (_sentence_tokens(segments, text, begin, finish), None)
        words, found = sentences[begin, finish]
        if not _context_may_matter(the_linker, text, start, end, {a: b for _word, a, b in words}):
            # The page knows which companies were listed when it was written (乐视网 in 2017, an undated copy):
            # a name that stands as a word, in no context that could make it another thing, stays as marked.
            kept.append(mention)
            continue
        sentence = text[begin:finish]
        if places is not None:
            # The same company, or another read from the same characters (the page's own listing stands); a
            # longer name around it is another company's (京东 of 京东方).
            named = any(
                reading.secid == mention.secid or (reading.start, reading.end) == (start, end)
                for reading in places.over("stock", start, end)
            )
        else:
            if found is None:
                shifted = [(word, a - begin, b - begin) for word, a, b in words]
                found = the_linker.link(sentence, published_at, None, shifted)
                sentences[begin, finish] = (words, found)
            # (A sentence's few mentions: looked through, not indexed.)
            a, b = start - begin, end - begin
            named = any(m.security.kind == "stock" and (m.start or 0) < b and a < (m.end or 0) for m in found)
        if named:
            kept.append(mention)
            continue
        rejected.append(_rejection(mention, text, "the sentence does not name the company"))
    return kept, rejected


class MentionPlaces:
    """The body mentions of a list by kind and place, to find those overlapping a span in logarithmic time
    (a huge page holds thousands of mentions, and each marked name is looked up)."""

    def __init__(self, mentions: list[Mention]) -> None:
        self._places: dict[str, tuple[list[int], list[Mention], int]] = {}
        placed = [m for m in mentions if m.where == "body" and m.start is not None and m.end is not None]
        for kind in {m.security.kind for m in placed}:
            of_kind = sorted((m for m in placed if m.security.kind == kind), key=lambda m: m.start or 0)
            longest = max((m.end or 0) - (m.start or 0) for m in of_kind)
            self._places[kind] = ([m.start or 0 for m in of_kind], of_kind, longest)

    def over(self, kind: str, start: int, end: int) -> list[Mention]:
        """The mentions of ``kind`` that overlap ``start:end``, in order of place."""
        if kind not in self._places:
            return []
        starts, mentions, longest = self._places[kind]
        # Only a mention that starts less than the longest mention's length before ``end`` can reach into it.
        first, last = bisect_left(starts, start - longest + 1), bisect_left(starts, end)
        return [m for m in mentions[first:last] if start < (m.end or 0)]


def _another_listing_read(the_linker: Linker, places: MentionPlaces, written: set[str], mention: Mention) -> str | None:
    """The listing the text reads at the place of a marked stock when the text writes that listing's code and
    it is another listing of a company the marked name names (京东 marked 105.JD beside （9618）: 116.09618,
    FRESH_RULES S3a), else None. Without a code written, the page's own listing stands."""
    start, end = mention.start or 0, mention.end or 0
    listings = {entry.secid for entry in the_linker.kb.names.get(mention.text, ())}
    for reading in places.over("stock", start, end):
        same_place = (reading.start, reading.end) == (start, end)
        if same_place and reading.secid in written - {mention.secid} and {mention.secid, reading.secid} <= listings:
            return reading.secid
    return None


def _word_around(text: str, start: int, end: int, word_end: dict[int, int]) -> str:
    """The one word of the segmentation that holds ``start:end`` (新能源汽车 around 新能源), else the span itself."""
    for word_start in range(start, max(-1, start - FULL_NAME_LENGTH), -1):
        if word_start in word_end:
            return text[word_start : word_end[word_start]] if word_end[word_start] >= end else text[start:end]
    return text[start:end]


def _board_the_text_refuses(
    the_linker: Linker, linked: MentionPlaces, mention: Mention, text: str, word_end: dict[int, int]
) -> str | None:
    """Why the text's reading (``linked``) refuses the board ``mention`` marks, or None:
    * a pseudo board (index membership, holdings, statistics: 标准普尔, 机构重仓), never a sector in text;
    * a board word it read here and did not take: a sector word with an everyday sense (教育 of 投资者教育,
      保险 of 责任保险等产品: a sector cue decides), a word inside an organisation's or an event's name
      (文化和旅游部数据中心, 世界无人机大会), a source of figures (据同程旅游的大数据分析), a company (小米汽车);
    * a name too vague alone (综合, 贸易, 电机);
    * a name inside a longer one that names another board (新能源 of 新能源汽车, the new-energy vehicles), or one
      the linker knows and refused here (新能源 of 世界新能源汽车大会's 新能源汽车).
    A marked board word the linker did not read as a word (数字经济 of jieba's 数字/经济活力) stays: a reader
    still sees it; so does a name the vocabulary lacks."""
    lexicon = the_linker.lexicon
    if mention.security.code in lexicon.pseudo_boards:
        return "a board of index membership or statistics names no sector (configs/text_tagging.yaml)"
    start, end = mention.start or 0, mention.end or 0
    readings = linked.over("board", start, end)
    if not readings:
        name = text[start:end]
        board_word = the_linker.board_words.get(name)
        read_as_a_word = on_word_bounds(text, start, end, word_end) or stands_delimited(text, start, end)
        if board_word is not None and (board_word[1] or read_as_a_word):
            return "the text does not name the sector here"
        word = _word_around(text, start, end, word_end)
        if word != name and (word in the_linker.board_words or word in the_linker.blockers):
            return f"part of {word}, which the text does not read as a sector here"
        return "too vague a name to name a sector alone" if normalise_name(name) in lexicon.ambiguous_names else None
    if any(reading.secid == mention.secid for reading in readings):
        return None
    # (A category of several industries is one place with a mention for each: 化学制品 of 化学原料和化学制品制造业.)
    longer = next((r for r in readings if (r.start or 0) <= start and end <= (r.end or 0)), None)
    if longer is not None and ((longer.start or 0), (longer.end or 0)) != (start, end):
        return f"part of {longer.text}, which names {longer.secid}"
    return None


def markup_and_text_mentions(
    markup: list[Mention],
    text: str,
    title: str,
    media: str | None,
    text_segments: list[Token],
    title_segments: list[Token],
    published_at: datetime | None,
) -> tuple[list[Mention], list[dict[str, Any]]]:
    """The markup's mentions judged by the text's reading, and every name the text gives that the markup
    does not mark (Eastmoney marks names only: lists of industries, the words news uses for a sector,
    aliases, former names and the title go unmarked). Where both name a security of one kind at one
    place, the markup's code stands (it is the page's own listing); a marked name the text reads otherwise
    is dropped, with its reason (:func:`judged_markup`)."""
    linked = titled_text_mentions(title, text, media, title_segments, text_segments, published_at)
    kept, rejected = judged_markup(markup, text, published_at, text_segments, linked)
    marked = MentionPlaces(kept)

    def said_by_the_markup(m: Mention) -> bool:
        # The same security, or another at the same place: the markup's code stands (a category naming several
        # boards at one place keeps the others).
        if m.where != "body" or m.start is None or m.end is None:
            return False
        return any(
            k.secid == m.secid or (k.start, k.end) == (m.start, m.end)
            for k in marked.over(m.security.kind, m.start, m.end)
        )

    added = [m for m in linked if not said_by_the_markup(m)]
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
    segments = [*title_segments, ("\n", len(title), shift), *((w, a + shift, b + shift) for w, a, b in text_segments)]
    mentions = text_mentions(f"{title}\n{text}", media, segments, published_at)
    for mention in mentions:
        if mention.start is not None and mention.start < len(title):
            mention.where = "title"
        elif mention.start is not None and mention.end is not None:
            mention.start, mention.end = mention.start - shift, mention.end - shift
    # The text's mentions first, as before (tags keep the order of first mention in the body).
    return [m for m in mentions if m.where != "title"] + [m for m in mentions if m.where == "title"]


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
        if hits[topic.id] >= KEYWORD_HITS_FOR_TOPIC or topic.id in in_title:
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
) -> Tags:
    """Tag an article. With markup, boards and stocks are what the markup names, judged by the text's
    reading, and what the title and text name besides (:func:`markup_and_text_mentions`); with
    ``markup_only``, what the markup names less what its sentence does not bear out
    (:func:`judged_markup`: twice as fast, but blind to every name the markup leaves unmarked); without
    markup (or ``plain``: the markup ignored), what the title and text name."""
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
    boards, stocks = _security_tags(mentions)
    text_counts = Counter(map(itemgetter(0), text_segments))
    title_words = set(map(itemgetter(0), title_segments))
    topics = topics_for([b["code"] for b in boards], text_counts, title_words)
    text_counts.update(map(itemgetter(0), title_segments))  # keywords weigh the title too
    keywords = top_keywords(text_counts)
    return Tags(
        boards=boards, stocks=stocks, topics=topics, keywords=keywords, mentions=mentions, rejected_markup=rejected
    )
