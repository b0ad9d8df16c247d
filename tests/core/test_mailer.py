"""E-mail and SMS leave through a real SMTP server and an HTTP gateway, or the outbox folder."""

import logging
import stat

import pytest

from participa.core import sms
from participa.core.mailer import outbox_folder, public_url, send_mail
from participa.extensions import db
from tests.liveserver import free_port
from tests.mailbox import html_part, outbox_messages, outbox_sms, text_part


def test_without_a_mail_server_a_complete_message_is_written_to_the_outbox(app, caplog):
    with app.test_request_context("/"), caplog.at_level(logging.INFO, "participa.mail"):
        send_mail(
            "vecina@example.mx",
            "Confirma tu correo",
            "Texto: ábrelo",
            html="<p>HTML: ábrelo</p>",
            headers={"List-Unsubscribe": "<https://x.example/baja>"},
        )
        assert outbox_messages(app) == []  # nothing before the commit
        db.session.commit()
    [message] = outbox_messages(app)
    assert message["To"] == "vecina@example.mx"
    assert message["Subject"] == "Confirma tu correo"
    assert message["From"] == "Participa <no-responder@localhost>"
    assert message["Date"] and message["Message-ID"] and message["MIME-Version"] == "1.0"
    assert message["List-Unsubscribe"] == "<https://x.example/baja>"
    assert message.get_content_type() == "multipart/alternative"
    assert text_part(message).strip() == "Texto: ábrelo"
    assert html_part(message).strip() == "<p>HTML: ábrelo</p>"
    [path] = outbox_folder(app).glob("*.eml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "written to" in caplog.text


def test_a_rolled_back_transaction_sends_nothing(app):
    with app.test_request_context("/"):
        send_mail("vecina@example.mx", "Asunto", "Texto")
        db.session.rollback()
        db.session.commit()
    assert outbox_messages(app) == []


def test_with_a_mail_server_the_message_reaches_it(database, smtp_sink):
    app = database(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    with app.test_request_context("/"):
        send_mail("vecina@example.mx", "Asunto", "Texto", html="<p>HTML</p>")
        db.session.commit()
    [message] = smtp_sink.messages
    assert message.envelope_to == ["vecina@example.mx"]
    assert text_part(message).strip() == "Texto" and html_part(message).strip() == "<p>HTML</p>"
    assert outbox_messages(app) == []


def test_a_mail_server_that_refuses_raises_for_the_queue_to_retry(database, caplog):
    app = database(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    with app.test_request_context("/"), caplog.at_level(logging.ERROR, "participa.jobs"):
        send_mail("vecina@example.mx", "Asunto", "Texto")
        db.session.commit()
    assert "background job mail failed" in caplog.text


def test_links_follow_the_served_host_without_public_url(database):
    app = database(PUBLIC_URL=None)
    with app.test_request_context("/", base_url="http://127.0.0.1:8123"):
        assert public_url("auth.login") == "http://127.0.0.1:8123/cuenta/entrar"
    app.config["PUBLIC_URL"] = "https://participa.example.gob.mx/"
    with app.test_request_context("/", base_url="http://127.0.0.1:8123"):
        assert public_url("auth.login") == "https://participa.example.gob.mx/cuenta/entrar"


def test_without_a_gateway_the_sms_is_written_to_the_outbox(app):
    with app.app_context():
        sms.send_sms("+523312345678", "Tu código: 123456")
    assert outbox_sms(app) == [("+523312345678", "Tu código: 123456")]


def test_the_sms_goes_to_the_gateway_with_its_credentials(database, sms_gateway):
    app = database(
        SMS_API_URL=sms_gateway.url,
        SMS_ACCOUNT_SID="AC123",
        SMS_AUTH_TOKEN="secreto",
        SMS_FROM="+15005550006",
    )
    with app.app_context():
        sms.send_sms("+523312345678", "Tu código: 123456")
    [request] = sms_gateway.requests
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["auth"] == ("AC123", "secreto")
    assert request["form"] == {
        "To": "+523312345678",
        "From": "+15005550006",
        "Body": "Tu código: 123456",
    }
    assert outbox_sms(app) == []


def test_a_gateway_error_raises_and_is_logged(database, sms_gateway, caplog):
    sms_gateway.fail_with = 500
    app = database(SMS_API_URL=sms_gateway.url, SMS_ACCOUNT_SID="AC1", SMS_AUTH_TOKEN="t")
    with app.app_context(), pytest.raises(sms.SmsError):
        sms.send_sms("+523312345678", "Hola")
    assert "refused by the gateway: 500" in caplog.text
