"""Importing a roll from CSV: all or nothing, every bad line reported, bulk writes.

A file has one key column (CURP, clave de elector or cuenta predial), the colonia (its id,
its name, or "Colonia (Delegación)" when the name is not unique) and optionally the name.
Re-importing updates: the same key is the same entry (its colonia and name are replaced);
entries missing from a new file are kept, so nobody loses an attachment by a partial file.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, update

from participa.audit.services import record
from participa.core.csvfile import read_records
from participa.core.errors import DomainError
from participa.eligibility.keys import SEPARATORS, InvalidKey, folded, normalise
from participa.eligibility.matching import match_roll
from participa.eligibility.models import KeyKind, Roll, RollEntry
from participa.extensions import db
from participa.territory.models import Colonia

MAX_NAME = 160
REPORT_EVERY = 5000  # lines between two progress reports
ALIASES = {
    "curp": "curp",
    "clave de elector": "voter",
    "clave_de_elector": "voter",
    "clave elector": "voter",
    "clave_elector": "voter",
    "cve_elector": "voter",
    "cuenta predial": "predial",
    "cuenta_predial": "predial",
    "predial": "predial",
    "colonia": "colonia",
    "colonia_id": "colonia",
    "localidad": "colonia",
    "nombre": "nombre",
    "name": "nombre",
}
KEY_COLUMNS = {"curp": KeyKind.CURP, "voter": KeyKind.VOTER, "predial": KeyKind.PREDIAL}


@dataclass(frozen=True)
class RollRow:
    line: int
    value: str
    colonia_id: int
    name: str


@dataclass
class RollFile:
    kind: KeyKind
    rows: list[RollRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    attached: int
    conflicts: int


class RollFileErrors(DomainError):
    """The file has bad lines; `problems` lists (line, reason) for every one of them."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(_l("Nothing was imported: correct these lines and upload the file again."))
        self.problems = problems


class ColoniaFinder:
    """Colonias by id, by name (accents and case ignored) or by "Colonia (Delegación)"."""

    def __init__(self):
        colonias = db.session.execute(db.select(Colonia)).scalars().all()
        self.by_id = {str(c.id): c.id for c in colonias}
        self.by_label = {folded(c.label): c.id for c in colonias}
        self.by_name: dict[str, list[int]] = {}
        for colonia in colonias:
            self.by_name.setdefault(folded(colonia.name), []).append(colonia.id)

    def find(self, text: str):
        """The colonia's id, or the reason it cannot be told."""
        if not text:
            return None, _l("The colonia is missing.")
        if text in self.by_id:
            return self.by_id[text], None
        if (found := self.by_label.get(folded(text))) is not None:
            return found, None
        ids = self.by_name.get(folded(text), [])
        if len(ids) == 1:
            return ids[0], None
        if ids:
            return None, _l(
                "Several colonias are called “%(name)s”: write its id or “Colonia (Delegación)”.",
                name=text,
            )
        return None, _l("There is no colonia “%(name)s” in the territory.", name=text)


def _key_column(header: list[str]) -> str:
    present = [name for name in KEY_COLUMNS if name in header]
    if len(present) != 1 or "colonia" not in header:
        raise DomainError(
            _l(
                "The first line must name one key column (curp, clave_elector or "
                "cuenta_predial) and the colonia column (and, if you want, nombre)."
            )
        )
    return present[0]


def _no_report(line: int) -> None:
    pass


def parse_roll_csv(data: bytes, known=lambda kind: frozenset(), report=_no_report) -> RollFile:
    """Read and check every line; the rows and every problem (nothing is written).

    `known(kind)` gives the keys of that kind already stored (checked when they were first
    imported), so a re-import skips their validation, the slow part of a large file.
    `report(line)` is told every REPORT_EVERY lines how far the reading is (a job's progress).
    """
    header, records = read_records(data, ALIASES)
    column = _key_column(header)
    parsed = RollFile(KEY_COLUMNS[column])
    colonias, first_line, stored = ColoniaFinder(), {}, known(parsed.kind)
    for line, cells in records:
        if line % REPORT_EVERY == 0:
            report(line)
        reason, value = None, SEPARATORS.sub("", cells.get(column, "").upper())
        try:
            if value not in stored:
                value = normalise(parsed.kind, value)
        except InvalidKey as error:
            reason = error.message
        colonia_id, colonia_reason = colonias.find(cells.get("colonia", ""))
        name = cells.get("nombre", "")
        reason = reason or colonia_reason
        if reason is None and len(name) > MAX_NAME:
            reason = _l("The name is longer than %(n)s characters.", n=MAX_NAME)
        if reason is None and value in first_line:
            reason = _l("This key is repeated (first on line %(line)s).", line=first_line[value])
        if reason is not None:
            parsed.problems.append((line, reason))
            continue
        first_line[value] = line
        parsed.rows.append(RollRow(line, value, colonia_id, name))
    if not parsed.rows and not parsed.problems:
        raise DomainError(_l("The file has no rows to import."))
    return parsed


def roll_with_scope(scope: str, process_id: int | None, now: datetime) -> Roll:
    roll = db.session.execute(db.select(Roll).where(Roll.scope == scope)).scalar_one_or_none()
    if roll is None:
        roll = Roll(scope=scope, process_id=process_id, created_at=now)
        db.session.add(roll)
        db.session.flush()
    return roll


def _stored(roll_id: int, kind: KeyKind) -> dict[str, tuple]:
    query = db.select(
        RollEntry.key_value, RollEntry.id, RollEntry.colonia_id, RollEntry.name
    ).where(RollEntry.roll_id == roll_id, RollEntry.key_kind == kind)
    return {value: tuple(rest) for value, *rest in db.session.execute(query).all()}


def import_roll(
    actor, scope: str, process_id: int | None, data: bytes, now: datetime, report=_no_report
):
    """Import the CSV `data` into the roll of `scope`, all or nothing; commit and summarise.

    `report(line)` hears how far the reading is (before anything is written).
    """
    roll = db.session.execute(db.select(Roll).where(Roll.scope == scope)).scalar_one_or_none()
    existing: dict[str, tuple] = {}

    def known(kind: KeyKind) -> frozenset:
        if roll is not None:
            existing.update(_stored(roll.id, kind))
        return frozenset(existing)

    parsed = parse_roll_csv(data, known, report)
    if parsed.problems:
        raise RollFileErrors(parsed.problems)
    roll = roll or roll_with_scope(scope, process_id, now)
    new, changed = [], []
    for row in parsed.rows:
        known = existing.get(row.value)
        if known is None:
            new.append(
                {
                    "roll_id": roll.id,
                    "key_kind": parsed.kind,
                    "key_value": row.value,
                    "colonia_id": row.colonia_id,
                    "name": row.name,
                }
            )
        elif known[1:] != (row.colonia_id, row.name):
            changed.append({"id": known[0], "colonia_id": row.colonia_id, "name": row.name})
    if new:
        db.session.execute(insert(RollEntry), new)
    if changed:
        db.session.execute(update(RollEntry), changed)
    attached, conflicts = match_roll(roll.id, now)
    roll.imported_at = now
    summary = ImportSummary(
        len(new), len(changed), len(parsed.rows) - len(new) - len(changed), attached, conflicts
    )
    record(
        actor,
        "eligibility.roll.import",
        roll,
        scope=scope,
        kind=parsed.kind,
        rows=len(parsed.rows),
        **summary.__dict__,
    )
    db.session.commit()
    return summary
