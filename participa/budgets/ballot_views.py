"""Staff pages to configure the ballots of a participatory-budgeting process."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.budgets import ballots as service
from participa.budgets.forms import BallotForm
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    MesCompletion,
    PbBallot,
)
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.extensions import db
from participa.processes.services import get_process
from participa.processes.types import ProcessType
from participa.territory.services import colonia_choices

bp = Blueprint("pb_ballots", __name__, url_prefix="/gestion/procesos/<int:process_id>/boletas")
guard_blueprint(bp, "staff", "admin")


def load(process_id: int, ballot_id: int | None = None):
    """The PB process and, when asked, one of its ballots; 404 otherwise."""
    process = get_process(process_id)
    if process.type is not ProcessType.PRESUPUESTO:
        abort(404)
    if ballot_id is None:
        return process, None
    ballot = db.session.get(PbBallot, ballot_id)
    if ballot is None or ballot.process_id != process.id:
        abort(404)
    return process, ballot


def _data(form: BallotForm) -> service.BallotData:
    return service.BallotData(
        name=form.name.data,
        amount=form.amount.data,
        rule=BallotRule(form.rule.data),
        min_choices=form.min_choices.data or 0,
        max_choices=form.max_choices.data,
        min_share_percent=form.min_share_percent.data or 0,
        points=form.points.data,
        proposals_open=form.proposals_open.data,
        colonia_ids=tuple(form.colonia_ids.data or ()),
        counting_rule=CountingRule(form.counting_rule.data),
        greedy_variant=GreedyVariant(form.greedy_variant.data),
        greedy_threshold=form.greedy_threshold.data or 0,
        mes_completion=MesCompletion(form.mes_completion.data),
        mes_exhaustive_stop=form.mes_exhaustive_stop.data,
        mes_comparison=form.mes_comparison.data,
    )


def _form(ballot: PbBallot | None) -> BallotForm:
    form = BallotForm(obj=ballot)
    if ballot is not None and not form.is_submitted():
        for name in ("rule", "counting_rule", "greedy_variant", "mes_completion"):
            form[name].data = getattr(ballot, name).value
        form.colonia_ids.data = [c.id for c in ballot.colonias]
    form.colonia_ids.choices = colonia_choices()
    return form


@bp.route("/", methods=["GET", "POST"])
@bp.route("/<int:ballot_id>", methods=["GET", "POST"])
def edit(process_id: int, ballot_id: int | None = None):
    process, ballot = load(process_id, ballot_id)
    form = _form(ballot)
    if form.validate_on_submit():
        try:
            ballot = service.save_ballot(current_user, process, ballot, _data(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Ballot saved."), "success")
            return redirect(url_for(".edit", process_id=process.id, ballot_id=ballot.id))
    return render_template(
        "budgets/ballot_edit.html",
        process=process,
        ballot=ballot,
        form=form,
        ballots=service.ballots(process),
    ), (400 if form.errors else 200)
