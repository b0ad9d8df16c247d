"""Who voted in a PB process, by colonia, as a share of its population.

Read from the participation tallies (participa.aggregates): a few rows per colonia and
channel, however many people voted. One person may vote in several ballots of a process
(the city-wide one and their zone's), and per-ballot tallies cannot count them once: that
number is counted from the participations by the background count once voting has closed
(`store_turnout`, participa.budgets.counts) and stored with the participations per ballot it
saw. Until then, or if participations changed since, the page shows the tallies' sum, which
counts such a person once per ballot, and says so (`Turnout.exact`).
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func

from participa.aggregates.reads import ballot_people
from participa.budgets.models import PbBallot, PbParticipation, PbTurnout
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.scope import colonias_in_scope
from participa.tally import shares_of_population


@dataclass(frozen=True)
class Turnout:
    total: int  # people who voted in any ballot
    located: int  # of them, those with a colonia in the process's scope
    by_colonia: tuple  # ZoneShare rows
    exact: bool = True  # False: a person who voted in several ballots counts once in each


def _ballot_ids(process_id: int) -> list[int]:
    query = db.select(PbBallot.id).where(PbBallot.process_id == process_id).order_by(PbBallot.id)
    return list(db.session.execute(query).scalars())


def _fingerprint(people: dict[int, dict]) -> str:
    """The participations of each ballot (tallies): what a stored turnout was counted from."""
    key = sorted((ballot_id, sum(counts.values())) for ballot_id, counts in people.items())
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _summed(people: dict[int, dict]) -> tuple[int, dict]:
    """Participations of every ballot added up, in total and per colonia."""
    by_colonia: dict = {}
    for counts in people.values():
        for (colonia_id, _channel), n in counts.items():
            by_colonia[colonia_id] = by_colonia.get(colonia_id, 0) + n
    return sum(by_colonia.values()), by_colonia


def _shares(process, total: int, by_colonia: dict, exact: bool) -> Turnout:
    in_scope = {c.id: c for c in colonias_in_scope(process)}
    counts = {in_scope[cid].label: n for cid, n in by_colonia.items() if cid in in_scope}
    population = {c.label: c.population for c in in_scope.values()}
    shares = shares_of_population(counts, population)
    return Turnout(total, sum(counts.values()), shares, exact)


def turnout(process) -> Turnout:
    """The process's turnout from the tallies, or the distinct count stored at close."""
    people = ballot_people(_ballot_ids(process.id))
    total, by_colonia = _summed(people)
    if len(people) <= 1:  # one ballot: one participation per person
        return _shares(process, total, by_colonia, exact=True)
    stored = db.session.get(PbTurnout, process.id)
    if stored is not None and stored.fingerprint == _fingerprint(people):
        counted = {int(c) if c else None: n for c, n in json.loads(stored.by_colonia).items()}
        return _shares(process, stored.people, counted, exact=True)
    return _shares(process, total, by_colonia, exact=False)


def count_people(process_id: int) -> tuple[int, dict]:
    """People who voted in any ballot of the process, each once, in total and per colonia.

    Reads every participation (seconds at a million): the background count only.
    """
    of_process = PbParticipation.ballot_id.in_(
        db.select(PbBallot.id).where(PbBallot.process_id == process_id)
    )
    people = func.count(func.distinct(PbParticipation.voter_key))
    total = db.session.execute(db.select(people).where(of_process)).scalar_one()
    grouped = db.select(PbParticipation.colonia_id, people).where(of_process)
    rows = db.session.execute(grouped.group_by(PbParticipation.colonia_id)).all()
    return total, dict(rows)


def store_turnout(process_id: int, now=None) -> None:
    """Count the process's people once each and keep the count (one commit)."""
    ballot_ids = _ballot_ids(process_id)
    if len(ballot_ids) <= 1:
        return  # the tallies are exact
    key = _fingerprint(ballot_people(ballot_ids))  # before counting: newer rows make it stale
    total, by_colonia = count_people(process_id)
    row = db.session.get(PbTurnout, process_id) or PbTurnout(process_id=process_id)
    row.fingerprint, row.people, row.counted_at = key, total, now or utcnow()
    row.by_colonia = json.dumps({"" if c is None else str(c): n for c, n in by_colonia.items()})
    db.session.add(row)
    db.session.commit()


@dataclass(frozen=True)
class Uncounted:
    """People who voted in a ballot beside the votes its count took: the difference is paper
    ballots handed out that held no vote (left blank, filled in wrongly, or not typed in)."""

    people: int
    counted: int

    @property
    def papers(self) -> int:
        return max(self.people - self.counted, 0)


def uncounted(results) -> dict[int, Uncounted]:
    """Per counted ballot result (outcomes.BallotResult): its people and its counted votes,
    from the tallies and the stored count (a few rows, however many voted)."""
    counted = {r.ballot.id: r.comparison.voters for r in results if r.comparison}
    people = ballot_people(list(counted))
    return {
        ballot_id: Uncounted(sum(people[ballot_id].values()), n) for ballot_id, n in counted.items()
    }
