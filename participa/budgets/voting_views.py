"""Voting in a PB ballot: the ballot, the review step, the confirmation and the receipt."""

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import get_timezone
from flask_login import current_user, login_required

from participa.budgets import voting
from participa.budgets.ballot_rules import pesos, rule_for
from participa.budgets.ballots import ALREADY_VOTED
from participa.budgets.models import PbBallot
from participa.budgets.voting_forms import ballot_form, ballot_rows
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.limits import per_account
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db
from participa.processes.services import get_process, is_public
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


def _booth(process_id: int, ballot_id: int) -> voting.Booth:
    today = local_today(get_timezone())
    booth = voting.open_booth(process_id, ballot_id, current_user._get_current_object(), today)
    if booth is None or booth.process.type is not ProcessType.PRESUPUESTO:
        abort(404)
    if not is_public(booth.process):
        abort(404)
    return booth


def _page(booth, form=None, problem=None, status=200):
    rows = ballot_rows(booth.ballot, form, booth.projects) if form else []
    return render_template(
        "budgets/voting/ballot.html",
        process=booth.process,
        ballot=booth.ballot,
        rule=rule_for(booth.ballot),
        form=form,
        rows=rows,
        problem=problem,
    ), status


@bp.route("/<int:ballot_id>/votar", methods=["GET", "POST"])
@per_account("RATELIMIT_VOTE", "vote")
@login_required
def vote(process_id: int, ballot_id: int):
    booth, step = _booth(process_id, ballot_id), request.form.get("step")
    confirming = request.method == "POST" and step == "confirm"
    # Whether this person voted already: asked before the form; at the confirmation the insert
    # answers it (the unique constraint), and only a refused confirmation asks.
    voted = not confirming and not booth.problem and voting.already_voted(booth)
    if problem := booth.problem or (ALREADY_VOTED if voted else None):
        return _page(booth, problem=problem, status=200 if request.method == "GET" else 409)
    form = ballot_form(booth.ballot, booth.projects)
    if not form.validate_on_submit() or step == "edit":
        return _form_again(booth, form, confirming, status=400 if form.errors else 200)
    try:
        selection = rule_for(booth.ballot).read(form, booth.projects)
        if not confirming:
            totals = voting.check_selection(booth.ballot, booth.projects, selection)
            return render_template(
                "budgets/voting/review.html",
                process=booth.process,
                ballot=booth.ballot,
                form=form,
                totals=totals,
            )
        code = voting.cast(booth, selection, now=utcnow())
    except voting.AlreadyVoted as error:
        return _page(booth, problem=error.message, status=409)
    except DomainError as error:
        show_error(form, error)
        return _form_again(booth, form, confirming)
    # The ids from the URL: the commit expired the ballot, and reading it would query again.
    session["pb_receipt"] = {"ballot_id": ballot_id, "code": code}
    return redirect(url_for(".receipt", process_id=process_id, ballot_id=ballot_id))


def _form_again(booth, form, confirming: bool, status: int = 400):
    """The ballot with the form's errors; a refused confirmation first says if they voted."""
    if confirming and voting.already_voted(booth):
        return _page(booth, problem=ALREADY_VOTED, status=409)
    return _page(booth, form, status=status)


@bp.route("/<int:ballot_id>/comprobante")
@login_required
def receipt(process_id: int, ballot_id: int):
    process, ballot = _load(process_id, ballot_id)
    data = session.pop("pb_receipt", None)
    code = data["code"] if data and data["ballot_id"] == ballot.id else None
    return render_template("budgets/voting/receipt.html", process=process, ballot=ballot, code=code)
