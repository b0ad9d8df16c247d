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


BLANK = (None, "", [])


def active_filters(form, args, also=(), ignore=()) -> int:
    """How many filters of a list's GET `form` are in use (a sort order is no filter);
    `also`: query arguments outside the form, such as a "only mine" box."""
    used = [
        f for f in form if f.name not in ignore and f.name != "csrf_token" and f.data not in BLANK
    ]
    return len(used) + sum(1 for name in also if args.get(name))
