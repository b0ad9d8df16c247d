"""Participatory-budgeting counting rules: the standard greedy method and Equal Shares.

Pure and exact like the rest of participa.tally (numpy only speeds up the counting):
an Election of projects and ballots goes in, a frozen outcome comes out. Ties always
go to the lower cost, then to more votes, then to the smaller project id.
"""

from participa.tally.pb.greedy import (
    GreedyOutcome,
    GreedyVariant,
    RankedProject,
    greedy,
    greedy_for_meta,
    greedy_from_support,
    greedy_order,
    rank_by_support,
)
from participa.tally.pb.mes import Comparison, Completion, MesOutcome, MesSettings, equal_shares
from participa.tally.pb.model import Amount, Ballot, BallotKind, Election, Project, project_key
from participa.tally.pb.profile import Support, support

__all__ = [
    "Amount",
    "Ballot",
    "BallotKind",
    "Comparison",
    "Completion",
    "Election",
    "GreedyOutcome",
    "GreedyVariant",
    "MesOutcome",
    "MesSettings",
    "Project",
    "RankedProject",
    "Support",
    "equal_shares",
    "greedy",
    "greedy_for_meta",
    "greedy_from_support",
    "greedy_order",
    "project_key",
    "rank_by_support",
    "support",
]
