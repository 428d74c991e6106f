"""Reading what ``finnews ingest`` and ``finnews extract`` are given: files and folders found, each
file checked (a regular file within the size limit), JSON Lines records checked field by field.

Bad input never costs a good article: every file and every JSON line is checked and isolated. A
file that is not a regular file, too large or unreadable, a folder that cannot be listed, a dangling
link, a JSON line of the wrong shape: each is reported as ``where: reason`` and skipped, and every
good article of the same file and run is indexed."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from core.article import RawArticle
from core.config import max_article_bytes
from core.dates import parse_datetime, parse_datetime_exactly
from core.jsontext import escapes_a_surrogate, without_lone_surrogates
from store.documents import RECORD_TIMES, article_document, document_from_record
from tagging.pages.page import decode_text

# Tables of articles (a row each): CSV files and JSON arrays (ingest/tables.py).
TABLE_SUFFIXES = {".csv", ".json"}
ARCHIVE_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".shtml", ".txt", ".jsonl", *TABLE_SUFFIXES}

# The shape of a JSON Lines record (raw: title/text/url …; or finnews' own export, already tagged).
STRING_FIELDS = (
    "url", "title", "text", "html", "source", "media", "author", "digest", "category",
    "published_at", "crawled_at", "updated_at", "indexed_at", "dup_of", "dup_group", "body_source",
)  # fmt: skip
STRING_LIST_FIELDS = ("tags", "keywords", "sources")
OBJECT_LIST_FIELDS = ("boards", "stocks", "topics", "mentions", "instruments")


class InputError(ValueError):
    """An input that is not taken, and why (not a regular file, too large, a dangling link …)."""


# --- Finding and reading files ----------------------------------------------------------------------


def _describe_missing(path: Path) -> str:
    if os.path.islink(path):
        return f"{path}: dangling symbolic link (→ {os.readlink(path)})"
    return f"{path}: No such file or directory"


def _folder_files(folder: Path, problems: list[str], skipped: list[str] | None = None) -> list[Path]:
    """Archive files under ``folder``, recursively; folders that cannot be listed and dangling links
    are added to ``problems`` by name, files of other kinds to ``skipped`` (hidden ones, such as
    .DS_Store or .git, are left out quietly). Linked folders are followed once (a link cycle ends there)."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        directory = pending.pop()
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(f"{directory}: cannot read folder: {error.strerror or error}")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows links
                exists = is_dir or os.path.exists(path)
            except OSError as error:
                problems.append(f"{path}: {error.strerror or error}")
                continue
            if not exists:
                if path.suffix.lower() in ARCHIVE_SUFFIXES or entry.is_symlink():
                    problems.append(_describe_missing(path))
            elif is_dir:
                subfolders.append(path)
            elif path.suffix.lower() in ARCHIVE_SUFFIXES:
                found.append(path)  # not a regular file (a FIFO, a socket): reported when read
            elif skipped is not None and not entry.name.startswith("."):
                skipped.append(f"{path}: not a kind of file finnews reads ({path.suffix or 'no extension'})")
        pending += reversed(subfolders)  # depth first, in name order
    return sorted(found)


def archive_files(paths: list[Path], problems: list[str] | None = None, skipped: list[str] | None = None) -> list[Path]:
    """The files to ingest: given files as they are, folders searched recursively by suffix. What
    cannot be found or listed is added to ``problems`` (a missing path, an unreadable folder, a
    dangling link), the files of a folder that are of no kind finnews reads to ``skipped``, so
    nothing is skipped without a word."""
    problems = problems if problems is not None else []
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += _folder_files(path, problems, skipped)
        elif os.path.lexists(path) and not path.exists():
            problems.append(_describe_missing(path))
        else:
            found.append(path)  # a missing file is reported when it is read
    return found


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def too_large(size: int, limit: int, what: str = "file") -> InputError:
    return InputError(
        f"{what} of {size / 1048576:.1f} MB is over the limit of {limit / 1048576:.3g} MB per article "
        "(limits.max_article_mb in configs/finnews.yaml)"
    )


def open_regular_file(path: Path) -> IO[bytes]:
    """``path`` opened for reading when it is a regular file. The type is checked before opening
    (opening a FIFO would wait for a writer forever) and again on the open file (it may have been
    swapped in between); the open itself never blocks."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(f"dangling symbolic link (→ {os.readlink(path)})") from None
        raise
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"not a regular file: {_kind(info.st_mode)}")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    handle = os.fdopen(descriptor, "rb")
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise InputError(f"not a regular file: {_kind(mode)}")
    os.set_blocking(descriptor, True)
    return handle


def read_article_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of one article file (a page, a post, a text): a regular file within the size limit,
    never read past it."""
    limit = limit or max_article_bytes()
    with open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_large(size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise too_large(len(data), limit)
    return data


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | InputError]]:
    """``(line number, line)`` of a JSON Lines file; a line longer than ``limit`` is an error and is
    skipped without being held in memory."""
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            length = len(line)
            while chunk := handle.readline(1 << 20):
                length += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield number, too_large(length, limit, "record")
            continue
        yield number, line


