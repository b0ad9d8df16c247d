"""Forms for reporting content (residents) and hiding it with a reason (staff)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from participa.moderation.services import MAX_REASON


class ReportForm(FlaskForm):
    reason = StringField(
        _l("Why do you report it? (optional)"), validators=[Optional(), Length(max=MAX_REASON)]
    )


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason for hiding it"), validators=[DataRequired(), Length(max=MAX_REASON)]
    )
