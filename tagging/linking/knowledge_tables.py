"""Loading the securities knowledge base (:mod:`tagging.linking.knowledge`) from the tables in ``configs/``:
each table read and validated (a malformed row is a :class:`ConfigError` naming the file and line),
and the validated build kept in the state directory while no table changes."""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
from datetime import date
from pathlib import Path

from core.config import ConfigError, config_dir, read_yaml, state_dir
from core.securities import HONG_KONG, US_MARKETS, Security, infer_a_share_market, make_security
from core.settings import configured
from tagging.linking import knowledge
from tagging.linking.knowledge import (
    HOW_ALIAS,
    HOW_FORMER,
    HOW_FULL,
    HOW_NAME,
    MARKET_A,
    MARKET_PRIMARY,
    MARKET_SECONDARY,
    RANK_CURRENT,
    RANK_DATED,
    RANK_UNDATED,
    KnowledgeBase,
    NameEntry,
    strip_legal_form,
    strip_status,
)
from tagging.linking.lexicon import normalise_name

_SHARE_CLASS_RE = re.compile(r"(?<=[\u4e00-\u9fff])[AB]$")
_A_CODE_RE = re.compile(r"^\d{6}$")
_HK_CODE_RE = re.compile(r"^\d{5}$")
_US_TICKER_RE = re.compile(r"^[A-Z][A-Z0-9]{0,5}(?:[.-][A-Z0-9]{1,3})?$")


def _read_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """``(line, row)`` pairs of a CSV file whose header names every ``required`` column."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = [c.strip() for c in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
            rows = []
            for line, values in enumerate(reader, start=2):
                if len(values) != len(header):
                    raise ConfigError(f"{path}: line {line}: {len(values)} fields, the header has {len(header)}")
                rows.append((line, dict(zip(header, map(str.strip, values), strict=True))))
            return rows
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: file not found") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise ConfigError(f"{path}: unreadable CSV: {error}") from error


def _date(value: str, path: Path, line: int) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{path}: line {line}: bad date {value!r} (expected YYYY-MM-DD)") from None


def _check(condition: bool, path: Path, line: int, message: str) -> None:
    if not condition:
        raise ConfigError(f"{path}: line {line}: {message}")


def _a_share(kb: KnowledgeBase, code: str, display: str) -> Security:
    """The A-share of ``code``, added as delisted when today's list lacks it (named by its latest
    name seen: the tables list a code's names oldest first)."""
    secid = kb.a_codes.get(code)
    if secid:
        security = kb.securities[secid][0]
        if secid not in kb.listed:
            kb.securities[secid] = (security, display)
        return security
    security = make_security(infer_a_share_market(code), code)
    assert security is not None  # a 6-digit code always makes a security
    kb.a_codes[code] = security.secid
    kb.add_security(security, display)
    return security


def _a_share_secid(kb: KnowledgeBase, code: str) -> str:
    """The secid of A-share ``code``, known to the tables or not (a code only tushare's history names)."""
    known = kb.a_codes.get(code)
    if known:
        return known
    security = make_security(infer_a_share_market(code), code)
    assert security is not None  # a 6-digit code always makes a security
    return security.secid


