"""Count PB ballots with the tally's rules, compare them, and save and publish the outcome.

The stored votes become a `participa.tally.pb.Election` (project ids are the database ids as
text, so ties go to the older project); the tally decides, this module explains. A saved
`PbOutcome` is published with its process (`mark_published`, called by the lifecycle).
"""

import json
from dataclasses import dataclass
from itertools import groupby

from flask import current_app
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.audit.services import record
from participa.budgets.ballots import ballots
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    PbBallot,
    PbOutcome,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.results.services import colonias_in_scope
from participa.tally import pb, shares_of_population

MANUAL = "manual"
RULES = (CountingRule.GREEDY.value, CountingRule.MES.value, MANUAL)
MIN_JUSTIFICATION = 20
KINDS = {
    BallotRule.APPROVAL: pb.BallotKind.APPROVAL,
    BallotRule.KNAPSACK: pb.BallotKind.APPROVAL,
    BallotRule.CUMULATIVE: pb.BallotKind.CUMULATIVE,
    BallotRule.RANKING: pb.BallotKind.ORDINAL,
}
VARIANTS = {
    GreedyVariant.PLAIN: pb.GreedyVariant.PLAIN,
    GreedyVariant.THRESHOLD: pb.GreedyVariant.THRESHOLD,
    GreedyVariant.NO_SKIP: pb.GreedyVariant.NO_SKIP,
}
REASONS = {
    "greedy_funded": _l("Funded: next in votes, and its cost fitted in the money left."),
    "did_not_fit": _l(
        "Not funded: it costs %(cost)s and only %(left)s was left after funding the projects "
        "with more votes."
    ),
    "below_threshold": _l("Not funded: its score is below the minimum of %(threshold)s."),
    "stopped": _l("Not funded: counting stopped at the first project that did not fit."),
    "no_votes": _l("Not funded: nobody voted for it."),
    "mes_funded": _l("Funded: its supporters' equal shares paid its cost."),
    "mes_filled": _l("Funded with the money Equal Shares left over, in order of votes."),
    "mes_unpaid": _l("Not funded: its supporters' equal shares could not pay its cost."),
    "manual_funded": _l("Funded by the office's decision (see the justification)."),
    "manual_not": _l("Not funded by the office's decision (see the justification)."),
    "funded": _l("Funded."),
    "not_funded": _l("Not funded."),
    "not_feasible": _l("Not on the ballot: the technical review found it not feasible."),
    "not_reviewed": _l("Not on the ballot: it was not reviewed."),
}
MONEY = ("cost", "left")


@dataclass(frozen=True)
class Reason:
    """Why a project was or was not funded: a code tests can read, and a sentence."""

    code: str
    values: tuple = ()  # (name, value) pairs for the sentence

    def __str__(self) -> str:
        values = {k: f"${format_decimal(v)}" if k in MONEY else v for k, v in self.values}
        return str(REASONS[self.code]) % values


@dataclass(frozen=True)
class Count:
    """One rule's outcome in database ids, in funding order."""

    rule: str
    winners: tuple[int, ...]
    cost: int
    detail: object  # the tally's GreedyOutcome or MesOutcome


@dataclass(frozen=True)
class Line:
    """One project of a ballot as the rules saw it."""

    project_id: int
    title: str
    cost: int | None
    on_ballot: bool
    votes: int
    score: object
    greedy: bool
    mes: bool | None  # None: Equal Shares does not apply to this ballot
    greedy_reason: Reason
    mes_reason: Reason | None


@dataclass(frozen=True)
class Comparison:
    """Greedy and Equal Shares side by side for one ballot."""

    voters: int
    amount: int
    lines: tuple[Line, ...]  # greedy ranking first, then projects not on the ballot
    greedy: Count
    mes: Count | None
    mes_problem: object = None


def election_for(ballot: PbBallot) -> pb.Election:
    """The ballot's feasible projects and stored votes as a tally Election."""
    projects = [p for p in ballot.projects if p.status is ProjectStatus.FEASIBLE and p.cost]
    known = {p.id for p in projects}
    query = (
        db.select(PbVote.id, PbVoteItem.project_id, PbVoteItem.weight)
        .outerjoin(PbVoteItem, PbVoteItem.vote_id == PbVote.id)
        .where(PbVote.ballot_id == ballot.id)
        .order_by(PbVote.id, PbVoteItem.weight, PbVoteItem.project_id)
    )
    kind = KINDS[ballot.rule]
    cast = []
    for _vote, rows in groupby(db.session.execute(query), key=lambda row: row[0]):
        items = [(str(pid), w) for _, pid, w in rows if pid in known]
        points = tuple(w for _, w in items) if kind is pb.BallotKind.CUMULATIVE else None
        cast.append(pb.Ballot(projects=tuple(p for p, _ in items), points=points))
    return pb.Election(
        budget=ballot.amount,
        kind=kind,
        projects=tuple(pb.Project(str(p.id), p.cost, p.title) for p in projects),
        ballots=tuple(cast),
    )


def mes_settings(ballot: PbBallot) -> pb.MesSettings:
    return pb.MesSettings(
        completion=pb.Completion(ballot.mes_completion.value),
        exhaustive_stop=ballot.mes_exhaustive_stop,
        comparison=ballot.mes_comparison,
    )


