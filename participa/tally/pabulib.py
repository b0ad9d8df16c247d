"""Read and write participatory-budgeting elections in the Pabulib (.pb) format.

A .pb file has three ';'-separated sections - META (key;value), PROJECTS and VOTES -
each opened by its name on a line of its own and followed by a header row. Every vote
type of the format reads: approval, choose-1 (an approval of one project), cumulative,
scoring (points, counted like cumulative), ordinal, and knapsack (counted as approval).
Reading tolerates what published files contain and pabutools accepts: a byte-order mark,
CRLF line ends, quoted fields holding ';', "None" (any case) for a missing value, decimal
amounts ("1200.0", "1200,5"), empty ballots, trailing empty fields, META values with an
unquoted ';', and a vote naming a project twice - counted once (an ordinal vote keeps the
first place, a vote with points the last points given, as pabutools does) and reported in
Election.warnings. Amounts become exact ints or Fractions. See https://pabulib.org/format.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

from participa.tally.pb.model import Amount, Ballot, BallotKind, Election, Project, exact

__all__ = ["PabulibError", "format_amount", "parse_pabulib", "read_pabulib", "write_pabulib"]

SECTIONS = ("META", "PROJECTS", "VOTES")
KINDS = {
    "approval": BallotKind.APPROVAL,
    "choose-1": BallotKind.APPROVAL,  # an approval ballot of exactly one project
    "knapsack": BallotKind.APPROVAL,  # a knapsack ballot is counted as an approval ballot
    "cumulative": BallotKind.CUMULATIVE,
    "scoring": BallotKind.CUMULATIVE,  # points per project, counted like cumulative
    "ordinal": BallotKind.ORDINAL,
}
PROJECT_COLUMNS = ("project_id", "cost", "name")
VOTE_COLUMNS = ("voter_id", "vote", "points")
COUNTS = ("num_projects", "num_votes")
LINES_NAMED = 10  # lines quoted in a warning before "and N more"


class PabulibError(ValueError):
    """Report a .pb text that cannot be read, with the line where it went wrong if known."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.reason, self.line = reason, line


def read_pabulib(path: str | Path) -> Election:
    """Parse the .pb file at path."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PabulibError(f"not UTF-8 text ({error.reason} at byte {error.start})", line) from None
    return parse_pabulib(text)


def parse_pabulib(text: str) -> Election:
    """Parse the text of a .pb file into an Election."""
    sections = _split_sections(text.removeprefix("\ufeff"))
    for name in SECTIONS:
        if name not in sections:
            raise PabulibError(f"missing {name} section")
    meta = {row["key"]: row["value"] or "" for _, row in sections["META"] if row.get("key")}
    meta_line = {row["key"]: line for line, row in sections["META"] if row.get("key")}
    for derived in COUNTS:  # recomputed from the sections on writing
        meta.pop(derived, None)
    kind = _kind(meta, meta_line.get("vote_type"))
    projects = tuple(_project(line, row) for line, row in sections["PROJECTS"])
    known: set[str] = set()
    for (line, _), project in zip(sections["PROJECTS"], projects, strict=True):
        if project.id in known:
            raise PabulibError(f"repeated project_id {project.id!r} in PROJECTS", line)
        known.add(project.id)
    read = [_ballot(line, row, kind, known) for line, row in sections["VOTES"]]
    ballots = tuple(ballot for ballot, _ in read)
    notes = [(line, note) for (line, _), (_, note) in zip(sections["VOTES"], read, strict=True)]
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    budget = _amount(meta["budget"], "budget", meta_line["budget"])
    if budget < 0:
        raise PabulibError("META budget is negative", meta_line["budget"])
    return Election(
        budget=budget,
        kind=kind,
        projects=projects,
        ballots=ballots,
        meta=meta,
        warnings=_warnings(notes),
    )


def _warnings(notes: list[tuple[int, str | None]]) -> tuple[str, ...]:
    """Summarise the repairs made to votes, one warning per kind of repair."""
    found: dict[str, list[int]] = {}
    for line, note in notes:
        if note:
            found.setdefault(note, []).append(line)
    warnings = []
    for note, lines in found.items():
        named = ", ".join(map(str, lines[:LINES_NAMED]))
        more = f" and {len(lines) - LINES_NAMED} more" if len(lines) > LINES_NAMED else ""
        votes = "1 vote" if len(lines) == 1 else f"{len(lines)} votes"
        warnings.append(f"{votes} {note} (line{'s' if len(lines) > 1 else ''} {named}{more})")
    return tuple(warnings)


Row = dict[str, str | None]


def _split_sections(text: str) -> dict[str, list[tuple[int, Row]]]:
    """Return each section's rows as (line number, {column: value}) pairs."""
    sections: dict[str, list[tuple[int, Row]]] = {}
    section, current, header = "", None, None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    for fields in reader:
        if not any(field.strip() for field in fields):
            continue
        name = fields[0].strip().upper()
        if len(fields) == 1 and name in SECTIONS:
            section, current, header = name, sections.setdefault(name, []), None
        elif current is None:
            raise PabulibError("data before the META section", reader.line_num)
        elif header is None:
            header = [field.strip() for field in fields]
        else:
            row = _row(reader.line_num, header, fields, name_is_key=section == "META")
            current.append((reader.line_num, row))
    return sections


