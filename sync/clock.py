"""One clock: every time a person reads is in the display timezone, every time a machine reads
is ISO 8601 with its offset.

Stored instants are UTC (SQLite hands them back naive: those are UTC too). The display timezone
is ``EKINERJA_KONFLIK__TIMEZONE`` (``Settings.display_timezone``); pages, CLI tables, warnings,
run reports and exports all format through the functions below, never ``strftime`` or
``isoformat`` of a stored value directly.

    >>> jakarta = zone("Asia/Jakarta")
    >>> shown(datetime(2026, 12, 6, 18, 59, 57), jakarta)
    '07-12-2026 01:59'
    >>> iso(datetime(2026, 12, 6, 18, 59, 57, 329572), jakarta)
    '2026-12-07T01:59:57+07:00'
    >>> stamp("2026-12-06T18:59:57+00:00", jakarta)
    '2026-12-07 01:59:57 WIB'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Jakarta"
NONE_SHOWN = "-"

Moment = datetime | str | None


def aware(value: datetime | None) -> datetime | None:
    """A timestamp as UTC-aware (SQLite hands back naive datetimes)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def zone(name: str) -> tzinfo:
    """The named timezone (UTC when the name is no known zone; settings refuse such names)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def default_zone() -> tzinfo:
    """The zone used where no setting was passed (the settings' own default)."""
    return zone(DEFAULT_ZONE)


def instant(moment: Moment) -> datetime | None:
    """``moment`` as an aware datetime: ISO text parsed, naive values taken as UTC."""
    if moment is None or moment == "":
        return None
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def local(moment: Moment, tz: tzinfo) -> datetime | None:
    """``moment`` in ``tz`` (aware), or None."""
    value = instant(moment)
    return value.astimezone(tz) if value is not None else None


def iso(moment: Moment, tz: tzinfo = UTC) -> str | None:
    """The machine form: ISO 8601 in ``tz`` with its offset, to the second (None stays None)."""
    value = local(moment, tz)
    return value.isoformat(timespec="seconds") if value is not None else None


def shown(moment: Moment, tz: tzinfo) -> str:
    """The console's form, ``dd-mm-yyyy HH:MM`` in ``tz``; '-' for none."""
    value = local(moment, tz)
    return value.strftime("%d-%m-%Y %H:%M") if value is not None else NONE_SHOWN


def stamp(moment: Moment, tz: tzinfo) -> str:
    """The terminal's form, ``yyyy-mm-dd HH:MM:SS`` with the zone's abbreviation; '-' for none."""
    value = local(moment, tz)
    return value.strftime("%Y-%m-%d %H:%M:%S %Z") if value is not None else NONE_SHOWN


def day(moment: Moment, tz: tzinfo) -> date | None:
    """The calendar day of ``moment`` in ``tz``."""
    value = local(moment, tz)
    return value.date() if value is not None else None


def day_shown(moment: Moment, tz: tzinfo) -> str:
    """The calendar day of ``moment`` in ``tz`` as ``dd-mm-yyyy``; '-' for none."""
    value = day(moment, tz)
    return value.strftime("%d-%m-%Y") if value is not None else NONE_SHOWN


def wall(moment: Moment, tz: tzinfo) -> datetime | None:
    """The naive wall-clock time in ``tz`` (spreadsheets store dates without a zone)."""
    value = local(moment, tz)
    return value.replace(tzinfo=None, microsecond=0) if value is not None else None
