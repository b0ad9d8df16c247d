"""What accounts are sent: the confirmation link, the SMS code, the password-reset link.

Each function composes the message in the request (the person's language, links on the
site's address, participa/core/mailer.py), queues it for after the commit and commits: the
request never waits for the mail server or the SMS gateway. SMS go through a job of their own
(`deliver_code`) that records on the code whether it went, so the page can say when not.
"""

from flask import current_app
from flask_babel import gettext as _

from participa.auth import contact
from participa.auth.models import User
from participa.core import jobs
from participa.core.mailer import public_url, render_mail, send_mail
from participa.core.sms import send_sms
from participa.core.timeutil import utcnow
from participa.extensions import db


def mail_confirmation(user: User) -> str | None:
    """Send the link that confirms the account's unconfirmed or pending e-mail; return the
    address, or None when there is none to confirm."""
    address = contact.email_to_confirm(user)
    if address is None:
        return None
    config = current_app.config
    token = contact.email_token(user, address, config["SECRET_KEY"])
    text, html = render_mail(
        "confirm_email",
        name=user.name,
        link=public_url("contact.confirm_email", token=token),
        days=config["CONFIRM_EMAIL_MAX_AGE"] // 86400,
    )
    send_mail(address, _("Confirm your e-mail for Participa"), text, html=html)
    db.session.commit()
    return address


def mail_reset_link(user: User, link: str, minutes: int) -> None:
    """Send the password-reset link to the account's e-mail."""
    text, html = render_mail("reset_password", name=user.name, link=link, minutes=minutes)
    send_mail(user.email, _("Choose a new password"), text, html=html)
    db.session.commit()


def text_code(user: User, phone: str) -> str:
    """Make a new code for `phone` and send it by SMS after the commit; return the E.164
    number. DomainError for a number that is not a valid Mexican one, or another's."""
    config = current_app.config
    max_age = config["PHONE_CODE_MAX_AGE"]
    code, row = contact.new_phone_code(
        user, phone, secret_key=config["SECRET_KEY"], now=utcnow(), max_age=max_age
    )
    body = _(
        "Participa: your confirmation code is %(code)s. It expires in %(minutes)s minutes.",
        code=code,
        minutes=max_age // 60,
    )
    jobs.after_commit("sms", deliver_code, user.id, row.code_hash, row.phone, body, secret=True)
    db.session.commit()
    return row.phone


def deliver_code(user_id: int, code_hash: str, phone: str, body: str) -> None:
    """Send one code by SMS (the job); record whether it went. A failure raises, to retry."""
    try:
        send_sms(phone, body)
    except Exception:
        contact.record_sending(user_id, code_hash, "failed")
        raise
    contact.record_sending(user_id, code_hash, "sent")
