"""Fault injection: bad records and files, a giant page, a node that refuses or is not there, a node
killed mid-load. Each bad input is named and skipped, no good article is lost, and no fault leaves a
trap behind (a poison pill in the spool, refresh switched off, copies piling up)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from finnews.config import PROJECT_ROOT
from tests.conftest import indexed_urls, run_finnews


def record(number: int, **fields: object) -> dict[str, object]:
    return {
        "url": f"https://example.com/faults/{number}.html",
        "title": f"新闻{number}",
        "text": f"正文第{number}篇。",
        **fields,
    }


def write_jsonl(path: Path, lines: list[object]) -> None:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )


def tagged(number: int, **fields: object) -> dict[str, object]:
    return {**record(number), "boards": [], "stocks": [], "topics": [], **fields}


# --- 1. Every JSON Lines record validated and isolated ------------------------------------------------


def test_records_of_the_wrong_shape_are_named_and_skipped_and_every_good_record_is_indexed(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    write_jsonl(
        bad,
        [
            record(1),
            record(2, title=["list"]),
            {"url": 12345, "title": "数字", "text": "正文。"},
            record(4, media=["x"]),
            record(5, text={}),
            tagged(6, title=["list"]),
            tagged(7, stocks="600519"),
            record(8),
            "[1, 2]",
            "{not json",
            "[" * 100_000 + "]" * 100_000,
            record(12, keywords=[1, 2]),
            tagged(13),
        ],
    )
    write_jsonl(tmp_path / "good.jsonl", [record(20), record(21)])
    result = run_finnews("ingest", "--quiet", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Ingested 5 article(s) from 2 file(s): 5 new" in result.stdout, result.stdout
    for expected in (
        f"{bad}:2: field 'title': expected a string, got list",
        f"{bad}:3: field 'url': expected a string, got int",
        f"{bad}:4: field 'media': expected a string, got list",
        f"{bad}:5: field 'text': expected a string, got object",
        f"{bad}:6: field 'title': expected a string, got list",
        f"{bad}:7: field 'stocks': expected a list of objects, got string",
        f"{bad}:9: expected a JSON object, got list",
        f"{bad}:10: not JSON",
        f"{bad}:11: ",
        f"{bad}:12: field 'keywords': expected a list of strings, got list",
    ):
        assert expected in result.stderr, result.stderr
    assert len([line for line in result.stderr.splitlines() if "failed:" in line]) == 10
    urls = set(indexed_urls(es_node))
    assert urls == {f"https://example.com/faults/{n}.html" for n in (1, 8, 13, 20, 21)}


# --- 2/9. File guards ---------------------------------------------------------------------------------


def small_limit_configs(directory: Path, megabytes: float) -> Path:
    configs = directory / "configs"
    shutil.copytree(PROJECT_ROOT / "configs", configs)
    finnews = configs / "finnews.yaml"
    finnews.write_text(
        finnews.read_text(encoding="utf-8").replace("max_article_mb: 5", f"max_article_mb: {megabytes}"),
        encoding="utf-8",
    )
    return configs


def run_unprivileged(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """``finnews`` with folder permissions in force: root reads any folder unless it gives up the
    capabilities that let it (the same user, so the project and its virtual environment stay readable)."""
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*drop, sys.executable, "-m", "finnews", *args],
        capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT, env={**os.environ, **env},
    )  # fmt: skip


def test_fifos_dangling_links_unreadable_folders_and_giant_pages_are_named_and_good_files_indexed(
    fresh_index: str, es_node, tmp_path: Path
) -> None:
    configs = small_limit_configs(tmp_path, 0.01)  # 10 KB per article
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    (archive / "good.txt").write_text("贵州茅台发布年度报告。", encoding="utf-8")
    (archive / "sub" / "also-good.txt").write_text("宁德时代发布新电池。", encoding="utf-8")
    os.mkfifo(archive / "pipe.html")
    (archive / "gone.html").symlink_to(tmp_path / "nowhere.html")
    (archive / "giant.html").write_text("<html><body><p>" + "大" * 20_000 + "</p></body></html>", encoding="utf-8")
    write_jsonl(archive / "records.jsonl", [record(31), record(32, text="长" * 20_000), record(33)])
    locked = archive / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("看不到的文章。", encoding="utf-8")
    locked.chmod(0)
    env = {"FINNEWS_CONFIG_DIR": str(configs), "FINNEWS_SPOOL_DIR": str(tmp_path / "spool")}

    result = run_unprivileged("ingest", "--quiet", str(archive), env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Ingested 4 article(s)" in result.stdout and "4 new" in result.stdout, result.stdout + result.stderr
    failures = [line for line in result.stderr.splitlines() if "failed:" in line]
    expected = {
        f"{locked}: cannot read folder: Permission denied",
        f"{archive / 'gone.html'}: dangling symbolic link (→ {tmp_path / 'nowhere.html'})",
        f"{archive / 'pipe.html'}: not a regular file: a FIFO (named pipe)",
        f"{archive / 'giant.html'}: file of 0.1 MB is over the limit of 0.01 MB per article",
        f"{archive / 'records.jsonl'}:2: record of 0.1 MB is over the limit of 0.01 MB per article",
    }
    for line in expected:
        assert any(line in failure for failure in failures), (line, result.stderr)
    assert len(failures) == len(expected), result.stderr
    assert len(indexed_urls(es_node)) == 4

    # A folder that cannot be read at all is an error, not "0 articles from 0 files" and success.
    unreadable = run_unprivileged("ingest", "--quiet", str(locked), env=env)
    assert unreadable.returncode == 1 and f"{locked}: cannot read folder" in unreadable.stderr

    # extract checks the file before opening it: a FIFO is an error line at once, not a hang.
    extracted = run_finnews("extract", str(archive / "pipe.html"), str(archive / "good.txt"), timeout=60)
    rows = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert extracted.returncode == 1
    assert rows[0]["error"] == "not a regular file: a FIFO (named pipe)" and "error" not in rows[1]
    locked.chmod(0o700)  # so that pytest can clean up
