"""Maintained aggregates equal a full recompute and the raw-row results, under every channel,
concurrent voting and folds, for every question kind and every PB ballot rule."""

import random
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from participa.aggregates import paper
from participa.aggregates.fold import (
    FOLD_KEEP,
    fold_ballot,
    fold_process,
    recompute_ballot,
    recompute_process,
)
from participa.aggregates.models import (
    AnswerTally,
    ParticipationHourTally,
    ParticipationTally,
    PbBallotTally,
    PbParticipationTally,
    PbProjectTally,
    ResponseTally,
)
from participa.aggregates.reads import ballot_people, ballot_support, response_total
from participa.auth.models import User
from participa.budgets import counting
from participa.budgets.models import BallotRule, PbBallot, PbParticipation, PbVote
from participa.budgets.pb_io import _store_votes
from participa.budgets.voting import cast_vote, feasible_projects
from participa.consultations.answering import submit_response
from participa.consultations.models import Participation, QuestionKind, Response
from participa.consultations.questionnaire import questions
from participa.eligibility.participants import Channel
from participa.extensions import db
from participa.processes.models import Process
from participa.results.services import participation_stats, question_results
from participa.tally import pb
from tests import factories
from tests.budgets.test_voting import open_ballot

K = QuestionKind
TZ = ZoneInfo("America/Mexico_City")
START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 1)
CHANNELS = (Channel.WEB, Channel.WEB, Channel.DESK, Channel.PAPER)


def rows_of(model, **where) -> list[tuple]:
    """Every row of an aggregate table for one process or ballot, as sorted tuples."""
    table = model.__table__
    query = sa.select(table).where(*(table.c[k] == v for k, v in where.items()))
    return sorted(tuple(row) for row in db.session.execute(query))


def run_together(app, tasks) -> None:
    """Run each task in a thread of its own, inside an app context, all released at once."""
    db.session.remove()
    barrier = threading.Barrier(len(tasks))
    errors = []

    def run(task):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                task()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors


def folding(fold, target_id: int, rounds: int = 15):
    def task():
        for _ in range(rounds):
            fold(target_id, batch=4, keep=2)

    return task


# --- consultations ------------------------------------------------------------------------


def random_answers(rng: random.Random, q: dict) -> dict:
    def ids(kind):
        return [o.id for o in q[kind].options]

    answers = {
        q[K.SINGLE].id: rng.choice(ids(K.SINGLE)),
        q[K.MULTIPLE].id: rng.sample(ids(K.MULTIPLE), rng.randint(1, 2)),
        q[K.RANKING].id: rng.sample(ids(K.RANKING), rng.randint(0, 3)),
        q[K.SCALE].id: rng.randint(1, 5),
        q[K.YES_NO].id: rng.randint(0, 1),
    }
    if rng.random() < 0.5:
        answers[q[K.TEXT].id] = rng.choice(["Más luz", "Banquetas", "=1+1"])
    return answers


def consultation_mix(app) -> int:
    """Sequential web and desk answers, folds, then answers in threads while folds run."""
    make, rng = factories.Factories(), random.Random(8)
    colonias = list(make.territory().values())
    process = make.consultation()
    q = {question.kind: question for question in questions(process)}
    people = [
        make.user(
            colonia=rng.choice(colonias),
            birth=date(rng.randint(1940, 2006), 3, 1),
            sex=rng.choice("MHX"),
        )
        for _ in range(48)
    ]
    plan = [(u.id, random_answers(rng, q), CHANNELS[n % 4], n) for n, u in enumerate(people)]
    pid = process.id

    def answer(user_id, answers, channel, n):
        user, process = db.session.get(User, user_id), db.session.get(Process, pid)
        now = START + timedelta(hours=7 * n, minutes=n)
        submit_response(
            process, user, answers, now=now, today=TODAY, max_text=2000, channel=channel
        )

    for n, step in enumerate(plan[:24]):
        answer(*step)
        if n % 7 == 6:
            fold_process(pid, batch=5, keep=2)
    threads = [lambda chunk=plan[24 + 6 * i : 30 + 6 * i]: [answer(*s) for s in chunk]
               for i in range(4)]  # fmt: skip
    run_together(app, [*threads, folding(fold_process, pid)])
    return pid


