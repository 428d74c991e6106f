"""Searching the article index: user text is segmented with the same jieba set-up as tagging (a
Latin word the index keeps whole, such as café, kept whole) and each word sent as a phrase query
(never query_string, scripts or regexps), with size limits.
Filters (topic, board, stock, media, source, dates) resolve names through the same lexicon and
taxonomy as tagging.

One query builder (:func:`build_query`) for search, stats and export, in the CLI and the HTTP API:
the three agree on what matches the same words and filters. jieba is loaded only when a query has
words to segment, so an export or a trend of filters alone never pays for it."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from elasticsearch import Elasticsearch

from core.dates import SHANGHAI, read_moment_exactly
from store.client import IndexMissingError, StoreError, es_errors
from store.lifecycle import INDEX_ONLY_FIELDS, current_alias
from store.query_text import parse_query, positive_text, uses_operators
from tagging.linking.lexicon import load_lexicon, normalise_name
from tagging.topics import load_taxonomy

MAX_QUERY_CHARS = 200
MAX_FILTER_CHARS = 100
MAX_FILTER_VALUES = 50  # values of one filter (a watchlist of 30 stocks fits)
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
FACET_SIZE = 15
HIGHLIGHT_PRE, HIGHLIGHT_POST = "\ue010", "\ue011"  # replaced by the caller's markers
SOURCE_FIELDS = [
    "id", "url", "title", "published_at", "media", "source", "boards", "stocks", "topics", "digest", "dup_of",
]  # fmt: skip
# Facet name → the keyword field it counts.
FACET_FIELDS = {"topics": "topics.name", "boards": "boards.name", "stocks": "stocks.name", "media": "media"}

Sort = Literal["relevance", "date"]


class QueryError(ValueError):
    """A query that cannot be run (too long, page out of range, unknown filter value); says why."""


# The filters that take several values: an article passes with any of a filter's values (宁德时代 or
# 比亚迪), and every filter given (a stock and a board).
MULTI_VALUE_FILTERS = ("topic", "board", "stock", "media", "source")


@dataclass
class Filters:
    """What to narrow a search, stats or export to. Names or codes, as a user types them; each of
    :data:`MULTI_VALUE_FILTERS` takes one value or several (a list or tuple: any of them)."""

    topic: str | Sequence[str] | None = None
    board: str | Sequence[str] | None = None
    stock: str | Sequence[str] | None = None
    media: str | Sequence[str] | None = None
    source: str | Sequence[str] | None = None
    date_from: str | None = None  # a date (YYYY-MM-DD) or date-time, Asia/Shanghai
    date_to: str | None = None

    def __post_init__(self) -> None:
        # One form whatever the face gave (a string, a list): a tuple of the values, or None.
        for name in MULTI_VALUE_FILTERS:
            value = getattr(self, name)
            given = [value] if isinstance(value, str) else list(value or [])
            values = tuple(dict.fromkeys(v.strip() for v in given if v and v.strip()))
            setattr(self, name, values or None)

    def values(self, name: str) -> list[str]:
        """The values given for a filter (blanks and repeats left out)."""
        return list(getattr(self, name) or ())


@dataclass
class Hit:
    id: str
    score: float | None
    source: dict[str, Any]
    snippet: str


@dataclass
class SearchResult:
    total: int  # what the pages hold: articles, or stories when reposts are collapsed
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    articles: int | None = None  # every matching article, reposts included (differs from total when collapsed)


# Counting stories (distinct dup_group values) is exact below this many (Elasticsearch's cardinality
# aggregation, its largest threshold); past it, within a few percent.
STORY_COUNT_PRECISION = 40_000


def _checked_text(value: str, limit: int, what: str) -> str:
    """``value`` with its white space folded, or a :class:`QueryError`: over ``limit`` characters,
    or holding bytes that were not UTF-8 (Python keeps them in argv as lone surrogates, which
    neither jieba nor a JSON request can carry)."""
    value = " ".join(value.split())
    if len(value) > limit:
        raise QueryError(f"{what} is {len(value)} characters; the limit is {limit}")
    if any("\ud800" <= character <= "\udfff" for character in value):
        raise QueryError(
            f"{what} is not valid UTF-8 text: is the terminal set to another encoding (such as GBK)? "
            "Set it to UTF-8 and type it again"
        )
    return value


# A word the index's standard analyzer keeps whole outside Han text: letters and digits, joined by an
# apostrophe or a dot between them (café, L'Oréal, U.S, Zürich). Han (and kana) characters are left
# out: the analyzer makes each one a token, and jieba's words of them are phrases of those tokens.
_ANALYZER_WORD_RE = re.compile(r"[^\W_\u2e80-\u9fff\uf900-\ufaff]+(?:['’.][^\W_\u2e80-\u9fff\uf900-\ufaff]+)*")
# Such a word jieba keeps whole too (ASCII letters and digits: iPhone15); jieba cuts any other at its
# accented letter or its apostrophe (caf / é), and a piece of an indexed word matches nothing.
_JIEBA_WHOLE_RE = re.compile(r"[A-Za-z0-9]+")
_NUMBER_ONLY_RE = re.compile(r"[\d.'’]+")


def words(text: str) -> list[str]:
    """The words of ``text`` as a search matches them: segmented as tagging segments them (jieba
    loads on first use), except a word jieba would cut that the index keeps whole (café, L'Oréal),
    which stays whole, lower-cased as jieba's words are."""
    from tagging.segment import words as segment_words

    found: list[str] = []
    start = 0
    for match in _ANALYZER_WORD_RE.finditer(text):
        word = match.group()
        if _JIEBA_WHOLE_RE.fullmatch(word):
            continue  # jieba's own (with what is around it: A股 is one word)
        found += segment_words(text[start : match.start()])
        if not _NUMBER_ONLY_RE.fullmatch(word):  # numbers alone are no words, as in jieba's (Ⅲ is a word)
            found.append(word.lower())
        start = match.end()
    return found + segment_words(text[start:])


def query_for(text: str) -> dict[str, Any]:
    """The query for what a user typed: the small language of :mod:`store.query_text` (OR, NOT / -word,
    quoted phrases) when it uses any of it, else :func:`text_query` exactly as before."""
    text = _checked_text(text or "", MAX_QUERY_CHARS, "the query")
    if not uses_operators(text):
        return text_query(text)
    alternatives = []
    for terms in parse_query(text):
        must: list[dict[str, Any]] = []
        must_not: list[dict[str, Any]] = []
        for term in terms:
            if term.negated and not any(character.isalnum() for character in term.text):
                continue  # "-*", "NOT 。": nothing to leave out (hunt of day 18: it left every article in)
            query = _phrase_query(term.text) if term.phrase else text_query(term.text)
            (must_not if term.negated else must).append(query)
        if must or must_not:
            alternatives.append({"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}})
    if not alternatives:
        return {"match_none": {}}  # operators and symbols alone: nothing asked for
    return alternatives[0] if len(alternatives) == 1 else {"bool": {"should": alternatives, "minimum_should_match": 1}}


def _phrase_query(phrase: str) -> dict[str, Any]:
    """A quoted phrase: its characters in this order, in the title or the body."""
    return {"multi_match": {"query": phrase, "type": "phrase", "fields": ["title^3", "text"]}}


def text_query(text: str) -> dict[str, Any]:
    """The query for user text: every word of it (segmented by tagging's jieba set-up) found
    as written in the title or the body, in any order; an article holding the whole text as one
    phrase ranks first.

    A word is matched as a phrase of its characters, not as a jieba token of the article, so a text
    that jieba happens to split differently (数字经济学 → 数字 / 经济学) is still found; ``index_phrases``
    on ``text`` makes each such phrase a look-up of two-character shingles (configs/index.yaml)."""
    text = _checked_text(text or "", MAX_QUERY_CHARS, "the query")
    if not text:
        return {"match_all": {}}  # no words: every article the filters let through
    if not any(character.isalnum() for character in text):
        # Symbols alone carry nothing to match: they match nothing, never "every article".
        return {"match_none": {}}
    # The whole text as typed outweighs its words found apart (in the title too).
    whole = [
        {"match_phrase": {"title": {"query": text, "boost": 6}}},
        {"match_phrase": {"text": {"query": text, "boost": 3}}},
    ]
    terms = list(dict.fromkeys(words(text)))
    if not terms:  # numbers alone are matched as a phrase only
        return {"bool": {"should": whole, "minimum_should_match": 1}}
    each_word = [{"multi_match": {"query": term, "type": "phrase", "fields": ["title^3", "text"]}} for term in terms]
    if len(terms) == 1 and "".join(text.lower().split()) == terms[0]:
        return each_word[0]  # the text is one word: the whole phrase is that word's phrase
    # Every article holding the whole text holds each of its words: the phrase only ranks.
    return {"bool": {"must": each_word, "should": whole}}


def _date_bound(value: str, end: bool) -> tuple[str, str]:
    """An inclusive bound as a range operator and an ISO date-time. A date without a time of day, in any
    form the project reads (2026-01-05, 2026/01/05, 2026年01月05日), is the whole day in Beijing time; a
    time to the minute is that whole minute (``--to "… 15:00"`` holds 15:00:59: the sites' times carry
    seconds); a time to the second is that second."""
    read = read_moment_exactly(value)
    if read is None:
        raise QueryError(f"not a date: {value!r} (expected a date such as 2026-01-05 or an ISO date-time)")
    moment, precision = read
    if precision == "day":
        moment = datetime.combine(moment.date(), time(), SHANGHAI)
    if not end:
        return "gte", moment.isoformat()
    if precision == "second":
        return "lte", moment.isoformat()
    try:
        return "lt", (moment + (timedelta(days=1) if precision == "day" else timedelta(minutes=1))).isoformat()
    except OverflowError:  # 9999-12-31, the "no end" of spreadsheets: its last instant, held (hunt of day 18)
        last = moment.replace(hour=23, minute=59) if precision == "day" else moment
        return "lte", last.replace(second=59, microsecond=999999).isoformat()


MAX_SUGGESTIONS = 10


def suggestions(text: str, kind: Literal["stock", "board"], limit: int = MAX_SUGGESTIONS) -> list[dict[str, str]]:
    """Stocks or boards whose name or code starts with (then contains) ``text``, for a type-ahead:
    ``value`` is what the filter takes (a code), ``name`` and ``code`` what the list shows."""
    key = normalise_name(text.strip())
    if not key:
        return []
    lexicon = load_lexicon()
    if kind == "board":
        entries = [(board.code, board.name, board.code) for board in lexicon.boards.values()]
    else:
        entries = [(security.code, name, security.code) for security, name in lexicon.stocks.values()]
    first = [e for e in entries if normalise_name(e[1]).startswith(key) or e[2].upper().startswith(key.upper())]
    rest = [e for e in entries if e not in first and key in normalise_name(e[1])]
    return [{"value": value, "name": name, "code": code} for value, name, code in (first + rest)[:limit]]


def _moment(bound: str) -> datetime:
    return datetime.fromisoformat(bound)


def _board_codes(value: str) -> list[str]:
    key = value.strip()
    match = re.fullmatch(r"(?:90\.)?(BK\d{4})", key, re.IGNORECASE)
    lexicon = load_lexicon()
    if match:
        code = match.group(1).upper()
        if code not in lexicon.boards:  # BK9999 used to find nothing, quietly
            raise QueryError(f"unknown board {value!r}: no board has the code {code} (see configs/ board tables)")
        return [code]
    name = normalise_name(key)
    codes = {code for text, code in lexicon.board_by_name.items() if text == name}
    codes |= {b.code for b in lexicon.boards.values() if normalise_name(b.name) == name}
    if not codes:
        raise QueryError(f"unknown board {value!r} (give a BK code such as BK1061 or a board name such as 数字经济)")
    return sorted(codes)


# How users write a listing in finance tools: sh600519, 600519.SH, 300750.SZ, 0700.HK, hk00700.
_EXCHANGE_MARKETS = {"SH": "1", "SS": "1", "SZ": "0", "BJ": "0"}  # Eastmoney's market of each exchange
_EXCHANGE_FORM_RE = re.compile(
    r"(?:(?P<prefix>SH|SZ|BJ|HK)(?P<code1>\d{1,6})|(?P<code2>\d{1,6})\.(?P<suffix>SH|SS|SZ|BJ|HK))"
)


def stock_key(value: str) -> str:
    """A stock filter as the index writes it: full-width forms folded (３００７５０, ＴＣＬ), exchange
    prefixes and suffixes made the secid they name (sh600519 → 1.600519), a Hong Kong code given short
    padded to its five digits (0700 → 00700)."""
    key = unicodedata.normalize("NFKC", value).strip()
    form = _EXCHANGE_FORM_RE.fullmatch(key.upper())
    if form:
        code = form.group("code1") or form.group("code2")
        exchange = form.group("prefix") or form.group("suffix")
        if exchange == "HK":
            return code.zfill(5)
        if len(code) == 6:  # the exchange decides: sh000001 is the index 1.000001, not 平安银行 (0.000001)
            return f"{_EXCHANGE_MARKETS[exchange]}.{code}"
        return key  # (sz1 is no listing: matched as written, which finds nothing)
    if re.fullmatch(r"\d{1,4}", key):
        key = key.zfill(5)  # a Hong Kong code as people write it (700, 0700)
    return key


def _stock_clause(value: str) -> dict[str, Any]:
    key = stock_key(value)
    if re.fullmatch(r"\d{1,3}\.[A-Za-z0-9]+", key):
        return {"term": {"stocks.secid": key.upper() if key.split(".")[0] in ("105", "106", "107") else key}}
    if re.fullmatch(r"\d{6}|\d{5}|[A-Z]{1,5}", key):
        return {"term": {"stocks.code": key}}
    secid = resolved_stock(key)
    if secid:
        return {"term": {"stocks.secid": secid}}
    if re.fullmatch(r"[A-Za-z]{1,5}", key):
        return {"term": {"stocks.code": key.upper()}}  # a US ticker typed in lower case (baba)
    return {"term": {"stocks.name": key}}  # a listing the tables do not know: named as the page names it


def resolved_stock(name: str) -> str | None:
    """The secid a stock's name means: an A-share of the lexicon, else any name the knowledge base knows
    (a former name such as TCL集团, a Hong Kong or US listing's Chinese or English name, a reviewed alias
    such as 腾讯), in any letter case."""
    lexicon = load_lexicon()
    for form in dict.fromkeys((name, name.upper())):
        secid = lexicon.stock_by_name.get(normalise_name(form))
        if secid:
            return secid
    from tagging.linking.knowledge_tables import load_knowledge_base  # loads on first use

    kb = load_knowledge_base()
    for form in dict.fromkeys((name, name.upper(), name.lower(), name.title())):
        entry = kb.resolve(form)
        if entry is not None:
            return entry.secid
    return None


def known_stock(value: str) -> bool:
    """Whether a stock filter names a listing finnews knows without the index: a code or secid, or a
    name of the lexicon or the knowledge base."""
    key = stock_key(value)
    return bool(re.fullmatch(r"\d{6}|\d{5}|[A-Za-z]{1,5}|\d{1,3}\.[A-Za-z0-9]+", key) or resolved_stock(key))


def listed_stock(value: str) -> bool:
    """Whether ``value`` names a listed A-share of ``configs/stocks.csv`` (code, secid or name)."""
    lexicon = load_lexicon()
    key = stock_key(value)
    if key in lexicon.stocks or lexicon.stock_by_name.get(normalise_name(key)):
        return True
    return any(secid.split(".", 1)[-1] == key for secid in lexicon.stocks)


def check_stock_filter(es: Elasticsearch, filters: Filters | None, alias: str | None = None) -> None:
    """A ``stock`` filter value that names neither a listed stock nor any stock of an indexed article
    is an error, as an unknown board is (Hong Kong and US listings are known only from the articles). Every
    face that takes filters calls it before reading: an unknown stock is never a quiet empty answer."""
    if filters:
        # Every filter value is checked first, as the query checks them (hunt of day 18: a GBK-typed stock was
        # called unknown, one of 20,000 characters reached the node as a raw parsing_exception).
        filter_clauses(filters)
    for stock in filters.values("stock") if filters else []:
        if listed_stock(stock):
            continue
        try:
            with es_errors("stock look-up failed"):
                found = es.count(index=alias or current_alias(), query=_stock_clause(stock))["count"]
        except IndexMissingError:
            found = 0
        if not found:
            raise QueryError(
                f"unknown stock {stock!r} (give a code, secid or name such as 603888, 1.603888 or 新华网; "
                "no indexed article names it either)"
            )


def _any_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _topic_clause(value: str) -> dict[str, Any]:
    topic = load_taxonomy().find(value)
    if topic is None:
        raise QueryError(f"unknown topic {value!r} (see configs/topics.yaml for ids and names)")
    return {"term": {"topics.id": topic.id}}


# How one value of each multi-value filter becomes a clause.
_FILTER_CLAUSES: dict[str, Callable[[str], dict[str, Any]]] = {
    "topic": _topic_clause,
    "board": lambda value: {"terms": {"boards.code": _board_codes(value)}},
    "stock": lambda value: _stock_clause(value),
    "media": lambda value: {"term": {"media": value}},
    # Any source that brought the article (``sources``; a second source bringing it again is appended there,
    # ``source`` keeps the first: filtering on it hid the second's articles, hunt of day 18), or ``source``
    # for records stored before ``sources`` existed.
    "source": lambda value: _any_of([{"term": {"sources": value}}, {"term": {"source": value}}]),
}


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """Elasticsearch filter clauses (exact terms and ranges: no scoring, cacheable): any value of a
    filter, every filter."""
    clauses: list[dict[str, Any]] = []
    for name in MULTI_VALUE_FILTERS:
        values = filters.values(name)
        if len(values) > MAX_FILTER_VALUES:
            raise QueryError(f"--{name}: {len(values)} values; the limit is {MAX_FILTER_VALUES}")
        for value in values:
            _checked_text(value, MAX_FILTER_CHARS, f"--{name}")
        if values:
            clauses.append(_any_of([_FILTER_CLAUSES[name](value) for value in values]))
    if filters.date_from or filters.date_to:
        bounds: dict[str, str] = {}
        if filters.date_from:
            operator, bound = _date_bound(filters.date_from, end=False)
            bounds[operator] = bound
        if filters.date_to:
            operator, bound = _date_bound(filters.date_to, end=True)
            bounds[operator] = bound
        # Both are ISO date-times in Beijing time (or with their own offset): compared as moments; one
        # moment as both bounds is that moment (lte), an empty window only when from passes to.
        start, stop = bounds.get("gte"), bounds.get("lt") or bounds.get("lte")
        empty = (
            start and stop and (_moment(start) > _moment(stop) or ("lt" in bounds and _moment(start) == _moment(stop)))
        )
        if empty:
            raise QueryError(
                f"--from {filters.date_from} is after --to {filters.date_to}: nothing can match; swap them"
            )
        clauses.append({"range": {"published_at": bounds}})
    return clauses


def build_query(text: str, filters: Filters | None = None) -> dict[str, Any]:
    """The query for ``text`` (words; empty: every article) narrowed by ``filters``: the same for
    search, stats and export, so their counts agree."""
    clauses = filter_clauses(filters or Filters())
    query = query_for(text)
    return {"bool": {"must": [query], "filter": clauses}} if clauses else query


def highlight_spec(text: str) -> dict[str, Any]:
    """Highlight the query's words in the original text (phrase per word, so 数字经济 lights up whole).

    ``text`` has ``index_phrases``: an exact phrase on it becomes a look-up of two-character shingles,
    which the highlighter cannot place (elastic/elasticsearch#40227: no highlight at all). A slop of 1
    keeps the phrase a positional query the highlighter follows; it only chooses what is marked."""
    text = positive_text(text)  # an excluded word is not in the results: nothing to mark
    terms = (words(text) if text.strip() else []) or [text]
    phrase_queries = [{"match_phrase": {"text": {"query": t, "slop": 1}}} for t in terms]
    phrase_queries += [{"match_phrase": {"title": t}} for t in terms]
    return {
        "pre_tags": [HIGHLIGHT_PRE],
        "post_tags": [HIGHLIGHT_POST],
        "fields": {
            "text": {"fragment_size": 90, "number_of_fragments": 1, "no_match_size": 90},
            "title": {"number_of_fragments": 0},
        },
        "highlight_query": {"bool": {"should": phrase_queries}},
    }


def _facet_aggregations() -> dict[str, Any]:
    aggregations: dict[str, Any] = {
        name: {"terms": {"field": field_name, "size": FACET_SIZE}} for name, field_name in FACET_FIELDS.items()
    }
    aggregations["months"] = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": "month",
            "time_zone": "+08:00",
            "format": "yyyy-MM",
        }
    }
    return aggregations


def search(
    es: Elasticsearch,
    text: str,
    filters: Filters | None = None,
    page: int = 1,
    size: int = 10,
    sort: Sort = "relevance",
    collapse_duplicates: bool = False,
    facets: bool = False,
    alias: str | None = None,
) -> SearchResult:
    """Search articles; returns the total, one page of hits with snippets, and facet counts."""
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise QueryError(f"size must be between 1 and {MAX_PAGE_SIZE}")
    if page < 1 or page * size > MAX_RESULT_WINDOW:
        raise QueryError(f"page must be at least 1 and page × size at most {MAX_RESULT_WINDOW}")
    if sort not in ("relevance", "date"):
        raise QueryError("sort must be 'relevance' or 'date'")
    # The id last: articles of one minute (Eastmoney's times) keep their order from page to page while a
    # crawl updates some of them (an update moves a document to the end of Lucene's order).
    order: list[Any] = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    if sort == "relevance":
        order.insert(0, "_score")
    query = build_query(text, filters)
    # Two requests the node runs side by side (one thread each): the page of hits, which may stop
    # early as it needs no total, and the total with the facets, which needs every match but no
    # score (filter context; the node's request cache keeps it for the next page).
    page_request: dict[str, Any] = {
        "query": query,
        "highlight": highlight_spec(text),
        "_source": {"includes": SOURCE_FIELDS},
        "from": (page - 1) * size,
        "size": size,
        "track_total_hits": False,
        "sort": order,
    }
    if collapse_duplicates:
        page_request["collapse"] = {"field": "dup_group"}
    summary_request: dict[str, Any] = {"query": {"bool": {"filter": [query]}}, "size": 0, "track_total_hits": True}
    if facets:
        summary_request["aggregations"] = _facet_aggregations()
    if collapse_duplicates:
        # The pages hold one hit per story: their count is the number of stories, not of articles
        # (counted by articles, a search said 32 results on 4 pages and its pages 2–4 were empty).
        summary_request.setdefault("aggregations", {})["stories"] = {
            "cardinality": {"field": "dup_group", "precision_threshold": STORY_COUNT_PRECISION}
        }
    index = alias or current_alias()
    with es_errors("search failed"):
        responses = es.msearch(searches=[{"index": index}, page_request, {"index": index}, summary_request])
    page_response, summary = responses["responses"]
    for answer in (page_response, summary):
        if "error" in answer:
            if answer.get("status") == 404:
                return SearchResult(0, [])
            raise StoreError(f"search failed: {answer.get('status')} {answer['error']}")
    articles = summary["hits"]["total"]["value"]
    aggregations = dict(summary.get("aggregations") or {})
    stories = aggregations.pop("stories", None)
    total = min(articles, int(stories["value"])) if stories is not None else articles
    if total == 0:
        check_stock_filter(es, filters, alias)  # nothing found: say so if the stock is unknown
    hits = []
    for hit in page_response["hits"]["hits"]:
        fragments = hit.get("highlight", {}).get("text") or [""]
        hits.append(Hit(hit["_id"], hit.get("_score"), hit["_source"], fragments[0]))
    result = SearchResult(total, hits, articles=articles)
    for name, aggregation in aggregations.items():
        result.facets[name] = [
            {"value": bucket.get("key_as_string", bucket["key"]), "count": bucket["doc_count"]}
            for bucket in aggregation["buckets"]
        ]
    return result


def get_article(es: Elasticsearch, article_id: str, alias: str | None = None) -> dict[str, Any] | None:
    """One article by id (without the index-only fields), or ``None``."""
    if not re.fullmatch(r"[0-9a-f]{40}", article_id):
        return None
    try:
        with es_errors("lookup failed"):
            response = es.search(
                index=alias or current_alias(),
                query={"ids": {"values": [article_id]}},
                source_excludes=INDEX_ONLY_FIELDS,
                size=1,
            )
    except IndexMissingError:
        return None
    hits = response["hits"]["hits"]
    return hits[0]["_source"] if hits else None


def mark(snippet: str, pre: str, post: str) -> str:
    return snippet.replace(HIGHLIGHT_PRE, pre).replace(HIGHLIGHT_POST, post)


def snippet_html(snippet: str) -> str:
    """The snippet as an HTML fragment, the same for the API and ``search --json``: the article's own
    text escaped (it is untrusted), the matches in ``<em>``. The private-use highlight markers pass
    through escaping untouched and become the only tags."""
    return mark(html.escape(snippet), "<em>", "</em>")
