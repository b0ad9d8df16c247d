"""Staff add a PB project by form, or change any of its fields and its photo, before voting.

The same rules as a resident's proposal (`projects.check_project`) and the same photo
cleaning (`core.uploads`); every change is in the audit log, like a CSV import.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.budgets.models import PbBallot, PbProject, ProjectStatus
from participa.budgets.projects import (
    BEFORE_VOTING,
    ProjectData,
    check_cost,
    check_project,
    ensure_before_voting,
    new_project,
)
from participa.core.errors import DomainError
from participa.core.uploads import clean_photo, delete_photo, save_photo
from participa.extensions import db

MAX_PHOTO_ALT = 200
# "1,250,000", "1250000.50", "$1,250,000", "1 250 000": digits, thousands by comma, centavos.
MONEY = re.compile(r"^(\d{1,3}(,\d{3}){1,4}|\d{1,15})(\.\d{1,2})?$")  # up to 10^15 pesos
EDITED = (
    "title",
    "description",
    "category",
    "estimated_cost",
    "colonia_id",
    "delegacion_id",
    "location",
    "latitude",
    "longitude",
)
AUDITED = (*EDITED, "cost", "photo_alt")  # what an edit's audit event shows before and after


def parse_money(text: str) -> int | None:
    """Pesos as staff write them, centavos rounded to the nearest peso; None if not a figure."""
    text = text.strip().removeprefix("$").strip()
    text = text.replace(" ", "").replace("\xa0", "")
    if not MONEY.match(text):
        return None
    return int(Decimal(text.replace(",", "")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PhotoChange:
    """A new photo (raw upload) replaces the old one; `remove` drops it; `alt` describes it."""

    upload: bytes | None = None
    alt: str = ""
    remove: bool = False


def _check(ballot: PbBallot, data: ProjectData, photo: PhotoChange) -> bytes | None:
    """The cleaned JPEG of the new photo, once every field is checked; DomainError if not."""
    check_project(ballot, data)
    if len(photo.alt) > MAX_PHOTO_ALT:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_PHOTO_ALT), field="photo_alt")
    return clean_photo(photo.upload) if photo.upload else None


def _commit(folder: Path, new_photo: str | None) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_photo(folder, new_photo)  # no file without its project
        raise


def add_project(
    actor,
    ballot: PbBallot,
    data: ProjectData,
    photo: PhotoChange,
    feasible: bool,
    folder: Path,
    now: datetime,
) -> PbProject:
    """Add a project the office wrote; `feasible` puts it on the ballot at its cost."""
    if ballot.process.status not in BEFORE_VOTING:
        raise DomainError(_l("Projects cannot change once voting has opened."))
    jpeg = _check(ballot, data, photo)
    project = new_project(ballot, data, created_at=now)
    if feasible:
        project.status, project.cost = ProjectStatus.FEASIBLE, data.estimated_cost
        project.reviewed_at = now
    project.photo = save_photo(folder, jpeg) if jpeg else None
    project.photo_alt = photo.alt.strip() if project.photo else ""
    db.session.add(project)
    try:
        db.session.flush()  # the audit event names the project's id
        record(
            actor,
            "pb.project.add",
            project,
            title=project.title,
            estimated_cost=project.estimated_cost,
            feasible=feasible,
            photo=project.photo is not None,
        )
    except Exception:
        db.session.rollback()
        delete_photo(folder, project.photo)
        raise
    _commit(folder, project.photo)
    return project


def edit_project(
    actor, project: PbProject, data: ProjectData, photo: PhotoChange, folder: Path
) -> None:
    """Change a project's fields and photo before voting opens; the old photo file goes."""
    ensure_before_voting(project)
    jpeg = _check(project.ballot, data, photo)
    before = {name: getattr(project, name) for name in AUDITED}
    before["photo"] = project.photo is not None
    old_photo = project.photo
    # On the ballot at the cost staff wrote (added as feasible): the ballot's cost follows it.
    # A cost the technical review set apart stays; the review changes it.
    follows = project.status is ProjectStatus.FEASIBLE and project.cost == project.estimated_cost
    values = {k: v.strip() if isinstance(v, str) else v for k, v in data.__dict__.items()}
    if follows:
        check_cost(project.ballot, values["estimated_cost"], "estimated_cost")
    for name, value in values.items():
        setattr(project, name, value)
    if follows:
        project.cost = project.estimated_cost
    if jpeg:
        project.photo = save_photo(folder, jpeg)
    elif photo.remove:
        project.photo = None
    project.photo_alt = photo.alt.strip() if project.photo else ""
    after = {name: getattr(project, name) for name in AUDITED}
    record(actor, "pb.project.edit", project, before=before, **after, photo=bool(project.photo))
    _commit(folder, project.photo if jpeg else None)
    if project.photo != old_photo:
        delete_photo(folder, old_photo)
