"""Prioritisation rounds: criteria and candidates, council members' scores, approval."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.core import signals
from participa.core.errors import DomainError, NotAllowed
from participa.extensions import db
from participa.tally.priorities import Candidate, Criterion, Priorities, prioritise
from participa.works.atomic import rolls_back
from participa.works.models import (
    PrioritisationRound,
    RoundCandidate,
    RoundCriterion,
    RoundStatus,
    Score,
    Work,
    WorkStatus,
)

MAX_PERIOD, MAX_NAME, MAX_JUSTIFICATION = 40, 120, 3000
MIN_JUSTIFICATION = 20
MAX_WEIGHT = Decimal(1000)
# Which status may follow which; "approved" only through `approve`.
TRANSITIONS = {
    RoundStatus.DRAFT: (RoundStatus.OPEN,),
    RoundStatus.OPEN: (RoundStatus.CLOSED,),
    RoundStatus.CLOSED: (RoundStatus.OPEN,),
    RoundStatus.APPROVED: (),
}


def _ensure(round_: PrioritisationRound, *statuses: RoundStatus) -> None:
    if round_.status not in statuses:
        raise DomainError(_l("This cannot be done in the round's current status."))


def rounds() -> list[PrioritisationRound]:
    query = db.select(PrioritisationRound).order_by(PrioritisationRound.id.desc())
    return list(db.session.execute(query).scalars())


def create_round(actor, period: str, now: datetime) -> PrioritisationRound:
    period = period.strip()
    if not period or len(period) > MAX_PERIOD:
        raise DomainError(
            _l("Name the period in at most %(n)s characters.", n=MAX_PERIOD), field="period"
        )
    round_ = PrioritisationRound(period=period, created_by_id=actor.id, created_at=now)
    db.session.add(round_)
    db.session.flush()
    record(actor, "works.round.create", round_, period=period)
    db.session.commit()
    return round_


def parse_weight(text: str) -> int | None:
    """A positive weight ("2", "1.5", "0,25") as thousandths; None if not one."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite() or value <= 0 or value > MAX_WEIGHT:
        return None
    thousandths = value * 1000
    return int(thousandths) if thousandths == thousandths.to_integral_value() else None


@dataclass(frozen=True)
class CriterionData:
    name: str
    weight: str
    scale: int | None
    higher_is_better: bool


@rolls_back
def add_criterion(actor, round_: PrioritisationRound, data: CriterionData) -> RoundCriterion:
    _ensure(round_, RoundStatus.DRAFT)
    name = data.name.strip()
    if not name or len(name) > MAX_NAME:
        raise DomainError(
            _l("Name the criterion in at most %(n)s characters.", n=MAX_NAME), field="name"
        )
    weight = parse_weight(data.weight)
    if weight is None:
        raise DomainError(
            _l("Write a weight above zero, with at most three decimals (for example 1.5)."),
            field="weight",
        )
    if data.scale is None or not 1 <= data.scale <= 100:
        raise DomainError(_l("The scale goes from 0 to a number between 1 and 100."), field="scale")
    criterion = RoundCriterion(
        round_id=round_.id,
        name=name,
        weight_thousandths=weight,
        scale=data.scale,
        higher_is_better=data.higher_is_better,
        position=len(round_.criteria),
    )
    round_.criteria.append(criterion)
    db.session.flush()
    record(actor, "works.round.criterion", round_, name=name, weight=str(criterion.weight))
    db.session.commit()
    return criterion


def remove_criterion(actor, round_: PrioritisationRound, criterion: RoundCriterion) -> None:
    _ensure(round_, RoundStatus.DRAFT)
    round_.criteria.remove(criterion)
    record(actor, "works.round.criterion_remove", round_, name=criterion.name)
    db.session.commit()