def _row(line: int, header: list[str], fields: list[str], name_is_key: bool = False) -> Row:
    """Map a data row onto its header; missing trailing fields and "None" become None.

    Empty fields past the header are dropped; in META (key;value) further fields are the
    rest of a value that held an unquoted ';'.
    """
    while len(fields) > len(header) and not fields[-1].strip():
        fields = fields[:-1]
    if len(fields) > len(header) and name_is_key and len(header) == 2:
        fields = [fields[0], ";".join(fields[1:])]
    if len(fields) > len(header):
        raise PabulibError(f"{len(fields)} fields for {len(header)} columns", line)
    values = [field.strip() for field in fields] + [None] * (len(header) - len(fields))
    return {
        key: None if value is not None and value.lower() == "none" else value
        for key, value in zip(header, values, strict=True)
    }


def _kind(meta: dict[str, str], line: int | None) -> BallotKind:
    """Return the ballot kind named by META vote_type (on this line)."""
    vote_type = meta.get("vote_type", "").strip().lower()
    if vote_type not in KINDS:
        raise PabulibError(f"unknown vote_type {vote_type!r} in META", line)
    return KINDS[vote_type]


def _amount(value: str | None, what: str, line: int | None) -> Amount:
    """Return an exact amount, or raise PabulibError naming what and where."""
    text = (value or "").replace(",", ".")  # a decimal comma, as pabutools reads it
    try:
        return exact(text)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"{what} is not a number: {value!r}", line) from None


def _project(line: int, row: Row) -> Project:
    """Build a Project from a PROJECTS row."""
    project_id = row.get("project_id")
    if not project_id:
        raise PabulibError("project without project_id", line)
    cost = _amount(row.get("cost"), f"cost of project {project_id}", line)
    if cost < 0:
        raise PabulibError(f"project {project_id} has a negative cost", line)
    extra = {key: value for key, value in row.items() if key not in PROJECT_COLUMNS}
    return Project(id=project_id, cost=cost, name=row.get("name") or "", extra=extra)


def _ballot(line: int, row: Row, kind: BallotKind, known: set[str]) -> tuple[Ballot, str | None]:
    """Build a Ballot from a VOTES row, checking the ids and the points; say what was repaired."""
    projects = tuple(_split(row.get("vote")))
    unknown = [pid for pid in projects if pid not in known]
    if unknown:
        raise PabulibError(f"vote names unknown projects {unknown}", line)
    points, note = None, None
    if kind is BallotKind.CUMULATIVE:
        if row.get("points") is None and projects:
            projects, note = (), "gave no points: counted as empty"
        points = tuple(_amount(value, "points", line) for value in _split(row.get("points")))
        if len(points) != len(projects):
            raise PabulibError(f"{len(points)} points for {len(projects)} projects", line)
    if len(set(projects)) != len(projects):
        projects, points = _once(projects, points)
        note = "named a project more than once: counted once"
    extra = {key: value for key, value in row.items() if key not in VOTE_COLUMNS}
    ballot = Ballot(
        projects=projects, points=points, voter_id=row.get("voter_id") or "", extra=extra
    )
    return ballot, note


