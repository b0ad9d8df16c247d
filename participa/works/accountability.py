"""Public accountability: the approved priorities with progress, schedule and pledges; downloads."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from participa.council.models import CouncilSession
from participa.extensions import db
from participa.oversight.models import Finding, WatchedWork
from participa.territory.models import Colonia
from participa.works import schedule
from participa.works.followup import PUBLIC, last_reports
from participa.works.models import (
    PrioritisationRound,
    ProgressReport,
    RoundCandidate,
    RoundStatus,
    Work,
    WorkStatus,
    WorkTask,
)

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


def public_rows(wanted: PublicFilter, today: date) -> list[Row]:
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
    return next((r for r in public_rows(PublicFilter(), today) if r.work.id == work.id), None)


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
