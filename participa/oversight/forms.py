"""Forms for watched works, findings and the office's answers."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from participa.budgets.project_forms import PesosField, coordinate_fields
from participa.oversight.findings import (
    MAX_ANSWER,
    MAX_LOCATION,
    MAX_PHOTOS,
    MAX_REASON,
    MAX_TEXT,
    MAX_TITLE,
)
from participa.oversight.models import FindingStatus, WorkKind
from participa.oversight.subjects import MAX_AREA, MAX_DESCRIPTION, MAX_NAME

KIND_LABELS = {WorkKind.WORK: _l("Public work"), WorkKind.PROGRAMME: _l("Programme")}
STATUS_LABELS = {
    FindingStatus.RECEIVED: _l("Received"),
    FindingStatus.IN_REVIEW: _l("In review"),
    FindingStatus.ANSWERED: _l("Answered"),
    FindingStatus.NOT_APPLICABLE: _l("Not applicable"),
}


class WorkForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        default=WorkKind.WORK.value,
        validators=[InputRequired(_l("Choose a kind."))],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=MAX_DESCRIPTION)],
        description=_l("What is being done, where and when. **Bold**, *italics* and lists work."),
    )
    colonia_id = SelectField(_l("Colonia (optional)"), choices=[], validate_choice=False)
    responsible_area = StringField(
        _l("Responsible area (optional)"),
        validators=[Optional(), Length(max=MAX_AREA)],
        description=_l("For example Public Works Directorate."),
    )
    budget = PesosField(
        _l("Budget in pesos (optional)"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    pb_project_id = SelectField(
        _l("Participatory budget project (optional)"), choices=[], validate_choice=False
    )
    council_work_id = SelectField(
        _l("Council priority (optional)"),
        choices=[],
        validate_choice=False,
        description=_l("Its public page then shows the pledges and findings of this work."),
    )


class FindingForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=MAX_TITLE)],
        description=_l("In a few words, for example “Cracked sidewalk in front of the school”."),
    )
    text = TextAreaField(
        _l("What did you find?"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description=_l("Describe what you saw and when. **Bold**, *italics* and lists work."),
    )
    location = StringField(
        _l("Where (optional)"),
        validators=[Optional(), Length(max=MAX_LOCATION)],
        description=_l("A street and a reference, for example “Hidalgo 45, by the market”."),
    )
    latitude, longitude = coordinate_fields()
    photos = MultipleFileField(
        _l("Photos (optional, up to %(n)s)", n=MAX_PHOTOS),
        description=_l(
            "JPEG, PNG or WebP, up to 5 MB each. We remove the location and other data "
            "stored in them."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Answer"),
        validators=[DataRequired(), Length(max=MAX_ANSWER)],
        description=_l("Public. A new answer is a new version; earlier ones stay visible."),
    )


class StatusForm(FlaskForm):
    status = RadioField(
        _l("Status"),
        choices=[
            (FindingStatus.IN_REVIEW.value, STATUS_LABELS[FindingStatus.IN_REVIEW]),
            (FindingStatus.NOT_APPLICABLE.value, STATUS_LABELS[FindingStatus.NOT_APPLICABLE]),
        ],
        validators=[InputRequired(_l("Choose a status."))],
    )
    reason = TextAreaField(
        _l("Reason (required if not applicable)"),
        validators=[Optional(), Length(max=MAX_REASON)],
        description=_l("Public."),
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for hiding"),
        validators=[DataRequired(), Length(max=MAX_REASON)],
        description=_l("Seen by staff only, and kept in the audit log."),
    )