@rolls_back
def set_candidates(actor, round_: PrioritisationRound, work_ids) -> None:
    """Make exactly `work_ids` (candidate works) the round's candidates."""
    _ensure(round_, RoundStatus.DRAFT)
    wanted = set(work_ids)
    works = db.session.execute(db.select(Work).where(Work.id.in_(wanted))).scalars().all()
    if len(works) != len(wanted) or any(w.status is not WorkStatus.CANDIDATE for w in works):
        raise DomainError(_l("Choose candidate works from the list."), field="work_ids")
    round_.candidates = [RoundCandidate(work_id=w.id) for w in sorted(works, key=lambda w: w.id)]
    record(actor, "works.round.candidates", round_, works=sorted(wanted))
    db.session.commit()


def readiness(round_: PrioritisationRound) -> list:
    problems = []
    if len(round_.candidates) < 2:
        problems.append(_l("Choose at least two candidate works."))
    if not round_.criteria:
        problems.append(_l("Define at least one criterion."))
    return problems


def change_status(actor, round_: PrioritisationRound, target: RoundStatus) -> None:
    if target not in TRANSITIONS[round_.status]:
        raise DomainError(_l("This cannot be done in the round's current status."))
    if target is RoundStatus.OPEN and (problems := readiness(round_)):
        raise DomainError(problems[0])
    if target is RoundStatus.CLOSED and not scorers(round_):
        raise DomainError(_l("No council member has scored yet."))
    before = round_.status
    round_.status = target
    record(actor, "works.round.status", round_, before=before, status=target)
    db.session.commit()


# --- scores ------------------------------------------------------------------------------


def members() -> list[User]:
    """Council members: the accounts with role council, active, by name."""
    query = db.select(User).where(User.role == Role.COUNCIL, User.active.is_(True))
    return list(db.session.execute(query.order_by(User.name, User.id)).scalars())


def scorers(round_: PrioritisationRound) -> list[int]:
    """Ids of the members who saved their scores in this round."""
    query = db.select(Score.member_id).where(Score.round_id == round_.id).distinct()
    return sorted(db.session.execute(query).scalars())


def member_names(result: Priorities) -> dict[int, str]:
    ids = [m.member_id for m in result.members]
    users = db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()
    return {u.id: u.name for u in users}


def member_scores(round_: PrioritisationRound, member_id: int) -> dict[tuple[int, int], int]:
    query = db.select(Score).where(Score.round_id == round_.id, Score.member_id == member_id)
    return {(s.work_id, s.criterion_id): s.value for s in db.session.execute(query).scalars()}


