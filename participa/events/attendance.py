"""Attendance: staff mark registered people present and add walk-ins; each person counts once."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from participa.audit.services import record
from participa.auth.curp import InvalidCurp, parse_curp
from participa.auth.models import User
from participa.auth.services import CURP_MESSAGES
from participa.core.errors import DomainError
from participa.events.models import Attendance, Event, Registration, RegistrationStatus
from participa.events.services import MAX_ID
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.tally import AGE_BANDS, age_band
from participa.territory.models import Colonia

MAX_NAME = 160
ALREADY_COUNTED = _l("This person is already counted as present at this event.")
AGE_BAND_LABELS = tuple(label for label, _low, _high in AGE_BANDS)
SEXES = ("H", "M", "X")


@dataclass(frozen=True)
class WalkIn:
    name: str
    curp: str = ""
    colonia_id: int | None = None
    sex: str | None = None
    age_band: str | None = None


@dataclass(frozen=True)
class Totals:
    """Counts a later council dashboard can read: plain numbers, no names."""

    registered: int
    waitlisted: int
    attended: int
    attended_registered: int
    walk_ins: int
    by_colonia: tuple[tuple[str, int], ...]  # (colonia or "", attendees), most first


def _check_open(event: Event) -> None:
    if event.process.status is ProcessStatus.ARCHIVED:
        raise DomainError(_l("An archived process cannot change."))


def _save(actor, attendance: Attendance, **details) -> Attendance:
    db.session.add(attendance)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same person, marked at another desk at once
        db.session.rollback()
        raise DomainError(ALREADY_COUNTED) from error
    record(actor, "event.attendance", attendance, event=attendance.event_id, **details)
    db.session.commit()
    return attendance


def _counted(event: Event, user_id: int | None, curp: str | None) -> bool:
    keys = []
    if user_id is not None:
        keys.append(Attendance.user_id == user_id)
    if curp:
        keys.append(Attendance.curp == curp)
    if not keys:
        return False
    query = db.select(Attendance.id).where(Attendance.event_id == event.id, sa.or_(*keys))
    return db.session.execute(query).first() is not None


def mark_attended(actor, event: Event, user: User, *, now: datetime, today: date) -> Attendance:
    """Count a registered resident as present."""
    _check_open(event)
    registered = db.session.execute(
        db.select(Registration.id).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    ).first()
    if registered is None:
        raise DomainError(_l("This person is not registered; add them as a walk-in."))
    if _counted(event, user.id, user.curp):
        raise DomainError(ALREADY_COUNTED)
    attendance = Attendance(
        event_id=event.id,
        user_id=user.id,
        curp=user.curp,
        name=user.name,
        colonia_id=user.colonia_id,
        age_band=age_band(user.birth_date, today),
        sex=user.sex.value if user.sex else None,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    return _save(actor, attendance, user=user.id)


def _walk_in_curp(text: str, today: date):
    try:
        info = parse_curp(text)
    except InvalidCurp as error:
        raise DomainError(CURP_MESSAGES[error.reason], field="curp") from error
    if info.birth_date > today:
        raise DomainError(CURP_MESSAGES["date"], field="curp")
    return info


def add_walk_in(actor, event: Event, data: WalkIn, *, now: datetime, today: date) -> Attendance:
    """Count someone who came without registering; the CURP, if given, must be valid."""
    _check_open(event)
    name = data.name.strip()
    if not name:
        raise DomainError(_l("Write the person's name."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_l("Keep it to %(num)s characters.", num=MAX_NAME), field="name")
    if data.sex and data.sex not in SEXES:
        raise DomainError(_l("Choose one of the options."), field="sex")
    if data.age_band and data.age_band not in AGE_BAND_LABELS:
        raise DomainError(_l("Choose one of the options."), field="age_band")
    if data.colonia_id is not None and (
        not 0 < data.colonia_id <= MAX_ID or db.session.get(Colonia, data.colonia_id) is None
    ):
        raise DomainError(_l("Choose one of the options."), field="colonia_id")
    info = _walk_in_curp(data.curp, today) if data.curp.strip() else None
    curp = info.curp if info else None
    # A walk-in whose CURP has an account is that resident: they count once either way.
    user_id = None
    if curp:
        user_id = db.session.execute(db.select(User.id).where(User.curp == curp)).scalar()
    if _counted(event, user_id, curp):
        raise DomainError(ALREADY_COUNTED, field="curp")
    attendance = Attendance(
        event_id=event.id,
        user_id=user_id,
        curp=curp,
        name=name,
        walk_in=True,
        colonia_id=data.colonia_id,
        sex=data.sex or (info.sex.value if info else None),
        age_band=data.age_band or (age_band(info.birth_date, today) if info else None),
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    return _save(actor, attendance, walk_in=True)


def search_registered(event: Event, text: str, limit: int = 50) -> list[tuple]:
    """Registered people whose name or CURP contains `text`, with their attendance or None."""
    text = (text or "").strip()[:100]
    query = (
        db.select(Registration, Attendance)
        .join(User, User.id == Registration.user_id)
        .outerjoin(
            Attendance,
            sa.and_(Attendance.event_id == event.id, Attendance.user_id == User.id),
        )
        .where(Registration.event_id == event.id)
        .options(joinedload(Registration.user))
        .order_by(User.name, Registration.id)
        .limit(limit)
    )
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.name).like(pattern), sa.func.lower(User.curp).like(pattern))
        )
    return list(db.session.execute(query).all())


def attendees(event: Event) -> list[Attendance]:
    query = (
        db.select(Attendance)
        .where(Attendance.event_id == event.id)
        .options(joinedload(Attendance.colonia))
        .order_by(Attendance.recorded_at, Attendance.id)
    )
    return list(db.session.execute(query).scalars())


def attendance_count(event: Event) -> int:
    query = db.select(sa.func.count(Attendance.id)).where(Attendance.event_id == event.id)
    return db.session.execute(query).scalar_one()


def totals(event: Event) -> Totals:
    statuses = Counter(
        db.session.execute(
            db.select(Registration.status).where(Registration.event_id == event.id)
        ).scalars()
    )
    present = attendees(event)
    colonias = Counter(a.colonia.name if a.colonia else "" for a in present)
    return Totals(
        registered=statuses[RegistrationStatus.CONFIRMED],
        waitlisted=statuses[RegistrationStatus.WAITLISTED],
        attended=len(present),
        attended_registered=sum(not a.walk_in for a in present),
        walk_ins=sum(a.walk_in for a in present),
        by_colonia=tuple(sorted(colonias.items(), key=lambda item: (-item[1], item[0]))),
    )
