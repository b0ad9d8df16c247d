"""Registration and login forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

PHONE_HELP = _l("A Mexican mobile number of 10 digits. We send it a code by SMS.")


def phone_field(label, validators) -> StringField:
    return StringField(
        label,
        validators=[*validators, Length(max=30)],
        description=PHONE_HELP,
        render_kw={"autocomplete": "tel", "inputmode": "tel", "type": "tel"},
    )


class LoginForm(FlaskForm):
    # Named "email" for the rate limits per account typed (core/limits.py); a phone works too.
    email = StringField(
        _l("E-mail or mobile phone"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))


NO_CONTACT = _l("Give an e-mail or a mobile phone, to confirm your account.")


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(min=3, max=160)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description=_l("Give an e-mail, a mobile phone or both. We send a link to confirm it."),
        render_kw={"autocomplete": "email"},
    )
    phone = phone_field(_l("Mobile phone"), [Optional()])
    curp = StringField(
        _l("CURP"),
        # Spaces and dashes typed between the parts are removed when it is read.
        validators=[DataRequired(), Length(min=18, max=30)],
        description=_l("18 characters, as on your ID or birth certificate."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"},
    )
    # Starts on a blank "choose" entry: a preselected colonia would register people in the
    # wrong zone without their noticing, and the colonia decides what they may answer.
    colonia_id = SelectField(
        _l("Colonia where you live"),
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        validators=[DataRequired(_l("Choose your colonia from the list."))],
        choices=[],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    accept_privacy = BooleanField(
        _l("I have read and accept the privacy notice"),
        validators=[DataRequired(message=_l("You must accept the privacy notice to register."))],
    )

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, and an e-mail or a phone: said next to the e-mail at once,
        with every other mistake of the page, not only once the rest is right."""
        valid = super().validate(extra_validators)
        if self.email.data or self.phone.data:
            return valid
        self.email.errors = [*self.email.errors, NO_CONTACT]
        return False


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(), Length(max=12)],
        description=_l("The 6 digits the app shows now."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class ContactEmailForm(FlaskForm):
    email = EmailField(
        _l("New e-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        description=_l("Your current e-mail keeps working until you confirm the new one."),
        render_kw={"autocomplete": "email"},
    )


class ContactPhoneForm(FlaskForm):
    phone = phone_field(_l("Mobile phone"), [DataRequired()])


class PhoneCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the SMS"),
        validators=[DataRequired(), Length(max=12)],
        description=_l("The 6 digits we sent to your phone."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class PhoneResetRequestForm(FlaskForm):
    phone = phone_field(_l("Mobile phone of your account"), [DataRequired()])


class PhoneResetForm(FlaskForm):
    code = PhoneCodeForm.code
    password = NewPasswordForm.password
    confirm = NewPasswordForm.confirm
