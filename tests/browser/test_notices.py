"""Residents' notices in a real browser, on a phone: the badge, reading a notice, preferences."""

import pytest

from participa.auth.models import User
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import preferences, services
from participa.notifications.models import MailMode, NoticeKind
from tests.browser.conftest import OPEN_TITLE, log_in
from tests.browser.test_accessibility import check_axe

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


def _notify(live_server, email: str, link: str) -> int:
    with live_server.app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        services.notify([user.id], NoticeKind.PROPOSAL_ANSWERED, "Bancas", link, utcnow())
        db.session.commit()
        return user.id


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_resident_reads_a_notice_and_chooses_how_to_hear(
    page, new_resident, live_server, viewport
):
    report: dict = {}
    resident = new_resident()
    link = f"/procesos/{live_server.process_id(OPEN_TITLE)}"
    user_id = _notify(live_server, resident.email, link)
    log_in(page, resident.email, resident.password)
    badge = page.get_by_role("link", name="Avisos: 1 sin leer")
    expect(badge).to_be_visible()
    badge.click()
    expect(page.get_by_text("La propuesta “Bancas” tiene respuesta oficial.")).to_be_visible()
    check_axe(page, f"notices-inbox[{viewport}]", report)
    page.get_by_role("button", name="Ver aviso").click()
    page.wait_for_load_state()
    assert page.url.endswith(link)
    expect(page.get_by_role("link", name="Avisos: 1 sin leer")).to_have_count(0)

    page.goto("/avisos/preferencias")
    check_axe(page, f"notice-preferences[{viewport}]", report)
    answered = page.get_by_role("group", name="Respondieron mi propuesta")
    answered.get_by_label("Sin correo electrónico").check()
    page.get_by_role("button", name="Guardar preferencias").click()
    expect(page.locator(".flash-success")).to_have_text("Se guardaron tus preferencias de avisos.")
    with live_server.app.app_context():
        chosen = preferences.choices_of(user_id)[NoticeKind.PROPOSAL_ANSWERED]
        assert chosen.mail is MailMode.OFF
