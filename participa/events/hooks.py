"""What events plug into other domains: panels on the process pages, their questions are
reportable (moderation), and their comment threads (debates, forums) show on the event's page."""

from collections.abc import Collection

from flask_babel import lazy_gettext as _l

from participa.comments import services as comments
from participa.core.timeutil import utcnow
from participa.events import services
from participa.events.models import Event, EventQuestion
from participa.extensions import db
from participa.moderation import registry
from participa.moderation.registry import Location, Reportable
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component


def _event_location(event: Event, anchor: str = "") -> Location:
    return Location(event.process_id, f"/procesos/{event.process_id}/eventos/{event.id}{anchor}")


def _locate(question: EventQuestion) -> Location:
    return _event_location(db.session.get(Event, question.event_id), f"#question-{question.id}")


def _thread_owner(thread_ids: Collection[int]) -> dict[int, Location]:
    query = db.select(Event).where(Event.thread_id.in_(list(thread_ids)))
    return {e.thread_id: _event_location(e) for e in db.session.execute(query).scalars()}


def _excerpt(question: EventQuestion) -> str:
    # As Jinja's truncate(80) cuts it: a few characters over pass, longer text loses its
    # last word.
    text = question.text
    return text if len(text) <= 85 else text[:77].rsplit(" ", 1)[0] + "..."


registry.register(
    Reportable(
        name="question",
        model=EventQuestion,
        path="preguntas",
        label=_l("Event question"),
        locate=_locate,
        subject=lambda question: question.text[:120],
        excerpt=_excerpt,
    )
)
comments.register_thread_owner(_thread_owner)


@components.on_detail(Component.EVENT)
def detail_panel(process, user, today) -> Panel:
    """The process's events with their seats left."""
    events = services.events_of(process)
    seats = {event.id: services.seats_left(event) for event in events}
    return Panel("events/_detail_panel.html", {"events": events, "seats": seats, "now": utcnow()})


@components.on_manage(Component.EVENT)
def manage_panel(process) -> Panel:
    events = services.events_of(process)
    counts = {event.id: services.confirmed_count(event) for event in events}
    return Panel("events/_manage_panel.html", {"events": events, "counts": counts})
