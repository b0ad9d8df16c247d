"""One person, fifty simultaneous confirmations: exactly one response is stored."""

from collections import Counter

import pytest
from flask_babel import gettext

from participa.consultations.models import Answer, Participation, QuestionKind, Response
from participa.consultations.questionnaire import questions
from participa.extensions import db
from tests import factories
from tests.factories import login
from tests.race import simultaneous_posts

ATTEMPTS = 50


def confirm_data(process) -> dict:
    found = {q.kind: q for q in questions(process)}
    return {
        "step": "confirm",
        f"q{found[QuestionKind.SINGLE].id}": str(found[QuestionKind.SINGLE].options[1].id),
        f"q{found[QuestionKind.MULTIPLE].id}": [
            str(o.id) for o in found[QuestionKind.MULTIPLE].options[:2]
        ],
        f"q{found[QuestionKind.SCALE].id}": "5",
        f"q{found[QuestionKind.YES_NO].id}": "0",
        f"q{found[QuestionKind.TEXT].id}": "Más seguridad",
    }


def race(app) -> tuple[Counter, list[str], int]:
    """Let the same resident confirm ATTEMPTS times at once; return statuses, pages, process id."""
    make = factories.Factories()
    user = make.user(colonia=make.territory()["Centro"])
    process = make.consultation()
    process_id = process.id
    path, data = f"/procesos/{process_id}/responder", confirm_data(process)

    statuses, pages = simultaneous_posts(app, user.email, path, data, ATTEMPTS)
    return statuses, pages, process_id


def check_one_ballot(app):
    statuses, pages, process_id = race(app)
    assert statuses == Counter({302: 1, 409: ATTEMPTS - 1}), statuses

    with app.test_request_context():
        already = gettext("You have already answered this consultation. Thank you for taking part.")
    refused = [page for page in pages if "recibo" not in page or already in page]
    assert sum(already in page for page in pages) == ATTEMPTS - 1, refused[:1]

    db.session.expire_all()
    participations = db.session.execute(db.select(Participation)).scalars().all()
    responses = db.session.execute(db.select(Response)).scalars().all()
    assert [p.process_id for p in participations] == [process_id]
    assert [r.process_id for r in responses] == [process_id]
    answers = db.session.execute(db.select(db.func.count()).select_from(Answer)).scalar_one()
    assert answers == 6  # single, two choices, scale, yes/no, text: no half-written ballot


def test_fifty_simultaneous_confirmations_store_one_ballot_sqlite(app):
    check_one_ballot(app)


@pytest.mark.postgres
def test_fifty_simultaneous_confirmations_store_one_ballot_postgres(pg_app):
    check_one_ballot(pg_app)


def test_a_second_client_of_the_same_person_sees_it_is_done(client, make):
    """After the race, any tab of the same person says so instead of showing the form."""
    user = make.user(colonia=make.territory()["Sauces"])
    process = make.consultation()
    login(client, user.email)
    assert (
        client.post(f"/procesos/{process.id}/responder", data=confirm_data(process)).status_code
        == 302
    )
    other = client.application.test_client()
    login(other, user.email)
    page = other.get(f"/procesos/{process.id}/responder")
    assert page.status_code == 200
    assert 'name="step"' not in page.get_data(as_text=True)
