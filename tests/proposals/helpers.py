"""Building blocks for proposal tests: an open initiative, residents, proposals, files."""

import io
from datetime import date
from pathlib import Path

from flask import current_app
from PIL import Image
from pypdf import PdfWriter

from participa.auth.models import Role
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals import attachments, services
from participa.proposals.models import ProposalSettings, ThresholdKind


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "JPEG")
    return out.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank pages, written by pypdf (the parser that checks uploads)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = pdf_bytes()


class Kit:
    """Factories for the proposals domain on top of tests/factories.py."""

    def __init__(self, make):
        self.make = make
        self.colonias = make.territory()

    def resident(self, colonia="Centro", **fields):
        return self.make.user(colonia=self.colonias[colonia], **fields)

    def staff(self):
        return self.make.user(role=Role.STAFF)

    def initiative(self, status=ProcessStatus.OPEN, threshold=3, **settings):
        process = self.make.process(status, type=ProcessType.INICIATIVA, title="Iniciativa")
        row = ProposalSettings(
            process_id=process.id,
            threshold_kind=settings.pop("threshold_kind", ThresholdKind.NUMBER),
            threshold_number=threshold,
            **settings,
        )
        db.session.add(row)
        db.session.commit()
        return process

    def data(self, **fields) -> services.ProposalData:
        values = {
            "title": "Semáforo en la escuela",
            "body": "Hace falta un **semáforo** frente a la primaria.",
            "category": "Seguridad",
            "colonia_id": self.colonias["Centro"].id,
        }
        return services.ProposalData(**{**values, **fields})

    def folder(self) -> Path:
        return attachments.folder(current_app.instance_path)

    def proposal(self, process, author=None, uploads=(), **fields):
        author = author or self.resident()
        return services.create_proposal(
            process, author, self.data(**fields), list(uploads), self.folder(), utcnow()
        )


TODAY = date(2026, 12, 1)
