"""What a results page says before the results are published: when they are expected.

Public results pages answered 404 until publication, which reads as "this does not exist".
They now say when results are expected, from the process's calendar, and nothing counted.
"""

from dataclasses import dataclass
from datetime import date

from participa.processes.models import Process

# Phase names that announce the results (staff name phases freely; the demo uses "Resultados").
RESULTS_WORDS = ("resultado", "result", "cómputo", "computo", "conteo")


@dataclass(frozen=True)
class PendingResults:
    process: Process
    expected_on: date | None  # None: "when the count ends"
    voting_ends_on: date | None  # the last day of the phase before the results, if any


def is_results_phase(name: str) -> bool:
    folded = name.casefold()
    return any(word in folded for word in RESULTS_WORDS)


def pending_results(process: Process, today: date) -> PendingResults:
    """The expected date: the start of a results phase still ahead; otherwise unknown."""
    phases = sorted(process.phases, key=lambda p: p.starts_on)
    results = [p for p in phases if is_results_phase(p.name)]
    expected = next((p.starts_on for p in results if p.starts_on >= today), None)
    others = [p for p in phases if not is_results_phase(p.name)]
    voting_ends = max((p.ends_on for p in others), default=None)
    return PendingResults(process, expected, voting_ends)
