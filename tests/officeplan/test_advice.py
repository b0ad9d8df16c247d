"""The advice log through its page: records without personal data, counts, chart and CSV."""

import json
from datetime import date, timedelta

import plotly.graph_objects as go
import pytest

from participa.auth.models import Role
from participa.extensions import db
from participa.officeplan.advice import per_colonia, per_topic
from participa.officeplan.models import AdviceRecord, AdviceTopic
from tests.factories import login, municipal_today


@pytest.fixture
def staff_client(client, staff):
    login(client, staff.email)
    return client


def record(client, **fields):
    form = {
        "given_on": municipal_today().isoformat(),
        "topic": "budget",
        "colonia_id": "",
        "channel": "phone",
        "outcome": "resolved",
        "note": "",
        **fields,
    }
    return client.post("/gestion/orientacion/", data=form)


def count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(AdviceRecord)).scalar()


def test_advice_is_counted_per_topic_and_per_colonia(staff_client, make):
    colonias = make.territory()
    centro = str(colonias["Centro"].id)
    for topic, colonia in (("budget", centro), ("budget", centro), ("works", ""), ("budget", "")):
        assert record(staff_client, topic=topic, colonia_id=colonia).status_code == 302
    assert per_topic(None) == {AdviceTopic.BUDGET: 3, AdviceTopic.WORKS: 1}
    assert per_colonia(None) == {"Centro": 2, None: 2}
    page = staff_client.get("/gestion/orientacion/").get_data(as_text=True)
    assert 'id="chart-topics"' in page and 'id="chart-colonias"' in page
    assert "No personal data" in page
    csv = staff_client.get("/gestion/orientacion/orientacion.csv").get_data(as_text=True)
    assert csv.count("\n") == 5 and "Centro" in csv


def test_the_charts_are_valid_plotly_figures(staff_client):
    record(staff_client)
    page = staff_client.get("/gestion/orientacion/").get_data(as_text=True)
    raw = page.split('id="figure-topics">')[1].split("</script>")[0]
    figure = go.Figure(json.loads(raw))
    assert list(figure.data[0].x) == [1]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "Llamar a vecina, tel. 33 1234 5678"}, "seems to hold personal data"),
        ({"note": "correo ana@example.mx"}, "seems to hold personal data"),
        ({"note": "CURP GODE561231HDFRRN09"}, "seems to hold personal data"),
        ({"given_on": ""}, "Write the date the advice was given"),
        ({"topic": "gossip"}, "Not a valid choice"),
        ({"channel": "pigeon"}, "Not a valid choice"),  # forged: never "in person" instead
        ({"outcome": "maybe"}, "Not a valid choice"),
        ({"colonia_id": "999"}, "Choose a colonia from the list."),
    ],
)
def test_bad_records_are_refused_with_a_message(staff_client, fields, message):
    response = record(staff_client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count() == 0


def test_a_future_date_is_refused(staff_client):
    tomorrow = (municipal_today() + timedelta(days=1)).isoformat()
    assert record(staff_client, given_on=tomorrow).status_code == 400
    assert count() == 0


def test_counts_follow_the_year(staff_client):
    record(staff_client, given_on=date(2025, 5, 1).isoformat(), topic="works")
    record(staff_client)
    assert per_topic(2025) == {AdviceTopic.WORKS: 1}
    page = staff_client.get("/gestion/orientacion/?anio=2025").get_data(as_text=True)
    assert "Counts · 2025" in page


@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.COUNCIL])
def test_only_staff_reach_the_advice_log(client, make, role):
    if role:
        login(client, make.user(role).email)
    assert client.get("/gestion/orientacion/").status_code == (302 if role is None else 403)
    assert client.get("/gestion/orientacion/orientacion.csv").status_code in (302, 403)
    assert record(client).status_code in (302, 401, 403)
    assert count() == 0
