"""How in-person tables plug into the staff page of processes that take votes."""

from participa.eligibility.participants import CHANNEL_LABELS
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component
from participa.tables import services


@components.on_manage(Component.QUESTIONNAIRE)
@components.on_manage(Component.PB_BALLOT)
def manage_panel(process) -> Panel:
    return Panel(
        "tables/_manage.html",
        {"tables": services.tables(process), "channel_labels": CHANNEL_LABELS},
    )
