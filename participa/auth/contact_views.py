"""Confirm the account's e-mail (a link) or phone (a code), send them again, change them; and
a new password by an SMS code for accounts that have a phone (often no e-mail)."""

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.auth import contact, messages
from participa.auth.forms import (
    ContactEmailForm,
    ContactPhoneForm,
    PhoneCodeForm,
    PhoneResetForm,
    PhoneResetRequestForm,
)
from participa.auth.phones import normalise_phone
from participa.auth.services import signing_keys
from participa.core.access import next_param, safe_next
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm
from participa.core.limits import per_account, per_ip_and_phone, per_ip_and_session_phone
from participa.core.timeutil import utcnow

bp = Blueprint("contact", __name__, url_prefix="/cuenta")


def _page(status=200, **forms):
    user = current_user
    page = render_template(
        "auth/confirm.html",
        user=user,
        code=contact.pending_code(user),
        email_to_confirm=contact.email_to_confirm(user),
        resend_form=EmptyForm(),
        code_form=forms.get("code_form") or PhoneCodeForm(),
        email_form=forms.get("email_form") or ContactEmailForm(),
        phone_form=forms.get("phone_form") or ContactPhoneForm(),
        next_url=safe_next(next_param(), url_for("processes.index")),
    )
    return page, status


@bp.route("/confirmar")
@login_required
def confirm():
    return _page()


def flash_sent(address: str | None) -> None:
    """Tell where the link went (or that there is nothing to confirm)."""
    if address is None:
        flash(_("Your e-mail is already confirmed."), "info")
    else:
        flash(_("We sent a link to %(address)s. Open it to confirm.", address=address), "info")


@bp.route("/confirmar/correo", methods=["POST"])
@login_required
@per_account("RATELIMIT_CONFIRM_RESEND", "confirm-mail")
def resend_email():
    if EmptyForm().validate_on_submit():
        flash_sent(messages.mail_confirmation(current_user))
    return redirect(url_for(".confirm"))


@bp.route("/confirmar/telefono/enviar", methods=["POST"])
@login_required
@per_account("RATELIMIT_CONFIRM_RESEND", "confirm-sms")
def resend_code():
    code = contact.pending_code(current_user)
    phone = code.phone if code else current_user.phone
    if EmptyForm().validate_on_submit() and phone:
        sent = messages.text_code(current_user, phone)
        flash(_("We sent a new code to %(phone)s.", phone=sent), "info")
    return redirect(url_for(".confirm"))


@bp.route("/confirmar/telefono", methods=["POST"])
@login_required
@per_account("RATELIMIT_CONFIRM_CODE", "confirm-code")
def confirm_phone():
    form = PhoneCodeForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            contact.confirm_phone(
                current_user,
                form.code.data,
                secret_key=config["SECRET_KEY"],
                now=utcnow(),
                max_attempts=config["PHONE_CODE_MAX_ATTEMPTS"],
            )
        except DomainError as error:
            form.code.errors = [error.message]
        else:
            flash(_("Your phone is confirmed. Thank you."), "success")
            return redirect(url_for(".confirm"))
    return _page(400, code_form=form)


@bp.route("/contacto/correo", methods=["POST"])
@login_required
@per_account("RATELIMIT_CONFIRM_RESEND", "contact-mail")
def change_email():
    form = ContactEmailForm()
    if form.validate_on_submit():
        try:
            contact.change_email(current_user, form.email.data)
        except DomainError as error:
            form.email.errors = [error.message]
        else:
            flash_sent(messages.mail_confirmation(current_user))
            return redirect(url_for(".confirm"))
    return _page(400, email_form=form)


@bp.route("/contacto/telefono", methods=["POST"])
@login_required
@per_account("RATELIMIT_CONFIRM_RESEND", "contact-sms")
def change_phone():
    form = ContactPhoneForm()
    if form.validate_on_submit():
        try:
            sent = messages.text_code(current_user, form.phone.data)
        except DomainError as error:
            form.phone.errors = [error.message]
        else:
            flash(_("We sent a code to %(phone)s. Type it below.", phone=sent), "info")
            return redirect(url_for(".confirm"))
    return _page(400, phone_form=form)


@bp.route("/confirmar/correo/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link of the mail: a page with a button (a POST confirms, never a GET)."""
    config = current_app.config
    max_age = config["CONFIRM_EMAIL_MAX_AGE"]
    form = EmptyForm()
    try:
        _user, address = contact.user_for_email_token(token, signing_keys(config), max_age)
        if form.validate_on_submit():
            contact.confirm_email(
                token, secret_key=signing_keys(config), max_age=max_age, now=utcnow()
            )
            flash(_("Your e-mail %(address)s is confirmed. Thank you.", address=address), "success")
            return redirect(url_for(".confirm" if current_user.is_authenticated else "auth.login"))
    except DomainError as error:
        page = render_template("auth/confirm_email.html", problem=error.message, form=None)
        return page, 400
    return render_template("auth/confirm_email.html", problem=None, form=form, address=address)


RESET_PHONE = "reset_phone"  # the number typed on the SMS reset page (E.164), for the code page


@bp.route("/recuperar/telefono", methods=["GET", "POST"])
@per_ip_and_phone("RATELIMIT_PASSWORD_RESET", "reset-sms")
def reset_by_phone():
    """Text a code to an account's phone; the same answer whether or not it has one."""
    form = PhoneResetRequestForm()
    if form.validate_on_submit():
        try:
            phone = normalise_phone(form.phone.data)
        except DomainError as error:
            form.phone.errors = [error.message]
        else:
            if (user := contact.account_by_phone(phone)) is not None:
                messages.text_code(user, phone)
            session[RESET_PHONE] = phone
            flash(_("If that phone has an account, we sent it a code by SMS."), "info")
            return redirect(url_for(".reset_by_code"))
    page = render_template("auth/reset_phone.html", form=form)
    return page, (400 if form.errors else 200)


@bp.route("/recuperar/telefono/codigo", methods=["GET", "POST"])
@per_ip_and_session_phone("RATELIMIT_PASSWORD_RESET", "reset-sms-code", RESET_PHONE)
def reset_by_code():
    phone = session.get(RESET_PHONE)
    if not phone:
        return redirect(url_for(".reset_by_phone"))
    form = PhoneResetForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            contact.reset_password_by_code(
                phone,
                form.code.data,
                form.password.data,
                secret_key=config["SECRET_KEY"],
                now=utcnow(),
                max_attempts=config["PHONE_CODE_MAX_ATTEMPTS"],
                hash_method=config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as error:
            form.code.errors = [error.message]
        else:
            session.pop(RESET_PHONE, None)
            flash(_("Your password was changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    page = render_template("auth/reset_phone_code.html", form=form, phone=phone)
    return page, (400 if form.errors else 200)
