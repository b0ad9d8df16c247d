"""Forms of the tables: setting one up, looking a person up, batches and their numbers."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participa.core.forms import MultiCheckboxField
from participa.tables.models import MAX_BATCH_SIZE, BatchStatus

BATCH_LABELS = {
    BatchStatus.ENTERING.value: _l("being entered"),
    BatchStatus.DIFFERENT.value: _l("entries differ: waiting for a supervisor"),
    BatchStatus.COMMITTED.value: _l("stored"),
}
BATCH_DONE = {
    BatchStatus.ENTERING.value: _l("Your entry is finished. The batch waits for the second entry."),
    BatchStatus.DIFFERENT.value: _l(
        "Both entries are finished and they differ: a supervisor must resolve them."
    ),
    BatchStatus.COMMITTED.value: _l("Both entries agree: the batch was stored."),
}


class TableForm(FlaskForm):
    name = StringField(_l("Name of the table"), validators=[DataRequired(), Length(max=160)])
    place = StringField(
        _l("Place"),
        validators=[Length(max=300)],
        description=_l("Where it stands, e.g. the school or the community centre."),
    )
    colonia_id = SelectField(_l("Colonia"), choices=[], validators=[Optional()])
    # Checked by the service (it belongs to the process); consultations have none.
    pb_ballot_id = SelectField(
        _l("Ballot served at this table"), choices=[], coerce=str, validate_choice=False
    )
    staff_ids = MultiCheckboxField(_l("Staff who serve this table"), coerce=int, choices=[])


class LookupForm(FlaskForm):
    key = StringField(
        _l("CURP of the person"),
        validators=[DataRequired(), Length(max=40)],
        description=_l(
            "18 characters, as on their identification. Where only people on the eligibility "
            "roll take part, their voter key or property-tax account works too."
        ),
    )
    colonia_id = SelectField(
        _l("Colonia where the person lives"),
        choices=[],
        validators=[Optional()],
        description=_l("Ask for it when the person has no account; an account's colonia wins."),
    )


class ReceivedForm(FlaskForm):
    received = IntegerField(
        _l("Papers found in the box"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
    )


class BatchForm(FlaskForm):
    size = IntegerField(
        _l("Papers in the batch"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_BATCH_SIZE)],
        description=_l("Count the papers of the bundle; both typists enter the same bundle."),
    )
