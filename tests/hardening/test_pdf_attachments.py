"""Attached PDFs: a parser must read them, and they are always served as a PDF download.

An HTML page, an SVG or a script that starts with `%PDF-` used to be stored as it came and
served under its uploaded name (`x.html`) from the municipality's domain. Now pypdf must open
the file, find it unencrypted and find a page (`core/documents.py`), or the upload is refused
with a message and nothing is stored; a kept PDF is served as `application/pdf`, as a
download named `*.pdf`, with `nosniff`.
"""

import io

import pytest
from pypdf import PdfWriter

from participa.core import documents
from participa.extensions import db
from participa.proposals.models import Proposal, ProposalAttachment
from tests.factories import login
from tests.proposals.helpers import Kit, pdf_bytes

FAKE_HTML = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
BROKEN = "está dañado o no es realmente un PDF"


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("clave")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def no_pages_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


@pytest.fixture
def kit(app, make, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    return Kit(make)


@pytest.fixture
def writer(kit, client):
    """(process, client of a resident) ready to post a proposal with attachments."""
    process = kit.initiative()
    login(client, kit.resident().email)
    return process, client


def post(kit, writer, data: bytes, name: str):
    process, client = writer
    fields = {
        "title": "Más luminarias",
        "body": "Luz en la calle Hidalgo.",
        "category": "Obras",
        "colonia_id": str(kit.colonias["Centro"].id),
        "attachments": [(io.BytesIO(data), name)],
    }
    return client.post(f"/procesos/{process.id}/propuestas/nueva", data=fields)


def nothing_stored(kit) -> bool:
    no_rows = db.session.execute(db.select(Proposal)).first() is None
    no_files = not kit.folder().exists() or not any(kit.folder().iterdir())
    return no_rows and no_files


def test_a_real_pdf_named_html_is_kept_and_served_only_as_a_pdf_download(kit, writer):
    real = pdf_bytes(pages=2)
    assert post(kit, writer, real, "x.html").status_code == 302
    stored = db.session.execute(db.select(ProposalAttachment)).scalar_one()
    assert stored.file_name.endswith(".pdf") and stored.original_name == "x.pdf"
    process, client = writer
    served = client.get(f"/procesos/{process.id}/propuestas/adjuntos/{stored.file_name}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == "attachment; filename=x.pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.data == real


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (FAKE_HTML, "x.html", BROKEN),
        (FAKE_HTML, "informe.pdf", BROKEN),
        (pdf_bytes()[:-60], "cortado.pdf", BROKEN),  # truncated: no cross-reference table
        (encrypted_pdf(), "secreto.pdf", "está protegido con contraseña"),
        (no_pages_pdf(), "vacio.pdf", "no tiene páginas"),
        (SVG, "x.svg", "No se puede adjuntar"),
        (b"@echo off\r\ndel /q *\r\n", "x.bat", "No se puede adjuntar"),
    ],
)
def test_what_is_not_a_readable_pdf_or_photo_is_refused_and_nothing_is_stored(
    kit, writer, data, name, message
):
    response = post(kit, writer, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and name in page
    assert nothing_stored(kit)


@pytest.mark.parametrize(
    ("uploaded", "served"),
    [
        ("x.html", "x.pdf"),
        ("x.svg", "x.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("Presupuesto año 2027.PDF", "Presupuesto_ano_2027.pdf"),
        ('a"; filename=b.exe', "a_filenameb.pdf"),
        ("", "documento.pdf"),
        ("...", "documento.pdf"),
    ],
)
def test_a_stored_pdf_is_always_named_dot_pdf(uploaded, served):
    assert documents.download_name(uploaded) == served
