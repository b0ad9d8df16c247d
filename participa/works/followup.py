"""Monthly follow-up of the approved priorities and their public accountability.

A `ProgressReport` records a priority's physical progress (whole %) and the pesos spent at a
date, with a short note and up to three photos. Reports are append-only (a correction is a
new report); one per work per council session. Progress may go down, or the spending exceed
the estimated cost, only with a note that explains it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.core.uploads import clean_photo, delete_photo, save_photo
from participa.council.models import CouncilSession, SessionStatus
from participa.extensions import db
from participa.oversight.models import Finding, WatchedWork
from participa.territory.models import Colonia
from participa.works import schedule
from participa.works.models import (
    PrioritisationRound,
    ProgressPhoto,
    ProgressReport,
    RoundCandidate,
    RoundStatus,
    Work,
    WorkStatus,
    WorkTask,
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
                "The progress goes down from %(before)s%% to %(now)s%%: explain why in the note.",
                before=previous.progress,
                now=data.progress,
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


# --- public accountability ---------------------------------------------------------------


def public_work(work_id: int) -> Work | None:
    """The work if it is public: approved in a round and still in a public status."""
    work = db.session.get(Work, work_id)
    if work is None or work.status not in PUBLIC or _approved_round(work.id) is None:
        return None
    return work


def _approved_round(work_id: int) -> PrioritisationRound | None:
    query = (
        db.select(PrioritisationRound)
        .join(RoundCandidate)
        .where(
            RoundCandidate.work_id == work_id,
            RoundCandidate.approved_rank.is_not(None),
            PrioritisationRound.status == RoundStatus.APPROVED,
        )
        .order_by(PrioritisationRound.id.desc())
    )
    return db.session.execute(query.limit(1)).scalar()


@dataclass(frozen=True)
class Pledged:
    """Residents' help pledged and delivered to the subjects linked to a work."""

    money_pledged: int = 0
    money_delivered: int = 0
    pledges: int = 0
    findings: int = 0


@dataclass(frozen=True)
class Row:
    """One line of the accountability page and of the downloads."""

    period: str
    rank: int
    work: Work
    report: ProgressReport | None
    tasks_done: int
    tasks_total: int
    overdue: int
    pledged: Pledged

    @property
    def progress(self) -> int:
        return self.report.progress if self.report else 0

    @property
    def spent(self) -> int:
        return self.report.spent if self.report else 0

    @property
    def over_budget(self) -> bool:
        return self.spent > self.work.estimated_cost


@dataclass(frozen=True)
class PublicFilter:
    period: str = ""
    delegacion_id: int | None = None
    status: WorkStatus | None = None


def periods() -> list[str]:
    query = db.select(PrioritisationRound.period).where(
        PrioritisationRound.status == RoundStatus.APPROVED
    )
    return sorted(set(db.session.execute(query).scalars()), reverse=True)


def _task_counts(work_ids, today: date) -> dict[int, tuple[int, int, int]]:
    """(done, total, overdue) per work."""
    counts: dict[int, tuple[int, int, int]] = {}
    query = db.select(WorkTask).where(WorkTask.work_id.in_(list(work_ids)))
    for task in db.session.execute(query).scalars():
        done, total, late = counts.get(task.work_id, (0, 0, 0))
        counts[task.work_id] = (
            done + task.done,
            total + 1,
            late + schedule.is_overdue(task, today),
        )
    return counts


def pledged_by_work(work_ids) -> dict[int, Pledged]:
    """Per work: pesos pledged and delivered, live pledges, and visible findings, of the
    oversight/collaboration subjects linked to it (summed in SQL)."""
    from participa.collaboration import totals  # late: collaboration imports oversight

    ids = list(work_ids)
    money = totals.money_by_linked_work(ids)
    findings = db.session.execute(
        db.select(WatchedWork.work_id, func.count(Finding.id))
        .join(Finding, Finding.work_id == WatchedWork.id)
        .where(WatchedWork.work_id.in_(ids), Finding.hidden_at.is_(None))
        .group_by(WatchedWork.work_id)
    )
    found = dict(findings.all())
    return {
        i: Pledged(*money.get(i, (0, 0, 0)), findings=found.get(i, 0))
        for i in ids
        if i in money or i in found
    }


