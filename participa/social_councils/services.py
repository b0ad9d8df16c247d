"""Consejos sociales: creating them, their members and meetings, and their pledges to works.

A council's pledge is recorded by popular collaboration itself (`pledges.record_walk_in`
with the council's id), on a work watched by an open collaboration process: one pledge row,
so the work's totals, the council's deliveries and the per-colonia figures count it once,
never beside a copy.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.collaboration import pledges
from participa.collaboration.models import Pledge
from participa.core.errors import DomainError
from participa.core.uploads import check_pdf, delete_pdf, save_pdf
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.processes.models import Process
from participa.processes.types import Component, ProcessStatus
from participa.social_councils.models import (
    SocialCouncil,
    SocialCouncilMeeting,
    SocialCouncilMember,
)
from participa.territory.models import Colonia
from participa.works.atomic import rolls_back

AREA = "social_councils"
MAX_NAME, MAX_ROLE, MAX_CONTACT, MAX_MINUTES = 160, 80, 160, 20_000
MAX_ATTENDANCE = 10_000


def _text(value: str, limit: int, field: str, missing=None) -> str:
    value = value.strip()
    if missing is not None and not value:
        raise DomainError(missing, field=field)
    if len(value) > limit:
        raise DomainError(_l("At most %(n)s characters.", n=limit), field=field)
    return value


@rolls_back
def create_council(actor, name: str, colonia_id: int | None, sector: str) -> SocialCouncil:
    name = _text(name, MAX_NAME, "name", _l("Write the council's name."))
    sector = _text(sector, MAX_NAME, "sector")
    if colonia_id is not None and db.session.get(Colonia, colonia_id) is None:
        colonia_id = None
    if colonia_id is None and not sector:
        raise DomainError(_l("Choose the council's colonia or write its sector."),
                          field="colonia_id")  # fmt: skip
    council = SocialCouncil(name=name, colonia_id=colonia_id, sector=sector,
                            created_by_id=actor.id)  # fmt: skip
    db.session.add(council)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_l("There is already a council with that name."), field="name") from None
    record(actor, "social_councils.create", council)
    db.session.commit()
    return council


@rolls_back
def add_member(actor, council: SocialCouncil, name: str, role: str, contact: str) -> None:
    member = SocialCouncilMember(
        name=_text(name, MAX_NAME, "name", _l("Write the member's name.")),
        role=_text(role, MAX_ROLE, "role", _l("Write the member's role in the council.")),
        contact=_text(contact, MAX_CONTACT, "contact"),
    )
    council.members.append(member)
    db.session.flush()
    record(actor, "social_councils.member.add", council, member=member.id)
    db.session.commit()


def remove_member(actor, member: SocialCouncilMember) -> None:
    record(actor, "social_councils.member.remove", member, council=member.council_id)
    db.session.delete(member)
    db.session.commit()


@dataclass(frozen=True)
class MeetingData:
    held_on: date | None
    attendance: int | None
    minutes: str
    pdf: bytes | None = None


@rolls_back
def record_meeting(
    actor, council: SocialCouncil, data: MeetingData, folder: Path, today: date
) -> SocialCouncilMeeting:
    """Record a meeting with its minutes as text, a PDF, or both."""
    if data.held_on is None or data.held_on > today:
        raise DomainError(_l("Give the date of the meeting; it cannot be in the future."),
                          field="held_on")  # fmt: skip
    if data.attendance is None or not 0 <= data.attendance <= MAX_ATTENDANCE:
        raise DomainError(_l("Write how many people were present."), field="attendance")
    minutes = _text(data.minutes, MAX_MINUTES, "minutes")
    pdf = check_pdf(data.pdf, "minutes_pdf") if data.pdf else None
    if not minutes and pdf is None:
        raise DomainError(_l("Write the minutes or upload them as a PDF."), field="minutes")
    meeting = SocialCouncilMeeting(
        held_on=data.held_on, attendance=data.attendance, minutes=minutes, created_by_id=actor.id
    )
    name = save_pdf(folder, pdf) if pdf else None
    try:
        meeting.minutes_pdf = name
        council.meetings.append(meeting)
        db.session.flush()
        record(actor, "social_councils.meeting", council, meeting=meeting.id, on=data.held_on)
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_pdf(folder, name)  # no file without its meeting
        raise
    return meeting


def councils() -> list[SocialCouncil]:
    query = db.select(SocialCouncil).options(selectinload(SocialCouncil.colonia))
    return list(db.session.execute(query.order_by(SocialCouncil.name)).scalars())


def pledgeable_works() -> list[WatchedWork]:
    """Works watched by open collaboration processes: where a council can pledge."""
    query = (
        db.select(WatchedWork)
        .join(Process)
        .where(Process.status == ProcessStatus.OPEN)
        .order_by(Process.title, WatchedWork.name)
        .options(selectinload(WatchedWork.process))
    )
    return [
        w for w in db.session.execute(query).scalars() if Component.PLEDGES in w.process.components
    ]


def pledge(
    actor, council: SocialCouncil, work_id: int | None, data: pledges.PledgeData, now: datetime
) -> Pledge:
    """Record the council's pledge to a work (one pledge row in popular collaboration)."""
    work = next((w for w in pledgeable_works() if w.id == work_id), None)
    if work is None:
        raise DomainError(_l("Choose a work of an open popular-collaboration process."),
                          field="work_id")  # fmt: skip
    return pledges.record_walk_in(
        actor, work, council.name, council.colonia_id, data, now, social_council_id=council.id
    )


def council_pledges(council: SocialCouncil) -> list[Pledge]:
    query = (
        db.select(Pledge)
        .where(Pledge.social_council_id == council.id)
        .options(selectinload(Pledge.deliveries), selectinload(Pledge.work))
    )
    return list(db.session.execute(query.order_by(Pledge.id.desc())).scalars())


def meeting_with_pdf(council: SocialCouncil, name: str) -> SocialCouncilMeeting | None:
    query = db.select(SocialCouncilMeeting).where(
        SocialCouncilMeeting.council_id == council.id, SocialCouncilMeeting.minutes_pdf == name
    )
    return db.session.execute(query).scalar()
