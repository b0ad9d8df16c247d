"""Forms for PB projects: proposing, filtering, reviewing, editing, importing, execution."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    Form,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from participa.budgets.models import ExecutionStatus, ProjectStatus
from participa.budgets.project_staff import MAX_PHOTO_ALT, parse_money
from participa.budgets.projects import (
    MAX_CATEGORY,
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MAX_NOTE,
    MAX_REASON,
    MAX_TITLE,
    ProjectData,
    parse_pesos,
)

PROJECT_STATUS_LABELS = {
    ProjectStatus.PROPOSED: _l("Waiting for review"),
    ProjectStatus.FEASIBLE: _l("Feasible: on the ballot"),
    ProjectStatus.UNFEASIBLE: _l("Not feasible"),
}
EXECUTION_LABELS = {
    ExecutionStatus.NOT_STARTED: _l("Not started"),
    ExecutionStatus.IN_PROGRESS: _l("In progress"),
    ExecutionStatus.DONE: _l("Done"),
    ExecutionStatus.CANCELLED: _l("Cancelled"),
}


class PesosField(IntegerField):
    """Whole pesos, accepting "$150,000" or "150 000" as people write them."""

    widget = TextInput()  # a number input would refuse "$150,000" before we can help

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_pesos(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Write whole pesos in figures, such as 150000."))


class CoordinateField(FloatField):
    """A decimal degree, with a point or a comma as decimal mark."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = float(valuelist[0].strip().replace(",", "."))
        except ValueError:
            self.data = None
            raise ValueError(_l("Write a number in decimal degrees, such as 20.6597.")) from None


def coordinate_fields() -> tuple[CoordinateField, CoordinateField]:
    """The optional latitude and longitude of a place form (the map's place picker fills them)."""
    return (
        CoordinateField(
            _l("Latitude (optional)"),
            validators=[Optional()],
            description=_l("From a map app, for example 20.6597."),
            render_kw={"inputmode": "decimal"},
        ),
        CoordinateField(
            _l("Longitude (optional)"),
            validators=[Optional()],
            description=_l("For example -103.3496."),
            render_kw={"inputmode": "decimal"},
        ),
    )


def _text(label, limit, description=None, required=True, area=False, **render_kw):
    validators = [DataRequired() if required else Optional(), Length(max=limit)]
    kind = TextAreaField if area else StringField
    return kind(label, validators=validators, description=description, render_kw=render_kw)


class ProposalForm(FlaskForm):
    ballot_id = SelectField(_l("Ballot"), coerce=int, choices=[], validate_choice=False)
    title = _text(
        _l("Title"), MAX_TITLE, _l("A short name, for example “Lights for the Lomas park”.")
    )
    description = _text(
        _l("Description"),
        MAX_DESCRIPTION,
        _l("What should be done, where, and who would benefit."),
        area=True,
    )
    category = _text(
        _l("Category"),
        MAX_CATEGORY,
        _l("Choose one from the list or write your own, for example Parks or Lighting."),
        list="pb-categories",
        autocomplete="off",
    )
    estimated_cost = PesosField(
        _l("Estimated cost (pesos)"),
        validators=[InputRequired(_l("Write the estimated cost.")), NumberRange(min=1)],
        description=_l("Your best estimate in whole pesos; the office will review it."),
        render_kw={"inputmode": "numeric"},
    )
    colonia_id = SelectField(_l("Colonia (optional)"), choices=[])
    location = _text(
        _l("Place (optional)"),
        MAX_LOCATION,
        _l("An address or a reference, for example “Corner of Hidalgo and Juárez”."),
        required=False,
    )
    latitude, longitude = coordinate_fields()
    photo = FileField(
        _l("Photo (optional)"),
        description=_l(
            "JPEG, PNG or WebP, up to 5 MB. We remove the location and other data stored in it."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


def _choices(labels: dict) -> list:
    return [(key.value, label) for key, label in labels.items()]


class FilterForm(Form):
    """The public list's filters, read from the query string."""

    boleta = SelectField(_l("Ballot"), choices=[], validate_choice=False)
    categoria = SelectField(_l("Category"), choices=[], validate_choice=False)
    estado = SelectField(
        _l("Status"),
        choices=[("", _l("Any"))] + _choices(PROJECT_STATUS_LABELS),
        validate_choice=False,
    )
    q = SearchField(_l("Search in the title"), validators=[Optional(), Length(max=100)])


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            ("feasible", _l("Feasible: it goes on the ballot")),
            ("unfeasible", _l("Not feasible")),
        ],
        validators=[InputRequired(_l("Choose a decision."))],
    )
    cost = PesosField(
        _l("Cost according to the review (pesos)"),
        validators=[Optional()],
        description=_l("Required when the project is feasible: it is the cost on the ballot."),
        render_kw={"inputmode": "numeric"},
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=MAX_REASON)],
        description=_l("The author and the public read it."),
    )


