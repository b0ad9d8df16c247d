"""Staff edit a phase (name, dates, description, results mark) instead of deleting and
re-adding it; the rules are add_phase's, and the pending results page follows the edit."""

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
from participa.processes.types import ProcessStatus
from tests.factories import login

S = ProcessStatus


def msg(app, message: str, /, **values) -> str:
    with app.test_request_context():
        return str(escape(gettext(message, **values)))


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


def add(process, name="Votación", starts_on=date(2025, 3, 1), ends_on=None, announces=False):
    phase = Phase(
        process_id=process.id,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        description="",
        announces_results=announces,
    )
    db.session.add(phase)
    db.session.commit()
    return phase


def path(phase) -> str:
    return f"/gestion/procesos/{phase.process_id}/fases/{phase.id}/editar"


def stored(phase_id: int) -> tuple:
    db.session.expire_all()
    p = db.session.get(Phase, phase_id)
    return p.name, p.starts_on, p.ends_on, p.description, p.announces_results


def audit_events() -> list[AuditEvent]:
    query = db.select(AuditEvent).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def test_the_manage_page_links_each_phase_to_its_edit_page(client, staff, make):
    process = make.process()
    phase = add(process, "Recepción de propuestas")
    page = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    link = re.search(rf'<a href="{re.escape(path(phase))}">(.*?)</a>', page, re.S)
    assert link, "no edit link for the phase"
    assert "Recepción de propuestas" in link.group(1)  # the accessible name says which phase


def test_the_edit_page_shows_the_phase_values(client, staff, make):
    phase = add(make.process(), "Dictamen final", date(2025, 4, 1), date(2025, 4, 5), True)
    response = client.get(path(phase))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="Dictamen final"' in page
    assert 'value="2025-04-01"' in page and 'value="2025-04-05"' in page
    box = re.search(r'<input[^>]*id="announces_results"[^>]*>', page).group(0)
    assert "checked" in box


