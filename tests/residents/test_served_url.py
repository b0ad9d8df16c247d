"""Without PUBLIC_URL (development), links in mail sent by a background job after the request
(the daily digest here) follow the host and port the site was served on, not :5000."""

from participa.core.timeutil import utcnow
from participa.notifications import delivery
from participa.notifications.models import MailMode
from tests.mailbox import outbox_messages
from tests.residents.test_delivery import stored_notices, wanting


def _digest_body(app) -> str:
    assert delivery.send_digests(utcnow()) == 1  # outside any request, as the periodic job
    [mail] = outbox_messages(app)
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_a_digest_sent_after_a_request_links_to_the_port_served(app, client, make):
    app.config["PUBLIC_URL"] = None
    stored_notices([wanting(make, MailMode.DIGEST, sms=False)])
    client.get("/", base_url="http://192.168.1.20:8123")  # `make run HOST=0.0.0.0 PORT=8123`
    body = _digest_body(app)
    assert "http://192.168.1.20:8123/procesos/1" in body and ":5000" not in body


def test_public_url_wins_over_the_request_served(app, client, make):
    app.config["PUBLIC_URL"] = "https://participa.example.mx"
    stored_notices([wanting(make, MailMode.DIGEST, sms=False)])
    client.get("/", base_url="http://evil.example:8123")  # a Host header anyone can send
    body = _digest_body(app)
    assert "https://participa.example.mx/procesos/1" in body and "evil" not in body
