"""Demo follow-up: three monthly reports of each approved priority, in three held council
sessions (the council demo's two and an extraordinary one added here), and the first
collaboration subject with pledges linked to the first priority."""

from datetime import UTC, datetime, time, timedelta

from flask_babel import get_timezone

from participa.council import sessions
from participa.council.models import CouncilSession, SessionKind, SessionStatus
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.works.models import (
    PrioritisationRound,
    ProgressReport,
    RoundCandidate,
    RoundStatus,
)

# Per report (oldest first): progress % and the share of the estimated cost spent.
STEPS = [(10, 0.05), (35, 0.25), (55, 0.45)]
NOTES = [
    "Arranque: proyecto ejecutivo entregado.",
    "Avance según el programa de obra.",
    "Se colocó la mayor parte del material; faltan acabados.",
]


def _held_sessions(staff, today) -> list[CouncilSession]:
    """Three held sessions, oldest first: the council demo's and one extraordinary, now."""
    tz = get_timezone()
    day = today - timedelta(days=3)
    starts = tz.localize(datetime.combine(day, time(11, 0))).astimezone(UTC)
    extra = sessions.create_session(staff, SessionKind.EXTRAORDINARY, starts, "Sala de Cabildo", tz)
    sessions.add_item(staff, extra, sessions.ItemData("Seguimiento mensual de prioridades"))
    sessions.mark_held(staff, extra)
    query = db.select(CouncilSession).where(
        CouncilSession.status.in_((SessionStatus.HELD, SessionStatus.APPROVED))
    )
    return list(db.session.execute(query.order_by(CouncilSession.starts_at)).scalars())[-3:]


def demo_followup(staff, today) -> None:
    round_ = db.session.execute(
        db.select(PrioritisationRound).where(PrioritisationRound.status == RoundStatus.APPROVED)
    ).scalar()
    if round_ is None:
        return
    held = _held_sessions(staff, today)
    # The list was approved before the first of those sessions.
    round_.approved_at = held[0].starts_at - timedelta(days=20)
    query = (
        db.select(RoundCandidate)
        .where(RoundCandidate.round_id == round_.id, RoundCandidate.approved_rank.is_not(None))
        .order_by(RoundCandidate.approved_rank)
    )
    priorities = list(db.session.execute(query).scalars())
    for place, candidate in enumerate(priorities):
        work = candidate.work
        for step, (session, (progress, share)) in enumerate(zip(held, STEPS, strict=True)):
            slower = max(0, progress - 8 * place)  # later places go slower
            db.session.add(
                ProgressReport(
                    work_id=work.id,
                    council_session_id=session.id,
                    reported_on=session.starts_at.astimezone(get_timezone()).date(),
                    progress=slower,
                    spent=int(work.estimated_cost * share * slower / max(progress, 1)),
                    note=NOTES[step] if place == 0 else "",
                    created_by_id=staff.id,
                    created_at=session.starts_at + timedelta(hours=2),
                )
            )
    subject = db.session.execute(
        db.select(WatchedWork).where(WatchedWork.name == "Techado de la cancha de San Juan")
    ).scalar()
    if subject is not None and priorities:
        subject.work_id = priorities[0].work_id
    db.session.commit()
