"""The council dashboard of a period: who took part where, and what came out of it.

Secrecy first: participation records carry coarse snapshots (colonia, age band, sex) and
answers and ballots are not linked to them. Demographic filters therefore narrow *who took
part* (turnout, attendance, supporters), never *what was chosen*; answer and ballot results
are always the whole count, and the page says so.

Everything is counted by the database (GROUP BY): a few rows per colonia, age band and sex
come back, whatever the number of participations.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import String, and_, case, cast, func, or_, union

from participa.auth.models import User
from participa.budgets.models import PbBallot, PbParticipation
from participa.consultations.models import Participation
from participa.events.models import Attendance, Event
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessStatus
from participa.proposals.models import Proposal, Support
from participa.tally import AGE_BANDS, shares_of_population
from participa.territory.services import delegaciones

BANDS = tuple(band[0] for band in AGE_BANDS)
SEXES = ("M", "H", "X")
SOURCES = ("consultations", "pb", "proposals", "events")
FIRST_YEAR = 2000

# The council follows a process from the day participation opens (results/views.py).
DASHBOARD_STATUSES = frozenset({ProcessStatus.OPEN, ProcessStatus.CLOSED} | RESULTS_PUBLIC_STATUSES)


@dataclass(frozen=True)
class Filters:
    """What the council narrowed the page to; None means everything."""

    year: int
    delegacion_id: int | None = None
    colonia_id: int | None = None
    age_band: str | None = None
    sex: str | None = None

    def args(self) -> dict[str, str]:
        """The query string that selects these filters (the menu keeps them across pages)."""
        zone = (
            f"c{self.colonia_id}"
            if self.colonia_id is not None
            else (f"d{self.delegacion_id}" if self.delegacion_id is not None else None)
        )
        found = {"anio": self.year, "zona": zone, "edad": self.age_band, "sexo": self.sex}
        return {key: str(value) for key, value in found.items() if value is not None}

    @property
    def demographic(self) -> bool:
        """Whether anything but the year narrows the page."""
        return any(
            v is not None for v in (self.delegacion_id, self.colonia_id, self.age_band, self.sex)
        )


def parse_filters(args, today: date) -> tuple[Filters, list[str]]:
    """Read the query string; a value that is not valid is dropped and named in the list.

    `zona` is "d<id>" (a delegación) or "c<id>" (a colonia), as in the proposals list.
    """
    bad: list[str] = []
    year = today.year
    raw_year = args.get("anio", "")
    if raw_year:
        if raw_year.isdecimal() and FIRST_YEAR <= int(raw_year) <= today.year + 1:
            year = int(raw_year)
        else:
            bad.append("anio")
    colonias = {c.id: c for d in delegaciones() for c in d.colonias}
    delegacion_ids = {c.delegacion_id for c in colonias.values()}
    delegacion_id = colonia_id = None
    zone = args.get("zona", "")
    if zone:
        kind, number = zone[:1], zone[1:]
        wanted = int(number) if number.isdecimal() and len(number) <= 9 else None
        if kind == "d" and wanted in delegacion_ids:
            delegacion_id = wanted
        elif kind == "c" and wanted in colonias:
            colonia_id = wanted
        else:
            bad.append("zona")
    band = args.get("edad", "") or None
    if band is not None and band not in BANDS:
        bad.append("edad")
        band = None
    sex = args.get("sexo", "") or None
    if sex is not None and sex not in SEXES:
        bad.append("sexo")
        sex = None
    return Filters(year, delegacion_id, colonia_id, band, sex), bad


def period_processes(year: int) -> list[Process]:
    """Processes the council follows whose phases or creation fall in `year`.

    A phase falls in the year when it overlaps it (starts on or before 31 December and ends
    on or after 1 January); creation is taken in UTC.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    created = and_(
        Process.created_at >= datetime(year, 1, 1, tzinfo=UTC),
        Process.created_at < datetime(year + 1, 1, 1, tzinfo=UTC),
    )
    phased = (
        db.select(Phase.id)
        .where(Phase.process_id == Process.id, Phase.starts_on <= last, Phase.ends_on >= first)
        .exists()
    )
    query = (
        db.select(Process)
        .where(Process.status.in_(DASHBOARD_STATUSES), or_(created, phased))
        .order_by(Process.created_at.desc(), Process.id.desc())
    )
    return list(db.session.execute(query).scalars())


# --- who was heard -----------------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_of_birth(birth, today: date):
    """The AGE_BANDS label of a birth-date column as of `today`, as an SQL expression.

    Age >= n exactly when birth <= today minus n years: the same bands as
    tally.participation.age_band, computed by the database.
    """
    whens = []
    for label, lowest, highest in AGE_BANDS:
        condition = birth <= _years_before(today, lowest)
        if highest is not None:
            condition = and_(condition, birth > _years_before(today, highest + 1))
        whens.append((condition, label))
    return case(*whens, else_=None)


