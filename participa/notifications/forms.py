"""The preferences form: one e-mail choice per kind, SMS for the few kinds that allow it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField

from participa.notifications.kinds import KIND_LABELS, RESIDENT_KINDS, SMS_KINDS
from participa.notifications.models import MailMode, NoticeKind
from participa.notifications.preferences import Choice

MAIL_CHOICES = [
    (MailMode.IMMEDIATE.value, _l("At once")),
    (MailMode.DIGEST.value, _l("Daily digest")),
    (MailMode.OFF.value, _l("No e-mail")),
]


class PreferencesBase(FlaskForm):
    pass


def preferences_form(choices: dict[NoticeKind, Choice]):
    """A form with a radio group per resident kind and an SMS box per SMS kind."""

    class PreferencesForm(PreferencesBase):
        pass

    for kind in RESIDENT_KINDS:
        field = RadioField(
            KIND_LABELS[kind], choices=MAIL_CHOICES, default=choices[kind].mail.value
        )
        setattr(PreferencesForm, f"mail_{kind.value}", field)
        if kind in SMS_KINDS:
            box = BooleanField(_l("Also by text message"), default=choices[kind].sms)
            setattr(PreferencesForm, f"sms_{kind.value}", box)
    return PreferencesForm()  # a POST's data wins over these defaults


def chosen(form) -> dict[NoticeKind, Choice]:
    """The form's choices as values for the service."""
    return {
        kind: Choice(
            MailMode(form[f"mail_{kind.value}"].data),
            bool(kind in SMS_KINDS and form[f"sms_{kind.value}"].data),
        )
        for kind in RESIDENT_KINDS
    }
