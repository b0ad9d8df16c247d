"""Residents' notices: messages in English (their msgids); the outbox in a temporary folder."""

import pytest

from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications.models import NoticeKind, Notification
from tests.proposals.helpers import Kit


@pytest.fixture(autouse=True)
def english_messages(app, tmp_path):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    app.instance_path = str(tmp_path / "instance")


@pytest.fixture
def kit(make) -> Kit:
    return Kit(make)


def notices_of(user, kind: NoticeKind | None = None) -> list[Notification]:
    query = db.select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.execute(query.order_by(Notification.id)).scalars())


def with_phone(user, phone: str = "+523312345678", confirmed: bool = True):
    """Give the account a phone (E.164), confirmed unless `confirmed=False`; commit."""
    user.phone, user.phone_confirmed_at = phone, utcnow() if confirmed else None
    db.session.commit()
    return user
