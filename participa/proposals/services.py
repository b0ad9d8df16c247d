"""Writing proposals, their per-process settings, and the public list."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, update
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.comments.services import new_thread
from participa.core import searchtext
from participa.core.errors import DomainError, NotAllowed
from participa.core.geo import check_coordinates
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.notifications.models import NoticeKind
from participa.notifications.services import notify_staff
from participa.processes.services import public_process_ids
from participa.processes.types import COMPONENTS, Component, ProcessStatus
from participa.proposals import attachments
from participa.proposals.models import (
    ModerationMode,
    Proposal,
    ProposalAttachment,
    ProposalSettings,
    ProposalStatus,
    ThresholdKind,
)
from participa.territory.models import Colonia

MAX_TITLE, MAX_BODY, MAX_CATEGORY, MAX_LOCATION = 200, 5000, 80, 300  # as PB projects
MAX_CATEGORIES, MAX_REPORTS_TO_HIDE = 30, 1000
PER_PAGE = 20
PUBLIC_STATUSES = frozenset(ProposalStatus) - {ProposalStatus.PENDING}


def settings_for(process) -> ProposalSettings:
    """The process's settings; the defaults (not yet stored) when staff never edited them."""
    settings = db.session.get(ProposalSettings, process.id)
    return settings or ProposalSettings(
        process_id=process.id,
        moderation=ModerationMode.IMMEDIATE,
        threshold_kind=ThresholdKind.NUMBER,
        threshold_number=100,
        threshold_percent=Decimal("0.5"),
        reports_to_hide=3,
        categories=ProposalSettings.categories.default.arg,
    )


@dataclass(frozen=True)
class SettingsData:
    moderation: ModerationMode
    threshold_kind: ThresholdKind
    threshold_number: int | None
    threshold_percent: Decimal | None
    support_deadline: date | None
    reports_to_hide: int | None
    categories: str


def _check_settings(data: SettingsData) -> list[str]:
    if data.threshold_kind is ThresholdKind.NUMBER and (data.threshold_number or 0) < 1:
        raise DomainError(_l("Write a whole number of supports, 1 or more."), "threshold_number")
    if data.threshold_kind is ThresholdKind.PERCENT and not (
        data.threshold_percent and 0 < data.threshold_percent <= 100
    ):
        raise DomainError(_l("Write a percentage above 0 and up to 100."), "threshold_percent")
    if not data.reports_to_hide or not 1 <= data.reports_to_hide <= MAX_REPORTS_TO_HIDE:
        raise DomainError(_l("Write a number from 1 to 1000."), "reports_to_hide")
    names = list(dict.fromkeys(c.strip() for c in data.categories.splitlines() if c.strip()))
    if not names:
        raise DomainError(_l("Write at least one category, one per line."), "categories")
    if len(names) > MAX_CATEGORIES or any(len(n) > MAX_CATEGORY for n in names):
        raise DomainError(
            _l("At most %(n)s categories of up to 80 characters.", n=MAX_CATEGORIES), "categories"
        )
    return names


def save_settings(actor, process, data: SettingsData) -> ProposalSettings:
    """Store the process's proposal settings (audited)."""
    names = _check_settings(data)
    settings = db.session.get(ProposalSettings, process.id) or ProposalSettings(
        process_id=process.id
    )
    settings.moderation, settings.threshold_kind = data.moderation, data.threshold_kind
    if data.threshold_number:
        settings.threshold_number = data.threshold_number
    if data.threshold_percent:
        settings.threshold_percent = data.threshold_percent
    settings.support_deadline = data.support_deadline
    settings.reports_to_hide = data.reports_to_hide
    settings.categories = "\n".join(names)
    db.session.add(settings)
    record(
        actor,
        "proposals.settings",
        process,
        moderation=data.moderation,
        threshold_kind=data.threshold_kind,
        threshold_number=settings.threshold_number,
        threshold_percent=str(settings.threshold_percent),
        support_deadline=str(data.support_deadline or ""),
        reports_to_hide=data.reports_to_hide,
        categories=names,
    )
    db.session.commit()
    return settings


# --- writing a proposal -----------------------------------------------------------------


@dataclass(frozen=True)
class ProposalData:
    title: str
    body: str
    category: str
    colonia_id: int | None
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None


def zone_colonias(process) -> list[Colonia]:
    everything = db.session.execute(db.select(Colonia).order_by(Colonia.name)).scalars()
    return [c for c in everything if process.covers(c)]


