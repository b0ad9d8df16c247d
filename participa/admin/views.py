"""Account administration and the audit log, for administrators only."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.admin import services
from participa.admin.forms import AccountForm, RoleForm
from participa.audit.verify import verify_recent
from participa.auth import totp
from participa.auth.models import Role, User
from participa.core import paging
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, "admin")


def _user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/")
def index():
    return redirect(url_for(".users"))


@bp.route("/usuarios")
def users():
    text = request.args.get("q", "")[:100]
    total = services.count_users(text)
    page = paging.last_page(paging.requested_page(), total, services.PAGE_SIZE)
    found = services.search_users(text, page)
    return render_template(
        "admin/users.html",
        users=found,
        total=total,
        q=text,
        page=page,
        page_size=services.PAGE_SIZE,
        role_form=RoleForm,
    )


@bp.route("/usuarios/<int:user_id>/rol", methods=["POST"])
def set_role(user_id: int):
    user = _user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_role(current_user, user, Role(form.role.data))
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Role of %(name)s changed.", name=user.name), "success")
    return redirect(url_for(".users", q=user.email))


@bp.route("/usuarios/<int:user_id>/<any(bloquear, desbloquear):action>", methods=["POST"])
def set_active(user_id: int, action: str):
    user = _user(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.set_active(current_user, user, action == "desbloquear")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Account of %(name)s updated.", name=user.name), "success")
    return redirect(url_for(".users", q=user.email))


@bp.route("/usuarios/<int:user_id>/dos-pasos/restablecer", methods=["POST"])
def reset_totp(user_id: int):
    user = _user(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        totp.reset(current_user, user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _("Two-step login of %(name)s reset: they set it up again.", name=user.name), "success"
        )
    return redirect(url_for(".users", q=user.email))


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
def new_user():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            services.add_account(
                current_user,
                name=form.name.data,
                email=form.email.data,
                role=Role(form.role.data),
                password=form.password.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Account created."), "success")
            return redirect(url_for(".users"))
    return render_template("admin/new_user.html", form=form), (400 if form.errors else 200)


@bp.route("/bitacora")
def audit():
    return render_template(
        "admin/audit.html", events=services.audit_events(), report=verify_recent()
    )
