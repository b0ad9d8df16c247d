"""The action schedule (cronograma): tasks of the approved priorities, and which are overdue."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.extensions import db
from participa.works.atomic import rolls_back
from participa.works.models import Work, WorkStatus, WorkTask

MAX_TITLE, MAX_AREA = 200, 160
SCHEDULED = (WorkStatus.PRIORITY, WorkStatus.IN_EXECUTION, WorkStatus.DONE)


@dataclass(frozen=True)
class TaskData:
    title: str
    area: str
    starts_on: date | None
    ends_on: date | None


def is_overdue(task: WorkTask, today: date) -> bool:
    """An unfinished task whose end date has passed."""
    return not task.done and task.ends_on < today


@rolls_back
def add_task(actor, work: Work, data: TaskData) -> WorkTask:
    """Add a task to a priority's schedule."""
    if work.status not in SCHEDULED:
        raise DomainError(_l("Only priorities approved by the council have a schedule."))
    title, area = data.title.strip(), data.area.strip()
    if not title or len(title) > MAX_TITLE:
        raise DomainError(
            _l("Name the task in at most %(n)s characters.", n=MAX_TITLE), field="title"
        )
    if not area or len(area) > MAX_AREA:
        raise DomainError(
            _l("Write the responsible area in at most %(n)s characters.", n=MAX_AREA),
            field="area",
        )
    if data.starts_on is None:
        raise DomainError(_l("Write the start date."), field="starts_on")
    if data.ends_on is None or data.ends_on < data.starts_on:
        raise DomainError(_l("The end date cannot be before the start."), field="ends_on")
    task = WorkTask(
        work_id=work.id, title=title, area=area, starts_on=data.starts_on, ends_on=data.ends_on
    )
    db.session.add(task)
    db.session.flush()
    record(actor, "works.task.add", work, task=task.id, title=title, ends_on=data.ends_on)
    db.session.commit()
    return task


def set_done(actor, task: WorkTask, done: bool) -> None:
    task.done = done
    record(actor, "works.task.done", task, done=done)
    db.session.commit()


def remove_task(actor, task: WorkTask) -> None:
    record(actor, "works.task.remove", task, title=task.title)
    db.session.delete(task)
    db.session.commit()


def tasks_of(works) -> list[WorkTask]:
    """The tasks of `works`, by start date."""
    ids = [w.id for w in works]
    query = db.select(WorkTask).where(WorkTask.work_id.in_(ids))
    return list(db.session.execute(query.order_by(WorkTask.starts_on, WorkTask.id)).scalars())
