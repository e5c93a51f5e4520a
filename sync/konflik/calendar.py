"""Due dates in working days: Indonesian public holidays and weekends are not working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an Indonesian public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    current, left = start, max(0, days)
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of ``moment`` in ``timezone`` (naive moments are taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone)).date()


def overdue_before(today: date, days: int, timezone: str) -> datetime:
    """Conflicts opened before this instant are overdue on ``today`` (due date already past)."""
    opened = today
    while add_working_days(opened, days) >= today:
        opened -= timedelta(days=1)
    start_next = datetime.combine(opened + timedelta(days=1), time.min, ZoneInfo(timezone))
    return start_next.astimezone(UTC)
