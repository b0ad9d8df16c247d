"""Proposal attachments: cleaned photos (core.uploads) and PDFs a parser reads (core.documents).

Everything is checked before anything is written, so a bad file leaves no row and no file.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from participa.core import documents
from participa.core.errors import DomainError
from participa.core.uploads import clean_photo, photo_folder
from participa.proposals.models import AttachmentKind

MAX_ATTACHMENTS = 3
MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_READ = MAX_PDF_BYTES + 1  # views read one byte more, to tell "too large" apart
FIELD = "attachments"


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the view read it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CleanFile:
    kind: AttachmentKind
    data: bytes
    original_name: str

    @property
    def suffix(self) -> str:
        return ".pdf" if self.kind is AttachmentKind.PDF else ".jpg"


def folder(instance_path: str) -> Path:
    return photo_folder(instance_path, "proposals")


def _clean_one(upload: Upload) -> CleanFile:
    name = Path(upload.name or "").name[:200]
    if documents.looks_like_pdf(upload.data):
        if len(upload.data) > MAX_PDF_BYTES:
            raise DomainError(
                _l("“%(name)s” is too large: a PDF can have at most 5 MB.", name=name), field=FIELD
            )
        if (problem := documents.pdf_problem(upload.data)) is not None:
            raise DomainError(
                _l("“%(name)s” cannot be attached: %(problem)s", name=name, problem=problem),
                field=FIELD,
            )
        return CleanFile(AttachmentKind.PDF, upload.data, documents.download_name(name))
    try:
        return CleanFile(AttachmentKind.PHOTO, clean_photo(upload.data), name)
    except DomainError as error:
        raise DomainError(
            _l(
                "“%(name)s” cannot be attached: %(problem)s Attach photos (JPEG, PNG, WebP) "
                "or PDF documents.",
                name=name,
                problem=error.message,
            ),
            field=FIELD,
        ) from None


def clean_uploads(uploads: list[Upload], already: int = 0) -> list[CleanFile]:
    """Check every upload; raise a DomainError naming the first bad one."""
    uploads = [u for u in uploads if u.data]
    if already + len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(
            _l("A proposal can have at most %(n)s attachments.", n=MAX_ATTACHMENTS), field=FIELD
        )
    return [_clean_one(upload) for upload in uploads]


def write(target: Path, files: list[CleanFile]) -> list[str]:
    """Write cleaned files under random names; return the names in order."""
    target.mkdir(parents=True, exist_ok=True)
    names = []
    for file in files:
        name = f"{secrets.token_hex(16)}{file.suffix}"
        (target / name).write_bytes(file.data)
        names.append(name)
    return names


def remove(target: Path, names: list[str]) -> None:
    for name in names:
        (target / name).unlink(missing_ok=True)
