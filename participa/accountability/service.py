"""The approved priorities with their progress, schedule and the residents' help on them.

A row of works (`published.Row`) gains what residents did on the oversight and collaboration
subjects linked to the work: pesos pledged and delivered, live pledges, findings.
"""

from dataclasses import dataclass, fields
from datetime import date

from participa.collaboration import totals
from participa.oversight import findings, subjects
from participa.oversight.models import WatchedWork
from participa.works import published
from participa.works.models import Work


@dataclass(frozen=True)
class Pledged:
    """Residents' help pledged and delivered to the subjects linked to a work."""

    money_pledged: int = 0
    money_delivered: int = 0
    pledges: int = 0
    findings: int = 0


@dataclass(frozen=True)
class Row(published.Row):
    """One line of the accountability page and of the downloads."""

    pledged: Pledged = Pledged()


def pledged_by_work(work_ids) -> dict[int, Pledged]:
    """Per work: pesos pledged and delivered, live pledges, and findings not hidden by staff,
    of the oversight/collaboration subjects linked to it (summed in SQL)."""
    ids = list(work_ids)
    money = totals.money_by_linked_work(ids)
    found = findings.count_by_linked_work(ids)
    return {
        i: Pledged(*money.get(i, (0, 0, 0)), findings=found.get(i, 0))
        for i in ids
        if i in money or i in found
    }


def _with_help(row: published.Row, pledged: Pledged) -> Row:
    return Row(**{f.name: getattr(row, f.name) for f in fields(row)}, pledged=pledged)


def public_rows(wanted: published.PublicFilter, today: date) -> list[Row]:
    """Every approved priority of every approved round (newest period first, by place)."""
    rows = published.public_rows(wanted, today)
    pledged = pledged_by_work(r.work.id for r in rows)
    return [_with_help(r, pledged.get(r.work.id, Pledged())) for r in rows]


def row_of(work: Work, today: date) -> Row | None:
    return next(
        (r for r in public_rows(published.PublicFilter(), today) if r.work.id == work.id), None
    )


def linked_subjects(work: Work) -> list[WatchedWork]:
    return subjects.linked_to(work.id)
