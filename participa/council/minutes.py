"""Minutes (acta): a draft while the session is held; approved, it changes only as versions."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.council.commit import commit, flush
from participa.council.models import CouncilSession, MinutesVersion, SessionStatus
from participa.extensions import db

MAX_MINUTES, MAX_REASON = 100_000, 2000


def _check_text(text: str) -> str:
    if len(text) > MAX_MINUTES:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_MINUTES), field="text")
    return text.strip()


def save_draft(actor, session: CouncilSession, text: str) -> None:
    """Write the minutes of a held session (not yet approved)."""
    if session.status is not SessionStatus.HELD:
        raise DomainError(
            _l("The minutes are written once the session is held and until they are approved."),
            field="text",
        )
    session.minutes = _check_text(text)
    record(actor, "council.minutes.draft", session, length=len(session.minutes))
    commit()


def approve_minutes(actor, session: CouncilSession, now: datetime) -> MinutesVersion:
    """Freeze the draft as version 1; the session's status becomes "minutes approved"."""
    if session.status is not SessionStatus.HELD:
        raise DomainError(_l("Only the minutes of a held session can be approved."))
    if not session.minutes.strip():
        raise DomainError(_l("Write the minutes before approving them."), field="text")
    version = MinutesVersion(
        session_id=session.id, number=1, text=session.minutes, author_id=actor.id, at=now
    )
    session.status = SessionStatus.APPROVED
    db.session.add(version)
    flush()
    record(actor, "council.minutes.approve", session, version=1, text=version.text)
    commit()
    return version


def correct_minutes(
    actor, session: CouncilSession, text: str, reason: str, now: datetime
) -> MinutesVersion:
    """Change approved minutes: a new version with its reason; earlier versions stay."""
    if session.status is not SessionStatus.APPROVED:
        raise DomainError(_l("Only approved minutes are corrected with a new version."))
    text = _check_text(text)
    reason = reason.strip()
    if not reason:
        raise DomainError(
            _l("Write the reason for the change; it stays on record."), field="reason"
        )
    if len(reason) > MAX_REASON:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_REASON), field="reason")
    if not text:
        raise DomainError(_l("The minutes cannot be empty."), field="text")
    if text == session.current_minutes:
        raise DomainError(_l("The text is the same as the current version."), field="text")
    number = session.versions[-1].number + 1
    version = MinutesVersion(
        session_id=session.id, number=number, text=text, reason=reason, author_id=actor.id, at=now
    )
    db.session.add(version)
    flush()
    record(actor, "council.minutes.version", session, version=number, reason=reason, text=text)
    commit()
    db.session.refresh(session)
    return version


def version(session: CouncilSession, number: int) -> MinutesVersion | None:
    return next((v for v in session.versions if v.number == number), None)
