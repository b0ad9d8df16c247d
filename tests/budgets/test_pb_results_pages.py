"""PB results pages: staff count, compare, decide and publish; the public reads once published."""

import json
import re

import pytest

from participa.auth.models import Role
from participa.budgets.models import CountingRule, MesCompletion
from participa.budgets.outcomes import save_outcome
from participa.extensions import db
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus
from tests import factories
from tests.budgets.test_counting import (
    APPROVAL_VOTES,
    add_votes,
    count,
    ids,
    seed_ballot,
    titles,
)
from tests.factories import login


@pytest.fixture
def ballot(make):
    colonias = make.territory()
    ballot = seed_ballot(make, counting_rule=CountingRule.MES)
    add_votes(ballot, APPROVAL_VOTES, colonia=colonias["Centro"])
    count(ballot)
    return ballot


@pytest.fixture
def web(client):
    """The client, reading pages in English: they read as their msgids whatever the catalogs say."""
    in_english(client)
    return client


def in_english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"


def as_role(client, make, role):
    login(client, make.user(role).email)
    in_english(client)
    return client


def staff_url(ballot, tail=""):
    return f"/gestion/procesos/{ballot.process_id}/presupuesto/resultados{tail}"


def public_url(ballot):
    return f"/procesos/{ballot.process_id}/presupuesto/resultados"


def test_staff_pages_are_for_staff_only(web, make, ballot):
    assert web.get(staff_url(ballot)).status_code == 302  # to the login page
    as_role(web, make, Role.COUNCIL)
    assert web.get(staff_url(ballot)).status_code == 403
    assert (
        web.post(staff_url(ballot, f"/{ballot.id}/contar"), data={"rule": "greedy"}).status_code
        == 403
    )
    assert web.post(staff_url(ballot, "/publicar")).status_code == 403
    assert ballot.outcome is None


def test_staff_compare_both_rules_with_the_ballot_rule_first(web, make, ballot):
    as_role(web, make, Role.STAFF)
    page = web.get(staff_url(ballot)).get_data(as_text=True)
    assert "Save greedy result" in page and "Save Equal Shares result" in page
    # The ballot counts with Equal Shares: that button is the primary one.
    assert re.search(r'class="button" name="rule" value="mes"|value="mes" class="button"', page)
    assert re.search(r'value="greedy" class="button button-secondary"', page)
    assert 'data-figure="figure-compare-' in page
    assert "did not fit" in page.lower() or "only $0" in page
    assert "equal shares could not pay" in page


def test_the_ballot_rule_is_explained_and_the_variants_are_folded(web, make, ballot):
    as_role(web, make, Role.STAFF)
    page = web.get(staff_url(ballot)).get_data(as_text=True)
    plain, advanced = page.split("<summary>Advanced counting options</summary>", 1)
    assert "The money is divided equally among the voters" in plain
    assert "Add1" not in plain.split("<tbody>")[-1]  # explained only among the advanced options
    assert "Add1 steps" in advanced and "one peso more" in advanced
    assert advanced.index('value="greedy"') < advanced.index("</details>")
    # Counting settings: the rule in plain view, its variants behind the same summary.
    form = web.get(f"/gestion/procesos/{ballot.process_id}/boletas/{ballot.id}").get_data(
        as_text=True
    )
    plain, advanced = form.split("<summary>Advanced counting options</summary>", 1)
    assert 'name="counting_rule"' in plain and 'name="mes_completion"' not in plain
    assert 'name="mes_completion"' in advanced and 'name="mes_comparison"' in advanced
    assert "Comparison of rules" in advanced


def test_staff_save_each_rule_then_publish(web, make, ballot):
    as_role(web, make, Role.STAFF)
    response = web.post(staff_url(ballot, f"/{ballot.id}/contar"), data={"rule": "greedy"})
    assert response.status_code == 302
    db.session.refresh(ballot)
    assert (ballot.outcome.rule, titles(ballot, json.loads(ballot.outcome.winners))) == (
        "greedy",
        ["A", "B"],
    )
    web.post(staff_url(ballot, f"/{ballot.id}/contar"), data={"rule": "mes"})
    db.session.refresh(ballot)
    assert ballot.outcome.rule == "mes"

    response = web.post(staff_url(ballot, "/publicar"))
    assert response.status_code == 302 and response.location.endswith(public_url(ballot))
    db.session.refresh(ballot)
    assert ballot.process.status is ProcessStatus.RESULTS_PUBLISHED
    assert ballot.outcome.published is True


def test_publish_is_refused_while_a_ballot_has_no_result(web, make, ballot):
    as_role(web, make, Role.STAFF)
    response = web.post(staff_url(ballot, "/publicar"), follow_redirects=True)
    assert "has no saved result yet" in response.get_data(as_text=True)
    assert ballot.process.status is ProcessStatus.CLOSED


def test_manual_form_shows_errors_beside_the_fields(web, make, ballot):
    as_role(web, make, Role.STAFF)
    prefix = f"b{ballot.id}-"
    data = {f"{prefix}project_ids": [ids(ballot)["A"]], f"{prefix}justification": "Short"}
    response = web.post(staff_url(ballot, f"/{ballot.id}/manual"), data=data)
    assert response.status_code == 400
    assert f'id="{prefix}justification-error"' in response.get_data(as_text=True)
    db.session.refresh(ballot)
    assert ballot.outcome is None

    data[f"{prefix}justification"] = "The council chose the park after the public hearing."
    response = web.post(staff_url(ballot, f"/{ballot.id}/manual"), data=data)
    assert response.status_code == 302
    db.session.refresh(ballot)
    assert (ballot.outcome.rule, titles(ballot, json.loads(ballot.outcome.winners))) == (
        "manual",
        ["A"],
    )


