"""A new staff member sets up two-step login in a real browser, logs in with a code of the
app, and the account pages (password reset, two-step set-up and code) pass axe."""

import re
import time
import uuid

import pyotp
import pytest

from participa.auth.models import Role, User
from participa.auth.services import create_account
from participa.extensions import db
from tests.browser.conftest import HASH_METHOD
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

STAFF_PASSWORD = "personal-de-prueba"


@pytest.fixture
def axe_report() -> dict:
    """Moderate and minor axe findings of these pages (printed by check_axe; serious fail)."""
    return {}


@pytest.fixture
def new_staff(live_server):
    """A staff account of its own: the demo staff account must keep logging in without a code.

    Other browser tests look up "the" staff account of the shared live database, so this one
    stops being staff (and is blocked) when the test ends.
    """
    email = f"personal-{uuid.uuid4().hex[:10]}@prueba.mx"
    with live_server.app.app_context():
        user = create_account(
            name="Personal de Prueba",
            email=email,
            password=STAFF_PASSWORD,
            role=Role.STAFF,
            hash_method=HASH_METHOD,
        )
        db.session.commit()
        user_id = user.id
    yield email
    with live_server.app.app_context():
        user = db.session.get(User, user_id)
        user.role, user.active = Role.CITIZEN, False
        db.session.commit()


def type_password(page, email: str) -> None:
    page.goto("/cuenta/entrar")
    page.locator("#email").fill(email)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_forgot_password_page_is_accessible(page, live_server, axe_report, viewport):
    page.goto("/cuenta/entrar")
    page.locator("main a[href$='/cuenta/recuperar']").click()
    page.wait_for_load_state()
    check_axe(page, f"forgot-password-{viewport}", axe_report)
    check_labels(page)
    page.locator("#email").fill("nadie@prueba.mx")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cuenta/entrar")
    expect(page.locator(".flashes")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"])
def test_staff_sets_up_two_step_login_and_logs_in_with_a_code(
    page, live_server, axe_report, viewport, new_staff
):
    email = new_staff
    type_password(page, email)  # no code yet: logged in at once
    page.goto("/cuenta/dos-pasos")
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    check_axe(page, "two-step-setup", axe_report)
    check_labels(page)
    secret = re.search(r"[A-Z2-7]{32}", page.locator("main code").inner_text()).group(0)
    totp = pyotp.TOTP(secret)
    page.locator("#code").fill(totp.now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cuenta/")

    page.locator(".site-header form[action$='/cuenta/salir'] button").click()
    page.wait_for_load_state()
    type_password(page, email)
    assert page.url.endswith("/cuenta/entrar/codigo")
    check_axe(page, "two-step-code", axe_report)
    check_labels(page)
    page.locator("#code").fill(totp.at(time.time() + 30))  # the next code: not the one used
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".site-header form[action$='/cuenta/salir']").count() == 1, page.url
