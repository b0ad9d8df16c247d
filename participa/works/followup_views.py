"""Follow-up of the priorities: staff record it (/gestion/obras/seguimiento), the council reads
it (/consejo/seguimiento, no forms); their public pages are participa/accountability/."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.budgets.projects import parse_pesos
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.timeutil import utcnow
from participa.core.uploads import MAX_PHOTO_BYTES, photo_folder
from participa.council.models import CouncilSession
from participa.extensions import db
from participa.works import followup, pages, published, registry
from participa.works.charts import progress_chart
from participa.works.forms import ReportForm
from participa.works.models import Work

bp = Blueprint("works_followup", __name__, url_prefix="/gestion/obras/seguimiento")
guard_blueprint(bp, "staff", "admin")
council_bp = Blueprint("works_council", __name__, url_prefix="/consejo/seguimiento")
guard_blueprint(council_bp, "council", "staff", "admin")


def _data(form: ReportForm) -> followup.ReportData:
    return followup.ReportData(
        reported_on=form.reported_on.data,
        progress=form.progress.data,
        spent=parse_pesos(form.spent.data or ""),
        note=form.note.data or "",
    )


def _photos(form: ReportForm) -> list[bytes]:
    uploads = [f for f in form.photos.data or [] if f and getattr(f, "filename", "")]
    return [f.read(MAX_PHOTO_BYTES + 1) for f in uploads]


def _save(form: ReportForm, work: Work, session: CouncilSession | None) -> bool:
    """Validate and store the report; on a DomainError put it on the form and say False."""
    if not form.validate_on_submit():
        return False
    try:
        followup.add_report(
            current_user,
            work,
            _data(form),
            _photos(form),
            photo_folder(current_app.instance_path, followup.AREA),
            utcnow(),
            session,
        )
    except DomainError as error:
        show_error(form, error)
        return False
    return True


def _session(session_id: int) -> CouncilSession:
    return db.session.get(CouncilSession, session_id) or abort(404)


def _session_page(
    session: CouncilSession,
    status: int = 200,
    failed: tuple | None = None,
    readonly: bool = False,
):
    """The follow-up of `session`: with a report form per priority, or `readonly` (council)."""
    works = followup.followed_works()
    done = followup.session_reports(session)
    last = followup.last_reports(w.id for w in works)
    day = session.starts_at.astimezone(get_timezone()).date()
    forms = {}
    for work in [] if readonly else works:
        if failed and failed[0] == work.id:
            forms[work.id] = failed[1]
        else:
            previous = last.get(work.id)
            forms[work.id] = ReportForm(
                prefix=f"w{work.id}",
                formdata=None,
                reported_on=day,
                progress=previous.progress if previous else None,
                spent=str(previous.spent) if previous else "",
            )
    return pages.render(
        "followup_session.html",
        status,
        session=session,
        works=works,
        done=done,
        last=last,
        forms=forms,
        open_=session.status in followup.REPORTING_SESSIONS,
        readonly=readonly,
        panels=registry.followup_panels((w.id for w in works), pages.today()),
        progress=progress_chart(published.public_rows(published.PublicFilter(), pages.today())),
    )


@bp.route("/")
def index():
    return pages.render("followup_index.html", sessions=followup.reporting_sessions())


@council_bp.route("/")
def read_index():
    return pages.render(
        "followup_index.html", sessions=followup.reporting_sessions(), readonly=True
    )


@council_bp.route("/sesion/<int:session_id>")
def read_session(session_id: int):
    """The council reads the follow-up; recording it stays with the office (POST is staff's)."""
    session = _session(session_id)
    if session.status not in followup.REPORTING_SESSIONS:
        abort(404)
    return _session_page(session, readonly=True)


@bp.route("/sesion/<int:session_id>")
def session_followup(session_id: int):
    return _session_page(_session(session_id))


@bp.route("/sesion/<int:session_id>/<int:work_id>", methods=["POST"])
def session_report(session_id: int, work_id: int):
    session, work = _session(session_id), pages.load(work_id)
    if work.status not in followup.FOLLOWED:
        abort(404)
    form = ReportForm(prefix=f"w{work.id}")
    if _save(form, work, session):
        flash(_("Follow-up saved for “%(title)s”.", title=work.title), "success")
        return redirect(url_for(".session_followup", session_id=session.id, _anchor=f"w{work.id}"))
    return _session_page(session, 400, (work.id, form))


@bp.route("/obra/<int:work_id>", methods=["POST"])
def work_report(work_id: int):
    work = pages.load(work_id)
    form = ReportForm()
    if _save(form, work, None):
        flash(_("Follow-up saved."), "success")
        return redirect(url_for("works.detail", work_id=work.id, _anchor="followup"))
    return pages.work_page(work, 400, report_form=form)