def proposing_problem(process, user):
    """Why `user` cannot write a proposal in `process` now, or None if they can."""
    if Component.PROPOSALS not in process.components or process.status is not ProcessStatus.OPEN:
        return _l("This process is not taking proposals now.")
    if user is None or not user.curp or user.colonia is None:
        return _l("Only residents registered with their CURP and colonia can write proposals.")
    return None


def _check_place(process, data: ProposalData) -> None:
    if data.colonia_id is None or data.colonia_id not in {c.id for c in zone_colonias(process)}:
        raise DomainError(_l("Choose a colonia of this process's zone."), field="colonia_id")
    if len(data.location) > MAX_LOCATION:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_LOCATION), field="location")
    check_coordinates(data.latitude, data.longitude)


def check_proposal(process, data: ProposalData) -> None:
    """Raise a DomainError on the first field of `data` that breaks the rules."""
    for name, value, limit in (("title", data.title, MAX_TITLE), ("body", data.body, MAX_BODY)):
        if not value.strip():
            raise DomainError(_l("This field is required."), field=name)
        if len(value) > limit:
            raise DomainError(_l("At most %(n)s characters.", n=limit), field=name)
    if data.category not in settings_for(process).category_list:
        raise DomainError(_l("Choose a category from the list."), field="category")
    _check_place(process, data)


def _fill(proposal: Proposal, data: ProposalData) -> None:
    proposal.title, proposal.body = data.title.strip(), data.body.strip()
    proposal.category, proposal.colonia_id = data.category, data.colonia_id
    proposal.location = data.location.strip()
    proposal.latitude, proposal.longitude = data.latitude, data.longitude


def proposal_link(proposal: Proposal) -> str:
    """The proposal's public path; built by hand so services work outside a request too."""
    return f"/procesos/{proposal.process_id}/propuestas/{proposal.id}"