def check_consultation(pid: int) -> None:
    process = db.session.get(Process, pid)
    raw = [r.tally for r in question_results(process, raw=True)]
    assert {r.question.kind for r in question_results(process)} == set(K)
    assert [r.tally for r in question_results(process)] == raw
    raw_stats = participation_stats(process, TZ, raw=True)
    assert raw_stats.total == 48
    assert participation_stats(process, TZ) == raw_stats
    assert response_total(pid) == 48

    # Folded all the way, the tables equal a recompute's; and results still equal raw.
    fold_process(pid, keep=0)
    tables = (AnswerTally, ResponseTally, ParticipationTally, ParticipationHourTally)
    maintained = [rows_of(model, process_id=pid) for model in tables]
    recompute_process(pid, keep=0)
    assert [rows_of(model, process_id=pid) for model in tables] == maintained
    assert maintained[0], "the folds wrote nothing"
    recompute_process(pid)  # with the usual random residue left unfolded
    assert [r.tally for r in question_results(process)] == raw
    assert participation_stats(process, TZ) == raw_stats


def test_consultation_aggregates_equal_raw_and_recompute_sqlite(app):
    app.config["AGGREGATES_FOLD_AT"] = 3  # results reads fold too
    check_consultation(consultation_mix(app))


@pytest.mark.postgres
def test_consultation_aggregates_equal_raw_and_recompute_postgres(pg_app):
    pg_app.config["AGGREGATES_FOLD_AT"] = 3
    check_consultation(consultation_mix(pg_app))


def test_a_new_ballot_is_not_alone_among_the_unfolded(app):
    """After a fold, the next ballot hides among FOLD_KEEP older unfolded ones."""
    make = factories.Factories()
    centro = make.territory()["Centro"]
    process = make.consultation()
    q = {question.kind: question for question in questions(process)}
    rng = random.Random(3)
    for n in range(FOLD_KEEP + 20):
        user = make.user(colonia=centro)
        now = START + timedelta(minutes=n)
        submit_response(process, user, random_answers(rng, q), now=now, today=TODAY, max_text=99)
    fold_process(process.id)
    newest = make.user(colonia=centro)
    submit_response(process, newest, random_answers(rng, q), now=START, today=TODAY, max_text=99)

    def unfolded(model):
        query = sa.select(sa.func.count()).select_from(model).where(model.folded.is_(False))
        return db.session.execute(query).scalar()

    assert unfolded(Participation) == 1  # who took part last is not secret
    assert unfolded(Response) == FOLD_KEEP + 1


# --- participatory budgets ----------------------------------------------------------------


def selections(rule: BallotRule, p: list[int]) -> list[dict]:
    """Valid selections of open_ballot's five projects (costs 400k, 300k, 250k, 150k, 100k)."""
    return {
        BallotRule.APPROVAL: [{p[0]: 1}, {p[1]: 1, p[2]: 1}, {p[3]: 1, p[4]: 1, p[0]: 1}],
        BallotRule.KNAPSACK: [{p[0]: 1, p[1]: 1}, {p[2]: 1, p[3]: 1, p[4]: 1}, {p[4]: 1}],
        BallotRule.CUMULATIVE: [{p[0]: 5, p[1]: 5}, {p[2]: 10}, {p[3]: 3, p[4]: 7}],
        BallotRule.RANKING: [{p[0]: 1, p[1]: 2, p[2]: 3}, {p[3]: 1}, {p[4]: 1, p[0]: 2}],
    }[rule]


def paper_votes(rule: BallotRule, p: list[int], rng: random.Random) -> pb.Election:
    """Pabulib ballots over projects named "a".."e", as an import reads them."""
    names = "abcde"
    ballots = []
    for n in range(15):
        chosen = rng.choice(selections(rule, p))
        order = sorted(chosen, key=chosen.get) if rule is BallotRule.RANKING else list(chosen)
        projects = tuple(names[p.index(pid)] for pid in order)
        points = tuple(chosen[pid] for pid in order) if rule is BallotRule.CUMULATIVE else None
        ballots.append(pb.Ballot(projects, points, voter_id=f"v{n}"))
    kind = counting.KINDS[rule]
    projects = tuple(pb.Project(name, 1) for name in names)
    return pb.Election(1_000_000, kind, projects, tuple(ballots))


def pb_mix(app, rule: BallotRule) -> int:
    make, rng = factories.Factories(), random.Random(rule.value)
    centro = make.territory()["Centro"]
    _process, ballot, projects = open_ballot(make, rule)
    p = [project.id for project in projects[:5]]
    bid = ballot.id
    people = [make.user(colonia=centro) for _ in range(24)]
    plan = [(u.id, rng.choice(selections(rule, p)), CHANNELS[n % 4]) for n, u in enumerate(people)]

    def vote(user_id, selection, channel):
        ballot, user = db.session.get(PbBallot, bid), db.session.get(User, user_id)
        cast_vote(ballot, user, selection, now=START, today=TODAY, channel=channel)

    for n, step in enumerate(plan[:12]):
        vote(*step)
        if n % 5 == 4:
            fold_ballot(bid, batch=3, keep=1)
    _store_votes(
        paper_votes(rule, p, rng), ballot, dict(zip("abcde", p, strict=True)), f"papel-{bid}", START
    )
    db.session.commit()
    threads = [lambda chunk=plan[12 + 4 * i : 16 + 4 * i]: [vote(*s) for s in chunk]
               for i in range(3)]  # fmt: skip
    run_together(app, [*threads, folding(fold_ballot, bid)])
    return bid


