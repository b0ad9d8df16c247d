"""Public accountability pages (/obras/, /obras/<id>) and their CSV/JSON downloads.

The blueprint keeps the name it had in works ("works_public"): templates link to it by name.
"""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
    stream_with_context,
    url_for,
)
from flask_babel import get_timezone, pgettext
from flask_babel import gettext as _
from flask_login import current_user

from participa.accountability import downloads, service
from participa.accountability.forms import AccountabilityFilter
from participa.administration import meetings
from participa.administration.models import COMMITMENT_STATUS_LABELS, MEETING_KIND_LABELS
from participa.core import maps
from participa.core.csvfile import csv_stream
from participa.core.forms import EmptyForm
from participa.core.timeutil import local_today
from participa.core.uploads import NAME_PATTERN, photo_folder
from participa.extensions import db
from participa.notifications import follows
from participa.notifications.models import FollowKind
from participa.territory.models import Delegacion
from participa.works import followup, published, schedule
from participa.works.charts import gantt_chart, history_charts, progress_chart
from participa.works.forms import LABELS, STATUS_LABELS
from participa.works.models import Work, WorkStatus
from participa.works.services import describe_origin

bp = Blueprint("works_public", __name__, url_prefix="/obras")
PHOTO_MAX_AGE = 24 * 3600


def _render(template: str, **context):
    return render_template(f"accountability/{template}", **LABELS, **context)


def _today():
    return local_today(get_timezone())


def _filter(form: AccountabilityFilter) -> published.PublicFilter:
    key = form.delegacion.data or ""
    status = form.estado.data or ""
    return published.PublicFilter(
        period=form.periodo.data or "",
        delegacion_id=int(key) if key.isdecimal() and len(key) < 10 else None,
        status=WorkStatus(status) if status in {s.value for s in followup.PUBLIC} else None,
    )


@bp.app_template_global()
def work_is_public(work) -> bool:
    """Whether `work` has a public accountability page (for pages that link to it)."""
    return published.public_work(work.id) is not None


def _filter_form() -> AccountabilityFilter:
    form = AccountabilityFilter(request.args)
    form.periodo.choices = [("", _("All"))] + [(p, p) for p in published.periods()]
    delegaciones = db.session.execute(db.select(Delegacion).order_by(Delegacion.name)).scalars()
    form.delegacion.choices = [("", pgettext("feminine", "All"))] + [
        (str(d.id), d.name) for d in delegaciones
    ]
    form.estado.choices = [("", _("All"))] + [(s.value, STATUS_LABELS[s]) for s in followup.PUBLIC]
    return form


@bp.route("/")
def public_list():
    form = _filter_form()
    rows = service.public_rows(_filter(form), _today())
    return _render(
        "public.html", form=form, rows=rows, progress=progress_chart(rows) if rows else None
    )


@bp.route("/mapa")
def map_view():
    """The priorities of the list's filters on a map (those with a place), capped."""
    form = _filter_form()
    rows = published.public_rows(_filter(form), _today())
    located = maps.locate_rows(rows, maps.marker_cap(), lambda row: row.work)
    markers = [
        maps.Marker(
            r.work.latitude,
            r.work.longitude,
            r.work.title,
            url_for(".public_work", work_id=r.work.id),
            str(STATUS_LABELS[r.work.status]),
        ).as_json()
        for r in located.items
    ]
    return _render("map.html", form=form, located=located, markers=markers)


def public_work_or_404(work_id: int) -> Work:
    return published.public_work(work_id) or abort(404)


@bp.route("/<int:work_id>")
def public_work(work_id: int):
    work, today = public_work_or_404(work_id), _today()
    reports = followup.history(work)
    tasks = schedule.tasks_of([work])
    return _render(
        "public_work.html",
        work=work,
        row=service.row_of(work, today),
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
        subjects=service.linked_subjects(work),
        report_sessions=followup.session_names(reports),
        # The directorates' commitments are public follow-up: what each one promised, by when.
        commitments=meetings.commitments_of([work.id]).get(work.id, []),
        commitment_labels=COMMITMENT_STATUS_LABELS,
        meeting_labels=MEETING_KIND_LABELS,
        today=today,
        following=current_user.is_authenticated
        and follows.is_following(current_user.id, FollowKind.WORK, work.id),
        button=EmptyForm(),
    )


@bp.route("/<int:work_id>/fotos/<name>")
def photo(work_id: int, name: str):
    work = public_work_or_404(work_id)
    if not NAME_PATTERN.match(name) or not followup.has_photo(work, name):
        abort(404)
    folder = photo_folder(current_app.instance_path, followup.AREA)
    return send_from_directory(folder, name, mimetype="image/jpeg", max_age=PHOTO_MAX_AGE)


def _csv(rows, filename: str) -> Response:
    return Response(
        stream_with_context(csv_stream(list(rows))),  # rows read while the session is open
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json(data, filename: str) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.route("/prioridades.csv")
def priorities_csv():
    rows = service.public_rows(published.PublicFilter(), _today())
    return _csv(downloads.csv_rows(rows), "prioridades.csv")


@bp.route("/prioridades.json")
def priorities_json():
    rows = service.public_rows(published.PublicFilter(), _today())
    return _json({"priorities": [downloads.row_dict(r) for r in rows]}, "prioridades.json")


@bp.route("/<int:work_id>/avances.csv")
def history_csv(work_id: int):
    work = public_work_or_404(work_id)
    return _csv(downloads.history_rows(followup.history(work)), f"avances-{work.id}.csv")


@bp.route("/<int:work_id>/avances.json")
def history_json(work_id: int):
    work = public_work_or_404(work_id)
    reports = followup.history(work)
    sessions = followup.session_names(reports)
    data = {
        "work_id": work.id,
        "title": work.title,
        "estimated_cost": work.estimated_cost,
        "reports": [downloads.report_dict(r, sessions) for r in reports],
    }
    return _json(data, f"avances-{work.id}.json")