def _load_a_shares(kb: KnowledgeBase, directory: Path) -> None:
    path = directory / "stocks.csv"
    last_former_end: dict[str, date] = {}
    former_rows = _read_rows(directory / "securities" / "a_share_former_names.csv", ("code", "former_name"))
    former_path = directory / "securities" / "a_share_former_names.csv"
    for line, row in former_rows:
        _check(bool(_A_CODE_RE.match(row["code"])), former_path, line, f"bad code {row['code']!r}")
        end = _date(row.get("valid_to", ""), former_path, line)
        if end and end > last_former_end.get(row["code"], date.min):
            last_former_end[row["code"]] = end
    for line, row in _read_rows(path, ("code", "name")):
        code = row["code"]
        _check(bool(_A_CODE_RE.match(code)), path, line, f"bad code {code!r}")
        market = row.get("em_market") or infer_a_share_market(code)
        security = make_security(market, code)
        _check(security is not None, path, line, f"bad market {market!r}")
        assert security is not None
        name = normalise_name(row["name"])
        kb.a_codes[code] = security.secid
        kb.listed.add(security.secid)
        kb.add_security(security, name)
        # Today's name is valid from the day after the company's last former name ended.
        start = last_former_end.get(code)
        begins = date.fromordinal(start.toordinal() + 1) if start else None
        share_class_stripped = _SHARE_CLASS_RE.sub("", name)  # 万科A is 万科, 张裕A 张裕: the company's name
        for variant in {name, strip_status(name), _SHARE_CLASS_RE.sub("", strip_status(name))}:
            # *ST动力 is also 动力 in news, but a two-character rest of a status mark is too often a plain word.
            if variant in (name, share_class_stripped) or len(variant) >= 3:
                kb.add_name(variant, NameEntry(security.secid, HOW_NAME, begins, None, RANK_CURRENT, MARKET_A))
        if share_class_stripped.endswith(_PORT_END) and share_class_stripped not in _BRANDS_ENDING_IN_PORT:
            kb.needs_context.add(share_class_stripped)  # 青岛港, 天津港: the port itself more often than its operator
    for line, row in former_rows:
        security = _a_share(kb, row["code"], normalise_name(row["former_name"]))
        start = _date(row.get("valid_from", ""), former_path, line)
        end = _date(row.get("valid_to", ""), former_path, line)
        rank = RANK_DATED if (start or end) else RANK_UNDATED
        former = normalise_name(row["former_name"])
        for variant in {former, _SHARE_CLASS_RE.sub("", former)}:
            kb.add_name(variant, NameEntry(security.secid, HOW_FORMER, start, end, rank, MARKET_A))
    full_path = directory / "securities" / "a_share_full_names.csv"
    for line, row in _read_rows(full_path, ("code", "full_name")):
        _check(bool(_A_CODE_RE.match(row["code"])), full_path, line, f"bad code {row['code']!r}")
        full = normalise_name(row["full_name"])
        _check(len(full) >= 4, full_path, line, "empty or too short full name")
        security = _a_share(kb, row["code"], strip_legal_form(full))
        older = "2017" in row.get("source", "")  # the abu 2017 table: a former legal name, undated
        rank = RANK_UNDATED if older else RANK_CURRENT
        kb.add_name(full, NameEntry(security.secid, HOW_FULL, None, None, rank, MARKET_A))
        for variant in group_bracket_variants(full):
            kb.add_name(variant, NameEntry(security.secid, HOW_FULL, None, None, rank, MARKET_A))
        short = strip_legal_form(full)
        if len(short) >= 4 and short != full:
            kb.add_name(short, NameEntry(security.secid, HOW_FULL, None, None, rank, MARKET_A))
            if short.endswith(_FACILITY_ENDS):
                kb.needs_context.add(short)  # 江苏连云港港口 without its legal form: the port itself (dev82)
        group_stem = short.removesuffix("集团")
        # A company delisted since, known by a legal name only: news named it by the name without 集团
        # (美好置业集团股份有限公司 was 美好置业, 嘉凯城集团 嘉凯城: dev163), which no other table holds.
        delisted = security.secid not in kb.listed
        if delisted and group_stem != short and len(group_stem) >= 3 and group_stem not in kb.names:
            kb.add_name(group_stem, NameEntry(security.secid, HOW_FORMER, None, None, RANK_UNDATED, MARKET_A))


def group_bracket_variants(full: str) -> set[str]:
    """The other ways news writes a legal name holding a bracketed 集团 (上海凤凰企业(集团)股份有限公司):
    without it (上海凤凰企业股份有限公司: dev233 ggzgc) and with the brackets dropped (上海凤凰企业集团股份有限公司)."""
    if "(集团)" not in full:
        return set()
    return {full.replace("(集团)", ""), full.replace("(集团)", "集团")}


# A legal name that, without its legal form, names a facility (江苏连云港港口, 上海国际机场): read as the company
# only with a company cue, like the everyday names of aliases.yaml's needs_context.
_FACILITY_ENDS = ("港口", "机场", "码头", "医院", "大学", "景区", "大桥", "隧道", "港")
# A port operator named after its port (青岛港, 天津港, 唐山港): a ranking of ports or a port's throughput names the
# port (dev sets: 20 readings of a port's name as a trap against 8 of the company, 3 optional).
_PORT_END = "港"
_BRANDS_ENDING_IN_PORT = frozenset({"中电港", "数据港", "新中港"})  # a distributor, data centres, a power plant


