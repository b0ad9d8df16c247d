"""Value types of a participatory-budgeting election and its tie-break order."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

Amount = int | Fraction  # money and points are exact; floats would flip ties


class BallotKind(StrEnum):
    """Say how a ballot expresses support (a knapsack ballot counts as approval)."""

    APPROVAL = "approval"
    CUMULATIVE = "cumulative"  # points spread over projects
    ORDINAL = "ordinal"  # projects in order of preference


@dataclass(frozen=True)
class Project:
    """Hold one project: its id as written in the source, cost and other columns."""

    id: str
    cost: Amount
    name: str = ""
    extra: Mapping[str, str | None] = field(default_factory=dict)  # other columns, in order


@dataclass(frozen=True)
class Ballot:
    """Hold one voter's ballot: projects named once each, best first if ordinal."""

    projects: tuple[str, ...]
    points: tuple[Amount, ...] | None = None  # cumulative only, aligned with projects
    voter_id: str = ""
    extra: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    """Hold a whole election: budget, ballot kind, projects, ballots and metadata."""

    budget: Amount
    kind: BallotKind
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    meta: Mapping[str, str] = field(default_factory=dict)  # the source's remaining settings
    # What reading had to repair (a vote naming a project twice...); not part of equality.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def project(self, project_id: str) -> Project:
        """Return the project with this id, or raise KeyError."""
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)


def project_key(project_id: str) -> tuple[int, int, str]:
    """Return the sort key that puts the smallest project id first.

    Integer ids compare as numbers ("9" before "10") and come before other ids, which
    compare as strings; a pairwise rule mixing both would not be a total order.
    """
    text = project_id.strip()
    if text.isascii() and text.lstrip("-").isdigit():
        return (0, int(text), project_id)
    return (1, 0, project_id)


def exact(value: Amount | float | str) -> Amount:
    """Return value as an int when whole, else as a Fraction ("1200.0" gives 1200)."""
    number = Fraction(value)
    return number.numerator if number.denominator == 1 else number
