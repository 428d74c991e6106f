"""Cleaning and tagging accuracy on real Eastmoney articles (the replica's corpus, or any folder of
Jekyll posts / saved pages given as arguments).

For each article it checks, against references computed independently of finnews' walk:
  * markup boards and stocks: finnews' markup tags vs every ``data-code`` / quote id in the HTML
    (K-line chart blocks excepted, which name no mention);
  * clean text: finnews' text vs the visible text of the body paragraphs (lxml ``text_content``),
    white space aside;
  * plain-text tagging: ``--plain`` boards vs the markup boards (recall, precision), listing every
    extra tag with its context so each can be judged (the markup misses true mentions).

And, on the hand-labelled development set of texts without markup (``bench/devset/plain.yaml``,
labelling rules at its top), the plain-text entity linker: precision and recall for stocks and for
boards over (text, secid) pairs, every miss and every extra listed with its context.

Run: ``.venv/bin/python bench/accuracy.py [PATH ...]`` (markup corpus),
``.venv/bin/python bench/accuracy.py --devset [bench/devset/plain.yaml]`` (plain-text linking) and
``.venv/bin/python bench/accuracy.py --readings SET.yaml ...`` (the three readings of marked pages)
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import lxml.html
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.article import RawArticle  # noqa: E402
from core.dates import SHANGHAI  # noqa: E402
from core.securities import from_data_code, from_element_id  # noqa: E402
from tagging.extract import clean_raw, extract_article, parse_document  # noqa: E402
from tagging.linking.lexicon import load_lexicon  # noqa: E402
from tagging.markup.lines import BOILERPLATE_LINE_PATTERNS  # noqa: E402

CHART_RE = re.compile(r"<!--\s*EM_StockImg_Start\s*-->.*?<!--\s*EM_StockImg_End\s*-->", re.DOTALL)
DATA_CODE_RE = re.compile(r'data-code\s*=\s*"([^"]+)"')
ID_RE = re.compile(r'id\s*=\s*"((?:bk_|stock_|Info\.)[^"]+)"')
WS_RE = re.compile(r"\s+")


def reference_securities(html: str) -> set[str]:
    """Every secid named in the markup, read with plain regular expressions."""
    html = CHART_RE.sub("", html)
    found = set()
    for value in DATA_CODE_RE.findall(html):
        security = from_data_code(value)
        if security and security.kind in ("board", "stock"):
            found.add(security.secid)
    for value in ID_RE.findall(html):
        security = from_element_id(value)
        if security and security.kind in ("board", "stock"):
            found.add(security.secid)
    return found


def reference_text(html: str) -> str:
    """The visible text of the body's paragraphs, boilerplate lines and the source line excepted."""
    tree = lxml.html.fragment_fromstring(CHART_RE.sub("", html), create_parent="div")
    for node in tree.xpath(
        './/script | .//style | .//*[contains(@class, "em_media")] | .//*[contains(@style, "display:none")]'
        ' | .//a[contains(@class, "toplink")]'
    ):
        node.drop_tree()
    lines = []
    for block in tree.xpath(".//p | .//center | .//tr") or [tree]:
        text = WS_RE.sub("", block.text_content())
        if text and not any(p.search(text) for p in BOILERPLATE_LINE_PATTERNS):
            lines.append(text)
    return "".join(lines)


def context(text: str, start: int, end: int, width: int = 12) -> str:
    return f"…{text[max(0, start - width) : start]}[{text[start:end]}]{text[end : end + width]}…"


