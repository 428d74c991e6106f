"""The names finnews recognises: Eastmoney boards and A-share stocks from ``configs/``, with the
text-tagging rules of ``configs/text_tagging.yaml``. Loaded once, validated on load."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from finnews.config import ConfigError, config_dir, load_csv, load_yaml
from tagging.securities import BOARD_MARKET, Security, infer_a_share_market, make_security

_ROMAN_SUFFIX_RE = re.compile(r"[ⅠⅡⅢⅣ]+$")


def normalise_name(name: str) -> str:
    """Full-width letters to half-width, spaces removed: ``万 科Ａ`` → ``万科A``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


@dataclass(frozen=True)
class Board:
    code: str
    name: str
    type: str
    alt_names: tuple[str, ...]

    @property
    def secid(self) -> str:
        return f"{BOARD_MARKET}.{self.code}"


@dataclass
class Lexicon:
    boards: dict[str, Board]  # by code
    stocks: dict[str, tuple[Security, str]]  # by secid: (security, short name)
    board_by_name: dict[str, str] = field(default_factory=dict)  # text name → code
    stock_by_name: dict[str, str] = field(default_factory=dict)  # text name → secid
    pseudo_boards: set[str] = field(default_factory=set)  # codes never tagged from text
    ambiguous_names: set[str] = field(default_factory=set)

    def board_name(self, code: str) -> str | None:
        board = self.boards.get(code)
        return board.name if board else None

    def text_names(self) -> set[str]:
        """Every name the text tagger looks for (ambiguous ones excluded)."""
        return (set(self.board_by_name) | set(self.stock_by_name)) - self.ambiguous_names


def _load_rules() -> dict:
    path = config_dir() / "text_tagging.yaml"
    rules = load_yaml("text_tagging.yaml") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    for key in ("pseudo_board_patterns", "ambiguous_board_names", "ambiguous_stock_names"):
        value = rules.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {key}: expected a list of strings")
    aliases = rules.get("board_aliases", {}) or {}
    if not isinstance(aliases, dict):
        raise ConfigError(f"{path}: board_aliases: expected a mapping of BK code to names")
    for code, names in aliases.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{path}: board_aliases.{code}: expected a list of names")
    return rules


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Boards from ``configs/boards.csv``, stocks from ``configs/stocks.csv``, rules from YAML."""
    rules = _load_rules()
    rules_path = config_dir() / "text_tagging.yaml"
    try:
        patterns = [re.compile(p) for p in rules.get("pseudo_board_patterns", [])]
    except re.error as error:
        raise ConfigError(f"{rules_path}: pseudo_board_patterns: bad pattern: {error}") from error

    boards: dict[str, Board] = {}
    for number, row in enumerate(load_csv("boards.csv", ("code", "name", "type")), start=2):
        code = row["code"].upper()
        if not re.fullmatch(r"BK\d{4}", code) or not row["name"]:
            raise ConfigError(f"{config_dir() / 'boards.csv'}: line {number}: bad code or empty name: {row}")
        alts = tuple(a.strip() for a in row.get("alt_names", "").split(";") if a.strip())
        boards[code] = Board(code, row["name"], row["type"], alts)

    lexicon = Lexicon(boards=boards, stocks={})
    lexicon.ambiguous_names = {normalise_name(n) for n in rules.get("ambiguous_board_names", [])}
    lexicon.ambiguous_names |= {normalise_name(n) for n in rules.get("ambiguous_stock_names", [])}
    for board in boards.values():
        if board.type == "region" or any(p.search(board.name) for p in patterns):
            lexicon.pseudo_boards.add(board.code)
            continue
        names = {board.name, _ROMAN_SUFFIX_RE.sub("", board.name), *board.alt_names}
        for name in names:
            name = normalise_name(name)
            if len(name) >= 2:
                # The newest board of a name wins when renamed codes share one (boards.csv order).
                lexicon.board_by_name.setdefault(name, board.code)
    for code, names in (rules.get("board_aliases") or {}).items():
        if str(code).upper() not in boards:
            raise ConfigError(f"{rules_path}: board_aliases.{code}: unknown board code")
        for name in names:
            lexicon.board_by_name[normalise_name(name)] = str(code).upper()

    for number, row in enumerate(load_csv("stocks.csv", ("code", "name")), start=2):
        code = row["code"]
        if not re.fullmatch(r"\d{6}", code):
            raise ConfigError(f"{config_dir() / 'stocks.csv'}: line {number}: bad code {code!r}")
        market = row.get("em_market") or infer_a_share_market(code)
        security = make_security(market, code)
        if security is None:
            raise ConfigError(f"{config_dir() / 'stocks.csv'}: line {number}: bad market {market!r}")
        name = normalise_name(row["name"])
        lexicon.stocks[security.secid] = (security, name)
        # Names stay as listed: stripping ST/*ST would turn *ST发展 into the everyday word 发展.
        if len(name) >= 2 and name not in lexicon.board_by_name:
            lexicon.stock_by_name.setdefault(name, security.secid)
    return lexicon
