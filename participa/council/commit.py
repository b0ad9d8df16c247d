"""One commit for the council's services, turning a lost race into a message."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from participa.core.errors import DomainError
from participa.extensions import db

CONFLICT = _l("Someone saved a change here at the same moment. Reload the page and try again.")


def _guarded(step) -> None:
    try:
        step()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(CONFLICT) from error


def flush() -> None:
    """Flush (to get ids); a unique constraint that refuses it is a lost race, as in commit."""
    _guarded(db.session.flush)


def commit() -> None:
    """Commit; if a unique constraint refused it (a concurrent change won), roll back and say so."""
    _guarded(db.session.commit)
