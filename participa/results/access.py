"""Who may read which results of a consultation, and when.

While participation is open the council and staff follow turnout only: answers are
withheld until it closes, because two reads of live answers a moment apart would show
what one known person answered. The public reads everything once results are published.
"""

import enum

from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessStatus

READERS = frozenset({"council", "staff", "admin"})


class Access(enum.Enum):
    NONE = "none"
    TURNOUT = "turnout"  # participation statistics, no answers
    FULL = "full"  # answers, charts and downloads


def results_access(process, role: str | None) -> Access:
    """What a person of `role` (None: anonymous) may read of `process`'s results now."""
    if not process.has_questionnaire:
        return Access.NONE
    if process.status in RESULTS_PUBLIC_STATUSES:
        return Access.FULL
    if role not in READERS:
        return Access.NONE
    if process.status is ProcessStatus.CLOSED:
        return Access.FULL
    if process.status is ProcessStatus.OPEN:
        return Access.TURNOUT
    return Access.NONE