def check_ballot(bid: int) -> None:
    ballot = db.session.get(PbBallot, bid)
    election = counting.election_for(ballot)
    assert len(election.ballots) == 24 + 15
    raw = pb.greedy(election)
    assert any(ranked.score for ranked in raw.ranking)
    via_aggregates = counting.count(ballot, "greedy").detail
    assert via_aggregates.ranking == raw.ranking
    assert via_aggregates.winners == raw.winners
    comparison = counting.compare(ballot)
    assert comparison.voters == len(election.ballots)
    assert [(line.project_id, line.votes, line.score) for line in comparison.lines[:5]] == [
        (int(r.project_id), r.votes, r.score) for r in raw.ranking
    ]
    feasible = feasible_projects(ballot)
    assert ballot_support(bid).ballots == 24 + 15
    # Only the imported file counts as paper: cast_vote's six "paper" voters (a channel on
    # their participations only) stored their content as any other.
    assert paper.paper_votes(bid).ballots == 15
    assert {pid for pid in ballot_support(bid).projects} <= {p.id for p in feasible}

    p = PbParticipation
    colonia = sa.func.coalesce(p.colonia_id, 0)
    raw_people = sa.select(colonia, p.channel, sa.func.count()).where(p.ballot_id == bid)
    raw_people = {
        (c or None, Channel(ch)): n
        for c, ch, n in db.session.execute(raw_people.group_by(colonia, p.channel))
    }
    assert ballot_people([bid]) == {bid: raw_people}
    assert sum(raw_people.values()) == 24 + 15 and len({ch for _c, ch in raw_people}) == 3

    tallies = (PbProjectTally, PbBallotTally, PbParticipationTally)
    fold_ballot(bid, keep=0)
    maintained = [rows_of(model, ballot_id=bid) for model in tallies]
    recompute_ballot(bid, keep=0)
    assert maintained[0] and maintained[2]
    assert [rows_of(model, ballot_id=bid) for model in tallies] == maintained
    for model in (PbVote, PbParticipation):
        unfolded = sa.select(sa.func.count()).where(model.ballot_id == bid, ~model.folded)
        assert db.session.execute(unfolded).scalar() == 0
    assert ballot_people([bid]) == {bid: raw_people}


@pytest.mark.parametrize("rule", list(BallotRule))
def test_pb_aggregates_equal_raw_and_recompute_sqlite(app, rule):
    app.config["AGGREGATES_FOLD_AT"] = 2
    check_ballot(pb_mix(app, rule))


@pytest.mark.postgres
@pytest.mark.parametrize("rule", list(BallotRule))
def test_pb_aggregates_equal_raw_and_recompute_postgres(pg_app, rule):
    pg_app.config["AGGREGATES_FOLD_AT"] = 2
    check_ballot(pb_mix(pg_app, rule))


def test_recompute_command_repairs_damaged_aggregates(app, runner):
    bid = pb_mix(app, BallotRule.APPROVAL)
    fold_ballot(bid, keep=0)
    db.session.execute(sa.update(PbProjectTally).values(votes=PbProjectTally.votes + 100))
    db.session.commit()
    ballot = db.session.get(PbBallot, bid)
    raw = pb.greedy(counting.election_for(ballot))
    assert counting.count(ballot, "greedy").detail.ranking != raw.ranking
    result = runner.invoke(args=["aggregates-recompute", "--process", str(ballot.process_id)])
    assert result.exit_code == 0, result.output
    assert "PB votes recounted" in result.output
    db.session.expire_all()
    assert counting.count(db.session.get(PbBallot, bid), "greedy").detail.ranking == raw.ranking
    assert runner.invoke(args=["aggregates-recompute", "--process", "9999"]).exit_code != 0


def test_the_page_reads_a_sample_of_texts_but_counts_them_all(make, monkeypatch):
    from participa.results import services
    from tests.results.test_results import seed_results

    survey = seed_results(make)
    monkeypatch.setattr(services, "TEXT_SAMPLE", 1)
    text = survey.q[K.TEXT].id

    def tally(raw):
        return next(r.tally for r in question_results(survey.process, raw) if r.question.id == text)

    everything, sample = tally(True), tally(False)
    assert everything.respondents == sample.respondents == 2
    assert len(everything.answers) == 2 and sample.answers == everything.answers[:1]
