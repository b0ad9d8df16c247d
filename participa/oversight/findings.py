"""Residents' findings on a watched work, their photos, and the office's answers."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.core.geo import check_coordinates
from participa.core.uploads import clean_photo, delete_photo, save_photo
from participa.extensions import db
from participa.moderation.models import Report, Visibility
from participa.oversight.models import (
    Finding,
    FindingAnswer,
    FindingPhoto,
    FindingStatus,
    WatchedWork,
)
from participa.oversight.subjects import participation_problem

MAX_TITLE, MAX_TEXT, MAX_LOCATION, MAX_REASON, MAX_ANSWER = 200, 4000, 300, 2000, 5000
CONFLICT = _l("Someone saved a change here at the same moment. Reload the page and try again.")
MAX_PHOTOS = 3
# What the public sees: not hidden by staff here, nor by residents' reports (moderation).
PUBLIC = (Finding.hidden_at.is_(None), Finding.visibility == Visibility.VISIBLE)


@dataclass(frozen=True)
class FindingData:
    title: str
    text: str
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _limit(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise DomainError(_l("At most %(n)s characters.", n=limit), field=field)


def _check(data: FindingData, photos: list[bytes]) -> None:
    if not data.title.strip():
        raise DomainError(_l("Give the finding a short title."), field="title")
    _limit(data.title, MAX_TITLE, "title")
    if not data.text.strip():
        raise DomainError(_l("Describe what you found."), field="text")
    _limit(data.text, MAX_TEXT, "text")
    _limit(data.location, MAX_LOCATION, "location")
    check_coordinates(data.latitude, data.longitude)  # MUNICIPALITY_BOUNDS, as proposals
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_l("At most %(n)s photos.", n=MAX_PHOTOS), field="photos")


def file_finding(
    work: WatchedWork,
    author,
    data: FindingData,
    photos: list[bytes],
    folder: Path,
    now: datetime,
    today: date,
) -> Finding:
    """Store a resident's finding; every photo is checked and cleaned before anything is written."""
    if problem := participation_problem(work.process, author, today):
        raise DomainError(problem)
    _check(data, photos)
    cleaned = [clean_photo(photo) for photo in photos]  # raises before any file exists
    finding = Finding(
        work_id=work.id,
        author_id=author.id,
        title=data.title.strip(),
        text=data.text.strip(),
        location=data.location.strip(),
        latitude=data.latitude,
        longitude=data.longitude,
        created_at=now,
    )
    names: list[str] = []
    try:
        for position, jpeg in enumerate(cleaned):
            names.append(save_photo(folder, jpeg))
            finding.photos.append(FindingPhoto(name=names[-1], position=position))
        db.session.add(finding)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for name in names:  # no file without its finding
            delete_photo(folder, name)
        raise
    return finding


@dataclass(frozen=True)
class FindingFilter:
    status: FindingStatus | None = None
    include_hidden: bool = False


def findings(work: WatchedWork, wanted: FindingFilter = FindingFilter()) -> list[Finding]:
    """The work's findings, newest first, with photos and answers loaded."""
    query = db.select(Finding).where(Finding.work_id == work.id)
    if wanted.status is not None:
        query = query.where(Finding.status == wanted.status)
    if not wanted.include_hidden:
        query = query.where(*PUBLIC)
    query = query.options(selectinload(Finding.photos), selectinload(Finding.answers))
    return list(db.session.execute(query.order_by(Finding.id.desc())).scalars())


def process_findings(process, status: FindingStatus | None = None) -> list[Finding]:
    """Every finding of the process for staff, hidden ones too, newest first."""
    query = db.select(Finding).join(WatchedWork).where(WatchedWork.process_id == process.id)
    if status is not None:
        query = query.where(Finding.status == status)
    query = query.options(selectinload(Finding.work), selectinload(Finding.author))
    return list(db.session.execute(query.order_by(Finding.id.desc())).scalars())


def counts(process) -> dict[int, dict[FindingStatus, int]]:
    """Visible findings per work and status, counted in the database."""
    query = (
        db.select(Finding.work_id, Finding.status, func.count())
        .join(WatchedWork)
        .where(WatchedWork.process_id == process.id, *PUBLIC)
        .group_by(Finding.work_id, Finding.status)
    )
    found: dict[int, dict[FindingStatus, int]] = {}
    for work_id, status, n in db.session.execute(query):
        found.setdefault(work_id, {})[status] = n
    return found


