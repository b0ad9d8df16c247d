"""Helpers shared by the oversight and collaboration views: loading, dates, query numbers."""

from flask import abort
from flask_babel import get_timezone

from participa.core.timeutil import local_today
from participa.oversight import subjects
from participa.processes.services import get_process
from participa.processes.types import Component

SUBJECT_COMPONENTS = frozenset({Component.FINDINGS, Component.PLEDGES})


def load(process_id: int, work_id: int | None = None, *, public: bool = False, need=None):
    """The process (one with watched works, or with component `need`) and a work, or 404."""
    process = get_process(process_id, public=public)
    wanted = {need} if need else SUBJECT_COMPONENTS
    if not set(process.components) & wanted:
        abort(404)
    if work_id is None:
        return process, None
    work = subjects.get_work(process, work_id)
    if work is None:
        abort(404)
    return process, work


def today():
    return local_today(get_timezone())


def small_int(text) -> int | None:
    """A positive id from a query string or select; None for anything else."""
    text = str(text) if text is not None else ""
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def status_code(form) -> int:
    return 400 if form.errors or form.form_errors else 200
