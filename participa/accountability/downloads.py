"""The CSV and JSON shapes of the priorities and of a work's history (docs/works.md)."""

from participa.accountability.service import Row
from participa.works.followup import session_names
from participa.works.models import ProgressReport, Work

CSV_HEADER = (
    "period", "place", "work_id", "title", "status", "delegacion", "colonia", "funding",
    "estimated_cost", "progress_pct", "spent", "last_report_on", "tasks_done", "tasks_total",
    "tasks_overdue", "money_pledged", "money_delivered", "pledges", "findings",
)  # fmt: skip
HISTORY_HEADER = ("report_id", "reported_on", "progress_pct", "spent", "note", "session")


def _zone_names(work: Work) -> tuple[str, str]:
    delegacion = work.zone_delegacion
    return (delegacion.name if delegacion else "", work.colonia.name if work.colonia else "")


def row_dict(row: Row) -> dict:
    """The JSON shape of one priority (documented in docs/works.md)."""
    delegacion, colonia = _zone_names(row.work)
    return {
        "period": row.period,
        "place": row.rank,
        "work_id": row.work.id,
        "title": row.work.title,
        "status": row.work.status.value,
        "delegacion": delegacion or None,
        "colonia": colonia or None,
        "funding": row.work.funding.value,
        "estimated_cost": row.work.estimated_cost,
        "progress_pct": row.progress,
        "spent": row.spent,
        "last_report_on": row.report.reported_on.isoformat() if row.report else None,
        "tasks": {"done": row.tasks_done, "total": row.tasks_total, "overdue": row.overdue},
        "pledges": {
            "money_pledged": row.pledged.money_pledged,
            "money_delivered": row.pledged.money_delivered,
            "count": row.pledged.pledges,
        },
        "findings": row.pledged.findings,
    }


def csv_rows(rows: list[Row]):
    yield CSV_HEADER
    for row in rows:
        data = row_dict(row)
        yield (
            data["period"], data["place"], data["work_id"], data["title"], data["status"],
            data["delegacion"] or "", data["colonia"] or "", data["funding"],
            data["estimated_cost"], data["progress_pct"], data["spent"],
            data["last_report_on"] or "", row.tasks_done, row.tasks_total, row.overdue,
            row.pledged.money_pledged, row.pledged.money_delivered, row.pledged.pledges,
            row.pledged.findings,
        )  # fmt: skip


def report_dict(report: ProgressReport, sessions: dict[int, str]) -> dict:
    return {
        "report_id": report.id,
        "reported_on": report.reported_on.isoformat(),
        "progress_pct": report.progress,
        "spent": report.spent,
        "note": report.note,
        "session": sessions.get(report.council_session_id),
    }


def history_rows(reports: list[ProgressReport]):
    yield HISTORY_HEADER
    sessions = session_names(reports)
    for report in reports:
        data = report_dict(report, sessions)
        yield tuple(data[k] if data[k] is not None else "" for k in HISTORY_HEADER)
