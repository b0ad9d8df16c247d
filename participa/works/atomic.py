"""Services that undo their own refusals, so a view only maps the error to the form."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from participa.core.errors import DomainError
from participa.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def rolls_back(service: Callable[P, R]) -> Callable[P, R]:
    """Roll the session back when `service` raises a DomainError, then let the error go on.

    A refused change may have touched loaded objects or flushed rows before its rule said no;
    the page that shows the error then reads the database as it was.
    """

    @wraps(service)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            raise

    return guarded
