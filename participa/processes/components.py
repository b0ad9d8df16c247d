"""What each component adds to a process: panels on its public and staff pages, and checks.

Every mechanism registers its hooks the same way, from its own `<domain>/hooks.py`, which the
app factory imports (`participa.factory.HOOKS`), so `processes` never imports the domains that build
on it (tests/test_architecture.py). A hook returns None when it has nothing to show for this
process. Hooks of one component run in the order of `HOOKS`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from participa.processes.models import Process
from participa.processes.types import Component, ProcessStatus


@dataclass(frozen=True)
class Panel:
    """A partial template and the values it reads (as `data.<name>`)."""

    template: str
    data: dict = field(default_factory=dict)


DetailHook = Callable[[Process, object, date], Panel | None]  # (process, user or None, today)
ManageHook = Callable[[Process], Panel | None]
ReadinessHook = Callable[[Process, ProcessStatus], list]  # (process, target) -> problems
StatusHook = Callable[[object, Process, ProcessStatus], None]  # (actor, process, before)

_detail: dict[Component, list[DetailHook]] = {}
_manage: dict[Component, list[ManageHook]] = {}
_readiness: dict[Component, list[ReadinessHook]] = {}
_status: dict[Component, list[StatusHook]] = {}


def _register(table: dict, component: Component):
    def decorator(hook):
        if hook not in table.setdefault(component, []):
            table[component].append(hook)
        return hook

    return decorator


def on_detail(component: Component):
    """Register a panel for the public page of processes with `component`."""
    return _register(_detail, component)


def on_manage(component: Component):
    """Register a panel for the staff page of processes with `component`."""
    return _register(_manage, component)


def on_readiness(component: Component):
    """Register a check run before a process with `component` changes status."""
    return _register(_readiness, component)


def on_status_change(component: Component):
    """Register work done in the same transaction when a process changes status."""
    return _register(_status, component)


def _hooks(table: dict, process: Process):
    for component in process.components:
        yield from table.get(component, ())


def detail_panels(process: Process, user, today: date) -> list[Panel]:
    panels = (hook(process, user, today) for hook in _hooks(_detail, process))
    return [panel for panel in panels if panel is not None]


def manage_panels(process: Process) -> list[Panel]:
    panels = (hook(process) for hook in _hooks(_manage, process))
    return [panel for panel in panels if panel is not None]


def readiness_problems(process: Process, target: ProcessStatus) -> list:
    return [problem for hook in _hooks(_readiness, process) for problem in hook(process, target)]


def status_changed(actor, process: Process, before: ProcessStatus) -> None:
    """Let each component react to a new status (it flushes; the caller commits)."""
    for hook in _hooks(_status, process):
        hook(actor, process, before)
