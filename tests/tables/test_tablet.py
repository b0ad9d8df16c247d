"""The tablet mode: look a person up, refuse who voted on any channel, record one desk ballot."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.budgets.models import BallotRule, PbParticipation, PbVote
from participa.consultations import answering
from participa.consultations.models import Participation, Response
from participa.core.errors import NotAllowed
from participa.core.timeutil import utcnow
from participa.eligibility.participants import Channel
from participa.extensions import db
from participa.receipts.services import find_receipt
from participa.tables import services
from participa.tables.models import TableService, VotingTable
from tests.budgets.test_voting import REPEATED, say
from tests.factories import PASSWORD, curp_for, login
from tests.tables.helpers import (
    TODAY,
    answers,
    consultation_table,
    desk,
    form_data,
    pb_table,
    walk_in,
)

RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def _base(process, table) -> str:
    return f"/gestion/procesos/{process.id}/mesas/{table.id}"


def test_tablet_vote_stores_one_desk_ballot_and_shows_the_receipt(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Lomas"])
    login(client, clerk.email)
    base = _base(process, table)

    page = client.post(f"{base}/tableta", data={"key": resident.curp.lower(), "colonia_id": ""})
    assert page.status_code == 302 and page.headers["Location"].endswith("/tableta/persona")
    person = client.get(f"{base}/tableta/persona").get_data(as_text=True)
    assert resident.name in person and "may vote now" in person

    sent = client.post(f"{base}/tableta/votar", data=form_data(process))
    assert sent.status_code == 302
    slip = client.get(f"{base}/tableta/comprobante").get_data(as_text=True)
    code = RECEIPT.search(slip).group(0)

    participation = db.session.execute(sa.select(Participation)).scalar_one()
    response = db.session.execute(sa.select(Response)).scalar_one()
    assert participation.channel is Channel.DESK and response.process_id == process.id
    assert "channel" not in Response.__table__.c  # who voted keeps the channel; what, never
    assert participation.voter_key == f"curp:{resident.curp}"
    assert participation.user_id == resident.id and participation.colonia_id == colonias["Lomas"].id
    assert find_receipt(code).id == process.id
    served = db.session.execute(sa.select(TableService)).scalar_one()
    assert (served.table_id, served.channel, served.staff_id) == (table.id, Channel.DESK, clerk.id)
    # Who was served, and when, only to the hour: no order of arrival to the second.
    for moment in (participation.created_at, served.created_at):
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)
    audit = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "table.desk")
    ).scalar_one()
    assert audit.actor_id == clerk.id and str(table.id) in audit.details
    assert "option" not in audit.details  # who served where, never what was chosen


def test_web_then_table_is_refused(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Centro"])
    answering.submit_response(
        process, resident, answers(process), now=utcnow(), today=TODAY, max_text=2000
    )
    login(client, clerk.email)
    base = _base(process, table)
    client.post(f"{base}/tableta", data={"key": resident.curp})
    person = client.get(f"{base}/tableta/persona").get_data(as_text=True)
    assert "already voted in this ballot" in person
    refused = client.post(f"{base}/tableta/votar", data=form_data(process))
    assert refused.status_code == 409
    paper = client.post(f"{base}/tableta/papel")
    assert paper.status_code == 409
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(TableService)).scalar() == 0


def test_table_then_web_is_refused(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Centro"])
    voter = walk_in(colonias["Centro"])  # no account at first: the key is the CURP's
    desk(table, clerk, voter, answers(process))
    assert answering.eligibility_problem(process, voter, TODAY) is not None

    resident.curp = voter.voter_key.removeprefix("curp:")  # later they register on the web
    db.session.commit()
    login(client, resident.email)
    page = client.post(f"/procesos/{process.id}/responder", data={"step": "confirm"})
    assert page.status_code == 409
    assert "already answered" in page.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 1


def test_a_person_without_account_needs_a_colonia_and_gets_curp_statistics(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    login(client, clerk.email)
    base = _base(process, table)
    curp = curp_for(date(1950, 1, 2), "M")
    asked = client.post(f"{base}/tableta", data={"key": curp, "colonia_id": ""})
    assert asked.status_code == 400 and "which colonia" in asked.get_data(as_text=True)
    bad = client.post(f"{base}/tableta", data={"key": curp[:-1] + "Z"})
    assert bad.status_code == 400
    client.post(f"{base}/tableta", data={"key": curp, "colonia_id": str(colonias["Sauces"].id)})
    assert client.post(f"{base}/tableta/votar", data=form_data(process)).status_code == 302
    row = db.session.execute(sa.select(Participation)).scalar_one()
    assert (row.user_id, row.sex, row.age_band) == (None, "M", "60+")
    assert row.colonia_id == colonias["Sauces"].id


def test_paper_handout_marks_the_person_as_voted_without_content(client, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Centro"])
    login(client, clerk.email)
    base = _base(process, table)
    client.post(f"{base}/tableta", data={"key": resident.curp})
    assert client.post(f"{base}/tableta/papel").status_code == 302
    row = db.session.execute(sa.select(Participation)).scalar_one()
    assert row.channel is Channel.PAPER
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 0
    assert answering.has_taken_part(process, resident)
    assert services.totals(table).handed_out == 1


def test_a_knapsack_ballot_at_the_table_cannot_exceed_the_amount(client, make):
    colonias, process, ballot, projects, table, (clerk,) = pb_table(make, BallotRule.KNAPSACK)
    resident = make.user(colonia=colonias["Centro"])
    login(client, clerk.email)
    base = _base(process, table)
    client.post(f"{base}/tableta", data={"key": resident.curp})
    over = [str(p.id) for p in projects[:4]]  # 1,100,000 of 1,000,000
    page = client.post(f"{base}/tableta/votar", data={"projects": over})
    assert page.status_code == 400
    assert db.session.execute(sa.select(sa.func.count()).select_from(PbVote)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(TableService)).scalar() == 0
    fits = [str(projects[0].id), str(projects[1].id)]
    assert client.post(f"{base}/tableta/votar", data={"projects": fits}).status_code == 302
    vote = db.session.execute(sa.select(PbVote)).scalar_one()
    assert len(vote.items) == 2
    who = db.session.execute(sa.select(PbParticipation)).scalar_one()
    assert who.channel is Channel.DESK and who.voter_key == f"curp:{resident.curp}"


def test_a_desk_ballot_naming_a_project_twice_is_refused(client, make):
    colonias, process, ballot, projects, table, (clerk,) = pb_table(make, BallotRule.KNAPSACK)
    resident = make.user(colonia=colonias["Centro"])
    login(client, clerk.email)
    base = _base(process, table)
    client.post(f"{base}/tableta", data={"key": resident.curp})
    page = client.post(f"{base}/tableta/votar", data={"projects": [str(projects[0].id)] * 20})
    assert page.status_code == 400
    assert say(REPEATED) in page.get_data(as_text=True)
    for model in (PbVote, PbParticipation, TableService):
        assert db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar() == 0


def test_only_the_tables_staff_serve_it(client, make):
    colonias, process, table, _team = consultation_table(make)
    other = make.user(Role.STAFF)
    login(client, other.email)
    assert client.get(f"{_base(process, table)}/tableta").status_code == 403
    assert client.get(_base(process, table)).status_code == 200  # but may read its totals
    voter = walk_in(colonias["Centro"])
    with pytest.raises(NotAllowed):
        desk(table, other, voter, answers(process))
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 0


def test_citizens_and_anonymous_are_refused_on_every_table_page(app, make):
    colonias, process, table, (clerk,) = consultation_table(make)
    citizen = make.user(colonia=colonias["Centro"])
    base = f"/gestion/procesos/{process.id}/mesas"
    paths = [
        ("GET", f"{base}/"),
        ("GET", f"{base}/nueva"),
        ("GET", f"{base}/{table.id}"),
        ("GET", f"{base}/{table.id}/editar"),
        ("POST", f"{base}/{table.id}/recibidas"),
        ("GET", f"{base}/{table.id}/tableta"),
        ("GET", f"{base}/{table.id}/tableta/persona"),
        ("POST", f"{base}/{table.id}/tableta/siguiente"),
        ("GET", f"{base}/{table.id}/tableta/votar"),
        ("POST", f"{base}/{table.id}/tableta/papel"),
        ("GET", f"{base}/{table.id}/tableta/comprobante"),
        ("POST", f"{base}/{table.id}/lotes"),
        ("GET", f"{base}/{table.id}/lotes/1"),
        ("POST", f"{base}/{table.id}/lotes/1/capturar"),
        ("GET", f"{base}/{table.id}/lotes/1/papel/1"),
        ("POST", f"{base}/{table.id}/lotes/1/papel/1/anulada"),
        ("POST", f"{base}/{table.id}/lotes/1/terminar"),
        ("POST", f"{base}/{table.id}/lotes/1/conciliar"),
    ]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(("tables.", "table_"))]
    assert len(rules) == len(paths)  # a new page must be added here
    anonymous, resident = app.test_client(), app.test_client()
    login(resident, citizen.email)
    for method, path in paths:
        assert anonymous.open(path, method=method).status_code in (302, 401), path
        assert resident.open(path, method=method).status_code == 403, path


def test_setting_up_a_table_through_the_page(client, make):
    make.territory()
    process = make.consultation()
    clerk, helper = make.user(Role.STAFF), make.user(Role.STAFF)
    login(client, clerk.email)
    base = f"/gestion/procesos/{process.id}/mesas"
    empty = client.post(f"{base}/nueva", data={"name": "Mesa 9"})
    assert empty.status_code == 400 and "at least one staff member" in empty.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(VotingTable)).scalar() == 0
    made = client.post(f"{base}/nueva", data={"name": "Mesa 9", "staff_ids": [str(helper.id)]})
    assert made.status_code == 302
    manage = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    assert "Mesa 9" in manage and f"{base}/" in manage


def test_table_forms_need_the_csrf_token(csrf_app, make):
    csrf_app.config["BABEL_DEFAULT_LOCALE"] = "en"
    colonias, process, table, (clerk,) = consultation_table(make)
    resident = make.user(colonia=colonias["Centro"])
    client = csrf_app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/cuenta/entrar", data={"email": clerk.email, "password": PASSWORD, "csrf_token": token}
    )
    base = _base(process, table)
    refused = client.post(f"{base}/tableta", data={"key": resident.curp})
    assert refused.status_code == 400
    page = client.get(f"{base}/tableta").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    found = client.post(f"{base}/tableta", data={"key": resident.curp, "csrf_token": token})
    assert found.status_code == 302
    assert client.post(f"{base}/tableta/papel").status_code == 400  # no token: nothing written
    assert db.session.execute(sa.select(sa.func.count()).select_from(Participation)).scalar() == 0
    assert client.post(f"{base}/tableta/papel", data={"csrf_token": token}).status_code == 302
    assert db.session.execute(sa.select(sa.func.count()).select_from(Participation)).scalar() == 1


def test_a_ballot_that_is_not_a_number_is_refused_and_changes_nothing(client, make):
    """A regression found by fuzzing: '0.0' as the ballot was a 500."""
    _colonias, process, ballot, _projects, table, (clerk,) = pb_table(make, BallotRule.APPROVAL)
    login(client, clerk.email)
    data = {"name": "Mesa 9", "pb_ballot_id": "0.0", "staff_ids": str(clerk.id)}
    response = client.post(f"{_base(process, table)}/editar", data=data)
    assert response.status_code == 400
    assert "Choose the ballot this table serves." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (table.name, table.pb_ballot_id) == ("Mesa PB", ballot.id)
