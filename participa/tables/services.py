"""Tables: staff set them up, serve one person at a time, and count what the box received."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.budgets.models import PbBallot
from participa.core.errors import DomainError, NotAllowed
from participa.core.timeutil import to_hour
from participa.eligibility.participants import Channel, Voter
from participa.extensions import db
from participa.processes.types import Component, ProcessStatus
from participa.tables.ballots import ballot_of
from participa.tables.models import BatchStatus, PaperBatch, TableService, VotingTable
from participa.territory.models import Colonia

ALREADY = _l("This person has already voted in this ballot: on the web, at a table or on paper.")
SERVING_STATUSES = (ProcessStatus.PUBLISHED, ProcessStatus.OPEN)


@dataclass(frozen=True)
class TableData:
    name: str
    place: str = ""
    colonia_id: int | None = None
    pb_ballot_id: int | None = None
    staff_ids: tuple[int, ...] = ()


def tables(process) -> list[VotingTable]:
    query = db.select(VotingTable).where(VotingTable.process_id == process.id)
    return list(db.session.execute(query.order_by(VotingTable.name, VotingTable.id)).scalars())


def staff_choices() -> list[User]:
    query = db.select(User).where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active)
    return list(db.session.execute(query.order_by(User.name)).scalars())


def _check(process, data: TableData) -> None:
    if process.status not in SERVING_STATUSES:
        raise DomainError(_l("Tables can be set up only while the process is announced or open."))
    if not data.name.strip():
        raise DomainError(_l("Give the table a name."), field="name")
    if Component.PB_BALLOT in process.components:
        ballot = db.session.get(PbBallot, data.pb_ballot_id) if data.pb_ballot_id else None
        if ballot is None or ballot.process_id != process.id:
            raise DomainError(_l("Choose the ballot this table serves."), field="pb_ballot_id")
    elif Component.QUESTIONNAIRE not in process.components:
        raise DomainError(_l("Only consultations and participatory budgets have tables."))
    if not data.staff_ids:
        raise DomainError(_l("Choose at least one staff member."), field="staff_ids")
    if not set(data.staff_ids) <= {u.id for u in staff_choices()}:
        raise DomainError(_l("Only active staff members can serve a table."), field="staff_ids")


def save_table(actor, process, table: VotingTable | None, data: TableData) -> VotingTable:
    """Create or change a table; its ballot cannot change once someone was served."""
    _check(process, data)
    table = table or VotingTable(process_id=process.id)
    pb_ballot_id = data.pb_ballot_id if Component.PB_BALLOT in process.components else None
    if table.id and table.pb_ballot_id != pb_ballot_id and served(table):
        raise DomainError(_l("People were served at this table: its ballot cannot change."))
    table.name, table.place = data.name.strip(), data.place.strip()
    table.pb_ballot_id = pb_ballot_id
    table.colonia = db.session.get(Colonia, data.colonia_id) if data.colonia_id else None
    wanted = set(data.staff_ids)
    table.staff = [u for u in staff_choices() if u.id in wanted]
    db.session.add(table)
    db.session.flush()
    record(
        actor,
        "table.save",
        process,
        table=table.id,
        name=table.name,
        staff=sorted(u.id for u in table.staff),
    )
    db.session.commit()
    return table


def may_serve(table: VotingTable, user) -> bool:
    """The table's own staff serve it; administrators may step in."""
    return user.role is Role.ADMIN or any(u.id == user.id for u in table.staff)


def served(table: VotingTable) -> int:
    query = db.select(func.count()).where(TableService.table_id == table.id)
    return db.session.execute(query).scalar()


def _serve(actor, table: VotingTable, channel: Channel, now: datetime) -> None:
    """Add the service row; it commits with the ballot or participation, or not at all."""
    if not may_serve(table, actor):
        raise NotAllowed(_l("Only the staff of this table can serve at it."))
    db.session.add(
        TableService(table_id=table.id, channel=channel, staff_id=actor.id, created_at=to_hour(now))
    )