def _once(projects: tuple[str, ...], points: tuple[Amount, ...] | None):
    """Keep each project once, at its first place, with the last points given to it."""
    last = dict(zip(projects, points, strict=True)) if points is not None else {}
    kept = tuple(dict.fromkeys(projects))
    return kept, (tuple(last[p] for p in kept) if points is not None else None)


def _split(value: str | None) -> Iterator[str]:
    """Yield the comma-separated items of a field; None, "" and blank items yield nothing."""
    if value:
        yield from (item.strip() for item in value.split(",") if item.strip())


def format_amount(value: Amount) -> str:
    """Write an exact amount as a decimal number, or raise ValueError if it has none."""
    number = Fraction(value)
    if number.denominator == 1:
        return str(number.numerator)
    places, scale = 0, 1
    while (number * scale).denominator != 1:
        places, scale = places + 1, scale * 10
        if places > 30:  # the denominator has a factor other than 2 and 5
            raise ValueError(f"{value} has no finite decimal form")
    digits = str(abs((number * scale).numerator)).rjust(places + 1, "0")
    sign = "-" if number < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def write_pabulib(election: Election) -> str:
    """Return the .pb text of an election; parsing it gives the election back."""
    extras = _extra_columns(ballot.extra for ballot in election.ballots)
    lines = stream_pabulib(election, len(election.ballots), election.ballots, extras)
    return "".join(lines)


def stream_pabulib(
    election: Election,
    num_votes: int,
    ballots: Iterable[Ballot],
    vote_extras: Sequence[str] = (),
    batch: int = 1000,
) -> Iterator[str]:
    """Yield the .pb text in pieces: `election` gives META and PROJECTS (its own ballots are
    not read), `ballots` the VOTES one at a time, so a file of any size is never held whole.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(_meta_rows(election, num_votes))
    writer.writerow(["PROJECTS"])
    extras = _extra_columns(project.extra for project in election.projects)
    writer.writerow([*PROJECT_COLUMNS, *extras])
    for project in election.projects:
        cells = [project.id, format_amount(project.cost), project.name]
        writer.writerow(cells + [_cell(project.extra.get(key)) for key in extras])
    writer.writerow(["VOTES"])
    with_points = election.kind is BallotKind.CUMULATIVE
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *vote_extras])
    yield buffer.getvalue()  # the heading goes out before the first vote is read
    buffer.seek(0)
    buffer.truncate()
    for number, ballot in enumerate(ballots, start=1):
        row = [ballot.voter_id or str(number), ",".join(ballot.projects)]
        if with_points:
            row.append(",".join(format_amount(p) for p in ballot.points or ()))
        writer.writerow(row + [_cell(ballot.extra.get(key)) for key in vote_extras])
        if number % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _meta_rows(election: Election, num_votes: int) -> list[list[str]]:
    """Return META rows: the stored entries, with budget, kind and counts made current."""
    meta = dict(election.meta)
    stated = meta.get("budget")
    if stated is None or _amount(stated, "budget", 0) != election.budget:
        meta["budget"] = format_amount(election.budget)
    if KINDS.get(meta.get("vote_type", "").strip().lower()) is not election.kind:
        meta["vote_type"] = election.kind.value
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(num_votes)
    return [[key, value] for key, value in meta.items()]


def _extra_columns(extras: Iterator) -> list[str]:
    """Return the extra column names, in order of first appearance."""
    return list(dict.fromkeys(key for extra in extras for key in extra))


def _cell(value: str | None) -> str:
    """Write None as Pabulib's "None"."""
    return "None" if value is None else value
