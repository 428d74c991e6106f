"""Cron expressions with their standard meaning, as APScheduler triggers, and the times a trigger
was due (the latest before a moment, the runs missed while the scheduler was down)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

CRON_FIELDS = "minute hour day-of-month month day-of-week"
# Standard cron numbers weekdays from Sunday (0 or 7); APScheduler 3.x numbers them from Monday.
CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_day_of_week(text: str) -> str:
    """A cron day-of-week field (0/7 = Sunday, names, ranges, lists, steps) as APScheduler weekday
    names. Needed because APScheduler 3.x reads ``1-5`` as Tuesday–Saturday (its 0 is Monday)."""
    if text in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in text.lower().split(","):
        base, slash, step_text = part.partition("/")
        if slash and not step_text.isdigit():
            raise ValueError(f"bad step in day-of-week {part!r}")
        step = int(step_text) if slash else 1
        if step < 1:
            raise ValueError(f"bad step in day-of-week {part!r}")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = _weekday(start), _weekday(end)
        else:
            first = _weekday(base)
            last = 7 if slash else first  # cron's "1/2" means from Monday, every second day
        if first > last:
            raise ValueError(f"day-of-week range {part!r} runs backwards")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(CRON_WEEKDAYS[day] for day in sorted(days))


def _weekday(text: str) -> int:
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text in CRON_WEEKDAYS:
        return CRON_WEEKDAYS.index(text)
    raise ValueError(f"{text!r} is not a day of the week (0-7 with 0 and 7 Sunday, or sun … sat)")


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """An APScheduler trigger with standard 5-field cron meaning; ``ValueError`` says what is wrong."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"has {len(fields)} field(s); a cron expression has 5 ({CRON_FIELDS})")
    minute, hour, day, month, day_of_week = fields
    if day not in ("*", "?") and day_of_week not in ("*", "?"):
        # cron runs when EITHER field matches, APScheduler when both do: refuse rather than guess.
        raise ValueError("restricts both day-of-month and day-of-week; use one of them (the other '*')")
    return CronTrigger(
        minute=minute,
        hour=hour,
        day="*" if day == "?" else day,
        month=month,
        day_of_week=cron_day_of_week(day_of_week),
        timezone=ZoneInfo(timezone),
    )


def previous_fire(trigger: CronTrigger, before: datetime) -> datetime | None:
    """The latest time ``trigger`` was due at or before ``before`` (None if not within a year)."""
    for window in (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32), timedelta(days=366)):
        fire = trigger.get_next_fire_time(None, before - window)
        latest = None
        while fire is not None and fire <= before:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    return None


def latest_fire_between(trigger: CronTrigger, after: datetime, earliest: datetime, now: datetime) -> datetime | None:
    """The latest time ``trigger`` was due in ``[earliest, now]`` and after ``after``, or None."""
    latest = None
    fire = trigger.get_next_fire_time(None, earliest)
    for _ in range(100_000):  # bounded: a once-a-minute job over a long grace time is the worst case
        if fire is None or fire > now:
            break
        if fire > after:
            latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest
