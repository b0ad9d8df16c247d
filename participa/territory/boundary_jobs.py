"""A boundary import as a background job: the upload is stored, the import runs away from the
request.

Reading a GeoJSON file of a few thousand polygons and checking each one takes longer the
larger the file. The page stores the file (instance/uploads/boundaries/, owner-only), starts
a job and shows its progress; the job imports all or nothing (participa.territory.boundaries)
and ends with the summary, or with the problem of every bad feature, which the page then
shows. One boundary import runs at a time.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from participa.core import jobs, jobstore, stored_uploads
from participa.core.errors import DomainError
from participa.extensions import db
from participa.territory import boundaries
from participa.territory.models import Delegacion

SUBJECT = "territory:boundaries"  # what the page asks the jobs for
UPLOAD_AREA = "boundaries"  # instance/uploads/boundaries/
IMPORT_LABEL = jobs.N_("Boundary import")
ALREADY_IMPORTING = _l("An import of boundaries is running; wait for it to end.")


@dataclass(frozen=True)
class Refusal:
    """Why the latest import stored nothing: its message and the problem of each feature."""

    message: str
    problems: list[str]


def start_import(
    actor, data: bytes, *, name_property: str | None, delegacion_id: int | None
) -> jobs.Job:
    """Store the file and start its import (creating missing colonias in `delegacion_id` if
    given); DomainError for an empty file or while another import runs."""
    if not data.strip():
        raise DomainError(_l("The file is empty."), field="file")
    if any(job.active for job in jobstore.latest(SUBJECT)):
        raise DomainError(ALREADY_IMPORTING, field="file")
    name = stored_uploads.store(UPLOAD_AREA, data, ".geojson")
    return jobs.submit(
        "boundary-import",
        import_stored,
        actor.id,
        name,
        name_property,
        delegacion_id,
        owner=actor,
        label=IMPORT_LABEL,
        subject=SUBJECT,
    )


def import_stored(
    actor_id: int, name: str, name_property: str | None, delegacion_id: int | None
) -> jobs.Outcome:
    """The job: import the stored file, all or nothing; the summary, or every bad feature."""
    path = stored_uploads.path(UPLOAD_AREA, name)

    def report(position: int, total: int) -> None:
        jobs.progress(
            90 * position / total, _("Checking element %(n)s of %(t)s", n=position, t=total)
        )

    retried = False
    try:
        jobs.progress(0, _("Reading the file"))
        result = boundaries.import_boundaries(
            actor_id,
            stored_uploads.read(UPLOAD_AREA, name),
            current_app.config["MUNICIPALITY_BOUNDS"],
            name_property=name_property,
            create_missing_in=_delegacion(delegacion_id),
            report=report,
        )
    except boundaries.BoundaryImportError as error:
        raise jobs.Refused(refusal(error)) from error
    except DomainError as error:
        raise jobs.Refused(str(error.message)) from error
    except jobs.Refused:  # the stored file is gone: nothing to retry
        raise
    except Exception:
        retried = jobs.will_retry()  # the retry reads the file again
        raise
    finally:
        if not retried:  # imported, refused or failed for good: the file goes
            path.unlink(missing_ok=True)
    return jobs.Outcome(message=describe(result))


def _delegacion(delegacion_id: int | None) -> Delegacion | None:
    if delegacion_id is None:
        return None
    delegacion = db.session.get(Delegacion, delegacion_id)
    if delegacion is None:  # removed since the upload
        raise boundaries.BoundaryImportError(
            _l("The delegación chosen for the new colonias no longer exists.")
        )
    return delegacion


def refusal(error: boundaries.BoundaryImportError) -> str:
    """The job's outcome when features are bad: the message, then one line per problem, as
    many as fit in the job's record."""
    return jobs.refusal_text(
        str(error.message),
        error.problems,
        lambda n: ngettext(
            "… and %(n)s more element with problems.",
            "… and %(n)s more elements with problems.",
            n,
            n=n,
        ),
    )


def describe(result: boundaries.ImportResult) -> str:
    return _(
        "Boundaries imported: %(u)s colonias updated, %(c)s created.",
        u=result.updated,
        c=result.created,
    )


def latest_refusal(imports: list) -> Refusal | None:
    """Why the latest import (first of `imports`) stored nothing; None unless it failed."""
    if not imports or imports[0].state is not jobstore.JobState.FAILED:
        return None
    message, *problems = imports[0].error_lines or [""]
    return Refusal(message, problems)
