"""What an activity can be linked to: council sessions, events, works and processes.

Each kind reads a bounded list (the newest `CHOICES` rows) for the pickers, and the titles of
the linked rows in one query per kind.
"""

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from participa.council.models import CouncilSession, SessionKind
from participa.events.models import Event
from participa.extensions import db
from participa.officeplan.models import ActivityLink, LinkKind
from participa.processes.models import Process
from participa.works.models import Work

CHOICES = 200
LINK_LABELS = {
    LinkKind.SESSION: _l("Council session"),
    LinkKind.EVENT: _l("Event"),
    LinkKind.WORK: _l("Work"),
    LinkKind.PROCESS: _l("Process"),
}
SESSION_KIND = {
    SessionKind.ORDINARY: _l("Ordinary"),
    SessionKind.EXTRAORDINARY: _l("Extraordinary"),
}
MODELS = {
    LinkKind.SESSION: CouncilSession,
    LinkKind.EVENT: Event,
    LinkKind.WORK: Work,
    LinkKind.PROCESS: Process,
}


def _label(kind: LinkKind, row) -> str:
    if kind is LinkKind.SESSION:
        when = format_date(row.starts_at, "medium")
        return f"{SESSION_KIND[row.kind]} {row.number}/{row.year} ({when})"
    if kind is LinkKind.EVENT:
        return f"{row.title} ({format_date(row.starts_at, 'medium')})"
    return row.title


def _newest(kind: LinkKind):
    model = MODELS[kind]
    order = model.starts_at.desc() if hasattr(model, "starts_at") else model.id.desc()
    return db.select(model).order_by(order).limit(CHOICES)


def choices(kind: LinkKind) -> list[tuple[int, str]]:
    return [(row.id, _label(kind, row)) for row in db.session.execute(_newest(kind)).scalars()]


@dataclass(frozen=True)
class LinkedItem:
    link: ActivityLink
    label: str
    row: object | None  # None: the linked row no longer exists


def resolve(links: list[ActivityLink]) -> list[LinkedItem]:
    """Each link with the current title of what it names."""
    rows = {}
    for kind in LinkKind:
        ids = {link.target_id for link in links if link.kind is kind}
        if ids:
            model = MODELS[kind]
            found = db.session.execute(db.select(model).where(model.id.in_(ids))).scalars()
            rows.update({(kind, row.id): row for row in found})
    items = []
    for link in links:
        row = rows.get((link.kind, link.target_id))
        label = _label(link.kind, row) if row else str(_l("(deleted)"))
        items.append(LinkedItem(link, label, row))
    return items
