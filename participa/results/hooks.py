"""How results plug into the lifecycle: the ballots of a process are mixed when it closes,
and the audit log signs a checkpoint when a process closes or publishes its results."""

from participa.audit.services import request_checkpoint
from participa.core.signals import process_status_changed
from participa.processes import components
from participa.processes.types import Component, ProcessStatus
from participa.results.mixing import mix_on_close

components.on_status_change(Component.QUESTIONNAIRE)(mix_on_close)
components.on_status_change(Component.PB_BALLOT)(mix_on_close)

CHECKPOINT_AT = frozenset({ProcessStatus.CLOSED, ProcessStatus.RESULTS_PUBLISHED})


@process_status_changed.connect
def _checkpoint_when_counted(process, *, after, **_payload) -> None:
    """A checkpoint of the log, signed in the change's transaction, seals what led to a result."""
    if after in CHECKPOINT_AT:
        request_checkpoint()
