"""Follow-up of the priorities (staff, /gestion/obras/seguimiento) and the public
accountability pages (/obras/, /obras/<id>, CSV/JSON downloads)."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_from_directory,
    stream_with_context,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.budgets.projects import parse_pesos
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.timeutil import local_today, utcnow
from participa.core.uploads import MAX_PHOTO_BYTES, NAME_PATTERN, photo_folder
from participa.council.models import CouncilSession
from participa.extensions import db
from participa.results.exports import csv_stream
from participa.territory.models import Delegacion
from participa.works import accountability, followup, schedule
from participa.works.charts import gantt_chart, history_charts, progress_chart
from participa.works.forms import STATUS_LABELS, AccountabilityFilter, ReportForm
from participa.works.models import Work, WorkStatus
from participa.works.services import describe_origin
from participa.works.views import _detail, _load, _render, public_bp

bp = Blueprint("works_followup", __name__, url_prefix="/gestion/obras/seguimiento")
guard_blueprint(bp, "staff", "admin")
PHOTO_MAX_AGE = 24 * 3600


def _today():
    return local_today(get_timezone())


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


# --- staff --------------------------------------------------------------------------------


def _session(session_id: int) -> CouncilSession:
    return db.session.get(CouncilSession, session_id) or abort(404)


def _session_page(session: CouncilSession, status: int = 200, failed: tuple | None = None):
    works = followup.followed_works()
    done = followup.session_reports(session)
    last = followup.last_reports(w.id for w in works)
    day = session.starts_at.astimezone(get_timezone()).date()
    forms = {}
    for work in works:
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
    return _render(
        "followup_session.html",
        status,
        session=session,
        works=works,
        done=done,
        last=last,
        forms=forms,
        open_=session.status in followup.REPORTING_SESSIONS,
        progress=progress_chart(
            accountability.public_rows(accountability.PublicFilter(), _today())
        ),
    )


@bp.route("/")
def index():
    return _render("followup_index.html", sessions=followup.reporting_sessions())


@bp.route("/sesion/<int:session_id>")
def session_followup(session_id: int):
    return _session_page(_session(session_id))


@bp.route("/sesion/<int:session_id>/<int:work_id>", methods=["POST"])
def session_report(session_id: int, work_id: int):
    session, work = _session(session_id), _load(work_id)
    if work.status not in followup.FOLLOWED:
        abort(404)
    form = ReportForm(prefix=f"w{work.id}")
    if _save(form, work, session):
        flash(_("Follow-up saved for “%(title)s”.", title=work.title), "success")
        return redirect(url_for(".session_followup", session_id=session.id, _anchor=f"w{work.id}"))
    return _session_page(session, 400, (work.id, form))


@bp.route("/obra/<int:work_id>", methods=["POST"])
def work_report(work_id: int):
    work = _load(work_id)
    form = ReportForm()
    if _save(form, work, None):
        flash(_("Follow-up saved."), "success")
        return redirect(url_for("works.detail", work_id=work.id, _anchor="followup"))
    return _detail(work, 400, report_form=form)


def staff_followup(work: Work, form: ReportForm | None) -> dict:
    """What the work's staff page shows of its follow-up (called by views._detail)."""
    reports = followup.history(work)
    return {
        "reports": reports,
        "report_form": form or ReportForm(formdata=None, reported_on=_today()),
        "reportable": work.status in followup.REPORTABLE,
        "report_sessions": accountability.session_names(reports),
        "history_charts": history_charts(work, reports) if reports else [],
    }


# --- public -------------------------------------------------------------------------------


def _filter(form: AccountabilityFilter) -> accountability.PublicFilter:
    key = form.delegacion.data or ""
    status = form.estado.data or ""
    return accountability.PublicFilter(
        period=form.periodo.data or "",
        delegacion_id=int(key) if key.isdecimal() and len(key) < 10 else None,
        status=WorkStatus(status) if status in {s.value for s in followup.PUBLIC} else None,
    )


@public_bp.app_template_global()
def work_is_public(work) -> bool:
    """Whether `work` has a public accountability page (for pages that link to it)."""
    return accountability.public_work(work.id) is not None


@public_bp.route("/")
def public_list():
    form = AccountabilityFilter(request.args)
    form.periodo.choices = [("", _("All"))] + [(p, p) for p in accountability.periods()]
    delegaciones = db.session.execute(db.select(Delegacion).order_by(Delegacion.name)).scalars()
    form.delegacion.choices = [("", _("All"))] + [(str(d.id), d.name) for d in delegaciones]
    form.estado.choices = [("", _("All"))] + [(s.value, STATUS_LABELS[s]) for s in followup.PUBLIC]
    rows = accountability.public_rows(_filter(form), _today())
    return _render(
        "public.html", form=form, rows=rows, progress=progress_chart(rows) if rows else None
    )


def _public(work_id: int) -> Work:
    return accountability.public_work(work_id) or abort(404)


@public_bp.route("/<int:work_id>")
def public_work(work_id: int):
    work, today = _public(work_id), _today()
    reports = followup.history(work)
    tasks = schedule.tasks_of([work])
    return _render(
        "public_work.html",
        work=work,
        row=accountability.row_of(work, today),
        origin=describe_origin(work),
        reports=reports,
        charts=history_charts(work, reports) if reports else [],
        tasks=tasks,
        overdue={t.id for t in tasks if schedule.is_overdue(t, today)},
        schedule_chart=gantt_chart(
            "schedule", _("Schedule"), tasks, today, lambda t: schedule.is_overdue(t, today)
        )
        if tasks
        else None,
        subjects=accountability.linked_subjects(work),
        report_sessions=accountability.session_names(reports),
    )


@public_bp.route("/<int:work_id>/fotos/<name>")
def photo(work_id: int, name: str):
    work = _public(work_id)
    if not NAME_PATTERN.match(name) or not followup.has_photo(work, name):
        abort(404)
    folder = photo_folder(current_app.instance_path, followup.AREA)
    return send_from_directory(folder, name, mimetype="image/jpeg", max_age=PHOTO_MAX_AGE)


def _csv(rows, filename: str) -> Response:
    return Response(
        stream_with_context(csv_stream(list(rows))),  # rows read while the session is open
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json(data, filename: str) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@public_bp.route("/prioridades.csv")
def priorities_csv():
    rows = accountability.public_rows(accountability.PublicFilter(), _today())
    return _csv(accountability.csv_rows(rows), "prioridades.csv")


@public_bp.route("/prioridades.json")
def priorities_json():
    rows = accountability.public_rows(accountability.PublicFilter(), _today())
    return _json({"priorities": [accountability.row_dict(r) for r in rows]}, "prioridades.json")


@public_bp.route("/<int:work_id>/avances.csv")
def history_csv(work_id: int):
    work = _public(work_id)
    return _csv(accountability.history_rows(followup.history(work)), f"avances-{work.id}.csv")


@public_bp.route("/<int:work_id>/avances.json")
def history_json(work_id: int):
    work = _public(work_id)
    reports = followup.history(work)
    sessions = accountability.session_names(reports)
    data = {
        "work_id": work.id,
        "title": work.title,
        "estimated_cost": work.estimated_cost,
        "reports": [accountability.report_dict(r, sessions) for r in reports],
    }
    return _json(data, f"avances-{work.id}.json")