def _load_hong_kong(kb: KnowledgeBase, directory: Path) -> None:
    path = directory / "securities" / "hk_stocks.csv"
    rows = _read_rows(path, ("code", "name"))
    secondary: set[str] = set()
    rmb_counters: set[str] = set()
    for line, row in rows:
        code = row["code"]
        _check(bool(_HK_CODE_RE.match(code)), path, line, f"bad code {code!r}")
        if re.search(r"-S[A-Z]*$", row["name"]):
            secondary.add(code)  # -S / -SW: a secondary listing, the company's primary one is elsewhere
        if code.startswith("8") and re.search(r"-[A-Z]*R$", row["name"]):
            rmb_counters.add(code)  # 80700 腾讯控股-R: the RMB counter of a listing that has its own row
    for line, row in rows:
        code, name = row["code"], normalise_name(row["name"])
        if code in rmb_counters:
            continue
        security = make_security(HONG_KONG, code)
        _check(security is not None, path, line, f"bad code {code!r}")
        assert security is not None
        kb.hk_codes[code] = security.secid
        kb.listed.add(security.secid)
        kb.add_security(security, strip_status(name) if not name.startswith(("ST", "*ST")) else name)
        rank = MARKET_SECONDARY if code in secondary else MARKET_PRIMARY
        for variant in {name, strip_status(name)}:
            kb.add_name(variant, NameEntry(security.secid, HOW_NAME, None, None, RANK_CURRENT, rank))
    full_path = directory / "securities" / "hk_full_names.csv"
    for line, row in _read_rows(full_path, ("code", "full_name")):
        _check(bool(_HK_CODE_RE.match(row["code"])), full_path, line, f"bad code {row['code']!r}")
        secid = kb.hk_codes.get(row["code"])
        if secid is None or row["code"] in rmb_counters:
            continue  # a full name for a listing not in the short-name table (not quoted), or a counter
        rank = MARKET_SECONDARY if row["code"] in secondary else MARKET_PRIMARY
        full = normalise_name(row["full_name"])
        kb.add_name(full, NameEntry(secid, HOW_FULL, None, None, RANK_CURRENT, rank))
        short = strip_legal_form(full)
        if len(short) >= 4 and short != full:
            kb.add_name(short, NameEntry(secid, HOW_FULL, None, None, RANK_CURRENT, rank))
    old_path = directory / "securities" / "hk_names_2017.csv"
    for line, row in _read_rows(old_path, ("code", "name")):
        code = row["code"]
        _check(bool(_HK_CODE_RE.match(code)), old_path, line, f"bad code {code!r}")
        security = make_security(HONG_KONG, code)
        assert security is not None
        name = normalise_name(row["name"])
        if code not in kb.hk_codes:
            kb.hk_codes[code] = security.secid
        kb.listed.add(security.secid)
        kb.add_security(security, strip_status(name))
        # HK codes are reused: a 2017 name is a former name of that code, valid up to 2017 only.
        # A Hong Kong listing's name, ranked as one (not as an A-share, the default, which made a reused
        # code's old name beat a current US name: 应用材料).
        former = NameEntry(security.secid, HOW_FORMER, None, date(2017, 12, 31), RANK_DATED, MARKET_PRIMARY)
        kb.add_name(strip_status(name), former)


# The US tables, read alike: the hand-reviewed listings first, so that their current name is the one
# shown for a ticker the older table gives to a former company (CHA: 中国电信 until 2021, 霸王茶姬 now).
US_TABLES = ("us_global_stocks.csv", "us_cn_stocks.csv")


def _load_us(kb: KnowledgeBase, directory: Path) -> dict[str, str]:
    """The US tables; returns the whole names of listings shown by a name cut short (:func:`_whole_names`)."""
    names_by_ticker: dict[str, list[str]] = {}  # every table name of a ticker, with an exchange or without
    cut_names: dict[str, str] = {}  # secid → a name of the 2017 file that cuts names at four characters
    for table in US_TABLES:
        _load_us_table(kb, directory / "securities" / table, names_by_ticker, cut_names)
    _load_us_past_listings(kb, directory / "securities" / "us_past_listings.csv", names_by_ticker)
    return _whole_names(kb, cut_names, names_by_ticker)


# The 2017 table's text file (bbfamily/abu stock_code_us.txt) cuts names at four characters: 摩根士丹 for
# 摩根士丹利, 吉利德科 for 吉利德科学. A longer name of the listing that goes on with more than a company word
# or a class (美国航空集团, 伯克希尔-哈撒韦B) is the whole of such a name (archive audit and review, day 18).
_CUT_NAME_SOURCE = "stock_code_us.txt"
_CUT_NAME_CHARS = 4
_COMPANY_WORDS_RE = re.compile(r"(?:公司|集团|控股|股份|国际|有限|责任|PLC|优先股)+")


def _whole_names(kb: KnowledgeBase, cut_names: dict[str, str], names_by_ticker: dict[str, list[str]]) -> dict[str, str]:
    """secid → the whole name of a listing shown by a name its 2017 table cut short."""
    whole: dict[str, str] = {}
    for ticker, secid in kb.us_tickers.items():
        shown = kb.securities[secid][1] if secid in kb.securities else None
        if shown is None or cut_names.get(secid) != shown:
            continue
        longer = [
            name
            for name in map(normalise_name, names_by_ticker.get(ticker, ()))
            if len(name) > len(shown)
            and name.startswith(shown)
            and not _COMPANY_WORDS_RE.fullmatch(name[len(shown) :])
            and name[len(shown)] not in "-(（"
        ]
        if longer:
            whole[secid] = min(longer, key=len)
    return whole


