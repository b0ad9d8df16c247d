"""Forms for events: the event itself, questions, attendance and the record of the event."""

from datetime import UTC, datetime

from flask_babel import get_timezone, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participa.comments.models import Position
from participa.comments.services import MAX_COMMENT
from participa.events.attendance import AGE_BAND_LABELS, MAX_NAME
from participa.events.questions import MAX_ANSWER, MAX_QUESTION, MAX_REASON
from participa.events.records import MAX_AGREEMENT, MAX_MOTION, MAX_NOTE, MAX_OWNER
from participa.events.services import MAX_AGENDA, MAX_PLACE, MAX_TITLE, MAX_URL, EventData

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
POSITION_LABELS = {
    Position.FAVOR: _l("In favour"),
    Position.AGAINST: _l("Against"),
    Position.NEUTRAL: _l("Neutral"),
}
SEX_LABELS = {"M": _l("Woman"), "H": _l("Man"), "X": _l("Non-binary")}


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time in the municipality (as typed in the form) as a UTC datetime."""
    if local is None:
        return None
    zone = get_timezone()
    aware = zone.localize(local) if hasattr(zone, "localize") else local.replace(tzinfo=zone)
    return aware.astimezone(UTC)


def to_local(moment: datetime | None) -> datetime | None:
    """A stored UTC datetime as the wall-clock time the form shows."""
    return to_user_timezone(moment).replace(tzinfo=None) if moment else None


def _when(label, required=True, description=None):
    validators = [InputRequired()] if required else [Optional()]
    return DateTimeLocalField(
        label, format=LOCAL_FORMAT, validators=validators, description=description
    )


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    starts_at = _when(_l("Starts"), description=_l("Local time of the municipality."))
    ends_at = _when(_l("Ends"))
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=MAX_PLACE)],
        description=_l("Address or reference. Leave empty for an online-only event."),
    )
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), Length(max=MAX_URL)],
        description=_l("For online or hybrid events: a web address starting with https://."),
    )
    colonia_id = SelectField(_l("Colonia"), choices=[], validate_choice=False)
    capacity = IntegerField(
        _l("Seats"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no limit. Beyond it, people join a waiting list."),
    )
    agenda = TextAreaField(
        _l("Agenda"),
        validators=[Optional(), Length(max=MAX_AGENDA)],
        description=_l("Simple formatting: **bold**, *italics*, lists starting with -."),
        render_kw={"rows": 8},
    )
    registration_opens_at = _when(
        _l("Registration opens"), required=False, description=_l("Empty: from now.")
    )
    registration_closes_at = _when(
        _l("Registration closes"), required=False, description=_l("Empty: when the event starts.")
    )
    questions_allowed = BooleanField(_l("Residents may send questions beforehand"), default=True)

    def fill(self, event) -> None:
        """Show a stored event in local time."""
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self[name].data = to_local(getattr(event, name))
        self.colonia_id.data = str(event.colonia_id or "")

    def data_value(self) -> EventData:
        colonia = self.colonia_id.data
        return EventData(
            title=self.title.data.strip(),
            starts_at=to_utc(self.starts_at.data),
            ends_at=to_utc(self.ends_at.data),
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            colonia_id=int(colonia) if colonia and colonia.isdecimal() else None,
            capacity=self.capacity.data,
            agenda=self.agenda.data or "",
            registration_opens_at=to_utc(self.registration_opens_at.data),
            registration_closes_at=to_utc(self.registration_closes_at.data),
            questions_allowed=bool(self.questions_allowed.data),
        )


class EventCommentForm(FlaskForm):
    """A comment (or reply) in a debate or forum; the position only where the event takes it."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(), Length(max=MAX_COMMENT)],
        render_kw={"rows": 4},
    )
    position = RadioField(
        _l("Your position (optional)"),
        choices=[("", _l("No position"))]
        + [(p.value, label) for p, label in POSITION_LABELS.items()],
        default="",
        validate_choice=False,
    )
    parent_id = HiddenField()


class QuestionForm(FlaskForm):
    text = TextAreaField(
        _l("Your question or request"),
        validators=[DataRequired(), Length(max=MAX_QUESTION)],
        description=_l("Plain text, up to %(num)s characters.", num=MAX_QUESTION),
        render_kw={"rows": 4, "maxlength": MAX_QUESTION},
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer (optional)"), validators=[Optional(), Length(max=MAX_ANSWER)])


class SetAsideForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON)])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name or CURP"), validators=[Optional(), Length(max=100)])


class WalkInForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    curp = StringField(
        _l("CURP"),
        validators=[Optional(), Length(max=30)],
        description=_l("Optional. If given, it must be valid."),
    )
    colonia_id = SelectField(_l("Colonia"), choices=[], validate_choice=False)
    sex = SelectField(_l("Sex"), choices=[("", _l("Not recorded"))] + list(SEX_LABELS.items()))
    age_band = SelectField(
        _l("Age"), choices=[("", _l("Not recorded"))] + [(b, b) for b in AGE_BAND_LABELS]
    )


class MinutesForm(FlaskForm):
    text = TextAreaField(
        _l("Minutes"),
        validators=[DataRequired(), Length(max=100_000)],
        description=_l("Simple formatting: **bold**, *italics*, lists starting with -."),
        render_kw={"rows": 14},
    )


class AgreementForm(FlaskForm):
    agreement = TextAreaField(
        _l("Agreement"), validators=[DataRequired(), Length(max=MAX_AGREEMENT)]
    )
    owner = StringField(
        _l("Responsible person or area"), validators=[Optional(), Length(max=MAX_OWNER)]
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])


class HandVoteForm(FlaskForm):
    motion = TextAreaField(_l("Motion"), validators=[DataRequired(), Length(max=MAX_MOTION)])
    votes_for = IntegerField(_l("For"), validators=[InputRequired(), NumberRange(min=0)])
    votes_against = IntegerField(_l("Against"), validators=[InputRequired(), NumberRange(min=0)])
    abstentions = IntegerField(_l("Abstentions"), validators=[InputRequired(), NumberRange(min=0)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