def _count(election: pb.Election, ballot: PbBallot, rule: CountingRule) -> Count:
    if rule is CountingRule.MES:
        if ballot.rule is BallotRule.RANKING:
            raise DomainError(
                _l(
                    "Equal Shares counts approval, budget and points ballots; a ranking ballot "
                    "is counted by most votes."
                )
            )
        outcome = pb.equal_shares(election, mes_settings(ballot))
    else:
        variant = VARIANTS[ballot.greedy_variant]
        outcome = pb.greedy(election, variant, ballot.greedy_threshold)
    return Count(rule.value, tuple(int(w) for w in outcome.winners), int(outcome.cost), outcome)


def count(ballot: PbBallot, rule: CountingRule) -> Count:
    """Count the ballot with `rule` and the ballot's settings for it."""
    return _count(election_for(ballot), ballot, CountingRule(rule))


def greedy_reasons(ballot: PbBallot, ranking, winners) -> dict[str, Reason]:
    """Why each ranked project was or was not funded, walking the ranking as greedy does."""
    left, stopped, reasons = ballot.amount, False, {}
    threshold = ballot.greedy_variant is GreedyVariant.THRESHOLD
    for r in ranking:
        if int(r.project_id) in winners:
            left -= r.cost
            reasons[r.project_id] = Reason("greedy_funded")
        elif r.score <= 0:
            reasons[r.project_id] = Reason("no_votes")
        elif threshold and r.score < ballot.greedy_threshold:
            reasons[r.project_id] = Reason(
                "below_threshold", (("threshold", ballot.greedy_threshold),)
            )
        elif stopped:
            reasons[r.project_id] = Reason("stopped")
        elif r.cost > left:
            reasons[r.project_id] = Reason("did_not_fit", (("cost", r.cost), ("left", left)))
            stopped = ballot.greedy_variant is GreedyVariant.NO_SKIP
        else:
            reasons[r.project_id] = Reason("not_funded")
    return reasons


def _mes_reasons(ballot, greedy: Count, mes: Count | None) -> dict[str, Reason]:
    if mes is None:
        return {}
    outcome = mes.detail
    if outcome.greedy_chosen:
        return greedy_reasons(ballot, greedy.detail.ranking, set(mes.winners))
    reasons = {}
    for r in greedy.detail.ranking:
        if r.project_id in outcome.mes_winners:
            reasons[r.project_id] = Reason("mes_funded")
        elif r.project_id in outcome.filled:
            reasons[r.project_id] = Reason("mes_filled")
        else:
            reasons[r.project_id] = Reason("no_votes" if r.votes == 0 else "mes_unpaid")
    return reasons


def _off_ballot(project: PbProject) -> Line:
    code = "not_feasible" if project.status is ProjectStatus.UNFEASIBLE else "not_reviewed"
    return Line(
        project.id, project.title, project.cost, False, 0, 0, False, None, Reason(code), None
    )


def _compute(ballot: PbBallot) -> Comparison:
    election = election_for(ballot)
    greedy = _count(election, ballot, CountingRule.GREEDY)
    mes, problem = None, None
    try:
        mes = _count(election, ballot, CountingRule.MES)
    except DomainError as error:
        problem = error.message
    g_reasons = greedy_reasons(ballot, greedy.detail.ranking, set(greedy.winners))
    m_reasons = _mes_reasons(ballot, greedy, mes)
    titles = {p.id: p for p in ballot.projects}
    lines = [
        Line(
            int(r.project_id),
            titles[int(r.project_id)].title,
            r.cost,
            True,
            r.votes,
            r.score,
            int(r.project_id) in greedy.winners,
            None if mes is None else int(r.project_id) in mes.winners,
            g_reasons[r.project_id],
            m_reasons.get(r.project_id),
        )
        for r in greedy.detail.ranking
    ]
    on_ballot = {line.project_id for line in lines}
    lines += [_off_ballot(p) for p in ballot.projects if p.id not in on_ballot]
    voters = len(election.ballots)
    return Comparison(voters, ballot.amount, tuple(lines), greedy, mes, problem)


def _fingerprint(ballot: PbBallot) -> tuple:
    """What the comparison depends on: settings, projects and how many votes."""
    votes = db.session.execute(
        db.select(func.count()).select_from(PbVote).where(PbVote.ballot_id == ballot.id)
    ).scalar_one()
    projects = tuple((p.id, p.cost, p.status.value, p.title) for p in ballot.projects)
    settings = tuple(getattr(ballot, name) for name in SETTINGS)
    return (ballot.id, votes, projects, settings)


SETTINGS = (
    "amount",
    "rule",
    "greedy_variant",
    "greedy_threshold",
    "mes_completion",
    "mes_exhaustive_stop",
    "mes_comparison",
)


def compare(ballot: PbBallot) -> Comparison:
    """Greedy and Equal Shares for the ballot, with a reason per project.

    Equal Shares on a large ballot takes seconds, and votes no longer change once voting
    closes: each application keeps the last comparisons, keyed by what they depend on.
    """
    cache = current_app.extensions.setdefault("pb_comparisons", {})
    key = _fingerprint(ballot)
    if key not in cache:
        if len(cache) >= 32:
            cache.clear()
        cache[key] = _compute(ballot)
    return cache[key]


# --- the outcome: what the public page shows, saving it, publishing it ------------------


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
    """Who voted in the process's ballots, by colonia, as a share of its population."""
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
