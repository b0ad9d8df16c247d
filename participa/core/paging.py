"""Page numbers from the query string (`?pagina=`): bounded, so no page number is a 500.

A number too large for the database's OFFSET (`?pagina=99999999999999999999`) used to reach
SQLite and PostgreSQL as an integer they cannot hold. Every list that pages reads its number
here: a missing one is page 1, anything but a plain positive number of at most MAX_DIGITS
digits is a 400 page that says so, and a number past the last page shows the last page
(`last_page`) or a 404 page that says so (`beyond_the_end`, for lists that count no total).
"""

from flask import abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l

PARAMETER = "pagina"
MAX_DIGITS = 6  # a million pages: far past any list here, far inside any OFFSET


def requested_page() -> int:
    """The page number the query string asks for: 1 when absent; a 400 page when not sane."""
    text = request.args.get(PARAMETER, "").strip()
    if not text:
        return 1
    if not (text.isascii() and text.isdecimal() and len(text) <= MAX_DIGITS and int(text) >= 1):
        _refuse(400, _l("The page number is not valid: use a whole number from 1."))
    return int(text)


def last_page(page: int, total: int, page_size: int) -> int:
    """`page`, or the last page of `total` items when it lies past the end."""
    return min(page, max(1, -(-total // page_size)))


def beyond_the_end(page: int, found: list) -> None:
    """A 404 page when a page past the first has nothing on it (the list ended before)."""
    if page > 1 and not found:
        _refuse(404, _l("There is no such page: the list ends before it."))


def _refuse(code: int, title) -> None:
    abort(make_response(render_template("errors/error.html", code=code, title=title), code))
