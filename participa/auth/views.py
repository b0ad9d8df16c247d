"""Register, log in (with a second step for TOTP), log out, reset a password, set up TOTP."""

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from participa.auth import messages, reset, services, totp
from participa.auth.forms import (
    CodeForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
    ResetRequestForm,
)
from participa.auth.models import User
from participa.core import logs
from participa.core.access import next_param, safe_next
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.limits import per_ip, per_ip_and_email, per_pending_login
from participa.core.mailer import public_url
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db
from participa.territory.services import colonia_choices

bp = Blueprint("auth", __name__, url_prefix="/cuenta")


@bp.route("/registro", methods=["GET", "POST"])
@per_ip("RATELIMIT_REGISTER", "register")
def register():
    form = RegisterForm()
    form.colonia_id.choices = {"": [("", _("Choose your colonia"))], **colonia_choices()}
    if form.validate_on_submit():
        try:
            user = services.register_resident(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
                curp=form.curp.data,
                colonia_id=form.colonia_id.data,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
                today=local_today(get_timezone()),
                now=utcnow(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            session.permanent = True
            login_user(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            _start_confirmation(user)
            return redirect(url_for("contact.confirm", next=safe_next(next_param(), None)))
    page = render_template("auth/register.html", form=form, next=next_param())
    return page, (400 if form.errors else 200)


def _start_confirmation(user: User) -> None:
    """Send the e-mail link and the SMS code of a new account."""
    if address := messages.mail_confirmation(user):
        flash(_("We sent a link to %(address)s. Open it to confirm.", address=address), "info")
    if user.phone:
        messages.text_code(user, user.phone)
        flash(_("We sent a code to %(phone)s. Type it below.", phone=user.phone), "info")


@bp.route("/entrar", methods=["GET", "POST"])
@per_ip_and_email("RATELIMIT_LOGIN", "login")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.check_credentials(
                form.email.data, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            if user.has_totp:  # the password was right: now the code of the person's app
                session[PENDING] = {
                    "id": user.id,
                    "remember": bool(form.remember.data),
                    "next": next_param(),
                    "at": int(time.time()),
                }
                return redirect(url_for(".login_code"))
            return _finish_login(user, form.remember.data, next_param())
    page = render_template("auth/login.html", form=form, next=next_param())
    return page, (400 if form.errors else 200)


PENDING = "login_pending"  # the account whose password was right, waiting for its TOTP code
PENDING_SECONDS = 300


def _finish_login(user: User, remember: bool, next_url: str | None):
    services.mark_logged_in(user, utcnow())
    session.permanent = True  # PERMANENT_SESSION_LIFETIME bounds the session
    login_user(user, remember=remember)
    if totp.must_enrol(user, current_app.config["REQUIRE_TOTP_ROLES"]):
        flash(ENROL_FIRST(), "info")
        return redirect(url_for(".two_factor", next=next_url))
    return redirect(safe_next(next_url, url_for("site.home")))


def ENROL_FIRST() -> str:  # noqa: N802 - read like a constant, translated per request
    return _("Your role needs two-step login: set it up to go on.")


# What an account that must enrol may still reach: the enrolment itself, logging out, the
# language switch, static files and the health checks.
BEFORE_ENROLMENT = frozenset(
    {"auth.two_factor", "auth.logout", "site.set_language", "static", "site.health", "site.alive"}
)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("id"))
    return user if user is not None and user.active and user.has_totp else None


@bp.route("/entrar/codigo", methods=["GET", "POST"])
@per_pending_login("RATELIMIT_LOGIN_CODE", "login-code")
def login_code():
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for(".login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            totp.check_code(
                user,
                form.code.data,
                now=utcnow(),
                secret_key=current_app.config["SECRET_KEY"],
                fallbacks=current_app.config["SECRET_KEY_FALLBACKS"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            pending = session.pop(PENDING)
            return _finish_login(user, pending.get("remember", False), pending.get("next"))
    return render_template("auth/login_code.html", form=form), (400 if form.errors else 200)


@bp.before_app_request
def _enrol_first():
    """No page works for an account whose role requires two-step login until it has it."""
    if request.endpoint in BEFORE_ENROLMENT or not current_user.is_authenticated:
        return None
    if totp.must_enrol(current_user, current_app.config["REQUIRE_TOTP_ROLES"]):
        flash(ENROL_FIRST(), "info")
        next_url = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.two_factor", next=next_url))
    return None


@bp.route("/dos-pasos", methods=["GET", "POST"])
@login_required
def two_factor():
    if not totp.can_enrol(current_user):
        abort(404)
    if current_user.has_totp:
        return render_template("auth/two_factor.html", enrolled=True)
    secret = session.get("totp_pending") or totp.new_secret()
    session["totp_pending"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            totp.enrol(
                current_user._get_current_object(),  # the account, not the proxy (its audit type)
                secret,
                form.code.data,
                now=utcnow(),
                secret_key=current_app.config["SECRET_KEY"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            session.pop("totp_pending", None)
            flash(
                _("Two-step login is on. You will be asked for a code when you log in."), "success"
            )
            return redirect(safe_next(next_param(), url_for(".account")))
    uri = totp.provisioning_uri(secret, current_user.email, current_app.config["TOTP_ISSUER"])
    page = render_template(
        "auth/two_factor.html",
        enrolled=False,
        form=form,
        secret=secret,
        qr=totp.qr_data_uri(uri),
        next=next_param(),
    )
    return page, (400 if form.errors else 200)


@bp.route("/recuperar", methods=["GET", "POST"])
@per_ip_and_email("RATELIMIT_PASSWORD_RESET", "reset")
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = reset.account_for_reset(form.email.data)
        if user is not None:
            token = reset.make_token(user, current_app.config["SECRET_KEY"])
            link = public_url(".reset_link", token=token)
            minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
            messages.mail_reset_link(user, link, minutes)
        # The same answer whether or not the e-mail has an account.
        flash(RESET_SENT(), "info")
        return redirect(url_for(".login"))
    page = render_template("auth/forgot_password.html", form=form)
    return page, (400 if form.errors else 200)


def RESET_SENT() -> str:  # noqa: N802 - read like a constant, translated per request
    return _(
        "If that e-mail has an account, we sent it a link to choose a new password. "
        "Check your inbox."
    )


RESET_TOKEN = "reset_token"  # the mailed link's token, moved out of the URL into the session


@bp.route("/recuperar/<token>")
@logs.secret_url
# Guessing or replaying links is as hammerable as the form: the same per-IP limit.
@per_ip("RATELIMIT_PASSWORD_RESET", "reset-link", methods=("GET",))
def reset_link(token: str):
    """The mailed link: keep its token in the session and leave its URL at once.

    The token is a password for an hour: in a URL it would sit in access logs, the browser's
    history and Referer headers. The page that asks for the new password has a fixed URL.
    """
    session[RESET_TOKEN] = token
    return redirect(url_for(".reset_password"), code=303)


@bp.route("/recuperar/nueva", methods=["GET", "POST"])
@per_ip("RATELIMIT_PASSWORD_RESET", "reset-token")
def reset_password():
    config = current_app.config
    token = session.get(RESET_TOKEN) or ""
    try:
        reset.user_from_token(
            token, services.signing_keys(config), config["PASSWORD_RESET_MAX_AGE"]
        )
    except DomainError as error:
        session.pop(RESET_TOKEN, None)
        page = render_template("auth/reset_password.html", form=None, problem=error.message)
        return page, 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset.reset_password(
                token,
                form.password.data,
                secret_key=services.signing_keys(config),
                max_age=config["PASSWORD_RESET_MAX_AGE"],
                hash_method=config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as error:
            show_error(form, error)
        else:
            session.pop(RESET_TOKEN, None)
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for(".login"))
    page = render_template("auth/reset_password.html", form=form, problem=None)
    return page, (400 if form.errors else 200)


@bp.route("/salir", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        # Every device, on purpose (issue 15): a shared tablet must not keep a session alive
        # on the person's phone, nor a stolen cookie. The interface says so.
        services.log_out_everywhere(current_user)
        logout_user()
        flash(_("You have logged out on every device where your account was open."), "info")
    return redirect(url_for("site.home"))


@bp.route("/")
@login_required
def account():
    return render_template("auth/account.html", user=current_user)
