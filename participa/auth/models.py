"""User accounts and roles."""

import enum
import hashlib
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.territory.models import Colonia


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"
    COUNCIL = "council"
    ADMIN = "admin"


class Sex(enum.StrEnum):
    """The CURP's sex marker: H (hombre), M (mujer), X (no binario)."""

    H = "H"
    M = "M"
    X = "X"


SEX_LABELS = {Sex.M: _l("Women"), Sex.H: _l("Men"), Sex.X: _l("Non-binary")}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    # An account has an e-mail, a phone (E.164, participa/auth/phones.py) or both: many
    # residents have a phone and no e-mail. Each is confirmed by a link or a code
    # (participa/auth/contact.py); a new address waits in `pending_email` (a new phone in its
    # `PhoneCode`) until confirmed, and the old one keeps working meanwhile.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    phone_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pending_email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.CITIZEN)
    curp: Mapped[str | None] = mapped_column(String(18), unique=True)
    birth_date: Mapped[date | None]
    sex: Mapped[Sex | None] = mapped_column(enum_type(Sex))
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Two-factor login: the TOTP secret encrypted with a key derived from SECRET_KEY
    # (participa/auth/totp.py), and the last time-step used, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None]
    # Sessions of the account carry this number; raising it (log-out, password change or
    # reset, blocking, a two-step reset) ends every session and remember-me cookie at once.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    colonia: Mapped[Colonia | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses blocked accounts
        return self.active

    @property
    def password_fingerprint(self) -> str:
        """A short digest of the password hash: changes whenever the password does."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:20]

    def get_id(self) -> str:
        # The session (and the remember cookie) carries the fingerprint and the epoch too, so
        # changing the password, by a reset or otherwise, or ending the account's sessions
        # (`end_sessions`) logs out every session of the account, wherever its cookie went.
        return f"{self.id}:{self.password_fingerprint}:{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie of this account invalid (caller commits)."""
        self.session_epoch = (self.session_epoch or 0) + 1

    @property
    def contact_confirmed(self) -> bool:
        """The person proved they read the e-mail or the phone of the account."""
        return self.email_confirmed_at is not None or self.phone_confirmed_at is not None

    @property
    def contact(self) -> str:
        """What the account is reached at, for staff lists: the e-mail, else the phone."""
        return self.email or self.phone or ""

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PhoneCode(db.Model):
    """The 6-digit code last sent by SMS to confirm `phone` for an account (one at a time).

    Only the code's hash is stored; it dies after `expires_at` or too many wrong tries. `state`
    is what the sending job reported, so the page can say when the code could not be sent.
    """

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    phone: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default="sending")  # sending, sent, failed
