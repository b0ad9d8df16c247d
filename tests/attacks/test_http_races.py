"""Fifty simultaneous POSTs of one logged-in resident, over HTTP against gunicorn.

Each attempt is its own client with a copy of the session cookie and its own CSRF token (read
from the form, as a browser tab would); a barrier releases them together. Exactly one ballot
may be stored, every other attempt gets the "already" page, and nothing answers 500. A knapsack
ballot is never stored above its amount, whatever forged values are sent.
"""

import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from participa.budgets.models import PbParticipation, PbVote, PbVoteItem
from participa.consultations.models import Answer, Participation, QuestionKind, Response
from participa.consultations.questionnaire import questions
from participa.extensions import db
from participa.processes.models import Process
from tests.liveserver import AMOUNT, COSTS, clone, csrf_token, login

pytestmark = pytest.mark.attacks

ATTEMPTS = 50


def spanish(message: str) -> str:
    with force_locale("es_MX"):
        return gettext(message)


def simultaneous(server, email: str, path: str, bodies: list[dict]) -> list[tuple[int, str]]:
    """POST each body at once, each from its own copy of `email`'s session and CSRF token."""
    first = login(server, email)
    clients = [clone(first) for _ in bodies]
    barrier = threading.Barrier(len(bodies))
    results: list = [None] * len(bodies)

    def attempt(index: int) -> None:
        client = clients[index]
        try:
            token = csrf_token(client.get(server.url + path, timeout=60).text)
            barrier.wait(timeout=60)
            data = {**bodies[index], "csrf_token": token}
            response = client.post(server.url + path, data=data, allow_redirects=False, timeout=90)
            results[index] = (response.status_code, response.text)
        except (requests.RequestException, threading.BrokenBarrierError, AssertionError) as error:
            results[index] = (f"crash: {error!r}", "")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    return results


def count(model, **where) -> int:
    query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
    return db.session.execute(query).scalar_one()


def consultation_body(server) -> dict:
    with server.context():
        process = db.session.get(Process, server.seed["consultation_id"])
        found = {q.kind: q for q in questions(process)}
        return {
            "step": "confirm",
            f"q{found[QuestionKind.SINGLE].id}": str(found[QuestionKind.SINGLE].options[1].id),
            f"q{found[QuestionKind.MULTIPLE].id}": [
                str(o.id) for o in found[QuestionKind.MULTIPLE].options[:2]
            ],
            f"q{found[QuestionKind.SCALE].id}": "5",
            f"q{found[QuestionKind.YES_NO].id}": "0",
            f"q{found[QuestionKind.TEXT].id}": "Más alumbrado",
        }


def test_fifty_simultaneous_answers_store_one_response(live):
    (email,) = live.residents(1)
    process_id = live.seed["consultation_id"]
    with live.context():
        before = count(Participation), count(Response), count(Answer)
    body = consultation_body(live)

    results = simultaneous(live, email, f"/procesos/{process_id}/responder", [body] * ATTEMPTS)

    statuses = Counter(status for status, _page in results)
    assert statuses == Counter({302: 1, 409: ATTEMPTS - 1}), (statuses, live.log_text())
    with live.app.test_request_context():
        already = spanish("You have already answered this consultation. Thank you for taking part.")
    assert sum(already in page for status, page in results if status == 409) == ATTEMPTS - 1
    with live.context():
        after = count(Participation), count(Response), count(Answer)
    # One whole ballot: single, two choices, scale, yes/no and text are six answers.
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1, 1, 6)


def vote_path(server) -> str:
    return f"/procesos/{server.seed['pb_process_id']}/boletas/{server.seed['ballot_id']}/votar"


def pb_counts(server) -> tuple[int, int]:
    ballot_id = server.seed["ballot_id"]
    with server.context():
        return count(PbParticipation, ballot_id=ballot_id), count(PbVote, ballot_id=ballot_id)


