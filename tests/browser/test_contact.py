"""Registering on a phone and confirming the e-mail through the link of the mail."""

import random
import re
import uuid
from datetime import date

import pytest

from participa.demo.people import make_curp
from participa.extensions import db
from participa.territory.models import Colonia
from tests.browser.conftest import RESIDENT_PASSWORD
from tests.browser.test_accessibility import check_axe, check_labels
from tests.mailbox import outbox_messages, text_part

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


def mail_to(app, address: str):
    found = [m for m in outbox_messages(app) if m["To"] == address]
    assert len(found) == 1, [m["To"] for m in outbox_messages(app)]
    return found[0]


def confirm_email(page, live_server, email: str, on_the_page=lambda: None) -> None:
    """Follow the confirmation link mailed to `email` and press its button, as a resident."""
    link = re.search(
        r"(http://\S+/cuenta/confirmar/correo/\S+)", text_part(mail_to(live_server.app, email))
    )
    assert link and link.group(1).startswith(live_server.base_url + "/")  # the served host
    page.goto(link.group(1))
    on_the_page()
    page.get_by_role("button", name="Confirmar mi correo electrónico").click()


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_resident_registers_and_confirms_the_email_from_the_mail(page, live_server, viewport):
    findings: dict = {}  # moderate and minor ones; serious ones fail the test
    email = f"vecina-{uuid.uuid4().hex[:10]}@prueba.mx"
    with live_server.app.app_context():
        centro = db.session.execute(db.select(Colonia.id).where(Colonia.name == "Centro"))
        colonia_id = str(centro.scalar_one())
    page.goto("/cuenta/registro")
    page.locator("#name").fill("Vecina de Prueba")
    page.locator("#email").fill(email)
    page.locator("#curp").fill(make_curp(random.Random(), date(1990, 4, 2), "M"))
    page.locator("#colonia_id").select_option(colonia_id)
    page.locator("#password").fill(RESIDENT_PASSWORD)
    page.locator("#confirm").fill(RESIDENT_PASSWORD)
    page.locator("#accept_privacy").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cuenta/confirmar**")
    expect(page.locator(".flashes")).to_contain_text(f"Enviamos un enlace a {email}")
    expect(page.locator("main")).to_contain_text("aún sin confirmar")
    check_axe(page, f"confirm-contact-new[{viewport}]", findings)
    check_labels(page)

    confirm_email(
        page, live_server, email, lambda: check_axe(page, f"confirm-email[{viewport}]", findings)
    )
    expect(page.locator(".flashes")).to_contain_text(
        f"Tu correo electrónico {email} está confirmado"
    )
    expect(page.locator("main")).to_contain_text("Tu cuenta está confirmada")
