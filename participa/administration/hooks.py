"""What the administration adds to the works pages: the FAIS file and the directorates'
commitments on a work's staff page, and the open commitments of each priority on a council
session's follow-up."""

from participa.administration import fais, meetings
from participa.administration.models import (
    COMMITMENT_STATUS_LABELS,
    FAIS_INCIDENCE_LABELS,
    MEETING_KIND_LABELS,
)
from participa.processes.components import Panel
from participa.works import registry

LABELS = {
    "commitment_labels": COMMITMENT_STATUS_LABELS,
    "meeting_labels": MEETING_KIND_LABELS,
    "incidence_labels": FAIS_INCIDENCE_LABELS,
}


@registry.on_work_page
def work_panel(work, today) -> Panel:
    return Panel(
        "administration/_work_panel.html",
        {
            "fais": fais.fais_of(work),
            "commitments": meetings.commitments_of([work.id]).get(work.id, []),
            "today": today,
            **LABELS,
        },
    )


@registry.on_session_followup
def open_commitments(work_ids, today) -> dict[int, Panel]:
    found = meetings.commitments_of(work_ids, open_only=True)
    return {
        work_id: Panel(
            "administration/_open_commitments.html",
            {"commitments": items, "today": today, **LABELS},
        )
        for work_id, items in found.items()
    }
