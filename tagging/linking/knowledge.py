"""The securities knowledge base: every name a listed company goes by in news text, with the dates
it was valid, built from the tables in ``configs/`` (each row keeps its source there).

* A-shares: current short names (``configs/stocks.csv``), former short names with their validity
  dates (``securities/a_share_former_names.csv``), full legal names, current and older
  (``securities/a_share_full_names.csv``);
* Hong Kong listings (``116.xxxxx``): short names, full names, the 2017 names of reused codes;
* US listings (``105``/``106``/``107``.TICKER): their usual Chinese names;
* curated short forms (``securities/aliases.yaml``: 茅台 → 贵州茅台, each with why).

A name is resolved at the article's date (:meth:`KnowledgeBase.resolve`): the company that bore
it then. Loaded once per process and validated on load; a malformed row is a :class:`ConfigError`
naming the file and line (:mod:`tagging.linking.knowledge_tables`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.securities import Security
from tagging.linking.lexicon import normalise_name

# How a text mention was recognised; stored on the mention so a user can see why a tag was given.
HOW_NAME, HOW_FORMER, HOW_FULL, HOW_ALIAS, HOW_CODE = "name", "former_name", "full_name", "alias", "code"

# Preference between companies that share a name on a date: lower wins.
RANK_DATED = 0  # a dated former name whose interval holds the article's date: direct evidence
RANK_CURRENT = 1  # today's name
RANK_UNDATED = 2  # a former name without dates (the 2017 tables): only when nothing else fits

# Where a company's listings rank when one name names several (A+H, US+HK): the A-share, then the
# primary listing; a Hong Kong secondary listing (``-S``/``-SW`` names) last.
MARKET_A, MARKET_PRIMARY, MARKET_SECONDARY = 0, 1, 2

_STATUS_PREFIX_RE = re.compile(r"^(?:\*?ST|S\*ST|SST|PT|退市)")
_STATUS_SUFFIX_RE = re.compile(r"(?:-[A-Z]{1,3}|退)$")
# Legal-form endings of full names: 中国民生银行股份有限公司 is also written 中国民生银行.
_LEGAL_SUFFIX_RE = re.compile(r"(?:股份有限公司|有限责任公司|股份公司|有限公司|公司)$")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def strip_status(name: str) -> str:
    """A short name without its trading-status markers: ``*ST康美`` → ``康美``, ``美团-W`` → ``美团``."""
    return _STATUS_SUFFIX_RE.sub("", _STATUS_PREFIX_RE.sub("", name))


def strip_legal_form(name: str) -> str:
    """A full name without its legal form: ``阳光城集团股份有限公司`` → ``阳光城集团``."""
    return _LEGAL_SUFFIX_RE.sub("", name)


@dataclass(frozen=True)
class NameEntry:
    """One company a name may mean, and when."""

    secid: str
    how: str
    valid_from: date | None = None
    valid_to: date | None = None
    rank: int = RANK_CURRENT
    market_rank: int = MARKET_A
    listing_ended: bool = False  # the name's listing ended on valid_to (a reviewed US delisting or ticker change)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def ends(self) -> bool:
        """Whether the name names nothing after ``valid_to``, nor in undated text (read as of today): a
        reviewed alias dated to end, or a listing that ended. Other dated names still mean whoever bore them."""
        return self.valid_to is not None and (self.how == HOW_ALIAS or self.listing_ended)


# How many answers KnowledgeBase.resolve remembers (names × days × markets: bounded for a long crawl).
_RESOLVED_REMEMBERED = 200_000


def _without_status(
    unmarked: tuple[date | None, date | None],
    on: date,
    secid: str,
    stems: list[tuple[str, date | None, tuple[date | None, date | None]]] | tuple[()],
) -> bool:
    """Whether a company did not bear a status name on ``on``: a day before the dated lists first show it bearing
    it, when they show it without it then (*ST金泰 in 2023-09 is 600385, not 金力泰, *ST金泰 from 2025-07-03 and
    plain in every list from 2023-08-15), or when another company bore the same status name before the lists
    begin (*ST金刚 in 2023-05 is 豫金刚石, a 2023 row, not 金刚光伏, *ST金刚 from 2025-04): review of day 21."""
    plain_from, seen_from = unmarked
    # (an exchange's notice names the new status name days before it takes effect: 股票简称变更为“ST华通” on
    # 2024-11-05, ST华通 from 2024-11-08: third review of day 21)
    if seen_from is None or on >= seen_from - _STATUS_NOTICE:
        return False
    if plain_from is not None and on >= plain_from:
        return True
    return any(other != secid and span == (None, None) for other, _last, span in stems)


# How long before a status name takes effect the notices already name it.
_STATUS_NOTICE = timedelta(days=15)
# The last day of tushare's name history (a_share_status_names.csv rows with valid_from, SOURCES.md §2c): up to it,
# the dated rows hold every status name of each company they cover, so none of those bore a stem on a day no row
# of it covers.
_STATUS_HISTORY_END = date(2023, 12, 13)
# How long after a name ended an ST name may still stand for it (see resolve_status_name).
_STATUS_SPAN = timedelta(days=3 * 365)


def _status_bearer(spans: list[tuple[str, date, date | None]], on: date) -> str | None:
    """The company whose dated status name of this stem ran on ``on``; else the one whose next one began in the
    next days (the notices name it ahead, _STATUS_NOTICE); of two, the one begun last. A status name still borne
    at the history's end is told after it by the lists (resolve_status_name), as undated rows are."""
    running = [(first, secid) for secid, first, last in spans if first <= on <= (last or _STATUS_HISTORY_END)]
    if not running:
        running = [(first, secid) for secid, first, _last in spans if on < first <= on + _STATUS_NOTICE]
    return max(running)[1] if running else None


