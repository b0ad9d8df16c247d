"""What a results page says before the results are published: when they are expected.

Public results pages answered 404 until publication, which reads as "this does not exist".
They now say when results are expected, from the process's calendar, and nothing counted.
Staff mark the phase in which results are published (`Phase.announces_results`); the date is
never guessed from phase names.
"""

from dataclasses import dataclass
from datetime import date

from participa.processes.models import Process


@dataclass(frozen=True)
class PendingResults:
    process: Process
    expected_on: date | None  # None: "when the count ends"
    voting_ends_on: date | None  # the last day of the phases that do not announce results


def pending_results(process: Process, today: date) -> PendingResults:
    """The expected date: the start of the first results phase still ahead; otherwise unknown.

    Several phases may announce results (a preliminary and a final publication): the first one
    that has not started yet (or starts today) gives the date, as a resident reading the page
    expects the next publication, not one already past.
    """
    phases = sorted(process.phases, key=lambda p: p.starts_on)
    results = [p for p in phases if p.announces_results]
    expected = next((p.starts_on for p in results if p.starts_on >= today), None)
    others = [p for p in phases if not p.announces_results]
    voting_ends = max((p.ends_on for p in others), default=None)
    return PendingResults(process, expected, voting_ends)