def test_public_page_says_when_until_published_and_council_previews(web, make, ballot):
    for role in (None, Role.CITIZEN):
        if role:
            as_role(web, make, role)
        response = web.get(public_url(ballot))
        page = response.get_data(as_text=True)
        assert response.status_code == 200  # says when, instead of a 404
        assert "The results will be published when the count ends" in page
        assert "Preliminary results" not in page and "people voted" not in page
    web.post("/cuenta/salir")
    as_role(web, make, Role.COUNCIL)
    page = web.get(public_url(ballot)).get_data(as_text=True)
    assert "Preliminary results" in page
    assert "Not saved yet" in page


def publish(make, ballot, rule="mes"):
    staff = make.user(Role.STAFF)
    save_outcome(staff, ballot, rule)
    change_status(staff, ballot.process, ProcessStatus.RESULTS_PUBLISHED)


def test_public_page_shows_winners_money_reasons_and_charts(web, make, ballot):
    publish(make, ballot)
    page = web.get(public_url(ballot)).get_data(as_text=True)
    assert "Preliminary" not in page
    assert "4 people voted" in page
    assert "Money used: $30" in page
    funded = page[page.index("Funded projects") : page.index("Every project")]
    assert re.findall(r"<li>(\w) ·", funded) == ["A", "C"]
    assert re.search(r'<th scope="row">B</th>\s*<td>3</td>\s*<td>\$20</td>\s*<td>No</td>', page)
    assert "equal shares could not pay its cost" in page
    keys = re.findall(r'data-figure="figure-([\w-]+)"', page)
    assert keys == [f"votes-{ballot.id}", f"compare-{ballot.id}", "money", "by-colonia"]
    votes = json.loads(re.search(rf'id="figure-votes-{ballot.id}">(.*?)</script>', page, re.S)[1])
    assert [(t["name"], t["y"], t["x"]) for t in votes["data"]] == [
        ("Funded", ["A", "C"], [3, 1]),
        ("Not funded", ["B"], [3]),
    ]
    assert votes["layout"]["showlegend"] is True
    assert re.search(r'<th scope="row">Centro \(Norte\)</th><td>4</td>', page)


def test_detail_and_manage_pages_link_to_the_results(web, make, ballot):
    as_role(web, make, Role.STAFF)
    manage = web.get(f"/gestion/procesos/{ballot.process_id}").get_data(as_text=True)
    assert "Count and publish results" in manage
    publish(make, ballot)
    detail = web.get(f"/procesos/{ballot.process_id}").get_data(as_text=True)
    assert public_url(ballot) in detail


def test_pb_download_is_for_staff_until_published(web, make, ballot):
    url = f"/procesos/{ballot.process_id}/presupuesto/boletas/{ballot.id}.pb"
    assert web.get(url).status_code == 404
    as_role(web, make, Role.STAFF)
    ballot.process.status = ProcessStatus.OPEN
    db.session.commit()
    assert web.get(url).status_code == 404  # not while voting: downloads would reveal votes
    ballot.process.status = ProcessStatus.CLOSED
    db.session.commit()
    response = web.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_data(as_text=True).startswith("META")
    web.post("/cuenta/salir")
    publish(make, ballot)
    assert web.get(url).status_code == 200
    other = seed_ballot(make)
    wrong = f"/procesos/{ballot.process_id}/presupuesto/boletas/{other.id}.pb"
    assert web.get(wrong).status_code == 404


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def test_saving_needs_the_csrf_token(csrf_app):
    make = factories.Factories()
    client = csrf_app.test_client()
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    count(ballot)
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    staff = make.user(Role.STAFF)
    client.post(
        "/cuenta/entrar",
        data={"email": staff.email, "password": "contraseña-segura", "csrf_token": token(page)},
    )
    in_english(client)
    url = staff_url(ballot, f"/{ballot.id}/contar")
    assert client.post(url, data={"rule": "greedy"}).status_code == 400
    page = client.get(staff_url(ballot)).get_data(as_text=True)
    response = client.post(url, data={"rule": "greedy", "csrf_token": token(page)})
    assert response.status_code == 302
    db.session.refresh(ballot)
    assert ballot.outcome.rule == "greedy"

    # The manual form of each ballot carries its own prefixed token.
    page = client.get(staff_url(ballot)).get_data(as_text=True)
    prefixed = re.search(rf'name="b{ballot.id}-csrf_token"[^>]*value="([^"]+)"', page)[1]
    data = {
        f"b{ballot.id}-project_ids": [ids(ballot)["C"]],
        f"b{ballot.id}-justification": "The council chose the bench after the hearing.",
    }
    url = staff_url(ballot, f"/{ballot.id}/manual")
    assert client.post(url, data=data).status_code == 400
    data[f"b{ballot.id}-csrf_token"] = prefixed
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(ballot)
    assert ballot.outcome.rule == "manual"


def test_plain_equal_shares_with_a_fractional_share_renders(web, make):
    ballot = seed_ballot(make, mes_completion=MesCompletion.NONE)
    add_votes(ballot, APPROVAL_VOTES[:3])  # 40 / 3 pesos each
    count(ballot)
    as_role(web, make, Role.STAFF)
    page = web.get(staff_url(ballot)).get_data(as_text=True)
    assert "each voter $13.33 to spend" in page
