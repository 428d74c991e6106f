"""Common mistakes get one line that says what to do (issue 23, item 10), never a traceback or a
quiet empty answer."""

from __future__ import annotations

import socket

import pytest

from finnews.cli import main
from ingest.files import describe
from store.search import Filters, QueryError, build_query


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's usage errors
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


def test_a_mistyped_command_is_answered_with_the_closest_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "serach", "宁德时代")
    assert code == 2 and "unknown command 'serach'; did you mean `finnews search`?" in err
    code, err = run(capsys, "zzzz")
    assert code == 2 and "the commands are: es, crawl, search" in err


def test_a_port_out_of_range_or_taken_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "serve", "--port", "99999")
    assert code == 2 and "expected a port number from 1 to 65535" in err and "Traceback" not in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run(capsys, "serve", "--port", str(port))
    assert code == 2 and f"port {port} on 127.0.0.1 is taken by another program" in err


def test_a_negative_number_of_articles_to_show_first_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Hunt of day 18: `watch --last -1` reached the node as a raw 400 ("[size] parameter cannot be negative")."""
    code, err = run(capsys, "watch", "比亚迪", "--last", "-1")
    assert code == 2 and "-1 is below 0" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(board="BK9999"), "unknown board 'BK9999': no board has the code BK9999"),
        (Filters(date_from="2026-03-01", date_to="2026-02-01"), "--from 2026-03-01 is after --to 2026-02-01"),
    ],
)
def test_filters_that_can_match_nothing_are_errors(filters: Filters, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        build_query("", filters)
    assert build_query("", Filters(board="BK1061", date_from="2026-02-01", date_to="2026-02-01"))  # one day is fine


@pytest.mark.parametrize("to", ["9999-12-31", "9999-12-31T23:59", "9999/12/31"])
def test_the_last_day_there_is_ends_a_window_without_an_error(to: str) -> None:
    """Hunt of day 18: the day after 9999-12-31 (the "no end" of spreadsheets) overflowed: a traceback, a bare 500."""
    [window] = build_query("", Filters(date_from="2026-01-01", date_to=to))["bool"]["filter"]
    assert window["range"]["published_at"]["lte"] == "9999-12-31T23:59:59.999999+08:00"


# 数字经济 typed in a GBK terminal: argv holds bytes that are not UTF-8, which Python keeps as lone
# surrogates (jieba refused them with a TypeError, and a JSON request cannot carry them).
GBK_TYPED = "数字经济".encode("gbk").decode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    ("text", "filters", "what"),
    [
        (GBK_TYPED, Filters(), "the query"),
        ("\udcff", Filters(), "the query"),
        ("数字经济 OR \udcff", Filters(), "the query"),
        ("", Filters(media=GBK_TYPED), "--media"),
    ],
)
def test_text_that_was_not_utf8_is_a_clear_error(text: str, filters: Filters, what: str) -> None:
    with pytest.raises(QueryError, match=f"^{what} is not valid UTF-8 text: is the terminal set to another encoding"):
        build_query(text, filters)


def test_a_missing_or_unreadable_input_is_said_in_words() -> None:
    assert describe(FileNotFoundError(2, "No such file or directory")) == "no such file or folder (check the path)"
    assert describe(PermissionError(13, "Permission denied")).startswith("permission denied")


@pytest.mark.parametrize(
    ("days", "interval"),
    [(1, "day"), (62, "day"), (63, "week"), (400, "week"), (5 * 365, "month"), (6 * 365, "year"), (None, "day")],
)
def test_stats_choose_the_finest_interval_that_keeps_about_60_rows(days: int | None, interval: str) -> None:
    """Issue 23, item 9: a day per row back to the oldest article was 1,656 rows, most of them zeros."""
    from store.stats import auto_interval

    first = 1_700_000_000_000
    last = first + (days - 1) * 86_400_000 if days else None
    assert auto_interval(first if days else None, last) == interval
