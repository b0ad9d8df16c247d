"""Aggregate tables: what the folded ballot rows add up to, keyed so that no row names a vote.

A counter is never written in a vote's transaction (on PostgreSQL a row's `xmin` names the
transaction that last wrote it, and that transaction also wrote the voter's participation):
`participa.aggregates.fold` adds unfolded ballot rows in a transaction of its own.

Ballot content says nothing of how it arrived (a `channel` there would pair the only web voter
with the only web ballot). The content tallies count every channel together; the "who" tallies
keep the channel; the `paper_*` tallies count the paper ballots apart, written when a batch of
typed papers is committed: a transaction that names no voter, since papers are typed after
their voters have left. Keys that a
column cannot leave empty use a sentinel: option 0 (no option), value -1 (no value), colonia
0 (none) and "" (no age band or sex).
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.eligibility.participants import Channel
from participa.extensions import db

NO_OPTION = 0
NO_VALUE = -1
NO_COLONIA = 0
NO_TEXT = ""


class AnswerTally(db.Model):
    """Answers of a consultation's folded responses per question, option and value."""

    __tablename__ = "answer_tally"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    answers: Mapped[int] = mapped_column(BigInteger, default=0)
    respondents: Mapped[int] = mapped_column(BigInteger, default=0)  # rows with seq 0


class ResponseTally(db.Model):
    """How many folded responses a consultation has."""

    __tablename__ = "response_tally"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    ballots: Mapped[int] = mapped_column(BigInteger, default=0)


class ParticipationHourTally(db.Model):
    """Folded participations of a consultation per UTC hour and channel (turnout per day).

    Who took part is not secret; counters folded like the ballots' keep the hot path of
    voting free of shared rows. Hours are kept apart from the snapshot below so that
    neither table grows with their product.
    """

    __tablename__ = "participation_hour_tally"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), primary_key=True)
    people: Mapped[int] = mapped_column(BigInteger, default=0)


class ParticipationTally(db.Model):
    """Folded participations of a consultation per colonia, age band, sex and channel."""

    __tablename__ = "participation_tally"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    colonia_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    age_band: Mapped[str] = mapped_column(String(10), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), primary_key=True)
    people: Mapped[int] = mapped_column(BigInteger, default=0)


class PbProjectTally(db.Model):
    """Folded PB votes per project: the greedy rule's sort keys.

    `votes` counts ballots naming the project, `weight_sum` adds their stored weights (points
    of a cumulative ballot), `rank_points` adds k + 1 - position over ranking ballots of k
    projects (the tally's ordinal score).
    """

    __tablename__ = "pb_project_tally"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("pb_project.id", ondelete="CASCADE"), primary_key=True
    )
    votes: Mapped[int] = mapped_column(BigInteger, default=0)
    weight_sum: Mapped[int] = mapped_column(BigInteger, default=0)
    rank_points: Mapped[int] = mapped_column(BigInteger, default=0)


class PbBallotTally(db.Model):
    """How many folded votes a PB ballot has."""

    __tablename__ = "pb_ballot_tally"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True
    )
    ballots: Mapped[int] = mapped_column(BigInteger, default=0)


class PbParticipationTally(db.Model):
    """Folded PB participations (who voted, not what) per ballot, colonia and channel.

    The results page reads turnout and each channel's people from here instead of counting
    every participation; people counted once across several ballots are not a sum of these
    (participa.budgets.turnout keeps that count once voting has closed).
    """

    __tablename__ = "pb_participation_tally"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True
    )
    colonia_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), primary_key=True)
    people: Mapped[int] = mapped_column(BigInteger, default=0)


class PaperAnswerTally(db.Model):
    """Answers of a consultation's paper ballots per question, option and value."""

    __tablename__ = "paper_answer_tally"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    answers: Mapped[int] = mapped_column(BigInteger, default=0)


class PaperResponseTally(db.Model):
    """How many paper ballots of a consultation were stored (spoiled ones are not)."""

    __tablename__ = "paper_response_tally"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    ballots: Mapped[int] = mapped_column(BigInteger, default=0)


class PaperProjectTally(db.Model):
    """Paper ballots of a PB ballot naming each project."""

    __tablename__ = "paper_project_tally"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("pb_project.id", ondelete="CASCADE"), primary_key=True
    )
    votes: Mapped[int] = mapped_column(BigInteger, default=0)


class PaperBallotTally(db.Model):
    """How many paper votes of a PB ballot were stored."""

    __tablename__ = "paper_ballot_tally"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballot.id", ondelete="CASCADE"), primary_key=True
    )
    ballots: Mapped[int] = mapped_column(BigInteger, default=0)
