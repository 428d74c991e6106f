"""The names finnews recognises: Eastmoney boards and A-share stocks from ``configs/``, with the
text-tagging rules of ``configs/text_tagging.yaml`` and the board vocabulary of
``configs/board_vocabulary.yaml`` (each word with where it came from). Loaded once, validated on load."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from core.config import ConfigError, check_keys, config_dir, load_csv, load_yaml, read_yaml
from core.securities import BOARD_MARKET, Security, infer_a_share_market, make_security
from core.settings import configured

_ROMAN_SUFFIX_RE = re.compile(r"[ⅠⅡⅢⅣ]+$")


_SPACES_RE = re.compile(r"\s+")


_BRACKETED_RE = re.compile(r"([^()]{2,})\(([^()]{2,})\)")


def normalise_name(name: str) -> str:
    """Full-width letters to half-width, spaces removed: ``万 科Ａ`` → ``万科A``."""
    name = unicodedata.normalize("NFKC", name)
    return _SPACES_RE.sub("", name) if " " in name or not name.isprintable() else name


def _written_forms(word: str) -> set[str]:
    """The forms a vocabulary word is matched in: normalised (``AI 芯片`` → ``AI芯片``) and, for a word
    written with a space between a Latin part and the rest, also with that space (``Mini LED``,
    ``AI 芯片``: news writes both, and the text is not normalised before the scan)."""
    forms = {normalise_name(word)}
    spaced = unicodedata.normalize("NFKC", word).strip()
    if " " in spaced:
        forms.add(_SPACES_RE.sub(" ", spaced))
    return forms


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
    # Generic words (银行, 汽车) that name a board only with a sector cue: text word → code.
    sector_words: dict[str, str] = field(default_factory=dict)
    # Words that contain a name but name something else (东湖高新区, 中国证券报): never mentions.
    not_mentions: set[str] = field(default_factory=set)
    # Fund-management firms (国投瑞银, 汇丰晋信): never mentions, and the words after one name its fund.
    fund_managers: set[str] = field(default_factory=set)
    pseudo_boards: set[str] = field(default_factory=set)  # codes never tagged from text
    # Where each word of configs/board_vocabulary.yaml came from: text word → source.
    word_sources: dict[str, str] = field(default_factory=dict)
    ambiguous_names: set[str] = field(default_factory=set)
    # Sector words that name their board only with a cue after them, never by standing in a list: a part or a
    # technology listed with others (电池、电机、电控) is a product, not the trade (电机企业 is).
    cue_only_words: set[str] = field(default_factory=set)
    # Concept boards named after a company (特斯拉, 华为概念): its name names them only with a board cue.
    company_boards: set[str] = field(default_factory=set)
    # A category name made of several industries (化学原料和化学制品制造业, 养老托育): text word → every board
    # it names, the first also in board_by_name.
    compound_boards: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def board_name(self, code: str) -> str | None:
        board = self.boards.get(code)
        return board.name if board else None

    def text_board_words(self) -> dict[str, tuple[str, bool]]:
        """Every word that may name a board in text → (code, needs a sector cue)."""
        words = {word: (code, False) for word, code in self.board_by_name.items()}
        # A generic word needs its cue even when it is also a board's own name (银行, 证券, 新能源).
        words.update((word, (code, True)) for word, code in self.sector_words.items())
        for word in self.ambiguous_names:
            if word in self.cue_only_words and word in self.sector_words:
                continue  # too vague as a bare name, named with its cue (电机企业): a cue-only sector word
            code = words.pop(word, (None, False))[0]
            if code is not None:
                # Too vague alone, but named as a board it is one: 独角兽概念, 中字头板块, 中字头股票, also
                # in quotes (“一带一路”板块: dev27).
                for opening, closing in _NAME_QUOTES:
                    for suffix in _VAGUE_NAME_BOARD_SUFFIXES:
                        words.setdefault(f"{opening}{word}{closing}{suffix}", (code, False))
        return words


# How a vague board name is written as a board (see text_board_words): a board suffix, the name maybe quoted.
_VAGUE_NAME_BOARD_SUFFIXES = ("概念", "板块", "概念股", "股票")
_NAME_QUOTES = (("", ""), ("“", "”"), ('"', '"'), ("「", "」"))


def _load_rules() -> dict:
    path = config_dir() / "text_tagging.yaml"
    rules = load_yaml("text_tagging.yaml") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    keys = (
        "pseudo_board_patterns",
        "ambiguous_board_names",
        "cue_only_words",
        "company_boards",
        "not_mentions",
        "fund_managers",
    )
    check_keys(path, rules, keys)
    for key in keys:
        value = rules.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {key}: expected a list of strings")
    return rules


VOCABULARY_FILE = "board_vocabulary.yaml"
VOCABULARY_KINDS = ("board_aliases", "sector_words")
# A third section: a category name that names several boards at once, each part its own industry.
COMPOUND_KIND = "compound_words"
# Where a board word came from: the board's own name or alt name (configs/boards.csv), Eastmoney's
# markup (the post where a link's visible text is the word), a development-set text id, the board's
# subject (a one-line reason), or an earlier review recorded as such.
SOURCE_RE = re.compile(r"(?:board name|alt name)(?:: \S.*)?|(?:markup|devset|subject|earlier): \S.*")


def load_vocabulary(boards: dict[str, Board]) -> dict[str, dict[str, tuple[str, str]]]:
    """``configs/board_vocabulary.yaml``: for each kind (``board_aliases``: words that name a board
    wherever they stand as a word; ``sector_words``: generic words that need a sector cue or a list),
    word → (board code, source). A word given twice, to one board or two, an unknown board code or a
    word without a recognised source is a :class:`ConfigError` naming the file and the entry."""
    path = config_dir() / VOCABULARY_FILE
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    check_keys(path, data, (*VOCABULARY_KINDS, COMPOUND_KIND))
    vocabulary: dict[str, dict[str, tuple[str, str]]] = {kind: {} for kind in VOCABULARY_KINDS}
    where_is: dict[str, str] = {}  # word → kind.code where it was first given
    for kind in VOCABULARY_KINDS:
        entries = data.get(kind) or {}
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: {kind}: expected a mapping of BK code to {{word: source}}")
        for code, words in entries.items():
            place = f"{kind}.{code}"
            if str(code).upper() not in boards:
                raise ConfigError(f"{path}: {place}: unknown board code")
            if not isinstance(words, dict) or not words:
                raise ConfigError(f"{path}: {place}: expected a mapping of word to its source")
            for word, source in words.items():
                if not isinstance(word, str | int | float) or not str(word).strip():
                    raise ConfigError(f"{path}: {place}: {word!r}: expected a word")
                if not isinstance(source, str) or not SOURCE_RE.fullmatch(source.strip()):
                    raise ConfigError(
                        f"{path}: {place}.{word}: missing or unrecognised source {source!r} (write 'board name', "
                        "'alt name', 'markup: <post>', 'devset: <text id>', 'subject: <reason>' or 'earlier: <review>')"
                    )
                name = normalise_name(str(word))
                if name in where_is:
                    raise ConfigError(
                        f"{path}: {place}.{word}: the word is already given in {where_is[name]}: one word, one board"
                    )
                where_is[name] = place
                vocabulary[kind][str(word)] = (str(code).upper(), source.strip())
    return vocabulary


def load_compound_words(boards: dict[str, Board], taken: set[str]) -> dict[str, tuple[tuple[str, ...], str]]:
    """The ``compound_words`` of ``configs/board_vocabulary.yaml``: word → (its boards, source). Each entry
    is ``word: {boards: [BKxxxx, BKyyyy, …], source: …}`` with two boards or more; a word also given as an
    alias or a sector word (``taken``), an unknown code or a missing source is a :class:`ConfigError`."""
    path = config_dir() / VOCABULARY_FILE
    data = read_yaml(path) or {}
    entries = data.get(COMPOUND_KIND) or {} if isinstance(data, dict) else {}
    if not isinstance(entries, dict):
        raise ConfigError(f"{path}: {COMPOUND_KIND}: expected a mapping of word to {{boards, source}}")
    compounds: dict[str, tuple[tuple[str, ...], str]] = {}
    for word, entry in entries.items():
        place = f"{COMPOUND_KIND}.{word}"
        if not isinstance(entry, dict) or set(entry) != {"boards", "source"}:
            raise ConfigError(f"{path}: {place}: expected exactly the keys boards and source")
        codes = entry["boards"]
        if not isinstance(codes, list) or len(codes) < 2 or len(set(codes)) != len(codes):
            raise ConfigError(f"{path}: {place}: boards: expected two different board codes or more")
        unknown = [code for code in codes if str(code).upper() not in boards]
        if unknown:
            raise ConfigError(f"{path}: {place}: unknown board code(s) {', '.join(map(str, unknown))}")
        source = entry["source"]
        if not isinstance(source, str) or not SOURCE_RE.fullmatch(source.strip()):
            raise ConfigError(f"{path}: {place}: missing or unrecognised source {source!r}")
        if normalise_name(str(word)) in taken:
            raise ConfigError(f"{path}: {place}: the word is already an alias or a sector word: one entry a word")
        compounds[str(word)] = (tuple(str(code).upper() for code in codes), source.strip())
    return compounds


@configured()
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
    lexicon.cue_only_words = {normalise_name(n) for n in rules.get("cue_only_words", [])}
    # A Latin not-mention keeps its space too (Tom Ford), and is also matched in capitals (TOM FORD, as brand
    # lists write it: dev124) and as written in the file (full-width brackets: 银行（BOE）): the text is scanned
    # as written.
    lexicon.not_mentions = {
        cased
        for n in rules.get("not_mentions", [])
        for form in _written_forms(str(n)) | {str(n).strip()}
        for cased in {form, form.upper()}
    }
    lexicon.fund_managers = {str(n).strip() for n in rules.get("fund_managers", [])}
    lexicon.not_mentions |= lexicon.fund_managers
    lexicon.company_boards = {str(code).upper() for code in rules.get("company_boards", [])}
    unknown = sorted(code for code in lexicon.company_boards if code not in boards)
    if unknown:
        raise ConfigError(f"{rules_path}: company_boards: unknown board code(s) {', '.join(unknown)}")
    # Where an industry board and a concept board share a name, the industry board takes it (as
    # Eastmoney's markup does); otherwise the order of boards.csv decides.
    # A board's exact names (its name, its alt_names) before the names without a level suffix: the
    # concept 白酒 keeps 白酒 from the industry 白酒Ⅱ, which Eastmoney names with the suffix. Among exact
    # names the industry board comes first (半导体 is BK1036, not 半导体概念).
    real_boards = []
    for board in sorted(boards.values(), key=lambda b: b.type != "industry"):
        if board.type == "region" or any(p.search(board.name) for p in patterns):
            lexicon.pseudo_boards.add(board.code)
        else:
            real_boards.append(board)
    for exact in (True, False):
        for board in real_boards:
            names = {board.name, *board.alt_names} if exact else {_ROMAN_SUFFIX_RE.sub("", board.name)}
            if not exact:
                # A name with a second name in brackets is written either way: 飞行汽车(eVTOL) as
                # 飞行汽车 or eVTOL, 柔性屏(折叠屏) as 折叠屏 (not a bracketed part that is one character).
                names |= (
                    set(_BRACKETED_RE.fullmatch(normalise_name(board.name)).groups())
                    if _BRACKETED_RE.fullmatch(normalise_name(board.name))
                    else set()
                )
            for name in names:
                name = normalise_name(name)
                if len(name) >= 2:
                    # The first board of a name keeps it (boards.csv order within a type).
                    lexicon.board_by_name.setdefault(name, board.code)
    vocabulary = load_vocabulary(boards)
    for kind, target in (("board_aliases", lexicon.board_by_name), ("sector_words", lexicon.sector_words)):
        for word, (code, source) in vocabulary[kind].items():
            for form in _written_forms(word):
                target[form] = code
                lexicon.word_sources[form] = source

    taken = {normalise_name(word) for kind in VOCABULARY_KINDS for word in vocabulary[kind]}
    for word, (codes, source) in load_compound_words(boards, taken).items():
        # Statistics releases also run a category's parts together (铁路船舶航空航天和其他运输设备制造业).
        for form in _written_forms(word) | _written_forms(word.replace("、", "")):
            lexicon.board_by_name[form] = codes[0]
            lexicon.compound_boards[form] = codes
            lexicon.word_sources[form] = source

    # A concept named "X概念" is also written X in lists of boards (供销社、…等板块): X with a cue.
    for board in real_boards:
        stem = normalise_name(board.name).removesuffix("概念")
        if (
            stem != normalise_name(board.name)
            and len(stem) >= 2
            and stem not in lexicon.board_by_name
            and stem not in lexicon.sector_words
        ):
            lexicon.sector_words.setdefault(stem, board.code)
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
        if len(name) >= 2:
            lexicon.stock_by_name.setdefault(name, security.secid)
    return lexicon
