"""The bench generator writes data that the app's own results code reads correctly.

Each check compares what the app counts from the database with the generator's own count
of what it wrote (kept while writing, never read back from the database).
"""

from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func

from bench.generate import PASSWORD, generate
from participa.auth.models import User
from participa.budgets.counting import election_for
from participa.budgets.models import PbBallot, PbParticipation, PbVote
from participa.consultations.models import Participation, QuestionKind, Response
from participa.extensions import db
from participa.processes.models import Process
from participa.results.services import participation_stats, question_results
from tests.factories import login

N = 2000
TZ = ZoneInfo("America/Mexico_City")


def _expected(question, tally):
    """What a question's tally must say, computed from the generator's own counts."""
    counts = tally.answers[question.id]
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return {o.id: counts[o.id, None] for o in question.options}
    if kind is QuestionKind.YES_NO:
        return {1: counts[None, 1], 0: counts[None, 0]}
    if kind is QuestionKind.SCALE:
        return tuple(counts[None, v] for v in range(1, 6))
    n = len(question.options)
    return {
        o.id: sum((n - r + 1) * counts[o.id, r] for r in range(1, n + 1)) for o in question.options
    }


def _read(result):
    tally, kind = result.tally, result.question.kind
    if kind is QuestionKind.SCALE:
        return tally.counts
    return {o.option_id: o.count for o in tally.options}


def _check_consultation(made):
    tally = made.tally
    process = db.session.get(Process, made.city.consultation_id)
    for result in question_results(process):
        question = result.question
        assert result.tally.respondents == tally.respondents[question.id], question.kind
        if question.kind is QuestionKind.TEXT:
            assert 0 < len(result.tally.answers) < N // 10  # a small share writes
        else:
            assert _read(result) == _expected(question, tally), question.kind
    stats = participation_stats(process, TZ)
    assert stats.total == tally.participations == N
    assert stats.by_sex == {s: tally.by_sex[s] for s in stats.by_sex}
    assert sum(stats.by_sex.values()) == N
    assert stats.by_age_band == {b: tally.by_age_band[b] for b in stats.by_age_band}
    assert {d.day: d.count for d in stats.per_day if d.count} == dict(tally.by_day)
    assert sum(z.participants for z in stats.by_colonia) == N


def _check_budget(made):
    for ballot in made.city.ballots:
        row = db.session.get(PbBallot, ballot.id)
        election = election_for(row)
        assert len(election.ballots) == made.tally.voters[ballot.id] == N
        found = Counter(int(p) for b in election.ballots for p in b.projects)
        assert found == made.tally.votes[ballot.id]
        assert row.outcome is not None and row.outcome.published


def _check_secrecy_invariants(made):
    keys = db.select(func.count(func.distinct(Participation.voter_key)))
    assert db.session.execute(keys).scalar_one() == N
    pb_keys = db.select(func.count(func.distinct(PbParticipation.voter_key)))
    assert db.session.execute(pb_keys).scalar_one() == N  # the same residents, each ballot
    responses = db.session.execute(db.select(Response.id, Response.receipt_hash)).all()
    assert len(responses) == N and len({r.receipt_hash for r in responses}) == N
    assert all(len(r.id) == 32 and len(r.receipt_hash) == 64 for r in responses)
    votes = db.session.execute(db.select(func.count(PbVote.id))).scalar_one()
    assert votes == 2 * N


def _check(made):
    _check_consultation(made)
    _check_budget(made)
    _check_secrecy_invariants(made)


def test_generated_data_reads_back_through_the_results_code(app):
    made = generate(N)
    _check(made)
    client = app.test_client()
    assert client.get(f"/procesos/{made.city.consultation_id}/resultados").status_code == 200
    assert (
        client.get(f"/procesos/{made.city.pb_process_id}/presupuesto/resultados").status_code == 200
    )


def test_a_spare_resident_of_an_open_vote_casts_a_ballot_through_the_app(app):
    made = generate(50, spare=2, published=False)
    ballot = made.city.ballots[1]  # approval: one project is always a valid ballot
    client = app.test_client()
    assert login(client, made.spare_emails[0], PASSWORD).status_code == 302
    url = f"/procesos/{made.city.pb_process_id}/boletas/{ballot.id}/votar"
    data = {"projects": [str(ballot.projects[0][0])], "step": "confirm"}
    assert client.post(url, data=data).status_code == 302
    stored = db.select(func.count()).where(PbVote.ballot_id == ballot.id)
    assert db.session.execute(stored).scalar_one() == 51
    # A generated voter has voted already: refused, nothing written.
    voter = db.select(User.email).join(PbParticipation, PbParticipation.user_id == User.id)
    email = db.session.execute(voter.where(PbParticipation.ballot_id == ballot.id)).scalar()
    other = app.test_client()
    assert login(other, email, PASSWORD).status_code == 302
    assert other.post(url, data=data).status_code == 409
    assert db.session.execute(stored).scalar_one() == 51


@pytest.mark.postgres
def test_generated_data_reads_back_on_postgresql(pg_app):
    _check(generate(N))
