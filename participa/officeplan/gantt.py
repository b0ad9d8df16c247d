"""The plan as a Gantt grid: months as columns, a bar per activity, with its text alternative.

Server-rendered HTML (a table), so it reads without JavaScript, prints, and a screen reader
hears each activity's months and status as words; colour only repeats what the text says.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date

from participa.officeplan.models import PlanActivity, WorkPlan
from participa.officeplan.plan import ordered


@dataclass(frozen=True)
class Month:
    number: int
    short: str  # "nov."
    name: str  # "noviembre"


@dataclass(frozen=True)
class GanttRow:
    activity: PlanActivity
    is_sub: bool
    cells: tuple[bool, ...]  # one per month column: inside the bar
    when: str  # "noviembre – diciembre de 2026"
    overdue: bool


@dataclass(frozen=True)
class Gantt:
    months: tuple[Month, ...]
    rows: tuple[GanttRow, ...]

    @property
    def overdue_count(self) -> int:
        return sum(row.overdue for row in self.rows)


def month(year: int, number: int) -> Month:
    first = date(year, number, 1)
    return Month(number, format_date(first, "MMM"), format_date(first, "MMMM"))


def span(year: int, start: int, end: int) -> str:
    first, last = month(year, start), month(year, end)
    if start == end:
        return f"{first.name} {year}"
    return f"{first.name} – {last.name} {year}"


def build(plan: WorkPlan, today: date) -> Gantt:
    """The months the activities cover (all twelve for an empty plan) and a row each."""
    activities = ordered(plan)
    first = min((a.start_month for a in activities), default=1)
    last = max((a.end_month for a in activities), default=12)
    months = tuple(month(plan.year, m) for m in range(first, last + 1))
    rows = tuple(
        GanttRow(
            activity=a,
            is_sub=a.parent_id is not None,
            cells=tuple(a.start_month <= m.number <= a.end_month for m in months),
            when=span(plan.year, a.start_month, a.end_month),
            overdue=a.is_overdue(today),
        )
        for a in activities
    )
    return Gantt(months, rows)
