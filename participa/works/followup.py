"""Monthly follow-up of the approved priorities (their public pages: participa/accountability/).

A `ProgressReport` records a priority's physical progress (whole %) and the pesos spent at a
date, with a short note and up to three photos. Reports are append-only (a correction is a
new report); one per work per council session. Progress may go down, or the spending exceed
the estimated cost, only with a note that explains it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.core.numbers import percent
from participa.core.uploads import clean_photo, delete_photo, save_photo
from participa.council.models import CouncilSession, SessionStatus
from participa.extensions import db
from participa.works.atomic import rolls_back
from participa.works.models import (
    ProgressPhoto,
    ProgressReport,
    Work,
    WorkStatus,
)

AREA = "works"
MAX_NOTE, MAX_PHOTOS = 500, 3
MAX_SPENT = 10**12
# Works that get follow-up reports (done works may get a last one outside sessions).
FOLLOWED = (WorkStatus.PRIORITY, WorkStatus.IN_EXECUTION)
REPORTABLE = (*FOLLOWED, WorkStatus.DONE)
# Statuses a work may have on the public pages: approved priorities and what they became.
PUBLIC = (WorkStatus.PRIORITY, WorkStatus.IN_EXECUTION, WorkStatus.DONE, WorkStatus.DISCARDED)
REPORTING_SESSIONS = (SessionStatus.HELD, SessionStatus.APPROVED)


@dataclass(frozen=True)
class ReportData:
    reported_on: date | None
    progress: int | None
    spent: int | None
    note: str


def last_report(work: Work) -> ProgressReport | None:
    query = db.select(ProgressReport).where(ProgressReport.work_id == work.id)
    query = query.order_by(ProgressReport.reported_on.desc(), ProgressReport.id.desc())
    return db.session.execute(query.limit(1)).scalar()


def history(work: Work) -> list[ProgressReport]:
    """The work's reports, oldest first."""
    query = db.select(ProgressReport).where(ProgressReport.work_id == work.id)
    query = query.order_by(ProgressReport.reported_on, ProgressReport.id)
    return list(db.session.execute(query).scalars())


def last_reports(work_ids) -> dict[int, ProgressReport]:
    """The latest report of each of `work_ids` (by date, then id)."""
    found: dict[int, ProgressReport] = {}
    query = db.select(ProgressReport).where(ProgressReport.work_id.in_(list(work_ids)))
    for report in db.session.execute(
        query.order_by(ProgressReport.reported_on, ProgressReport.id)
    ).scalars():
        found[report.work_id] = report
    return found


def _check(work: Work, data: ReportData, photos: list[bytes]) -> str:
    if work.status not in REPORTABLE:
        raise DomainError(_l("Only the council's approved priorities have a follow-up."))
    note = data.note.strip()
    if data.reported_on is None:
        raise DomainError(_l("Write the date of the report."), field="reported_on")
    if data.progress is None or not 0 <= data.progress <= 100:
        raise DomainError(
            _l("Write the physical progress as a whole percentage from 0 to 100."),
            field="progress",
        )
    if data.spent is None or not 0 <= data.spent <= MAX_SPENT:
        raise DomainError(
            _l("Write the amount spent so far in whole pesos (0 or more)."), field="spent"
        )
    if len(note) > MAX_NOTE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NOTE), field="note")
    previous = last_report(work)
    if previous is not None and data.progress < previous.progress and not note:
        raise DomainError(
            _l(
                "The progress goes down from %(before)s to %(now)s: explain why in the note.",
                before=percent(previous.progress, 100),
                now=percent(data.progress, 100),
            ),
            field="note",
        )
    if data.spent > work.estimated_cost and not note:
        raise DomainError(
            _l("The amount spent is above the estimated cost: explain why in the note."),
            field="note",
        )
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_l("At most %(n)s photos.", n=MAX_PHOTOS), field="photos")
    return note


@rolls_back
def add_report(
    actor,
    work: Work,
    data: ReportData,
    photos: list[bytes],
    folder: Path,
    now: datetime,
    session: CouncilSession | None = None,
) -> ProgressReport:
    """Append a follow-up report; in a held council session, at most one per work."""
    if session is not None:
        if session.status not in REPORTING_SESSIONS:
            raise DomainError(_l("Follow-up is recorded in sessions that were held."))
        taken = db.select(ProgressReport.id).where(
            ProgressReport.work_id == work.id, ProgressReport.council_session_id == session.id
        )
        if db.session.execute(taken).first():
            raise DomainError(_l("This work already has its report for this session."))
    note = _check(work, data, photos)
    cleaned = [clean_photo(photo) for photo in photos]  # raises before any file exists
    report = ProgressReport(
        work_id=work.id,
        council_session_id=session.id if session else None,
        reported_on=data.reported_on,
        progress=data.progress,
        spent=data.spent,
        note=note,
        created_by_id=actor.id,
        created_at=now,
    )
    names: list[str] = []
    try:
        for position, jpeg in enumerate(cleaned):
            names.append(save_photo(folder, jpeg))
            report.photos.append(ProgressPhoto(name=names[-1], position=position))
        db.session.add(report)
        db.session.flush()
        record(
            actor,
            "works.report.add",
            work,
            report=report.id,
            session=report.council_session_id,
            progress=data.progress,
            spent=data.spent,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        for name in names:
            delete_photo(folder, name)
        raise DomainError(_l("This work already has its report for this session.")) from None
    except Exception:
        db.session.rollback()
        for name in names:  # no file without its report
            delete_photo(folder, name)
        raise
    return report


def followed_works() -> list[Work]:
    """The priorities being followed (priority or in execution), by title."""
    query = db.select(Work).where(Work.status.in_(FOLLOWED)).order_by(Work.title, Work.id)
    return list(db.session.execute(query).scalars())


def session_reports(session: CouncilSession) -> dict[int, ProgressReport]:
    query = db.select(ProgressReport).where(ProgressReport.council_session_id == session.id)
    return {r.work_id: r for r in db.session.execute(query).scalars()}


def reporting_sessions() -> list[CouncilSession]:
    """Held sessions, newest first: where follow-up can be recorded."""
    query = db.select(CouncilSession).where(CouncilSession.status.in_(REPORTING_SESSIONS))
    return list(db.session.execute(query.order_by(CouncilSession.starts_at.desc())).scalars())


def has_photo(work: Work, name: str) -> bool:
    query = (
        db.select(ProgressPhoto.id)
        .join(ProgressReport)
        .where(ProgressReport.work_id == work.id, ProgressPhoto.name == name)
    )
    return db.session.execute(query).first() is not None


def session_names(reports) -> dict[int, str]:
    """The name of the council session of each report that has one, kind included."""
    ids = {r.council_session_id for r in reports if r.council_session_id}
    if not ids:
        return {}
    query = db.select(CouncilSession).where(CouncilSession.id.in_(ids))
    return {s.id: s.name for s in db.session.execute(query).scalars()}
