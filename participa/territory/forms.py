"""Territory forms for administrators."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class DelegacionForm(FlaskForm):
    name = StringField(_l("Name of the delegación"), validators=[DataRequired(), Length(max=120)])


class ColoniaForm(FlaskForm):
    # Its own id: the territory page shows this form beside DelegacionForm, whose field is
    # also called "name"; two elements with one id leave the second without its label.
    name = StringField(
        _l("Name of the colonia"),
        id="colonia_name",
        validators=[DataRequired(), Length(max=120)],
    )
    delegacion_id = SelectField(_l("Delegación"), coerce=int, choices=[])
    population = IntegerField(
        _l("Population"), validators=[InputRequired(), NumberRange(min=0, max=50_000_000)]
    )


class TerritoryImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
        description=_l(
            "Columns delegacion, colonia, poblacion; comma or semicolon separated. "
            "Existing colonias get their population updated."
        ),
    )


class BoundaryImportForm(FlaskForm):
    file = FileField(
        _l("GeoJSON file"),
        validators=[
            FileRequired(),
            FileAllowed(["geojson", "json"], _l("Upload a .geojson or .json file.")),
        ],
        description=_l(
            "A FeatureCollection of Polygon or MultiPolygon features in longitude and latitude "
            "(WGS84), one per colonia."
        ),
    )
    name_property = StringField(
        _l("Property with the colonia's name (optional)"),
        validators=[Optional(), Length(max=60)],
        description=_l("Leave it empty to use NOM_ASEN, NOMASEN, NOM_COL, NOMBRE, nombre or name."),
    )
    create_missing = BooleanField(_l("Create the colonias the territory does not have yet"))
    delegacion_id = SelectField(
        _l("Delegación for the new colonias"),
        coerce=int,
        choices=[],
        validate_choice=False,
        description=_l("Only used when new colonias are created."),
    )
