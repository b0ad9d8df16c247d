"""Territory rules: listing for forms, adding, editing and importing from CSV."""

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.core.csvfile import decode as _decode
from participa.core.csvfile import dialect as _dialect
from participa.core.errors import DomainError
from participa.extensions import db
from participa.territory.models import Colonia, Delegacion

HEADER_ALIASES = {
    "delegacion": "delegacion",
    "delegación": "delegacion",
    "agencia": "delegacion",
    "colonia": "colonia",
    "localidad": "colonia",
    "poblacion": "poblacion",
    "población": "poblacion",
    "population": "poblacion",
}


def delegaciones() -> list[Delegacion]:
    """Every delegación with its colonias loaded, by name."""
    query = db.select(Delegacion).options(selectinload(Delegacion.colonias))
    return list(db.session.execute(query.order_by(Delegacion.name)).scalars())


def colonia_choices() -> dict[str, list[tuple[int, str]]]:
    """Colonias grouped by delegación, for a select with option groups."""
    return {d.name: [(c.id, c.name) for c in d.colonias] for d in delegaciones() if d.colonias}


def add_delegacion(actor, name: str) -> Delegacion:
    name = name.strip()
    if db.session.execute(db.select(Delegacion).where(Delegacion.name == name)).first():
        raise DomainError(_l("That delegación already exists."), field="name")
    delegacion = Delegacion(name=name)
    db.session.add(delegacion)
    db.session.flush()
    record(actor, "territory.add_delegacion", delegacion, name=name)
    db.session.commit()
    return delegacion


def save_colonia(actor, colonia: Colonia | None, *, name: str, delegacion_id: int, population: int):
    """Create (colonia None) or update a colonia; a name is unique within its delegación."""
    name = name.strip()
    if db.session.get(Delegacion, delegacion_id) is None:
        raise DomainError(_l("Choose a delegación from the list."), field="delegacion_id")
    clash = db.session.execute(
        db.select(Colonia.id).where(Colonia.delegacion_id == delegacion_id, Colonia.name == name)
    ).scalar()
    if clash is not None and (colonia is None or clash != colonia.id):
        raise DomainError(_l("That delegación already has a colonia with this name."), field="name")
    if population < 0:
        raise DomainError(_l("Population cannot be negative."), field="population")
    colonia = colonia or Colonia()
    colonia.name, colonia.delegacion_id, colonia.population = name, delegacion_id, population
    db.session.add(colonia)
    db.session.flush()
    record(actor, "territory.save_colonia", colonia, name=name, population=population)
    db.session.commit()
    return colonia


@dataclass(frozen=True)
class TerritoryRow:
    line: int
    delegacion: str
    colonia: str
    population: int


@dataclass(frozen=True)
class ImportSummary:
    delegaciones_created: int
    colonias_created: int
    colonias_updated: int


MAX_NAME, MAX_POPULATION = 120, 50_000_000
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")  # str.isdigit() also accepts "²", which int() refuses


def _valid_row(delegacion: str, colonia: str, population: str) -> bool:
    names_ok = all(0 < len(name) <= MAX_NAME for name in (delegacion, colonia))
    number_ok = WHOLE_NUMBER.fullmatch(population) is not None
    return names_ok and number_ok and int(population) <= MAX_POPULATION


def parse_territory_csv(data: bytes) -> list[TerritoryRow]:
    """Read `delegacion,colonia,poblacion` rows; raise one error listing every bad line."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text), _dialect(text))
    header = [HEADER_ALIASES.get(h.strip().lower(), h) for h in next(reader, [])]
    if not {"delegacion", "colonia", "poblacion"} <= set(header):
        raise DomainError(
            _l("The first line must name the columns: delegacion, colonia, poblacion.")
        )
    index = {name: header.index(name) for name in ("delegacion", "colonia", "poblacion")}
    rows, problems = [], []
    for line, record_ in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record_):
            continue
        cells = {k: (record_[i].strip() if i < len(record_) else "") for k, i in index.items()}
        population = cells["poblacion"].replace(",", "").replace(" ", "")
        if not _valid_row(cells["delegacion"], cells["colonia"], population):
            problems.append(str(line))
        else:
            rows.append(TerritoryRow(line, cells["delegacion"], cells["colonia"], int(population)))
    if problems:
        raise DomainError(
            _l(
                "Nothing was imported. Check these lines (a delegación, a colonia and a whole "
                "number of inhabitants are needed): %(lines)s",
                lines=", ".join(problems[:20]),
            )
        )
    if not rows:
        raise DomainError(_l("The file has no rows to import."))
    return rows


def import_territory(actor, rows: list[TerritoryRow]) -> ImportSummary:
    """Create missing delegaciones and colonias and update populations, all or nothing."""
    by_name = {d.name: d for d in delegaciones()}
    created_d = created_c = updated_c = 0
    for row in rows:
        delegacion = by_name.get(row.delegacion)
        if delegacion is None:
            delegacion = by_name[row.delegacion] = Delegacion(name=row.delegacion, colonias=[])
            db.session.add(delegacion)
            created_d += 1
        colonia = next((c for c in delegacion.colonias if c.name == row.colonia), None)
        if colonia is None:
            delegacion.colonias.append(Colonia(name=row.colonia, population=row.population))
            created_c += 1
        elif colonia.population != row.population:
            colonia.population = row.population
            updated_c += 1
    summary = ImportSummary(created_d, created_c, updated_c)
    db.session.flush()
    record(actor, "territory.import", rows=len(rows), **summary.__dict__)
    db.session.commit()
    return summary