def _audit_served(actor, table: VotingTable, channel: Channel) -> None:
    """Audit who served where and how, never what was chosen, in the vote's own transaction.

    The event commits with the ballot or not at all: a vote is never stored without its
    audit event, nor left without its receipt (the chain serialises appends itself).
    """
    record(actor, f"table.{channel.value}", table.process, table=table.id)


def person_problem(table: VotingTable, voter: Voter, today: date, max_text: int):
    """Why the person cannot vote at this table now, or None."""
    ballot = ballot_of(table, max_text)
    if ballot.has_voted(voter):
        return ALREADY
    return ballot.problem(voter, today)


def desk_vote(actor, table, voter: Voter, content: dict, *, now, today, max_text: int) -> str:
    """Record the person's ballot from the tablet; return the receipt code."""
    ballot = ballot_of(table, max_text)
    _serve(actor, table, Channel.DESK, now)
    _audit_served(actor, table, Channel.DESK)
    try:
        return ballot.record_desk(voter, content, now, today)
    except DomainError as error:  # AuditAppendFailed too: then neither vote nor event stayed
        db.session.rollback()
        if ballot.has_voted(voter):
            raise DomainError(ALREADY) from error
        raise


def hand_out_paper(actor, table, voter: Voter, *, now, today, max_text: int) -> None:
    """Mark the person as having received a paper ballot: they have now voted everywhere."""
    if problem := person_problem(table, voter, today, max_text):
        raise DomainError(problem)
    ballot = ballot_of(table, max_text)
    _serve(actor, table, Channel.PAPER, now)
    db.session.add(ballot.paper_participation(voter, now, today))
    _audit_served(actor, table, Channel.PAPER)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same person, at the same moment, elsewhere
        db.session.rollback()
        raise DomainError(ALREADY) from error
    except DomainError:  # the audit event could not be written: nothing was stored
        db.session.rollback()
        raise


def save_received(actor, table: VotingTable, received: int) -> None:
    """Record how many papers the box held when the table closed."""
    if received < 0:
        raise DomainError(_l("The number of papers cannot be negative."), field="received")
    table.received = received
    record(actor, "table.received", table.process, table=table.id, received=received)
    db.session.commit()


@dataclass(frozen=True)
class Totals:
    desk: int
    handed_out: int  # paper ballots given (PAPER participations served here)
    received: int | None  # papers in the box, counted at closing
    valid: int  # of committed batches
    spoiled: int
    entered: int  # papers in committed batches
    pending: int  # papers in batches not committed yet
    flags: tuple  # what does not add up, in words


def totals(table: VotingTable) -> Totals:
    """The table's numbers and what does not add up."""
    by_channel = dict(
        db.session.execute(
            db.select(TableService.channel, func.count())
            .where(TableService.table_id == table.id)
            .group_by(TableService.channel)
        ).all()
    )
    done = [b for b in table.batches if b.status is BatchStatus.COMMITTED]
    valid, spoiled = sum(b.valid or 0 for b in done), sum(b.spoiled or 0 for b in done)
    pending = sum(b.size for b in table.batches if b.status is not BatchStatus.COMMITTED)
    handed = by_channel.get(Channel.PAPER, 0)
    flags = []
    if table.received is not None and table.received != handed:
        flags.append(_l("The box held a different number of papers than were handed out."))
    if table.received is not None and valid + spoiled + pending != table.received:
        flags.append(_l("The papers in batches do not add up to the papers in the box."))
    if valid + spoiled + pending > handed:
        flags.append(_l("More papers were entered than were handed out."))
    return Totals(
        desk=by_channel.get(Channel.DESK, 0),
        handed_out=handed,
        received=table.received,
        valid=valid,
        spoiled=spoiled,
        entered=valid + spoiled,
        pending=pending,
        flags=tuple(flags),
    )


def next_batch_number(table: VotingTable) -> int:
    query = db.select(func.max(PaperBatch.number)).where(PaperBatch.table_id == table.id)
    return (db.session.execute(query).scalar() or 0) + 1
