"""The kinds of content residents can report, registered by the domains that own them.

Moderation sits below everything it moderates: each domain registers its reportable kinds from
its own `hooks.py` (imported when the app starts) and moderation imports none of them. The
queue lists kinds in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from participa.moderation.models import TARGET_COLUMNS


@dataclass(frozen=True)
class Location:
    """Where a target is shown, and the process whose settings apply to it."""

    process_id: int
    link: str  # the public path, anchor included, built by hand: services run off requests


@dataclass(frozen=True)
class Reportable:
    """What moderation needs of one kind of content.

    Rows of `model` carry `id`, `visibility`, `hidden_reason` and `author` (None once removed).
    """

    name: str  # in audit actions ("moderation.<name>.hide") and the queue's items
    model: type
    path: str  # in the staff URLs: /gestion/moderacion/<path>/<id>/ocultar
    label: str  # what the queue calls it
    locate: Callable[[Any], Location]
    subject: Callable[[Any], str]  # the staff notice's subject
    excerpt: Callable[[Any], str] | None = None  # the queue's heading, when not the subject
    on_restore: Callable[[Any], None] | None = None  # more to undo when staff restore it

    @property
    def column(self) -> str:
        """Its column on `Report`."""
        return f"{self.name}_id"

    def heading(self, target) -> str:
        return (self.excerpt or self.subject)(target)


_by_name: dict[str, Reportable] = {}
_by_model: dict[type, Reportable] = {}
_by_path: dict[str, Reportable] = {}
# Process id -> how many reports hide its content, or None for the installation default.
_reports_to_hide: list[Callable[[int], int | None]] = []


def register(kind: Reportable) -> None:
    if kind.column not in TARGET_COLUMNS:
        raise ValueError(f"Report has no column {kind.column} for {kind.name}")
    if kind.name in _by_name or kind.model in _by_model or kind.path in _by_path:
        raise ValueError(f"{kind.name} is already registered")
    _by_name[kind.name] = _by_model[kind.model] = _by_path[kind.path] = kind


def register_reports_to_hide(lookup: Callable[[int], int | None]) -> None:
    """Add a per-process setting of how many reports hide content (the first answer wins)."""
    _reports_to_hide.append(lookup)


def kinds() -> list[Reportable]:
    return list(_by_name.values())


def kind_of(target) -> Reportable:
    return _by_model[type(target)]


def by_path(path: str) -> Reportable | None:
    return _by_path.get(path)


def reports_to_hide(process_id: int) -> int | None:
    for lookup in _reports_to_hide:
        if (needed := lookup(process_id)) is not None:
            return needed
    return None
