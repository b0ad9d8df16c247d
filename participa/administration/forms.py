"""Forms of meetings, commitments, the FAIS file of a work and the works export."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from participa.administration.models import (
    COMMITMENT_STATUS_LABELS,
    FAIS_INCIDENCE_LABELS,
    MEETING_KIND_LABELS,
)
from participa.works.forms import FAIS_LABELS, FUNDING_LABELS, STATUS_LABELS


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


class MeetingForm(FlaskForm):
    kind = RadioField(_l("Kind of meeting"), choices=_choices(MEETING_KIND_LABELS))
    held_on = DateField(_l("Date"), validators=[Optional()])
    place = StringField(_l("Place"), render_kw={"maxlength": 200})
    attendees = TextAreaField(
        _l("Who attended"),
        description=_l("One per line: the mayor, each directorate present, the FAIS liaison."),
    )
    agreements = TextAreaField(
        _l("Agreements (optional)"), description=_l("What was agreed, in plain words.")
    )


class CommitmentForm(FlaskForm):
    work_id = SelectField(_l("Priority"), choices=[], validate_choice=False)
    directorate = StringField(
        _l("Directorate"),
        description=_l("The directorate that commits, e.g. Obras Públicas."),
        render_kw={"maxlength": 160, "list": "directorates"},
    )
    text = TextAreaField(
        _l("Commitment"), description=_l("What it will do, in up to 500 characters.")
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])


class NoteForm(FlaskForm):
    noted_on = DateField(_l("Date of the note"), validators=[Optional()])
    text = TextAreaField(_l("Follow-up note"), description=_l("Up to 500 characters."))
    status = RadioField(_l("Status"), choices=_choices(COMMITMENT_STATUS_LABELS), default="open")


class FaisForm(FlaskForm):
    incidence = RadioField(_l("FAIS eligibility"), choices=_choices(FAIS_INCIDENCE_LABELS))
    category = SelectField(
        _l("FAIS category"),
        choices=[("", _l("None"))] + _choices(FAIS_LABELS),
        description=_l("Required when the work is eligible for the FAIS."),
    )
    requested = StringField(_l("Requested from the FAIS (whole pesos)"),
                            render_kw={"inputmode": "numeric"})  # fmt: skip
    committed = StringField(_l("Committed by the FAIS (whole pesos)"),
                            render_kw={"inputmode": "numeric"})  # fmt: skip
    programmed = StringField(_l("Programmed by the FAIS (whole pesos)"),
                             render_kw={"inputmode": "numeric"})  # fmt: skip


class ExportForm(FlaskForm):
    """Read from the query string: a GET download, no CSRF token needed."""

    class Meta:
        csrf = False

    estado = SelectField(
        _l("Status"), choices=[("", _l("All"))] + _choices(STATUS_LABELS), default=""
    )
    fondo = SelectField(
        _l("Funding source"),
        choices=[("", lazy_pgettext("feminine", "All"))] + _choices(FUNDING_LABELS),
        default="",
    )
    categoria = SelectField(
        _l("FAIS category"),
        choices=[("", lazy_pgettext("feminine", "All"))] + _choices(FAIS_LABELS),
        default="",
    )
    colonia = SelectField(_l("Colonia"), choices=[], validate_choice=False)
    formato = RadioField(
        _l("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")], default="csv"
    )
