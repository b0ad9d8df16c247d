"""Large exports as background jobs: staff get a "preparing" page, then a download link.

Writing 100,000 anonymous answers takes longer than a request may last. For staff, a
process with more than EXPORT_JOB_THRESHOLD responses is exported by a job into
instance/exports/ (participa.core.exportfiles), served only to staff from the jobs page.
"""

import sqlalchemy as sa
from flask import current_app

from participa.consultations.models import Response
from participa.core import exportfiles, jobs, jobstore
from participa.extensions import db
from participa.processes.models import Process
from participa.results.exports import response_rows, xlsx_stream

EXPORT_LABEL = jobs.N_("Export of the anonymous answers")


FORMATS = ("csv", "xlsx")


def subject(process_id: int, fmt: str) -> str:
    return f"export:responses-{fmt}:{process_id}"


def download_name(process_id: int, fmt: str) -> str:
    return f"respuestas-anonimas-proceso-{process_id}.{fmt}"


def response_count(process_id: int) -> int:
    query = sa.select(sa.func.count()).where(Response.process_id == process_id)
    return db.session.scalar(query)


def is_large(process: Process) -> bool:
    return response_count(process.id) > current_app.config.get("EXPORT_JOB_THRESHOLD", 20000)


def start(actor, process: Process, fmt: str) -> int:
    """Start the export (or return the one running); the job's id."""
    for job in jobstore.latest(subject(process.id, fmt)):
        if job.active:
            return job.id
    return jobs.submit(
        f"export-responses-{fmt}-{process.id}",
        export_responses,
        process.id,
        fmt,
        owner=actor,
        label=EXPORT_LABEL,
        subject=subject(process.id, fmt),
    ).id


def export_responses(process_id: int, fmt: str = "csv") -> jobs.Outcome:
    """The job: every anonymous answer of the process, as a CSV or XLSX file for staff."""
    process = db.get_or_404(Process, process_id)
    name, total = download_name(process_id, fmt), response_count(process_id)
    if fmt == "xlsx":
        rows = exportfiles.with_progress(response_rows(process), total)
        return exportfiles.write_chunks(xlsx_stream(rows, "respuestas"), name)
    return exportfiles.write_csv(response_rows(process), name, total)