def test_an_edit_saves_every_field_and_is_audited(client, staff, make):
    process = make.process()
    phase = add(process, "Votacion", date(2025, 3, 1), date(2025, 3, 2))
    response = client.post(
        path(phase),
        data={
            "name": " Dictamen final ",
            "starts_on": "2025-04-01",
            "ends_on": "2025-04-10",
            "description": "El cabildo publica el dictamen.",
            "announces_results": "y",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/gestion/procesos/{process.id}")
    assert stored(phase.id) == (
        "Dictamen final",
        date(2025, 4, 1),
        date(2025, 4, 10),
        "El cabildo publica el dictamen.",
        True,
    )
    (event,) = audit_events()
    assert (event.action, event.object_id, event.actor_id) == (
        "phase.edit",
        str(process.id),
        staff.id,
    )
    details = json.loads(event.details)
    assert details["phase"] == "Dictamen final"
    assert details["changes"] == {
        "name": ["Votacion", "Dictamen final"],
        "starts": ["2025-03-01", "2025-04-01"],
        "ends": ["2025-03-02", "2025-04-10"],
        "description": ["", "El cabildo publica el dictamen."],
        "announces_results": [False, True],
    }


def test_unticking_the_mark_clears_it(client, staff, make):
    phase = add(make.process(), "Resultados", date(2025, 4, 1), announces=True)
    data = {"name": "Resultados", "starts_on": "2025-04-01", "ends_on": "2025-04-01"}
    assert client.post(path(phase), data=data).status_code == 302
    assert stored(phase.id)[4] is False
    assert json.loads(audit_events()[0].details)["changes"] == {"announces_results": [True, False]}


def test_saving_unchanged_values_writes_nothing(client, staff, make):
    phase = add(make.process(), "Votación", date(2025, 3, 1), date(2025, 3, 9))
    data = {"name": "Votación", "starts_on": "2025-03-01", "ends_on": "2025-03-09"}
    assert client.post(path(phase), data=data).status_code == 302
    assert audit_events() == []


def test_the_pending_results_page_follows_an_edited_mark(app, client, staff, make):
    process = make.consultation(S.CLOSED, title="Consulta con dictamen")
    first = date.today() + timedelta(days=400)  # ahead whatever the local day is
    later = first + timedelta(days=30)
    wrong = add(process, "Resultados preliminares", first, announces=True)
    right = add(process, "Dictamen final", later)
    with app.test_request_context():
        on_first = msg(app, "Results on %(date)s", date=format_date(first, "long"))
        on_later = msg(app, "Results on %(date)s", date=format_date(later, "long"))
    public = app.test_client()  # staff would see the preliminary results instead
    page = public.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert on_first in page and on_later not in page

    untick = {"name": wrong.name, "starts_on": first.isoformat(), "ends_on": first.isoformat()}
    assert client.post(path(wrong), data=untick).status_code == 302
    tick = {**untick, "name": right.name, "starts_on": later.isoformat()}
    tick |= {"ends_on": later.isoformat(), "announces_results": "y"}
    assert client.post(path(right), data=tick).status_code == 302

    page = public.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert on_later in page and on_first not in page


def test_a_phase_ending_before_it_starts_is_refused_and_unchanged(app, client, staff, make):
    phase = add(make.process(), "Votación", date(2025, 3, 1), date(2025, 3, 9))
    before = stored(phase.id)
    response = client.post(
        path(phase),
        data={"name": "Otra", "starts_on": "2025-03-10", "ends_on": "2025-03-09"},
    )
    assert response.status_code == 400
    assert msg(app, "A phase cannot end before it starts.") in response.get_data(as_text=True)
    assert stored(phase.id) == before
    assert audit_events() == []


def test_a_malformed_date_is_refused_and_unchanged(client, staff, make):
    phase = add(make.process(), "Votación", date(2025, 3, 1), date(2025, 3, 9))
    before = stored(phase.id)
    response = client.post(
        path(phase), data={"name": "Otra", "starts_on": "10/03/2025", "ends_on": "2025-03-20"}
    )
    assert response.status_code == 400
    assert stored(phase.id) == before
    assert audit_events() == []


def test_an_archived_process_phase_is_not_edited(app, client, staff, make):
    phase = add(make.process(S.ARCHIVED), "Votación", date(2025, 3, 1), date(2025, 3, 9))
    before = stored(phase.id)
    response = client.post(
        path(phase), data={"name": "Otra", "starts_on": "2025-03-01", "ends_on": "2025-03-09"}
    )
    assert response.status_code == 400
    assert msg(app, "An archived process cannot change.") in response.get_data(as_text=True)
    assert stored(phase.id) == before


def test_a_phase_of_another_process_is_not_found(client, staff, make):
    mine, other = make.process(), make.process(title="Otro proceso")
    phase = add(other, "Fase ajena", date(2025, 1, 1), date(2025, 1, 2))
    before = stored(phase.id)
    url = f"/gestion/procesos/{mine.id}/fases/{phase.id}/editar"
    assert client.get(url).status_code == 404
    data = {"name": "Cambiada", "starts_on": "2025-01-01", "ends_on": "2025-01-02"}
    assert client.post(url, data=data).status_code == 404
    assert stored(phase.id) == before
    assert client.get(f"/gestion/procesos/{mine.id}/fases/999999/editar").status_code == 404


@pytest.mark.parametrize("role", [None, Role.CITIZEN])
def test_residents_and_anonymous_cannot_edit(client, make, role):
    phase = add(make.process(S.PUBLISHED), "Votación", date(2025, 3, 1), date(2025, 3, 9))
    before = stored(phase.id)
    if role is not None:
        login(client, make.user(role).email)
    data = {"name": "Cambiada", "starts_on": "2025-03-01", "ends_on": "2025-03-09"}
    got, sent = client.get(path(phase)), client.post(path(phase), data=data)
    if role is None:  # sent to log in
        assert got.status_code == 302 and "/cuenta/entrar" in got.headers["Location"]
        assert sent.status_code in (302, 401)
    else:
        assert (got.status_code, sent.status_code) == (403, 403)
    assert stored(phase.id) == before
    assert audit_events() == []
