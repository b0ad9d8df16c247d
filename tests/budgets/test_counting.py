"""Counting PB ballots through the app: the same winners as the tally, reasons, saving."""

import json
import secrets

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.budgets import counting, counts, outcomes
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    MesCompletion,
    PbBallot,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.budgets.turnout import turnout
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus, ProcessType
from participa.tally import pb

APPROVAL_VOTES = [("A", "B")] * 3 + [("C",)]  # greedy funds A and B, Equal Shares A and C


def seed_ballot(make, rule=BallotRule.APPROVAL, costs=None, amount=40, status=None, **settings):
    """A closed PB process with one ballot and feasible projects named by letter."""
    process = make.process(
        status or ProcessStatus.CLOSED, type=ProcessType.PRESUPUESTO, title="PP 2027"
    )
    ballot = PbBallot(
        process_id=process.id,
        name="Todo el municipio",
        amount=amount,
        rule=rule,
        max_choices=None if rule is BallotRule.KNAPSACK else 5,
        points=10 if rule is BallotRule.CUMULATIVE else None,
        **settings,
    )
    db.session.add(ballot)
    db.session.flush()
    for name, cost in (costs or {"A": 20, "B": 20, "C": 10}).items():
        status = ProjectStatus.FEASIBLE if cost else ProjectStatus.UNFEASIBLE
        ballot.projects.append(
            PbProject(title=name, estimated_cost=cost or 5, cost=cost or None, status=status)
        )
    db.session.commit()
    return ballot


def ids(ballot) -> dict[str, int]:
    return {p.title: p.id for p in ballot.projects}


def add_votes(ballot, votes, colonia=None, first_person=None):
    """Store votes: each a tuple of titles (best first) or a {title: points} dict, by people
    numbered from `first_person` (default: people who have not voted in any ballot)."""
    by_title = ids(ballot)
    start = len(db.session.execute(db.select(PbVote.id)).all())
    start = start if first_person is None else first_person
    for n, chosen in enumerate(votes, start):
        weights = chosen if isinstance(chosen, dict) else {t: 1 for t in chosen}
        if ballot.rule is BallotRule.RANKING:
            weights = {t: position for position, t in enumerate(chosen, 1)}
        vote = PbVote(
            id=secrets.token_hex(16), ballot_id=ballot.id, receipt_hash=secrets.token_hex(32)
        )
        vote.items = [PbVoteItem(project_id=by_title[t], weight=w) for t, w in weights.items()]
        db.session.add(vote)
        db.session.add(
            PbParticipation(
                ballot_id=ballot.id,
                voter_key=f"test:{n}",
                colonia_id=colonia.id if colonia else None,
            )
        )
    db.session.commit()


def count(ballot) -> None:
    """Count the ballot and store it, as voting's close does (here in the test's thread)."""
    counts.count_here(ballot.process_id, [ballot.id], utcnow())


def titles(ballot, winners) -> list[str]:
    names = {v: k for k, v in ids(ballot).items()}
    return [names[int(w)] for w in winners]


def tally_election(ballot, votes) -> pb.Election:
    """The same election built by hand, straight for the tally."""
    by_title = ids(ballot)
    kind = counting.KINDS[ballot.rule]
    ballots = []
    for chosen in votes:
        names = tuple(chosen)
        points = tuple(chosen.values()) if isinstance(chosen, dict) else None
        ballots.append(pb.Ballot(tuple(str(by_title[t]) for t in names), points))
    projects = tuple(
        pb.Project(str(p.id), p.cost) for p in ballot.projects if p.status is ProjectStatus.FEASIBLE
    )
    return pb.Election(ballot.amount, kind, projects, tuple(ballots))


CASES = [
    pytest.param(BallotRule.APPROVAL, APPROVAL_VOTES, ["A", "B"], ["A", "C"], id="approval"),
    pytest.param(BallotRule.KNAPSACK, APPROVAL_VOTES, ["A", "B"], ["A", "C"], id="knapsack"),
    pytest.param(
        BallotRule.CUMULATIVE,
        [{"A": 6, "B": 4}, {"A": 5, "B": 5}, {"B": 10}, {"C": 10}],
        ["B", "A"],  # B 19 points, A 11, C 10: C no longer fits
        ["B", "C"],  # Equal Shares reads points as approvals: B has three supporters
        id="cumulative",
    ),
    pytest.param(
        BallotRule.RANKING,
        [("A", "B", "C"), ("B", "A"), ("C",)],
        ["A", "B"],  # Borda A 4, B 4 (same cost and votes: the older id), C 2
        None,
        id="ranking",
    ),
]


