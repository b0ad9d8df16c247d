"""Works and prioritisation pages: who reaches them, bad input, CSRF, charts and the list."""

import re

import pytest
import sqlalchemy as sa

from participa.auth.models import Role
from participa.extensions import db
from participa.works import rounds
from participa.works.models import RoundStatus, Score, Work, WorkStatus
from tests.factories import login
from tests.works.test_works import pb_project, published_consultation

FORM = {
    "title": "Colector pluvial",
    "kind": "work",
    "zone": "",
    "estimated_cost": "$2,500,000",
    "beneficiaries": "1200",
    "directorate": "Obras Públicas",
    "funding": "fais",
    "fais_eligible": "y",
    "fais_category": "drenaje_letrinas",
}


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_staff_create_a_work_from_the_form_and_see_it_in_the_filtered_list(client, make, works):
    make.territory()
    login(client, works.staff.email)
    response = client.post("/gestion/obras/nueva", data=FORM)
    assert response.status_code == 302, re.findall(
        r"field-error[^<]*<", response.get_data(as_text=True)
    )
    work = db.session.execute(sa.select(Work).where(Work.title == "Colector pluvial")).scalar_one()
    assert response.headers["Location"].endswith(f"/gestion/obras/{work.id}")
    assert work.estimated_cost == 2_500_000 and work.fais_category.value == "drenaje_letrinas"
    page = client.get(f"/gestion/obras/{work.id}").get_data(as_text=True)
    assert "Drainage and latrines" in page and "$2,500,000" in page
    listed = client.get("/gestion/obras/?fais=1&fondo=fais").get_data(as_text=True)
    assert "Colector pluvial" in listed
    assert "Colector pluvial" not in client.get("/gestion/obras/?fondo=estatal").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"estimated_cost": "mucho"}, "Write the estimated cost in whole pesos"),
        ({"title": ""}, "Give the work a title."),
        ({"fais_category": ""}, "Choose the FAIS category of the work."),
    ],
)
def test_bad_input_is_a_400_with_its_message_and_stores_nothing(client, works, changes, message):
    login(client, works.staff.email)
    response = client.post("/gestion/obras/nueva", data={**FORM, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Work) == 0


def test_editing_a_work_with_bad_input_keeps_it(client, works):
    work = works.work("Pozo")
    login(client, works.staff.email)
    response = client.post(
        f"/gestion/obras/{work.id}/editar", data={**FORM, "title": "Nuevo", "beneficiaries": "-4"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Work, work.id).title == "Pozo"
    ok = client.post(
        f"/gestion/obras/{work.id}/editar", data={**FORM, "title": "Nuevo", "status": "done"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Work, work.id).status is WorkStatus.DONE


def test_a_work_from_a_consultation_result_links_back_from_the_results_page(client, make, works):
    process, option = published_consultation(make)
    login(client, works.staff.email)
    results = client.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    query = f"origin=consultation&amp;process_id={process.id}&amp;option_id={option.id}"
    link = f"/gestion/obras/nueva?{query}"
    assert link in results
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="Agua"' in form
    data = {**FORM, "origin": "consultation", "process_id": process.id, "option_id": option.id}
    client.post("/gestion/obras/nueva", data=data)
    work = db.session.execute(sa.select(Work)).scalar_one()
    assert work.source_option_id == option.id
    assert "Consulta de obras" in client.get(f"/gestion/obras/{work.id}").get_data(as_text=True)
    again = client.get(f"/procesos/{process.id}/resultados").get_data(as_text=True)
    assert f'href="/gestion/obras/{work.id}"' in again


def test_residents_see_no_work_buttons_on_results(client, make):
    process, _option = published_consultation(make)
    resident = make.user(Role.CITIZEN)
    login(client, resident.email)
    assert "/gestion/obras/nueva" not in client.get(f"/procesos/{process.id}/resultados").get_data(
        as_text=True
    )


def test_a_funded_pb_project_offers_a_work_and_shows_it_became_one(client, make, works):
    winner, loser = pb_project(make)
    process_id = winner.ballot.process_id
    login(client, works.staff.email)
    page = client.get(f"/procesos/{process_id}/proyectos/{winner.id}").get_data(as_text=True)
    assert f"pb_project_id={winner.id}" in page
    loser_page = client.get(f"/procesos/{process_id}/proyectos/{loser.id}").get_data(as_text=True)
    assert "pb_project_id=" not in loser_page
    data = {**FORM, "origin": "pb_project", "pb_project_id": winner.id}
    client.post("/gestion/obras/nueva", data=data)
    work = db.session.execute(sa.select(Work)).scalar_one()
    page = client.get(f"/procesos/{process_id}/proyectos/{winner.id}").get_data(as_text=True)
    assert f'href="/gestion/obras/{work.id}"' in page


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COUNCIL])
def test_residents_and_council_cannot_manage_works(client, make, works, role):
    work = works.work()
    login(client, make.user(role).email)
    assert client.get("/gestion/obras/").status_code == 403
    assert client.post(f"/gestion/obras/{work.id}/editar", data=FORM).status_code == 403
    assert client.post("/gestion/obras/nueva", data=FORM).status_code == 403
    assert count(Work) == 1


def test_anonymous_people_are_sent_to_log_in(client, works):
    assert client.get("/gestion/obras/priorizacion/").status_code == 302
    assert client.get("/obras/").status_code == 200


def test_a_resident_cannot_score(client, make, works):
    round_ = works.open_round()
    login(client, make.user(Role.CITIZEN).email)
    assert client.get(f"/gestion/obras/priorizacion/{round_.id}/calificar").status_code == 403
    assert client.post(f"/gestion/obras/priorizacion/{round_.id}/calificar").status_code == 403


def test_council_cannot_set_up_rounds(client, works):
    round_ = works.round()
    (member,) = works.council()
    login(client, member.email)
    assert client.get(f"/gestion/obras/priorizacion/{round_.id}").status_code == 200
    url = f"/gestion/obras/priorizacion/{round_.id}/estado/open"
    assert client.post(url).status_code == 403
    data = {"name": "X", "weight": "1", "scale": "10", "direction": "higher"}
    assert (
        client.post(f"/gestion/obras/priorizacion/{round_.id}/criterios", data=data).status_code
        == 403
    )
    assert round_.status is RoundStatus.DRAFT and len(round_.criteria) == 2


def test_staff_set_up_a_round_through_the_pages(client, works):
    a, b = works.work("Agua"), works.work("Banquetas")
    login(client, works.staff.email)
    response = client.post("/gestion/obras/priorizacion/", data={"period": "2028"})
    round_id = int(re.search(r"/priorizacion/(\d+)", response.headers["Location"]).group(1))
    base = f"/gestion/obras/priorizacion/{round_id}"
    bad = client.post(f"{base}/criterios", data={"name": "Costo", "weight": "-2", "scale": "10"})
    assert bad.status_code == 400 and "Write a weight above zero" in bad.get_data(as_text=True)
    client.post(
        f"{base}/criterios",
        data={"name": "Costo", "weight": "1.5", "scale": "5", "direction": "lower"},
    )
    client.post(f"{base}/candidatas", data={"work_ids": [a.id, b.id]})
    assert client.post(f"{base}/estado/open").status_code == 302
    round_ = rounds.rounds()[0]
    assert round_.status is RoundStatus.OPEN and not round_.criteria[0].higher_is_better
    assert [c.work_id for c in round_.candidates] == [a.id, b.id]


# --- scoring, results, approval, presentation, public list -----------------------------------


def score_data(round_, value=5, skip=None) -> dict:
    return {
        f"s_{c.work_id}_{k.id}": value
        for c in round_.candidates
        for k in round_.criteria
        if (c.work_id, k.id) != skip
    }


def test_council_member_scores_and_a_missing_score_is_a_400_that_changes_nothing(client, works):
    round_ = works.open_round()
    (member,) = works.council()
    login(client, member.email)
    url = f"/gestion/obras/priorizacion/{round_.id}/calificar"
    assert client.post(url, data=score_data(round_, 7)).status_code == 302
    first = round_.candidates[0].work_id, round_.criteria[0].id
    response = client.post(url, data=score_data(round_, 2, skip=first))
    assert response.status_code == 400
    assert "Score every work on every criterion" in response.get_data(as_text=True)
    assert set(rounds.member_scores(round_, member.id).values()) == {7}
    assert 'value="7"' in client.get(url).get_data(as_text=True)  # shown again to edit
    assert client.post(url, data=score_data(round_, 99)).status_code == 400
    assert set(rounds.member_scores(round_, member.id).values()) == {7}


def approved_round(works):
    round_ = works.open_round()
    a, b = (c.work_id for c in round_.candidates)
    for member, (x, y) in zip(works.council(2), [(9, 1), (8, 2)], strict=True):
        works.scores(round_, member, {a: (x, y), b: (y, x)})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    return round_, a, b


def test_results_page_shows_both_rankings_contributions_and_charts(client, works):
    round_, a, b = approved_round(works)
    member = rounds.members()[0]
    login(client, member.email)
    page = client.get(f"/gestion/obras/priorizacion/{round_.id}/resultados").get_data(as_text=True)
    assert 'id="rankings-table"' in page and 'id="contributions-table"' in page
    assert 'id="figure-weighted"' in page and 'id="figure-borda"' in page
    assert member.name in page
    assert page.index("Agua") < page.index("Banquetas")


def test_results_are_hidden_while_scoring_is_open(client, works):
    round_ = works.open_round()
    login(client, works.staff.email)
    assert client.get(f"/gestion/obras/priorizacion/{round_.id}/resultados").status_code == 404


def test_council_approves_a_reordered_list_with_justification(client, works):
    round_, a, b = approved_round(works)
    login(client, rounds.members()[0].email)
    url = f"/gestion/obras/priorizacion/{round_.id}/resultados"
    refused = client.post(url, data={f"rank_{a}": "2", f"rank_{b}": "1", "justification": ""})
    assert refused.status_code == 400
    assert "differs from the weighted ranking" in refused.get_data(as_text=True)
    assert round_.status is RoundStatus.CLOSED
    reason = "La banqueta es más urgente por seguridad escolar."
    ok = client.post(url, data={f"rank_{a}": "2", f"rank_{b}": "1", "justification": reason})
    assert ok.status_code == 302
    db.session.expire_all()
    assert [c.work_id for c in rounds.approved_list(round_)] == [b, a]
    presentation = client.get(f"/gestion/obras/priorizacion/{round_.id}/presentacion")
    text = presentation.get_data(as_text=True)
    assert presentation.status_code == 200
    assert 'id="figure-by-funding"' in text and 'id="figure-by-zone"' in text
    assert text.index("Banquetas") < text.index("Agua")
    public = client.get("/obras/").get_data(as_text=True)
    assert "Period 2027" in public and public.index("Banquetas") < public.index("Agua")


def test_the_presentation_waits_for_approval(client, works):
    round_, _a, _b = approved_round(works)
    login(client, works.staff.email)
    assert client.get(f"/gestion/obras/priorizacion/{round_.id}/presentacion").status_code == 404


def test_public_list_is_empty_before_approval(client, works):
    works.open_round()
    assert "has not approved priorities yet" in client.get("/obras/").get_data(as_text=True)


# --- CSRF on ----------------------------------------------------------------------------------


def test_scoring_needs_the_csrf_token(csrf_app):
    from tests.factories import Factories
    from tests.works.conftest import WorksFactories

    client = csrf_app.test_client()
    works = WorksFactories(Factories())
    csrf_app.config["BABEL_DEFAULT_LOCALE"] = "en"
    round_ = works.open_round()
    (member,) = works.council()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/cuenta/entrar",
        data={"email": member.email, "password": "contraseña-segura", "csrf_token": token},
    )
    url = f"/gestion/obras/priorizacion/{round_.id}/calificar"
    assert client.post(url, data=score_data(round_, 4)).status_code == 400
    assert count(Score) == 0
    form = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post(url, data={**score_data(round_, 4), "csrf_token": token}).status_code == 302
    assert count(Score) == 4


def test_scores_sent_after_scoring_closed_are_refused(client, works):
    round_ = works.open_round()
    a, b = (c.work_id for c in round_.candidates)
    (member,) = works.council()
    works.scores(round_, member, {a: (5, 5), b: (5, 5)})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    login(client, member.email)
    url = f"/gestion/obras/priorizacion/{round_.id}/calificar"
    assert client.post(url, data=score_data(round_, 9)).status_code == 400
    assert set(rounds.member_scores(round_, member.id).values()) == {5}