def _show_whole_names(kb: KnowledgeBase, whole: dict[str, str]) -> None:
    """Show a listing by its whole name instead of a cut one, unless the short form is a reviewed alias of it
    (世纪互联 for 世纪互联数据中心)."""
    for secid, name in whole.items():
        security, shown = kb.securities[secid]
        if not any(entry.secid == secid and entry.how == HOW_ALIAS for entry in kb.names.get(shown, ())):
            kb.securities[secid] = (security, name)


def _load_us_table(
    kb: KnowledgeBase, path: Path, names_by_ticker: dict[str, list[str]], cut_names: dict[str, str]
) -> None:
    """A table of US listings by their Chinese names, each shown by its shortest name (``cut_names``: those of
    them the 2017 text file may have cut short, :func:`_whole_names`)."""
    for line, row in _read_rows(path, ("ticker", "em_market", "name")):
        ticker, market = row["ticker"].upper(), row["em_market"]
        _check(bool(_US_TICKER_RE.match(ticker)), path, line, f"bad ticker {ticker!r}")
        names_by_ticker.setdefault(ticker, []).append(row["name"])
        if not market:
            continue  # exchange unknown (delisted, OTC): no secid to give, unless us_past_listings.csv has it
        _check(market in US_MARKETS, path, line, f"bad em_market {market!r} (105, 106 or 107)")
        security = make_security(market, ticker.replace("-", "_"))
        assert security is not None
        name = normalise_name(row["name"])
        kb.us_tickers.setdefault(ticker, security.secid)
        kb.listed.add(security.secid)
        maybe_cut = len(name) == _CUT_NAME_CHARS and _CUT_NAME_SOURCE in row.get("source", "")
        if maybe_cut:
            cut_names.setdefault(security.secid, name)
        shown = kb.securities.get(security.secid)
        # The shortest Chinese name reads best; of two as short, not one the 2017 file may have cut (review of day
        # 18: 达芬奇手 beat 直觉外科 for ISRG, then became its product's name, 达芬奇手术机器人).
        if (
            shown is None
            or len(name) < len(shown[1])
            or (len(name) == len(shown[1]) and shown[1] == cut_names.get(security.secid) and not maybe_cut)
        ):
            kb.securities[security.secid] = (security, name)
        kb.add_name(name, NameEntry(security.secid, HOW_NAME, None, None, RANK_CURRENT, MARKET_PRIMARY))


def _load_us_past_listings(kb: KnowledgeBase, path: Path, names_by_ticker: dict[str, list[str]]) -> None:
    """``securities/us_past_listings.csv``: US listings that ended between 2016 and today (taken private,
    acquired, delisted, or a ticker changed), reviewed by hand with their exchange and last day, which the
    2025 exchange lists behind ``us_cn_stocks.csv`` often lack. Every table name of the ticker names the
    listing from its first day (when known) to its last, and nothing after it (FRESH_RULES S2: listed at the
    date; 赛门铁克 after 2019 is Broadcom's unit, 迈兰 after 2020 part of Viatris)."""
    for line, row in _read_rows(path, ("ticker", "em_market", "name", "list_date", "end_date", "source")):
        ticker, market = row["ticker"].upper(), row["em_market"]
        _check(bool(_US_TICKER_RE.match(ticker)), path, line, f"bad ticker {ticker!r}")
        _check(market in US_MARKETS, path, line, f"bad em_market {market!r} (105, 106 or 107)")
        _check(bool(row["name"].strip()), path, line, "name is empty")
        _check(bool(row["source"].strip()), path, line, "source is empty")
        first, last = _date(row["list_date"], path, line), _date(row["end_date"], path, line)
        _check(last is not None, path, line, "end_date is empty (a past listing has a last day)")
        _check(first is None or last is None or first <= last, path, line, "list_date is after end_date")
        security = make_security(market, ticker.replace("-", "_"))
        assert security is not None
        kb.us_tickers.setdefault(ticker, security.secid)
        kb.add_security(security, normalise_name(row["name"]))
        if first is not None:
            kb.list_dates.setdefault(security.secid, first)
        entry = NameEntry(security.secid, HOW_NAME, first, last, RANK_DATED, MARKET_PRIMARY, listing_ended=True)
        for name in dict.fromkeys(normalise_name(n) for n in (row["name"], *names_by_ticker.get(ticker, ()))):
            if name in kb.names:  # the undated reading of the tables gives way to the dated one
                kb.names[name] = [e for e in kb.names[name] if e.secid != security.secid]
            kb.add_name(name, entry)


