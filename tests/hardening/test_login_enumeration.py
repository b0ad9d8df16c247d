"""Login gives away nothing: an unknown e-mail, a wrong password and a blocked account get
the same page, and an unknown e-mail still costs a password-hash check."""

import re

from werkzeug import security

from participa.auth.models import User
from participa.extensions import db
from tests.factories import PASSWORD, Factories


def page_for(app, email, password):
    response = app.test_client().post("/cuenta/entrar", data={"email": email, "password": password})
    return response.status_code, re.sub(r'value="[^"]+"', "", response.get_data(as_text=True))


def test_unknown_email_wrong_password_and_blocked_account_look_the_same(app):
    make = Factories()
    make.user(email="c1x@example.mx")
    blocked = make.user(email="c3x@example.mx")
    blocked.active = False
    db.session.commit()
    wrong = page_for(app, "c1x@example.mx", "equivocada")
    unknown = page_for(app, "c2x@example.mx", "equivocada")
    locked = page_for(app, "c3x@example.mx", PASSWORD)
    assert wrong[0] == unknown[0] == locked[0] == 400
    # The e-mail typed is shown back in the form: compare the pages without it.
    assert wrong[1].replace("c1x", "X") == unknown[1].replace("c2x", "X")
    assert unknown[1].replace("c2x", "X") == locked[1].replace("c3x", "X")
    assert db.session.execute(db.select(User.last_login_at)).scalars().all() == [None, None]


def test_an_unknown_email_still_checks_a_password_hash(app, monkeypatch):
    checked = []
    real = security.check_password_hash

    def counting(stored, password):
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr("participa.auth.services.check_password_hash", counting)
    page_for(app, "nadie@example.mx", "equivocada")
    assert len(checked) == 1 and checked[0].startswith("pbkdf2:sha256:1000$")
