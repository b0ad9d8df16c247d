"""Count Pabulib (.pb) files with a PB rule and describe each result as JSON-ready data.

Shared by `python -m participa.tally pb-results` and `flask pb-results`: one dictionary per
file, with `file` and either the count (`winners`, in the order they were funded, and how
the rule reached them, plus the reader's `warnings`) or `error` and `line` (None when the
problem has no line, such as a missing section). A file that cannot be counted never stops
the others.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from participa.tally.pabulib import PabulibError, read_pabulib
from participa.tally.pb import (
    Amount,
    Completion,
    Election,
    GreedyOutcome,
    MesOutcome,
    MesSettings,
    equal_shares,
    greedy_for_meta,
)

__all__ = ["CountOptions", "count_file", "count_paths", "json_line", "pb_files"]

RULES = ("greedy", "mes")


@dataclass(frozen=True)
class CountOptions:
    """Say which rule counts: greedy (with the file's META variant) or Equal Shares."""

    rule: str
    mes: MesSettings = MesSettings()


def pb_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the given files, and the .pb files under the given folders (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.pb") if p.is_file())
        else:
            yield path


def count_paths(paths: Iterable[Path], options: CountOptions) -> Iterator[dict]:
    """Count every file given or found in the folders given, one result each."""
    for path in pb_files(paths):
        yield count_file(path, options)


def count_file(path: Path, options: CountOptions) -> dict:
    """Count one file; a file that cannot be read or counted gives its error instead."""
    try:
        election = read_pabulib(path)
        if options.rule == "greedy":
            outcome: GreedyOutcome | MesOutcome = greedy_for_meta(election)
        else:
            outcome = equal_shares(election, options.mes)
    except PabulibError as error:
        return {"file": str(path), "error": str(error), "line": error.line}
    except (OSError, ValueError, ArithmeticError) as error:  # unreadable, or too big to count
        return {"file": str(path), "error": str(error) or type(error).__name__, "line": None}
    return report(path, election, outcome)


def json_line(result: dict) -> str:
    """Return one result as a line of JSON (non-ASCII kept as is)."""
    return json.dumps(result, ensure_ascii=False)


def amount(value: Amount) -> int | str:
    """Return an amount for JSON: whole numbers as numbers, fractions as "n/d" text."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else str(value)


def greedy_report(outcome: GreedyOutcome) -> dict:
    """Describe a greedy count."""
    return {
        "rule": "greedy",
        "variant": outcome.variant.value,
        "threshold": amount(outcome.threshold),
    }


def mes_report(outcome: MesOutcome) -> dict:
    """Describe an Equal Shares count."""
    settings, comparison = outcome.settings, outcome.comparison
    preferences = None
    if comparison is not None:
        preferences = {
            "prefers_mes": comparison.prefers_mes,
            "prefers_greedy": comparison.prefers_greedy,
            "greedy_chosen": outcome.greedy_chosen,
        }
    return {
        "rule": "mes",
        "completion": settings.completion.value,
        "exhaustive_stop": settings.exhaustive_stop,
        "points_as_weights": settings.points_as_weights,
        "per_voter_budget": amount(outcome.per_voter_budget),
        "add1_steps": outcome.add1_steps,
        "mes_winners": list(outcome.mes_winners),
        "filled": list(outcome.filled),
        "comparison": preferences,
    }


def report(path: Path, election: Election, outcome: GreedyOutcome | MesOutcome) -> dict:
    """Return the JSON-ready result of a count."""
    details = greedy_report(outcome) if isinstance(outcome, GreedyOutcome) else mes_report(outcome)
    return {
        "file": str(path),
        "vote_type": election.meta.get("vote_type", election.kind.value),
        "voters": len(election.ballots),
        "projects": len(election.projects),
        "budget": amount(election.budget),
        "budget_used": amount(outcome.cost),
        "winners": list(outcome.winners),  # in the order they were funded
        **details,
        "warnings": list(election.warnings),
    }


def mes_settings(completion: str, **flags: bool) -> MesSettings:
    """Return Equal Shares settings from command-line values."""
    return MesSettings(Completion(completion), **flags)