class MoneyField(IntegerField):
    """Pesos as staff copy them from a budget: "$1,250,000" or "1250000.50" (centavos rounded)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_money(valuelist[0])
        if not self.data:  # None (not a figure, or negative) or zero
            self.data = None
            raise ValueError(
                _l("Write the cost in pesos, more than zero, such as 1,250,000 or 1250000.50.")
            )


class ProjectEditForm(FlaskForm):
    """Every field of a project, as staff write it; the photo may be replaced or removed."""

    title = ProposalForm.title
    description = ProposalForm.description
    category = ProposalForm.category
    estimated_cost = MoneyField(
        _l("Cost (pesos)"),
        validators=[InputRequired(_l("Write the cost."))],
        description=_l("Such as 1,250,000; centavos are rounded to the nearest peso."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    zone = SelectField(
        _l("Zone"),
        choices=[],
        validate_choice=False,  # the service checks it belongs to the ballot's zone
        description=_l(
            "A colonia, a whole delegación, or the whole zone of the ballot (the whole "
            "municipality for the city ballot)."
        ),
    )
    location = ProposalForm.location
    latitude = ProposalForm.latitude
    longitude = ProposalForm.longitude
    photo = FileField(
        _l("Photo (optional)"),
        description=_l(
            "JPEG, PNG or WebP, up to 5 MB. We remove the location and other data stored in it."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    photo_alt = _text(
        _l("What the photo shows (optional)"),
        MAX_PHOTO_ALT,
        _l("For people who cannot see it, for example “Dark park with broken lamps”."),
        required=False,
    )
    remove_photo = BooleanField(_l("Remove the current photo"))

    def validate_zone(self, field):
        if field.data and zone_ids(field.data) == (None, None):
            raise ValidationError(_l("Choose a zone from the list."))


class ProjectAddForm(ProjectEditForm):
    ballot_id = SelectField(_l("Ballot"), coerce=int, choices=[], validate_choice=False)
    feasible = BooleanField(
        _l("Already reviewed and feasible: put it on the ballot at this cost"),
        description=_l("Leave it unticked to review it later, like residents' proposals."),
    )


class ExecutionForm(FlaskForm):
    execution_status = SelectField(_l("Status of the work"), choices=_choices(EXECUTION_LABELS))
    progress = IntegerField(
        _l("Physical progress (%)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    execution_note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l("Short and public, for example “Lamps installed; wiring pending”."),
    )


class ProjectImportForm(FlaskForm):
    ballot_id = SelectField(_l("Ballot"), coerce=int, choices=[])
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
        description=_l("Comma or semicolon separated; the columns are listed below."),
    )


def small_int(text: str | None) -> int | None:
    """A positive id or page number from the query string; None for anything else."""
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


def zone_ids(value: str | None) -> tuple[int | None, int | None]:
    """(colonia id, delegación id) of a zone choice: "c<id>", "d<id>" or "" (neither)."""
    key = small_int((value or "")[1:])
    if key is None or (value or "")[:1] not in ("c", "d"):
        return None, None
    return (key, None) if value[:1] == "c" else (None, key)


def staff_project_data(form: ProjectEditForm) -> ProjectData:
    """The project fields of the staff form, its zone a colonia or a whole delegación."""
    colonia_id, delegacion_id = zone_ids(form.zone.data)
    return ProjectData(
        title=form.title.data,
        description=form.description.data,
        category=form.category.data,
        estimated_cost=form.estimated_cost.data,
        colonia_id=colonia_id,
        delegacion_id=delegacion_id,
        location=form.location.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


def project_data(form: ProposalForm) -> ProjectData:
    """The project fields of a resident's proposal, as the services take them."""
    return ProjectData(
        title=form.title.data,
        description=form.description.data,
        category=form.category.data,
        estimated_cost=form.estimated_cost.data,
        colonia_id=small_int(form.colonia_id.data),
        location=form.location.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )
