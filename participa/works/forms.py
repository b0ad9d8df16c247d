"""Forms of needs and works and of prioritisation rounds; labels of their enums."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from participa.budgets.project_forms import coordinate_fields
from participa.core.forms import MultiCheckboxField
from participa.works.models import FaisCategory, Funding, RoundStatus, WorkKind, WorkStatus

KIND_LABELS = {WorkKind.NEED: _l("Need"), WorkKind.WORK: _l("Public work")}
FUNDING_LABELS = {
    Funding.FAIS: _l("FAIS (federal fund for social infrastructure)"),
    Funding.MUNICIPAL: _l("Municipal"),
    Funding.ESTATAL: _l("State"),
    Funding.FEDERAL: _l("Federal"),
    Funding.MIXTO: _l("Mixed"),
}
FAIS_LABELS = {
    FaisCategory.AGUA_POTABLE: _l("Drinking water"),
    FaisCategory.ALCANTARILLADO: _l("Sewerage"),
    FaisCategory.DRENAJE_LETRINAS: _l("Drainage and latrines"),
    FaisCategory.URBANIZACION: _l("Urbanisation"),
    FaisCategory.ELECTRIFICACION: _l("Electrification of rural and poor areas"),
    FaisCategory.SALUD: _l("Basic health infrastructure"),
    FaisCategory.EDUCACION: _l("Basic education infrastructure"),
    FaisCategory.VIVIENDA: _l("Housing improvement"),
    FaisCategory.CAMINOS_RURALES: _l("Rural roads"),
    FaisCategory.INFRAESTRUCTURA_PRODUCTIVA: _l("Rural productive infrastructure"),
}
STATUS_LABELS = {
    WorkStatus.CANDIDATE: _l("Candidate"),
    WorkStatus.PRIORITY: _l("Priority"),
    WorkStatus.IN_EXECUTION: _l("In execution"),
    WorkStatus.DONE: _l("Done"),
    WorkStatus.DISCARDED: _l("Discarded"),
}
ROUND_LABELS = {
    RoundStatus.DRAFT: _l("Draft"),
    RoundStatus.OPEN: _l("Open for scoring"),
    RoundStatus.CLOSED: _l("Closed, waiting for approval"),
    RoundStatus.APPROVED: _l("Approved"),
}
LABELS = {
    "kind_labels": KIND_LABELS,
    "funding_labels": FUNDING_LABELS,
    "fais_labels": FAIS_LABELS,
    "work_status_labels": STATUS_LABELS,
    "round_labels": ROUND_LABELS,
}


def _choices(labels: dict) -> list:
    return [(key.value, label) for key, label in labels.items()]


class WorkForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(
        _l("Description"),
        description=_l("Simple formatting: **bold**, *italics*, lists with “- ”, links."),
    )
    kind = RadioField(_l("Kind"), choices=_choices(KIND_LABELS), default=WorkKind.WORK.value)
    zone = SelectField(_l("Zone"), choices=[], validate_choice=False)
    latitude, longitude = coordinate_fields()
    estimated_cost = StringField(_l("Estimated cost (whole pesos)"))
    beneficiaries = IntegerField(
        _l("Beneficiaries (people)"), validators=[Optional()], render_kw={"min": 0}
    )
    directorate = StringField(
        _l("Responsible directorate"), description=_l("For example “Obras Públicas”.")
    )
    answer = TextAreaField(
        _l("Public answer to the proposal"),
        description=_l("The proposal's page shows it with the link to this work."),
    )
    funding = SelectField(_l("Funding source"), choices=_choices(FUNDING_LABELS))
    fais_eligible = BooleanField(_l("Eligible for the FAIS"))
    fais_category = SelectField(
        _l("FAIS category"),
        choices=[("", _l("None"))] + _choices(FAIS_LABELS),
        description=_l("Required when the work is eligible for the FAIS."),
    )
    status = SelectField(_l("Status"), choices=[])
    origin = HiddenField()
    process_id = HiddenField()
    option_id = HiddenField()
    pb_project_id = HiddenField()


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    zona = SelectField(_l("Zone"), choices=[], validate_choice=False)
    estado = SelectField(_l("Status"), choices=[("", _l("All"))] + _choices(STATUS_LABELS))
    fondo = SelectField(_l("Funding source"), choices=[("", _l("All"))] + _choices(FUNDING_LABELS))
    fais = SelectField(
        _l("FAIS"), choices=[("", _l("All")), ("1", _l("Eligible")), ("0", _l("Not eligible"))]
    )


class RoundForm(FlaskForm):
    period = StringField(
        _l("Period"), description=_l("For example “2027”: the council's list for that year.")
    )


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), description=_l("For example “Urgency” or “Cost”."))
    weight = StringField(_l("Weight"), default="1", description=_l("A positive number: 1, 2, 1.5…"))
    scale = IntegerField(
        _l("Scores go from 0 to"), default=10, validators=[InputRequired()], render_kw={"min": 1}
    )
    direction = RadioField(
        _l("Direction"),
        choices=[
            ("higher", _l("Higher is better")),
            ("lower", _l("Lower is better (for example cost)")),
        ],
        default="higher",
    )


class CandidatesForm(FlaskForm):
    work_ids = MultiCheckboxField(_l("Candidate works"), coerce=int, choices=[])


class ApprovalForm(FlaskForm):
    justification = TextAreaField(
        _l("Justification"),
        description=_l("Required when the list differs from the weighted ranking."),
    )


def score_form(round_, current: dict):
    """One number field per candidate × criterion (`s_<work>_<criterion>`), with `current`."""

    class ScoreForm(FlaskForm):
        pass

    for candidate in round_.candidates:
        for criterion in round_.criteria:
            name = f"s_{candidate.work_id}_{criterion.id}"
            field = IntegerField(
                criterion.name,
                validators=[Optional()],
                default=current.get((candidate.work_id, criterion.id)),
                render_kw={"min": 0, "max": criterion.scale, "inputmode": "numeric"},
            )
            setattr(ScoreForm, name, field)
    return ScoreForm()


def score_values(form, round_) -> dict:
    """(work id, criterion id) -> score as typed (None when empty or not a number)."""
    return {
        (c.work_id, k.id): form[f"s_{c.work_id}_{k.id}"].data
        for c in round_.candidates
        for k in round_.criteria
    }


def approval_form(round_, suggested: dict):
    """A place field per candidate (`rank_<work>`, empty: left out) and the justification."""

    class Approval(ApprovalForm):
        pass

    for candidate in round_.candidates:
        field = IntegerField(
            candidate.work.title,
            validators=[Optional()],
            default=suggested.get(candidate.work_id),
            render_kw={"min": 1, "inputmode": "numeric"},
        )
        setattr(Approval, f"rank_{candidate.work_id}", field)
    return Approval()


def approval_ranks(form, round_) -> dict:
    return {c.work_id: form[f"rank_{c.work_id}"].data for c in round_.candidates}


class TaskForm(FlaskForm):
    title = StringField(_l("Task"))
    area = StringField(_l("Responsible area"), description=_l("For example “Obras Públicas”."))
    starts_on = DateField(_l("Start"), validators=[Optional()])
    ends_on = DateField(_l("End"), validators=[Optional()])


class ReportForm(FlaskForm):
    """A follow-up report of one priority (on a session's page each form has a prefix)."""

    reported_on = DateField(_l("Date of the report"), validators=[Optional()])
    progress = IntegerField(
        _l("Physical progress (%)"),
        validators=[Optional()],
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
        description=_l("A whole number from 0 to 100."),
    )
    spent = StringField(
        _l("Spent so far (whole pesos)"),
        description=_l("The total spent up to this date, not only this month."),
        render_kw={"inputmode": "numeric"},
    )
    note = TextAreaField(
        _l("Note (optional)"),
        description=_l(
            "Up to 500 characters. Required when the progress goes down or the spending "
            "exceeds the estimated cost."
        ),
    )
    photos = MultipleFileField(
        _l("Photos (optional, up to 3)"),
        description=_l("JPEG, PNG or WebP, up to 5 MB each."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
