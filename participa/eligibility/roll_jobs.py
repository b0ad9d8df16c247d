"""A roll import as a background job: the upload is stored, the import runs away from the request.

A 50,000-line file takes longer to check than a request may last. The page stores the file
(instance/uploads/rolls/, owner-only), starts a job and shows its progress; the job imports
all or nothing (participa.eligibility.importing) and ends with the summary, or with every bad
line, which the roll's page then shows. One import of a roll runs at a time.
"""

from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from participa.auth.models import User
from participa.core import jobs, jobstore, stored_uploads
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.eligibility import importing
from participa.extensions import db

IMPORT_LABEL = jobs.N_("Roll import")
ALREADY_IMPORTING = _l("An import of this roll is running; wait for it to end.")
UPLOAD_AREA = "rolls"  # instance/uploads/rolls/


def subject(scope: str) -> str:
    """What the roll's page asks the jobs for."""
    return f"roll:{scope}"


def upload_path(name: str) -> Path:
    return stored_uploads.path(UPLOAD_AREA, name)


def store_upload(data: bytes) -> str:
    """Keep the uploaded file for the job (owner-only); its name."""
    return stored_uploads.store(UPLOAD_AREA, data, ".csv")


def start_import(actor, scope: str, process_id: int | None, data: bytes) -> jobs.Job:
    """Store the file and start its import; DomainError while another import of it runs."""
    if any(job.active for job in jobstore.latest(subject(scope))):
        raise DomainError(ALREADY_IMPORTING)
    if not data.strip():
        raise DomainError(_l("The file has no rows to import."))
    name = store_upload(data)
    return jobs.submit(
        f"roll-import-{scope}",
        import_stored,
        actor.id,
        scope,
        process_id,
        name,
        owner=actor,
        label=IMPORT_LABEL,
        subject=subject(scope),
    )


def refusal(error: importing.RollFileErrors) -> str:
    """The job's outcome when lines are bad: the message, then one line per problem, as many
    as fit in the job's record, then how many more."""
    return jobs.refusal_text(
        str(error.message),
        [_("Line %(line)s: %(reason)s", line=n, reason=reason) for n, reason in error.problems],
        lambda n: ngettext("… and %(n)s more line.", "… and %(n)s more lines.", n, n=n),
    )


def import_stored(actor_id: int, scope: str, process_id: int | None, name: str) -> jobs.Outcome:
    """The job: import the stored file, all or nothing; the summary, or every bad line."""
    path = upload_path(name)
    data = stored_uploads.read(UPLOAD_AREA, name)
    total = max(data.count(b"\n"), 1)

    def report(line: int) -> None:
        jobs.progress(90 * line / total, _("Checking line %(n)s of %(t)s", n=line, t=total))

    retried = False
    try:
        summary = importing.import_roll(
            db.session.get(User, actor_id), scope, process_id, data, utcnow(), report
        )
    except importing.RollFileErrors as error:
        raise jobs.Refused(refusal(error)) from error
    except DomainError as error:
        raise jobs.Refused(str(error.message)) from error
    except Exception:
        retried = jobs.will_retry()  # the retry reads the file again
        raise
    finally:
        if not retried:  # imported, refused or failed for good: the CURPs go
            path.unlink(missing_ok=True)
    return jobs.Outcome(message=describe(summary))


def describe(summary: importing.ImportSummary) -> str:
    return _(
        "Roll imported: %(c)s new, %(u)s updated, %(s)s unchanged; %(a)s attached "
        "to accounts, %(k)s conflicts.",
        c=summary.created,
        u=summary.updated,
        s=summary.unchanged,
        a=summary.attached,
        k=summary.conflicts,
    )
