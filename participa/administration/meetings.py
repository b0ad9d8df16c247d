"""Meetings with the administration and the directorates' commitments per priority.

Staff record a meeting (the mayor and directors, or the FAIS liaison), then each commitment
a directorate took for an approved priority, with a due date; later they append dated
follow-up notes and mark it fulfilled or dropped. Open commitments are read by the work's
pages and by each council session's follow-up of priorities (hooks.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from participa.administration.models import (
    Commitment,
    CommitmentNote,
    CommitmentStatus,
    Meeting,
    MeetingKind,
)
from participa.audit.services import record
from participa.core.errors import DomainError
from participa.extensions import db
from participa.works.atomic import rolls_back
from participa.works.followup import REPORTABLE
from participa.works.models import Work

PAGE_SIZE = 50
MAX_PLACE, MAX_TEXT, MAX_DIRECTORATE, MAX_LONG = 200, 500, 160, 5000


@dataclass(frozen=True)
class MeetingData:
    kind: MeetingKind
    held_on: date | None
    place: str
    attendees: str
    agreements: str = ""


@dataclass(frozen=True)
class CommitmentData:
    work_id: int | None
    directorate: str
    text: str
    due_on: date | None


def _limit(value: str, limit: int, field: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise DomainError(_l("At most %(n)s characters.", n=limit), field=field)
    return value


def _check_meeting(data: MeetingData, today: date) -> dict:
    if data.held_on is None or data.held_on > today:
        raise DomainError(_l("Give the date of the meeting; it cannot be in the future."),
                          field="held_on")  # fmt: skip
    place = _limit(data.place, MAX_PLACE, "place")
    if not place:
        raise DomainError(_l("Write where the meeting took place."), field="place")
    attendees = _limit(data.attendees, MAX_LONG, "attendees")
    if not attendees:
        raise DomainError(_l("List who attended, one per line."), field="attendees")
    agreements = _limit(data.agreements, MAX_LONG, "agreements")
    return {"kind": data.kind, "held_on": data.held_on, "place": place,
            "attendees": attendees, "agreements": agreements}  # fmt: skip


@rolls_back
def create_meeting(actor, data: MeetingData, today: date, now: datetime) -> Meeting:
    meeting = Meeting(**_check_meeting(data, today), created_by_id=actor.id, created_at=now)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "administration.meeting.create", meeting, kind=data.kind, on=data.held_on)
    db.session.commit()
    return meeting


@rolls_back
def edit_meeting(actor, meeting: Meeting, data: MeetingData, today: date) -> None:
    for name, value in _check_meeting(data, today).items():
        setattr(meeting, name, value)
    record(actor, "administration.meeting.edit", meeting)
    db.session.commit()


def priorities() -> list[Work]:
    """The approved priorities (and what they became) a commitment may be about."""
    query = db.select(Work).where(Work.status.in_(REPORTABLE)).order_by(Work.title, Work.id)
    return list(db.session.execute(query).scalars())


@rolls_back
def add_commitment(actor, meeting: Meeting, data: CommitmentData) -> Commitment:
    work = db.session.get(Work, data.work_id) if data.work_id is not None else None
    if work is None or work.status not in REPORTABLE:
        raise DomainError(_l("Choose one of the council's approved priorities."), field="work_id")
    directorate = _limit(data.directorate, MAX_DIRECTORATE, "directorate")
    if not directorate:
        raise DomainError(_l("Write which directorate committed."), field="directorate")
    text = _limit(data.text, MAX_TEXT, "text")
    if not text:
        raise DomainError(_l("Write what the directorate committed to."), field="text")
    if data.due_on is None or data.due_on < meeting.held_on:
        raise DomainError(_l("Give the due date; it cannot be before the meeting."),
                          field="due_on")  # fmt: skip
    item = Commitment(
        meeting_id=meeting.id, work_id=work.id, directorate=directorate, text=text,
        due_on=data.due_on,
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    record(actor, "administration.commitment.add", item, work=work.id, due=data.due_on)
    db.session.commit()
    return item


@rolls_back
def follow_up(
    actor, item: Commitment, noted_on: date | None, text: str, status: CommitmentStatus,
    today: date,
) -> None:  # fmt: skip
    """Append a dated note and set the status; a note is required to close or reopen."""
    text = _limit(text, MAX_TEXT, "text")
    if noted_on is None or noted_on > today:
        raise DomainError(_l("Give the date of the note; it cannot be in the future."),
                          field="noted_on")  # fmt: skip
    if not text:
        raise DomainError(_l("Write what was done or learnt."), field="text")
    before = item.status
    item.notes.append(CommitmentNote(noted_on=noted_on, text=text, created_by_id=actor.id))
    item.status = status
    db.session.flush()
    record(actor, "administration.commitment.note", item, before=before, after=status)
    db.session.commit()


def count_meetings() -> int:
    return db.session.execute(db.select(func.count(Meeting.id))).scalar_one()


def meetings(page: int) -> list[tuple[Meeting, int]]:
    """One page of meetings, newest first, each with its number of commitments (one query)."""
    commitments = (
        db.select(func.count(Commitment.id))
        .where(Commitment.meeting_id == Meeting.id)
        .scalar_subquery()
    )
    query = (
        db.select(Meeting, commitments)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return [tuple(row) for row in db.session.execute(query)]


def meeting_with_commitments(meeting_id: int) -> Meeting | None:
    """A meeting with its commitments, their works and notes loaded in a fixed few queries."""
    query = (
        db.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.commitments).options(
                selectinload(Commitment.work), selectinload(Commitment.notes)
            )
        )
    )
    return db.session.execute(query).scalar_one_or_none()


def commitments_of(work_ids: Iterable[int], open_only: bool = False) -> dict[int, list]:
    """Commitments per work (with their meeting and notes), by due date."""
    query = (
        db.select(Commitment)
        .where(Commitment.work_id.in_(list(work_ids)))
        .options(selectinload(Commitment.meeting), selectinload(Commitment.notes))
        .order_by(Commitment.due_on, Commitment.id)
    )
    if open_only:
        query = query.where(Commitment.status == CommitmentStatus.OPEN)
    found: dict[int, list] = {}
    for item in db.session.execute(query).scalars():
        found.setdefault(item.work_id, []).append(item)
    return found


def directorates() -> list[str]:
    """The directorates already named by works, tasks and commitments: the form's suggestions."""
    names = set(db.session.execute(db.select(Work.directorate).distinct()).scalars())
    names |= set(db.session.execute(db.select(Commitment.directorate).distinct()).scalars())
    return sorted((n for n in names if n), key=str.casefold)
