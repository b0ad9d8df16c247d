"""Forms for pledges, walk-in pledges and deliveries."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from participa.budgets.projects import parse_pesos
from participa.collaboration.models import KIND_LABELS
from participa.collaboration.pledges import MAX_MATERIAL, MAX_NAME, MAX_NOTE, MAX_UNIT


class QuantityField(IntegerField):
    """A whole number written as people write it ("1,500", "$1 500")."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        self.data = parse_pesos(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Write a whole number in figures, such as 1500."))


class PledgeFields:
    kind = RadioField(
        _l("What do you offer?"),
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired(_l("Choose money, materials or labour."))],
    )
    quantity = QuantityField(
        _l("How much"),
        validators=[InputRequired(_l("Write how much."))],
        description=_l("Pesos for money, hours for labour, or how many units of the material."),
        render_kw={"inputmode": "numeric"},
    )
    material = StringField(
        _l("Material (for materials)"),
        validators=[Optional(), Length(max=MAX_MATERIAL)],
        description=_l("For example gray cement."),
    )
    unit = StringField(
        _l("Unit (for materials)"),
        validators=[Optional(), Length(max=MAX_UNIT)],
        description=_l("For example 50 kg sacks, m³ or pieces."),
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=MAX_NOTE)])


class PledgeForm(PledgeFields, FlaskForm):
    pass


class WalkInForm(PledgeFields, FlaskForm):
    work_id = SelectField(_l("Work or programme"), coerce=int, choices=[], validate_choice=False)
    person_name = StringField(
        _l("Person's name"), validators=[DataRequired(), Length(max=MAX_NAME)]
    )
    colonia_id = SelectField(_l("Person's colonia"), choices=[], validate_choice=False)


class DeliveryForm(FlaskForm):
    quantity = QuantityField(
        _l("Delivered"),
        validators=[InputRequired(_l("Write how much was delivered."))],
        render_kw={"inputmode": "numeric"},
    )
    delivered_on = DateField(
        _l("Delivery date"), validators=[InputRequired(_l("Give the delivery date."))]
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=MAX_NOTE)])
