"""Debates and forums: an event's comment thread, where comments may carry a position.

DESIGN.md: "debate público y foros de opinión: event + comments/positions". Events of DEBATE
and ASAMBLEA processes take comments; only a debate's comments take positions (in favour,
against, neutral). The thread is created with the first comment (pages never write)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.comments import services as comments
from participa.comments.models import Comment, Position
from participa.core.errors import DomainError
from participa.events.models import Event
from participa.events.services import TAKING_PART, lock_event
from participa.extensions import db
from participa.processes.types import ProcessType

COMMENTING_TYPES = (ProcessType.DEBATE, ProcessType.ASAMBLEA)
POSITION_TYPES = (ProcessType.DEBATE,)


def takes_comments(event: Event) -> bool:
    return event.process.type in COMMENTING_TYPES


def takes_positions(event: Event) -> bool:
    return event.process.type in POSITION_TYPES


def commenting_problem(event: Event):
    """Why nobody can comment on `event` now, or None."""
    if not takes_comments(event):
        return _l("This event does not take comments.")
    if event.process.status not in TAKING_PART:
        return _l("Comments are closed: the process is not open.")
    return None


def comment(
    event: Event,
    author,
    body: str,
    now: datetime,
    parent_id: int | None = None,
    position: Position | None = None,
) -> Comment:
    """Add `author`'s comment (or reply) to the event's thread, creating it the first time."""
    if problem := commenting_problem(event):
        raise DomainError(problem)
    if event.thread is None:
        # Two first comments at once must share one thread: take the event's row, then look
        # again (lock_event reloads it), so only the first writer creates the thread.
        event = lock_event(event.id)
    if event.thread is None:
        event.thread = comments.new_thread(allows_positions=takes_positions(event))
        db.session.flush()
    return comments.add_comment(event.thread, author, body, now, parent_id, position)


def discussion(event: Event) -> dict:
    """What the event page shows: the comments with their replies and the counts per position."""
    thread = event.thread
    return {
        "takes_comments": takes_comments(event),
        "takes_positions": takes_positions(event),
        "entries": comments.entries(thread) if thread else [],
        "position_counts": comments.position_counts(thread) if thread else {},
    }
