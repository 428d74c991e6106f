"""Configuration files are validated on load with messages that name the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, ConfigError, read_yaml
from tagging.topics import check_taxonomy, load_taxonomy, parse_taxonomy
from tests.conftest import run_finnews


def test_the_shipped_taxonomy_is_sound() -> None:
    from tagging.linking.lexicon import load_lexicon

    lexicon = load_lexicon()
    taxonomy = load_taxonomy()
    assert 40 <= len(taxonomy.topics) <= 80
    corpus_boards = {"BK0473", "BK0474", "BK0475", "BK0579", "BK0581", "BK0628", "BK0634", "BK0740", "BK0800"}
    problems = check_taxonomy(
        taxonomy, lexicon.boards, {c: b.type for c, b in lexicon.boards.items()}, lexicon.pseudo_boards, corpus_boards
    )
    assert problems == []


def test_taxonomy_check_reports_unknown_unmapped_and_duplicates() -> None:
    taxonomy = parse_taxonomy(
        {
            "topics": [
                {"id": "a", "name": "甲", "name_en": "A", "boards": ["BK9999", "BK0001", "BK0001"], "keywords": ["甲"]},
                {"id": "a", "name": "乙", "name_en": "B", "boards": ["BK0145"]},
            ]
        }
    )
    boards = {"BK0001": None, "BK0002": None, "BK0145": None}
    types = {"BK0001": "industry", "BK0002": "industry", "BK0145": "region"}
    problems = check_taxonomy(taxonomy, boards, types, {"BK0145"})
    assert "duplicate topic id: a" in problems
    assert "topic a: unknown board code BK9999" in problems
    assert "topic a: board BK0001 listed 2 times" in problems
    assert "industry board BK0002 is in no topic" in problems
    assert any("BK0145 is a style/index/region board" in p for p in problems)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping with a 'topics' list"),
        ({"topics": [{"id": "X", "name": "甲", "name_en": "A"}]}, "topics[0].id: 'X' is not lower-case snake_case"),
        ({"topics": [{"id": "x", "name_en": "A"}]}, "topics[0].name: missing"),
        (
            {"topics": [{"id": "x", "name": "甲", "name_en": "A", "boards": "BK0001"}]},
            "topics[0].boards: expected a list",
        ),
    ],
)
def test_malformed_taxonomy_is_a_clear_error(data: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_taxonomy(data, "topics.yaml")


def broken_config_dir(tmp_path: Path, name: str, content: str) -> Path:
    target = tmp_path / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", target)
    (target / name).write_text(content, encoding="utf-8")
    return target


def test_cli_reports_malformed_yaml_without_a_traceback(cli, tmp_path: Path) -> None:
    configs = broken_config_dir(tmp_path, "topics.yaml", "topics: [unclosed\n")
    result = cli("taxonomy", "check", env={"FINNEWS_CONFIG_DIR": str(configs)})
    assert result.returncode == 2
    assert "topics.yaml: invalid YAML" in result.stderr and "Traceback" not in result.stderr


def test_cli_reports_a_missing_setting(tmp_path: Path) -> None:
    configs = broken_config_dir(tmp_path, "finnews.yaml", "elasticsearch:\n  version: '8.19.7'\n")
    result = run_finnews("es", "status", env={"FINNEWS_CONFIG_DIR": str(configs), "FINNEWS_ES_PORT": ""})
    assert result.returncode == 2
    assert "finnews.yaml: elasticsearch.port: missing" in result.stderr


def test_extract_reports_a_bad_board_table(cli, tmp_path: Path) -> None:
    configs = broken_config_dir(tmp_path, "boards.csv", "code,label\nBK0001,x\n")
    result = cli("extract", str(PROJECT_ROOT / "tests/fixtures/chinaorg_article.txt"),
                         env={"FINNEWS_CONFIG_DIR": str(configs)})  # fmt: skip
    assert result.returncode != 0
    assert "boards.csv: missing column(s) name" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_config_file_that_is_not_utf8_or_not_a_file_is_a_clear_error(cli, tmp_path: Path) -> None:
    """A Windows editor saved sites.yaml as GB18030: every command ended in a UnicodeDecodeError
    traceback that did not name the file."""
    configs = broken_config_dir(tmp_path, "topics.yaml", "")
    topics = configs / "topics.yaml"
    shipped = (PROJECT_ROOT / "configs" / "topics.yaml").read_text(encoding="utf-8")
    topics.write_bytes(shipped.encode("gb18030"))
    first_line = next(n for n, line in enumerate(shipped.splitlines(), 1) if not line.isascii())
    with pytest.raises(
        ConfigError, match=rf"topics.yaml: not UTF-8 text \(byte 0x[0-9a-f]{{2}} on line {first_line}\); save"
    ):
        read_yaml(topics)
    result = cli("taxonomy", "check", env={"FINNEWS_CONFIG_DIR": str(configs)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{topics}: not UTF-8 text" in result.stderr and "save it as UTF-8" in result.stderr

    (configs / "boards.csv").write_bytes((PROJECT_ROOT / "configs" / "boards.csv").read_bytes().decode().encode("gbk"))
    result = cli("extract", str(PROJECT_ROOT / "tests/fixtures/chinaorg_article.txt"),
                 env={"FINNEWS_CONFIG_DIR": str(configs)})  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "boards.csv: not UTF-8 text" in result.stdout + result.stderr

    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ConfigError, match=r"folder\.yaml: is a folder, not a file"):
        read_yaml(folder)


def test_a_key_written_twice_in_any_mapping_is_an_error_naming_file_line_and_key(cli, tmp_path: Path) -> None:
    """A second ``limits:`` appended to finnews.yaml replaced the first without a word (last wins)."""
    shipped = (PROJECT_ROOT / "configs" / "finnews.yaml").read_text(encoding="utf-8")
    configs = broken_config_dir(tmp_path, "finnews.yaml", shipped + "limits: {max_article_mb: 1}\n")
    first = next(n for n, line in enumerate(shipped.splitlines(), 1) if line.startswith("limits:"))
    last = len(shipped.splitlines()) + 1
    with pytest.raises(ConfigError, match=rf"finnews\.yaml: 'limits' is written twice \(lines {first} and {last}\)"):
        read_yaml(configs / "finnews.yaml")
    result = cli("extract", str(PROJECT_ROOT / "tests/fixtures/chinaorg_article.txt"),
                 env={"FINNEWS_CONFIG_DIR": str(configs)})  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "finnews.yaml: 'limits' is written twice" in result.stdout + result.stderr

    nested = tmp_path / "nested.yaml"
    nested.write_text("sites:\n  eastmoney:\n    concurrency: 2\n    delay: 1\n    concurrency: 8\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"nested\.yaml: 'concurrency' is written twice \(lines 3 and 5\)"):
        read_yaml(nested)
    nested.write_text("a: {x: 1}\nb: {x: 2}\n", encoding="utf-8")  # the same key in two mappings is fine
    assert read_yaml(nested) == {"a": {"x": 1}, "b": {"x": 2}}


def test_yaml_merge_keys_load_as_standard_yaml_with_their_keys_overridden(tmp_path: Path) -> None:
    # Review: the unique-key loader took `<<: *anchor` for a key and every command failed on it.
    shared = tmp_path / "merge.yaml"
    shared.write_text(
        "base: &base {cron: '*/10 * * * *', timeout: 540}\n"
        "jobs:\n  - <<: *base\n    name: a\n  - <<: *base\n    name: b\n    timeout: 60\n",
        encoding="utf-8",
    )
    assert read_yaml(shared)["jobs"] == [
        {"cron": "*/10 * * * *", "timeout": 540, "name": "a"},
        {"cron": "*/10 * * * *", "timeout": 60, "name": "b"},
    ]
