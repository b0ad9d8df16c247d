"""Agreements (acuerdos): taken with quorum, followed up in later sessions until done."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.council.commit import commit, flush
from participa.council.models import (
    Agreement,
    AgreementStatus,
    AgreementUpdate,
    CouncilMember,
    CouncilSession,
    SessionStatus,
    agreement_code,
)
from participa.council.sessions import RECORDING, quorum
from participa.extensions import db

MAX_TEXT, MAX_OWNER, MAX_NOTE = 5000, 200, 2000


@dataclass(frozen=True)
class AgreementData:
    text: str
    owner_member_id: int | None
    owner_text: str
    due_on: date | None


def add_agreement(
    actor, session: CouncilSession, data: AgreementData, fraction: float, tz, now: datetime
) -> Agreement:
    """Record an agreement of `session`; it needs quorum."""
    if session.status not in RECORDING:
        raise DomainError(_l("Agreements cannot be added once the minutes are approved."))
    if not quorum(session, fraction, tz).reached:
        raise DomainError(
            _l("There is no quorum, so there can be no agreements: record the attendance first.")
        )
    if not data.text.strip():
        raise DomainError(_l("Write the agreement."), field="text")
    if len(data.text) > MAX_TEXT:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_TEXT), field="text")
    if len(data.owner_text) > MAX_OWNER:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_OWNER), field="owner_text")
    if (
        data.owner_member_id is not None
        and db.session.get(CouncilMember, data.owner_member_id) is None
    ):
        raise DomainError(_l("Choose a member from the list."), field="owner_member_id")
    if data.owner_member_id is None and not data.owner_text.strip():
        raise DomainError(
            _l("Say who is responsible: a member or a directorate."), field="owner_text"
        )
    number = db.session.execute(
        db.select(func.max(Agreement.number)).where(Agreement.session_id == session.id)
    ).scalar()
    number = (number or 0) + 1
    agreement = Agreement(
        session_id=session.id,
        number=number,
        code=agreement_code(session.kind, session.number, session.year, number),
        text=data.text.strip(),
        owner_member_id=data.owner_member_id,
        owner_text="" if data.owner_member_id else data.owner_text.strip(),
        due_on=data.due_on,
        created_at=now,
    )
    agreement.updates.append(
        AgreementUpdate(status=AgreementStatus.PENDING, author_id=actor.id, at=now)
    )
    db.session.add(agreement)
    flush()
    record(
        actor,
        "council.agreement.add",
        agreement,
        session=session.id,
        code=agreement.code,
        text=agreement.text,
    )
    commit()
    return agreement


def update_status(
    actor, agreement: Agreement, status: AgreementStatus, note: str, now: datetime
) -> AgreementUpdate:
    """Change an agreement's status; every change keeps its note, author and time."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NOTE), field="note")
    if status is agreement.status and not note:
        raise DomainError(_l("Change the status or write a note."), field="note")
    update = AgreementUpdate(status=status, note=note, author_id=actor.id, at=now)
    agreement.updates.append(update)
    before, agreement.status = agreement.status, status
    flush()
    record(actor, "council.agreement.status", agreement, before=before, status=status, note=note)
    commit()
    return update


def find_agreements(
    status: AgreementStatus | None = None,
    overdue_on: date | None = None,
    approved_only: bool = False,
) -> list[Agreement]:
    """Agreements, newest session first; by status, or only those overdue on `overdue_on`."""
    query = db.select(Agreement).join(CouncilSession)
    if approved_only:
        query = query.where(CouncilSession.status == SessionStatus.APPROVED)
    if status is not None:
        query = query.where(Agreement.status == status)
    if overdue_on is not None:
        query = query.where(
            Agreement.status.in_((AgreementStatus.PENDING, AgreementStatus.IN_PROGRESS)),
            Agreement.due_on < overdue_on,
        )
    query = query.order_by(CouncilSession.starts_at.desc(), Agreement.number)
    return list(db.session.execute(query).scalars())