def accountability(wanted: PublicFilter, today: date) -> list[Row]:
    """Every approved priority of every approved round (newest period first, by place)."""
    query = (
        db.select(RoundCandidate, PrioritisationRound.period)
        .join(PrioritisationRound)
        .join(Work, RoundCandidate.work_id == Work.id)
        .where(
            PrioritisationRound.status == RoundStatus.APPROVED,
            RoundCandidate.approved_rank.is_not(None),
            Work.status.in_(PUBLIC),
        )
    )
    if wanted.period:
        query = query.where(PrioritisationRound.period == wanted.period)
    if wanted.status:
        query = query.where(Work.status == wanted.status)
    if wanted.delegacion_id:
        colonias = db.select(Colonia.id).where(Colonia.delegacion_id == wanted.delegacion_id)
        query = query.where(
            (Work.delegacion_id == wanted.delegacion_id) | Work.colonia_id.in_(colonias)
        )
    query = query.order_by(PrioritisationRound.id.desc(), RoundCandidate.approved_rank)
    found = list(db.session.execute(query))
    ids = [c.work_id for c, _period in found]
    reports, tasks, pledged = last_reports(ids), _task_counts(ids, today), pledged_by_work(ids)
    return [
        Row(
            period,
            c.approved_rank,
            c.work,
            reports.get(c.work_id),
            *tasks.get(c.work_id, (0, 0, 0)),
            pledged.get(c.work_id, Pledged()),
        )
        for c, period in found
    ]


def row_of(work: Work, today: date) -> Row | None:
    return next((r for r in accountability(PublicFilter(), today) if r.work.id == work.id), None)


def linked_subjects(work: Work) -> list[WatchedWork]:
    query = db.select(WatchedWork).where(WatchedWork.work_id == work.id).order_by(WatchedWork.id)
    return list(db.session.execute(query).scalars())


def linkable_works() -> list[Work]:
    """Works an oversight subject may follow: approved priorities and what they became."""
    statuses = (WorkStatus.PRIORITY, WorkStatus.IN_EXECUTION, WorkStatus.DONE)
    query = db.select(Work).where(Work.status.in_(statuses)).order_by(Work.title, Work.id)
    return list(db.session.execute(query).scalars())


# --- downloads ---------------------------------------------------------------------------

CSV_HEADER = (
    "period", "place", "work_id", "title", "status", "delegacion", "colonia", "funding",
    "estimated_cost", "progress_pct", "spent", "last_report_on", "tasks_done", "tasks_total",
    "tasks_overdue", "money_pledged", "money_delivered", "pledges", "findings",
)  # fmt: skip
HISTORY_HEADER = ("report_id", "reported_on", "progress_pct", "spent", "note", "session")


def _zone_names(work: Work) -> tuple[str, str]:
    delegacion = work.zone_delegacion
    return (delegacion.name if delegacion else "", work.colonia.name if work.colonia else "")


def row_dict(row: Row) -> dict:
    """The JSON shape of one priority (documented in docs/works.md)."""
    delegacion, colonia = _zone_names(row.work)
    return {
        "period": row.period,
        "place": row.rank,
        "work_id": row.work.id,
        "title": row.work.title,
        "status": row.work.status.value,
        "delegacion": delegacion or None,
        "colonia": colonia or None,
        "funding": row.work.funding.value,
        "estimated_cost": row.work.estimated_cost,
        "progress_pct": row.progress,
        "spent": row.spent,
        "last_report_on": row.report.reported_on.isoformat() if row.report else None,
        "tasks": {"done": row.tasks_done, "total": row.tasks_total, "overdue": row.overdue},
        "pledges": {
            "money_pledged": row.pledged.money_pledged,
            "money_delivered": row.pledged.money_delivered,
            "count": row.pledged.pledges,
        },
        "findings": row.pledged.findings,
    }


def csv_rows(rows: list[Row]):
    yield CSV_HEADER
    for row in rows:
        data = row_dict(row)
        yield (
            data["period"], data["place"], data["work_id"], data["title"], data["status"],
            data["delegacion"] or "", data["colonia"] or "", data["funding"],
            data["estimated_cost"], data["progress_pct"], data["spent"],
            data["last_report_on"] or "", row.tasks_done, row.tasks_total, row.overdue,
            row.pledged.money_pledged, row.pledged.money_delivered, row.pledged.pledges,
            row.pledged.findings,
        )  # fmt: skip


def report_dict(report: ProgressReport, sessions: dict[int, str]) -> dict:
    return {
        "report_id": report.id,
        "reported_on": report.reported_on.isoformat(),
        "progress_pct": report.progress,
        "spent": report.spent,
        "note": report.note,
        "session": sessions.get(report.council_session_id),
    }


def history_rows(reports: list[ProgressReport]):
    yield HISTORY_HEADER
    sessions = session_names(reports)
    for report in reports:
        data = report_dict(report, sessions)
        yield tuple(data[k] if data[k] is not None else "" for k in HISTORY_HEADER)


def session_names(reports) -> dict[int, str]:
    """“number/year” of the council session of each report that has one."""
    ids = {r.council_session_id for r in reports if r.council_session_id}
    if not ids:
        return {}
    query = db.select(CouncilSession).where(CouncilSession.id.in_(ids))
    return {s.id: f"{s.number}/{s.year}" for s in db.session.execute(query).scalars()}
