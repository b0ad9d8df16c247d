"""Council sessions: numbering, the agenda (orden del día), attendance, quorum and status.

Transitions: scheduled → held (`mark_held`) → approved (`minutes.approve_minutes`). The agenda
changes only while scheduled; attendance and agreements are recorded while scheduled or held.
"""

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.council.commit import commit, flush
from participa.council.members import current_members
from participa.council.models import (
    OPEN_AGREEMENT,
    AgendaItem,
    Agreement,
    CouncilSession,
    Presence,
    SessionAttendance,
    SessionKind,
    SessionStatus,
)
from participa.extensions import db

MAX_PLACE, MAX_TITLE, MAX_DESCRIPTION, MAX_PRESENTER = 200, 200, 5000, 160
RECORDING = frozenset({SessionStatus.SCHEDULED, SessionStatus.HELD})


def all_sessions() -> list[CouncilSession]:
    query = db.select(CouncilSession).order_by(CouncilSession.starts_at.desc())
    return list(db.session.execute(query).scalars())


def approved_sessions() -> list[CouncilSession]:
    query = (
        db.select(CouncilSession)
        .where(CouncilSession.status == SessionStatus.APPROVED)
        .order_by(CouncilSession.starts_at.desc())
    )
    return list(db.session.execute(query).scalars())


def pending_agreements(before: datetime) -> list[Agreement]:
    """Agreements not done or cancelled of sessions that started before `before`."""
    query = (
        db.select(Agreement)
        .join(CouncilSession)
        .where(Agreement.status.in_(OPEN_AGREEMENT), CouncilSession.starts_at < before)
        .order_by(CouncilSession.starts_at, Agreement.number)
    )
    return list(db.session.execute(query).scalars())


def _next_number(kind: SessionKind, year: int) -> int:
    query = db.select(func.max(CouncilSession.number)).where(
        CouncilSession.kind == kind, CouncilSession.year == year
    )
    return (db.session.execute(query).scalar() or 0) + 1


def create_session(actor, kind: SessionKind, starts_at: datetime, place: str, tz) -> CouncilSession:
    """Convene a session; its agenda opens with the review of pending agreements, if any."""
    if not place.strip():
        raise DomainError(_l("Write where the session takes place."), field="place")
    if len(place) > MAX_PLACE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_PLACE), field="place")
    year = starts_at.astimezone(tz).year
    session = CouncilSession(
        kind=kind, year=year, number=_next_number(kind, year), starts_at=starts_at
    )
    session.place = place.strip()
    pending = pending_agreements(starts_at)
    if pending:
        session.agenda.append(
            AgendaItem(
                position=1,
                title=gettext("Follow-up of pending agreements"),
                follow_up=True,
                agreements=pending,
            )
        )
    db.session.add(session)
    flush()
    record(actor, "council.session.create", session, kind=kind, year=year, number=session.number)
    commit()
    return session


def _ensure_scheduled(session: CouncilSession) -> None:
    if session.status is not SessionStatus.SCHEDULED:
        raise DomainError(_l("The agenda changes only while the session is scheduled."))


@dataclass(frozen=True)
class ItemData:
    title: str
    description: str = ""
    presenter: str = ""


def add_item(actor, session: CouncilSession, data: ItemData) -> AgendaItem:
    _ensure_scheduled(session)
    if not data.title.strip():
        raise DomainError(_l("Write the item's title."), field="title")
    for value, limit, name in (
        (data.title, MAX_TITLE, "title"),
        (data.description, MAX_DESCRIPTION, "description"),
        (data.presenter, MAX_PRESENTER, "presenter"),
    ):
        if len(value) > limit:
            raise DomainError(_l("At most %(n)s characters.", n=limit), field=name)
    position = max((i.position for i in session.agenda), default=0) + 1
    item = AgendaItem(
        position=position,
        title=data.title.strip(),
        description=data.description.strip(),
        presenter=data.presenter.strip(),
    )
    session.agenda.append(item)
    flush()
    record(actor, "council.agenda.add", session, item=item.id, title=item.title)
    commit()
    return item


def _renumber(session: CouncilSession, items: list[AgendaItem]) -> None:
    for index, item in enumerate(items, start=1):
        item.position = index
    session.agenda.sort(key=lambda i: i.position)


def move_item(actor, session: CouncilSession, item: AgendaItem, step: int) -> None:
    """Move an item one place up (-1) or down (+1)."""
    _ensure_scheduled(session)
    items = list(session.agenda)
    index = items.index(item)
    target = index + step
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    _renumber(session, items)
    record(actor, "council.agenda.move", session, item=item.id, step=step)
    commit()


def remove_item(actor, session: CouncilSession, item: AgendaItem) -> None:
    _ensure_scheduled(session)
    items = [i for i in session.agenda if i is not item]
    session.agenda.remove(item)
    _renumber(session, items)
    record(actor, "council.agenda.remove", session, item=item.id, title=item.title)
    commit()


@dataclass(frozen=True)
class Quorum:
    members: int  # current members on the session's day
    present: int
    reached: bool


def quorum(session: CouncilSession, fraction: float, tz) -> Quorum:
    """Present current members against the rule "more than `fraction` of current members"."""
    day = session.starts_at.astimezone(tz).date()
    current = {m.id for m in current_members(day)}
    present = sum(
        1 for a in session.attendance if a.member_id in current and a.presence is Presence.PRESENT
    )
    needed = Fraction(str(fraction)) * len(current)
    return Quorum(len(current), present, bool(current) and present > needed)


def record_attendance(actor, session: CouncilSession, marks: dict[int, Presence], tz) -> None:
    """Set each listed current member's presence; members not listed keep theirs."""
    if session.status not in RECORDING:
        raise DomainError(_l("Attendance cannot change once the minutes are approved."))
    day = session.starts_at.astimezone(tz).date()
    current = {m.id for m in current_members(day)}
    if set(marks) - current:
        raise DomainError(_l("Only current members of the council can be marked."))
    existing = {a.member_id: a for a in session.attendance}
    for member_id, presence in marks.items():
        if member_id in existing:
            existing[member_id].presence = presence
        else:
            session.attendance.append(SessionAttendance(member_id=member_id, presence=presence))
    record(
        actor, "council.attendance", session, marks={str(k): v for k, v in sorted(marks.items())}
    )
    commit()


def mark_held(actor, session: CouncilSession) -> None:
    if session.status is not SessionStatus.SCHEDULED:
        raise DomainError(_l("Only a scheduled session can be marked as held."))
    session.status = SessionStatus.HELD
    record(actor, "council.session.held", session)
    commit()
