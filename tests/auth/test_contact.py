"""Confirmed contact: the e-mail link over a real SMTP server, the SMS code through a gateway,
changing either, and the processes that ask for it."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from participa.auth.models import PhoneCode, User
from participa.core.jobstore import BackgroundJob, JobState
from participa.extensions import db
from tests.consultations.test_answering import Layout
from tests.factories import PASSWORD, Factories, curp_for, login
from tests.mailbox import html_part, outbox_messages, outbox_sms, text_part

LINK = re.compile(r"http://localhost(/cuenta/confirmar/correo/\S+)")
CODE = re.compile(r"\b(\d{6})\b")


def register(client, colonia_id: int, **fields):
    data = {
        "name": "Rosa Pérez López",
        "email": "rosa@example.mx",
        "curp": curp_for(date(1992, 8, 3), "M"),
        "colonia_id": colonia_id,
        "password": PASSWORD,
        "confirm": PASSWORD,
        "accept_privacy": "y",
        **fields,
    }
    return client.post("/cuenta/registro", data={k: v for k, v in data.items() if v is not None})


def the_user() -> User:
    db.session.expire_all()
    return db.session.execute(db.select(User)).scalar_one()


@pytest.fixture
def mail_app(database, smtp_sink):
    """The app sending to a real SMTP server on this machine, links on the served host."""
    app = database(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port, PUBLIC_URL=None)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sms_app(database, sms_gateway):
    app = database(
        SMS_API_URL=sms_gateway.url,
        SMS_ACCOUNT_SID="AC42",
        SMS_AUTH_TOKEN="token-secreto",
        SMS_FROM="+15005550006",
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_registering_mails_a_link_that_confirms_the_account(mail_app, smtp_sink):
    colonias = Factories().territory()
    client = mail_app.test_client()
    assert register(client, colonias["Centro"].id).status_code == 302
    assert the_user().email_confirmed_at is None
    [message] = smtp_sink.messages
    assert message.envelope_to == ["rosa@example.mx"]
    assert message["Subject"] == "Confirma tu correo electrónico para Participa"
    assert message["From"] and message["Date"] and message["Message-ID"]
    assert "Hola, Rosa Pérez López." in text_part(message)
    assert "Confirmar mi correo electrónico" in html_part(message)
    path = LINK.search(text_part(message)).group(1)
    page = mail_app.test_client().get(path)  # another device, not logged in
    assert page.status_code == 200 and "rosa@example.mx" in page.get_data(as_text=True)
    assert the_user().email_confirmed_at is None  # a GET changes nothing
    confirmed = mail_app.test_client().post(path)
    assert confirmed.status_code == 302
    assert the_user().email_confirmed_at is not None


def test_a_forged_or_expired_link_confirms_nothing(app, client, make, monkeypatch):
    user = make.user(confirmed=False)
    login(client, user.email)
    assert client.get("/cuenta/confirmar/correo/eyJ1IjoxfQ.forjado.firma").status_code == 400
    app.config["CONFIRM_EMAIL_MAX_AGE"] = -1
    client.post("/cuenta/confirmar/correo")
    [message] = outbox_messages(app)
    response = client.post(LINK.search(text_part(message)).group(1))
    assert response.status_code == 400 and "venció" in response.get_data(as_text=True)
    assert the_user().email_confirmed_at is None


def test_a_new_email_waits_for_its_link_and_the_old_one_keeps_working(app, client, make):
    user = make.user(email="vieja@example.mx")
    login(client, user.email)
    response = client.post("/cuenta/contacto/correo", data={"email": "Nueva@Example.mx"})
    assert response.status_code == 302
    assert (the_user().email, the_user().pending_email) == ("vieja@example.mx", "nueva@example.mx")
    assert login(app.test_client(), "vieja@example.mx").status_code == 302
    [message] = outbox_messages(app)
    assert message["To"] == "nueva@example.mx"
    client.post(LINK.search(text_part(message)).group(1))
    assert (the_user().email, the_user().pending_email) == ("nueva@example.mx", None)
    assert login(app.test_client(), "nueva@example.mx").status_code == 302


def test_an_email_of_another_account_is_refused(client, make):
    make.user(email="otra@example.mx")
    user = make.user(email="yo@example.mx")
    login(client, user.email)
    response = client.post("/cuenta/contacto/correo", data={"email": "otra@example.mx"})
    assert response.status_code == 400
    assert "ya pertenece a otra cuenta" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).pending_email is None


def test_registering_by_phone_texts_a_code_that_confirms_it(sms_app, sms_gateway):
    colonias = Factories().territory()
    client = sms_app.test_client()
    response = register(client, colonias["Centro"].id, email="", phone="33 1234 5678")
    assert response.status_code == 302
    user = the_user()
    assert (user.email, user.phone, user.phone_confirmed_at) == (None, "+523312345678", None)
    [request] = sms_gateway.requests
    assert request["path"] == "/2010-04-01/Accounts/AC42/Messages.json"
    assert request["auth"] == ("AC42", "token-secreto")
    assert request["form"]["To"] == "+523312345678" and request["form"]["From"] == "+15005550006"
    code = CODE.search(request["form"]["Body"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post("/cuenta/confirmar/telefono", data={"code": wrong})
    assert refused.status_code == 400 and "no es correcto" in refused.get_data(as_text=True)
    assert client.post("/cuenta/confirmar/telefono", data={"code": code}).status_code == 302
    user = the_user()
    assert user.phone_confirmed_at is not None and user.contact_confirmed
    assert db.session.get(PhoneCode, user.id) is None
    # And the phone logs in, as people type it.
    assert login(sms_app.test_client(), "(33) 1234-5678").status_code == 302


def test_a_gateway_that_fails_is_told_to_the_person(sms_app, sms_gateway):
    sms_gateway.fail_with = 500
    colonias = Factories().territory()
    client = sms_app.test_client()
    register(client, colonias["Centro"].id, email=None, phone="3312345678")
    page = client.get("/cuenta/confirmar").get_data(as_text=True)
    assert "No pudimos enviar el código a +523312345678" in page
    sms_gateway.fail_with = None
    assert client.post("/cuenta/confirmar/telefono/enviar").status_code == 302
    assert "No pudimos enviar" not in client.get("/cuenta/confirmar").get_data(as_text=True)
    # The failed code was tried as often as its job allows (the queue retries), then reported;
    # the code asked for again went once.
    failed = db.session.execute(
        sa.select(BackgroundJob).where(BackgroundJob.state == JobState.FAILED)
    ).scalar_one()
    assert failed.attempts == failed.max_attempts > 1
    assert len(sms_gateway.requests) == failed.attempts + 1


def test_too_many_wrong_codes_kill_the_code(app, client, make):
    user = make.user(confirmed=False)
    login(client, user.email)
    client.post("/cuenta/contacto/telefono", data={"phone": "3312345678"})
    [(to, body)] = outbox_sms(app)
    code = CODE.search(body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["PHONE_CODE_MAX_ATTEMPTS"]):
        client.post("/cuenta/confirmar/telefono", data={"code": wrong})
    response = client.post("/cuenta/confirmar/telefono", data={"code": code})
    assert response.status_code == 400 and "Demasiados" in response.get_data(as_text=True)
    assert the_user().phone is None


def test_an_expired_code_is_refused(app, client, make):
    user = make.user(confirmed=False)
    login(client, user.email)
    client.post("/cuenta/contacto/telefono", data={"phone": "3312345678"})
    code = CODE.search(outbox_sms(app)[0][1]).group(1)
    row = db.session.get(PhoneCode, user.id)
    row.expires_at -= timedelta(hours=1)
    db.session.commit()
    response = client.post("/cuenta/confirmar/telefono", data={"code": code})
    assert response.status_code == 400 and "venció" in response.get_data(as_text=True)


@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0101", "no tengo"])
def test_a_phone_that_is_not_mexican_is_refused_and_nothing_is_stored(client, make, phone):
    colonias = make.territory()
    response = register(client, colonias["Centro"].id, email=None, phone=phone)
    assert response.status_code == 400
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 0


def test_registering_without_email_or_phone_is_refused(client, make):
    colonias = make.territory()
    response = register(client, colonias["Centro"].id, email="", phone="")
    assert response.status_code == 400
    assert "Da un correo electrónico o un celular" in response.get_data(as_text=True)


def test_resending_is_limited_with_a_clear_message(database):
    app = database(RATELIMIT_ENABLED=True, RATELIMIT_CONFIRM_RESEND="2/hour")
    with app.app_context():
        user = Factories().user(confirmed=False)
        client = app.test_client()
        login(client, user.email)
        for _ in range(2):
            assert client.post("/cuenta/confirmar/correo").status_code == 302
        refused = client.post("/cuenta/confirmar/correo")
        assert refused.status_code == 429
        assert "Demasiados intentos" in refused.get_data(as_text=True)
        assert len(outbox_messages(app)) == 2
        db.session.remove()
        db.engine.dispose()


def test_a_process_that_asks_for_it_turns_away_an_unconfirmed_resident(client, make):
    territory = make.territory()
    process = make.consultation()
    user = make.user(colonia=territory["Centro"], confirmed=False)
    login(client, user.email)
    page = client.get(f"/procesos/{process.id}/responder").get_data(as_text=True)
    assert "Confirma tu correo electrónico o tu teléfono para responder esta consulta." in page
    assert '<a href="/cuenta/confirmar">Confírmalo ahora</a>' in page
    response = client.post(f"/procesos/{process.id}/responder", data=Layout(process).form())
    assert response.status_code == 409
    process.require_confirmed_contact = False
    db.session.commit()
    page = client.get(f"/procesos/{process.id}/responder").get_data(as_text=True)
    assert "Confirma tu correo" not in page


def phone_only_resident(make, phone="+523312345678") -> User:
    user = make.user(confirmed=False)
    user.email, user.phone = None, phone
    db.session.commit()
    return user


def test_a_phone_only_account_chooses_a_new_password_with_a_code(app, client, make):
    phone_only_resident(make)
    response = client.post("/cuenta/recuperar/telefono", data={"phone": "33 1234 5678"})
    assert response.headers["Location"] == "/cuenta/recuperar/telefono/codigo"
    [(to, body)] = outbox_sms(app)
    code = CODE.search(body).group(1)
    new = {"password": "otra-clave-larga", "confirm": "otra-clave-larga"}
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post("/cuenta/recuperar/telefono/codigo", data={"code": wrong, **new})
    assert refused.status_code == 400
    assert login(app.test_client(), "3312345678").status_code == 302  # nothing changed yet
    done = client.post("/cuenta/recuperar/telefono/codigo", data={"code": code, **new})
    assert done.headers["Location"] == "/cuenta/entrar"
    assert login(app.test_client(), "3312345678", "otra-clave-larga").status_code == 302
    assert login(app.test_client(), "3312345678").status_code == 400
    assert the_user().phone_confirmed_at is not None
    # The code works once, also for whoever kept the page's session.
    with client.session_transaction() as session:
        session["reset_phone"] = "+523312345678"
    again = {"code": code, "password": "tercera-clave", "confirm": "tercera-clave"}
    assert client.post("/cuenta/recuperar/telefono/codigo", data=again).status_code == 400
    assert login(app.test_client(), "3312345678", "otra-clave-larga").status_code == 302


def test_an_unknown_phone_gets_the_same_answer_and_no_sms(app, make):
    phone_only_resident(make)
    answers = []
    for phone in ("3312345678", "3387654321"):
        response = app.test_client().post("/cuenta/recuperar/telefono", data={"phone": phone})
        answers.append((response.status_code, response.headers["Location"]))
    assert answers[0] == answers[1]
    assert [to for to, _ in outbox_sms(app)] == ["+523312345678"]


def test_a_code_for_a_new_pending_phone_does_not_reset_the_password(app, client, make):
    user = phone_only_resident(make)
    login(client, "3312345678")
    client.post("/cuenta/contacto/telefono", data={"phone": "3399998888"})
    code = CODE.search(outbox_sms(app)[0][1]).group(1)
    with client.session_transaction() as session:
        session["reset_phone"] = "+523312345678"
    new = {"code": code, "password": "otra-clave-larga", "confirm": "otra-clave-larga"}
    assert client.post("/cuenta/recuperar/telefono/codigo", data=new).status_code == 400
    db.session.expire_all()
    assert login(app.test_client(), "3312345678").status_code == 302
    assert db.session.get(User, user.id).phone == "+523312345678"


def stored_job_arguments() -> str:
    db.session.expire_all()
    return " ".join(job.arguments for job in db.session.scalars(db.select(BackgroundJob)))


def test_the_job_records_keep_no_link_nor_code_once_sent(app, client, make):
    user = make.user(confirmed=False)
    login(client, user.email)
    client.post("/cuenta/contacto/telefono", data={"phone": "3312345678"})
    code = CODE.search(outbox_sms(app)[0][1]).group(1)
    user.email_confirmed_at = None
    db.session.commit()
    client.post("/cuenta/confirmar/correo")
    [message] = outbox_messages(app)
    token = LINK.search(text_part(message)).group(1).rsplit("/", 1)[-1]
    stored = stored_job_arguments()
    assert stored and code not in stored and token not in stored


def from_ip(client, path: str, ip: str, **data):
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": ip})


def test_sms_reset_codes_are_limited_per_phone_whatever_the_address(database):
    app = database(
        RATELIMIT_ENABLED=True, RATELIMIT_PER_PHONE="2/hour", RATELIMIT_CODES_PER_PHONE="3/day"
    )
    with app.app_context():
        phone_only_resident(Factories())
        client = app.test_client()
        asked = [
            from_ip(client, "/cuenta/recuperar/telefono", f"10.0.0.{n}", phone=phone).status_code
            for n, phone in enumerate(("3312345678", "33 1234 5678", "+52 33 1234 5678"))
        ]
        assert asked == [302, 302, 429] and len(outbox_sms(app)) == 2
        new = {"password": "otra-clave-larga", "confirm": "otra-clave-larga"}
        typed = [
            from_ip(
                client, "/cuenta/recuperar/telefono/codigo", f"10.1.0.{n}", code=f"{n:06d}", **new
            )
            for n in range(4)
        ]
        assert [r.status_code for r in typed] == [400, 400, 400, 429]
        db.session.remove()
        db.engine.dispose()
