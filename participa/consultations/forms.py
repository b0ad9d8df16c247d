"""Forms: the question builder for staff, and the answer form built from a questionnaire."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from participa.consultations.models import SCALE_HIGH, SCALE_LOW, QuestionKind
from participa.core.forms import MultiCheckboxField

KIND_LABELS = {
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
    QuestionKind.RANKING: _l("Ranking"),
    QuestionKind.SCALE: _l("Scale from 1 to 5"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.TEXT: _l("Open text"),
}

SCALE_LABELS = {1: _l("1 – Very bad"), 2: "2", 3: "3", 4: "4", 5: _l("5 – Very good")}


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Type of question"), choices=[(k.value, v) for k, v in KIND_LABELS.items()]
    )
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    help_text = TextAreaField(_l("Help text (optional)"), validators=[Length(max=2000)])
    required = BooleanField(_l("An answer is required"), default=True)
    options = TextAreaField(
        _l("Options, one per line"),
        validators=[Length(max=20000)],
        description=_l("For single choice, multiple choice and ranking."),
    )
    max_choices = IntegerField(
        _l("Maximum number of options a person may choose or rank"),
        validators=[Optional(), NumberRange(min=1, max=60)],
        description=_l("For multiple choice and ranking; empty means no limit."),
    )
    max_length = IntegerField(
        _l("Maximum length of an open answer (characters)"),
        default=1000,
        validators=[Optional(), NumberRange(min=1, max=5000)],
    )

    def option_lines(self) -> tuple[str, ...]:
        # A POST without the field leaves the question's own options (WTForms' `obj`): none.
        data = self.options.data
        return tuple(data.splitlines()) if isinstance(data, str) else ()


def _required(question):
    return (
        [InputRequired(_l("This question needs an answer."))] if question.required else [Optional()]
    )


class _RankingForm(Form):
    """One position select per option; positions must be 1, 2, 3… each used once."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # A tampered value (not one of the choices) must get the message, not crash int().
        ranks = sorted(int(field.data) for field in self if field.data and field.data.isdecimal())
        if not valid or ranks != list(range(1, len(ranks) + 1)):
            self.form_errors.append(_l("Use each position once, starting at 1, without gaps."))
            return False
        return valid


def _ranking_form(question):
    positions = [("", "—")] + [(str(i), str(i)) for i in range(1, len(question.options) + 1)]
    fields = {
        f"o{option.id}": SelectField(option.label, choices=positions, default="")
        for option in question.options
    }
    return type("RankingForm", (_RankingForm,), fields)


def _field(question):
    label, description = question.text, question.help_text
    kind = question.kind
    if kind is QuestionKind.SINGLE:
        choices = [(o.id, o.label) for o in question.options]
        return RadioField(
            label,
            choices=choices,
            coerce=int,
            validators=_required(question),
            description=description,
        )
    if kind is QuestionKind.MULTIPLE:
        choices = [(o.id, o.label) for o in question.options]
        return MultiCheckboxField(
            label,
            choices=choices,
            coerce=int,
            validators=_required(question),
            description=description,
        )
    if kind is QuestionKind.RANKING:
        return FormField(_ranking_form(question), label=label, description=description)
    if kind is QuestionKind.SCALE:
        choices = [(v, SCALE_LABELS[v]) for v in range(SCALE_LOW, SCALE_HIGH + 1)]
        return RadioField(
            label,
            choices=choices,
            coerce=int,
            validators=_required(question),
            description=description,
        )
    if kind is QuestionKind.YES_NO:
        return RadioField(
            label,
            choices=[(1, _l("Yes")), (0, _l("No"))],
            coerce=int,
            validators=_required(question),
            description=description,
        )
    return TextAreaField(
        label,
        description=description,
        validators=_required(question) + [Length(max=question.max_length)],
    )


def field_name(question) -> str:
    return f"q{question.id}"


def answer_form(questions, formdata=None) -> FlaskForm:
    """Build the answer form for these questions (one field per question)."""
    fields = {field_name(q): _field(q) for q in questions}
    form_class = type("AnswerForm", (FlaskForm,), fields)
    return form_class(formdata=formdata) if formdata is not None else form_class()


def answers_from(form, questions) -> dict[int, object]:
    """Turn the form's data into {question id: value} for the answering service."""
    answers = {}
    for question in questions:
        data = form[field_name(question)].data
        if question.kind is QuestionKind.RANKING:
            ranked = sorted((int(rank), int(key[1:])) for key, rank in data.items() if rank)
            answers[question.id] = [option_id for _, option_id in ranked]
        elif question.kind is QuestionKind.TEXT:
            answers[question.id] = (data or "").strip()
        else:
            answers[question.id] = data
    return answers


def add_error(form, question, message) -> None:
    """Show a service's message next to the question's field."""
    field = form[field_name(question)]
    target = field.form.form_errors if question.kind is QuestionKind.RANKING else field.errors
    target.append(message)


def answer_summary(questions, answers: dict[int, object]) -> list[tuple[str, list[str]]]:
    """Each question with the answer as words, for the review step."""
    summary = []
    for question in questions:
        value = answers.get(question.id)
        labels = {o.id: o.label for o in question.options}
        if value is None or value == "" or value == []:
            words = []
        elif question.kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
            words = [labels[v] for v in value]
        elif question.kind is QuestionKind.SINGLE:
            words = [labels[value]]
        elif question.kind is QuestionKind.YES_NO:
            words = [str(_l("Yes") if value else _l("No"))]
        elif question.kind is QuestionKind.SCALE:
            words = [str(SCALE_LABELS[value])]
        else:
            words = [value]
        summary.append((question, words))
    return summary
