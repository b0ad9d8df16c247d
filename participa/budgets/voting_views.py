"""Voting in a PB ballot: the ballot, the review step, the confirmation and the receipt."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required

from participa.budgets import voting
from participa.budgets.ballot_rules import pesos, rule_for
from participa.budgets.ballots import voting_problem
from participa.budgets.models import PbBallot
from participa.budgets.voting_forms import ballot_form, ballot_rows
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.limits import per_account
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db
from participa.processes.services import get_process
from participa.processes.types import ProcessType

bp = Blueprint("pb_voting", __name__, url_prefix="/procesos/<int:process_id>/boletas")

bp.add_app_template_filter(pesos, "pesos")
bp.add_app_template_global(lambda ballot: rule_for(ballot).describe(ballot), "ballot_rule_text")


def _load(process_id: int, ballot_id: int):
    process = get_process(process_id, public=True)
    ballot = db.session.get(PbBallot, ballot_id)
    if process.type is not ProcessType.PRESUPUESTO or ballot is None:
        abort(404)
    if ballot.process_id != process.id:
        abort(404)
    return process, ballot


def _page(ballot, form=None, projects=(), problem=None, status=200):
    rows = ballot_rows(ballot, form, projects) if form else []
    return render_template(
        "budgets/voting/ballot.html",
        process=ballot.process,
        ballot=ballot,
        rule=rule_for(ballot),
        form=form,
        rows=rows,
        problem=problem,
    ), status


@bp.route("/<int:ballot_id>/votar", methods=["GET", "POST"])
@per_account("RATELIMIT_VOTE", "vote")
@login_required
def vote(process_id: int, ballot_id: int):
    process, ballot = _load(process_id, ballot_id)
    today = local_today(get_timezone())
    if problem := voting_problem(ballot, current_user, today):
        return _page(ballot, problem=problem, status=200 if request.method == "GET" else 409)
    projects = voting.feasible_projects(ballot)
    form = ballot_form(ballot, projects)
    step = request.form.get("step")
    if not form.validate_on_submit() or step == "edit":
        return _page(ballot, form, projects, status=400 if form.errors else 200)
    try:
        selection = rule_for(ballot).read(form, projects)
        if step != "confirm":
            totals = voting.check_selection(ballot, projects, selection)
            return render_template(
                "budgets/voting/review.html",
                process=process,
                ballot=ballot,
                form=form,
                totals=totals,
            )
        code = voting.cast_vote(
            ballot, current_user, selection, now=utcnow(), today=today, projects=projects
        )
    except voting.AlreadyVoted as error:
        return _page(ballot, problem=error.message, status=409)
    except DomainError as error:
        show_error(form, error)
        return _page(ballot, form, projects, status=400)
    session["pb_receipt"] = {"ballot_id": ballot.id, "code": code}
    return redirect(url_for(".receipt", process_id=process.id, ballot_id=ballot.id))


@bp.route("/<int:ballot_id>/comprobante")
@login_required
def receipt(process_id: int, ballot_id: int):
    process, ballot = _load(process_id, ballot_id)
    data = session.pop("pb_receipt", None)
    code = data["code"] if data and data["ballot_id"] == ballot.id else None
    return render_template("budgets/voting/receipt.html", process=process, ballot=ballot, code=code)
