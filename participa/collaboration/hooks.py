"""What popular collaboration plugs into: its panel on the process page, and what pledges add
to oversight's pages of a watched work (a section, a staff panel, a work that cannot go)."""

from participa.collaboration import pledges, totals
from participa.collaboration.models import KIND_LABELS
from participa.oversight import registry, subjects
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component

registry.keeps_work(pledges.pledged_on)


@components.on_detail(Component.PLEDGES)
def detail_panel(process, user, today) -> Panel:
    return Panel(
        "collaboration/_detail.html",
        {
            "works": subjects.works(process),
            "totals": totals.by_work(process),
            "counts": totals.pledge_counts(process),
            "labels": KIND_LABELS,
        },
    )


@registry.on_work_page
def work_section(process, work, user, today) -> Panel | None:
    if Component.PLEDGES not in process.components:
        return None
    return Panel(
        "collaboration/_work_section.html",
        {
            "lines": totals.by_work(process).get(work.id, []),
            "labels": KIND_LABELS,
            "problem": subjects.participation_problem(process, user, today),
        },
    )


@registry.on_staff_panel
def staff_panel(process) -> Panel | None:
    if Component.PLEDGES not in process.components:
        return None
    return Panel(
        "collaboration/_manage.html", {"pledges": sum(totals.pledge_counts(process).values())}
    )