def _load_aliases(kb: KnowledgeBase, directory: Path) -> None:
    """Curated short forms and names that need context, from ``securities/aliases.yaml``."""
    path = directory / "securities" / "aliases.yaml"
    # libyaml's loader when installed: the pure-Python one is the slowest part of a load.
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with keys aliases, needs_context")
    from core.config import check_keys

    check_keys(path, data, ("aliases", "needs_context"))
    aliases = data.get("aliases") or []
    uppercase_forms: dict[str, str] = {}  # a Latin name in capitals → the name as reviewed
    if not isinstance(aliases, list):
        raise ConfigError(f"{path}: aliases: expected a list")
    for number, item in enumerate(aliases, start=1):
        where = f"aliases[{number}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: {where}: expected a mapping with name, secid, why")
        check_keys(path, item, ("name", "secid", "why", "valid_from", "valid_to", "alt"), where)
        name, secid, why = item.get("name"), item.get("secid"), item.get("why")
        if not isinstance(secid, str):
            # Unquoted, 1.600000 reads as the number 1.6: a secid must be a quoted string.
            raise ConfigError(f'{path}: {where}.secid: write the secid as a quoted string, e.g. "1.600519"')
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{path}: {where}.name: missing")
        if not isinstance(why, str) or not why.strip():
            raise ConfigError(f"{path}: {where}.why: every alias says why it is right")
        market, _, code = secid.partition(".")
        security = kb.securities.get(secid, (make_security(market, code), ""))[0]
        if security is None or security.kind != "stock":
            raise ConfigError(f"{path}: {where}.secid: {secid!r} is not a stock secid (e.g. 1.600519)")
        if secid not in kb.listed:
            kb.securities[secid] = (security, normalise_name(name))  # a delisted company: its alias names it
        starts = _date(str(item.get("valid_from") or ""), path, number)
        ends = _date(str(item.get("valid_to") or ""), path, number)
        market_rank = MARKET_A if security.exchange in ("SH", "SZ", "BJ") else MARKET_PRIMARY
        rank = RANK_DATED if (starts or ends) else RANK_CURRENT
        entry = NameEntry(secid, HOW_ALIAS, starts, ends, rank, market_rank)
        # A reviewed Latin name (Meta, Apple) is allowed here; tables' Latin names are not.
        latin = bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9 .&-]{2,}", name.strip()))
        if not latin and not re.search(r"[\u4e00-\u9fff]", name):
            # (two Latin letters are tickers, read as codes, or words: bp is also basis points)
            raise ConfigError(
                f"{path}: {where}.name: {name!r} would never be read: a Latin alias has 3 letters or more"
            )
        if latin and " " in name.strip():
            kb.written_apart[" ".join(name.split())] = normalise_name(name)
        if not (starts or ends):
            # An undated alias is a reviewed reading of the name: it replaces what the tables say.
            kb.names.pop(normalise_name(name), None)
        kb.add_name(name, entry, latin=latin)
        shouted = name.strip().upper()
        if (
            latin
            and shouted != name.strip()
            and len(shouted.replace(" ", "")) >= 4
            and normalise_name(shouted) not in kb.names
        ):
            # News writes a brand in capitals too (LUCID, RIVIAN, FORD): the same reading.
            uppercase_forms[normalise_name(shouted)] = normalise_name(name)
            if " " in shouted:
                kb.written_apart[" ".join(shouted.split())] = normalise_name(shouted)
            kb.add_name(shouted, entry, latin=True)
        # The company's other listings: chosen when the text names their market (京东 in a 港股 report).
        alternatives = item.get("alt") or []
        if not isinstance(alternatives, list) or not all(isinstance(a, str) for a in alternatives):
            raise ConfigError(f'{path}: {where}.alt: expected a list of quoted secids, e.g. ["116.09618"]')
        for order, alternative in enumerate(alternatives):
            other = kb.securities.get(alternative, (None, ""))[0]
            if other is None or other.kind != "stock":
                raise ConfigError(f"{path}: {where}.alt: {alternative!r} is no listing in the tables")
            # The first alternative before the next (00941 before the ADR CHL): never a tie between them.
            entry = NameEntry(alternative, HOW_ALIAS, starts, ends, rank, MARKET_SECONDARY + order)
            kb.add_name(name, entry, latin=latin)
    context = data.get("needs_context") or []
    if not isinstance(context, list) or not all(isinstance(n, str) for n in context):
        raise ConfigError(f"{path}: needs_context: expected a list of names")
    kb.needs_context |= {normalise_name(n) for n in context}
    kb.needs_context |= {shouted for shouted, name in uppercase_forms.items() if name in kb.needs_context}


