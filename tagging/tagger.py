"""Boards, stocks, topics and keywords of an article, from its markup and from its text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from tagging.article import Mention
from tagging.knowledge_tables import load_knowledge_base
from tagging.lexicon import load_lexicon
from tagging.linker import linker
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
) -> Tags:
    """Tag an article. With markup, boards and stocks are exactly what the markup names; without
    (``plain`` or no markup at all), they are found in the title and text."""
    text_segments, title_segments = tokens(text), tokens(title)  # segmented once, used thrice
    if plain or not markup_mentions:
        mentions = titled_text_mentions(title or "", text, media, title_segments, text_segments, published_at)
    else:
        mentions = list(markup_mentions)
    boards, stocks = _security_tags(mentions)
    text_counts = Counter(map(itemgetter(0), text_segments))
    title_words = set(map(itemgetter(0), title_segments))
    topics = topics_for([b["code"] for b in boards], text_counts, title_words)
    text_counts.update(map(itemgetter(0), title_segments))  # keywords weigh the title too
    keywords = top_keywords(text_counts)
    return Tags(boards=boards, stocks=stocks, topics=topics, keywords=keywords, mentions=mentions)
