"""A process's territorial scope: the colonias whose residents may take part."""

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
