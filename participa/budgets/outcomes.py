"""The outcome of a PB ballot: what the public page shows, saving it, publishing it.

A saved `PbOutcome` is published with its process (`mark_published`, called by the
lifecycle when the process reaches "results published").
"""

import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.aggregates.reads import ballot_support
from participa.audit.services import record
from participa.budgets.ballots import ballots
from participa.budgets.counting import (
    MANUAL,
    MIN_JUSTIFICATION,
    RULES,
    Comparison,
    Line,
    Reason,
    compare,
    greedy_reasons,
)
from participa.budgets.models import (
    CountingRule,
    PbBallot,
    PbOutcome,
    PbParticipation,
    ProjectStatus,
)
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.scope import colonias_in_scope
from participa.processes.types import ProcessStatus
from participa.tally import shares_of_population


@dataclass(frozen=True)
class ResultLine:
    line: Line
    funded: bool
    reason: Reason


@dataclass(frozen=True)
class BallotResult:
    """A ballot's saved outcome (or, before one is saved, its own rule's count)."""

    ballot: PbBallot
    rule: str
    saved: bool
    justification: str
    winners: tuple[int, ...]
    used: int
    comparison: Comparison
    lines: tuple[ResultLine, ...]

    @property
    def funded_lines(self) -> list[ResultLine]:
        """The funded projects in funding order."""
        by_id = {r.line.project_id: r for r in self.lines}
        return [by_id[w] for w in self.winners if w in by_id]


def winners_of(outcome: PbOutcome) -> tuple[int, ...]:
    return tuple(int(w) for w in json.loads(outcome.winners))


def _reasons(ballot, comparison: Comparison, rule: str, winners: tuple[int, ...]) -> list:
    chosen = set(winners)
    walked = greedy_reasons(ballot, comparison.greedy.detail.ranking, chosen)
    mes_agrees = comparison.mes is not None and comparison.mes.winners == winners
    reasons = []
    for line in comparison.lines:
        funded = line.project_id in chosen
        if not line.on_ballot:
            reason = line.greedy_reason
        elif rule == MANUAL:
            reason = Reason("manual_funded" if funded else "manual_not")
        elif rule == CountingRule.GREEDY.value:
            reason = walked[str(line.project_id)]
        elif mes_agrees:
            reason = line.mes_reason
        else:  # the settings changed since the result was saved
            reason = Reason("funded" if funded else "not_funded")
        reasons.append(ResultLine(line, funded, reason))
    return reasons


def ballot_result(ballot: PbBallot) -> BallotResult:
    comparison = compare(ballot)
    outcome = ballot.outcome
    if outcome is not None:
        rule, winners, note = outcome.rule, winners_of(outcome), outcome.justification
    else:
        own = comparison.mes if ballot.counting_rule is CountingRule.MES else None
        counted = own or comparison.greedy
        rule, winners, note = counted.rule, counted.winners, ""
    costs = {line.project_id: line.cost or 0 for line in comparison.lines}
    return BallotResult(
        ballot=ballot,
        rule=rule,
        saved=outcome is not None,
        justification=note,
        winners=winners,
        used=sum(costs.get(w, 0) for w in winners),
        comparison=comparison,
        lines=tuple(_reasons(ballot, comparison, rule, winners)),
    )


def _manual_winners(ballot: PbBallot, chosen, justification: str) -> tuple[int, ...]:
    if len(justification) < MIN_JUSTIFICATION:
        raise DomainError(
            _l(
                "Explain the decision in at least %(n)s characters: it is published with the "
                "results.",
                n=MIN_JUSTIFICATION,
            ),
            field="justification",
        )
    feasible = {p.id: p for p in ballot.projects if p.status is ProjectStatus.FEASIBLE and p.cost}
    chosen = list(dict.fromkeys(int(w) for w in chosen))
    if not chosen:
        raise DomainError(_l("Choose at least one project to fund."), field="project_ids")
    if any(w not in feasible for w in chosen):
        raise DomainError(_l("Only projects on the ballot can be funded."), field="project_ids")
    total = sum(feasible[w].cost for w in chosen)
    if total > ballot.amount:
        raise DomainError(
            _l(
                "The chosen projects cost %(total)s, more than the %(amount)s of the ballot.",
                total=f"${format_decimal(total)}",
                amount=f"${format_decimal(ballot.amount)}",
            ),
            field="project_ids",
        )
    order = {line.project_id: i for i, line in enumerate(compare(ballot).lines)}
    return tuple(sorted(chosen, key=order.__getitem__))


