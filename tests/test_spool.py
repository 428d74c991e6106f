"""The spool's files are held while they are written and while a replay takes them (store/spool.py):
a replay never takes a file a writer is still appending to, nor one another replay holds, in this
process or another; a closed file is free to take."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from store.spool import Spool, claimed, spool_files, waiting_articles


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FINNEWS_SPOOL_DIR", str(tmp_path))
    return tmp_path


def document(number: int) -> dict[str, object]:
    return {"id": f"doc-{number}", "url": f"https://example.com/{number}.html"}


def test_a_file_being_written_is_not_taken_and_a_closed_one_is(spool_dir: Path) -> None:
    spool = Spool()
    spool.append(document(1), "node down")
    [path] = spool_files()
    with claimed(path) as mine:
        assert not mine  # the writer may append again at any moment
    spool.append(document(2), "node down")
    spool.close()
    with claimed(path) as mine:
        assert mine
    assert waiting_articles() == 2


def test_two_replays_never_take_the_same_file(spool_dir: Path) -> None:
    spool = Spool()
    spool.append(document(1), "node down")
    spool.close()
    [path] = spool_files()
    with claimed(path) as first:
        with claimed(path) as second:
            assert first and not second
        path.unlink()  # what a replay does with the file it took
    with claimed(path) as third:
        assert not third  # gone


def test_another_process_cannot_take_a_file_this_one_writes(spool_dir: Path) -> None:
    spool = Spool()
    spool.append(document(1), "node down")
    [path] = spool_files()
    probe = f"from pathlib import Path\nfrom store.spool import claimed\nwith claimed(Path({str(path)!r})) as mine: print(mine)"
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    taken = ran.stdout.strip()
    spool.close()
    assert taken == "False"


def test_writers_of_one_process_in_one_second_get_files_of_their_own(spool_dir: Path) -> None:
    spools = [Spool() for _ in range(3)]
    for number, spool in enumerate(spools):
        spool.append(document(number), "node down")
    assert len({spool.path for spool in spools}) == len(spool_files()) == 3
    for spool in spools:
        spool.close()
    spools[0].append(document(9), "node down again")  # after close: a new file, held again
    assert len(spool_files()) == 4
    with claimed(spools[0].path) as mine:  # type: ignore[arg-type]
        assert not mine
    assert not list(spool_dir.glob("spool/.*"))  # no file left under its first name
