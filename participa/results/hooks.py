"""How results plug into the lifecycle: the ballots of a process are mixed when it closes, and
every BALLOTS_MIX_EVERY seconds while it is open (a periodic background job)."""

from participa.core import jobclock, jobstore
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component
from participa.results.mixing import MIX_LABEL, mix_on_close, mix_open_job

components.on_status_change(Component.QUESTIONNAIRE)(mix_on_close)
components.on_status_change(Component.PB_BALLOT)(mix_on_close)
jobclock.periodic("ballots-mix", "BALLOTS_MIX_EVERY", mix_open_job, MIX_LABEL)


@components.on_manage(Component.QUESTIONNAIRE)
@components.on_manage(Component.PB_BALLOT)
def jobs_panel(process) -> Panel | None:
    """The process's latest background jobs (mixing, counts, exports) and their state."""
    found = jobstore.latest(f"process:{process.id}", limit=4)
    return Panel("results/_jobs_panel.html", {"jobs": found}) if found else None
