"""Staff pages for proposals (settings, approval, answers, conversion) and the process panels."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import VISIBILITY_LABELS
from participa.processes.services import get_process
from participa.processes.types import Component
from participa.proposals import answers, services, supports
from participa.proposals.forms import (
    MODERATION_LABELS,
    AnswerForm,
    ConversionForm,
    SettingsForm,
)
from participa.proposals.models import Proposal, ProposalStatus
from participa.proposals.views import status_labels

bp = Blueprint(
    "proposals_manage", __name__, url_prefix="/gestion/procesos/<int:process_id>/propuestas"
)
guard_blueprint(bp, "staff", "admin")


@bp.app_template_global()
def proposal_origin(project):
    """The proposal a PB project came from (for the project page), or None."""
    return services.origin_of(project)


def _process(process_id: int):
    process = get_process(process_id)
    if Component.PROPOSALS not in process.components:
        abort(404)
    return process


def _proposal(process, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.process_id != process.id:
        abort(404)
    return proposal


@bp.route("/")
def index(process_id: int):
    process = _process(process_id)
    return render_template(
        "proposals/manage/index.html",
        process=process,
        proposals=services.staff_list(process),
        labels=status_labels(process),
        visibility_labels=VISIBILITY_LABELS,
        settings=services.settings_for(process),
        moderation_labels=MODERATION_LABELS,
        needed=supports.threshold(process) if supports.collects_supports(process) else None,
    )


def _settings_form(process) -> SettingsForm:
    settings = services.settings_for(process)
    form = SettingsForm(obj=settings)
    if request.method == "GET":
        form.moderation.data = settings.moderation.value
        form.threshold_kind.data = settings.threshold_kind.value
    return form


@bp.route("/ajustes", methods=["GET", "POST"])
def settings(process_id: int):
    process = _process(process_id)
    form = _settings_form(process)
    if form.validate_on_submit():
        data = services.SettingsData(
            moderation=services.ModerationMode(form.moderation.data),
            threshold_kind=services.ThresholdKind(form.threshold_kind.data),
            threshold_number=form.threshold_number.data,
            threshold_percent=form.threshold_percent.data,
            support_deadline=form.support_deadline.data,
            reports_to_hide=form.reports_to_hide.data,
            categories=form.categories.data or "",
        )
        try:
            services.save_settings(current_user, process, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Proposal settings saved."), "success")
            return redirect(url_for(".index", process_id=process.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "proposals/manage/settings.html",
        process=process,
        form=form,
        collects=supports.collects_supports(process),
    ), status


def _conversion_form() -> ConversionForm:
    form = ConversionForm()
    form.ballot_id.choices = [
        (b.id, f"{b.process.title} · {b.name}") for b in answers.target_ballots()
    ]
    return form


def _page(process, proposal, status=200, answer_form=None, conversion_form=None):
    return render_template(
        "proposals/manage/proposal.html",
        process=process,
        proposal=proposal,
        labels=status_labels(process),
        visibility_labels=VISIBILITY_LABELS,
        answer_form=answer_form or AnswerForm(formdata=None),
        conversion_form=conversion_form or _conversion_form(),
        button=EmptyForm(),
    ), status


@bp.route("/<int:proposal_id>")
def proposal(process_id: int, proposal_id: int):
    process = _process(process_id)
    return _page(process, _proposal(process, proposal_id))


@bp.route("/<int:proposal_id>/aprobar", methods=["POST"])
def approve(process_id: int, proposal_id: int):
    process = _process(process_id)
    proposal = _proposal(process, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        answers.approve(current_user, proposal)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The proposal is published."), "success")
    return redirect(url_for(".proposal", process_id=process.id, proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/responder", methods=["POST"])
def answer(process_id: int, proposal_id: int):
    process = _process(process_id)
    proposal = _proposal(process, proposal_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            answers.answer(
                current_user, proposal, ProposalStatus(form.status.data), form.text.data, utcnow()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Answer published."), "success")
            return redirect(url_for(".proposal", process_id=process.id, proposal_id=proposal.id))
    return _page(process, proposal, 400, answer_form=form)


@bp.route("/<int:proposal_id>/convertir", methods=["POST"])
def convert(process_id: int, proposal_id: int):
    process = _process(process_id)
    proposal = _proposal(process, proposal_id)
    form = _conversion_form()
    if form.validate_on_submit():
        conversion = answers.Conversion(
            form.ballot_id.data, form.estimated_cost.data, form.text.data
        )
        try:
            answers.convert_to_pb(current_user, proposal, conversion, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The proposal is now a participatory budget project."), "success")
            return redirect(url_for(".proposal", process_id=process.id, proposal_id=proposal.id))
    return _page(process, proposal, 400, conversion_form=form)
