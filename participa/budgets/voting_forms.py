"""The ballot form, built from the ballot's rule and its feasible projects."""

from dataclasses import dataclass

from flask import url_for
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError

from participa.budgets.ballot_rules import project_cost, project_field, rule_for
from participa.budgets.models import PbBallot, PbProject


def ballot_form(ballot: PbBallot, projects: list[PbProject]) -> FlaskForm:
    """A form with the control of the ballot's rule for each project (and the CSRF token)."""
    fields = rule_for(ballot).fields(ballot, projects)
    return type("BallotForm", (FlaskForm,), fields)()


@dataclass(frozen=True)
class Row:
    """One project of the ballot page: the project, its cost, its control and its page."""

    project: PbProject
    cost: int
    control: object
    link: str | None


def _link(process_id: int, project) -> str | None:
    # The project page belongs to the projects work; until it exists, show no link.
    try:
        return url_for("pb_projects.detail", process_id=process_id, project_id=project.id)
    except BuildError:
        return None


def ballot_rows(ballot, form, projects) -> list[Row]:
    """Each project of the ballot page with its control (for the web and the tables)."""
    if rule_for(ballot).control == "checkbox":
        controls = list(form.projects)
    else:
        controls = [form[project_field(p)] for p in projects]
    return [
        Row(p, project_cost(p), c, _link(ballot.process_id, p))
        for p, c in zip(projects, controls, strict=True)
    ]
