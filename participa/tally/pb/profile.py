"""Turn ballots into per-project support counts and groups of identical ballots.

The hot loops run in numpy over the flattened ballots; every count stays an exact
integer (Fraction points fall back to plain Python sums).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain

import numpy as np

from participa.tally.pb.model import Amount, BallotKind, Election

__all__ = ["BallotGroup", "Support", "ballot_groups", "support"]

_EXACT_FLOAT = 2**53  # float64 sums of integers stay exact below this


@dataclass(frozen=True)
class Support:
    """Hold each project's support, in the order of the election's projects."""

    score: tuple[Amount, ...]  # approvals, points, or k..1 rank points
    votes: tuple[int, ...]  # ballots naming the project


@dataclass(frozen=True)
class BallotGroup:
    """Hold identical ballots once: project indexes, their weights and how many voters."""

    projects: tuple[int, ...]
    weights: tuple[int, ...]  # 1 per project unless points are used as weights
    voters: int


def _flat_indexes(election: Election) -> tuple[np.ndarray, np.ndarray]:
    """Return every ballot's project indexes end to end, and each ballot's length."""
    index = {project.id: i for i, project in enumerate(election.projects)}
    ballots = election.ballots
    lengths = np.fromiter((len(b.projects) for b in ballots), dtype=np.int64, count=len(ballots))
    ids = chain.from_iterable(b.projects for b in ballots)
    try:
        flat = np.fromiter(map(index.__getitem__, ids), dtype=np.intp, count=int(lengths.sum()))
    except KeyError as error:
        raise ValueError(f"a ballot names unknown project {error.args[0]!r}") from None
    return flat, lengths


def _rank_points(lengths: np.ndarray) -> np.ndarray:
    """Return k, k-1, ..., 1 for each ballot of length k, end to end."""
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.arange(int(lengths.sum()), dtype=np.int64) - starts
    return np.repeat(lengths, lengths) - position


def _weighted_counts(flat: np.ndarray, points: Sequence[Amount], size: int) -> list[Amount]:
    """Sum points per project exactly."""
    if all(type(p) is int for p in points):
        weights = np.fromiter(points, dtype=np.int64, count=len(points))
        if int(np.abs(weights).sum()) < _EXACT_FLOAT:
            return [int(x) for x in np.bincount(flat, weights=weights, minlength=size)]
    totals: list[Amount] = [0] * size
    for i, p in zip(flat.tolist(), points, strict=True):
        totals[i] += Fraction(p) if type(p) is not int else p
    return totals


def support(election: Election) -> Support:
    """Count each project's score and votes (the greedy rule's sort keys)."""
    size = len(election.projects)
    flat, lengths = _flat_indexes(election)
    votes = [int(x) for x in np.bincount(flat, minlength=size)]
    if election.kind is BallotKind.APPROVAL:
        return Support(score=tuple(votes), votes=tuple(votes))
    if election.kind is BallotKind.ORDINAL:
        ranks = _rank_points(lengths)
        score = [int(x) for x in np.bincount(flat, weights=ranks, minlength=size)]
        return Support(score=tuple(score), votes=tuple(votes))
    points = list(chain.from_iterable(b.points or () for b in election.ballots))
    if len(points) != len(flat):
        raise ValueError("a cumulative ballot has points that do not match its projects")
    return Support(score=tuple(_weighted_counts(flat, points, size)), votes=tuple(votes))


def ballot_groups(election: Election, points_as_weights: bool = False) -> list[BallotGroup]:
    """Group identical ballots; a ballot supports each project it names.

    Ranks and points are ignored (each named project weighs 1) unless
    points_as_weights is set for a cumulative election; projects given 0 points
    are then not supported.
    """
    index = {project.id: i for i, project in enumerate(election.projects)}
    weighted = points_as_weights and election.kind is BallotKind.CUMULATIVE
    counter: Counter[tuple[tuple[int, int], ...]] = Counter()
    for ballot in election.ballots:
        weights = ballot.points if weighted else (1,) * len(ballot.projects)
        pairs = ((index[pid], w) for pid, w in zip(ballot.projects, weights or (), strict=True))
        counter[tuple(sorted(pair for pair in pairs if pair[1] != 0))] += 1
    groups = []
    for pairs, voters in counter.items():
        projects = tuple(p for p, _ in pairs)
        weights = tuple(_whole(w) for _, w in pairs)
        groups.append(BallotGroup(projects=projects, weights=weights, voters=voters))
    return groups


def _whole(weight: Amount) -> int:
    """Return a positive whole weight, or raise ValueError."""
    if weight != int(weight) or weight < 0:
        raise ValueError(f"points used as weights must be whole and non-negative: {weight}")
    return int(weight)
