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
from participa.core.timeutil import local_today, utcnow
from participa.eligibility.participants import CHANNEL_LABELS
from participa.processes.pending import pending_results
from participa.processes.services import get_process
from participa.processes.types import RESULTS_PUBLIC_STATUSES
from participa.results import dashboard as dashboard_charts
from participa.results import export_jobs, exports, period, sections
from participa.results.access import READERS, Access, results_access
from participa.results.channels import consultation_channels
from participa.results.overview import build_overview
from participa.results.report import build_report
from participa.territory.services import delegaciones

bp = Blueprint("results", __name__)

BAD_LABELS = {
    "anio": _l("Year"),
    "zona": _l("Delegación or colonia"),
    "edad": _l("Age band"),
    "sexo": _l("Sex"),
}


def _access(process) -> Access:
    role = current_user.role.value if current_user.is_authenticated else None
    return results_access(process, role)


def _readable(process_id: int, needed: Access = Access.TURNOUT):
    """The process and what the current person may read of it; 404 below `needed`."""
    process = get_process(process_id, public=True)
    access = _access(process)
    if access is Access.NONE or (needed is Access.FULL and access is not Access.FULL):
        abort(404)
    return process, access


@bp.route("/procesos/<int:process_id>/resultados")
def public(process_id: int):
    process = get_process(process_id, public=True)
    access = _access(process)
    if access is Access.NONE:
        if not process.has_questionnaire:
            abort(404)
        # Not published yet: when results are expected, and nothing counted.
        pending = pending_results(process, local_today(get_timezone()))
        return render_template("processes/results_pending.html", pending=pending)
    return render_template(
        "results/process.html",
        process=process,
        report=build_report(process, get_timezone(), answers=access is Access.FULL),
        preliminary=process.status not in RESULTS_PUBLIC_STATUSES,
        channels=consultation_channels(process) if access is Access.FULL else [],
        channel_labels=CHANNEL_LABELS,
        min_channel=MIN_BALLOTS,
    )


SECTION_LABELS = {
    "heard": _l("Who was heard"),
    "consultations": _l("Consultations"),
    "pb": _l("Participatory budgeting"),
    "proposals": _l("Proposals"),
    "events": _l("Events"),
}
# Section pages of the dashboard: URL slug -> section (sections.SECTIONS).
SECTION_SLUGS = {
    "escuchados": "heard",
    "consultas": "consultations",
    "presupuesto": "pb",
    "propuestas": "proposals",
    "eventos": "events",
}


def _filters():
    today = local_today(get_timezone())
    filters, bad = period.parse_filters(request.args, today)
    context = {
        "bad": [str(BAD_LABELS[name]) for name in bad],
        "zones": [d for d in delegaciones() if d.colonias],
        "years": range(
            max(filters.year, today.year + 1), min(filters.year, today.year - 5) - 1, -1
        ),
        "bands": period.BANDS,
        "sex_labels": SEX_LABELS,
        "source_labels": dashboard_charts.SOURCE_LABELS,
        "section_labels": SECTION_LABELS,
        "section_slugs": {key: slug for slug, key in SECTION_SLUGS.items()},
        "filter_args": filters.args(),
        "pct": pct,
    }
    return filters, today, context, (400 if bad else 200)


@bp.route("/consejo/")
def dashboard():
    """The first screen: summary cards, the section menu and the council's other pages."""
    require_roles(*sorted(READERS))
    filters, today, context, status = _filters()
    heard = period.who_was_heard(period.period_processes(filters.year), filters, today)
    overview = build_overview(heard.total, today, utcnow())
    return render_template(
        "results/dashboard.html", filters=filters, overview=overview, **context
    ), status


@bp.route("/consejo/tablero/<any(escuchados,consultas,presupuesto,propuestas,eventos):slug>")
def dashboard_section(slug: str):
    """One section of the dashboard on its own page, with the same filters and menu."""
    require_roles(*sorted(READERS))
    filters, today, context, status = _filters()
    section = SECTION_SLUGS[slug]
    board = sections.build_section(filters, today, section)
    return render_template(
        "results/dashboard_section.html",
        filters=filters,
        board=board,
        section=section,
        **context,
        **dashboard_charts.section_charts(board, section),
    ), status


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
