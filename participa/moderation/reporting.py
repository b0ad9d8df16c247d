"""The request side of a resident's report, shared by every page with a "Report" button."""

from collections.abc import Callable

from flask import flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.moderation import services
from participa.moderation.forms import ReportForm


def handle_report(target, back: str, render_page: Callable[[int], object]):
    """Validate the report form (CSRF, reason length) and record the report.

    `back` is where to go on success; `render_page(status)` re-renders the page on a refusal
    (400 for bad input, 409 when this person already reported it); the reason is flashed."""
    form = ReportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return render_page(400)
    try:
        hidden = services.report(current_user, target, form.reason.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return render_page(409)
    flash(_("Thank you. The office will review your report."), "success")
    if hidden:
        flash(_("It is hidden until the office reviews it."), "info")
    return redirect(back)