def load_judgments() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    data = yaml.safe_load((Path(__file__).parent / "judgments.yaml").read_text(encoding="utf-8")) or {}

    def pairs(key: str) -> set[tuple[str, str]]:
        return {(str(j["article"]), str(j["secid"])) for j in data.get(key) or []}

    return pairs("markup_errors"), pairs("true_extras")


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted((ROOT / "replica" / "data" / "eastmoney").glob("*.md"))
    files = [f for p in files for f in (sorted(p.glob("*")) if p.is_dir() else [p]) if f.suffix in (".md", ".html")]
    if not files:
        print("no posts (.md) or saved pages (.html) found in: " + " ".join(paths), file=sys.stderr)
        return 2
    exact = text_ok = dropped_markup = 0
    true_positive = false_positive = false_negative = 0
    extras: list[str] = []
    misses: list[str] = []
    markup_errors, true_extras = load_judgments()
    judged_tp = judged_fn = judged_correct = plain_total = 0
    for path in files:
        raw = parse_document(path.read_text(encoding="utf-8", errors="replace"), None)
        html = raw.body_html or ""
        marked = extract_article(raw, markup_only=True)
        plain = extract_article(raw, plain=True)
        ours = {b["secid"] for b in marked.boards} | {s["secid"] for s in marked.stocks}
        # The markup minus the stocks its sentence does not name (tagging/tagger.py judged_markup):
        # those are listed, with their sentence, for a reader to check.
        dropped = {r["secid"] for r in marked.rejected_markup} - ours
        reference = reference_securities(html) - dropped
        for rejected in marked.rejected_markup:
            print(f"  MARKUP JUDGED WRONG {path.name} {rejected['secid']} {rejected['text']}: {rejected['reason']}")
            dropped_markup += 1
        if ours == reference:
            exact += 1
        else:
            print(f"  MARKUP MISMATCH {path.name}: missing {reference - ours}, extra {ours - reference}")
        cleaned = clean_raw(raw)
        if WS_RE.sub("", cleaned.text) == reference_text(html):
            text_ok += 1
        else:
            print(f"  TEXT MISMATCH {path.name}")
        # Boards only: the body's markup boards (the source line is not text the plain tagger reads).
        body_boards = {m["secid"] for m in marked.mentions if m["kind"] == "board" and m["where"] == "body"}
        plain_boards = {b["secid"] for b in plain.boards}
        true_positive += len(body_boards & plain_boards)
        false_negative += len(body_boards - plain_boards)
        false_positive += len(plain_boards - body_boards)
        article_key = path.stem
        judged_marked = {s for s in body_boards if (article_key, s) not in markup_errors}
        judged_true = judged_marked | {s for s in plain_boards if (article_key, s) in true_extras}
        judged_tp += len(judged_marked & plain_boards)
        judged_fn += len(judged_marked - plain_boards)
        judged_correct += len(plain_boards & judged_true)
        plain_total += len(plain_boards)
        for mention in plain.mentions:
            if mention["kind"] == "board" and mention["secid"] not in body_boards and mention["start"] is not None:
                source = plain.title if mention["where"] == "title" else plain.text
                extras.append(f"{path.name} {mention['secid']} {context(source, mention['start'], mention['end'])}")
        for secid in sorted(body_boards - plain_boards):
            first = next(m for m in marked.mentions if m["secid"] == secid and m["where"] == "body")
            misses.append(f"{path.name} {secid} {context(marked.text, first['start'], first['end'])}")
    total = len(files)
    recall = true_positive / (true_positive + false_negative) if true_positive + false_negative else 1.0
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else 1.0
    print(f"articles: {total}")
    print(f"markup boards+stocks exact (less the markup judged wrong): {exact}/{total} ({exact / total:.1%})")
    print(f"markup stocks judged wrong by the context rules: {dropped_markup}")
    print(f"clean text = visible body text: {text_ok}/{total} ({text_ok / total:.1%})")
    print(f"--plain boards vs markup: recall {recall:.3f}, precision {precision:.3f} "
          f"(tp {true_positive}, fn {false_negative}, fp {false_positive})")  # fmt: skip
    judged_recall = judged_tp / (judged_tp + judged_fn) if judged_tp + judged_fn else 1.0
    judged_precision = judged_correct / plain_total if plain_total else 1.0
    print(
        f"--plain boards, judged (bench/judgments.yaml): recall {judged_recall:.3f}, precision {judged_precision:.3f}"
    )
    print("plain misses (marked, not found in text):")
    for line in misses:
        print(f"  {line}")
    print("plain extras (found in text, not marked) — judge each:")
    for line in extras:
        print(f"  {line}")
    return 0


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


# Issue 22's classes of labels, for recall per class: how a reader's mention was written.
US_MARKETS = ("105", "106", "107")


def label_class(kind: str, label: dict, board_types: dict[str, str]) -> str:
    """The class of a label: boards as industries or as concepts (products, sub-concepts, themes);
    stocks as A-shares, Hong Kong or US listings, or history (a name of the date: a former or delisted
    company's)."""
    secid = str(label["secid"])
    if kind == "board":
        return "board: industry" if board_types.get(secid.split(".")[-1]) == "industry" else "board: concept"
    if label.get("how") == "former_name":
        return "stock: history"
    market = secid.split(".")[0]
    return "stock: US" if market in US_MARKETS else "stock: Hong Kong" if market == "116" else "stock: A-share"