# --- JSON Lines records ---------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return (
        "null"
        if value is None
        else {"str": "string", "dict": "object", "list": "list"}.get(type(value).__name__, type(value).__name__)
    )


def record_problems(record: object) -> list[str]:
    """What is wrong with a JSON Lines record (empty when it can be loaded): each field of the
    wrong type by name, and a missing URL or body."""
    if not isinstance(record, dict):
        return [f"expected a JSON object, got {_type_name(record)}"]
    problems = []
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"field {name!r}: expected a string, got {_type_name(value)}")
    for name in STRING_LIST_FIELDS:
        value = record.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(f"field {name!r}: expected a list of strings, got {_type_name(value)}")
    for name in OBJECT_LIST_FIELDS:
        value = record.get(name)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            problems.append(f"field {name!r}: expected a list of objects, got {_type_name(value)}")
    if problems:
        return problems
    for name in RECORD_TIMES:  # stored in ISO 8601 whatever form they come in (store/documents.py)
        moment = record.get(name)
        if isinstance(moment, str) and moment.strip() and parse_datetime_exactly(moment) is None:
            problems.append(
                f"field {name!r}: {moment[:40]!r} is not a date "
                "(expected ISO 8601 such as 2026-11-20T18:00:00+08:00, or 2026年11月20日 18:00)"
            )
    if not (record.get("url") or "").strip():
        problems.append("a record needs a 'url' (its id is derived from it)")
    elif isinstance(record.get("url"), str):
        try:
            urlsplit(record["url"].strip())
        except ValueError as error:  # http://[::1/a: urllib's "Invalid IPv6 URL" was raised past the record check
            problems.append(f"field 'url': {record['url'][:60]!r} is not a URL ({error})")
    if not (record.get("text") or "").strip() and not (record.get("html") or "").strip():
        problems.append("a record needs a non-empty 'text' or 'html' field")
    return problems


def raw_from_record(record: dict) -> RawArticle:
    """An article from a JSON Lines record (finnews' own export format, or any with title/text/url)."""
    problems = record_problems(record)
    if problems:
        raise InputError("; ".join(problems))
    return RawArticle(
        source=record.get("source") or "jsonl",
        url=record["url"],
        title=record.get("title"),
        published_at=parse_datetime(record.get("published_at") or ""),
        media=record.get("media"),
        author=record.get("author"),
        digest=record.get("digest"),
        body_html=record.get("html"),
        body_text=None if record.get("html") else record.get("text"),
    )


def is_tagged_record(record: object) -> bool:
    """A record finnews itself exported (already cleaned and tagged): loaded as it is."""
    return (
        isinstance(record, dict)
        and bool(record.get("url"))
        and all(isinstance(record.get(key), list) for key in ("boards", "stocks", "topics"))
    )


def parse_record(line: bytes, name: str | None = None, sized: bool = True) -> RawArticle | dict[str, Any]:
    """One JSON line (``name``: where it was read, for a warning about damaged bytes): a tagged record to
    load as it is, or a raw article to clean and tag. ``sized``: a record over the article limit is
    refused (a JSON Lines record); a table's row (``sized=False``) has its text cut to it instead."""
    try:
        record = json.loads(decode_text(line, name).lstrip("\ufeff"))
    except RecursionError:
        raise InputError("JSON nested too deeply") from None
    except ValueError as error:
        raise InputError(f"not JSON: {error}") from None
    if escapes_a_surrogate(line):
        record = without_lone_surrogates(record)
    if isinstance(record, dict) and (record.get("url") is None or record.get("url") == ""):
        from ingest.tables import content_url

        record["url"] = content_url(record)  # no link: identified by what it says (the same record twice is one)
    problems = record_problems(record)
    if problems:
        raise InputError("; ".join(problems))
    # The article's limit holds for what a record says (its longest field: the text or the page), not for its
    # line, which also carries the tags (input_units reads lines up to RECORD_LIMIT_ARTICLES times as long).
    longest = max(
        (len(value.encode("utf-8", "surrogatepass")) for value in record.values() if isinstance(value, str)), default=0
    )
    if sized and longest > max_article_bytes():
        raise too_large(longest, max_article_bytes(), "record")
    return record if is_tagged_record(record) else raw_from_record(record)


# --- Articles of a file -------------------------------------------------------------------------------


# The file-system errors a user meets, in words (the path is said before the reason).
_OS_ERROR_WORDS = {
    FileNotFoundError: "no such file or folder (check the path)",
    PermissionError: "permission denied (check its mode and the folders above it)",
    IsADirectoryError: "a folder where a file was expected",
    NotADirectoryError: "a file where a folder was expected",
}


def describe(error: BaseException) -> str:
    """A failure's reason: the message of an input check, a file-system error in words, else the
    error's type and message."""
    if isinstance(error, InputError):
        return str(error)
    for kind, words in _OS_ERROR_WORDS.items():
        if isinstance(error, kind):
            return words
    return f"{type(error).__name__}: {error}"


def document_for(article: RawArticle | dict[str, Any]) -> dict[str, Any]:
    """The index document of a raw article (cleaned and tagged) or of a tagged record."""
    from tagging.extract import extract_article

    return document_from_record(article) if isinstance(article, dict) else article_document(extract_article(article))
