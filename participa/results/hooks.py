"""How results plug into the lifecycle: the ballots of a process are mixed when it closes, and
every BALLOTS_MIX_EVERY seconds while it is open (a periodic background job); the audit log
signs a checkpoint when a process closes or publishes its results."""

from participa.audit.services import request_checkpoint
from participa.core import jobclock, jobstore
from participa.core.signals import process_status_changed
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component, ProcessStatus
from participa.results.mixing import MIX_LABEL, mix_on_close, mix_open_job

components.on_status_change(Component.QUESTIONNAIRE)(mix_on_close)
components.on_status_change(Component.PB_BALLOT)(mix_on_close)
jobclock.periodic("ballots-mix", "BALLOTS_MIX_EVERY", mix_open_job, MIX_LABEL)

CHECKPOINT_AT = frozenset({ProcessStatus.CLOSED, ProcessStatus.RESULTS_PUBLISHED})


@process_status_changed.connect
def _checkpoint_when_counted(process, *, after, **_payload) -> None:
    """A checkpoint of the log, signed in the change's transaction, seals what led to a result."""
    if after in CHECKPOINT_AT:
        request_checkpoint()


@components.on_manage(Component.QUESTIONNAIRE)
@components.on_manage(Component.PB_BALLOT)
def jobs_panel(process) -> Panel | None:
    """The process's latest background jobs (mixing, counts, exports) and their state."""
    found = jobstore.latest(f"process:{process.id}", limit=4)
    return Panel("results/_jobs_panel.html", {"jobs": found}) if found else None
