"""CSV and spreadsheets: files staff export from Excel or LibreOffice, downloads we stream.

Reading accepts their usual encodings and delimiters; writing neutralises cells a spreadsheet
would run as formulas.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l

from participa.core.errors import DomainError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or, as Excel in Mexico often saves, Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_l("The file is not a text CSV file (UTF-8 or Windows-1252)."))


def dialect(text: str):
    """Guess comma, semicolon or tab from the header line."""
    # Sniff the header only: one short or bad data line must not hide the delimiter.
    try:
        return csv.Sniffer().sniff(text.lstrip().split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_records(data: bytes, aliases: dict[str, str]) -> tuple[list[str], Iterator]:
    """The header (names mapped through `aliases`) and `(line, {column: cell})` per record.

    `line` is the physical line where the record starts (a quoted cell may span lines);
    blank records are skipped.
    """
    text = decode(data)
    reader = csv.reader(io.StringIO(text), dialect(text))
    header = [aliases.get(h.strip().lower(), h.strip().lower()) for h in next(reader, [])]

    def records():
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, {n: _cell(cells, i) for i, n in enumerate(header)}
            start = reader.line_num + 1

    return header, records()


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def safe_cell(value):
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_stream(rows: Iterable[Iterable]) -> Iterator[str]:
    """Encode rows as CSV lines one at a time, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # a BOM so spreadsheet programs read the accents right
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
