"""Forms of the eligibility pages: roll import, keys, desk search and verification, rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import Form, RadioField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from participa.eligibility.desk import ID_LABELS, MAX_NOTE
from participa.eligibility.keys import KEY_LABELS
from participa.eligibility.models import KeyKind
from participa.eligibility.rules import RULE_LABELS

RESOLUTIONS = [
    ("keep", _l("Keep the entry with its current holder")),
    ("move", _l("Move the entry to the claimant")),
]


def _choices(labels: dict) -> list:
    return [(key.value, label) for key, label in labels.items()]


class RollImportForm(FlaskForm):
    file = FileField(
        _l("CSV file of the roll"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
        description=_l(
            "One key column (curp, clave_elector or cuenta_predial), the colonia (its name or "
            "id) and optionally nombre; comma or semicolon separated, UTF-8 or Latin-1. "
            "Nothing is written unless every line is right; the same key updates its entry."
        ),
    )


class AccountKeyForm(FlaskForm):
    kind = RadioField(
        _l("Kind of key"),
        choices=[(k.value, KEY_LABELS[k]) for k in (KeyKind.VOTER, KeyKind.PREDIAL)],
        validators=[InputRequired(_l("Choose the kind of key."))],
    )
    value = StringField(
        _l("Key"),
        validators=[DataRequired(_l("Write the key.")), Length(max=40)],
        description=_l(
            "The voter key (clave de elector) is printed on your INE card; the property-tax "
            "account is on your predial receipt."
        ),
    )


class DeskSearchForm(Form):
    q = SearchField(
        _l("CURP, voter key, property-tax account, name or e-mail"),
        validators=[Optional(), Length(max=100)],
    )


class VerifyForm(FlaskForm):
    id_kind = SelectField(_l("ID seen"), choices=_choices(ID_LABELS), validators=[InputRequired()])
    note = StringField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l("Do not write the ID's number here."),
    )


class UndoForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the verification undone?"),
        validators=[
            DataRequired(_l("Write why the verification is undone.")),
            Length(max=MAX_NOTE),
        ],
    )


class ResolveForm(FlaskForm):
    action = RadioField(
        _l("Decision"), choices=RESOLUTIONS, validators=[InputRequired(_l("Choose a decision."))]
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=MAX_NOTE)])


class RuleForm(FlaskForm):
    rule = RadioField(
        _l("Who may take part"),
        choices=_choices(RULE_LABELS),
        validators=[InputRequired(_l("Choose who may take part."))],
    )
