"""PB results: staff count, compare, decide and publish; the public reads and downloads."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from participa.aggregates.channels import MIN_BALLOTS
from participa.budgets import charts, counts, outcomes
from participa.budgets.ballot_views import load
from participa.budgets.ballots import ballots
from participa.budgets.channels import ballot_channels
from participa.budgets.forms import COUNTING_EXPLANATIONS, COUNTING_LABELS
from participa.budgets.models import ProjectStatus
from participa.budgets.pb_io import export_pb_lines
from participa.budgets.turnout import turnout, uncounted
from participa.core.access import guard_blueprint, has_role
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, MultiCheckboxField, show_error
from participa.core.timeutil import local_today, utcnow
from participa.eligibility.participants import CHANNEL_LABELS
from participa.processes.pending import pending_results
from participa.processes.services import change_status, is_public
from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessStatus
from participa.territory.geo import outlines_by_label

public_bp = Blueprint("pb_results", __name__, url_prefix="/procesos/<int:process_id>/presupuesto")
manage_bp = Blueprint(
    "pb_counting", __name__, url_prefix="/gestion/procesos/<int:process_id>/presupuesto"
)
guard_blueprint(manage_bp, "staff", "admin")

READERS = ("council", "staff", "admin")
COUNTED_STATUSES = frozenset({ProcessStatus.CLOSED}) | RESULTS_PUBLIC_STATUSES
RULE_LABELS = {
    "greedy": _l("Most votes first (greedy)"),
    "mes": _l("Method of Equal Shares"),
    "manual": _l("Manual decision by the office"),
}


class CountForm(FlaskForm):
    rule = SelectField(choices=[("greedy", "greedy"), ("mes", "mes")])


class ManualForm(FlaskForm):
    project_ids = MultiCheckboxField(_l("Projects to fund"), coerce=int, choices=[])
    justification = TextAreaField(
        _l("Justification"),
        validators=[Length(max=5000)],
        description=_l("Why the office departs from the counted result. It is published."),
    )


def _manual_form(ballot, submitted: bool = False) -> ManualForm:
    """The manual decision form of a ballot; prefilled with a saved manual decision."""
    prefix = f"b{ballot.id}"
    form = ManualForm(prefix=prefix) if submitted else ManualForm(formdata=None, prefix=prefix)
    form.project_ids.choices = [
        (p.id, p.title) for p in ballot.projects if p.status is ProjectStatus.FEASIBLE and p.cost
    ]
    if not submitted and ballot.outcome is not None and ballot.outcome.rule == "manual":
        form.project_ids.data = list(outcomes.winners_of(ballot.outcome))
        form.justification.data = ballot.outcome.justification
    return form


def _compare_chart(result):
    return result.comparison and charts.comparison_chart(result.ballot, result.comparison)


def _render_staff(process, failed: tuple | None = None, status: int = 200):
    """The counting page; `failed` is (ballot id, manual form with errors)."""
    counted = process.status in COUNTED_STATUSES
    sections, now = [], utcnow()
    for ballot in ballots(process) if counted else []:
        result = outcomes.ballot_result(ballot, now)
        form = failed[1] if failed and failed[0] == ballot.id else _manual_form(ballot)
        sections.append((result, _compare_chart(result), form))
    return render_template(
        "budgets/results/manage.html",
        process=process,
        sections=sections,
        rule_labels=RULE_LABELS,
        counting_labels=COUNTING_LABELS,
        rule_explanations=COUNTING_EXPLANATIONS,
        problems=outcomes.publication_problems(process) if counted else [],
        counting=any(result.count.counting for result, _chart, _form in sections),
        uncounted=uncounted([result for result, _chart, _form in sections]),
    ), status


@manage_bp.route("/resultados")
def manage(process_id: int):
    process, _ballot = load(process_id)
    return _render_staff(process)


@manage_bp.route("/resultados/contar-ahora", methods=["POST"])
def count_now(process_id: int):
    """Count every ballot of the process again, in the background."""
    process, _ballot = load(process_id)
    if not EmptyForm().validate_on_submit() or process.status not in COUNTED_STATUSES:
        abort(400)
    try:
        counts.request_count(current_user, process, [b.id for b in ballots(process)], utcnow())
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(_("Counting started. This page shows the result when it ends."), "success")
    return redirect(url_for(".manage", process_id=process.id))


@manage_bp.route("/resultados/<int:ballot_id>/contar", methods=["POST"])
def save_counted(process_id: int, ballot_id: int):
    process, ballot = load(process_id, ballot_id)
    form = CountForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        outcomes.save_outcome(current_user, ballot, form.rule.data)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Result of “%(name)s” saved.", name=ballot.name), "success")
    return redirect(url_for(".manage", process_id=process.id, _anchor=f"ballot-{ballot.id}"))


@manage_bp.route("/resultados/<int:ballot_id>/manual", methods=["POST"])
def save_manual(process_id: int, ballot_id: int):
    process, ballot = load(process_id, ballot_id)
    form = _manual_form(ballot, submitted=True)
    if form.validate_on_submit():
        try:
            outcomes.save_outcome(
                current_user, ballot, "manual", form.project_ids.data, form.justification.data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Manual decision for “%(name)s” saved.", name=ballot.name), "success")
            return redirect(
                url_for(".manage", process_id=process.id, _anchor=f"ballot-{ballot.id}")
            )
    return _render_staff(process, failed=(ballot.id, form), status=400)


@manage_bp.route("/resultados/publicar", methods=["POST"])
def publish(process_id: int):
    process, _ballot = load(process_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change_status(current_user, process, ProcessStatus.RESULTS_PUBLISHED)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".manage", process_id=process.id))
    flash(_("Results published."), "success")
    return redirect(url_for("pb_results.public", process_id=process.id))


def _readable(process_id: int):
    """The process and whether its results are preliminary (None: not readable yet)."""
    process, _ballot = load(process_id)
    if not is_public(process):
        abort(404)
    if process.status in RESULTS_PUBLIC_STATUSES:
        return process, False
    if process.status is ProcessStatus.CLOSED and has_role(*READERS):
        return process, True
    return process, None


@public_bp.route("/resultados")
def public(process_id: int):
    """The results as stored by the background count: a page never counts votes."""
    process, preliminary = _readable(process_id)
    if preliminary is None:  # not published: when they are expected, nothing counted
        pending = pending_results(process, local_today(get_timezone()))
        return render_template("processes/results_pending.html", pending=pending)
    now = utcnow()
    results = [outcomes.ballot_result(b, now) for b in ballots(process)]
    people = turnout(process)
    sections = [(r, r.comparison and charts.votes_chart(r), _compare_chart(r)) for r in results]
    counted = [r for r in results if r.comparison]
    return render_template(
        "budgets/results/public.html",
        process=process,
        preliminary=preliminary,
        sections=sections,
        money_chart=charts.money_chart(counted) if counted else None,
        turnout_chart=charts.turnout_chart(people),
        turnout_map=charts.turnout_map(people, outlines_by_label()),
        turnout=people,
        uncounted=uncounted(results),
        can_count=has_role("staff", "admin"),
        rule_labels=RULE_LABELS,
        channels={r.ballot.id: ballot_channels(r.ballot) for r in results},
        channel_labels=CHANNEL_LABELS,
        min_channel=MIN_BALLOTS,
    )


@public_bp.route("/boletas/<int:ballot_id>.pb")
def download(process_id: int, ballot_id: int):
    process, ballot = load(process_id, ballot_id)
    public = process.status in RESULTS_PUBLIC_STATUSES
    # Staff get it once voting closes: two downloads during the vote, a moment apart, would
    # show what one known person voted.
    if not public and not (process.status is ProcessStatus.CLOSED and has_role("staff", "admin")):
        abort(404)
    name = f"presupuesto-{process.id}-boleta-{ballot.id}.pb"
    return Response(
        stream_with_context(export_pb_lines(ballot)),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