@rolls_back
def save_scores(member, round_: PrioritisationRound, values: dict, now: datetime) -> None:
    """Replace the member's scores with `values` ((work id, criterion id) -> score).

    Every candidate needs a score on every criterion, from 0 to its scale; otherwise nothing
    is stored. Scores are written as a whole: saving again replaces them while the round is open.
    """
    if member.role is not Role.COUNCIL:
        raise NotAllowed(_l("Only council members score the candidates."))
    if round_.status is not RoundStatus.OPEN:
        raise DomainError(_l("Scoring is not open for this round."))
    for candidate in round_.candidates:
        for criterion in round_.criteria:
            value = values.get((candidate.work_id, criterion.id))
            if value is None or not 0 <= value <= criterion.scale:
                raise DomainError(
                    _l(
                        "Score every work on every criterion, from 0 to the criterion's scale. "
                        "Missing or wrong: “%(work)s”, %(criterion)s.",
                        work=candidate.work.title,
                        criterion=criterion.name,
                    ),
                    field=f"s_{candidate.work_id}_{criterion.id}",
                )
    db.session.execute(
        db.delete(Score).where(Score.round_id == round_.id, Score.member_id == member.id)
    )
    db.session.add_all(
        Score(
            round_id=round_.id,
            member_id=member.id,
            work_id=c.work_id,
            criterion_id=k.id,
            value=values[(c.work_id, k.id)],
        )
        for c in round_.candidates
        for k in round_.criteria
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same member saved twice at once: one save stands
        db.session.rollback()
        raise DomainError(_l("Your scores were saved from another window; check them.")) from None


# --- results and approval ----------------------------------------------------------------


def results(round_: PrioritisationRound) -> Priorities:
    """Aggregate the saved scores of the round with the pure counting core."""
    candidates = [Candidate(c.work_id, c.work.title) for c in round_.candidates]
    criteria = [Criterion(k.id, k.weight, k.scale, k.higher_is_better) for k in round_.criteria]
    query = db.select(Score).where(Score.round_id == round_.id)
    table: dict[int, dict] = {}
    for score in db.session.execute(query).scalars():
        table.setdefault(score.member_id, {})[(score.work_id, score.criterion_id)] = score.value
    return prioritise(candidates, criteria, table)


@rolls_back
def approve(actor, round_: PrioritisationRound, ranks: dict, justification: str, now) -> None:
    """Approve the list: `ranks` (work id -> place, None: left out) in the council's order.

    A list that differs from the weighted ranking needs a written justification (audited).
    Approved works become priorities with their place in the period.
    """
    if actor.role not in (Role.COUNCIL, Role.STAFF, Role.ADMIN):
        raise NotAllowed(_l("Only the council or staff record the approval."))
    _ensure(round_, RoundStatus.CLOSED)
    by_work = {c.work_id: c for c in round_.candidates}
    chosen = {w: r for w, r in ranks.items() if r is not None}
    if set(ranks) - set(by_work) or not chosen:
        raise DomainError(_l("Give a place to at least one work."), field="ranks")
    if sorted(chosen.values()) != list(range(1, len(chosen) + 1)):
        raise DomainError(
            _l("Number the places 1, 2, 3… without repeating or skipping any."), field="ranks"
        )
    order = [w for w, _r in sorted(chosen.items(), key=lambda item: item[1])]
    suggested = [r.candidate_id for r in results(round_).weighted]
    justification = justification.strip()
    if order != suggested and len(justification) < MIN_JUSTIFICATION:
        raise DomainError(
            _l(
                "The list differs from the weighted ranking: explain why in at least %(n)s "
                "characters.",
                n=MIN_JUSTIFICATION,
            ),
            field="justification",
        )
    if len(justification) > MAX_JUSTIFICATION:
        raise DomainError(
            _l("At most %(n)s characters.", n=MAX_JUSTIFICATION), field="justification"
        )
    # A work done, discarded, in execution or approved in another round meanwhile is no
    # candidate any more: approving it would silently turn it back into a priority.
    if moved := [
        by_work[w].work.title for w in order if by_work[w].work.status is not WorkStatus.CANDIDATE
    ]:
        raise DomainError(
            _l("These works are no longer candidates: %(titles)s.", titles=", ".join(moved)),
            field="ranks",
        )
    _claim_approval(round_)
    for place, work_id in enumerate(order, start=1):
        by_work[work_id].approved_rank = place
        by_work[work_id].work.status = WorkStatus.PRIORITY
        signals.work_status_changed.send(
            by_work[work_id].work,
            actor=actor,
            before=WorkStatus.CANDIDATE,
            after=WorkStatus.PRIORITY,
        )
    round_.status, round_.approved_by_id, round_.approved_at = RoundStatus.APPROVED, actor.id, now
    round_.justification = justification
    record(
        actor,
        "works.round.approve",
        round_,
        order=order,
        suggested=suggested,
        justification=justification,
    )
    db.session.commit()


def _claim_approval(round_: PrioritisationRound) -> None:
    """Mark the round approved if it is still closed; of two approvals at once one wins."""
    claimed = db.session.execute(
        update(PrioritisationRound)
        .where(
            PrioritisationRound.id == round_.id, PrioritisationRound.status == RoundStatus.CLOSED
        )
        .values(status=RoundStatus.APPROVED)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise DomainError(_l("The list was approved meanwhile. Reload the page to see it."))


def approved_list(round_: PrioritisationRound) -> list[RoundCandidate]:
    ranked = [c for c in round_.candidates if c.approved_rank is not None]
    return sorted(ranked, key=lambda c: c.approved_rank)


def public_priorities() -> list[tuple[PrioritisationRound, list[RoundCandidate]]]:
    """Approved rounds, newest first, with their priorities in order."""
    query = db.select(PrioritisationRound).where(PrioritisationRound.status == RoundStatus.APPROVED)
    found = db.session.execute(query.order_by(PrioritisationRound.id.desc())).scalars()
    return [(r, approved_list(r)) for r in found]
