"""How results plug into the lifecycle: the ballots of a process are mixed when it closes."""

from participa.processes import components
from participa.processes.types import Component
from participa.results.mixing import mix_on_close

components.on_status_change(Component.QUESTIONNAIRE)(mix_on_close)
components.on_status_change(Component.PB_BALLOT)(mix_on_close)