def with_second_readers(entries: list[dict], second_paths: list[Path]) -> list[dict]:
    """The entries a second reader labelled too (blind, the agreement files), each with every secid the second
    reader labelled or called optional added to its optional readings: an extra counts only when neither reader
    took it, a miss only when the first reader labelled it. Entries without a second reading are left out."""
    second: dict[str, dict] = {}
    for path in second_paths:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            second[entry["id"]] = entry
    merged = []
    for entry in entries:
        other = second.get(entry["id"])
        if other is None:
            continue
        taken = [
            {"secid": str(label["secid"])}
            for field in ("stocks", "boards", "optional")
            for label in other.get(field) or []
        ]
        merged.append({**entry, "optional": list(entry.get("optional") or []) + taken})
    return merged


def devset(paths: list[Path], second_readers: list[Path] | None = None, summary: bool = False) -> int:
    """Precision and recall of plain-text stocks and boards on labelled sets of texts (the development
    set, or several files measured as one: the fresh validation set is three). ``second_readers``: score only
    the texts a second reader labelled, an extra only when neither reader took it (:func:`with_second_readers`).
    ``summary``: print the totals only, no text, word or label (how the validation set is read)."""
    entries = [
        {**entry, "_base": path.parent}
        for path in paths
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []
    ]
    if second_readers:
        labelled_once = len(entries)
        entries = with_second_readers(entries, second_readers)
        print(f"two readers: {len(entries)} of {labelled_once} texts have a second reading")
    counts = {kind: [0, 0, 0] for kind in ("stock", "board")}  # true positives, extras, misses
    lenient = [0, 0, 0]  # stocks, another listing of a labelled company accepted as that company
    lines: list[str] = []
    board_types = {code: board.type for code, board in load_lexicon().boards.items()}
    by_class: dict[str, list[int]] = {}  # class -> [found, labelled]
    for entry in entries:
        source = (entry["_base"] / entry["file"]).read_text(encoding="utf-8", errors="replace")
        raw = parse_document(source, None)
        if entry.get("date") and raw.published_at is None:
            raw.published_at = datetime.fromisoformat(str(entry["date"])).replace(tzinfo=SHANGHAI)
        article = extract_article(raw, plain=True)
        found = {"stock": {s["secid"] for s in article.stocks}, "board": {b["secid"] for b in article.boards}}
        expected = {
            "stock": {str(s["secid"]) for s in entry.get("stocks") or []},
            "board": {str(b["secid"]) for b in entry.get("boards") or []},
        }
        # Optional readings (either way is right) count neither as a miss nor as an extra.
        optional = {str(o["secid"]) for o in entry.get("optional") or []}
        alternatives = {str(a): str(s["secid"]) for s in entry.get("stocks") or [] for a in s.get("alt") or []}
        found_lenient = {alternatives.get(secid, secid) for secid in found["stock"]}
        lenient[0] += len(found_lenient & expected["stock"])
        lenient[1] += len(found_lenient - expected["stock"] - optional)
        lenient[2] += len(expected["stock"] - found_lenient)
        for kind in ("stock", "board"):
            for label in entry.get(f"{kind}s") or []:
                tally = by_class.setdefault(label_class(kind, label, board_types), [0, 0])
                tally[0] += str(label["secid"]) in found[kind]
                tally[1] += 1
            counts[kind][0] += len(found[kind] & expected[kind])
            counts[kind][1] += len(found[kind] - expected[kind] - optional)
            counts[kind][2] += len(expected[kind] - found[kind])
            for secid in sorted(found[kind] - expected[kind] - optional):
                mention = next(m for m in article.mentions if m["secid"] == secid)
                text = article.title if mention["where"] == "title" else article.text
                where = context(text, mention["start"], mention["end"]) if mention["start"] is not None else ""
                lines.append(f"  EXTRA {entry['id']} {kind} {secid} {mention['how']} {where}")
            for secid in sorted(expected[kind] - found[kind]):
                label = next(x for x in entry.get(f"{kind}s") or [] if str(x["secid"]) == secid)
                lines.append(f"  MISS  {entry['id']} {kind} {secid} {label.get('name', '')} as {label.get('as', '')}")
    print(f"plain-text labelled set: {len(entries)} texts ({', '.join(str(p) for p in paths)})")
    for kind, (tp, fp, fn) in counts.items():
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        print(f"{kind}s: precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    if summary:
        return 0
    tp, fp, fn = lenient
    print(
        f"stocks, another listing of a labelled company accepted: precision {_ratio(tp, tp + fp):.3f}, "
        f"recall {_ratio(tp, tp + fn):.3f}"
    )
    print("recall by class (issue 22: industry words, concepts and products, listings, history):")
    for name, (hit, labelled) in sorted(by_class.items()):
        print(f"  {name:<18} {_ratio(hit, labelled):.3f}  ({hit} of {labelled}; {labelled - hit} missed)")
    print("\n".join(lines))
    return 0


# Markup of any form in a source: its posts and pages are scored as they are; the others get markup made up.
_MARKED_RE = re.compile(r'keytip|em_stock_key_common|data-code=|id="(?:stock|bk)_')
READINGS = {"markup alone": {"markup_only": True}, "markup and text": {}, "text alone": {"plain": True}}


def made_up_marker() -> Callable[[str], str]:
    """Eastmoney-style markup for a text: every industry and concept board's name and every listed company's
    short name of the tables in configs/ (A shares, Hong Kong, US Chinese names) marked wherever it stands,
    leftmost-longest, as Eastmoney's linking marks names. Cruder than Eastmoney's: it marks by today's tables
    (a company listed after the article too) and one listing per name."""
    import csv
    import html as html_module

    import ahocorasick_rs

    from core.config import config_dir

    codes: dict[str, str] = {}

    def rows(name: str) -> list[dict[str, str]]:
        with (config_dir() / name).open(encoding="utf-8") as file:
            return list(csv.DictReader(file))

    for row in rows("boards.csv"):
        if row["type"] in ("industry", "concept"):
            codes.setdefault(row["name"], f"90,{row['code']}")
    for row in rows("stocks.csv"):
        codes.setdefault(row["name"].replace(" ", "").replace("Ａ", "A"), f"{row['em_market']},{row['code']}")
    for row in rows("securities/hk_stocks.csv"):
        codes.setdefault(row["name"], f"116,{row['code']}")
    for row in rows("securities/us_cn_stocks.csv"):
        if not row["name"].isascii():
            codes.setdefault(row["name"], f"{row['em_market']},{row['ticker']}")
    names = [name for name in codes if len(name) >= 2]
    automaton = ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def mark(text: str) -> str:
        out, at = [], 0
        for index, start, end in automaton.find_matches_as_indexes(text):
            market, code = codes[names[index]].split(",")
            kind = "bk" if market == "90" else "stock"
            out += [
                html_module.escape(text[at:start]),
                f'<span id="{kind}_{market}.{code}"><a href="http://quote.eastmoney.com/unify/r/{market}.{code}" '
                f'class="keytip" data-code="{market},{code}">{html_module.escape(names[index])}</a></span>',
            ]
            at = end
        return "".join([*out, html_module.escape(text[at:])])

    return mark


def readings(paths: list[Path]) -> int:
    """The three readings of marked pages (markup alone, markup and text: the default, text alone) on labelled
    sets: texts whose source carries Eastmoney's markup as they are, the others with markup made up for them
    (:func:`made_up_marker`). Stocks strictly, and with another listing of a labelled company accepted."""
    mark = made_up_marker()
    tallies: dict[tuple[str, str, str], list[int]] = {}  # (real or made-up, reading, kind) -> tp, fp, fn
    for path in paths:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            source = (path.parent / entry["file"]).read_text(encoding="utf-8", errors="replace")
            raw = parse_document(source, None)
            if entry.get("date") and raw.published_at is None:
                raw.published_at = datetime.fromisoformat(str(entry["date"])).replace(tzinfo=SHANGHAI)
            markup = "real markup" if _MARKED_RE.search(source) else "made-up markup"
            if markup == "made-up markup":
                text = extract_article(raw, plain=True).text
                body = "".join(f"<p>{mark(line)}</p>" for line in text.split("\n") if line.strip())
                raw = RawArticle(
                    source="text", url=None, title=raw.title, body_html=body, published_at=raw.published_at
                )
            optional = {str(o["secid"]) for o in entry.get("optional") or []}
            alternatives = {str(a): str(s["secid"]) for s in entry.get("stocks") or [] for a in s.get("alt") or []}
            for name, options in READINGS.items():
                article = extract_article(copy.deepcopy(raw), **options)
                for kind, lenient in (("boards", False), ("stocks", False), ("stocks", True)):
                    found = {t["secid"] for t in getattr(article, kind)}
                    found = {alternatives.get(s, s) for s in found} if lenient else found
                    expected = {str(label["secid"]) for label in entry.get(kind) or []}
                    key = (markup, name, kind + (", another listing accepted" if lenient else ""))
                    tally = tallies.setdefault(key, [0, 0, 0])
                    tally[0] += len(found & expected)
                    tally[1] += len(found - expected - optional)
                    tally[2] += len(expected - found)
    for (markup, name, kind), (tp, fp, fn) in sorted(tallies.items()):
        print(f"{markup:<15} {name:<16} {kind:<34} P {_ratio(tp, tp + fp):.3f}  R {_ratio(tp, tp + fn):.3f}  "
              f"(tp {tp}, fp {fp}, fn {fn})")  # fmt: skip
    return 0


def _labelled(entry: dict, kind: str, field: str) -> set[str]:
    """The secids of one kind (stock or board) in an entry's ``field`` (stocks, boards or optional)."""
    secids = {str(label["secid"]) for label in entry.get(field) or []}
    return {secid for secid in secids if secid.startswith("90.") == (kind == "board")}


def agreement(reference_path: Path, second_path: Path) -> int:
    """How far a second labeller's blind labels of the same texts agree with the reference labels, scored
    as the tagger is scored (the reference's optional readings count neither way): the ceiling a perfect
    reader of the labelling rules would reach. Printed twice: the second labeller's labels only (strict),
    and with its optional readings taken as labels where the reference labelled them (lenient)."""
    reference = {entry["id"]: entry for entry in yaml.safe_load(reference_path.read_text(encoding="utf-8")) or []}
    second_entries = yaml.safe_load(second_path.read_text(encoding="utf-8")) or []
    second = [entry for entry in second_entries if entry["id"] in reference]
    print(f"agreement: {len(second)} texts labelled twice ({second_path} against {reference_path})")
    for kind in ("stock", "board"):
        for reading in ("strict", "lenient"):
            tp = fp = fn = 0
            for entry in second:
                first = reference[entry["id"]]
                labels = _labelled(first, kind, f"{kind}s")
                first_optional = _labelled(first, kind, "optional")
                found = _labelled(entry, kind, f"{kind}s")
                if reading == "lenient":
                    found |= _labelled(entry, kind, "optional") & labels
                tp += len(found & labels)
                fp += len(found - labels - first_optional)
                fn += len(labels - found)
            precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
            print(f"{kind}s ({reading}): precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    return 0


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", action="store_true", help="score the plain-text linker on labelled sets")
    parser.add_argument(
        "--readings",
        action="store_true",
        help="score the three readings of marked pages on labelled sets (texts without markup get it made up)",
    )
    parser.add_argument(
        "--agreement",
        nargs=2,
        metavar=("REFERENCE", "SECOND"),
        help="score a second labeller's blind labels (SECOND.yaml) against the reference labels of the same texts",
    )
    parser.add_argument(
        "--second-readers",
        nargs="+",
        metavar="AGREEMENT",
        type=Path,
        help="with --devset: score only the texts these blind second labellings cover, an extra only when neither "
        "reader took it",
    )
    parser.add_argument(
        "--summary", action="store_true", help="with --devset: totals only (no text, word or label is printed)"
    )
    parser.add_argument("paths", nargs="*", help="posts or folders (markup corpus) or devset YAML files")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_arguments(sys.argv[1:])
    if arguments.agreement:
        sys.exit(agreement(*(Path(arg) for arg in arguments.agreement)))
    if arguments.readings:
        sys.exit(readings([Path(arg) for arg in arguments.paths]))
    if arguments.devset:
        given = [Path(arg) for arg in arguments.paths] or [Path(__file__).parent / "devset" / "plain.yaml"]
        sys.exit(devset(given, arguments.second_readers, arguments.summary))
    sys.exit(main(arguments.paths))
