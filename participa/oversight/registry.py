"""What the domains built on oversight add to a watched work, so oversight imports none of them.

Collaboration registers here from its hooks.py (imported by the app factory): a
section of the work's public page, a panel after the works on the staff page, and what keeps
a work from being removed. A page hook returns None when it has nothing for this process.
"""

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from participa.oversight.models import WatchedWork
from participa.processes.components import Panel
from participa.processes.models import Process

WorkSection = Callable[[Process, WatchedWork, object, date], Panel | None]  # user or None, today
StaffSection = Callable[[Process], Panel | None]
Keeper = Callable[[int], sa.ColumnElement[bool]]  # work id -> "something is filed on it"

_work_sections: list[WorkSection] = []
_staff_sections: list[StaffSection] = []
_keepers: list[Keeper] = []


def _register(table: list):
    def decorator(hook):
        if hook not in table:
            table.append(hook)
        return hook

    return decorator


def on_work_page(hook: WorkSection) -> WorkSection:
    """Register a section for the public page of a watched work (after its facts)."""
    return _register(_work_sections)(hook)


def on_staff_panel(hook: StaffSection) -> StaffSection:
    """Register a panel shown after the works on the process's staff page."""
    return _register(_staff_sections)(hook)


def keeps_work(hook: Keeper) -> Keeper:
    """Register an EXISTS clause: while it holds for a work, the work cannot be removed."""
    return _register(_keepers)(hook)


def work_sections(process: Process, work: WatchedWork, user, today: date) -> list[Panel]:
    sections = (hook(process, work, user, today) for hook in _work_sections)
    return [section for section in sections if section is not None]


def staff_sections(process: Process) -> list[Panel]:
    sections = (hook(process) for hook in _staff_sections)
    return [section for section in sections if section is not None]


def keepers(work_id: int) -> list[sa.ColumnElement[bool]]:
    return [hook(work_id) for hook in _keepers]
