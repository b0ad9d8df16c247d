"""Form pieces shared by domains."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons."""


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice rendered as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def show_error(form, error) -> None:
    """Put a service's DomainError on the field it names, or on the whole form."""
    target = form[error.field].errors if error.field and error.field in form else form.form_errors
    target.append(error.message)