def _participants(ids: list[int], today: date) -> dict:
    """One subquery per source: a row per participation with colonia, age band and sex."""
    consultations = db.select(
        Participation.colonia_id, Participation.age_band, Participation.sex
    ).where(Participation.process_id.in_(ids))
    # A resident voting in two ballots of one process took part once in it.
    pb = (
        db.select(
            PbBallot.process_id,
            PbParticipation.voter_key,
            PbParticipation.colonia_id,
            PbParticipation.age_band,
            PbParticipation.sex,
        )
        .join(PbBallot, PbBallot.id == PbParticipation.ballot_id)
        .where(PbBallot.process_id.in_(ids))
        .distinct()
    )
    # Supporters and authors come from their accounts: each person once per process.
    people = union(
        db.select(Proposal.process_id, Proposal.author_id.label("user_id")).where(
            Proposal.process_id.in_(ids)
        ),
        db.select(Proposal.process_id, Support.user_id)
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Proposal.process_id.in_(ids)),
    ).subquery()
    proposals = db.select(
        User.colonia_id,
        age_band_of_birth(User.birth_date, today).label("age_band"),
        cast(User.sex, String(1)).label("sex"),
    ).join(people, people.c.user_id == User.id)
    events = (
        db.select(Attendance.colonia_id, Attendance.age_band, Attendance.sex)
        .join(Event, Event.id == Attendance.event_id)
        .where(Event.process_id.in_(ids))
    )
    return {
        "consultations": consultations.subquery(),
        "pb": pb.subquery(),
        "proposals": proposals.subquery(),
        "events": events.subquery(),
    }


def narrowed(columns, filters: Filters, zones: set[int] | None):
    """Conditions on (colonia_id, age_band, sex) columns for the demographic filters."""
    colonia, band, sex = columns
    conditions = []
    if zones is not None:
        conditions.append(colonia.in_(sorted(zones)))
    if filters.age_band is not None:
        conditions.append(band == filters.age_band)
    if filters.sex is not None:
        conditions.append(sex == filters.sex)
    return conditions


@dataclass(frozen=True)
class ZoneRow:
    zone: str
    delegacion: str
    by_source: dict  # source -> participations
    participants: int
    population: int
    share: object  # Fraction | None


@dataclass(frozen=True)
class Heard:
    """Who took part in the period, after the demographic filters."""

    total: int
    by_source: dict  # source -> participations
    unlocated: int  # participations without a colonia (or outside the territory)
    by_delegacion: tuple  # ZoneShare rows
    by_colonia: tuple  # ZoneRow rows, lowest share first
    lowest: tuple  # the ZoneRow rows with the lowest shares (population > 0)
    by_age_band: dict
    by_sex: dict


def zone_colonias(filters: Filters) -> list:
    """The colonias the zone filter keeps (all of them without one)."""
    everything = [c for d in delegaciones() for c in d.colonias]
    if filters.colonia_id is not None:
        return [c for c in everything if c.id == filters.colonia_id]
    if filters.delegacion_id is not None:
        return [c for c in everything if c.delegacion_id == filters.delegacion_id]
    return everything


def zone_ids(filters: Filters) -> set[int] | None:
    if filters.colonia_id is None and filters.delegacion_id is None:
        return None
    return {c.id for c in zone_colonias(filters)}


def _grouped(processes, filters: Filters, today: date) -> dict:
    """(source, colonia_id, age band, sex) -> participations, counted by the database."""
    ids = [p.id for p in processes]
    zones = zone_ids(filters)
    counts: dict = defaultdict(int)
    for source, sub in _participants(ids, today).items():
        keys = (sub.c.colonia_id, sub.c.age_band, sub.c.sex)
        query = (
            db.select(*keys, func.count()).where(*narrowed(keys, filters, zones)).group_by(*keys)
        )
        for colonia_id, band, sex, n in db.session.execute(query):
            counts[(source, colonia_id, band, sex)] += n
    return counts


def _zone_rows(colonias, per_colonia: dict) -> list[ZoneRow]:
    """One row per colonia with its share of population, the lowest share first."""
    rows = []
    for colonia in colonias:
        found = per_colonia[colonia.id]
        n = sum(found.values())
        share = shares_of_population({colonia.id: n}, {colonia.id: colonia.population})[0].share
        rows.append(
            ZoneRow(colonia.name, colonia.delegacion.name, found, n, colonia.population, share)
        )
    # No population (share None) last; ties by name.
    rows.sort(key=lambda r: (r.share is None, r.share or 0, r.zone))
    return rows


def _without_empty_unknown(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if k is not None or v}


def who_was_heard(processes, filters: Filters, today: date, lowest: int = 3) -> Heard:
    """Participations per zone, age band and sex across `processes`, one query per source."""
    colonias = zone_colonias(filters)
    known = {c.id for c in colonias}
    by_source = {s: 0 for s in SOURCES}
    per_colonia: dict = defaultdict(lambda: {s: 0 for s in SOURCES})
    by_band = {b: 0 for b in BANDS} | {None: 0}
    by_sex = {s: 0 for s in SEXES} | {None: 0}
    unlocated = 0
    for (source, colonia_id, band, sex), n in _grouped(processes, filters, today).items():
        by_source[source] += n
        by_band[band if band in by_band else None] += n
        by_sex[sex if sex in by_sex else None] += n
        if colonia_id in known:
            per_colonia[colonia_id][source] += n
        else:
            unlocated += n
    rows = _zone_rows(colonias, per_colonia)
    del_counts: dict = defaultdict(int)
    del_population: dict = defaultdict(int)
    for row in rows:
        del_counts[row.delegacion] += row.participants
        del_population[row.delegacion] += row.population
    return Heard(
        total=sum(by_source.values()),
        by_source=by_source,
        unlocated=unlocated,
        by_delegacion=shares_of_population(dict(del_counts), dict(del_population)),
        by_colonia=tuple(rows),
        lowest=tuple(r for r in rows if r.share is not None)[:lowest],
        by_age_band=_without_empty_unknown(by_band),
        by_sex=_without_empty_unknown(by_sex),
    )
