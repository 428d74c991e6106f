"""Label splits of the development set: words (a label's ``as`` or ``also``) that the blind labellers linked to
different boards in different texts (旅游 -> 旅游酒店 in some texts, 旅游及景区 in others), with how many texts gave
each board, how many gave it only as ``optional``, and how many hold the word with no board label on it at all.
The board most texts chose is the recorded convention (bench/devset/README.md, "Label splits"); a tagger
aligned to it gains more labels than a tagger that follows the minority.

Reads the development sets only (bench/devset/dev*.yaml and plain.yaml), never the validation or agreement sets.

Run: ``.venv/bin/python bench/label_splits.py [--min N] [--tagger] [--containing] [WORD ...]`` (only those words
when given; ``--containing``: each WORD stands for every written form holding it, a text counted once);
``--tagger`` also tags each text where a split word is labelled and counts which of the word's boards it outputs.
Made in session 24.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "bench" / "devset"
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass
class Split:
    """What the development set says about one written word."""

    word: str
    boards: Counter[str] = field(default_factory=Counter)  # board -> texts labelling it (required) for the word
    optional: Counter[str] = field(default_factory=Counter)  # board -> texts giving it only as optional
    names: dict[str, str] = field(default_factory=dict)  # board secid -> board name
    texts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # board -> entry ids
    together: int = 0  # texts labelling two or more of the boards for the word
    unlabelled: int = 0  # texts holding the word where no label or optional reading uses it

    @property
    def total(self) -> int:
        return sum(self.boards.values())

    def convention(self) -> str:
        """The board most texts chose (ties: the lower secid, so that the table is stable)."""
        return min(self.boards, key=lambda secid: (-self.boards[secid], secid))


def development_sets() -> list[Path]:
    """The development sets: dev*.yaml and plain.yaml (the fresh and agreement sets are validation, untouched)."""
    return [*sorted(DEVSET.glob("dev*.yaml")), DEVSET / "plain.yaml"]


def label_words(label: dict[str, Any]) -> set[str]:
    """The written forms of one label: its ``as`` and its ``also``."""
    return {str(w) for w in [label.get("as"), *(label.get("also") or [])] if w}


def entries_of(paths: list[Path]) -> list[dict[str, Any]]:
    return [
        {**entry, "_base": path.parent}
        for path in paths
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []
    ]


def entry_text(entry: dict[str, Any]) -> str:
    """The text of an entry, its markup dropped (cheap: a presence check, not what the tagger reads)."""
    path = entry["_base"] / entry["file"]
    return _TAG_RE.sub("", path.read_text(encoding="utf-8", errors="replace")) if path.exists() else ""


def collect(entries: list[dict[str, Any]], fragments: list[str] | None = None) -> dict[str, Split]:
    """Per word, the boards the texts labelled with it, required and optional. With ``fragments``, a word is every
    written form containing the fragment (旅游 stands for 旅游业, 国内旅游, 文旅… too)."""

    def keys(word: str) -> list[str]:
        return [f for f in fragments if f in word] if fragments else [word]

    splits: dict[str, Split] = {}
    for entry in entries:
        required: dict[str, set[str]] = defaultdict(set)  # word -> boards, this text
        for label in entry.get("boards") or []:
            for key in {k for word in label_words(label) for k in keys(word)}:
                required[key].add(str(label["secid"]))
                splits.setdefault(key, Split(key)).names[str(label["secid"])] = str(label.get("name", ""))
        for key, boards in required.items():
            splits[key].together += len(boards) > 1
            for secid in boards:
                splits[key].boards[secid] += 1
                splits[key].texts[secid].add(str(entry["id"]))
        for label in entry.get("optional") or []:
            secid = str(label["secid"])
            for key in {k for word in label_words(label) for k in keys(word)}:
                if secid not in required.get(key, set()):
                    splits.setdefault(key, Split(key)).optional[secid] += 1
                    splits[key].names.setdefault(secid, str(label.get("name", "")))
    return splits


def count_unlabelled(splits: dict[str, Split], entries: list[dict[str, Any]]) -> None:
    """Texts that hold the word (not only inside a longer labelled, optional or trap form) with no label using it."""
    for entry in entries:
        used = {w for key in ("boards", "optional") for label in entry.get(key) or [] for w in label_words(label)}
        longer = used | {str(t.get("text", "")) for t in entry.get("traps") or [] if isinstance(t, dict)}
        text = entry_text(entry)
        for word, split in splits.items():
            if word in used or word not in text:
                continue
            # the word counts as present when it stands outside every longer form the labeller wrote down
            if text.count(word) > sum(text.count(form) * form.count(word) for form in longer if word in form):
                split.unlabelled += 1


def tagger_boards(entries: list[dict[str, Any]], wanted: set[str]) -> dict[str, set[str]]:
    """The boards the plain-text tagger outputs for the entries whose id is wanted (bench/accuracy.py's path)."""
    sys.path.insert(0, str(ROOT))
    from core.dates import SHANGHAI
    from tagging.extract import extract_article, parse_document

    found: dict[str, set[str]] = {}
    for entry in entries:
        if str(entry["id"]) not in wanted:
            continue
        raw = parse_document((entry["_base"] / entry["file"]).read_text(encoding="utf-8", errors="replace"), None)
        if entry.get("date") and raw.published_at is None:
            raw.published_at = datetime.fromisoformat(str(entry["date"])).replace(tzinfo=SHANGHAI)
        found[str(entry["id"])] = {b["secid"] for b in extract_article(raw, plain=True).boards}
    return found


def describe(split: Split, tagged: dict[str, set[str]] | None) -> str:
    """One table row: the word, the convention and every board with its counts (and the tagger's, if run)."""
    cells = []
    for secid in sorted({*split.boards, *split.optional}, key=lambda s: (-split.boards[s], -split.optional[s], s)):
        cell = f"{split.names.get(secid, '')} {secid.split('.')[-1]} {split.boards[secid]}"
        if split.optional[secid]:
            cell += f" (+{split.optional[secid]} opt)"
        if tagged is not None:
            ids = {i for texts in split.texts.values() for i in texts}
            cell += f" [tagger {sum(secid in tagged.get(i, set()) for i in ids)}/{len(ids)}]"
        cells.append(cell)
    row = f"{split.word:<12} {split.total:>3} {split.together:>3} {split.unlabelled:>3}  "
    return row + "; ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="only these words")
    parser.add_argument("--min", type=int, default=5, help="least board labels in total for a word (default 5)")
    parser.add_argument("--containing", action="store_true", help="a word given stands for every form holding it")
    parser.add_argument("--tagger", action="store_true", help="count the tagger's boards in the labelled texts")
    arguments = parser.parse_args(argv)
    entries = entries_of(development_sets())
    splits = collect(entries, arguments.words if arguments.containing else None)
    chosen = [
        s
        for s in splits.values()
        if len(s.boards) > 1 and s.total >= arguments.min and (not arguments.words or s.word in arguments.words)
    ]
    chosen.sort(key=lambda s: (-s.total, s.word))
    count_unlabelled({s.word: s for s in chosen}, entries)
    tagged = None
    if arguments.tagger:
        tagged = tagger_boards(entries, {i for s in chosen for texts in s.texts.values() for i in texts})
    print(f"{len(entries)} texts; words labelled with more than one board in {arguments.min}+ labels: {len(chosen)}")
    print("word  labels  both  none  board code texts (+texts where only optional)", end="")
    print(" [tagger: texts whose output holds it / texts labelling the word]" if tagged is not None else "")
    for split in chosen:
        print(describe(split, tagged))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
