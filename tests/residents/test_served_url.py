"""Without PUBLIC_URL (development), links in mail sent by a background job after the request
(the daily digest here) follow the host and port the site was served on, not :5000."""

from participa.core.timeutil import utcnow
from participa.notifications import delivery
from participa.notifications.models import MailMode
from tests.mailbox import outbox_messages
from tests.residents.test_delivery import stored_notices, wanting

DEV_SERVER = {"SERVER_SOFTWARE": "Werkzeug/3.1.9"}
GUNICORN = {"SERVER_SOFTWARE": "gunicorn/23.0.0"}


def _digest_body(app) -> str:
    assert delivery.send_digests(utcnow()) == 1  # outside any request, as the periodic job
    [mail] = outbox_messages(app)
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_a_digest_sent_after_a_request_links_to_the_port_served(app, client, make):
    app.config["PUBLIC_URL"] = None
    stored_notices([wanting(make, MailMode.DIGEST, sms=False)])
    # `make run HOST=0.0.0.0 PORT=8123`: Werkzeug's development server names itself.
    client.get("/", base_url="http://192.168.1.20:8123", environ_base=DEV_SERVER)
    body = _digest_body(app)
    assert "http://192.168.1.20:8123/procesos/1" in body and ":5000" not in body


def test_a_production_server_never_takes_links_from_a_host_header(app, client, make):
    app.config["PUBLIC_URL"] = None  # misconfigured: gunicorn warns at start-up
    stored_notices([wanting(make, MailMode.DIGEST, sms=False)])
    client.get("/", base_url="http://evil.example:8123", environ_base=GUNICORN)
    body = _digest_body(app)
    assert "http://127.0.0.1:5000/procesos/1" in body and "evil" not in body


def test_public_url_wins_over_the_request_served(app, client, make):
    app.config["PUBLIC_URL"] = "https://participa.example.mx"
    stored_notices([wanting(make, MailMode.DIGEST, sms=False)])
    client.get("/", base_url="http://evil.example:8123", environ_base=DEV_SERVER)
    body = _digest_body(app)
    assert "https://participa.example.mx/procesos/1" in body and "evil" not in body


def test_a_forged_host_on_the_development_server_is_not_remembered(app, client, make):
    app.config["PUBLIC_URL"] = None
    stored_notices([wanting(make, MailMode.DIGEST, sms=False)])
    # `HOST=0.0.0.0 make run` on a LAN: someone there sends their own Host header.
    client.get(
        "/",
        base_url="http://192.168.1.20:8123",
        environ_base=DEV_SERVER,
        environ_overrides={"HTTP_HOST": "evil.example:8123"},
    )
    body = _digest_body(app)
    assert "http://127.0.0.1:5000/procesos/1" in body and "evil" not in body
