"""Staff mark the phase in which results are published; the pending results page uses that
mark, never the phase's name, to say when results come."""

import json
import re
from datetime import date, timedelta

import pytest
from flask_babel import format_date, gettext
from markupsafe import escape

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.extensions import db
from participa.processes.models import Phase
from participa.processes.pending import pending_results
from participa.processes.types import ProcessStatus
from tests.factories import login

S = ProcessStatus
TODAY = date(2026, 6, 1)


def msg(app, message: str, /, **values) -> str:
    with app.test_request_context():
        return str(escape(gettext(message, **values)))


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


def checkbox(page: str) -> str:
    found = re.search(r'<input[^>]*id="announces_results"[^>]*>', page)
    assert found, "no announces_results checkbox on the page"
    return found.group(0)


def phase(name, starts_on, ends_on=None, announces=False) -> Phase:
    return Phase(
        name=name, starts_on=starts_on, ends_on=ends_on or starts_on, announces_results=announces
    )


# --- the staff form -----------------------------------------------------------------------


def test_the_results_mark_is_saved_audited_and_shown(app, client, staff, make):
    process = make.process()
    page = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    assert "checked" not in checkbox(page)  # off unless staff tick it
    assert msg(app, "Results are published in this phase") in page
    path = f"/gestion/procesos/{process.id}/fases"
    data = {"name": "Dictamen final", "starts_on": "2025-04-01", "ends_on": "2025-04-05"}
    assert client.post(path, data={**data, "announces_results": "y"}).status_code == 302
    assert client.post(path, data={**data, "name": "Votación"}).status_code == 302
    marks = dict(db.session.execute(db.select(Phase.name, Phase.announces_results)).all())
    assert marks == {"Dictamen final": True, "Votación": False}
    details = db.session.execute(db.select(AuditEvent.details).order_by(AuditEvent.id)).scalars()
    assert [json.loads(d)["announces_results"] for d in details] == [True, False]
    page = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    item = re.search(r"<li>\s*<strong>Dictamen final</strong>.*?</li>", page, re.S).group(0)
    assert msg(app, "Results") in item
    item = re.search(r"<li>\s*<strong>Votación</strong>.*?</li>", page, re.S).group(0)
    assert msg(app, "Results") not in item


def test_a_refused_phase_shows_the_mark_again(client, staff, make):
    process = make.process()
    response = client.post(
        f"/gestion/procesos/{process.id}/fases",
        data={
            "name": "Publicación",
            "starts_on": "2025-04-05",
            "ends_on": "2025-04-01",
            "announces_results": "y",
        },
    )
    assert response.status_code == 400
    assert "checked" in checkbox(response.get_data(as_text=True))
    assert db.session.execute(db.select(db.func.count(Phase.id))).scalar_one() == 0


# --- the expected date ---------------------------------------------------------------------


def test_a_phase_named_results_without_the_mark_gives_no_date(make):
    process = make.process(S.CLOSED)
    process.phases = [
        phase("Votación", TODAY - timedelta(30), TODAY - timedelta(1)),
        phase("Resultados", TODAY + timedelta(10)),
    ]
    pending = pending_results(process, TODAY)
    assert pending.expected_on is None
    # Without a marked phase every phase counts as participation.
    assert pending.voting_ends_on == TODAY + timedelta(10)


@pytest.mark.parametrize("name", ["Publicación", "Dictamen final", "Sesión de cabildo"])
def test_a_marked_phase_gives_its_date_whatever_its_name(make, name):
    process = make.process(S.CLOSED)
    process.phases = [
        phase("Foro sobre resultados del año pasado", TODAY - timedelta(40)),
        phase("Votación", TODAY - timedelta(30), TODAY - timedelta(1)),
        phase(name, TODAY + timedelta(10), TODAY + timedelta(20), announces=True),
    ]
    pending = pending_results(process, TODAY)
    assert pending.expected_on == TODAY + timedelta(10)
    assert pending.voting_ends_on == TODAY - timedelta(1)


def test_of_several_marked_phases_the_first_still_ahead_gives_the_date(make):
    process = make.process(S.CLOSED)
    process.phases = [
        phase("Preliminares", TODAY - timedelta(5), announces=True),  # already started
        phase("Definitivos", TODAY + timedelta(30), announces=True),
        phase("Publicación", TODAY, announces=True),  # starts today: still expected
    ]
    assert pending_results(process, TODAY).expected_on == TODAY
    assert pending_results(process, TODAY + timedelta(1)).expected_on == TODAY + timedelta(30)
    assert pending_results(process, TODAY + timedelta(31)).expected_on is None


# --- the public pages ----------------------------------------------------------------------


def test_the_public_pages_follow_the_mark(app, client, make):
    ahead = date.today() + timedelta(days=400)  # ahead whatever the local day is
    marked = make.consultation(S.CLOSED, title="Consulta con dictamen")
    marked.phases = [phase("Dictamen final", ahead, announces=True)]
    named = make.consultation(S.CLOSED, title="Consulta con fase Resultados")
    named.phases = [phase("Resultados", ahead)]
    db.session.commit()
    with app.test_request_context():
        on = msg(app, "Results on %(date)s", date=format_date(ahead, "long"))
    count_ends = msg(app, "The results will be published when the count ends")

    page = client.get(f"/procesos/{marked.id}/resultados").get_data(as_text=True)
    assert on in page and count_ends not in page
    page = client.get(f"/procesos/{named.id}/resultados").get_data(as_text=True)
    assert count_ends in page and on not in page

    badge = f'<span class="badge badge-results_published">{msg(app, "Results")}</span>'
    assert badge in client.get(f"/procesos/{marked.id}").get_data(as_text=True)
    assert badge not in client.get(f"/procesos/{named.id}").get_data(as_text=True)
