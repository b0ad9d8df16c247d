"""Results pages: public once published, the council dashboard before; CSV downloads."""

from flask import Blueprint, Response, abort, render_template, stream_with_context
from flask_babel import get_timezone
from flask_login import current_user

from participa.core.access import require_roles
from participa.processes.services import get_process, public_processes
from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessStatus
from participa.results import exports
from participa.results.access import READERS, Access, results_access
from participa.results.report import build_report
from participa.results.services import participation_counts

bp = Blueprint("results", __name__)

# The council follows turnout from the day participation opens.
DASHBOARD_STATUSES = frozenset({ProcessStatus.OPEN, ProcessStatus.CLOSED}) | RESULTS_PUBLIC_STATUSES


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
    )


@bp.route("/consejo/")
def dashboard():
    require_roles(*sorted(READERS))
    processes = [p for p in public_processes(DASHBOARD_STATUSES) if p.has_questionnaire]
    return render_template(
        "results/dashboard.html", processes=processes, counts=participation_counts(processes)
    )


def _csv(rows, filename: str) -> Response:
    return Response(
        stream_with_context(exports.csv_stream(rows)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/procesos/<int:process_id>/resultados.csv")
def aggregate_csv(process_id: int):
    process, _access = _readable(process_id, Access.FULL)
    return _csv(exports.aggregate_rows(process), f"resultados-proceso-{process.id}.csv")


@bp.route("/procesos/<int:process_id>/respuestas.csv")
def responses_csv(process_id: int):
    process, _access = _readable(process_id, Access.FULL)
    return _csv(exports.response_rows(process), f"respuestas-anonimas-proceso-{process.id}.csv")
