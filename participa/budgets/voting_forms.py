"""The ballot form, built from the ballot's rule and its feasible projects."""

from flask_wtf import FlaskForm

from participa.budgets.ballot_rules import rule_for
from participa.budgets.models import PbBallot, PbProject


def ballot_form(ballot: PbBallot, projects: list[PbProject]) -> FlaskForm:
    """A form with the control of the ballot's rule for each project (and the CSRF token)."""
    fields = rule_for(ballot).fields(ballot, projects)
    return type("BallotForm", (FlaskForm,), fields)()
