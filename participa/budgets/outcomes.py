"""The outcome of a PB ballot: what the public page shows, saving it, publishing it.

Everything here reads the count stored by the background count (participa.budgets.counts):
no page and no save counts votes. A saved `PbOutcome` is published with its process
(`mark_published`, called by the lifecycle when the process reaches "results published").
"""

import json
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.budgets.ballots import ballots
from participa.budgets.counting import (
    MANUAL,
    MIN_JUSTIFICATION,
    RULES,
    Comparison,
    Line,
    Reason,
    greedy_reasons,
)
from participa.budgets.counts import CountStatus, status
from participa.budgets.models import CountingRule, PbBallot, PbOutcome, ProjectStatus
from participa.core.errors import DomainError
from participa.core.numbers import money
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus


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
    comparison: Comparison | None  # None: no count stored yet
    lines: tuple[ResultLine, ...]
    count: CountStatus

    @property
    def funded_lines(self) -> list[ResultLine]:
        """The funded projects in funding order."""
        by_id = {r.line.project_id: r for r in self.lines}
        return [by_id[w] for w in self.winners if w in by_id]

    @property
    def funded_projects(self) -> list:
        """The funded projects themselves, in funding order: a saved outcome is the result,
        shown even when no count is stored (imported, or not counted since an upgrade)."""
        by_id = {p.id: p for p in self.ballot.projects}
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


def ballot_result(ballot: PbBallot, now) -> BallotResult:
    """The ballot's result as stored: its saved outcome, or its stored count (no vote read)."""
    count = status(ballot, now)
    comparison, outcome = count.comparison, ballot.outcome
    if outcome is not None:
        rule, winners, note = outcome.rule, winners_of(outcome), outcome.justification
    elif comparison is not None:
        own = comparison.mes if ballot.counting_rule is CountingRule.MES else None
        counted = own or comparison.greedy
        rule, winners, note = counted.rule, counted.winners, ""
    else:
        rule, winners, note = ballot.counting_rule.value, (), ""
    costs = {p.id: p.cost or 0 for p in ballot.projects}
    return BallotResult(
        ballot=ballot,
        rule=rule,
        saved=outcome is not None,
        justification=note,
        winners=winners,
        used=sum(costs.get(w, 0) for w in winners),
        comparison=comparison,
        lines=() if comparison is None else tuple(_reasons(ballot, comparison, rule, winners)),
        count=count,
    )


NOT_COUNTED = _l(
    "The count of this ballot is not up to date: count it again, and save once it has ended."
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
                total=money(total),
                amount=money(ballot.amount),
            ),
            field="project_ids",
        )
    # In the order of votes when a count is stored, else as the projects were entered.
    comparison = status(ballot, utcnow()).comparison
    lines = comparison.lines if comparison is not None else ()
    order = {line.project_id: i for i, line in enumerate(lines)}
    return tuple(sorted(chosen, key=lambda w: (order.get(w, len(order)), w)))


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
        count = status(ballot, now or utcnow())
        if not count.current:
            raise DomainError(NOT_COUNTED)
        comparison = count.comparison
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
