"""bench/accuracy.py --devset --second-readers: on the texts two readers labelled blind, an extra counts only when
neither reader took it; a miss is still a label of the first reader the tagger did not find."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

BANKS = "90.BK0475"  # 银行Ⅱ: the text names 银行 with a cue
STEEL = "90.BK0479"  # 钢铁行业: the text names 钢铁 with a cue
TEXT = "今日银行板块走强,钢铁板块下跌。"


def accuracy() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "accuracy.py"
    spec = importlib.util.spec_from_file_location("finnews_bench_accuracy", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("finnews_bench_accuracy", module)
    spec.loader.exec_module(module)
    return module


def _write(folder: Path, name: str, entries: list[dict]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def sets(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    # The first reader labelled only the banks in both texts; the second took steel in text a only.
    first = [
        {"id": "a", "file": "a.txt", "date": "2024-06-03", "kind": "other", "stocks": [], "boards": [{"secid": BANKS}]},
        {"id": "b", "file": "b.txt", "date": "2024-06-03", "kind": "other", "stocks": [], "boards": [{"secid": BANKS}]},
    ]
    second = [{"id": "a", "file": "a.txt", "boards": [{"secid": BANKS}], "optional": [{"secid": STEEL}]}]
    return _write(tmp_path, "first.yaml", first), _write(tmp_path, "second.yaml", second)


def test_the_tagger_finds_both_boards_of_the_text() -> None:
    from tests.support.linking import linked_boards

    assert {BANKS, STEEL} <= linked_boards(TEXT)


def test_one_reader_counts_steel_as_an_extra_in_both_texts(sets, capsys) -> None:
    first, _ = sets
    accuracy().devset([first], summary=True)
    out = capsys.readouterr().out
    assert "boards: precision 0.500, recall 1.000 (tp 2, fp 2, fn 0)" in out
    assert "EXTRA" not in out and "recall by class" not in out  # --summary prints the totals only


def test_two_readers_score_only_the_texts_read_twice_and_forgive_what_either_took(sets, capsys) -> None:
    first, second = sets
    accuracy().devset([first], second_readers=[second], summary=True)
    out = capsys.readouterr().out
    assert "two readers: 1 of 2 texts have a second reading" in out
    assert "boards: precision 1.000, recall 1.000 (tp 1, fp 0, fn 0)" in out


def test_the_command_line_takes_second_readers_before_the_sets(sets) -> None:
    first, second = sets
    arguments = accuracy().parse_arguments(["--second-readers", str(second), "--devset", str(first), "--summary"])
    assert arguments.second_readers == [second] and arguments.paths == [str(first)] and arguments.summary
