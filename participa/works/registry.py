"""What higher domains add to the staff pages of works, without works importing them.

A domain registers, from its hooks.py, a panel for the staff page of a work
(`on_work_page`) and a panel per priority on a council session's follow-up
(`on_session_followup`); the works pages loop over them.
"""

from collections.abc import Callable, Iterable
from datetime import date

from participa.processes.components import Panel
from participa.works.models import Work

WorkPageHook = Callable[[Work, date], Panel | None]
FollowupHook = Callable[[Iterable[int], date], dict[int, Panel]]  # work ids -> panel per work

_work_page: list[WorkPageHook] = []
_followup: list[FollowupHook] = []


def on_work_page(hook: WorkPageHook) -> WorkPageHook:
    _work_page.append(hook)
    return hook


def on_session_followup(hook: FollowupHook) -> FollowupHook:
    _followup.append(hook)
    return hook


def work_panels(work: Work, today: date) -> list[Panel]:
    return [panel for hook in _work_page if (panel := hook(work, today)) is not None]


def followup_panels(work_ids: Iterable[int], today: date) -> dict[int, list[Panel]]:
    """{work id: [panel]} for the priorities on a session's follow-up page."""
    ids = list(work_ids)
    found: dict[int, list[Panel]] = {}
    for hook in _followup:
        for work_id, panel in hook(ids, today).items():
            found.setdefault(work_id, []).append(panel)
    return found