SOURCE_FILES = (
    "stocks.csv",
    "securities/a_share_former_names.csv",
    "securities/a_share_full_names.csv",
    "securities/a_share_list_dates.csv",
    "securities/a_share_status_names.csv",
    "securities/hk_stocks.csv",
    "securities/hk_full_names.csv",
    "securities/hk_names_2017.csv",
    "securities/hk_list_dates.csv",
    "securities/us_list_dates.csv",
    *(f"securities/{table}" for table in US_TABLES),
    "securities/us_past_listings.csv",
    "securities/aliases.yaml",
)


def _listing_days(path: Path, key: str, key_re: re.Pattern[str]) -> list[tuple[int, str, date]]:
    """``(line, code or ticker, first day of trading)`` of a listing-dates table, each row checked."""
    days = []
    for line, row in _read_rows(path, (key, "list_date", "source")):
        _check(bool(key_re.match(row[key].upper())), path, line, f"bad {key} {row[key]!r}")
        first = _date(row["list_date"], path, line)
        _check(first is not None, path, line, "list_date is empty")
        _check(bool(row["source"]), path, line, "source is empty")
        assert first is not None
        days.append((line, row[key].upper(), first))
    return days


def _load_list_dates(kb: KnowledgeBase, directory: Path) -> None:
    """``securities/a_share_list_dates.csv``: each A-share's first day of trading (codes the tables do
    not know are skipped: Beijing codes from before the 920xxx renumbering, B shares)."""
    for _line, code, first in _listing_days(directory / "securities" / "a_share_list_dates.csv", "code", _A_CODE_RE):
        if secid := kb.a_codes.get(code):
            kb.list_dates[secid] = first


def _drop_names_before_listing(kb: KnowledgeBase) -> None:
    """A former name that ended before the company's first day of trading was its name while it offered
    its shares (无人机 for 中无人机 in 2022, before it listed): no listed company's name, and often a word."""
    for name, entries in list(kb.names.items()):
        kept = [
            e
            for e in entries
            if not (
                e.how == HOW_FORMER and e.valid_to and e.secid in kb.list_dates and e.valid_to < kb.list_dates[e.secid]
            )
        ]
        if not kept:
            del kb.names[name]
        elif len(kept) < len(entries):
            kb.names[name] = kept


def _load_us_list_dates(kb: KnowledgeBase, directory: Path) -> None:
    """``securities/us_list_dates.csv``: the first day of trading of US listings of the last decade that
    news named before they listed (蔚来 in 2017 was no listed company yet). Hand-reviewed, like
    ``us_global_stocks.csv``; a ticker the tables do not know is a ConfigError."""
    path = directory / "securities" / "us_list_dates.csv"
    for line, ticker, first in _listing_days(path, "ticker", _US_TICKER_RE):
        secid = kb.us_tickers.get(ticker)
        _check(secid is not None, path, line, f"unknown ticker {ticker!r} (not in the US tables)")
        kb.list_dates[str(secid)] = first


def _link_dual_listings(kb: KnowledgeBase, directory: Path) -> None:
    """A and H shares of one company (the same legal name in ``a_share_full_names.csv`` and
    ``hk_full_names.csv``): a Hong Kong short name (上海复旦, 中国石油化工股份, 第一拖拉机股份) also names the
    A-share, which is preferred, as an A+H company's shared name is (FRESH_RULES S3b: the A share unless a
    code in the text says otherwise); the Hong Kong listing stays the answer before the A-share was listed."""

    def by_full_name(path: Path) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {}
        for _line, row in _read_rows(path, ("code", "full_name")):
            if "2017" not in row.get("source", ""):  # today's legal names only (abu 2017 holds former ones)
                names.setdefault(normalise_name(row["full_name"]), set()).add(row["code"])
        return names

    a_names = by_full_name(directory / "securities" / "a_share_full_names.csv")
    hk_names = by_full_name(directory / "securities" / "hk_full_names.csv")
    twins: dict[str, str] = {}  # HK secid → A secid
    for full, a_codes in a_names.items():
        hk_codes = {code for code in hk_names.get(full, ()) if code in kb.hk_codes}  # not an RMB counter (81211)
        if len(a_codes) == 1 and len(hk_codes) == 1:
            a_secid, hk_secid = kb.a_codes.get(next(iter(a_codes))), kb.hk_codes.get(next(iter(hk_codes)))
            if a_secid in kb.listed and hk_secid in kb.listed:
                twins[hk_secid] = a_secid
                kb.h_shares[a_secid] = hk_secid
    for entries in kb.names.values():
        for entry in list(entries):
            a_secid = twins.get(entry.secid)
            if a_secid and entry.how in (HOW_NAME, HOW_FULL):
                twin = NameEntry(a_secid, entry.how, entry.valid_from, entry.valid_to, entry.rank, MARKET_A)
                if twin not in entries:
                    entries.append(twin)


