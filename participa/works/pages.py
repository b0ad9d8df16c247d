"""Pieces shared by the staff pages of works (views.py, followup_views.py): the work's page."""

from datetime import date

from flask import abort, render_template
from flask_babel import get_timezone
from flask_babel import gettext as _

from participa.core.forms import EmptyForm
from participa.core.timeutil import local_today
from participa.extensions import db
from participa.works import followup, registry, schedule, services
from participa.works.charts import gantt_chart, history_charts
from participa.works.forms import LABELS, ReportForm, TaskForm
from participa.works.models import Work


def render(template: str, status: int = 200, **context):
    return render_template(f"works/{template}", **LABELS, **context), status


def load(work_id: int) -> Work:
    return db.session.get(Work, work_id) or abort(404)


def today() -> date:
    return local_today(get_timezone())


def work_page(
    work: Work,
    status: int = 200,
    task_form: TaskForm | None = None,
    report_form: ReportForm | None = None,
):
    """The staff page of a work: its data, schedule and follow-up, with the forms of both."""
    day = today()
    tasks = schedule.tasks_of([work])
    chart = gantt_chart(
        "schedule", _("Schedule"), tasks, day, lambda t: schedule.is_overdue(t, day)
    )
    return render(
        "detail.html",
        status,
        work=work,
        origin=services.describe_origin(work),
        tasks=tasks,
        overdue={t.id for t in tasks if schedule.is_overdue(t, day)},
        schedule_chart=chart if tasks else None,
        task_form=task_form or TaskForm(),
        button=EmptyForm(),
        scheduled=work.status in schedule.SCHEDULED,
        panels=registry.work_panels(work, day),
        **_followup(work, report_form),
    )


def _followup(work: Work, form: ReportForm | None) -> dict:
    reports = followup.history(work)
    return {
        "reports": reports,
        "report_form": form or ReportForm(formdata=None, reported_on=today()),
        "reportable": work.status in followup.REPORTABLE,
        "report_sessions": followup.session_names(reports),
        "history_charts": history_charts(work, reports) if reports else [],
    }
