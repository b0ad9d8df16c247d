"""Following a work or a proposal: who asked to hear when it changes."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from participa.extensions import db
from participa.notifications.models import Follow, FollowKind


def is_following(user_id: int, kind: FollowKind, target_id: int) -> bool:
    query = db.select(Follow.id).filter_by(user_id=user_id, kind=kind, target_id=target_id)
    return db.session.execute(query).first() is not None


def follow(user_id: int, kind: FollowKind, target_id: int, now: datetime) -> None:
    """Start following (again is harmless: the unique key keeps one row); one commit."""
    if is_following(user_id, kind, target_id):
        return
    db.session.add(Follow(user_id=user_id, kind=kind, target_id=target_id, created_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # a double click raced this one: the row is there
        db.session.rollback()


def unfollow(user_id: int, kind: FollowKind, target_id: int) -> None:
    db.session.execute(db.delete(Follow).filter_by(user_id=user_id, kind=kind, target_id=target_id))
    db.session.commit()


def followed(user_id: int, kind: FollowKind) -> list[int]:
    query = db.select(Follow.target_id).filter_by(user_id=user_id, kind=kind)
    return list(db.session.execute(query.order_by(Follow.id)).scalars())
