"""Participatory budgets: ballots (city-wide or per zone), projects, and secret votes.

A PB process holds one or more ballots; each has an amount, a ballot rule, a counting rule
and, for a zone ballot, the colonias whose residents vote in it (none: everyone in the
process's scope). Votes follow the consultations' secrecy design: `PbParticipation` says
who voted in a ballot, `PbVote`/`PbVoteItem` what was chosen, with random ids, no
timestamps and WITHOUT ROWID tables on SQLite.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UNFOLDED, UtcDateTime, enum_type
from participa.core.searchtext import Searchable, search_index
from participa.core.timeutil import utcnow
from participa.eligibility.participants import ParticipantColumns
from participa.extensions import db
from participa.processes.models import Process
from participa.territory.models import Colonia, Delegacion


class BallotRule(enum.StrEnum):
    APPROVAL = "approval"  # choose between min and max projects
    KNAPSACK = "knapsack"  # choose projects whose total cost fits the amount
    CUMULATIVE = "cumulative"  # distribute N points
    RANKING = "ranking"  # order your top K


class CountingRule(enum.StrEnum):
    GREEDY = "greedy"
    MES = "mes"  # Method of Equal Shares


class GreedyVariant(enum.StrEnum):
    PLAIN = "plain"
    THRESHOLD = "threshold"
    NO_SKIP = "no_skip"


class MesCompletion(enum.StrEnum):
    NONE = "none"
    ADD1 = "add1"
    ADD1U = "add1u"


class ProjectStatus(enum.StrEnum):
    PROPOSED = "proposed"  # waiting for technical review
    FEASIBLE = "feasible"  # on the ballot
    UNFEASIBLE = "unfeasible"


class CountState(enum.StrEnum):
    COUNTING = "counting"  # claimed by a background count (or one that stopped: see started_at)
    DONE = "done"
    FAILED = "failed"


class ExecutionStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


pb_ballot_colonia = Table(
    "pb_ballot_colonia",
    db.metadata,
    Column("ballot_id", ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True),
    Column("colonia_id", ForeignKey("colonia.id"), primary_key=True),
)


class PbBallot(db.Model):
    __tablename__ = "pb_ballot"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("min_choices >= 0", name="min_choices_positive"),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        CheckConstraint("min_share_percent BETWEEN 0 AND 100", name="min_share_percent_range"),
        CheckConstraint("points IS NULL OR points >= 1", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    amount: Mapped[int] = mapped_column(BigInteger)  # pesos
    rule: Mapped[BallotRule] = mapped_column(enum_type(BallotRule), default=BallotRule.APPROVAL)
    min_choices: Mapped[int] = mapped_column(default=1)
    max_choices: Mapped[int | None]  # approval: at most; ranking: K
    min_share_percent: Mapped[int] = mapped_column(default=0)  # knapsack: share that must be used
    points: Mapped[int | None]  # cumulative: points to distribute
    proposals_open: Mapped[bool] = mapped_column(default=False)

    counting_rule: Mapped[CountingRule] = mapped_column(
        enum_type(CountingRule), default=CountingRule.GREEDY
    )
    greedy_variant: Mapped[GreedyVariant] = mapped_column(
        enum_type(GreedyVariant), default=GreedyVariant.PLAIN
    )
    greedy_threshold: Mapped[int] = mapped_column(default=0)
    mes_completion: Mapped[MesCompletion] = mapped_column(
        enum_type(MesCompletion), default=MesCompletion.ADD1
    )
    mes_exhaustive_stop: Mapped[bool] = mapped_column(default=False)
    mes_comparison: Mapped[bool] = mapped_column(default=False)

    process: Mapped[Process] = relationship()
    colonias: Mapped[list[Colonia]] = relationship(
        secondary=pb_ballot_colonia, order_by="Colonia.name"
    )
    projects: Mapped[list["PbProject"]] = relationship(
        back_populates="ballot", order_by="PbProject.id", cascade="all, delete-orphan"
    )

    outcome: Mapped["PbOutcome | None"] = relationship(
        back_populates="ballot", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def is_zone(self) -> bool:
        return bool(self.colonias)


class PbProject(Searchable, db.Model):
    __tablename__ = "pb_project"
    SEARCH_FIELDS = ("title", "description", "category", "location")
    __table_args__ = (
        search_index("pb_project"),
        CheckConstraint("estimated_cost > 0", name="estimated_cost_positive"),
        CheckConstraint("cost IS NULL OR cost > 0", name="cost_positive"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(80), default="")
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"))
    # A whole delegación instead of one colonia (staff set it); neither: the ballot's zone.
    delegacion_id: Mapped[int | None] = mapped_column(ForeignKey("delegacion.id"))
    location: Mapped[str] = mapped_column(String(300), default="")  # address or reference
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    photo: Mapped[str | None] = mapped_column(String(80))  # file name under instance/uploads
    photo_alt: Mapped[str] = mapped_column(String(200), default="", server_default="")
    estimated_cost: Mapped[int] = mapped_column(BigInteger)  # the author's estimate, pesos
    cost: Mapped[int | None] = mapped_column(BigInteger)  # the technical review's, on the ballot
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    status: Mapped[ProjectStatus] = mapped_column(
        enum_type(ProjectStatus), default=ProjectStatus.PROPOSED, index=True
    )
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    execution_status: Mapped[ExecutionStatus] = mapped_column(
        enum_type(ExecutionStatus), default=ExecutionStatus.NOT_STARTED
    )
    progress: Mapped[int] = mapped_column(default=0)  # physical progress, percent
    execution_note: Mapped[str] = mapped_column(Text, default="")

    ballot: Mapped[PbBallot] = relationship(back_populates="projects")
    colonia: Mapped[Colonia | None] = relationship()
    delegacion: Mapped[Delegacion | None] = relationship()


class PbOutcome(db.Model):
    """The counted result of a ballot: which projects are funded, and how it was decided."""

    __tablename__ = "pb_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), unique=True
    )
    rule: Mapped[str] = mapped_column(String(40))  # greedy / mes / manual, as counted
    winners: Mapped[str] = mapped_column(Text)  # JSON list of project ids, in funding order
    justification: Mapped[str] = mapped_column(Text, default="")  # required for manual
    counted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published: Mapped[bool] = mapped_column(default=False)

    ballot: Mapped[PbBallot] = relationship(back_populates="outcome")


class PbCount(db.Model):
    """A ballot's background count (greedy, Equal Shares, the comparison) and its state.

    `state`, `started_at`, `finished_at` and `error` describe the last attempt; `result` is
    the last successful count (JSON, participa.budgets.count_store) and `fingerprint` what it
    was counted from, so a reader tells a current count from one that votes or settings
    have overtaken. `attempt` grows with every claim: only the claiming run may finish it.
    """

    __tablename__ = "pb_count"
    # No CHECK of finished_at against started_at: they may come from two servers' clocks.
    __table_args__ = (CheckConstraint("attempt >= 1", name="attempt_positive"),)

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    state: Mapped[CountState] = mapped_column(enum_type(CountState))
    attempt: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(Text)
    counted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when `result` was made


class PbTurnout(db.Model):
    """People who voted in a PB process, each counted once across its ballots.

    Tallies cannot give it (one person may vote in several ballots): the background count
    stores it once voting has closed; `fingerprint` is the participations per ballot it was
    counted from. `by_colonia` is JSON: {colonia id: people}.
    """

    __tablename__ = "pb_turnout"
    __table_args__ = (CheckConstraint("people >= 0", name="people_not_negative"),)

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    people: Mapped[int] = mapped_column(BigInteger)
    by_colonia: Mapped[str] = mapped_column(Text)
    counted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PbParticipation(ParticipantColumns, db.Model):
    """Who voted in a ballot: one row per eligibility key, enforced by the database."""

    __tablename__ = "pb_participation"
    __table_args__ = (
        UniqueConstraint("ballot_id", "voter_key"),
        Index("ix_pb_participation_unfolded", "ballot_id", **UNFOLDED),
    )

    ballot_id: Mapped[int] = mapped_column(ForeignKey("pb_ballot.id"), index=True)
    # False until participa.aggregates.fold adds it to pb_participation_tally.
    folded: Mapped[bool] = mapped_column(default=False, server_default=false())


class PbVote(db.Model):
    """What one voter chose, with no link to who."""

    __tablename__ = "pb_vote"
    __table_args__ = (
        Index("ix_pb_vote_unfolded", "ballot_id", **UNFOLDED),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("pb_ballot.id"), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # False until participa.aggregates.fold adds its items to pb_project_tally.
    folded: Mapped[bool] = mapped_column(default=False, server_default=false())

    items: Mapped[list["PbVoteItem"]] = relationship(cascade="all, delete-orphan")


class PbVoteItem(db.Model):
    __tablename__ = "pb_vote_item"
    __table_args__ = (
        # Counting groups items by project: this index covers it.
        Index("ix_pb_vote_item_project_weight", "project_id", "weight"),
        {"sqlite_with_rowid": False},
    )

    vote_id: Mapped[str] = mapped_column(
        ForeignKey("pb_vote.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("pb_project.id"), primary_key=True)
    # approval/knapsack: 1; cumulative: points given; ranking: position (1 = first)
    weight: Mapped[int] = mapped_column(default=1)
