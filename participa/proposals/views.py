"""Public proposal pages: writing, the proposal page, supports, comments, reports (the list
and its map: list_views.py; following: follow_views.py)."""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.comments import services as comments
from participa.comments.models import Comment
from participa.core import documents
from participa.core.access import has_role
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.limits import per_account
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db
from participa.moderation import services as moderation
from participa.moderation.forms import ReportForm
from participa.moderation.models import VISIBILITY_LABELS
from participa.notifications import follows
from participa.notifications.models import FollowKind
from participa.processes.services import get_process
from participa.processes.types import Component
from participa.proposals import attachments, services, supports
from participa.proposals.forms import (
    CommentForm,
    NewProposalForm,
    ProposalForm,
)
from participa.proposals.models import (
    PUBLISHED_WITHOUT_SUPPORTS,
    STATUS_LABELS,
    Proposal,
    ProposalStatus,
)

bp = Blueprint("proposals", __name__, url_prefix="/procesos/<int:process_id>/propuestas")
FILE_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|pdf)$")
FILE_MAX_AGE = 365 * 24 * 3600  # names are random and files never change


def user_or_none():
    return current_user if current_user.is_authenticated else None


def status_labels(process) -> dict:
    if supports.collects_supports(process):
        return STATUS_LABELS
    return {**STATUS_LABELS, ProposalStatus.PUBLISHED: PUBLISHED_WITHOUT_SUPPORTS}


def process_or_404(process_id: int):
    process = get_process(process_id, public=True)
    if Component.PROPOSALS not in process.components:
        abort(404)
    return process


