"""The office's annual work plan: plans per year, activities, status, evidence and links."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.core.uploads import MAX_PDF_BYTES, check_pdf, photo_folder, save_pdf
from participa.council.commit import commit, flush
from participa.extensions import db
from participa.officeplan.models import (
    ActivityEvidence,
    ActivityLink,
    ActivityStatus,
    LinkKind,
    PlanActivity,
    WorkPlan,
)

NUMBER = re.compile(r"^\d{1,2}(\.\d{1,2}){0,2}$", re.ASCII)
MAX_TITLE = 200
MAX_OWNER = 160
MAX_EVIDENCE = 10
MAX_READ = MAX_PDF_BYTES + 1  # the view reads one byte more, to tell "too large" apart
FIRST_YEAR, LAST_YEAR = 2000, 2100


def evidence_folder(instance_path: str) -> Path:
    return photo_folder(instance_path, "plan")


def plans() -> list[WorkPlan]:
    return list(db.session.execute(db.select(WorkPlan).order_by(WorkPlan.year.desc())).scalars())


def plan_for(year: int) -> WorkPlan | None:
    query = db.select(WorkPlan).where(WorkPlan.year == year)
    return db.session.execute(query).scalar_one_or_none()


def create_plan(actor, year: int | None, title: str) -> WorkPlan:
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(_l("Write the plan's year (for example 2026)."), field="year")
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise DomainError(_l("Give the plan a title of at most 200 characters."), field="title")
    if plan_for(year) is not None:
        raise DomainError(_l("There is already a plan for %(year)s.", year=year), field="year")
    plan = WorkPlan(year=year, title=title)
    db.session.add(plan)
    flush()
    record(actor, "officeplan.plan.create", plan, year=year)
    commit()
    return plan


def ordered(plan: WorkPlan) -> list[PlanActivity]:
    """The plan's activities in the order of their numbers (1, 1.1, 1.2, 2 … 10)."""
    return sorted(plan.activities, key=lambda a: a.sort_key)


@dataclass(frozen=True)
class ActivityData:
    number: str
    title: str
    parent_id: int | None
    start_month: int | None
    end_month: int | None
    owner: str
    status: ActivityStatus = ActivityStatus.PENDING


def _check(plan: WorkPlan, data: ActivityData, activity: PlanActivity | None) -> None:
    if not NUMBER.match(data.number.strip()):
        raise DomainError(_l("Number the activity as in the plan: 1, 1.1, 8.1."), field="number")
    if not data.title.strip() or len(data.title) > MAX_TITLE:
        raise DomainError(_l("Write a title of at most 200 characters."), field="title")
    if len(data.owner) > MAX_OWNER:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_OWNER), field="owner")
    months = (data.start_month, data.end_month)
    if any(m is None or not 1 <= m <= 12 for m in months):
        raise DomainError(_l("Choose the start and end months."), field="start_month")
    if data.end_month < data.start_month:
        raise DomainError(_l("The end month cannot come before the start month."), "end_month")
    for other in plan.activities:
        if other is not activity and other.number == data.number.strip():
            raise DomainError(_l("Another activity already has this number."), field="number")
    if data.parent_id is not None:
        parent = db.session.get(PlanActivity, data.parent_id)
        if parent is None or parent.plan_id != plan.id or parent is activity:
            raise DomainError(_l("Choose a parent activity of this plan."), field="parent_id")
        if parent.parent_id is not None:
            raise DomainError(_l("A sub-activity cannot have sub-activities."), "parent_id")


def _apply(activity: PlanActivity, data: ActivityData) -> None:
    activity.number = data.number.strip()
    activity.title = data.title.strip()
    activity.parent_id = data.parent_id
    activity.start_month = data.start_month
    activity.end_month = data.end_month
    activity.owner = data.owner.strip()
    activity.status = data.status


def add_activity(actor, plan: WorkPlan, data: ActivityData) -> PlanActivity:
    _check(plan, data, None)
    activity = PlanActivity(plan_id=plan.id)
    _apply(activity, data)
    db.session.add(activity)
    flush()
    record(actor, "officeplan.activity.add", activity, number=activity.number)
    commit()
    return activity


def edit_activity(actor, activity: PlanActivity, data: ActivityData) -> None:
    _check(activity.plan, data, activity)
    if data.parent_id is not None and any(
        a.parent_id == activity.id for a in activity.plan.activities
    ):
        raise DomainError(
            _l("An activity with sub-activities cannot be a sub-activity."), "parent_id"
        )
    before = activity.status
    _apply(activity, data)
    record(actor, "officeplan.activity.edit", activity, before=before, status=data.status)
    commit()


def attach_evidence(
    actor, activity: PlanActivity, name: str, data: bytes, folder: Path, now: datetime
) -> ActivityEvidence:
    """Check the PDF before anything is written: a bad file leaves no row and no file."""
    if not data:
        raise DomainError(_l("Choose a PDF file."), field="file")
    check_pdf(data)
    if len(activity.evidence) >= MAX_EVIDENCE:
        raise DomainError(_l("An activity can have at most %(n)s files.", n=MAX_EVIDENCE), "file")
    stored = save_pdf(folder, data)
    evidence = ActivityEvidence(
        activity_id=activity.id,
        file_name=stored,
        original_name=Path(name or "evidencia.pdf").name[:200],
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    db.session.add(evidence)
    try:
        flush()
        record(actor, "officeplan.evidence.add", activity, file=stored)
        commit()
    # Whatever fails (a refused flush, the audit, a lost connection), no orphan file stays.
    except Exception:
        (folder / stored).unlink(missing_ok=True)
        raise
    return evidence


def add_link(actor, activity: PlanActivity, kind: LinkKind, target_id: int, known: set) -> None:
    """Link the session, event, work or process (one of `known` ids) that carried it out."""
    if target_id not in known:
        raise DomainError(_l("Choose an item from the list."), field="target")
    if any(link.kind is kind and link.target_id == target_id for link in activity.links):
        raise DomainError(_l("This item is already linked."), field="target")
    db.session.add(ActivityLink(activity_id=activity.id, kind=kind, target_id=target_id))
    record(actor, "officeplan.link.add", activity, kind=kind, target=target_id)
    commit()


def remove_link(actor, link: ActivityLink) -> None:
    record(actor, "officeplan.link.remove", link, kind=link.kind, target=link.target_id)
    db.session.delete(link)
    commit()


def overdue(plan: WorkPlan, today: date) -> list[PlanActivity]:
    return [a for a in ordered(plan) if a.is_overdue(today)]
