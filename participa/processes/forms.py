"""Process and phase forms for staff."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from participa.core.forms import MultiCheckboxField
from participa.processes.types import SCOPE_LABELS, TYPE_LABELS, ProcessType, ScopeKind


class ProcessForm(FlaskForm):
    type = SelectField(
        _l("Mechanism"),
        choices=[(t.value, label) for t, label in TYPE_LABELS.items()],
        validators=[DataRequired()],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=20000)],
        description=_l(
            "What is decided, who can take part and how. Plain text; blank lines "
            "separate paragraphs."
        ),
    )
    scope = RadioField(
        _l("Territorial scope"),
        choices=[(s.value, label) for s, label in SCOPE_LABELS.items()],
        default=ScopeKind.MUNICIPALITY.value,
    )
    delegacion_ids = MultiCheckboxField(_l("Delegaciones"), coerce=int, choices=[])
    colonia_ids = SelectMultipleField(
        _l("Colonias"),
        coerce=int,
        choices=[],
        description=_l("Hold Ctrl (or Cmd) to choose several."),
    )
    min_age = IntegerField(
        _l("Minimum age to take part"),
        validators=[Optional(), NumberRange(min=0, max=120)],
        description=_l("Leave empty for no minimum. The age is read from the CURP."),
    )
    require_confirmed_contact = BooleanField(
        _l("Ask for a confirmed e-mail or phone to vote, answer or support"),
        default=True,
        description=_l(
            "People who registered on the web confirm their e-mail (a link) or phone (a code) "
            "first. People served at an in-person table are not asked."
        ),
    )

    def process_type(self) -> ProcessType:
        return ProcessType(self.type.data)


class PhaseForm(FlaskForm):
    name = StringField(_l("Phase name"), validators=[DataRequired(), Length(max=120)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    announces_results = BooleanField(
        _l("Results are published in this phase"),
        description=_l(
            "Before publication, the results page says they come on this phase's start date. "
            "If several phases are marked, the next one to start is used."
        ),
    )


class TransitionForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
