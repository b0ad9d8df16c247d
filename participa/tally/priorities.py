"""Prioritisation of works: a weighted score and a Borda count from council members' scores.

Every member scores every candidate on every criterion, from 0 to the criterion's scale.

- Normalisation: a score s on a criterion of scale S counts s / S when higher is better and
  (S − s) / S when lower is better (cost), so every criterion runs from 0 (worst) to 1 (best).
- A member's weighted total for a candidate is Σ_c w_c · normalised score (0 … Σ w).
- Weighted score of a candidate: the mean of the members' weighted totals.
- Borda: each member ranks the candidates by their own weighted total. With n candidates the
  first gets n − 1 points, the next n − 2 … the last 0. Candidates a member ties share the
  points of the places they occupy, averaged (two tied for first of three get (2 + 1) / 2
  each). A candidate's Borda count is the sum over members.
- Ties in the final orders: the weighted ranking breaks ties by Borda count, then by title
  (case-insensitive), then by id; the Borda ranking by weighted score, then title, then id.

Arithmetic is exact (Fraction). A member with a missing or out-of-range score is refused
with ValueError: the app checks completeness when the member saves, this is the last guard.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "Candidate",
    "CandidateResult",
    "Criterion",
    "MemberInput",
    "Priorities",
    "member_total",
    "prioritise",
]


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: Fraction  # positive
    scale: int  # scores go from 0 to scale
    higher_is_better: bool = True


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str


@dataclass(frozen=True)
class CandidateResult:
    candidate_id: int
    title: str
    weighted: Fraction  # mean of the members' weighted totals
    borda: Fraction  # sum of the members' Borda points
    weighted_rank: int  # 1 = first, after tie-breaks
    borda_rank: int


@dataclass(frozen=True)
class MemberInput:
    """How one member's scores contributed: their total and Borda points per candidate."""

    member_id: int
    totals: Mapping[int, Fraction]  # candidate id -> weighted total
    borda: Mapping[int, Fraction]  # candidate id -> Borda points given


@dataclass(frozen=True)
class Priorities:
    max_total: Fraction  # Σ w: the best possible weighted total
    members: tuple[MemberInput, ...]  # in member id order
    weighted: tuple[CandidateResult, ...]  # weighted ranking order
    borda: tuple[CandidateResult, ...]  # Borda ranking order


Scores = Mapping[tuple[int, int], int]  # (candidate id, criterion id) -> score


def _normalised(criterion: Criterion, score: int) -> Fraction:
    if not 0 <= score <= criterion.scale:
        raise ValueError(f"score {score} outside 0..{criterion.scale} on criterion {criterion.id}")
    value = Fraction(score, criterion.scale)
    return value if criterion.higher_is_better else 1 - value


def member_total(candidate_id: int, criteria: Sequence[Criterion], scores: Scores) -> Fraction:
    """One member's weighted total for a candidate; ValueError if a score is missing."""
    total = Fraction(0)
    for criterion in criteria:
        key = (candidate_id, criterion.id)
        if key not in scores:
            raise ValueError(
                f"missing score for candidate {candidate_id}, criterion {criterion.id}"
            )
        total += criterion.weight * _normalised(criterion, scores[key])
    return total


def _borda_points(totals: Mapping[int, Fraction]) -> dict[int, Fraction]:
    """Points n − 1 … 0 by total, descending; tied candidates share their places' mean."""
    n = len(totals)
    ordered = sorted(totals, key=lambda cid: -totals[cid])
    points: dict[int, Fraction] = {}
    place = 0
    while place < n:
        group = [cid for cid in ordered[place:] if totals[cid] == totals[ordered[place]]]
        shared = Fraction(sum(n - 1 - p for p in range(place, place + len(group))), len(group))
        points.update(dict.fromkeys(group, shared))
        place += len(group)
    return points


def _check(candidates: Sequence[Candidate], criteria: Sequence[Criterion]) -> None:
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("candidate ids repeat")
    if len({c.id for c in criteria}) != len(criteria):
        raise ValueError("criterion ids repeat")
    for criterion in criteria:
        if criterion.weight <= 0 or criterion.scale < 1:
            raise ValueError(f"criterion {criterion.id} needs a positive weight and scale")


def prioritise(
    candidates: Sequence[Candidate],
    criteria: Sequence[Criterion],
    scores: Mapping[int, Scores],
) -> Priorities:
    """Aggregate each member's scores (member id -> scores) into both rankings."""
    _check(candidates, criteria)
    members = []
    for member_id in sorted(scores):
        totals = {c.id: member_total(c.id, criteria, scores[member_id]) for c in candidates}
        members.append(MemberInput(member_id, totals, _borda_points(totals)))
    count = len(members)
    weighted = {
        c.id: sum((m.totals[c.id] for m in members), Fraction(0)) / count if count else Fraction(0)
        for c in candidates
    }
    borda = {c.id: sum((m.borda[c.id] for m in members), Fraction(0)) for c in candidates}

    def by_weighted(c: Candidate):
        return (-weighted[c.id], -borda[c.id], c.title.casefold(), c.id)

    def by_borda(c: Candidate):
        return (-borda[c.id], -weighted[c.id], c.title.casefold(), c.id)

    weighted_order = sorted(candidates, key=by_weighted)
    borda_order = sorted(candidates, key=by_borda)
    w_rank = {c.id: i for i, c in enumerate(weighted_order, start=1)}
    b_rank = {c.id: i for i, c in enumerate(borda_order, start=1)}
    results = {
        c.id: CandidateResult(
            c.id, c.title, weighted[c.id], borda[c.id], w_rank[c.id], b_rank[c.id]
        )
        for c in candidates
    }
    return Priorities(
        max_total=sum((c.weight for c in criteria), Fraction(0)),
        members=tuple(members),
        weighted=tuple(results[c.id] for c in weighted_order),
        borda=tuple(results[c.id] for c in borda_order),
    )
