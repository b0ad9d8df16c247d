"""Forms for account administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from participa.auth.models import Role

ROLE_LABELS = {
    Role.CITIZEN: _l("Resident"),
    Role.STAFF: _l("Office staff"),
    Role.COUNCIL: _l("Council member"),
    Role.ADMIN: _l("Administrator"),
}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])


class AccountForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(min=3, max=160)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("Give it to the person in private; they can change it later."),
    )
