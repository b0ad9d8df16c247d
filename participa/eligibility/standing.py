"""The eligibility ladder every vote path climbs: open, identified, in scope, allowed, of age.

Consultations, PB ballots and the in-person tables ask the same questions in the same order;
each mechanism says the answers in its own words (a `Wording`) and adds its own last rungs
(a ballot of another zone, already voted).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from participa.eligibility.participants import Voter, as_voter
from participa.eligibility.rules import participation_problem
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.tally import age_on
from participa.territory.models import Colonia


@dataclass(frozen=True)
class Wording:
    """What a mechanism tells a person kept out at each rung."""

    not_open: object
    unidentified: object
    out_of_scope: object
    too_young: Callable[[int], object]  # the process's minimum age -> message


def voter_colonia(voter: Voter) -> Colonia | None:
    return db.session.get(Colonia, voter.colonia_id) if voter.colonia_id else None


def too_young(process, voter: Voter, today: date) -> bool:
    """Below the process's minimum age, or of unknown age when there is one."""
    if process.min_age is None:
        return False
    return voter.birth_date is None or age_on(voter.birth_date, today) < process.min_age


def check_standing(process, person, today: date, wording: Wording) -> tuple[object, Voter | None]:
    """Climb the ladder for `person` (a User or a looked-up Voter) in `process`.

    Return (problem, voter): the first rung's message, or None and the person as a Voter for
    the mechanism's own rungs.
    """
    if process.status is not ProcessStatus.OPEN:
        return wording.not_open, None
    voter = as_voter(person, today, process)
    colonia = voter_colonia(voter)
    if not voter.voter_key or colonia is None:
        return wording.unidentified, voter
    if not process.covers(colonia):
        return wording.out_of_scope, voter
    if problem := participation_problem(process, voter):
        return problem, voter
    if too_young(process, voter, today):
        return wording.too_young(process.min_age), voter
    return None, voter
