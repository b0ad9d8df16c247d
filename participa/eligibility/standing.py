"""The eligibility ladder every vote path climbs: open, identified, confirmed, in scope, allowed,
of age.

Consultations, PB ballots and the in-person tables ask the same questions in the same order;
each mechanism says the answers in its own words (a `Wording`) and adds its own last rungs
(a ballot of another zone, already voted).

The rungs that live in the database (does the person's colonia exist, does the process's
scope cover it, which rule the process follows) are read as one `Place`: by `read_place`, or
as `place_columns` of the one statement in which a vote reads its ballot and process. The
ladder itself (`climb`) then asks the database nothing more for the default rule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam

from participa.eligibility.keys import remember_rule, rule_clause
from participa.eligibility.participants import Voter, as_voter
from participa.eligibility.rules import participation_problem
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.scope import colonia_known_clause, covers_clause
from participa.processes.types import ProcessStatus
from participa.tally import age_on


@dataclass(frozen=True)
class Wording:
    """What a mechanism tells a person kept out at each rung."""

    not_open: object
    unidentified: object
    out_of_scope: object
    too_young: Callable[[int], object]  # the process's minimum age -> message
    # A web account without a confirmed e-mail or phone, where the process asks for one.
    unconfirmed: object = _l("Confirm your e-mail or phone before taking part.")


@dataclass(frozen=True)
class Place:
    """Where a person's colonia stands in a process, as read from the database."""

    known: bool  # the colonia exists (a person without one is not identified)
    covered: bool  # the process's territorial scope includes it


def place_columns(colonia_id: int | None) -> tuple:
    """The ladder's facts as labelled columns, for a statement that reads `Process`."""
    return (
        colonia_known_clause(colonia_id).label("place_known"),
        covers_clause(colonia_id).label("place_covered"),
        rule_clause(Process.id).label("place_rule"),
    )


def place_from(process, row) -> Place:
    """The `Place` in a row read with `place_columns`; the process's rule is kept for the
    transaction, so the one-vote key and the rule's rung do not read it again."""
    remember_rule(process.id, row.place_rule)
    return Place(known=bool(row.place_known), covered=bool(row.place_covered))


@cache
def _place_query():
    colonia_id = bindparam("colonia_id", type_=Integer)
    return db.select(*place_columns(colonia_id)).where(Process.id == bindparam("process_id"))


def read_place(process, colonia_id: int | None) -> Place:
    """Where `colonia_id` stands in `process`: one statement."""
    keys = {"colonia_id": colonia_id, "process_id": process.id}
    return place_from(process, db.session.execute(_place_query(), keys).one())


def too_young(process, voter: Voter, today: date) -> bool:
    """Below the process's minimum age, or of unknown age when there is one."""
    if process.min_age is None:
        return False
    return voter.birth_date is None or age_on(voter.birth_date, today) < process.min_age


class ConfirmContact(str):
    """A rung the person can climb at once: pages add a link to confirm the e-mail or phone
    (templates/macros/problems.html)."""

    needs_confirmation = True


def contact_problem(process, person, message) -> ConfirmContact | None:
    """`message`, when `process` asks for a confirmed contact and the web account `person`
    has none; None otherwise (a Voter was seen at a table, ID in hand)."""
    if not process.require_confirmed_contact or isinstance(person, Voter):
        return None
    if person.contact_confirmed:
        return None
    return ConfirmContact(message)


def climb(process, person, place: Place, today: date, wording: Wording):
    """The ladder for `person` (a User or a looked-up Voter) at `place` in `process`.

    Return (problem, voter): the first rung's message, or None and the person as a Voter for
    the mechanism's own rungs.
    """
    if process.status is not ProcessStatus.OPEN:
        return wording.not_open, None
    voter = as_voter(person, today, process)
    if not voter.voter_key or not place.known:
        return wording.unidentified, voter
    if problem := contact_problem(process, person, wording.unconfirmed):
        return problem, voter
    if not place.covered:
        return wording.out_of_scope, voter
    if problem := participation_problem(process, voter):
        return problem, voter
    if too_young(process, voter, today):
        return wording.too_young(process.min_age), voter
    return None, voter


def check_standing(process, person, today: date, wording: Wording) -> tuple[object, Voter | None]:
    """Climb the ladder for `person` in `process`, reading its `Place` first (one statement)."""
    if process.status is not ProcessStatus.OPEN:
        return wording.not_open, None
    return climb(process, person, read_place(process, person.colonia_id), today, wording)
