"""SMS through an HTTP gateway: a Twilio-compatible REST API, configured from the environment.

`send_sms(to, body)` POSTs the form fields To, From and Body to
`{SMS_API_URL}/2010-04-01/Accounts/{SMS_ACCOUNT_SID}/Messages.json` with HTTP basic auth
(SMS_ACCOUNT_SID, SMS_AUTH_TOKEN). A refused or failed request raises `SmsError` (logged), so
a queued job is retried and a caller in a request can tell the person the code did not go.

Without SMS_API_URL (development) the SMS is written to the outbox folder as
`<stamp>-<hex>.sms` ("To: ...", a blank line, the text), readable by the owner only, and logged.
"""

import logging

import requests
from flask import current_app

from participa.core.mailer import write_to_outbox

log = logging.getLogger("participa.sms")


class SmsError(RuntimeError):
    """The gateway did not take the message."""


def send_sms(to: str, body: str) -> None:
    """Send `body` to the E.164 number `to`, or write it to the outbox without a gateway."""
    config = current_app.config
    if not config.get("SMS_API_URL"):
        path = write_to_outbox("sms", f"To: {to}\n\n{body}\n".encode())
        log.info("SMS to %s written to %s (no SMS_API_URL)", to, path)
        return
    sid = config["SMS_ACCOUNT_SID"]
    url = f"{config['SMS_API_URL'].rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
    try:
        response = requests.post(
            url,
            data={"To": to, "From": config["SMS_FROM"], "Body": body},
            auth=(sid, config["SMS_AUTH_TOKEN"]),
            timeout=config["SMS_TIMEOUT"],
        )
    except requests.RequestException as error:
        log.error("SMS to %s not sent: %s", to, error)
        raise SmsError(str(error)) from error
    if response.status_code >= 300:
        log.error(
            "SMS to %s refused by the gateway: %s %s", to, response.status_code, response.text[:80]
        )
        raise SmsError(f"gateway answered {response.status_code}")
    log.info("SMS to %s sent", to)
