"""Column types shared by the models."""

import enum
from datetime import UTC

from sqlalchemy import DateTime, Enum, TypeDecorator, text

# Keyword arguments of a partial index on the few ballot rows not yet folded into the
# aggregates (participa.aggregates): reading them live stays cheap however many are folded.
# SQLite proves a query may use a partial index only from the very same expression, and
# SQLAlchemy writes `folded == false()` as `folded = 0` there.
UNFOLDED = {"sqlite_where": text("folded = 0"), "postgresql_where": text("NOT folded")}


def enum_type(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its value as a checked string (portable across SQLite and PostgreSQL)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC datetime, also on SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use participa.core.timeutil.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