def _last_bearer(spans: list[tuple[str, date, date | None]], on: date) -> str | None:
    """The company whose dated status name of this stem ended last before ``on``, at most _STATUS_SPAN before."""
    ended = [(last, secid) for secid, _first, last in spans if last is not None and last < on <= last + _STATUS_SPAN]
    return max(ended)[1] if ended else None


@dataclass
class KnowledgeBase:
    securities: dict[str, tuple[Security, str]] = field(default_factory=dict)  # secid → (security, display name)
    names: dict[str, list[NameEntry]] = field(default_factory=dict)  # normalised name → entries
    a_codes: dict[str, str] = field(default_factory=dict)  # 6-digit code → secid (current and delisted)
    hk_codes: dict[str, str] = field(default_factory=dict)  # 5-digit code → secid
    us_tickers: dict[str, str] = field(default_factory=dict)  # ticker → secid
    listed: set[str] = field(default_factory=set)  # secids of today's listings (the others are delisted)
    # When each A-share and Hong Kong listing was first listed (a_share_list_dates.csv, hk_list_dates.csv):
    # a company listed later is not yet a listed company on an earlier day (百克生物 in March 2021, 中芯国际's
    # A share before 2020-07-16, 京东's Hong Kong listing before 2020-06-18).
    list_dates: dict[str, date] = field(default_factory=dict)
    # The stems of status-marked names (a_share_status_names.csv): ST时万 is 时代万恒, ST易见 the delisted
    # 易见股份, though no table lists 时万 or 易见 as a name. Stem → (secid, last day of trading or None).
    # stem -> (secid, last day of trading, (from, until): the days the dated lists show the company without that
    # status name, before it took it, or (None, None)), of each status name
    status_stems: dict[str, list[tuple[str, date | None, tuple[date | None, date | None]]]] = field(
        default_factory=dict
    )
    # stem -> (secid, first day, last day or None: still borne on _STATUS_HISTORY_END) of each status name tushare's
    # name history dates: *ST联合 was 国旅联合's from 2013-05-03 to 2014-04-23 and from 2020-05-06 to 2021-05-06.
    status_spans: dict[str, list[tuple[str, date, date | None]]] = field(default_factory=dict)
    # Reviewed Latin names written in words (Goldman Sachs, Li Auto): as written → the name's key (names are
    # keyed without spaces, text keeps them).
    written_apart: dict[str, str] = field(default_factory=dict)
    # The Hong Kong listing of an A+H company (the same legal name in both tables): A secid → H secid.
    h_shares: dict[str, str] = field(default_factory=dict)
    # Names that must be confirmed by context (everyday words, places, outlets): from aliases.yaml.
    needs_context: set[str] = field(default_factory=set)
    _by_prefix: dict[str, set[str]] | None = field(default=None, repr=False)  # built on first use
    _first_seen: dict[str, date] | None = field(
        default=None, repr=False
    )  # secid → its oldest name's date, on first use
    # resolve's answers by (name, day, market), remembered on first use: the tables do not change once built, and the
    # same few names are resolved again and again (each sentence a marked stock is judged in, each article of a day).
    _resolved: dict[tuple[str, date | None, str | None], NameEntry | None] | None = field(default=None, repr=False)

    def add_name(self, name: str, entry: NameEntry, latin: bool = False) -> None:
        name = normalise_name(name)
        if len(name) < 2 or (not latin and not _HAN_RE.search(name)):
            return  # one character, or a Latin-only name from a table (tickers are matched as codes)
        entries = self.names.setdefault(name, [])
        if entry not in entries:
            entries.append(entry)

    def add_security(self, security: Security, display: str) -> None:
        self.securities.setdefault(security.secid, (security, display))

    def resolve(self, name: str, on: date | None = None, market: str | None = None) -> NameEntry | None:
        """The company ``name`` meant on the day ``on`` (undated: today's names first), or ``None``
        when no company, or several equally likely ones, bore it. ``market`` (``HK``/``US``)
        prefers a listing in that market when the text names it (港股, 美股)."""
        resolved = self._resolved
        if resolved is None:
            resolved = self._resolved = {}
        key = (name, on, market)
        if key in resolved:
            return resolved[key]
        answer = self._resolve(name, on, market)
        if len(resolved) < _RESOLVED_REMEMBERED:
            resolved[key] = answer
        return answer

    def _resolve(self, name: str, on: date | None, market: str | None) -> NameEntry | None:
        entries = self.names.get(name)
        if not entries:
            return None
        if on is not None:
            # The companies that bore the name that day; a name no one bore then (an old article's
            # name recalled later) still means the company that bore it. A listing that began after
            # that day is no listing yet: the name then means another listing, or no listed company.
            # A reviewed alias dated to end (瑞幸 for Luckin's NASDAQ listing, to 2020-06-29) names no
            # listing after that day; other names no one bore that day still mean whoever bore them.
            valid = [e for e in entries if e.valid_on(on)] or [
                e
                for e in entries
                if not (e.ends and e.valid_to < on)  # type: ignore[operator]
            ]
            if not valid:
                return None
            # (A former name is bound by its own dates: a reused Hong Kong code's 2017 name was another
            # company's, listed before the current one.)
            listed = [e for e in valid if e.how == HOW_FORMER or self.listed_by(e.secid, on)]
            if not listed:
                # Only a listing to come bore the name that day (华虹半导体 in 2022: the A share's full name,
                # listed in 2023): a former name known up to an earlier day may still have been in use
                # (the Hong Kong names are known as of 2017, and 华虹半导体 kept its name).
                listed = [e for e in entries if e.how == HOW_FORMER and e not in valid]
            if not listed:
                return None
            entries = listed

        def key(entry: NameEntry) -> tuple[int, int, int]:
            # An A-share first (中国人寿 is 601628 even in a Hong Kong market report); among other
            # listings, one in the market the text names; then the primary listing.
            if entry.market_rank == MARKET_A:
                listing = 0
            else:
                listing = 1 if market is not None and self.securities[entry.secid][0].exchange == market else 2
            # Dated, then today's, then undated names; undated text ranks today's names first.
            rank = entry.rank if on is not None else {RANK_CURRENT: 0, RANK_DATED: 1}.get(entry.rank, 2)
            return (listing, rank, entry.market_rank)

        if on is None:
            # Undated text is read as of today: a reviewed alias dated to end names no listing now.
            entries = [e for e in entries if not e.ends]
            if not entries:
                return None
        ranked = sorted(entries, key=key)
        best = key(ranked[0])
        rivals = {e.secid for e in ranked if key(e) == best}
        return ranked[0] if len(rivals) == 1 else None

    def listing_in(self, name: str, market: str, on: date | None = None) -> NameEntry | None:
        """The listing in ``market`` (``HK``/``US``) of the company ``name`` means, when the text names that
        listing (比亚迪H股, 在美上市的中国移动): one of the name's entries there, or an A-share's H share."""
        entries = self.names.get(name) or []
        for entry in entries:
            security = self.securities.get(entry.secid)
            if security and security[0].exchange == market and (on is None or self.listed_by(entry.secid, on)):
                return entry
        if market == "HK":
            for entry in entries:
                h_share = self.h_shares.get(entry.secid)
                if h_share and (on is None or self.listed_by(h_share, on)):
                    return NameEntry(h_share, entry.how, entry.valid_from, entry.valid_to, entry.rank, MARKET_SECONDARY)
        return None

    def listed_by(self, secid: str, day: date) -> bool:
        """Whether ``secid`` was listed by ``day`` (a listing whose first day is unknown counts). A company
        delisted before that day still counts: news names it after its delisting (龙力生物 in 2025)."""
        first = self.list_dates.get(secid)
        return first is None or first <= day

    def security(self, secid: str) -> tuple[Security, str] | None:
        return self.securities.get(secid)

    def resolve_status_name(self, rest: str, on: date | None = None) -> tuple[NameEntry, int] | None:
        """The A-share an ST-marked name means: ``ST中捷`` is the company whose name began with 中捷
        that day (status names are shortened, so the tables list them without the marker), or whose
        status name had that stem (``ST时万``, a status abbreviation of 时代万恒). Only a unique answer:
        the longest prefix of ``rest`` (4, 3, then 2 characters) that one company's name starts with. At each
        length a status stem of a company still trading that day comes before the names (ST华通 in 2025 is
        世纪华通's status name, not a cut of 华通线缆). Returns the entry and the prefix's length."""
        index = self._prefix_index()
        for size in (4, 3, 2):
            prefix = rest[:size]
            if len(prefix) < size:
                continue
            matches: dict[str, NameEntry] = {}
            trading: dict[str, NameEntry] = {}  # the stem's companies still trading that day (today, undated)
            stems = self.status_stems.get(prefix, ())
            spans = self.status_spans.get(prefix, ())
            if on is not None and (bearer := _status_bearer(spans, on)) is not None:
                # the company whose status name it was that day, by tushare's dates (*ST联合 in 2013 is 国旅联合)
                return NameEntry(bearer, HOW_FORMER, None, None, RANK_DATED, MARKET_A), size
            # Up to the history's last day, a company it dates bore the stem only on the days it dates (天业股份's
            # ST天业 of 2018 is not the stem's in 2016).
            dated = {secid for secid, _first, _last in spans} if on is not None and on <= _STATUS_HISTORY_END else ()
            for secid, last_day, unmarked in stems:
                if secid in dated:
                    continue
                if on is None or (self.listed_by(secid, on) and not _without_status(unmarked, on, secid, stems)):
                    entry = NameEntry(secid, HOW_FORMER, None, last_day, RANK_DATED, MARKET_A)
                    entry = matches.setdefault(secid, entry)
                    if (secid in self.listed) if on is None else (last_day is None or on <= last_day):
                        trading.setdefault(secid, entry)
            if trading:
                # A status name the tables give this stem is that company's, not a guess from the first
                # characters of another's name (ST华通 in 2025 is 世纪华通, not 华通线缆); of several, a company
                # delisted since, else the oldest. A stem whose companies had all been delisted by then is
                # weighed with the names as before.
                entry = next(iter(trading.values())) if len(trading) == 1 else self._oldest(trading)
                if entry is not None:
                    return entry, size
            if on is not None and not matches and (former := _last_bearer(spans, on)) is not None:
                # No company bore it that day: the one that bore it last, in the three years before (国旅联合 in
                # 2015, whose *ST联合 ended in 2014), not a guess from the first characters of names.
                return NameEntry(former, HOW_FORMER, None, None, RANK_DATED, MARKET_A), size
            # Shortest names first, then in order: the same answer in every process (a set's order
            # changes with the hash seed) and a company's short name before its full name.
            for name in sorted(index.get(prefix[:2], ()), key=lambda n: (len(n), n)):
                if not name.startswith(prefix):
                    continue
                for entry in self.names[name]:
                    if entry.market_rank == MARKET_A and (
                        on is None or entry.valid_on(on) or entry.rank == RANK_UNDATED
                    ):
                        matches.setdefault(entry.secid, entry)
            if not matches and on is not None:
                # The name a status name replaced (岩石股份 until 2025-04-21, then ST岩石: dev111): a former name
                # that ended in the three years before the day (a status rarely lasts longer), when exactly one
                # company has it.
                for name in sorted(index.get(prefix[:2], ()), key=lambda n: (len(n), n)):
                    for entry in self.names[name] if name.startswith(prefix) else ():
                        if (
                            entry.market_rank == MARKET_A
                            and entry.how == HOW_FORMER
                            and entry.valid_to is not None
                            and entry.valid_to < on <= entry.valid_to + _STATUS_SPAN
                        ):
                            matches.setdefault(entry.secid, entry)
                if len(matches) != 1:
                    matches = {}
            if matches:
                entry = next(iter(matches.values())) if len(matches) == 1 else self._oldest(matches)
                return (entry, size) if entry is not None else None
        return None

    def only_name_starting(self, stem: str, on: date | None = None) -> NameEntry | None:
        """The one listed company (A share or primary Hong Kong listing) whose short name that day begins
        with ``stem`` and is longer (正邦 → 正邦科技), or ``None`` when none or several do (中粮)."""
        index = self._prefix_index()
        matches: dict[str, NameEntry] = {}
        for name in index.get(stem[:2], ()):
            if len(name) <= len(stem) or not name.startswith(stem):
                continue
            for entry in self.names[name]:
                if entry.how not in (HOW_NAME, HOW_FORMER) or entry.market_rank == MARKET_SECONDARY:
                    continue
                if entry.market_rank != MARKET_A and not entry.secid.startswith("116."):
                    continue  # a US listing's Chinese name is no short form news cuts
                if on is None or (entry.valid_on(on) and self.listed_by(entry.secid, on)):
                    matches.setdefault(entry.secid, entry)
        return next(iter(matches.values())) if len(matches) == 1 else None

    def _prefix_index(self) -> dict[str, set[str]]:
        if self._by_prefix is None:
            index: dict[str, set[str]] = {}
            for name in self.names:
                index.setdefault(name[:2], set()).add(name)
            self._by_prefix = index
        return self._by_prefix

    def _first_seen_index(self) -> dict[str, date]:
        """Each security's oldest dated name, built once (each special-treatment name asked about every name)."""
        if self._first_seen is None:
            index: dict[str, date] = {}
            for entries in self.names.values():
                for entry in entries:
                    if entry.valid_from and (entry.secid not in index or entry.valid_from < index[entry.secid]):
                        index[entry.secid] = entry.valid_from
            self._first_seen = index
        return self._first_seen

    def _oldest(self, matches: dict[str, NameEntry]) -> NameEntry | None:
        """Of several companies, the one delisted since, when exactly one is; else the one whose names
        go back furthest, when exactly one does: a company under special treatment has a history, a
        recent listing has none (ST中捷 is 中捷资源, not 中捷精工 listed in 2021)."""
        delisted = [secid for secid in matches if secid not in self.listed]
        if len(delisted) == 1:
            return matches[delisted[0]]  # special treatment often ends in delisting
        known = self._first_seen_index()
        first_seen = {secid: known[secid] for secid in matches if secid in known}
        if not first_seen:
            return None
        earliest = min(first_seen.values())
        oldest = [secid for secid, seen in first_seen.items() if seen == earliest]
        return matches[oldest[0]] if len(oldest) == 1 else None
