"""Event reminders the day before, for everyone with a confirmed registration.

`send_event_reminders(now)` is idempotent: each registration's notice carries the key
`reminder:<registration id>` (unique in the database), and registrations already reminded are
left out, so running it every hour, or twice at once, reminds each person once."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError

from participa.core.timeutil import utcnow
from participa.events.models import Event, Registration, RegistrationStatus
from participa.extensions import db
from participa.notifications.models import NoticeKind, Notification
from participa.notifications.services import notify


def reminder_key(registration_id: int) -> str:
    return f"reminder:{registration_id}"


def tomorrow_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end (UTC) of tomorrow in the municipality's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, zone)
    return start, start + timedelta(days=1)


def _due(now: datetime) -> list[tuple[Registration, Event]]:
    start, end = tomorrow_bounds(now)
    reminded = exists().where(
        Notification.dedupe == "reminder:" + db.cast(Registration.id, db.String)
    )
    query = (
        db.select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.starts_at >= start,
            Event.starts_at < end,
            Registration.status == RegistrationStatus.CONFIRMED,
            ~reminded,
        )
        .order_by(Registration.id)
    )
    return [(r, e) for r, e in db.session.execute(query)]


def send_event_reminders(now: datetime) -> int:
    """Remind everyone registered to an event of tomorrow, once; return how many."""
    sent = 0
    for registration, event in _due(now):
        link = f"/procesos/{event.process_id}/eventos/{event.id}"
        keys = {registration.user_id: reminder_key(registration.id)}
        try:  # notify() flushes: the unique key may already clash there
            notify(
                [registration.user_id],
                NoticeKind.EVENT_REMINDER,
                event.title,
                link,
                now,
                dedupe=keys,
            )
            db.session.commit()
        except IntegrityError:  # another run reminded this registration a moment ago
            db.session.rollback()
            continue
        sent += 1
    return sent


def send_event_reminders_job() -> None:
    """The reminders as a job of no arguments (for a scheduler or queue)."""
    send_event_reminders(utcnow())
