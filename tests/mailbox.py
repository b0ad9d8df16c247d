"""Read what the app "sent": the e-mails (and text messages) written to instance/outbox/."""

import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path


def _outbox(app) -> Path:
    return Path(app.config.get("MAIL_OUTBOX") or Path(app.instance_path) / "outbox")


def _files(app, suffix: str) -> list[Path]:
    folder = _outbox(app)
    if not folder.exists():
        return []
    return sorted(folder.glob(f"*{suffix}"), key=lambda p: (p.stat().st_mtime_ns, p.name))


def outbox_messages(app) -> list[EmailMessage]:
    """Every e-mail in the outbox, oldest first, parsed."""
    return [email.message_from_bytes(p.read_bytes(), policy=default) for p in _files(app, ".eml")]


def outbox_sms(app) -> list[tuple[str, str]]:
    """Every text message in the outbox, oldest first, as (to, body)."""
    found = []
    for path in _files(app, ".sms"):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        found.append((head.removeprefix("To: ").strip(), body.strip()))
    return found
