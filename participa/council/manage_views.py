"""Staff pages of the council: members, sessions, agenda, attendance and status."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.council import members, operations, sessions
from participa.council.forms import (
    AgreementForm,
    ItemForm,
    MemberForm,
    MinutesForm,
    OperationForm,
    SessionForm,
    attendance_form,
)
from participa.council.models import AgendaItem, CouncilMember, Position, Presence, SessionKind
from participa.council.pages import (
    load_session,
    local_to_utc,
    render,
    session_context,
    today,
    tz,
)
from participa.extensions import db
from participa.territory.models import Delegacion

bp = Blueprint("council_manage", __name__, url_prefix="/gestion/consejo")
guard_blueprint(bp, "staff", "admin")


def _status(form) -> int:
    return 400 if form.errors or form.form_errors else 200


def _id_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


@bp.route("/")
def index():
    return render(
        "manage_index.html",
        members=members.all_members(),
        sessions=sessions.all_sessions(),
        today_=today(),
    )


def _member_form(member: CouncilMember | None) -> MemberForm:
    form = MemberForm(obj=member)
    delegaciones = db.session.execute(db.select(Delegacion).order_by(Delegacion.name)).scalars()
    form.delegacion_id.choices = [("", _("None"))] + [(str(d.id), d.name) for d in delegaciones]
    form.user_id.choices = [("", _("No account"))] + [
        (str(u.id), f"{u.name} ({u.email})") for u in members.council_accounts()
    ]
    if member is not None and not form.is_submitted():
        form.delegacion_id.data = str(member.delegacion_id or "")
        form.user_id.data = str(member.user_id or "")
    return form


def _member_page(member: CouncilMember | None):
    form = _member_form(member)
    if form.validate_on_submit():
        data = members.MemberData(
            name=form.name.data,
            position=Position(form.position.data),
            delegacion_id=_id_or_none(form.delegacion_id.data),
            term_start=form.term_start.data,
            term_end=form.term_end.data,
            user_id=_id_or_none(form.user_id.data),
        )
        try:
            members.save_member(current_user, member, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Member saved."), "success")
            return redirect(url_for(".index"))
    return render("member_edit.html", _status(form), form=form, member=member)


@bp.route("/miembros/nuevo", methods=["GET", "POST"])
def new_member():
    return _member_page(None)


@bp.route("/miembros/<int:member_id>", methods=["GET", "POST"])
def edit_member(member_id: int):
    return _member_page(db.get_or_404(CouncilMember, member_id))


@bp.route("/sesiones/nueva", methods=["GET", "POST"])
def new_session():
    form = SessionForm()
    if form.validate_on_submit():
        starts_at = local_to_utc(form.day.data, form.time.data)
        try:
            session = sessions.create_session(
                current_user, SessionKind(form.kind.data), starts_at, form.place.data, tz()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Session convened."), "success")
            return redirect(url_for(".session", session_id=session.id))
    return render("session_new.html", _status(form), form=form)


def session_page(session, status: int = 200, **forms):
    """The staff session page, with every form (those given keep their errors)."""
    context = session_context(session)
    presence = {k: v.value for k, v in context["presence"].items()}
    defaults = {
        "item_form": ItemForm(formdata=None),
        "attendance_form": attendance_form(context["members"], presence),
        "minutes_form": MinutesForm(formdata=None, data={"text": session.minutes}),
        "agreement_form": AgreementForm(formdata=None),
        "operation_form": OperationForm(formdata=None),
    }
    defaults = {**defaults, **forms}
    member_choices = [("", _("None"))] + [(str(m.id), m.name) for m in context["members"]]
    defaults["agreement_form"].owner_member_id.choices = member_choices
    defaults["operation_form"].member_id.choices = member_choices
    return render(
        "session.html",
        status,
        staff=True,
        operations=operations.for_session(session),
        pesos=operations.pesos,
        **context,
        **defaults,
    )


@bp.route("/sesiones/<int:session_id>")
def session(session_id: int):
    return session_page(load_session(session_id))


def _done(session, message: str):
    flash(message, "success")
    return redirect(url_for(".session", session_id=session.id))


@bp.route("/sesiones/<int:session_id>/orden", methods=["POST"])
def add_item(session_id: int):
    session = load_session(session_id)
    form = ItemForm()
    if form.validate_on_submit():
        data = sessions.ItemData(form.title.data, form.description.data, form.presenter.data)
        try:
            sessions.add_item(current_user, session, data)
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(session, _("Item added to the agenda."))
    return session_page(session, 400, item_form=form)


def _item(session, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.session_id != session.id:
        abort(404)
    return item


@bp.route(
    "/sesiones/<int:session_id>/orden/<int:item_id>/<any(subir, bajar, quitar):action>",
    methods=["POST"],
)
def change_item(session_id: int, item_id: int, action: str):
    session = load_session(session_id)
    item = _item(session, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if action == "quitar":
            sessions.remove_item(current_user, session, item)
        else:
            sessions.move_item(current_user, session, item, -1 if action == "subir" else 1)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for(".session", session_id=session.id, _anchor="orden"))


@bp.route("/sesiones/<int:session_id>/asistencia", methods=["POST"])
def attendance(session_id: int):
    session = load_session(session_id)
    context = session_context(session)
    form = attendance_form(context["members"], {})
    if form.validate_on_submit():
        marks = {
            m.id: Presence(form[f"m{m.id}"].data)
            for m in context["members"]
            if form[f"m{m.id}"].data
        }
        try:
            sessions.record_attendance(current_user, session, marks, tz())
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(session, _("Attendance saved."))
    return session_page(session, 400, attendance_form=form)


@bp.route("/sesiones/<int:session_id>/celebrada", methods=["POST"])
def mark_held(session_id: int):
    session = load_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sessions.mark_held(current_user, session)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".session", session_id=session.id))
    return _done(session, _("The session is recorded as held; write its minutes."))