@pytest.mark.parametrize(("rule", "votes", "greedy", "mes"), CASES)
def test_counting_through_the_app_equals_the_tally(make, rule, votes, greedy, mes):
    ballot = seed_ballot(make, rule)
    add_votes(ballot, votes)
    election = tally_election(ballot, votes)

    counted = counting.count(ballot, CountingRule.GREEDY)
    assert counted.winners == tuple(int(w) for w in pb.greedy(election).winners)
    assert titles(ballot, counted.winners) == greedy
    assert counted.cost == 40

    if mes is None:
        with pytest.raises(DomainError, match="ranking"):
            counting.count(ballot, CountingRule.MES)
        return
    counted = counting.count(ballot, CountingRule.MES)
    assert counted.winners == tuple(int(w) for w in pb.equal_shares(election).winners)
    assert sorted(titles(ballot, counted.winners)) == mes


def test_empty_ballots_count_as_voters(make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES + [()])
    election = counting.election_for(ballot)
    assert len(election.ballots) == 5
    assert sum(1 for b in election.ballots if not b.projects) == 1


def test_ballot_settings_choose_the_variant(make):
    ballot = seed_ballot(make, costs={"A": 20, "B": 30, "C": 10})
    add_votes(ballot, [("A", "B", "C"), ("A", "B"), ("A",)])
    assert titles(ballot, counting.count(ballot, CountingRule.GREEDY).winners) == ["A", "C"]
    ballot.greedy_variant = GreedyVariant.NO_SKIP
    assert titles(ballot, counting.count(ballot, CountingRule.GREEDY).winners) == ["A"]
    ballot.greedy_variant, ballot.greedy_threshold = GreedyVariant.THRESHOLD, 2
    assert titles(ballot, counting.count(ballot, CountingRule.GREEDY).winners) == ["A"]


def reasons(comparison, which="greedy_reason") -> dict[str, str]:
    return {line.title: getattr(line, which).code for line in comparison.lines}


def test_every_project_has_a_reason(make):
    ballot = seed_ballot(make, costs={"A": 20, "B": 20, "C": 10, "D": 5, "E": 0})
    add_votes(ballot, APPROVAL_VOTES)
    comparison = counting.compare(ballot)
    assert reasons(comparison) == {
        "A": "greedy_funded",
        "B": "greedy_funded",
        "C": "did_not_fit",
        "D": "no_votes",
        "E": "not_feasible",
    }
    line = next(line for line in comparison.lines if line.title == "C")
    assert dict(line.greedy_reason.values) == {"cost": 10, "left": 0}
    assert "$10" in str(line.greedy_reason) and "$0" in str(line.greedy_reason)
    mes = {line.title: line.mes_reason.code for line in comparison.lines if line.on_ballot}
    assert mes == {
        "A": "mes_funded",
        "B": "mes_unpaid",
        "C": "mes_funded",
        "D": "no_votes",
    }
    assert [(line.title, line.votes) for line in comparison.lines] == [
        ("A", 3),
        ("B", 3),
        ("C", 1),
        ("D", 0),
        ("E", 0),
    ]


def test_variant_reasons_threshold_and_no_skip(make):
    ballot = seed_ballot(make, costs={"A": 20, "B": 30, "C": 10, "D": 5})
    add_votes(ballot, [("A", "B", "C"), ("A", "B"), ("A", "D")])
    ballot.greedy_variant = GreedyVariant.NO_SKIP
    assert reasons(counting.compare(ballot)) == {
        "A": "greedy_funded",
        "B": "did_not_fit",
        "C": "stopped",
        "D": "stopped",
    }
    ballot.greedy_variant, ballot.greedy_threshold = GreedyVariant.THRESHOLD, 2
    assert reasons(counting.compare(ballot)) == {
        "A": "greedy_funded",
        "B": "did_not_fit",
        "C": "below_threshold",
        "D": "below_threshold",
    }


def test_add1u_fill_is_explained(make):
    ballot = seed_ballot(
        make,
        costs={"A": 20, "B": 20, "C": 10, "D": 15},
        amount=45,
        mes_completion=MesCompletion.ADD1U,
    )
    add_votes(ballot, APPROVAL_VOTES + [("D", "B")])
    comparison = counting.compare(ballot)
    assert titles(ballot, comparison.mes.winners) == ["B", "C", "D"]
    assert reasons(comparison, "mes_reason") == {
        "A": "mes_unpaid",
        "B": "mes_funded",
        "C": "mes_funded",
        "D": "mes_filled",
    }


# --- saving and publishing -----------------------------------------------------------------


