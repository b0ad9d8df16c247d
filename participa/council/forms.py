"""Forms of the council pages: members, sessions, agenda, attendance, minutes, agreements."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from participa.council.models import (
    AgreementStatus,
    OperationKind,
    OperationStatus,
    Position,
    Presence,
    SessionKind,
    SessionStatus,
)
from participa.council.operations import parse_cents

POSITION_LABELS = {
    Position.PRESIDENT: _l("President"),
    Position.TECHNICAL_SECRETARY: _l("Technical secretary"),
    Position.CITIZEN_COUNCILLOR: _l("Citizen councillor"),
    Position.GOVERNMENT_COUNCILLOR: _l("Government councillor"),
}
KIND_LABELS = {SessionKind.ORDINARY: _l("Ordinary"), SessionKind.EXTRAORDINARY: _l("Extraordinary")}
SESSION_STATUS_LABELS = {
    SessionStatus.SCHEDULED: _l("Scheduled"),
    SessionStatus.HELD: _l("Held"),
    SessionStatus.APPROVED: _l("Minutes approved"),
}
PRESENCE_LABELS = {
    Presence.PRESENT: _l("Present"),
    Presence.ABSENT: _l("Absent"),
    Presence.EXCUSED: _l("Excused absence"),
}
AGREEMENT_LABELS = {
    AgreementStatus.PENDING: _l("Pending"),
    AgreementStatus.IN_PROGRESS: _l("In progress"),
    AgreementStatus.DONE: _l("Fulfilled"),
    AgreementStatus.CANCELLED: _l("Cancelled (agreement)"),
}
OPERATION_KIND_LABELS = {
    OperationKind.FUEL: _l("Fuel vouchers"),
    OperationKind.REFRESHMENTS: _l("Refreshments"),
    OperationKind.TRAVEL: _l("Travel allowance"),
    OperationKind.OTHER: _l("Other"),
}
OPERATION_STATUS_LABELS = {
    OperationStatus.REQUESTED: _l("Requested"),
    OperationStatus.APPROVED: _l("Approved"),
    OperationStatus.REJECTED: _l("Rejected"),
    OperationStatus.PAID: _l("Paid"),
}
LABELS = {
    "position_labels": POSITION_LABELS,
    "kind_labels": KIND_LABELS,
    "session_labels": SESSION_STATUS_LABELS,
    "presence_labels": PRESENCE_LABELS,
    "agreement_labels": AGREEMENT_LABELS,
    "operation_kind_labels": OPERATION_KIND_LABELS,
    "operation_labels": OPERATION_STATUS_LABELS,
}


def _choices(labels: dict) -> list:
    return [(key.value, label) for key, label in labels.items()]


class _SessionPageForm(FlaskForm):
    """A form of the session page, which shows several: a prefix keeps their ids apart."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=self.PREFIX, **kwargs)


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    position = SelectField(_l("Position"), choices=_choices(POSITION_LABELS))
    delegacion_id = SelectField(_l("Delegación they come from"), choices=[])
    term_start = DateField(_l("Term starts on"), validators=[InputRequired()])
    term_end = DateField(
        _l("Term ends on"),
        validators=[Optional()],
        description=_l("Leave empty if the end date is not set yet."),
    )
    user_id = SelectField(
        _l("Account (council role)"),
        choices=[],
        description=_l("Optional: a member may have no account."),
    )


class SessionForm(FlaskForm):
    kind = RadioField(_l("Kind of session"), choices=_choices(KIND_LABELS), default="ordinary")
    day = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Time (local)"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])


class ItemForm(_SessionPageForm):
    PREFIX = "item"

    title = StringField(_l("Title of the item"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    presenter = StringField(
        _l("Presented by"), validators=[Length(max=160)], description=_l("Optional.")
    )


def attendance_form(members, current: dict[int, str]) -> FlaskForm:
    """A form with one present/absent/excused choice per member (`m<id>`)."""

    class AttendanceForm(FlaskForm):
        pass

    for member in members:
        field = RadioField(
            member.name,
            choices=_choices(PRESENCE_LABELS),
            default=current.get(member.id),
            validators=[Optional()],
        )
        setattr(AttendanceForm, f"m{member.id}", field)
    return AttendanceForm()


class MinutesForm(_SessionPageForm):
    PREFIX = "minutes"

    text = TextAreaField(
        _l("Minutes"),
        description=_l("Paragraphs, **bold**, *italics* and lists with - are kept."),
    )


class CorrectionForm(FlaskForm):
    text = TextAreaField(_l("Corrected minutes"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Required: it is kept with the new version and in the audit log."),
    )


class AgreementForm(_SessionPageForm):
    PREFIX = "agreement"

    text = TextAreaField(_l("Agreement"), validators=[DataRequired(), Length(max=5000)])
    owner_member_id = SelectField(_l("Responsible member"), choices=[])
    owner_text = StringField(
        _l("Or responsible directorate"),
        validators=[Length(max=200)],
        description=_l("For example “Dirección de Obras Públicas”."),
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])


class AgreementStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=_choices(AGREEMENT_LABELS))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class AgreementFilterForm(FlaskForm):
    class Meta:
        csrf = False

    estado = SelectField(
        _l("Status"),
        choices=[("", _l("All")), ("overdue", _l("Overdue"))] + _choices(AGREEMENT_LABELS),
        validators=[Optional()],
    )


class CentsField(StringField):
    """An amount in pesos with optional centavos, stored as centavos."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_cents(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Write the amount in pesos, such as 1250.50."))

    def _value(self):
        return "" if self.data is None else f"{self.data / 100:.2f}"


class OperationForm(_SessionPageForm):
    PREFIX = "op"

    kind = SelectField(_l("Kind"), choices=_choices(OPERATION_KIND_LABELS))
    member_id = SelectField(_l("Member"), choices=[], description=_l("Optional."))
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=300)])
    amount = CentsField(_l("Amount (pesos)"), validators=[InputRequired()])


class OperationStatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=_choices(OPERATION_STATUS_LABELS))


class OperationFilterForm(FlaskForm):
    class Meta:
        csrf = False

    anio = SelectField(_l("Year"), choices=[], validators=[Optional()])
    tipo = SelectField(
        _l("Kind"),
        choices=[("", _l("All"))] + _choices(OPERATION_KIND_LABELS),
        validators=[Optional()],
    )
    estado = SelectField(
        _l("Status"),
        choices=[("", _l("All"))] + _choices(OPERATION_STATUS_LABELS),
        validators=[Optional()],
    )
