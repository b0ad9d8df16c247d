"""One resident, fifty simultaneous confirmations of a PB ballot: exactly one vote is stored."""

from collections import Counter

import pytest
import sqlalchemy as sa

from participa.budgets.models import BallotRule, PbParticipation, PbVote, PbVoteItem
from participa.extensions import db
from tests import factories
from tests.budgets.test_voting import ALREADY, open_ballot, say
from tests.race import simultaneous_posts

ATTEMPTS = 50


def race(app) -> tuple[Counter, list[str], int, list[int]]:
    """Let the same resident confirm ATTEMPTS times at once; return statuses, pages, ballot id
    and the chosen project ids."""
    make = factories.Factories()
    user = make.user(colonia=make.territory()["Centro"])
    process, ballot, projects = open_ballot(make, BallotRule.KNAPSACK)
    chosen = [projects[0].id, projects[3].id]
    path = f"/procesos/{process.id}/boletas/{ballot.id}/votar"
    data = {"projects": [str(pid) for pid in chosen], "step": "confirm"}
    ballot_id = ballot.id

    statuses, pages = simultaneous_posts(app, user.email, path, data, ATTEMPTS)
    return statuses, pages, ballot_id, chosen


def check_one_vote(app):
    statuses, pages, ballot_id, chosen = race(app)
    assert statuses == Counter({302: 1, 409: ATTEMPTS - 1}), statuses
    assert sum(say(ALREADY) in page for page in pages) == ATTEMPTS - 1

    db.session.expire_all()
    participations = db.session.execute(sa.select(PbParticipation)).scalars().all()
    votes = db.session.execute(sa.select(PbVote)).scalars().all()
    items = db.session.execute(sa.select(PbVoteItem.project_id)).scalars().all()
    assert [p.ballot_id for p in participations] == [ballot_id]
    assert [v.ballot_id for v in votes] == [ballot_id]
    assert sorted(items) == sorted(chosen)  # one whole ballot, no half-written one


def test_fifty_simultaneous_confirmations_store_one_vote_sqlite(app):
    check_one_vote(app)


@pytest.mark.postgres
def test_fifty_simultaneous_confirmations_store_one_vote_postgres(pg_app):
    check_one_vote(pg_app)