def stored_costs(server) -> list[int]:
    """The total cost of every stored vote of the seeded ballot."""
    costs = dict(zip(server.seed["project_ids"], COSTS, strict=True))
    with server.context():
        rows = db.session.execute(
            sa.select(PbVoteItem.vote_id, PbVoteItem.project_id)
            .join(PbVote, PbVote.id == PbVoteItem.vote_id)
            .where(PbVote.ballot_id == server.seed["ballot_id"])
        ).all()
    totals: Counter = Counter()
    for vote_id, project_id in rows:
        totals[vote_id] += costs[project_id]
    return list(totals.values())


def test_fifty_simultaneous_votes_store_one_vote(live):
    (email,) = live.residents(1)
    first, _, _, fourth, _ = live.seed["project_ids"]
    before = pb_counts(live)
    body = {"step": "confirm", "projects": [str(first), str(fourth)]}

    results = simultaneous(live, email, vote_path(live), [body] * ATTEMPTS)

    statuses = Counter(status for status, _page in results)
    assert statuses == Counter({302: 1, 409: ATTEMPTS - 1}), (statuses, live.log_text())
    with live.app.test_request_context():
        already = spanish("You have already voted in this ballot. Thank you for taking part.")
    assert sum(already in page for status, page in results if status == 409) == ATTEMPTS - 1
    after = pb_counts(live)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    assert all(total <= AMOUNT for total in stored_costs(live))


def forged_bodies(server) -> list[dict]:
    """Ways to ask for more than the amount, or for what is not on the ballot."""
    ids = [str(pid) for pid in server.seed["project_ids"]]
    return [
        {"step": "confirm", "projects": ids},  # all five: 1,200,000 > 1,000,000
        {"step": "confirm", "projects": ids[:4]},  # 1,100,000
        # A repeated id is refused outright (these four projects cost 1,100,000 anyway).
        {"step": "confirm", "projects": [*ids[:4], ids[0], ids[0]], "total": "0"},
        {"step": "confirm", "projects": ids, "amount": "99999999", "cost": "1"},
        {"step": "confirm", "projects": [ids[0], str(server.seed["unfeasible_id"])]},
        {"step": "confirm", "projects": [ids[0], "999999"]},  # not a project at all
        {"step": "confirm", "projects": [ids[0], "-1"]},
        {"step": "confirm", "projects": ["abc"]},
        {"step": "confirm", "projects": [ids[0], "1e9"]},
        {"step": "confirm", "projects": []},
    ]


def test_forged_knapsack_ballots_are_refused_and_store_nothing(live):
    (email,) = live.residents(1)
    before = pb_counts(live)
    bodies = forged_bodies(live) * 5  # fifty at once

    results = simultaneous(live, email, vote_path(live), bodies)

    statuses = Counter(status for status, _page in results)
    assert statuses == Counter({400: ATTEMPTS}), (statuses, live.log_text())
    # Each gets the ballot back with the reason next to the projects (a clear message).
    assert all('id="ballot-error"' in page for _status, page in results)
    assert pb_counts(live) == before


def test_concurrent_knapsack_ballots_never_exceed_the_amount(live):
    """Valid ballots whose union is over the amount, raced with forged ones: one is kept."""
    (email,) = live.residents(1)
    ids = [str(pid) for pid in live.seed["project_ids"]]
    valid = [
        {"step": "confirm", "projects": [ids[0], ids[1], ids[2]]},  # 950,000
        {"step": "confirm", "projects": [ids[1], ids[2], ids[3], ids[4]]},  # 800,000
        {"step": "confirm", "projects": [ids[0], ids[3], ids[4], ids[4]]},  # doubled id: refused
    ]
    bodies = (valid + forged_bodies(live))[:13] * 4 + valid[:2]
    before = pb_counts(live)

    results = simultaneous(live, email, vote_path(live), bodies[:ATTEMPTS])

    statuses = Counter(status for status, _page in results)
    assert statuses[302] == 1, (statuses, live.log_text())
    assert set(statuses) <= {302, 400, 409}, statuses
    after = pb_counts(live)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    assert all(total <= AMOUNT for total in stored_costs(live))
    with live.context():
        items = db.session.execute(sa.select(PbVoteItem.vote_id, PbVoteItem.project_id)).all()
    assert len(items) == len(set(items))  # no project twice in one vote
