"""Publish times as the sites write them, read as Asia/Shanghai time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for news
# dates and needs no time-zone database on the machine.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_CN_RE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?"
)
_ISO_RE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def _build(parts: tuple[str | None, ...], zone: str | None = None, fraction: str | None = None) -> datetime | None:
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in parts[:6])
    # A fraction of a second is kept (to the microsecond): a time finnews wrote itself reads back unchanged.
    microsecond = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        value = datetime(year, month, day, hour, minute, second, microsecond)
    except ValueError:
        return None
    if not zone:
        return value.replace(tzinfo=SHANGHAI)
    try:
        if zone == "Z":
            return value.replace(tzinfo=UTC).astimezone(SHANGHAI)
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        return value.replace(tzinfo=timezone(sign * offset)).astimezone(SHANGHAI)
    except (ValueError, OverflowError):
        # An offset of 24 hours or more is no time zone; 9999-12-31T23:59:59Z (a "never" placeholder) is past the
        # last Beijing time Python can hold: no date either way.
        return None


def parse_datetime(text: str | None) -> datetime | None:
    """The first date-time in ``text`` (``2022-05-30 20:46:00 +0800``, ``2026年08月19日 17:46``, ISO 8601).

    Times without a zone are Beijing time. Returns ``None`` when there is no valid date.
    """
    if not text:
        return None
    chinese, iso = _CN_RE.search(text), _ISO_RE.search(text)
    if chinese and (not iso or chinese.start() <= iso.start()):
        return _build(chinese.groups())
    if iso:
        return _build(iso.groups()[:6], iso.group(8), iso.group(7))
    return None


def parse_time_of_day(text: str | None) -> datetime | None:
    """The first date in ``text`` when it is written with its time of day (``2019-11-11 10:20:30``,
    ``2026年08月19日17:46``), else ``None``: a date alone (a header's calendar line) is no article's time."""
    moment = parse_datetime(text)
    if moment is None:
        return None
    chinese, iso = _CN_RE.search(text or ""), _ISO_RE.search(text or "")
    first = chinese if chinese and (not iso or chinese.start() <= iso.start()) else iso
    return moment if first is not None and first.group(4) is not None else None


# The date a china.com.cn / china.org.cn article URL carries: /{section}/20231123/6053998.shtml and
# …/2024-11/18/content_117554263.shtml (../shared/reference/sites.md 3.1-3.2).
_URL_DATE_RE = re.compile(r"/(\d{4})(\d{2})(\d{2})/\d+\.s?html?$|/(\d{4})-(\d{2})/(\d{2})/content_\d+")


def date_from_url(url: str | None) -> datetime | None:
    """The publish date an article URL carries (midnight, Beijing time), or ``None``."""
    match = _URL_DATE_RE.search((url or "").split("?")[0])
    if not match:
        return None
    parts = match.groups()
    return _build((*(parts[:3] if parts[0] else parts[3:]), None, None, None))


def parse_datetime_exactly(text: str) -> datetime | None:
    """``text`` read as one date-time and nothing else (a record's field): ``None`` when it is not
    wholly a valid one ("not a date", "2026-02-30", "99999-01-01", an offset of "+25:00")."""
    text = (text or "").strip()
    for pattern in (_CN_RE, _ISO_RE):
        if pattern.fullmatch(text):
            return parse_datetime(text)
    return None


def read_moment_exactly(text: str) -> tuple[datetime, str] | None:
    """``text`` read as one date or date-time and nothing else, in any form :func:`parse_datetime`
    reads (2026-01-05, 2026/01/05, 2026年01月05日, with or without a time), and to what it was given:
    ``day``, ``minute`` or ``second``; ``None`` when it is not wholly a valid one."""
    text = (text or "").strip()
    for pattern in (_CN_RE, _ISO_RE):
        match = pattern.fullmatch(text)
        if match:
            moment = parse_datetime(text)
            precision = "day" if match.group(4) is None else "minute" if match.group(6) is None else "second"
            return (moment, precision) if moment else None
    return None


def date_from_article_code(code: str) -> datetime | None:
    """Eastmoney article codes start with the publish date (``202205302396636936`` → 2022-05-30)."""
    if len(code) >= 8 and code[:8].isdigit():
        return _build((code[:4], code[4:6], code[6:8], None, None, None))
    return None


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 in Beijing time (``2022-05-30T20:46:00+08:00``)."""
    return value.astimezone(SHANGHAI).isoformat() if value else None
