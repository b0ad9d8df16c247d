"""Sending SMS: until a gateway is configured, each message is written to `instance/outbox/`."""

import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

log = logging.getLogger("participa.sms")


def send_sms(to: str, body: str) -> None:
    """Write the message to `instance/outbox/<stamp>-<hex>.sms` (owner-readable) and log it."""
    folder = Path(
        current_app.config.get("MAIL_OUTBOX") or Path(current_app.instance_path) / "outbox"
    )
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.sms"
    path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
    path.chmod(0o600)
    log.info("sms to %s written to %s", to, path)
