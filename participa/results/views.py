"""Results pages: public once published, the council dashboard before; CSV/XLSX downloads."""

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participa.aggregates.channels import MIN_BALLOTS
from participa.auth.models import SEX_LABELS
from participa.core import jobstore
from participa.core.access import has_role, require_roles
from participa.core.charts import pct
from participa.core.csvfile import csv_stream
from participa.core.timeutil import local_today
from participa.eligibility.participants import CHANNEL_LABELS
from participa.processes.services import get_process
from participa.processes.types import RESULTS_PUBLIC_STATUSES
from participa.results import dashboard as dashboard_charts
from participa.results import export_jobs, exports, period, sections
from participa.results.access import READERS, Access, results_access
from participa.results.channels import consultation_channels
from participa.results.report import build_report
from participa.territory.services import delegaciones

bp = Blueprint("results", __name__)

BAD_LABELS = {
    "anio": _l("Year"),
    "zona": _l("Delegación or colonia"),
    "edad": _l("Age band"),
    "sexo": _l("Sex"),
}


def _readable(process_id: int, needed: Access = Access.TURNOUT):
    """The process and what the current person may read of it; 404 below `needed`."""
    process = get_process(process_id, public=True)
    role = current_user.role.value if current_user.is_authenticated else None
    access = results_access(process, role)
    if access is Access.NONE or (needed is Access.FULL and access is not Access.FULL):
        abort(404)
    return process, access


@bp.route("/procesos/<int:process_id>/resultados")
def public(process_id: int):
    process, access = _readable(process_id)
    return render_template(
        "results/process.html",
        process=process,
        report=build_report(process, get_timezone(), answers=access is Access.FULL),
        preliminary=process.status not in RESULTS_PUBLIC_STATUSES,
        channels=consultation_channels(process) if access is Access.FULL else [],
        channel_labels=CHANNEL_LABELS,
        min_channel=MIN_BALLOTS,
    )


@bp.route("/consejo/")
def dashboard():
    require_roles(*sorted(READERS))
    today = local_today(get_timezone())
    filters, bad = period.parse_filters(request.args, today)
    board = sections.build_dashboard(filters, today)
    return render_template(
        "results/dashboard.html",
        board=board,
        bad=[str(BAD_LABELS[name]) for name in bad],
        zones=[d for d in delegaciones() if d.colonias],
        years=range(max(filters.year, today.year + 1), min(filters.year, today.year - 5) - 1, -1),
        bands=period.BANDS,
        sex_labels=SEX_LABELS,
        source_labels=dashboard_charts.SOURCE_LABELS,
        pct=pct,
        **dashboard_charts.page_charts(board),
    ), (400 if bad else 200)


def _csv(rows, filename: str) -> Response:
    return Response(
        stream_with_context(csv_stream(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/procesos/<int:process_id>/resultados.csv")
def aggregate_csv(process_id: int):
    process, _access = _readable(process_id, Access.FULL)
    return _csv(exports.aggregate_rows(process), f"resultados-proceso-{process.id}.csv")


def _prepare_page(process, fmt: str):
    """For staff, a large export is a job: the page that starts it and shows its state."""
    if not (has_role("staff", "admin") and export_jobs.is_large(process)):
        return None
    return render_template(
        "results/export_prepare.html",
        process=process,
        fmt=fmt,
        jobs=jobstore.latest(export_jobs.subject(process.id, fmt)),
    )


@bp.route("/procesos/<int:process_id>/respuestas.csv")
def responses_csv(process_id: int):
    process, _access = _readable(process_id, Access.FULL)
    if page := _prepare_page(process, "csv"):
        return page
    return _csv(exports.response_rows(process), export_jobs.download_name(process.id, "csv"))


@bp.route("/procesos/<int:process_id>/respuestas.<fmt>/preparar", methods=["POST"])
def prepare_responses(process_id: int, fmt: str):
    require_roles("staff", "admin")
    process, _access = _readable(process_id, Access.FULL)
    if fmt not in export_jobs.FORMATS:
        abort(404)
    job_id = export_jobs.start(current_user, process, fmt)
    return redirect(url_for("background.job", job_id=job_id))


@bp.route("/procesos/<int:process_id>/respuestas.xlsx")
def responses_xlsx(process_id: int):
    process, _access = _readable(process_id, Access.FULL)
    if page := _prepare_page(process, "xlsx"):
        return page
    return Response(
        stream_with_context(exports.xlsx_stream(exports.response_rows(process), "respuestas")),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": (
                f'attachment; filename="respuestas-anonimas-proceso-{process.id}.xlsx"'
            )
        },
    )
