"""Count PB ballots with the tally's rules and compare them, with a reason per project.

The stored votes become a `participa.tally.pb.Election` (project ids are the database ids as
text, so ties go to the older project); the tally decides, this module explains. The count
runs in the background and is stored (`participa.budgets.counts`); a saved outcome is saved
and published by `participa.budgets.outcomes`.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from flask_babel import lazy_gettext as _l

from participa.aggregates.reads import ProjectSupport, ballot_support
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
from participa.core.numbers import money
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
        values = {k: money(v) if k in MONEY else v for k, v in self.values}
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


def counted_projects(ballot: PbBallot) -> list[PbProject]:
    """The projects the rules count: feasible, with a cost."""
    return [p for p in ballot.projects if p.status is ProjectStatus.FEASIBLE and p.cost]


def tally_projects(projects: list[PbProject]) -> tuple[pb.Project, ...]:
    return tuple(pb.Project(str(p.id), p.cost, p.title) for p in projects)


def stored_ballots(
    ballot_id: int, rule: BallotRule, known: set[int], batch: int = 5000
) -> Iterator[pb.Ballot]:
    """Every stored vote of a ballot as a tally Ballot, read in batches, in random-id order."""
    query = (
        db.select(PbVote.id, PbVoteItem.project_id, PbVoteItem.weight)
        .outerjoin(PbVoteItem, PbVoteItem.vote_id == PbVote.id)
        .where(PbVote.ballot_id == ballot_id)
        .order_by(PbVote.id, PbVoteItem.weight, PbVoteItem.project_id)
        .execution_options(yield_per=batch)
    )
    kind = KINDS[rule]
    for _vote, rows in groupby(db.session.execute(query), key=lambda row: row[0]):
        items = [(str(pid), w) for _, pid, w in rows if pid in known]
        points = tuple(w for _, w in items) if kind is pb.BallotKind.CUMULATIVE else None
        yield pb.Ballot(projects=tuple(p for p, _ in items), points=points)


def election_for(ballot: PbBallot) -> pb.Election:
    """The ballot's feasible projects and stored votes as a tally Election (every vote read)."""
    projects = counted_projects(ballot)
    return pb.Election(
        budget=ballot.amount,
        kind=KINDS[ballot.rule],
        projects=tally_projects(projects),
        ballots=tuple(stored_ballots(ballot.id, ballot.rule, {p.id for p in projects})),
    )


def support_for(ballot: PbBallot, projects: list[PbProject]) -> tuple[pb.Support, int] | None:
    """Each project's score and votes from the maintained aggregates, and the votes cast.

    None when the aggregates cannot give the tally's numbers: a ranking ballot whose votes
    name a project no longer counted (its rank points depend on the shortened ballot).
    """
    found = ballot_support(ballot.id)
    if ballot.rule is BallotRule.RANKING and set(found.projects) - {p.id for p in projects}:
        return None
    kind = KINDS[ballot.rule]
    empty = ProjectSupport(0, 0, 0)
    rows = [found.projects.get(p.id, empty) for p in projects]
    if kind is pb.BallotKind.CUMULATIVE:
        score = tuple(r.weight_sum for r in rows)
    elif kind is pb.BallotKind.ORDINAL:
        score = tuple(r.rank_points for r in rows)
    else:
        score = tuple(r.votes for r in rows)
    return pb.Support(score=score, votes=tuple(r.votes for r in rows)), found.ballots


def mes_settings(ballot: PbBallot) -> pb.MesSettings:
    return pb.MesSettings(
        completion=pb.Completion(ballot.mes_completion.value),
        exhaustive_stop=ballot.mes_exhaustive_stop,
        comparison=ballot.mes_comparison,
    )


def _as_count(rule: CountingRule, outcome) -> Count:
    return Count(rule.value, tuple(int(w) for w in outcome.winners), int(outcome.cost), outcome)


MES_NOT_FOR_RANKING = _l(
    "Equal Shares counts approval, budget and points ballots; a ranking ballot is counted by "
    "most votes."
)


def _count_mes(election: pb.Election, ballot: PbBallot) -> Count:
    if ballot.rule is BallotRule.RANKING:
        raise DomainError(MES_NOT_FOR_RANKING)
    return _as_count(CountingRule.MES, pb.equal_shares(election, mes_settings(ballot)))


def _count_greedy(ballot: PbBallot) -> tuple[Count, int]:
    """Greedy from the per-project sums of the aggregates (every vote read only if needed)."""
    projects = counted_projects(ballot)
    counted = support_for(ballot, projects)
    if counted is None:
        election = election_for(ballot)
        counted = pb.support(election), len(election.ballots)
    support, voters = counted
    variant = VARIANTS[ballot.greedy_variant]
    outcome = pb.greedy_from_support(
        tally_projects(projects), ballot.amount, support, variant, ballot.greedy_threshold
    )
    return _as_count(CountingRule.GREEDY, outcome), voters


def count(ballot: PbBallot, rule: CountingRule) -> Count:
    """Count the ballot with `rule` and the ballot's settings for it."""
    if CountingRule(rule) is CountingRule.MES:
        return _count_mes(election_for(ballot), ballot)
    return _count_greedy(ballot)[0]


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


def explain(ballot: PbBallot, voters: int, greedy: Count, mes: Count | None, problem) -> Comparison:
    """Lay both counts side by side with a reason per project (no vote is read)."""
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
        if int(r.project_id) in titles  # a project deleted since the count
    ]
    on_ballot = {line.project_id for line in lines}
    lines += [_off_ballot(p) for p in ballot.projects if p.id not in on_ballot]
    return Comparison(voters, ballot.amount, tuple(lines), greedy, mes, problem)


def compare(ballot: PbBallot) -> Comparison:
    """Count the ballot with greedy and Equal Shares, with a reason per project.

    Equal Shares reads every vote (almost a minute at a million): this runs in the
    background (participa.budgets.counts) or from `flask pb-count`, never in a request;
    pages read the stored result.
    """
    greedy, voters = _count_greedy(ballot)
    mes, problem = None, None
    if ballot.rule is BallotRule.RANKING:
        problem = MES_NOT_FOR_RANKING
    else:
        mes = _count_mes(election_for(ballot), ballot)
    return explain(ballot, voters, greedy, mes, problem)