def _load_hk_list_dates(kb: KnowledgeBase, directory: Path) -> None:
    """``securities/hk_list_dates.csv``: each Hong Kong listing's first day of trading (京东's secondary
    listing began on 2020-06-18: in 2016 京东 is its NASDAQ listing, even in a 港股 report). A reused
    code's date is its current company's: the 2017 names of the code's former company are not bound by it."""
    for _line, code, first in _listing_days(directory / "securities" / "hk_list_dates.csv", "code", _HK_CODE_RE):
        if secid := kb.hk_codes.get(code):
            kb.list_dates[secid] = first


def _load_status_names(kb: KnowledgeBase, directory: Path) -> None:
    """``securities/a_share_status_names.csv``: names with a trading-status mark (ST时万, *ST顺利, 退市易见,
    丹邦退) and the last names of delisted companies, from a 2023 stock list. A marked name gives its stem
    for ST-names in text; a delisted company's unmarked last name (邯郸钢铁) is a former name up to its
    last day of trading; so is the short form of its legal name when that begins with the stem (福建众和
    股份有限公司 and 众和退 give 众和股份), which is how A-share short names are usually made."""
    path = directory / "securities" / "a_share_status_names.csv"
    full_names: dict[str, list[str]] = {}
    for name, entries in kb.names.items():
        for entry in entries:
            if entry.how == HOW_FULL and name.endswith("公司"):
                full_names.setdefault(entry.secid, []).append(name)
    shown_by = {shown: secid for secid, (_security, shown) in kb.securities.items()}
    for line, row in _read_rows(path, ("code", "name", "delist_date", "unmarked_from", "seen_from", "source")):
        _check(bool(_A_CODE_RE.match(row["code"])), path, line, f"bad code {row['code']!r}")
        _check(bool(row["name"]) and bool(row["source"]), path, line, "name or source is empty")
        last_day = _date(row["delist_date"], path, line)
        # tushare's dates of the status name (first day, last day; no last day: still borne on 2023-12-13)
        valid_from, valid_to = _date(row.get("valid_from", ""), path, line), _date(row.get("valid_to", ""), path, line)
        _check(valid_to is None or (valid_from is not None and valid_from <= valid_to), path, line, "bad valid_to")
        # the dated lists show the code without this status name from unmarked_from to the day before seen_from
        unmarked = (_date(row["unmarked_from"], path, line), _date(row["seen_from"], path, line))
        _check((unmarked[0] is None) == (unmarked[1] is None), path, line, "unmarked_from and seen_from go together")
        _check(unmarked[0] is None or unmarked[0] < unmarked[1], path, line, "unmarked_from is not before seen_from")
        name = normalise_name(row["name"])
        stem = strip_status(name)
        if valid_from is not None and stem != name and len(stem) >= 2:
            kb.status_spans.setdefault(stem, []).append((_a_share_secid(kb, row["code"]), valid_from, valid_to))
        if valid_to is not None:
            continue  # a status name that had ended by 2023-12-13 names its company on its days only
        known = kb.a_codes.get(row["code"])
        security = kb.securities[known][0] if known else _a_share(kb, row["code"], stem)
        if security.secid not in kb.listed and shown_by.setdefault(name, security.secid) == security.secid:
            # Not in today's list: shown by the last name it traded under (*ST顺利, 退市易见), not by the 2017
            # table's older name or a piece of its legal name (archive audit, day 19: 青海明胶 for ST顺利). Not
            # by a name another company is shown by (东方明珠, 600832 before 2015, is 600637's today): the
            # linker takes a shown name for one company (third review of day 19).
            kb.securities[security.secid] = (security, name)
        if stem != name and len(stem) >= 2:
            stems = kb.status_stems.setdefault(stem, [])
            if (security.secid, last_day, unmarked) not in stems:
                stems.append((security.secid, last_day, unmarked))
        if last_day is None or security.secid in kb.listed:
            continue
        former = NameEntry(security.secid, HOW_FORMER, None, last_day, RANK_DATED, MARKET_A)
        if stem == name and len(stem) >= 3:
            kb.add_name(stem, former)
        derived: set[str] = set()
        for full in full_names.get(security.secid, ()):
            at = full.find(stem) if len(stem) >= 2 else -1
            short = strip_legal_form(full[at:]) if at >= 0 else ""
            if len(short) == len(stem) == 2 and full.startswith(stem + "股份", at):
                short = stem + "股份"  # 众和股份有限公司: a two-character core is written with 股份
            if 4 <= len(short) <= 5:
                derived.add(short)
            if len(stem) == 2 and at >= 0 and full.endswith("股份有限公司"):
                derived.add(stem + "股份")  # 中弘控股股份有限公司 was 中弘股份 too: the usual short name
        for short in derived:
            # A name made by rule is no other company's name of the tables: 江苏中南建设集团股份有限公司 (中南建设,
            # delisted 2024) would make 中南股份, 000717's name since 2022, and a dated name outranks today's.
            if all(entry.secid == security.secid for entry in kb.names.get(short, ())):
                kb.add_name(short, former)