def save_outcome(
    actor, ballot: PbBallot, rule: str, winners=(), justification: str = "", now=None
) -> PbOutcome:
    """Save the ballot's result: a rule's count, or staff's justified choice (manual)."""
    if ballot.process.status is not ProcessStatus.CLOSED:
        raise DomainError(_l("Results are saved once voting has closed, before publishing them."))
    if rule not in RULES:
        raise DomainError(_l("Choose how the result is counted."))
    justification = (justification or "").strip()
    if rule == MANUAL:
        winners = _manual_winners(ballot, winners, justification)
    else:
        comparison = compare(ballot)
        counted = comparison.greedy if rule == CountingRule.GREEDY.value else comparison.mes
        if counted is None:
            raise DomainError(comparison.mes_problem)
        winners = counted.winners
    costs = {p.id: p.cost or 0 for p in ballot.projects}
    outcome = ballot.outcome or PbOutcome(ballot_id=ballot.id)
    outcome.rule, outcome.winners = rule, json.dumps(list(winners))
    outcome.justification, outcome.counted_at = justification, now or utcnow()
    outcome.published = False
    ballot.outcome = outcome
    record(
        actor,
        "pb.outcome.save",
        ballot.process,
        ballot=ballot.id,
        rule=rule,
        winners=list(winners),
        cost=sum(costs[w] for w in winners),
        justification=justification,
    )
    db.session.commit()
    return outcome


def publication_problems(process) -> list:
    """Why the PB results of `process` cannot be published yet."""
    return [
        # gettext, not lazy: a lazy string renders as safe HTML, and the name is staff input.
        gettext("The ballot “%(name)s” has no saved result yet.", name=b.name)
        for b in ballots(process)
        if b.outcome is None
    ]


def mark_published(process) -> None:
    """Publish the saved outcomes of the process (the lifecycle's transaction commits)."""
    for ballot in ballots(process):
        if ballot.outcome is not None:
            ballot.outcome.published = True


@dataclass(frozen=True)
class Turnout:
    total: int  # distinct people who voted in any ballot
    located: int  # of them, those with a colonia in the process's scope
    by_colonia: tuple  # ZoneShare rows


def turnout(process) -> Turnout:
    """Who voted in the process's ballots, by colonia, as a share of its population.

    People are counted once across the process's ballots, which needs every participation
    (seconds at a million). Once voting has closed nobody else takes part: the count is kept
    in memory, keyed by the ballots' vote counts (aggregates; paper batches typed later) and
    the colonias' populations.
    """
    if process.status is ProcessStatus.OPEN:
        return _count_turnout(process)
    votes = tuple(
        (ballot_id, ballot_support(ballot_id).ballots)
        for ballot_id in db.session.execute(
            db.select(PbBallot.id).where(PbBallot.process_id == process.id).order_by(PbBallot.id)
        ).scalars()
    )
    population = tuple((c.id, c.population) for c in colonias_in_scope(process))
    cache = current_app.extensions.setdefault("pb_turnout", {})
    key = (process.id, votes, population)
    if key not in cache:
        if len(cache) >= 32:
            cache.clear()
        cache[key] = _count_turnout(process)
    return cache[key]


def _count_turnout(process) -> Turnout:
    ids = db.select(PbBallot.id).where(PbBallot.process_id == process.id)
    people = func.count(func.distinct(PbParticipation.voter_key))
    of_process = PbParticipation.ballot_id.in_(ids)
    total = db.session.execute(db.select(people).where(of_process)).scalar_one()
    grouped = db.select(PbParticipation.colonia_id, people).where(of_process)
    rows = db.session.execute(grouped.group_by(PbParticipation.colonia_id)).all()
    in_scope = {c.id: c for c in colonias_in_scope(process)}
    counts = {in_scope[cid].label: n for cid, n in rows if cid in in_scope}
    population = {c.label: c.population for c in in_scope.values()}
    return Turnout(total, sum(counts.values()), shares_of_population(counts, population))
