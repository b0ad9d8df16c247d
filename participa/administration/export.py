"""The full works export: every need and work, whatever its status, with every FAIS field.

`rows(wanted)` is a plain function over one query read in batches (`yield_per`): it yields
the header and then one tuple per work, so a view streams it as CSV or XLSX in constant
memory, and a background job can take it over unchanged.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import aliased

from participa.administration.models import WorkFais
from participa.extensions import db
from participa.territory.models import Colonia, Delegacion
from participa.works.models import FaisCategory, Funding, Work, WorkStatus

BATCH = 500
HEADER = (
    "work_id", "title", "kind", "status", "colonia", "delegacion", "estimated_cost",
    "beneficiaries", "directorate", "funding", "fais_eligible", "fais_category",
    "fais_incidence", "fais_requested", "fais_committed", "fais_programmed", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class ExportFilter:
    status: WorkStatus | None = None
    funding: Funding | None = None
    fais_category: FaisCategory | None = None
    colonia_id: int | None = None


def _query(wanted: ExportFilter):
    zone = aliased(Delegacion)  # a work's own delegación, or its colonia's
    query = (
        db.select(
            Work.id,
            Work.title,
            Work.kind,
            Work.status,
            Colonia.name,
            db.func.coalesce(Delegacion.name, zone.name),
            Work.estimated_cost,
            Work.beneficiaries,
            Work.directorate,
            Work.funding,
            Work.fais_eligible,
            Work.fais_category,
            WorkFais.incidence,
            WorkFais.requested,
            WorkFais.committed,
            WorkFais.programmed,
            Work.created_at,
        )  # fmt: skip
        .outerjoin(WorkFais, WorkFais.work_id == Work.id)
        .outerjoin(Colonia, Colonia.id == Work.colonia_id)
        .outerjoin(zone, zone.id == Colonia.delegacion_id)
        .outerjoin(Delegacion, Delegacion.id == Work.delegacion_id)
        .order_by(Work.id)
    )
    for column, value in (
        (Work.status, wanted.status),
        (Work.funding, wanted.funding),
        (Work.fais_category, wanted.fais_category),
        (Work.colonia_id, wanted.colonia_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return query.execution_options(yield_per=BATCH)


def rows(wanted: ExportFilter) -> Iterator[tuple]:
    """The header, then one row per work matching `wanted`, by id."""
    yield HEADER
    for row in db.session.execute(_query(wanted)):
        work_id, title, kind, status, colonia, delegacion, cost, people, directorate = row[:9]
        funding, eligible, category, incidence, requested, committed, programmed, at = row[9:]
        yield (
            work_id, title, kind.value, status.value, colonia or "", delegacion or "", cost,
            people, directorate, funding.value, "sí" if eligible else "no",
            category.value if category else "",
            incidence.value if incidence else "",
            requested or 0, committed or 0, programmed or 0, at.isoformat(),
        )  # fmt: skip
