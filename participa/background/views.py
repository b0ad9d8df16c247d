"""Staff pages of the background jobs: every job's state and progress, and export downloads."""

import time

from flask import Blueprint, abort, current_app, render_template, request, send_file

from participa.core import exportfiles, jobqueue, jobs, jobstore
from participa.core.access import guard_blueprint
from participa.extensions import db

bp = Blueprint("background", __name__, url_prefix="/gestion/trabajos")
guard_blueprint(bp, "staff", "admin")


def _worker_seen():
    """When a worker of the Redis queue last answered, or None."""
    app = current_app._get_current_object()
    if jobs.mode(app) != "rq":
        return None
    try:
        return jobqueue.last_seen(app)
    except Exception:  # noqa: BLE001 - Redis down: the page still lists the jobs
        return None


VIEWS = {  # ?ver=: which jobs the index lists (messages: one job per e-mail, SMS, notice)
    "": {},
    "mensajes": {"messages": True},
    "mensajes-fallidos": {"messages": True, "failed": True},
}


@bp.route("/")
def index():
    view = request.args.get("ver", "")
    if view not in VIEWS:
        view = ""
    return render_template(
        "background/index.html",
        jobs=jobstore.recent(**VIEWS[view]),
        view=view,
        failed_messages=jobstore.failed_messages(),
        on_redis=jobs.mode(current_app) == "rq",
        worker_seen=_worker_seen(),
    )


def _job(job_id: int) -> jobstore.BackgroundJob:
    return db.get_or_404(jobstore.BackgroundJob, job_id)


@bp.route("/<int:job_id>")
def job(job_id: int):
    return render_template("background/job.html", job=_job(job_id))


@bp.route("/<int:job_id>/descarga")
def download(job_id: int):
    job = _job(job_id)
    if job.state is not jobstore.JobState.SUCCEEDED or not job.result:
        abort(404)
    path = exportfiles.stored_path(job.id, job.result)
    keep = current_app.config.get("EXPORTS_KEEP", 86400)
    if not path.is_file() or path.stat().st_mtime < time.time() - keep:
        return render_template("background/expired.html", job=job), 410
    return send_file(path, as_attachment=True, download_name=job.result, max_age=0)
