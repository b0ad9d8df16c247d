"""Prioritisation rounds: staff set them up, council members score, read and approve."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.auth.models import Role
from participa.core.access import guard_blueprint, require_roles
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db
from participa.works import charts, rounds, schedule
from participa.works.forms import (
    LABELS,
    CandidatesForm,
    CriterionForm,
    RoundForm,
    approval_form,
    approval_ranks,
    score_form,
    score_values,
)
from participa.works.models import PrioritisationRound, RoundCriterion, RoundStatus, WorkStatus
from participa.works.services import WorkFilter, find_works

bp = Blueprint("priorities", __name__, url_prefix="/gestion/obras/priorizacion")
guard_blueprint(bp, "staff", "admin", "council")
STAFF = ("staff", "admin")
RESULT_STATUSES = (RoundStatus.CLOSED, RoundStatus.APPROVED)


def _render(template: str, status: int = 200, **context):
    return render_template(f"works/{template}", **LABELS, **context), status


def _load(round_id: int) -> PrioritisationRound:
    return db.session.get(PrioritisationRound, round_id) or abort(404)


def _done(round_: PrioritisationRound, message: str, anchor: str = ""):
    flash(message, "success")
    return redirect(url_for(".manage", round_id=round_.id, _anchor=anchor or None))


@bp.route("/", methods=["GET", "POST"])
def index():
    form = RoundForm()
    if form.validate_on_submit():
        require_roles(*STAFF)
        try:
            round_ = rounds.create_round(current_user, form.period.data or "", utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(round_, _("Round created. Add its criteria and candidates."))
    return _render("rounds.html", 400 if form.errors else 200, form=form, rounds=rounds.rounds())


def _manage_page(round_, status=200, criterion_form=None, candidates_form=None):
    candidates_form = candidates_form or CandidatesForm()
    available = find_works(WorkFilter(status=WorkStatus.CANDIDATE))
    candidates_form.work_ids.choices = [(w.id, w.title) for w in available]
    if not candidates_form.is_submitted():
        candidates_form.work_ids.data = [c.work_id for c in round_.candidates]
    return _render(
        "round.html",
        status,
        round=round_,
        criterion_form=criterion_form or CriterionForm(),
        candidates_form=candidates_form,
        button=EmptyForm(),
        members=rounds.members(),
        scorers=set(rounds.scorers(round_)),
        problems=rounds.readiness(round_),
    )


@bp.route("/<int:round_id>")
def manage(round_id: int):
    return _manage_page(_load(round_id))


@bp.route("/<int:round_id>/criterios", methods=["POST"])
def add_criterion(round_id: int):
    require_roles(*STAFF)
    round_, form = _load(round_id), CriterionForm()
    if form.validate_on_submit():
        data = rounds.CriterionData(
            form.name.data or "",
            form.weight.data or "",
            form.scale.data,
            form.direction.data != "lower",
        )
        try:
            rounds.add_criterion(current_user, round_, data)
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(round_, _("Criterion added."), "criteria")
    return _manage_page(round_, 400, criterion_form=form)


@bp.route("/<int:round_id>/criterios/<int:criterion_id>/quitar", methods=["POST"])
def remove_criterion(round_id: int, criterion_id: int):
    require_roles(*STAFF)
    round_ = _load(round_id)
    criterion = db.session.get(RoundCriterion, criterion_id)
    if criterion is None or criterion.round_id != round_.id or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        rounds.remove_criterion(current_user, round_, criterion)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".manage", round_id=round_.id))
    return _done(round_, _("Criterion removed."), "criteria")


@bp.route("/<int:round_id>/candidatas", methods=["POST"])
def set_candidates(round_id: int):
    require_roles(*STAFF)
    round_, form = _load(round_id), CandidatesForm()
    form.work_ids.choices = [(w.id, w.title) for w in find_works(WorkFilter())]
    if form.validate_on_submit():
        try:
            rounds.set_candidates(current_user, round_, form.work_ids.data or [])
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(round_, _("Candidates saved."), "candidates")
    return _manage_page(round_, 400, candidates_form=form)


@bp.route("/<int:round_id>/estado/<status>", methods=["POST"])
def change_status(round_id: int, status: str):
    require_roles(*STAFF)
    round_ = _load(round_id)
    if status not in set(RoundStatus) or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        rounds.change_status(current_user, round_, RoundStatus(status))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".manage", round_id=round_.id))
    return _done(round_, _("Round status changed."))


@bp.route("/<int:round_id>/calificar", methods=["GET", "POST"])
def score(round_id: int):
    require_roles(Role.COUNCIL.value)
    round_ = _load(round_id)
    # On a POST only what was sent counts: an empty field must not fall back to the old score.
    current = {} if request.method == "POST" else rounds.member_scores(round_, current_user.id)
    form = score_form(round_, current)
    if form.validate_on_submit():
        try:
            rounds.save_scores(current_user, round_, score_values(form, round_), utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _("Your scores are saved. You may change them while the round is open."), "success"
            )
            return redirect(url_for(".score", round_id=round_.id))
    failed = form.is_submitted() and (form.errors or form.form_errors)
    return _render("score.html", 400 if failed else 200, round=round_, form=form)


@bp.route("/<int:round_id>/resultados", methods=["GET", "POST"])
def results(round_id: int):
    round_ = _load(round_id)
    if round_.status not in RESULT_STATUSES:
        abort(404)
    result = rounds.results(round_)
    suggested = {r.candidate_id: r.weighted_rank for r in result.weighted}
    form = approval_form(round_, {} if request.method == "POST" else suggested)
    if form.validate_on_submit():
        try:
            rounds.approve(
                current_user,
                round_,
                approval_ranks(form, round_),
                form.justification.data or "",
                utcnow(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The council's list of priorities is approved."), "success")
            return redirect(url_for(".results", round_id=round_.id))
    return _render(
        "results.html",
        400 if form.errors or form.form_errors else 200,
        round=round_,
        result=result,
        charts=charts.ranking_charts(result),
        names=rounds.member_names(result),
        form=form,
        approved=rounds.approved_list(round_),
    )


@bp.route("/<int:round_id>/presentacion")
def presentation(round_id: int):
    round_ = _load(round_id)
    if round_.status is not RoundStatus.APPROVED:
        abort(404)
    priorities = rounds.approved_list(round_)
    return _render(
        "presentation.html",
        round=round_,
        priorities=priorities,
        charts=charts.cost_charts(priorities),
        total=sum(c.work.estimated_cost for c in priorities),
        beneficiaries=sum(c.work.beneficiaries for c in priorities),
    )


@bp.route("/<int:round_id>/cronograma")
def timeline(round_id: int):
    round_ = _load(round_id)
    if round_.status is not RoundStatus.APPROVED:
        abort(404)
    today = local_today(get_timezone())
    priorities = rounds.approved_list(round_)
    tasks = schedule.tasks_of([c.work for c in priorities])

    def late(task):
        return schedule.is_overdue(task, today)

    per_work = [
        (c, charts.gantt_chart(f"work-{c.work_id}", c.work.title, mine, today, late))
        for c in priorities
        if (mine := [t for t in tasks if t.work_id == c.work_id])
    ]
    return _render(
        "timeline.html",
        round=round_,
        overall=charts.gantt_chart("all", _("All priorities"), tasks, today, late)
        if tasks
        else None,
        per_work=per_work,
        overdue=[t for t in tasks if late(t)],
    )
