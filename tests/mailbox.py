"""What the app sent: the outbox folder's messages, a real local SMTP server, a fake SMS gateway.

- `outbox_messages(app)`: the .eml files of the app's outbox (no MAIL_SERVER), parsed, oldest
  first; `outbox_sms(app)`: the .sms files, as (to, body).
- `smtp_sink` (fixture): aiosmtpd listening on 127.0.0.1 on a free port; `.port`, and
  `.messages` as parsed `EmailMessage`s (with `.envelope_to`), as they arrive.
- `sms_gateway` (fixture): a Twilio-shaped HTTP API on 127.0.0.1 (`.url`, `.requests`:
  path, basic-auth pair and form fields of each POST); `.fail_with = 500` makes it refuse
  (`.fail_for = {number}`: only the texts to that number).
"""

import base64
import email
import logging
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller

from participa.core.mailer import outbox_folder
from tests.liveserver import free_port


def _outbox_files(app, suffix: str) -> list[Path]:
    folder = outbox_folder(app)
    return sorted(folder.glob(f"*.{suffix}")) if folder.exists() else []


def outbox_messages(app) -> list[EmailMessage]:
    """The messages written to the app's outbox folder, oldest first."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=default)
        for path in _outbox_files(app, "eml")
    ]


def outbox_sms(app) -> list[tuple[str, str]]:
    """The SMS written to the app's outbox folder, as (to, body), oldest first."""
    found = []
    for path in _outbox_files(app, "sms"):
        head, _, body = path.read_text().partition("\n\n")
        found.append((head.removeprefix("To: "), body.rstrip("\n")))
    return found


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@dataclass
class SmtpSink:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        """The messages once `count` have arrived (mail goes out from a background job)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per session
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class SmsGateway:
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    fail_with: int | None = None
    fail_for: set[str] = field(default_factory=set)  # numbers ("To") it refuses (with 500)


def _gateway_handler(gateway: SmsGateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
            user, _, password = base64.b64decode(encoded).decode().partition(":")
            gateway.requests.append(
                {
                    "path": self.path,
                    "auth": (user, password) if scheme == "Basic" else None,
                    "form": {name: values[0] for name, values in form.items()},
                }
            )
            refused = 500 if form.get("To", [""])[0] in gateway.fail_for else None
            status = gateway.fail_with or refused or 201
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"sid": "SM1"}' if status < 300 else b'{"message": "down"}')

        def log_message(self, *args):  # quiet
            pass

    return Handler


@pytest.fixture
def sms_gateway():
    """A fake Twilio-compatible gateway on 127.0.0.1, recording each request."""
    gateway = SmsGateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _gateway_handler(gateway))
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
