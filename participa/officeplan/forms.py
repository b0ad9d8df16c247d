"""Forms of the office plan: their shape only; the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from participa.officeplan.labels import (
    ACTIVITY_STATUS_LABELS,
    CHANNEL_LABELS,
    OFFICE_LABELS,
    OUTCOME_LABELS,
    REQUEST_STATUS_LABELS,
    TOPIC_LABELS,
    choices,
)
from participa.officeplan.links import LINK_LABELS


class PlanForm(FlaskForm):
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric", "maxlength": 4})
    title = StringField(_l("Title"), description=_l("For example: Programa anual de trabajo 2026"))


class ActivityForm(FlaskForm):
    number = StringField(_l("Number"), description=_l("As in the plan: 1, 1.1, 8.1."))
    title = StringField(_l("Activity"))
    parent_id = SelectField(_l("Part of activity"), validate_choice=False)
    start_month = SelectField(_l("Start month"), validate_choice=False)
    end_month = SelectField(_l("End month"), validate_choice=False)
    owner = StringField(_l("Owner (person or area)"))
    status = SelectField(_l("Status"), choices=choices(ACTIVITY_STATUS_LABELS))


class EvidenceForm(FlaskForm):
    file = FileField(
        _l("Evidence (PDF)"),
        description=_l("A PDF of at most 10 MB: minutes, attendance list, report."),
        render_kw={"accept": "application/pdf"},
    )


class LinkForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(LINK_LABELS))
    target = SelectField(_l("Carried out in"), validate_choice=False)


class RequestForm(FlaskForm):
    year = StringField(_l("Period (year)"), render_kw={"inputmode": "numeric", "maxlength": 4})
    office = SelectField(_l("Office"), choices=choices(OFFICE_LABELS))
    subject = StringField(_l("Subject"))
    activity_id = SelectField(_l("Activity of the plan"), validate_choice=False)
    council_session_id = SelectField(_l("Council session"), validate_choice=False)


class ItemForm(FlaskForm):
    description = StringField(_l("Item"))
    quantity = StringField(_l("Quantity"), render_kw={"inputmode": "numeric"})
    unit_amount = StringField(
        _l("Unit amount (pesos)"),
        description=_l("For example 1,250.50"),
        render_kw={"inputmode": "decimal"},
    )


class RequestStatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=choices(REQUEST_STATUS_LABELS))
    answer = TextAreaField(_l("Answer received"))
    answered_on = DateField(_l("Date of the answer"), validators=[Optional()])


class GuideForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(
        _l("Text"),
        description=_l(
            "Simple formatting: **bold**, *italics*, lists starting with - and links. "
            "Every save keeps a version."
        ),
        render_kw={"rows": 16},
    )


class AdviceForm(FlaskForm):
    given_on = DateField(_l("Date"), validators=[Optional()])
    topic = SelectField(_l("Topic"), choices=choices(TOPIC_LABELS))
    colonia_id = SelectField(_l("Colonia"), validate_choice=False)
    channel = SelectField(_l("Channel"), choices=choices(CHANNEL_LABELS))
    outcome = SelectField(_l("Outcome"), choices=choices(OUTCOME_LABELS))
    note = TextAreaField(
        _l("Note"),
        description=_l(
            "No personal data: do not write names, addresses, phone numbers, e-mails or CURPs."
        ),
        render_kw={"rows": 3, "maxlength": 500},
    )
