"""A process's territorial scope: the colonias whose residents may take part."""

from sqlalchemy import ColumnElement, case, exists, true

from participa.processes.models import Process, process_colonia, process_delegacion
from participa.processes.types import ScopeKind
from participa.territory.models import Colonia
from participa.territory.services import delegaciones


def colonias_in_scope(process) -> list[Colonia]:
    """The colonias whose residents may take part in `process`."""
    everything = [c for d in delegaciones() for c in d.colonias]
    if process.scope is ScopeKind.DELEGACIONES:
        wanted = {d.id for d in process.delegaciones}
        return [c for c in everything if c.delegacion_id in wanted]
    if process.scope is ScopeKind.COLONIAS:
        wanted = {c.id for c in process.colonias}
        return [c for c in everything if c.id in wanted]
    return everything


def covers_clause(colonia_id: int | None) -> ColumnElement[bool]:
    """`Process.covers(colonia)` asked in SQL, for a statement that reads `Process` anyway.

    A vote reads it with the process in one statement instead of loading the process's
    delegaciones or colonias; tests/processes/test_scope.py checks both agree.
    """
    in_delegacion = exists().where(
        process_delegacion.c.process_id == Process.id,
        process_delegacion.c.delegacion_id == Colonia.delegacion_id,
        Colonia.id == colonia_id,
    )
    in_colonias = exists().where(
        process_colonia.c.process_id == Process.id, process_colonia.c.colonia_id == colonia_id
    )
    return case(
        (Process.scope == ScopeKind.MUNICIPALITY, true()),
        (Process.scope == ScopeKind.DELEGACIONES, in_delegacion),
        else_=in_colonias,
    )


def colonia_known_clause(colonia_id: int | None) -> ColumnElement[bool]:
    """Whether the colonia `colonia_id` exists (a person without one has no place)."""
    return exists().where(Colonia.id == colonia_id)