def create_proposal(
    process,
    author,
    data: ProposalData,
    uploads: list[attachments.Upload],
    target: Path,
    now: datetime,
) -> Proposal:
    """Store a resident's proposal, published at once or waiting for approval."""
    if problem := proposing_problem(process, author):
        raise NotAllowed(problem)
    check_proposal(process, data)
    files = attachments.clean_uploads(uploads)
    waits = settings_for(process).moderation is ModerationMode.APPROVAL
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        thread=new_thread(),
        status=ProposalStatus.PENDING if waits else ProposalStatus.PUBLISHED,
        created_at=now,
    )
    _fill(proposal, data)
    names = attachments.write(target, files)
    proposal.attachments = [
        ProposalAttachment(
            kind=f.kind, file_name=n, original_name=f.original_name, size=len(f.data)
        )
        for f, n in zip(files, names, strict=True)
    ]
    db.session.add(proposal)
    try:
        db.session.flush()
        if waits:
            notify_staff(
                NoticeKind.AWAITING_MODERATION, proposal.title, proposal_link(proposal), now
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.remove(target, names)  # no file without its proposal
        raise
    return proposal


def can_edit(proposal: Proposal, user) -> bool:
    """Authors fix their text while nobody has supported it and nobody has answered it."""
    return (
        user is not None
        and proposal.author_id == user.id
        and proposal.status in (ProposalStatus.PENDING, ProposalStatus.PUBLISHED)
        and proposal.support_count == 0
        and proposal.process.status is ProcessStatus.OPEN
    )


def edit_sends_back(proposal: Proposal) -> bool:
    """Whether saving an edit sends a published proposal back to staff for approval."""
    return (
        proposal.status is ProposalStatus.PUBLISHED
        and settings_for(proposal.process).moderation is ModerationMode.APPROVAL
    )


def edit_proposal(proposal: Proposal, user, data: ProposalData, *, now: datetime) -> None:
    """Save the author's new text; with approval, a published proposal waits again.

    The "nobody supported it" rule is checked in the UPDATE itself, so an edit never lands
    after a support that was counted meanwhile.
    """
    if not can_edit(proposal, user):
        raise NotAllowed(_l("You cannot edit this proposal."))
    check_proposal(proposal.process, data)
    back = edit_sends_back(proposal)
    status = ProposalStatus.PENDING if back else proposal.status
    saved = db.session.execute(
        update(Proposal)
        .where(
            Proposal.id == proposal.id,
            Proposal.support_count == 0,
            Proposal.status == proposal.status,
        )
        .values(
            title=data.title.strip(),
            body=data.body.strip(),
            category=data.category,
            colonia_id=data.colonia_id,
            location=data.location.strip(),
            latitude=data.latitude,
            longitude=data.longitude,
            status=status,
            # A bulk UPDATE skips the flush that keeps search_text (core/searchtext.py).
            search_text=Proposal.search_text_of(
                title=data.title.strip(),
                body=data.body.strip(),
                category=data.category,
                location=data.location.strip(),
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:
        db.session.rollback()
        raise NotAllowed(
            _l(
                "Someone supported this proposal or it changed meanwhile: it can no longer "
                "be edited."
            )
        )
    if back:
        notify_staff(
            NoticeKind.AWAITING_MODERATION, data.title.strip(), proposal_link(proposal), now
        )
    db.session.commit()
    db.session.refresh(proposal)


def commenting_problem(process):
    """Why nobody can comment on the process's proposals now, or None (only while open)."""
    if process.status is not ProcessStatus.OPEN:
        return _l("Comments are closed: the process is not open.")
    return None


# --- reading ----------------------------------------------------------------------------


def can_see(proposal: Proposal, user) -> bool:
    """Pending proposals are seen by their author and staff only."""
    if proposal.status is not ProposalStatus.PENDING:
        return True
    if user is None:
        return False
    return proposal.author_id == user.id or user.role.value in ("staff", "admin")


@dataclass(frozen=True)
class ProposalFilter:
    search: str = ""
    colonia_id: int | None = None
    delegacion_id: int | None = None
    category: str = ""
    status: ProposalStatus | None = None
    sort: str = "newest"  # or "supports"
    author_id: int | None = None  # "my proposals": also the pending and hidden ones


def publicly_listed():
    """The condition of a proposal on public lists: approved and not hidden by moderation."""
    return and_(Proposal.status.in_(PUBLIC_STATUSES), Proposal.visibility == Visibility.VISIBLE)


def public_filter():
    """Proposals anyone may find: publicly listed, of a public process that takes proposals."""
    with_proposals = [t for t, parts in COMPONENTS.items() if Component.PROPOSALS in parts]
    return and_(publicly_listed(), Proposal.process_id.in_(public_process_ids(with_proposals)))


def matching(process, wanted: ProposalFilter):
    """The select of the process's proposals matching `wanted`, in the list's order."""
    query = db.select(Proposal).where(Proposal.process_id == process.id)
    if wanted.author_id:
        query = query.where(Proposal.author_id == wanted.author_id)
    else:
        query = query.where(publicly_listed())
    if words := searchtext.terms(wanted.search):
        query = query.where(searchtext.matching(Proposal.search_text, words))
    if wanted.colonia_id:
        query = query.where(Proposal.colonia_id == wanted.colonia_id)
    if wanted.delegacion_id:
        query = query.join(Colonia).where(Colonia.delegacion_id == wanted.delegacion_id)
    if wanted.category:
        query = query.where(Proposal.category == wanted.category)
    if wanted.status:
        query = query.where(Proposal.status == wanted.status)
    order = (Proposal.support_count.desc(),) if wanted.sort == "supports" else ()
    return query.order_by(*order, Proposal.created_at.desc(), Proposal.id.desc())


def find_proposals(process, wanted: ProposalFilter, page: int = 1) -> tuple[list[Proposal], bool]:
    """One page of the process's proposals matching `wanted`, and whether more follow."""
    query = matching(process, wanted).options(selectinload(Proposal.colonia))
    found = list(
        db.session.execute(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).scalars()
    )
    return found[:PER_PAGE], len(found) > PER_PAGE


def staff_list(process) -> list[Proposal]:
    query = db.select(Proposal).where(Proposal.process_id == process.id)
    return list(db.session.execute(query.order_by(Proposal.id.desc())).scalars())


def origin_of(project) -> Proposal | None:
    """The proposal a PB project came from, if any."""
    query = db.select(Proposal).where(Proposal.pb_project_id == project.id)
    return db.session.execute(query).scalar_one_or_none()


def attachment_of(process, name: str) -> ProposalAttachment | None:
    query = (
        db.select(ProposalAttachment)
        .join(Proposal)
        .where(Proposal.process_id == process.id, ProposalAttachment.file_name == name)
    )
    return db.session.execute(query).scalar_one_or_none()
