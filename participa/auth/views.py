"""Register, log in, log out."""

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from participa.auth import services
from participa.auth.forms import LoginForm, RegisterForm
from participa.core.access import next_param, safe_next
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today, utcnow
from participa.territory.services import colonia_choices

bp = Blueprint("auth", __name__, url_prefix="/cuenta")


@bp.route("/registro", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    form.colonia_id.choices = {"": [("", _("Choose your colonia"))], **colonia_choices()}
    if form.validate_on_submit():
        try:
            user = services.register_resident(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                curp=form.curp.data,
                colonia_id=form.colonia_id.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                today=local_today(get_timezone()),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            session.permanent = True
            login_user(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(safe_next(next_param(), url_for("processes.index")))
    page = render_template("auth/register.html", form=form, next=next_param())
    return page, (400 if form.errors else 200)


@bp.route("/entrar", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data,
                form.password.data,
                utcnow(),
                current_app.config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds the session
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(next_param(), url_for("site.home")))
    page = render_template("auth/login.html", form=form, next=next_param())
    return page, (400 if form.errors else 200)


@bp.route("/salir", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("site.home"))


@bp.route("/")
@login_required
def account():
    return render_template("auth/account.html", user=current_user)
