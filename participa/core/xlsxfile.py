"""XLSX downloads written row by row (openpyxl's write-only workbook), formula-safe."""

import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CHUNK = 64 * 1024


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A cell that is never a formula: openpyxl would read a text starting with "=" as one."""
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value)
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def xlsx_stream(rows: Iterable[Iterable], title: str) -> Iterator[bytes]:
    """Write rows into a write-only workbook, then send the file in chunks.

    openpyxl's write-only mode spools each row to a temporary file as it is appended, so
    memory stays flat; an XLSX is a zip whose directory comes last, so the bytes go out
    once the sheet is complete (from disk, a chunk at a time).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(XLSX_CHUNK):
            yield chunk
