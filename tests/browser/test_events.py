"""A resident registers for the demo town hall on a phone and sends a question; axe checks
the event pages (upcoming with its questions, past with its published minutes, print view).

Selectors use ids and data attributes rather than visible words, so the tests hold whether
the Spanish catalog is compiled or not.
"""

import pytest
import sqlalchemy as sa

from participa.comments.models import Comment, Position
from participa.demo.events import ASSEMBLY_TITLE, TOWN_HALL_TITLE
from participa.demo.links import DEBATE_TITLE
from participa.events.models import Event, EventQuestion, Registration
from participa.extensions import db
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

QUESTION = "¿Habrá intérprete de lengua de señas en la sesión?"
COMMENT = "Prefiero que se cierre solo los domingos."


def event_path(live_server, title: str) -> str:
    process_id = live_server.process_id(title)
    with live_server.app.app_context():
        event_id = db.session.execute(
            sa.select(Event.id).where(Event.process_id == process_id)
        ).scalar_one()
    return f"/procesos/{process_id}/eventos/{event_id}"


def stored(live_server, email: str) -> tuple[int, list[str]]:
    """(registrations, question texts) of the resident with `email` in the live database."""
    from participa.auth.models import User

    with live_server.app.app_context():
        user_id = db.session.execute(sa.select(User.id).where(User.email == email)).scalar_one()
        registrations = db.session.execute(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.user_id == user_id)
        ).scalar_one()
        texts = (
            db.session.execute(
                sa.select(EventQuestion.text).where(EventQuestion.author_id == user_id)
            )
            .scalars()
            .all()
        )
        return registrations, list(texts)


@pytest.mark.parametrize("viewport", ["phone"])
def test_resident_registers_on_a_phone_and_asks_a_question(page, live_server, new_resident):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    page.goto(f"/procesos/{live_server.process_id(TOWN_HALL_TITLE)}")
    page.locator("main .event-list a").first.click()
    expect(page.locator("#register")).to_be_visible()
    page.locator("#register").click()
    expect(page.locator("#my-registration")).to_have_attribute("data-status", "confirmed")

    page.locator("#text").fill(QUESTION)
    page.locator("#send-question").click()
    expect(page.locator(".event-questions")).to_contain_text(QUESTION)
    # The page fits the phone: nothing forces sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert stored(live_server, resident.email) == (1, [QUESTION])

    page.locator("#cancel-registration").click()
    expect(page.locator("#register")).to_be_visible()
    assert stored(live_server, resident.email)[0] == 0


@pytest.mark.parametrize(
    "title", [TOWN_HALL_TITLE, ASSEMBLY_TITLE, DEBATE_TITLE], ids=["upcoming", "past", "debate"]
)
def test_event_pages_are_accessible(page, live_server, new_resident, viewport, title):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    path = event_path(live_server, title)
    report: dict = {}
    assert page.goto(path).status == 200
    check_axe(page, f"event-{title}[{viewport}]", report)
    check_labels(page)
    assert page.goto(f"{path}/imprimir").status == 200
    check_axe(page, f"event-print-{title}[{viewport}]", report)


@pytest.mark.parametrize("viewport", ["phone"])
def test_resident_comments_on_a_debate_with_a_position(page, live_server, new_resident):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    page.goto(event_path(live_server, DEBATE_TITLE))
    before = page.locator("#position-against").get_attribute("data-count")
    page.locator("#body").fill(COMMENT)
    page.locator("input[name=position][value=against]").check()
    page.locator("#send-comment").click()
    expect(page.locator("#debate")).to_contain_text(COMMENT)
    after = page.locator("#position-against").get_attribute("data-count")
    assert int(after) == int(before) + 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    with live_server.app.app_context():
        stored = db.session.execute(sa.select(Comment).where(Comment.body == COMMENT)).scalar_one()
        assert stored.position is Position.AGAINST


def test_print_view_leaves_out_menus_and_buttons(page, live_server):
    page.goto(event_path(live_server, ASSEMBLY_TITLE) + "/imprimir")
    page.emulate_media(media="print")
    expect(page.locator(".site-header nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".event-votes")).to_be_visible()
    expect(page.locator(".event-record .prose")).to_be_visible()


@pytest.mark.parametrize("page_name", ["", "/asistencia", "/acta", "/editar"])
def test_staff_event_pages_are_accessible(page, live_server, logged_in, viewport, page_name):
    logged_in("staff")
    path = "/gestion" + event_path(live_server, ASSEMBLY_TITLE) + page_name
    assert page.goto(path).status == 200
    check_axe(page, f"event-staff{page_name}[{viewport}]", {})
    check_labels(page)
