"""Sending e-mail through a pluggable mailer.

There is no mail server yet: by default each message is written to the log and to a file in
`instance/outbox/` (MAIL_OUTBOX), where the office or a developer reads it. An installation
sets MAILER in instance/config.py to a callable `(to, subject, body)` that really sends.
"""

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, url_for

log = logging.getLogger("participa.mail")


def public_url(endpoint: str, **values) -> str:
    """An absolute link for a message, on PUBLIC_URL rather than the request's Host header."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def send_mail(
    to: str, subject: str, body: str, *, html: str | None = None, headers: dict | None = None
) -> None:
    mailer = current_app.config.get("MAILER")
    if mailer is not None:
        mailer(to, subject, body)
        return
    _write_to_outbox(to, subject, body, headers or {})


def _write_to_outbox(to: str, subject: str, body: str, headers: dict) -> None:
    folder = Path(
        current_app.config.get("MAIL_OUTBOX") or Path(current_app.instance_path) / "outbox"
    )
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    mime = {"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "8bit"}
    extra = "".join(f"{name}: {value}\n" for name, value in {**headers, **mime}.items())
    path.write_text(f"To: {to}\nSubject: {subject}\n{extra}\n{body}\n", encoding="utf-8")
    path.chmod(0o600)  # it holds a password-reset link
    log.info("mail to %s, %r, written to %s", to, subject, path)
