"""Participa ahora on the home page: the open processes, those open to the person first.

One statement reads the open processes (at most `OPEN_LIMIT`) with, for a logged-in person,
whether their colonia is in each process's scope, the process's rule, whether they are on the
roll that applies or verified in person, and whether they already took part. Taking part is
read from who-took-part records (answers, votes, supports, proposals, registrations, pledges), never
from what anyone chose. Phases and zone names come with two or three more statements, however
many processes are open.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, literal, or_
from sqlalchemy.orm import selectinload

from participa.budgets.models import PbBallot, PbParticipation
from participa.collaboration.models import Pledge
from participa.consultations.models import Participation
from participa.eligibility.keys import rule_clause
from participa.eligibility.models import (
    MUNICIPAL_SCOPE,
    EligibilityRule,
    PersonVerification,
    Roll,
    RollEntry,
)
from participa.events.models import Attendance, Event, Registration
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.processes.models import Process
from participa.processes.scope import covers_clause
from participa.processes.types import ProcessStatus, ScopeKind
from participa.proposals.models import Proposal, Support
from participa.tally import age_on

OPEN_LIMIT = 30  # the home lists at most these; "all processes" has the rest
ZONES_SHOWN = 3

COMPLETE_ACCOUNT = _l("Add your CURP and colonia on your account page to take part.")
RULE_REASONS = {
    EligibilityRule.ROLL: _l("Only for people on the eligibility roll (padrón)."),
    EligibilityRule.VERIFIED: _l("Only for residents verified in person."),
    EligibilityRule.ROLL_OR_VERIFIED: _l(
        "For people on the eligibility roll or verified in person."
    ),
}


@dataclass(frozen=True)
class OpenProcess:
    """An open process as the home shows it to one person."""

    process: Process
    for_you: bool  # the person may take part (a confirmed contact may still be asked)
    took_part: bool
    reason: object = None  # why it is not for the person, when it is not
    zones: str = ""  # "Centro, Las Flores…" for a process of some zones
    in_zone: bool = False  # the person's colonia is in the scope (a visitor's is not known)

    @property
    def other_zone(self) -> bool:
        """A process of some zones, not known to include the person's: say which."""
        return bool(self.zones) and not self.in_zone


def _took_part(user_id: int):
    """Whether the person left a who-took-part record in the process (never a choice)."""
    return or_(
        exists().where(Participation.process_id == Process.id, Participation.user_id == user_id),
        exists().where(
            PbBallot.process_id == Process.id,
            PbParticipation.ballot_id == PbBallot.id,
            PbParticipation.user_id == user_id,
        ),
        exists().where(Proposal.process_id == Process.id, Proposal.author_id == user_id),
        exists().where(
            Proposal.process_id == Process.id,
            Support.proposal_id == Proposal.id,
            Support.user_id == user_id,
        ),
        exists().where(
            Event.process_id == Process.id,
            Registration.event_id == Event.id,
            Registration.user_id == user_id,
        ),
        exists().where(
            Event.process_id == Process.id,
            Attendance.event_id == Event.id,
            Attendance.user_id == user_id,
        ),
        exists().where(
            WatchedWork.process_id == Process.id,
            Pledge.work_id == WatchedWork.id,
            Pledge.user_id == user_id,
            Pledge.cancelled_at.is_(None),
        ),
    )


def _on_roll(user_id: int):
    """On the roll that applies to the process: its own, otherwise the municipality's
    (eligibility.keys.roll_for), asked in SQL."""
    in_roll = exists().where(RollEntry.roll_id == Roll.id, RollEntry.user_id == user_id)
    own = exists().where(Roll.process_id == Process.id)
    return case(
        (own, in_roll.where(Roll.process_id == Process.id)),
        else_=in_roll.where(Roll.scope == MUNICIPAL_SCOPE),
    )


def _verified(user_id: int):
    return exists().where(
        PersonVerification.user_id == user_id, PersonVerification.undone_at.is_(None)
    )


def _columns(user):
    if user is None:
        false = literal(False)
        return (false, false, false, false, rule_clause(Process.id))
    return (
        covers_clause(user.colonia_id),
        _took_part(user.id),
        _on_roll(user.id),
        _verified(user.id),
        rule_clause(Process.id),
    )


def _zones(process: Process) -> str:
    if process.scope is ScopeKind.DELEGACIONES:
        names = [d.name for d in process.delegaciones]
    elif process.scope is ScopeKind.COLONIAS:
        names = [c.name for c in process.colonias]
    else:
        return ""
    shown = ", ".join(names[:ZONES_SHOWN])
    return shown + ("…" if len(names) > ZONES_SHOWN else "")


def _reason(user, process, row, today: date):
    """Why `user` may not take part in `process`, or None: the ladder of eligibility/standing.py
    read from the row, without its per-process statements."""
    if user is None:
        return None
    if not user.curp or user.colonia_id is None:
        return COMPLETE_ACCOUNT
    if not row.covered:
        return _l("For residents of %(zones)s.", zones=_zones(process))
    rule = row.rule or EligibilityRule.REGISTERED
    allowed = {
        EligibilityRule.REGISTERED: True,
        EligibilityRule.ROLL: row.on_roll,
        EligibilityRule.VERIFIED: row.verified,
        EligibilityRule.ROLL_OR_VERIFIED: row.on_roll or row.verified,
    }[rule]
    if not allowed:
        return RULE_REASONS[rule]
    if process.min_age is not None and (
        user.birth_date is None or age_on(user.birth_date, today) < process.min_age
    ):
        return _l("For people aged %(age)s or older.", age=process.min_age)
    return None


def open_processes(user, today: date) -> tuple[list[OpenProcess], bool]:
    """The open processes for `user` (None: a visitor) and whether more are open than shown.

    Those the person may take part in come first, the ones they have not taken part in yet
    before the rest; then the others, each with its reason. A visitor sees them all, newest
    first, with no reason.
    """
    covered, took_part, on_roll, verified, rule = _columns(user)
    query = (
        db.select(
            Process,
            covered.label("covered"),
            took_part.label("took_part"),
            on_roll.label("on_roll"),
            verified.label("verified"),
            rule.label("rule"),
        )
        .where(Process.status == ProcessStatus.OPEN)
        .options(
            selectinload(Process.phases),
            selectinload(Process.delegaciones),
            selectinload(Process.colonias),
        )
        .order_by(Process.created_at.desc(), Process.id.desc())
        .limit(OPEN_LIMIT + 1)
    )
    rows = db.session.execute(query).all()
    shown = []
    for row in rows[:OPEN_LIMIT]:
        process = row.Process
        reason = _reason(user, process, row, today)
        shown.append(
            OpenProcess(
                process=process,
                for_you=user is not None and reason is None,
                took_part=bool(row.took_part),
                in_zone=bool(row.covered),
                reason=reason,
                zones=_zones(process),
            )
        )
    # Stable: within each group the newest first, as read.
    shown.sort(key=lambda item: (not item.for_you, item.took_part and item.for_you))
    return shown, len(rows) > OPEN_LIMIT