def build_knowledge_base(directory: Path) -> KnowledgeBase:
    """Read and validate every table; :class:`ConfigError` names the file and line of a bad row."""
    kb = KnowledgeBase()
    _load_a_shares(kb, directory)
    _load_status_names(kb, directory)
    _load_list_dates(kb, directory)
    _drop_names_before_listing(kb)
    _load_hong_kong(kb, directory)
    _load_hk_list_dates(kb, directory)
    _link_dual_listings(kb, directory)
    whole_us_names = _load_us(kb, directory)
    _load_us_list_dates(kb, directory)
    _load_aliases(kb, directory)
    _show_whole_names(kb, whole_us_names)
    _add_broker_research_names(kb)
    return kb


# A broker's research brands: its name without 证券 + the desk (国信策略, 中信固收, 华泰宏观). FRESH_RULES R2
# labels a listed broker named as the source of a view; news cites the desks by these names.
_BROKER_DESKS = ("策略", "宏观", "固收", "金工")
# Brokers named after a region or an everyday word get no desk names: 东北宏观, 西部策略 are as often about the
# region, 招商策略 is an investment-attraction strategy (dev10 ziboxinyan), 民生策略 one for livelihoods (a desk
# of 研究 would be worse still: 东北研究, 中原研究).
_EVERYDAY_STEMS = frozenset(
    {
        "东北",
        "西部",
        "西南",
        "华西",
        "中原",
        "长江",
        "南京",
        "山西",
        "东方",
        "国海",
        "招商",
        "民生",
        "平安",
        "兴业",
        "方正",
        "长城",
    }
)


def _add_broker_research_names(kb: KnowledgeBase) -> None:
    """Each listed A-share broker (a current name ending 证券 with a stem of two characters or more; an A+H
    broker's A share, FRESH_RULES S3b) named by its research desks, unless that name is already another
    company's."""
    brokers = {
        name: entry.secid
        for name, entries in list(kb.names.items())
        if name.endswith("证券") and len(name) >= 4
        for entry in entries
        if entry.how == HOW_NAME
        and entry.market_rank == MARKET_A
        and entry.valid_to is None
        and entry.secid in kb.listed
    }
    for name, secid in brokers.items():
        stem = name.removesuffix("证券")
        if stem in _EVERYDAY_STEMS:
            continue
        for desk in _BROKER_DESKS:
            if stem + desk not in kb.names:
                kb.add_name(stem + desk, NameEntry(secid, HOW_ALIAS))


def _fingerprint(directory: Path) -> str:
    """Changes whenever a source table does (path, size, modification time) or the code that builds
    the knowledge base or defines its classes does (this module, :mod:`tagging.linking.knowledge`)."""
    modules = (Path(__file__), Path(knowledge.__file__))
    parts = [str(directory.resolve()), *(str(module.stat().st_mtime_ns) for module in modules)]
    for name in SOURCE_FILES:
        try:
            stat = (directory / name).stat()
        except OSError:
            parts.append(f"{name}:missing")  # the build reports it with its path
            continue
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


@configured()
def load_knowledge_base() -> KnowledgeBase:
    """The knowledge base from ``configs/``, loaded once per process. The validated build is kept
    in the state directory and reused while no source table changes (a build reads ~25,000 rows;
    reading the kept one takes a fraction of that)."""
    directory = config_dir()
    cache = state_dir() / "cache" / f"knowledge-{_fingerprint(directory)}.pickle"
    try:
        with cache.open("rb") as handle:
            kept = pickle.load(handle)
        if isinstance(kept, KnowledgeBase):
            return kept
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass  # none kept yet, or unreadable: build it
    kb = build_knowledge_base(directory)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for old in cache.parent.glob("knowledge-*.pickle"):
            old.unlink(missing_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(kb, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, cache)
    except OSError:
        pass  # a read-only state directory: build each time
    return kb
