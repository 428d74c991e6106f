"""The ``finnews`` command run in the test's own process: no interpreter start, no import of Scrapy,
Elasticsearch's client, jieba and the knowledge base per call (a second or more each). Only for
commands that start no crawl: a crawl needs a fresh Twisted reactor, which a process gets once
(``tests.conftest.run_finnews`` starts one for those).

The answer has the shape ``run_finnews`` gives (``returncode``, ``stdout``, ``stderr``), so a test
can use either. Environment variables are set for the call only and the settings are read afresh
before and after it, as a new process would read them."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from core.settings import reload as reload_settings

FinnewsHere = Callable[..., subprocess.CompletedProcess]


def run_here(
    capsys: pytest.CaptureFixture[str], *args: str, env: dict[str, str] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess:
    """``finnews ARGS`` in this process with ``env`` added to the environment for the call
    (``timeout`` is accepted for ``run_finnews``'s sake; a call here is not cut short)."""
    from finnews.cli import main

    with pytest.MonkeyPatch.context() as patch:  # the environment for this call only
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        if env:
            reload_settings()
        capsys.readouterr()  # what the test printed before is not the command's
        try:
            code = main(list(args))
            captured = capsys.readouterr()
        finally:
            patch.undo()
            if env:
                reload_settings()
    return subprocess.CompletedProcess(["finnews", *args], code, captured.out, captured.err)
