"""The council dashboard's first screen: a few summary figures, each one query, and the
latest participatory budget with published results.

Everything here is a COUNT or a LIMIT 1: the cost does not grow with the data's size beyond
what the indexes answer. The detailed sections are separate pages (views.dashboard_section).
"""

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import func

from participa.council.models import OPEN_AGREEMENT, Agreement, CouncilSession, SessionStatus
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessStatus, ProcessType
from participa.works.models import Work, WorkStatus, WorkTask

FOLLOWED = (WorkStatus.PRIORITY, WorkStatus.IN_EXECUTION)


@dataclass(frozen=True)
class Overview:
    open_processes: int
    participations: int  # in the period, after the filters (Heard.total)
    works_in_execution: int
    works_followed: int  # approved priorities and works in execution
    works_late: int  # of them, with an unfinished task past its end
    agreements_open: int  # pending or in progress
    agreements_overdue: int
    next_session: CouncilSession | None
    latest_budget: Process | None  # the latest PB process with published results

    @property
    def late_share(self) -> Fraction | None:
        return Fraction(self.works_late, self.works_followed) if self.works_followed else None


def _count(query) -> int:
    return db.session.execute(query).scalar_one()


def build_overview(participations: int, today: date, now: datetime) -> Overview:
    """The summary figures; `participations` comes from the period's Heard."""
    late = (
        db.select(func.count(func.distinct(WorkTask.work_id)))
        .join(Work, Work.id == WorkTask.work_id)
        .where(Work.status.in_(FOLLOWED), WorkTask.done.is_(False), WorkTask.ends_on < today)
    )
    overdue = db.select(func.count(Agreement.id)).where(
        Agreement.status.in_(OPEN_AGREEMENT), Agreement.due_on < today
    )
    next_session = db.select(CouncilSession).where(
        CouncilSession.status == SessionStatus.SCHEDULED, CouncilSession.starts_at >= now
    )
    budget = db.select(Process).where(
        Process.type == ProcessType.PRESUPUESTO, Process.status.in_(RESULTS_PUBLIC_STATUSES)
    )
    return Overview(
        open_processes=_count(
            db.select(func.count(Process.id)).where(Process.status == ProcessStatus.OPEN)
        ),
        participations=participations,
        works_in_execution=_count(
            db.select(func.count(Work.id)).where(Work.status == WorkStatus.IN_EXECUTION)
        ),
        works_followed=_count(db.select(func.count(Work.id)).where(Work.status.in_(FOLLOWED))),
        works_late=_count(late),
        agreements_open=_count(
            db.select(func.count(Agreement.id)).where(Agreement.status.in_(OPEN_AGREEMENT))
        ),
        agreements_overdue=_count(overdue),
        next_session=db.session.execute(
            next_session.order_by(CouncilSession.starts_at).limit(1)
        ).scalar(),
        latest_budget=db.session.execute(
            budget.order_by(Process.updated_at.desc(), Process.id.desc()).limit(1)
        ).scalar(),
    )
