"""Proposals in a real browser: a resident writes one on a phone, another supports it."""

import pytest

from participa.demo.proposals import INITIATIVE_TITLE, THRESHOLD
from participa.extensions import db
from participa.proposals.models import Proposal
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


@pytest.fixture(scope="session")
def initiative_id(live_server) -> int:
    return live_server.process_id(INITIATIVE_TITLE)


def demo_proposal_id(live_server, title: str) -> int:
    with live_server.app.app_context():
        query = db.select(Proposal.id).where(Proposal.title == title)
        return db.session.execute(query).scalar_one()


def log_out(page) -> None:
    page.locator(".site-header form[action$='/cuenta/salir'] button").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_resident_writes_a_proposal_and_another_supports_it(
    page, new_resident, initiative_id, viewport
):
    author, supporter = new_resident(), new_resident()
    log_in(page, author.email, author.password)
    page.goto(f"/procesos/{initiative_id}")
    page.get_by_role("link", name="Escribir una propuesta").first.click()
    page.locator("#title").fill("Bancas en la plaza de Centro")
    page.locator("#body").fill("Faltan **bancas** con sombra.\n\n- Cerca del kiosco")
    page.locator("#category").select_option("Obras")
    page.locator("#location").fill("Plaza principal")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Bancas en la plaza de Centro")
    expect(page.locator(".prose strong").first).to_have_text("bancas")
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", "0")
    expect(page.locator(".progress-row label")).to_have_text(f"0 de {THRESHOLD} firmas")
    url = page.url

    log_out(page)
    log_in(page, supporter.email, supporter.password)
    page.goto(url)
    page.get_by_role("button", name="Firmar esta propuesta").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(bar).to_have_attribute("value", "1")
    expect(page.locator(".progress-row label")).to_have_text(f"1 de {THRESHOLD} firmas")
    expect(page.get_by_text("Firmaste esta propuesta.")).to_be_visible()
    expect(page.get_by_role("button", name="Firmar esta propuesta")).to_have_count(0)


def test_proposal_pages_are_accessible(page, logged_in, live_server, initiative_id, viewport):
    report: dict = {}
    discussed = demo_proposal_id(live_server, "Ciclovía por la avenida principal")
    answered = demo_proposal_id(live_server, "Recolección de basura también los domingos")
    for name, path in (
        ("proposals-list", f"/procesos/{initiative_id}/propuestas/"),
        ("proposals-list-filtered", f"/procesos/{initiative_id}/propuestas/?orden=apoyos&q=a"),
        ("proposal-detail", f"/procesos/{initiative_id}/propuestas/{discussed}"),
        ("proposal-answered", f"/procesos/{initiative_id}/propuestas/{answered}"),
    ):
        assert page.goto(path).status == 200
        check_axe(page, f"{name}[{viewport}]", report)
    logged_in("citizen")
    for name, path in (
        ("proposal-new", f"/procesos/{initiative_id}/propuestas/nueva"),
        ("proposal-detail-resident", f"/procesos/{initiative_id}/propuestas/{discussed}"),
    ):
        assert page.goto(path).status == 200
        page.locator("details").evaluate_all("ds => ds.forEach(d => (d.open = true))")
        check_axe(page, f"{name}[{viewport}]", report)
        check_labels(page)


def test_staff_proposal_pages_are_accessible(page, logged_in, initiative_id, viewport):
    report: dict = {}
    logged_in("staff")
    for name, path in (
        ("staff-proposals", f"/gestion/procesos/{initiative_id}/propuestas/"),
        ("staff-proposal-settings", f"/gestion/procesos/{initiative_id}/propuestas/ajustes"),
        ("staff-moderation", "/gestion/moderacion/"),
        ("staff-notices", "/avisos/"),
    ):
        assert page.goto(path).status == 200
        check_axe(page, f"{name}[{viewport}]", report)
        check_labels(page)
