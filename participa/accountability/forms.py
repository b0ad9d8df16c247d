"""The filter of the public list of priorities (a GET form: no CSRF token in the URL)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class AccountabilityFilter(FlaskForm):
    class Meta:
        csrf = False

    periodo = SelectField(_l("Period"), choices=[], validate_choice=False)
    delegacion = SelectField(_l("Delegación"), choices=[], validate_choice=False)
    estado = SelectField(_l("Status"), choices=[], validate_choice=False)
