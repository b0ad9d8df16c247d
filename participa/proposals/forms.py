"""Forms for proposals: writing, filtering, settings, answers, conversion, comments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    DecimalField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participa.budgets.project_forms import PesosField, coordinate_fields
from participa.comments.services import MAX_COMMENT
from participa.proposals.answers import MAX_ANSWER
from participa.proposals.models import STATUS_LABELS, ModerationMode, ProposalStatus, ThresholdKind
from participa.proposals.services import MAX_BODY, MAX_LOCATION, MAX_TITLE

MODERATION_LABELS = {
    ModerationMode.IMMEDIATE: _l("Publish proposals at once"),
    ModerationMode.APPROVAL: _l("Publish proposals after staff approve them"),
}
THRESHOLD_LABELS = {
    ThresholdKind.NUMBER: _l("A number of supports"),
    ThresholdKind.PERCENT: _l("A percentage of the population of the process's zone"),
}
SORT_CHOICES = [("recientes", _l("Newest")), ("apoyos", _l("Most supported"))]


def _choices(labels: dict) -> list:
    return [(key.value, label) for key, label in labels.items()]


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=MAX_TITLE)],
        description=_l("A short name, for example “A traffic light at the school”."),
    )
    body = TextAreaField(
        _l("Your proposal"),
        validators=[DataRequired(), Length(max=MAX_BODY)],
        description=_l(
            "What should be done and why. You can use **bold**, *italics*, lists and links."
        ),
        render_kw={"rows": 8},
    )
    category = SelectField(_l("Category"), choices=[], validators=[DataRequired()])
    colonia_id = SelectField(_l("Colonia"), choices=[], validators=[DataRequired()])
    location = StringField(
        _l("Place (optional)"),
        validators=[Optional(), Length(max=MAX_LOCATION)],
        description=_l("A street reference, for example “Corner of Hidalgo and Juárez”."),
    )
    latitude, longitude = coordinate_fields()


class NewProposalForm(ProposalForm):
    attachments = MultipleFileField(
        _l("Attachments (optional)"),
        description=_l("Up to 3 files: photos (JPEG, PNG or WebP) or PDF documents, 5 MB each."),
        render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"},
    )


class FilterForm(Form):
    """The public list's filters, read from the query string."""

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    zona = SelectField(_l("Zone"), choices=[], validate_choice=False)
    categoria = SelectField(_l("Category"), choices=[], validate_choice=False)
    estado = SelectField(_l("Status"), choices=[], validate_choice=False)
    orden = SelectField(_l("Sort by"), choices=SORT_CHOICES, validate_choice=False)


class SettingsForm(FlaskForm):
    moderation = RadioField(_l("Publishing"), choices=_choices(MODERATION_LABELS))
    threshold_kind = RadioField(_l("Support threshold"), choices=_choices(THRESHOLD_LABELS))
    threshold_number = IntegerField(
        _l("Number of supports"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Used when the threshold is a number."),
    )
    threshold_percent = DecimalField(
        _l("Percentage of the population"),
        places=3,
        validators=[Optional(), NumberRange(min=0.001, max=100)],
        description=_l("Used when the threshold is a percentage, for example 0.5."),
    )
    support_deadline = DateField(_l("Last day to support (optional)"), validators=[Optional()])
    reports_to_hide = IntegerField(
        _l("Reports that hide content until review"),
        validators=[InputRequired(), NumberRange(min=1, max=1000)],
    )
    categories = TextAreaField(
        _l("Categories"),
        validators=[DataRequired()],
        description=_l("One per line."),
        render_kw={"rows": 7},
    )


class AnswerForm(FlaskForm):
    status = RadioField(
        _l("Status"),
        choices=[
            (s.value, STATUS_LABELS[s])
            for s in (ProposalStatus.EVALUATION, ProposalStatus.ACCEPTED, ProposalStatus.REJECTED)
        ],
        validators=[InputRequired(_l("Choose a status."))],
    )
    text = TextAreaField(
        _l("Public answer"),
        validators=[DataRequired(), Length(max=MAX_ANSWER)],
        render_kw={"rows": 6},
    )


class ConversionForm(FlaskForm):
    ballot_id = SelectField(_l("Ballot of the participatory budget"), coerce=int, choices=[])
    estimated_cost = PesosField(
        _l("Estimated cost (pesos)"),
        validators=[InputRequired(_l("Write the estimated cost.")), NumberRange(min=1)],
        render_kw={"inputmode": "numeric"},
    )
    text = TextAreaField(
        _l("Public note"),
        validators=[DataRequired(), Length(max=MAX_ANSWER)],
        default=_l("This proposal becomes a participatory budget project."),
        render_kw={"rows": 3},
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(), Length(max=MAX_COMMENT)],
        render_kw={"rows": 4},
    )
    parent_id = HiddenField()
