"""What the council's pages share: loading, the session page's data, local times."""

from datetime import UTC, date, datetime, time

from flask import abort, current_app, render_template
from flask_babel import get_timezone

from participa.core.timeutil import local_today
from participa.council import sessions
from participa.council.forms import LABELS
from participa.council.members import current_members
from participa.council.models import Agreement, CouncilSession, SessionStatus
from participa.extensions import db


def tz():
    return get_timezone()


def today() -> date:
    return local_today(get_timezone())


def fraction() -> float:
    return current_app.config["COUNCIL_QUORUM_FRACTION"]


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC moment of a local date and time of the municipality."""
    zone = tz()
    naive = datetime.combine(day, at)
    local = zone.localize(naive) if hasattr(zone, "localize") else naive.replace(tzinfo=zone)
    return local.astimezone(UTC)


def load_session(session_id: int, public: bool = False) -> CouncilSession:
    """The session, or 404; the public reads only sessions whose minutes are approved."""
    session = db.session.get(CouncilSession, session_id)
    if session is None or (public and session.status is not SessionStatus.APPROVED):
        abort(404)
    return session


def load_agreement(agreement_id: int, public: bool = False) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or (public and agreement.session.status is not SessionStatus.APPROVED):
        abort(404)
    return agreement


def session_members(session: CouncilSession) -> list:
    """The members current on the session's local day: they attend and may be responsible."""
    return current_members(session.starts_at.astimezone(tz()).date())


def session_context(session: CouncilSession) -> dict:
    return {
        "session": session,
        "quorum": sessions.quorum(session, fraction(), tz()),
        "members": session_members(session),
        "presence": {a.member_id: a.presence for a in session.attendance},
        "today_": today(),
    }


def render(template: str, status: int = 200, **context):
    return render_template(f"council/{template}", **LABELS, **context), status
