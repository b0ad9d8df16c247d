"""E-mail: composed in the request, sent by a background job over SMTP (Flask-Mailman).

`send_mail` never talks to the mail server inside the request: it queues `deliver` with
`jobs.after_commit`, so a message goes once the caller's transaction commits (and never for a
change that was rolled back). The job builds a complete message (multipart text + HTML when
given, From, Date, Message-ID, MIME headers) and hands it to the SMTP server named by
MAIL_SERVER; a failure raises, is logged by the job runner and retried by the queue.

Without MAIL_SERVER (development) each message is written, as a complete RFC 5322 file, to
`instance/outbox/<stamp>-<hex>.eml` (MAIL_OUTBOX), readable by the owner only, and logged.
"""

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives

from participa.core import jobs
from participa.extensions import mail

log = logging.getLogger("participa.mail")

# Flask-Mailman's own default in testing is an in-memory backend: a configured server is real.
SMTP_BACKEND = "smtp"


def init_app(app: Flask) -> None:
    """Bind Flask-Mailman; say at start-up where mail goes when there is no server."""
    app.config["MAIL_BACKEND"] = SMTP_BACKEND
    mail.init_app(app)
    app.before_request(_remember_served_url)
    if not app.config.get("MAIL_SERVER"):
        log.info("no MAIL_SERVER: e-mails are written to %s, not sent", outbox_folder(app))


def outbox_folder(app: Flask) -> Path:
    """Where messages (and SMS) go without a server: MAIL_OUTBOX, else instance/outbox."""
    return Path(app.config.get("MAIL_OUTBOX") or Path(app.instance_path) / "outbox")


def write_to_outbox(suffix: str, content: bytes) -> Path:
    """Write one message to the outbox folder, readable by its owner only; return its path."""
    folder = outbox_folder(current_app)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.{suffix}"
    path.touch(mode=0o600)  # it may hold a link or a code that opens an account
    path.write_bytes(content)
    return path


SERVED_URL = "participa.served_url"  # app.extensions key: the last request's host URL
DEFAULT_SITE_URL = "http://127.0.0.1:5000"  # `make run`'s address, before any request


def site_url() -> str:
    """The site's address for links in messages: PUBLIC_URL when set, else the served one.

    In development PUBLIC_URL is usually unset and links follow the host and port the request
    came to (`flask run --port 8000` gives :8000 links); a job that sends mail after the request
    (notices, digests, reminders) uses the address of the latest request this development
    server served.
    Production sets PUBLIC_URL (start-up warns otherwise: links would follow the Host header,
    which anyone can set).
    """
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return current_app.extensions.get(SERVED_URL, DEFAULT_SITE_URL)


def _remember_served_url() -> None:
    """Keep the host and port being served, for mail sent by jobs: without PUBLIC_URL, and
    under the development server only (`flask run`). A production server without PUBLIC_URL
    (start-up warns) must not let one request's Host header into everyone's mail."""
    development = request.environ.get("SERVER_SOFTWARE", "").startswith("Werkzeug/")
    if development and not current_app.config.get("PUBLIC_URL") and _host_is_this_server():
        current_app.extensions[SERVED_URL] = request.host_url.rstrip("/")


def _host_is_this_server() -> bool:
    """Whether the Host header names this server: a loopback name, or the address and port
    the connection arrived on. On a LAN (`HOST=0.0.0.0 make run`) anyone could otherwise send
    `Host: evil.example` and have every later digest link there."""
    wanted = urlsplit(request.host_url)
    if wanted.hostname in ("localhost", "127.0.0.1", "::1"):
        return True
    environ = request.environ
    try:
        connection = environ.get("werkzeug.socket")
        address, port = connection.getsockname()[:2] if connection else (None, None)
    except OSError:
        return False
    if address is None:  # no socket (the test client): the server's own name and port
        address, port = environ.get("SERVER_NAME"), environ.get("SERVER_PORT")
    return wanted.hostname == address and str(wanted.port or 80) == str(port)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for a message (see `site_url`)."""
    return site_url() + url_for(endpoint, **values)


def render_mail(template: str, *, lang: str | None = None, **context) -> tuple[str, str]:
    """(text, html) of `templates/mail/<template>.txt` and `.html`, in `lang` when given."""
    context = {"site_url": site_url(), **context}
    if lang is None:
        return _render_pair(template, context)
    with force_locale(lang):
        return _render_pair(template, context)


def _render_pair(template: str, context: dict) -> tuple[str, str]:
    text = render_template(f"mail/{template}.txt", **context)
    return text, render_template(f"mail/{template}.html", **context)


def send_mail(
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Send a message once the current transaction commits (`body` is its text part).

    The job is secret: a link in the message is not kept in its record once it ended."""
    jobs.after_commit(
        "mail", deliver, to, str(subject), body, html, dict(headers or {}), secret=True
    )


def deliver(to: str, subject: str, body: str, html: str | None, headers: dict) -> None:
    """Build and send one message (the job): SMTP when MAIL_SERVER is set, else the outbox."""
    message = EmailMultiAlternatives(subject, body, to=[to], headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    if not current_app.config.get("MAIL_SERVER"):
        path = write_to_outbox("eml", message.message().as_bytes())
        log.info("mail to %s, %r, written to %s (no MAIL_SERVER)", to, subject, path)
        return
    message.send()  # raises on failure: the job runner logs it, the queue retries
    log.info("mail to %s, %r, sent", to, subject)
