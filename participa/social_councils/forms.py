"""Forms of consejos sociales: the council, a member, a meeting and a pledge."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from participa.collaboration.forms import PledgeFields


class CouncilForm(FlaskForm):
    name = StringField(_l("Name of the council"), render_kw={"maxlength": 160})
    colonia_id = SelectField(_l("Colonia"), choices=[], validate_choice=False)
    sector = StringField(
        _l("Sector (when it is not a colonia's council)"),
        description=_l("For example: market traders, ejido, parents of a school."),
        render_kw={"maxlength": 160},
    )


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 160})
    role = StringField(
        _l("Role in the council"), description=_l("For example: president, secretary, member.")
    )
    contact = StringField(
        _l("Contact (optional)"),
        description=_l("A phone or e-mail the office may use; leave it empty if not needed."),
    )


class CouncilMeetingForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[Optional()])
    attendance = IntegerField(
        _l("People present"), validators=[Optional()], render_kw={"inputmode": "numeric"}
    )
    minutes = TextAreaField(_l("Minutes (text)"))
    minutes_pdf = FileField(_l("Minutes (PDF, optional)"), description=_l("At most 10 MB."))


class CouncilPledgeForm(PledgeFields, FlaskForm):
    work_id = SelectField(_l("Work"), choices=[], validate_choice=False)
