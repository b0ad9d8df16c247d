"""Timezone-aware time helpers: the database stores UTC, people read local time."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Treat naive datetimes (SQLite returns them) as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_today(tz) -> date:
    """Return today's date in the municipality's time zone."""
    return datetime.now(tz).date()
