"""A ballot's count as it is stored: the tally's outcomes as JSON, and what they depend on.

Only what the rules decided is kept (rankings, winners, the Equal Shares details); titles
and reasons are laid out again when a page reads it (`counting.explain`), so renaming a
project needs no new count. JSON, not pickle: a database row is no place for code to run,
and a new release reads what an older one stored.
"""

import hashlib
import json
from fractions import Fraction

from participa.aggregates.reads import ballot_support
from participa.budgets.counting import MES_NOT_FOR_RANKING, Comparison, Count, explain
from participa.budgets.models import PbBallot
from participa.tally import pb

VERSION = 1  # of the stored form; part of every fingerprint, so a new form means a new count
SETTINGS = (
    "amount",
    "rule",
    "greedy_variant",
    "greedy_threshold",
    "mes_completion",
    "mes_exhaustive_stop",
    "mes_comparison",
)


def fingerprint(ballot: PbBallot) -> str:
    """What the ballot's count depends on: settings, projects and votes cast (aggregates)."""
    votes = ballot_support(ballot.id).ballots
    projects = tuple((p.id, p.cost, p.status.value) for p in ballot.projects)
    settings = tuple(str(getattr(ballot, name)) for name in SETTINGS)
    key = (VERSION, ballot.id, votes, projects, settings)
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _amount(value) -> int | str:
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else str(value)


def _read_amount(value: int | str):
    return Fraction(value) if isinstance(value, str) else value


def _greedy(outcome: pb.GreedyOutcome) -> dict:
    return {
        "variant": outcome.variant.value,
        "threshold": _amount(outcome.threshold),
        "winners": list(outcome.winners),
        "cost": _amount(outcome.cost),
        "ranking": [
            [r.project_id, _amount(r.cost), _amount(r.score), r.votes] for r in outcome.ranking
        ],
    }


def _mes(outcome: pb.MesOutcome) -> dict:
    settings, preferences = outcome.settings, outcome.comparison
    return {
        "settings": [
            settings.completion.value,
            settings.exhaustive_stop,
            settings.comparison,
            settings.points_as_weights,
        ],
        "winners": list(outcome.winners),
        "cost": _amount(outcome.cost),
        "per_voter_budget": _amount(outcome.per_voter_budget),
        "add1_steps": outcome.add1_steps,
        "mes_winners": list(outcome.mes_winners),
        "filled": list(outcome.filled),
        "preferences": None
        if preferences is None
        else [preferences.prefers_mes, preferences.prefers_greedy],
        "greedy_chosen": outcome.greedy_chosen,
    }


def dumps(comparison: Comparison) -> str:
    """The comparison's counts as JSON (what `loads` lays out again)."""
    mes = comparison.mes
    return json.dumps(
        {
            "version": VERSION,
            "voters": comparison.voters,
            "greedy": _greedy(comparison.greedy.detail),
            "mes": None if mes is None else _mes(mes.detail),
            "mes_for_ranking": comparison.mes_problem is not None,
        }
    )


def _read_greedy(data: dict) -> pb.GreedyOutcome:
    return pb.GreedyOutcome(
        variant=pb.GreedyVariant(data["variant"]),
        winners=tuple(data["winners"]),
        cost=_read_amount(data["cost"]),
        ranking=tuple(
            pb.RankedProject(pid, _read_amount(cost), _read_amount(score), votes)
            for pid, cost, score, votes in data["ranking"]
        ),
        threshold=_read_amount(data["threshold"]),
    )


def _read_mes(data: dict) -> pb.MesOutcome:
    completion, exhaustive_stop, comparison, weights = data["settings"]
    preferences = data["preferences"]
    return pb.MesOutcome(
        settings=pb.MesSettings(pb.Completion(completion), exhaustive_stop, comparison, weights),
        winners=tuple(data["winners"]),
        cost=_read_amount(data["cost"]),
        per_voter_budget=_read_amount(data["per_voter_budget"]),
        add1_steps=data["add1_steps"],
        mes_winners=tuple(data["mes_winners"]),
        filled=tuple(data["filled"]),
        comparison=None if preferences is None else pb.Comparison(*preferences),
        greedy_chosen=data["greedy_chosen"],
    )


def _as_count(rule: str, outcome) -> Count:
    return Count(rule, tuple(int(w) for w in outcome.winners), int(outcome.cost), outcome)


def loads(ballot: PbBallot, text: str) -> Comparison | None:
    """The stored comparison laid out for `ballot`; None when stored in another form."""
    data = json.loads(text)
    if data.get("version") != VERSION:
        return None
    greedy = _as_count("greedy", _read_greedy(data["greedy"]))
    mes = None if data["mes"] is None else _as_count("mes", _read_mes(data["mes"]))
    problem = MES_NOT_FOR_RANKING if data["mes_for_ranking"] else None
    return explain(ballot, data["voters"], greedy, mes, problem)