def _proposal(process, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.process_id != process.id:
        abort(404)
    if not services.can_see(proposal, user_or_none()):
        abort(404)
    return proposal


def proposal_or_404(process_id: int, proposal_id: int) -> Proposal:
    """The proposal of a process with proposals, as the public may see it, or 404."""
    return _proposal(process_or_404(process_id), proposal_id)


def small_int(text: str | None) -> int | None:
    """A form's id as an int, or None when it is not a short decimal number."""
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


def _today():
    return local_today(get_timezone())


# --- writing ----------------------------------------------------------------------------


def _choices(form: ProposalForm, process) -> ProposalForm:
    form.category.choices = [("", _("Choose…"))] + [
        (c, c) for c in services.settings_for(process).category_list
    ]
    form.colonia_id.choices = [("", _("Choose…"))] + [
        (str(c.id), c.name) for c in services.zone_colonias(process)
    ]
    return form


def _data(form: ProposalForm) -> services.ProposalData:
    return services.ProposalData(
        title=form.title.data or "",
        body=form.body.data or "",
        category=form.category.data or "",
        colonia_id=small_int(form.colonia_id.data),
        location=form.location.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


def _uploads(form: NewProposalForm) -> list[attachments.Upload]:
    files = [f for f in (form.attachments.data or []) if f and f.filename]
    return [attachments.Upload(f.filename, f.read(attachments.MAX_READ)) for f in files]


@bp.route("/nueva", methods=["GET", "POST"])
@login_required
def new(process_id: int):
    process = process_or_404(process_id)
    problem = services.proposing_problem(process, current_user)
    if problem:
        status = 409 if request.method == "POST" else 200
        return render_template("proposals/new.html", process=process, problem=problem), status
    form = _choices(NewProposalForm(), process)
    if not form.is_submitted() and current_user.colonia_id:
        form.colonia_id.data = str(current_user.colonia_id)
    if form.validate_on_submit():
        folder = attachments.folder(current_app.instance_path)
        try:
            proposal = services.create_proposal(
                process, current_user, _data(form), _uploads(form), folder, utcnow()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Thank you. Your proposal was received."), "success")
            return redirect(url_for(".detail", process_id=process.id, proposal_id=proposal.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("proposals/new.html", process=process, form=form), status


@bp.route("/<int:proposal_id>/editar", methods=["GET", "POST"])
@login_required
def edit(process_id: int, proposal_id: int):
    process = process_or_404(process_id)
    proposal = _proposal(process, proposal_id)
    if not services.can_edit(proposal, current_user):
        abort(403)
    form = ProposalForm(obj=proposal)
    if request.method == "GET":
        form.colonia_id.data = str(proposal.colonia_id or "")
    _choices(form, process)
    if form.validate_on_submit():
        try:
            back = services.edit_sends_back(proposal)
            services.edit_proposal(proposal, current_user, _data(form), now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            if back:
                flash(_("Proposal saved. It waits for staff approval again."), "success")
            else:
                flash(_("Proposal saved."), "success")
            return redirect(url_for(".detail", process_id=process.id, proposal_id=proposal.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "proposals/edit.html",
        process=process,
        proposal=proposal,
        form=form,
        sends_back=services.edit_sends_back(proposal),
    ), status


# --- the proposal page ------------------------------------------------------------------


def _page(process, proposal, status=200, problem=None, comment_form=None, report_form=None):
    user = user_or_none()
    collects = supports.collects_supports(process)
    support_problem = supports.support_problem(proposal, user, _today()) if user else None
    return render_template(
        "proposals/detail.html",
        process=process,
        proposal=proposal,
        labels=status_labels(process),
        collects=collects,
        needed=supports.threshold(process) if collects else None,
        open_for_support=collects and supports.collecting_problem(proposal, _today()) is None,
        support_problem=support_problem,
        supported=bool(user) and supports.has_supported(proposal, user),
        following=bool(user) and follows.is_following(user.id, FollowKind.PROPOSAL, proposal.id),
        entries=comments.entries(proposal.thread),
        comment_form=comment_form or CommentForm(formdata=None),
        report_form=report_form or ReportForm(formdata=None),
        button=EmptyForm(),
        can_edit=services.can_edit(proposal, user),
        comments_closed=services.commenting_problem(process),
        is_staff=has_role("staff", "admin"),
        visibility_labels=VISIBILITY_LABELS,
        reported=bool(user) and moderation.has_reported(proposal, user),
        problem=problem,
    ), status


@bp.route("/<int:proposal_id>")
def detail(process_id: int, proposal_id: int):
    process = process_or_404(process_id)
    return _page(process, _proposal(process, proposal_id))


@bp.route("/<int:proposal_id>/apoyar", methods=["POST"])
@per_account("RATELIMIT_VOTE", "support")
@login_required
def support(process_id: int, proposal_id: int):
    process = process_or_404(process_id)
    proposal = _proposal(process, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        reached = supports.support(proposal, current_user, now=utcnow(), today=_today())
    except supports.AlreadySupported as error:
        return _page(process, proposal, 409, problem=error.message)
    except DomainError as error:
        return _page(process, proposal, 400, problem=error.message)
    if reached:
        flash(_("Thank you. With your support the proposal reached its goal."), "success")
    else:
        flash(_("Thank you. Your support was counted."), "success")
    return redirect(url_for(".detail", process_id=process.id, proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/comentarios", methods=["POST"])
@login_required
def comment(process_id: int, proposal_id: int):
    process = process_or_404(process_id)
    proposal = _proposal(process, proposal_id)
    form = CommentForm()
    if not proposal.is_visible and not has_role("staff", "admin"):
        return _page(process, proposal, 409, problem=_("This proposal is hidden."))
    if problem := services.commenting_problem(process):
        return _page(process, proposal, 409, problem=problem)
    if form.validate_on_submit():
        try:
            made = comments.add_comment(
                proposal.thread,
                current_user,
                form.body.data,
                utcnow(),
                parent_id=small_int(form.parent_id.data),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your comment was published."), "success")
            url = url_for(".detail", process_id=process.id, proposal_id=proposal.id)
            return redirect(f"{url}#comentario-{made.id}")
    return _page(process, proposal, 400, comment_form=form)


def _report(process, proposal, target):
    form = ReportForm()
    if form.validate_on_submit():
        try:
            hidden = moderation.report(current_user, target, form.reason.data, utcnow())
        except DomainError as error:
            return _page(process, proposal, 409, problem=error.message)
        flash(_("Thank you. The office will review your report."), "success")
        if hidden:
            flash(_("It is hidden until the office reviews it."), "info")
        return redirect(url_for(".detail", process_id=process.id, proposal_id=proposal.id))
    return _page(process, proposal, 400, report_form=form)


@bp.route("/<int:proposal_id>/denunciar", methods=["POST"])
@login_required
def report(process_id: int, proposal_id: int):
    process = process_or_404(process_id)
    proposal = _proposal(process, proposal_id)
    return _report(process, proposal, proposal)


@bp.route("/<int:proposal_id>/comentarios/<int:comment_id>/denunciar", methods=["POST"])
@login_required
def report_comment(process_id: int, proposal_id: int, comment_id: int):
    process = process_or_404(process_id)
    proposal = _proposal(process, proposal_id)
    target = db.session.get(Comment, comment_id)
    if target is None or target.thread_id != proposal.thread_id:
        abort(404)
    return _report(process, proposal, target)


@bp.route("/adjuntos/<name>")
def attachment(process_id: int, name: str):
    process = process_or_404(process_id)
    found = services.attachment_of(process, name) if FILE_NAME.match(name) else None
    user = user_or_none()
    if found is None or not services.can_see(found.proposal, user):
        abort(404)
    if not found.proposal.is_visible and not has_role("staff", "admin"):
        abort(404)
    pdf = found.kind.value == "pdf"
    response = send_from_directory(
        attachments.folder(current_app.instance_path),
        name,
        mimetype="application/pdf" if pdf else "image/jpeg",
        # A PDF is a download named *.pdf, whatever name it came with (x.html, x.svg).
        as_attachment=pdf,
        download_name=documents.download_name(found.original_name) if pdf else None,
        max_age=FILE_MAX_AGE,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
