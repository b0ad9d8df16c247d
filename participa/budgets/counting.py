"""Count PB ballots with the tally's rules and compare them, with a reason per project.

The stored votes become a `participa.tally.pb.Election` (project ids are the database ids as
text, so ties go to the older project); the tally decides, this module explains. A saved
outcome is saved and published by `participa.budgets.outcomes`.
"""

from dataclasses import dataclass
from itertools import groupby

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    PbBallot,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.core.errors import DomainError
from participa.extensions import db
from participa.tally import pb

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
