"""Loading PB projects from a CSV file: all rows or none, with the bad lines named."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.budgets.models import PbBallot, ProjectStatus
from participa.budgets.projects import (
    BEFORE_VOTING,
    ProjectData,
    check_cost,
    check_project,
    new_project,
    parse_pesos,
    zone_colonias,
)
from participa.core.csvfile import read_records
from participa.core.errors import DomainError
from participa.extensions import db


@dataclass(frozen=True)
class Column:
    """One column of the import file: the Spanish name staff write, and the names also read."""

    field: str  # the key the importer reads
    name: str  # the Spanish name the help page and error messages use
    aliases: tuple[str, ...]  # other names accepted in the first line (English, no accents)
    required: bool
    help: object  # a lazy string: what goes in the cell
    example: str


# The one list of columns: the importer reads it, the help page and the example file show it.
COLUMNS = (
    Column(
        "title",
        "título",
        ("titulo", "title"),
        True,
        _l("The project's name."),
        "Luminarias LED en la plaza",
    ),
    Column(
        "description",
        "descripción",
        ("descripcion", "description"),
        True,
        _l("What will be done, where, and who benefits."),
        "Cambiar 20 lámparas por luces LED",
    ),
    Column(
        "category",
        "categoría",
        ("categoria", "category"),
        True,
        _l("A word that groups projects, such as Parques or Alumbrado."),
        "Alumbrado",
    ),
    Column(
        "estimated_cost",
        "costo_estimado",
        ("estimated_cost",),
        True,
        _l("The proposal's estimate in pesos, such as 150000 or $150,000."),
        "150000",
    ),
    Column(
        "cost",
        "costo",
        ("cost",),
        False,
        _l("The cost according to the technical review; required when factible is sí."),
        "145000",
    ),
    Column(
        "colonia",
        "colonia",
        (),
        False,
        _l("The name of a colonia of the ballot's zone, as written in the territory."),
        "Centro",
    ),
    Column(
        "location",
        "ubicación",
        ("ubicacion", "location"),
        False,
        _l("An address or a reference."),
        "Plaza principal",
    ),
    Column(
        "feasible",
        "factible",
        ("feasible",),
        False,
        _l(
            "sí if the review is done: the project goes straight onto the ballot; "
            "empty or no if not."
        ),
        "sí",
    ),
    Column(
        "reason",
        "motivo",
        ("reason",),
        False,
        _l("The reason of the review, which the public reads."),
        "Viable; cotización de la Dirección de Alumbrado",
    ),
)
IMPORT_ALIASES = {alias: c.field for c in COLUMNS for alias in (c.name, *c.aliases)}
IMPORT_REQUIRED = tuple(c.field for c in COLUMNS if c.required)
COLUMN_NAMES = {c.field: c.name for c in COLUMNS}
YES, NO = {"si", "sí", "yes", "1", "true", "x"}, {"", "no", "0", "false"}
COLUMN_OF_FIELD = {"colonia_id": "colonia"}  # the ProjectData field → its column


def example_csv() -> str:
    """A file with the header and one example row, to download and fill in."""
    header = ",".join(c.name for c in COLUMNS)
    row = ",".join(f'"{c.example}"' if "," in c.example else c.example for c in COLUMNS)
    return f"{header}\n{row}\n"


class _BadCell(Exception):
    """A cell of an imported line that breaks the rules; `column` names it."""

    def __init__(self, column: str):
        super().__init__(column)
        self.column = column


@dataclass(frozen=True)
class ImportRow:
    line: int
    data: ProjectData
    cost: int | None
    feasible: bool
    reason: str


def _import_row(ballot, line: int, cells: dict, colonias: dict) -> ImportRow:
    colonia = cells.get("colonia", "")
    if colonia and len(colonias.get(colonia.casefold(), ())) != 1:
        raise _BadCell("colonia")
    data = ProjectData(
        title=cells["title"],
        description=cells["description"],
        category=cells["category"],
        estimated_cost=parse_pesos(cells["estimated_cost"]),
        colonia_id=colonias[colonia.casefold()][0] if colonia else None,
        location=cells.get("location", ""),
    )
    cost = parse_pesos(cells.get("cost", "")) if cells.get("cost") else None
    try:
        check_project(ballot, data)
        if cells.get("cost"):
            check_cost(ballot, cost, "cost")
    except DomainError as error:
        raise _BadCell(COLUMN_OF_FIELD.get(error.field, error.field)) from None
    feasible = cells.get("feasible", "").casefold()
    if feasible not in YES | NO or (feasible in YES and cost is None):
        raise _BadCell("feasible")  # a review done offline must say its cost
    return ImportRow(line, data, cost, feasible in YES, cells.get("reason", ""))


def parse_projects_csv(ballot: PbBallot, data: bytes) -> list[ImportRow]:
    """Read one project per line; raise one error naming every bad line and its column."""
    try:
        header, records = read_records(data, IMPORT_ALIASES)
    except DomainError as error:
        raise DomainError(error.message, field="file") from None
    if missing := [COLUMN_NAMES[f] for f in IMPORT_REQUIRED if f not in header]:
        raise DomainError(
            _l(
                "The first line must name the columns: %(required)s. Missing: %(missing)s.",
                required=", ".join(COLUMN_NAMES[f] for f in IMPORT_REQUIRED),
                missing=", ".join(missing),
            ),
            field="file",
        )
    colonias: dict[str, list[int]] = {}
    for colonia in zone_colonias(ballot.process, ballot):
        colonias.setdefault(colonia.name.casefold(), []).append(colonia.id)
    rows, problems = [], []
    for line, cells in records:
        try:
            rows.append(_import_row(ballot, line, cells, colonias))
        except _BadCell as error:
            problems.append(f"{line} ({COLUMN_NAMES.get(error.column, error.column)})")
    if problems:
        raise DomainError(
            _l(
                "Nothing was imported. Check these lines (and the column in brackets): %(lines)s",
                lines=", ".join(problems[:30]),
            ),
            field="file",
        )
    if not rows:
        raise DomainError(_l("The file has no projects to import."), field="file")
    return rows


def import_projects(actor, ballot: PbBallot, rows: list[ImportRow], now: datetime) -> int:
    """Add the rows to `ballot`, all or nothing; reviewed rows go straight onto the ballot."""
    if ballot.process.status not in BEFORE_VOTING:
        raise DomainError(_l("Projects cannot change once voting has opened."))
    for row in rows:
        project = new_project(ballot, row.data, created_at=now, cost=row.cost)
        if row.feasible:
            project.status, project.reviewed_at = ProjectStatus.FEASIBLE, now
            project.review_reason = row.reason
        db.session.add(project)
    feasible = sum(row.feasible for row in rows)
    record(actor, "pb.project.import", ballot, rows=len(rows), feasible=feasible)
    db.session.commit()
    return len(rows)
