"""A JSON Lines record's date is a date or the record is named as bad input (issue 21, item 7): not
silently loaded without one ("not a date", "2026-02-30"), nor with another ("99999-01-01" read as
9999-01-01), nor a raw ValueError ("+25:00")."""

from __future__ import annotations

import pytest

from core.dates import isoformat, parse_datetime, parse_datetime_exactly
from ingest.files import record_problems

RECORD = {"url": "https://example.com/1.html", "title": "标题", "text": "正文"}


@pytest.mark.parametrize("value", ["not a date", "2026-02-30", "99999-01-01", "2026-01-01T10:00:00+25:00", "昨天"])
def test_a_record_whose_date_is_not_one_is_named(value: str) -> None:
    [problem] = record_problems({**RECORD, "published_at": value})
    assert problem.startswith("field 'published_at':") and "is not a date" in problem


@pytest.mark.parametrize(
    "value", ["2026-11-20T18:00:00+08:00", "2026-11-20T10:00:00Z", "2026-11-20 18:00", "2026年11月20日 18:00", "", None]
)
def test_dates_in_the_usual_forms_and_no_date_pass(value: str | None) -> None:
    assert record_problems({**RECORD, "published_at": value}) == []


def test_an_offset_of_a_day_or_more_is_no_date_not_an_exception() -> None:
    assert parse_datetime("2026-01-01T10:00:00+25:00") is None


@pytest.mark.parametrize("name", ["crawled_at", "updated_at"])
def test_a_record_whose_crawl_or_update_time_is_not_one_is_named(name: str) -> None:
    [problem] = record_problems({**RECORD, name: "yesterday"})
    assert problem.startswith(f"field {name!r}:") and "is not a date" in problem


def test_a_time_finnews_wrote_reads_back_to_the_microsecond() -> None:
    written = "2026-11-20T18:00:00.123456+08:00"  # a crawl time (datetime.now): migrate and replay keep it
    assert isoformat(parse_datetime_exactly(written)) == written
    assert isoformat(parse_datetime_exactly("2026-11-20T10:00:00.5Z")) == "2026-11-20T18:00:00.500000+08:00"
