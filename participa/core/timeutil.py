"""Timezone-aware time helpers: the database stores UTC, people read local time."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Treat naive datetimes (SQLite returns them) as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_hour(moment: datetime) -> datetime:
    """Round down to the hour: the precision of every "who took part" time.

    A participation, a table service and (through them) a desk's audit trail must not give the
    order in which people voted to the second: with it, a copy of the database could line
    voters up against anything else that keeps arrival order. An hour still gives turnout per
    hour and per day.
    """
    return moment.replace(minute=0, second=0, microsecond=0)


def this_hour() -> datetime:
    """The current UTC hour (a column default for "who took part" times)."""
    return to_hour(utcnow())


def local_today(tz) -> date:
    """Return today's date in the municipality's time zone."""
    return datetime.now(tz).date()
