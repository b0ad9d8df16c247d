"""Photos from residents and staff: check that an upload is a real image, keep a clean JPEG.

The copy is re-encoded from the pixels, so no EXIF (GPS position, phone model, date) or other
metadata of the original survives; it is at most 1600 px on its long side, which keeps
pages light on slow data. Files get random names and are served only by that pattern.
Minutes uploaded as PDF are kept as they are, once checked by pypdf to be a
readable PDF of at most 10 MB (`core/documents.py`).
"""

import io
import re
import secrets
import warnings
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from participa.core import documents
from participa.core.errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 50_000_000  # a 5 MB file that unpacks to more is a decompression bomb
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # MPO: JPEG of some phones
NAME_PATTERN = re.compile(r"^[0-9a-f]{32}\.jpg$")


def photo_folder(instance_path: str, area: str = "pb") -> Path:
    """Where one domain's photos live under instance/uploads/ (pb, proposals, findings …)."""
    return Path(instance_path) / "uploads" / area


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.verify()  # checks the file's structure; the image must be opened again
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                return image
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_l("The photo is too large."), field="photo")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError(
            _l("The file is not a photo we can read. Upload a JPEG, PNG or WebP image."),
            field="photo",
        ) from None
    except Image.DecompressionBombWarning:
        raise DomainError(_l("The photo is too large."), field="photo") from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels upright, with transparency painted white."""
    image = ImageOps.exif_transpose(image)  # phones store rotation as EXIF, which we drop
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def clean_photo(data: bytes) -> bytes:
    """A JPEG copy of the uploaded photo without metadata; DomainError if it is not one."""
    if len(data) > MAX_PHOTO_BYTES:
        raise DomainError(_l("The photo is too large: at most 5 MB."), field="photo")
    image = _open(data)
    if image.format not in ACCEPTED_FORMATS:
        raise DomainError(_l("Upload the photo as JPEG, PNG or WebP."), field="photo")
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def _save(folder: Path, data: bytes, suffix: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{suffix}"
    (folder / name).write_bytes(data)
    return name


def _delete(folder: Path, name: str | None, pattern: re.Pattern) -> None:
    if name and pattern.match(name):
        (folder / name).unlink(missing_ok=True)


def save_photo(folder: Path, jpeg: bytes) -> str:
    """Write a cleaned photo under a random name and return the name."""
    return _save(folder, jpeg, "jpg")


def delete_photo(folder: Path, name: str | None) -> None:
    _delete(folder, name, NAME_PATTERN)


# Documents (minutes, evidence as PDF): kept as uploaded, checked to be a PDF, served as a download.
MAX_PDF_BYTES = 10 * 1024 * 1024
PDF_NAME_PATTERN = re.compile(r"^[0-9a-f]{32}\.pdf$")


def check_pdf(data: bytes, field: str = "pdf") -> bytes:
    """The upload if it is a PDF pypdf can read, of at most 10 MB; DomainError otherwise."""
    if len(data) > MAX_PDF_BYTES:
        raise DomainError(_l("The file is too large: at most 10 MB."), field=field)
    if not documents.looks_like_pdf(data):
        raise DomainError(_l("The file is not a PDF document. Upload a PDF."), field=field)
    if (problem := documents.pdf_problem(data)) is not None:
        raise DomainError(_l("The PDF cannot be kept: %(problem)s", problem=problem), field=field)
    return data


def save_pdf(folder: Path, data: bytes) -> str:
    """Write a checked PDF under a random name and return the name."""
    return _save(folder, data, "pdf")


def delete_pdf(folder: Path, name: str | None) -> None:
    _delete(folder, name, PDF_NAME_PATTERN)
