"""Staff pages of consejos sociales (/gestion/consejos-sociales): councils, members,
meetings with their minutes, and the council's pledges to works."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.collaboration.models import KIND_LABELS, PledgeKind
from participa.collaboration.pledges import PledgeData
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today, utcnow
from participa.core.uploads import MAX_PDF_BYTES, PDF_NAME_PATTERN, photo_folder
from participa.extensions import db
from participa.social_councils import services
from participa.social_councils.forms import (
    CouncilForm,
    CouncilMeetingForm,
    CouncilPledgeForm,
    MemberForm,
)
from participa.social_councils.models import SocialCouncil, SocialCouncilMember
from participa.territory.models import Colonia

bp = Blueprint("social_councils", __name__, url_prefix="/gestion/consejos-sociales")
guard_blueprint(bp, "staff", "admin")


def _id(text: str | None) -> int | None:
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


def _render(template: str, status: int = 200, **context):
    return render_template(f"social_councils/{template}", **context), status


def _council_form(form: CouncilForm | None = None) -> CouncilForm:
    form = form or CouncilForm()
    colonias = db.session.execute(db.select(Colonia.id, Colonia.name).order_by(Colonia.name))
    form.colonia_id.choices = [("", _("None (a sector)"))] + [(str(i), n) for i, n in colonias]
    return form


def _load(council_id: int) -> SocialCouncil:
    return db.session.get(SocialCouncil, council_id) or abort(404)


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _council_form()
    if form.validate_on_submit():
        try:
            council = services.create_council(
                current_user,
                form.name.data or "",
                _id(form.colonia_id.data),
                form.sector.data or "",
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Council saved."), "success")
            return redirect(url_for(".council", council_id=council.id))
    status = 400 if form.errors or form.form_errors else 200
    return _render("index.html", status, councils=services.councils(), form=form)


def council_page(council: SocialCouncil, status: int = 200, **forms):
    pledge_form = forms.get("pledge_form") or CouncilPledgeForm()
    pledge_form.work_id.choices = [("", _("Choose a work"))] + [
        (str(w.id), f"{w.name} ({w.process.title})") for w in services.pledgeable_works()
    ]
    meeting_form = forms.get("meeting_form") or CouncilMeetingForm(formdata=None)
    if meeting_form.held_on.data is None and not meeting_form.errors:
        meeting_form.held_on.data = local_today(get_timezone())
    return _render(
        "council.html", status, council=council, pledges=services.council_pledges(council),
        member_form=forms.get("member_form") or MemberForm(formdata=None),
        meeting_form=meeting_form, pledge_form=pledge_form, button=EmptyForm(),
        labels=KIND_LABELS,
    )  # fmt: skip


@bp.route("/<int:council_id>")
def council(council_id: int):
    return council_page(_load(council_id))


@bp.route("/<int:council_id>/miembros", methods=["POST"])
def add_member(council_id: int):
    council, form = _load(council_id), MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(current_user, council, form.name.data or "",
                                form.role.data or "", form.contact.data or "")  # fmt: skip
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Member added."), "success")
            return redirect(url_for(".council", council_id=council.id, _anchor="members"))
    return council_page(council, 400, member_form=form)


@bp.route("/miembros/<int:member_id>/quitar", methods=["POST"])
def remove_member(member_id: int):
    member = db.session.get(SocialCouncilMember, member_id)
    if member is None or not EmptyForm().validate_on_submit():
        abort(404)
    council_id = member.council_id
    services.remove_member(current_user, member)
    flash(_("Member removed."), "success")
    return redirect(url_for(".council", council_id=council_id, _anchor="members"))


def _folder():
    return photo_folder(current_app.instance_path, services.AREA)


@bp.route("/<int:council_id>/reuniones", methods=["POST"])
def add_meeting(council_id: int):
    council, form = _load(council_id), CouncilMeetingForm()
    if form.validate_on_submit():
        upload = form.minutes_pdf.data
        pdf = upload.read(MAX_PDF_BYTES + 1) if upload and getattr(upload, "filename", "") else None
        data = services.MeetingData(
            form.held_on.data, form.attendance.data, form.minutes.data or "", pdf
        )
        try:
            services.record_meeting(current_user, council, data, _folder(),
                                    local_today(get_timezone()))  # fmt: skip
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Meeting recorded."), "success")
            return redirect(url_for(".council", council_id=council.id, _anchor="meetings"))
    return council_page(council, 400, meeting_form=form)


@bp.route("/<int:council_id>/actas/<name>")
def minutes_pdf(council_id: int, name: str):
    council = _load(council_id)
    if not PDF_NAME_PATTERN.match(name) or services.meeting_with_pdf(council, name) is None:
        abort(404)
    return send_from_directory(_folder(), name, mimetype="application/pdf", as_attachment=True)


@bp.route("/<int:council_id>/aportaciones", methods=["POST"])
def add_pledge(council_id: int):
    council, form = _load(council_id), CouncilPledgeForm()
    if form.validate_on_submit():
        data = PledgeData(
            PledgeKind(form.kind.data),
            form.quantity.data,
            form.material.data or "",
            form.unit.data or "",
            form.note.data or "",
        )
        try:
            services.pledge(current_user, council, _id(form.work_id.data), data, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Pledge recorded."), "success")
            return redirect(url_for(".council", council_id=council.id, _anchor="pledges"))
    return council_page(council, 400, pledge_form=form)
