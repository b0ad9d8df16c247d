"""PDF documents from residents and staff: kept only if a real PDF parser can read them.

Starting with `%PDF-` proves nothing: an HTML page, an SVG or a script can start so. An
upload is kept only when pypdf opens it, it is not encrypted (nobody at the office could
read it, nor could anything check it) and it has at least one page. It is always served
back as `application/pdf`, as a download named `<something>.pdf` (`download_name`), with
`nosniff`, so a browser never runs it as a page of the municipality's domain.
"""

import io
import logging
from pathlib import Path

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from werkzeug.utils import secure_filename

PDF_MAGIC = b"%PDF-"
BROKEN = _l("it is damaged or is not really a PDF. Save it again as PDF and retry.")
ENCRYPTED = _l("it is protected with a password. Attach a copy without protection.")
NO_PAGES = _l("it has no pages.")

# pypdf warns about every repair it makes to a sloppy file: the person's upload, not our news.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def looks_like_pdf(data: bytes) -> bool:
    """Tell whether the upload claims to be a PDF (it is then checked as one, never as a photo)."""
    return data.startswith(PDF_MAGIC)


def pdf_problem(data: bytes):
    """Why `data` cannot be kept as a PDF (a translated phrase), or None when it can."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return ENCRYPTED
        pages = len(reader.pages)
    # A malformed file can make a parser raise almost anything (PdfReadError, KeyError,
    # ValueError, RecursionError ...): each means "not a PDF we can read".
    except Exception:  # noqa: BLE001
        return BROKEN
    return None if pages >= 1 else NO_PAGES


def download_name(original: str | None, fallback: str = "documento") -> str:
    """A safe file name ending in `.pdf` for a stored PDF, whatever name it was uploaded with."""
    stem = secure_filename(Path(original or "").stem)[:80].strip("._")
    return f"{stem or fallback}.pdf"
