"""The council's approved priorities as published: which works are public, and their rows.

A row is what works knows of a priority (period, place, last report, schedule). The public
accountability pages (participa/accountability/) add the residents' help to it.
"""

from dataclasses import dataclass
from datetime import date

from participa.extensions import db
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


def public_work(work_id: int) -> Work | None:
    """The work if it is public: approved in a round and still in a public status."""
    work = db.session.get(Work, work_id)
    if work is None or work.status not in PUBLIC or _approved_round(work.id) is None:
        return None
    return work


def public_filter():
    """Works anyone may find: as `public_work`, in a public status and approved in a round."""
    approved = (
        db.select(RoundCandidate.work_id)
        .join(PrioritisationRound)
        .where(
            RoundCandidate.approved_rank.is_not(None),
            PrioritisationRound.status == RoundStatus.APPROVED,
        )
    )
    return Work.status.in_(PUBLIC) & Work.id.in_(approved)


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
class Row:
    """One approved priority: its period and place, last report and schedule counts."""

    period: str
    rank: int
    work: Work
    report: ProgressReport | None
    tasks_done: int
    tasks_total: int
    overdue: int

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
    reports, tasks = last_reports(ids), _task_counts(ids, today)
    return [
        Row(
            period,
            c.approved_rank,
            c.work,
            reports.get(c.work_id),
            *tasks.get(c.work_id, (0, 0, 0)),
        )
        for c, period in found
    ]
