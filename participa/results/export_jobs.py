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
from participa.results.exports import response_rows

EXPORT_LABEL = jobs.N_("Export of the anonymous answers")


def subject(process_id: int) -> str:
    return f"export:responses:{process_id}"


def response_count(process_id: int) -> int:
    query = sa.select(sa.func.count()).where(Response.process_id == process_id)
    return db.session.scalar(query)


def is_large(process: Process) -> bool:
    return response_count(process.id) > current_app.config.get("EXPORT_JOB_THRESHOLD", 20000)


def start(actor, process: Process) -> int:
    """Start the export (or return the one running); the job's id."""
    for job in jobstore.latest(subject(process.id)):
        if job.active:
            return job.id
    return jobs.submit(
        f"export-responses-{process.id}",
        export_responses,
        process.id,
        owner=actor,
        label=EXPORT_LABEL,
        subject=subject(process.id),
    ).id


def export_responses(process_id: int) -> jobs.Outcome:
    """The job: every anonymous answer of the process, as a CSV file for staff."""
    process = db.get_or_404(Process, process_id)
    return exportfiles.write_csv(
        response_rows(process),
        f"respuestas-anonimas-proceso-{process.id}.csv",
        response_count(process.id),
    )