def last_event(action):
    query = db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return db.session.execute(query).scalars().all()[-1]


def test_save_a_counted_result_is_audited(make):
    staff = make.user(Role.STAFF)
    ballot = seed_ballot(make, counting_rule=CountingRule.MES)
    add_votes(ballot, APPROVAL_VOTES)
    with pytest.raises(DomainError, match="not up to date"):
        outcomes.save_outcome(staff, ballot, "mes")  # nothing counted yet
    count(ballot)
    outcome = outcomes.save_outcome(staff, ballot, "mes")
    assert (outcome.rule, outcome.published) == ("mes", False)
    assert titles(ballot, json.loads(outcome.winners)) == ["A", "C"]
    details = json.loads(last_event("pb.outcome.save").details)
    assert details["rule"] == "mes" and details["cost"] == 30
    assert titles(ballot, details["winners"]) == ["A", "C"]

    outcomes.save_outcome(staff, ballot, "greedy")  # saving again replaces it
    assert titles(ballot, outcomes.winners_of(ballot.outcome)) == ["A", "B"]

    add_votes(ballot, [("B",)])  # a count that votes overtook is not saved
    with pytest.raises(DomainError, match="not up to date"):
        outcomes.save_outcome(staff, ballot, "greedy")


@pytest.mark.parametrize(
    ("chosen", "justification", "field"),
    [
        (["A", "B"], "Too short", "justification"),
        (["A", "B", "C"], "The council asked for the bench as well.", "project_ids"),
        ([], "The council asked for nothing at all here.", "project_ids"),
        (["E"], "The council wants the unfeasible project.", "project_ids"),
    ],
)
def test_manual_override_needs_justification_and_fits_the_amount(
    make, chosen, justification, field
):
    staff = make.user(Role.STAFF)
    ballot = seed_ballot(make, costs={"A": 20, "B": 20, "C": 10, "E": 0})
    add_votes(ballot, APPROVAL_VOTES)
    with pytest.raises(DomainError) as error:
        outcomes.save_outcome(
            staff, ballot, "manual", [ids(ballot)[t] for t in chosen], justification
        )
    assert error.value.field == field
    assert ballot.outcome is None


def test_manual_override_is_saved_in_vote_order_and_audited(make):
    staff = make.user(Role.STAFF)
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    count(ballot)
    why = "  The council prefers the bench: it serves the school entrance.  "
    outcomes.save_outcome(staff, ballot, "manual", [ids(ballot)["C"], ids(ballot)["A"]], why)
    assert titles(ballot, outcomes.winners_of(ballot.outcome)) == ["A", "C"]
    assert ballot.outcome.justification == why.strip()
    details = json.loads(last_event("pb.outcome.save").details)
    assert details["rule"] == "manual" and details["justification"] == why.strip()
    assert titles(ballot, details["winners"]) == ["A", "C"]
    result = outcomes.ballot_result(ballot, utcnow())
    assert [(r.line.title, r.funded, r.reason.code) for r in result.lines] == [
        ("A", True, "manual_funded"),
        ("B", False, "manual_not"),
        ("C", True, "manual_funded"),
    ]
    assert result.used == 30


def test_results_are_saved_only_while_closed(make):
    staff = make.user(Role.STAFF)
    ballot = seed_ballot(make, status=ProcessStatus.OPEN)
    with pytest.raises(DomainError):
        outcomes.save_outcome(staff, ballot, "greedy")


def test_publishing_needs_every_ballot_counted_and_marks_outcomes_published(make):
    staff = make.user(Role.STAFF)
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    process = ballot.process
    with pytest.raises(DomainError, match="no saved result"):
        change_status(staff, process, ProcessStatus.RESULTS_PUBLISHED)
    assert process.status is ProcessStatus.CLOSED
    count(ballot)
    outcomes.save_outcome(staff, ballot, "greedy")
    change_status(staff, process, ProcessStatus.RESULTS_PUBLISHED)
    assert process.status is ProcessStatus.RESULTS_PUBLISHED
    assert ballot.outcome.published is True
    with pytest.raises(DomainError):
        outcomes.save_outcome(staff, ballot, "mes")


def test_turnout_counts_people_once_across_ballots(make):
    colonias = make.territory()
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES[:2], colonia=colonias["Centro"])
    add_votes(ballot, APPROVAL_VOTES[2:])
    found = turnout(ballot.process)
    assert (found.total, found.located) == (4, 2)
    centro = next(z for z in found.by_colonia if z.zone.startswith("Centro"))
    assert (centro.participants, centro.population) == (2, 1000)
