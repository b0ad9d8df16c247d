"""Tables (mesas) where staff serve residents in person, and the paper batches they enter.

A table serves one ballot: a consultation's questionnaire, or one ballot of a PB process.
`TableService` says a staff member served someone at a table on a channel (desk or paper); it
never says who or what was chosen (the participation and the content keep those apart).
Paper ballots are typed in batches twice, by two different staff members (`BatchEntry`,
slot 1 and 2); only an agreed or reconciled batch becomes ballot content.
"""

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.budgets.models import PbBallot
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import this_hour, utcnow
from participa.eligibility.participants import Channel
from participa.extensions import db
from participa.processes.models import Process
from participa.territory.models import Colonia

MAX_BATCH_SIZE = 200

voting_table_staff = Table(
    "voting_table_staff",
    db.metadata,
    Column("table_id", ForeignKey("voting_table.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class VotingTable(db.Model):
    __tablename__ = "voting_table"
    __table_args__ = (CheckConstraint("received IS NULL OR received >= 0", name="received_ok"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    pb_ballot_id: Mapped[int | None] = mapped_column(ForeignKey("pb_ballot.id"))
    name: Mapped[str] = mapped_column(String(160))
    place: Mapped[str] = mapped_column(String(300), default="")
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"))
    # Papers found in the box when the table closed, counted by its staff.
    received: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    process: Mapped[Process] = relationship()
    pb_ballot: Mapped[PbBallot | None] = relationship()
    colonia: Mapped[Colonia | None] = relationship()
    staff: Mapped[list[User]] = relationship(secondary=voting_table_staff, order_by=User.name)
    batches: Mapped[list["PaperBatch"]] = relationship(
        back_populates="table", order_by="PaperBatch.number"
    )


class TableService(db.Model):
    """A staff member served one person at a table, on the tablet or with a paper ballot."""

    __tablename__ = "table_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("voting_table.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # To the hour only, as participations: the second would give the order of arrival.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=this_hour)


class BatchStatus(enum.StrEnum):
    ENTERING = "entering"  # fewer than two finished entries
    DIFFERENT = "different"  # two finished entries that differ: waiting for a supervisor
    COMMITTED = "committed"  # stored as ballot content


class PaperBatch(db.Model):
    __tablename__ = "paper_batch"
    __table_args__ = (
        UniqueConstraint("table_id", "number"),
        CheckConstraint(f"size >= 1 AND size <= {MAX_BATCH_SIZE}", name="batch_size_ok"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("voting_table.id"), index=True)
    number: Mapped[int]
    size: Mapped[int]  # papers in the batch
    status: Mapped[BatchStatus] = mapped_column(
        enum_type(BatchStatus), default=BatchStatus.ENTERING
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    valid: Mapped[int | None]  # set when committed
    spoiled: Mapped[int | None]  # spoiled or blank papers, counted and never stored as votes
    committed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    table: Mapped[VotingTable] = relationship(back_populates="batches")
    entries: Mapped[list["BatchEntry"]] = relationship(
        back_populates="batch", order_by="BatchEntry.slot"
    )
    resolved_by: Mapped[User | None] = relationship()


class BatchEntry(db.Model):
    """One staff member's typing of a batch; slots 1 and 2, one per person."""

    __tablename__ = "paper_batch_entry"
    __table_args__ = (
        UniqueConstraint("batch_id", "slot"),
        UniqueConstraint("batch_id", "typist_id"),
        CheckConstraint("slot IN (1, 2)", name="entry_slot_ok"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("paper_batch.id"), index=True)
    slot: Mapped[int]
    typist_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    batch: Mapped[PaperBatch] = relationship(back_populates="entries")
    typist: Mapped[User] = relationship()
    papers: Mapped[list["PaperRecord"]] = relationship(
        order_by="PaperRecord.position", cascade="all, delete-orphan"
    )


class PaperRecord(db.Model):
    """One paper as one typist read it: spoiled, or its content as canonical JSON."""

    __tablename__ = "paper_record"
    __table_args__ = (UniqueConstraint("entry_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batch_entry.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # 1 … batch size
    spoiled: Mapped[bool] = mapped_column(default=False)
    content: Mapped[str] = mapped_column(Text, default="")