def summary(process) -> dict[int, tuple[int, int]]:
    """(visible findings, answered ones) per work."""
    return {
        work_id: (sum(by_status.values()), by_status.get(FindingStatus.ANSWERED, 0))
        for work_id, by_status in counts(process).items()
    }


def count_by_linked_work(work_ids) -> dict[int, int]:
    """Findings not hidden by staff per council work (`WatchedWork.work_id`), over every
    subject linked to it, in every process."""
    query = (
        db.select(WatchedWork.work_id, func.count(Finding.id))
        .join(Finding, Finding.work_id == WatchedWork.id)
        .where(WatchedWork.work_id.in_(list(work_ids)), Finding.hidden_at.is_(None))
        .group_by(WatchedWork.work_id)
    )
    return dict(db.session.execute(query).all())


def get_finding(process, finding_id: int) -> Finding | None:
    finding = db.session.get(Finding, finding_id)
    return finding if finding is not None and finding.work.process_id == process.id else None


def has_photo(work: WatchedWork, name: str, include_hidden: bool = False) -> bool:
    """Whether a finding of `work` (a visible one, unless `include_hidden`) has photo `name`."""
    query = db.select(FindingPhoto.id).join(Finding)
    query = query.where(Finding.work_id == work.id, FindingPhoto.name == name)
    if not include_hidden:
        query = query.where(*PUBLIC)
    return db.session.execute(query).first() is not None


def _reason(text: str, message, field: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(message, field=field)
    _limit(text, MAX_REASON, field)
    return text


def answer_finding(actor, finding: Finding, text: str, now: datetime) -> FindingAnswer:
    """Publish the office's answer; a later answer is a new version and the old ones remain."""
    text = text.strip()
    if not text:
        raise DomainError(_l("Write the answer; the public reads it."), field="text")
    _limit(text, MAX_ANSWER, "text")
    version = len(finding.answers) + 1
    answer = FindingAnswer(version=version, text=text, author_id=actor.id, created_at=now)
    finding.answers.insert(0, answer)
    finding.status, finding.status_reason = FindingStatus.ANSWERED, ""
    try:
        record(actor, "oversight.finding.answer", finding, version=version, text=text)
        db.session.commit()
    except IntegrityError as error:  # another staff member published this version first
        db.session.rollback()
        raise DomainError(CONFLICT) from error
    return answer


def set_status(actor, finding: Finding, status: FindingStatus, reason: str = "") -> None:
    """Mark a finding in review, or not applicable (with a public reason)."""
    if status is FindingStatus.NOT_APPLICABLE:
        reason = _reason(reason, _l("Say why the finding does not apply."), "reason")
    elif status is FindingStatus.IN_REVIEW:
        reason = ""
    else:
        raise DomainError(_l("Choose a status from the list."), field="status")
    finding.status, finding.status_reason = status, reason
    record(actor, "oversight.finding.status", finding, status=status, reason=reason)
    db.session.commit()


def hide_finding(actor, finding: Finding, reason: str, now: datetime) -> None:
    """Take an abusive finding off the public pages; staff still see it and the reason."""
    if not finding.is_public:
        raise DomainError(_l("This finding is already hidden."))
    reason = _reason(reason, _l("Say why the finding is hidden."), "reason")
    finding.hidden_at, finding.hidden_reason = now, reason
    record(actor, "oversight.finding.hide", finding, reason=reason)
    db.session.commit()


def show_finding(actor, finding: Finding) -> None:
    """Put a hidden finding back on the public pages, however it was hidden: by staff here or
    through moderation (its reports are cleared, as moderation's restore does)."""
    if finding.is_public:
        raise DomainError(_l("This finding is not hidden."))
    finding.hidden_at, finding.hidden_reason = None, ""
    finding.visibility = Visibility.VISIBLE
    db.session.execute(delete(Report).where(Report.finding_id == finding.id))
    record(actor, "oversight.finding.show", finding)
    db.session.commit()
