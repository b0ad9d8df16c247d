"""Who took part: the columns and snapshot shared by every participation record.

A consultation's `Participation` and a budget ballot's `PbParticipation` say who took part,
never what they chose (DESIGN.md, ballot secrecy); both keep the same coarse statistics.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import this_hour, to_hour
from participa.eligibility.keys import person_key
from participa.tally import age_band


class Channel(enum.StrEnum):
    WEB = "web"
    DESK = "desk"
    PAPER = "paper"


CHANNEL_LABELS = {
    Channel.WEB: _l("Web"),
    Channel.DESK: _l("Table (tablet)"),
    Channel.PAPER: _l("Paper ballot"),
}


class ParticipantColumns:
    """Columns of a participation record; the unique key is declared by each table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), default=Channel.WEB)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=this_hour)  # to_hour
    # Snapshots for statistics, so a later move or birthday does not rewrite history.
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))


@dataclass(frozen=True)
class Voter:
    """A person about to take part, whether from a web account or looked up at a table."""

    voter_key: str  # empty when the person has no eligibility key (no CURP, not on the roll)
    user_id: int | None
    colonia_id: int | None
    age_band: str | None
    sex: str | None
    label: str  # what staff see on the table's screen
    birth_date: date | None = None  # for a process's minimum age
    in_person: bool = False  # seen at a table, ID in hand


def voter_key(person, process) -> str:
    """The eligibility key of a person in `process`: one vote per key and ballot.

    A roll entry's identity when the process is restricted to a roll, else the CURP
    (participa.eligibility.person_key), so every channel of one person shares it. A looked-up
    Voter already carries its key.
    """
    if isinstance(person, Voter):
        return person.voter_key
    return person_key(process, person)


def as_voter(person, today: date, process) -> Voter:
    """`person` as a Voter: a looked-up Voter stays itself, a User gives its account's data."""
    if isinstance(person, Voter):
        return person
    return Voter(
        voter_key=voter_key(person, process) if person.curp else "",
        user_id=person.id,
        colonia_id=person.colonia_id,
        age_band=age_band(person.birth_date, today),
        sex=person.sex.value if person.sex else None,
        label=person.name,
        birth_date=person.birth_date,
    )


def participant(
    person, *, process, now: datetime, today: date, channel: Channel = Channel.WEB
) -> dict:
    """The participation columns for `person` (a User or a Voter) taking part in `process`."""
    return voter_columns(as_voter(person, today, process), now=now, channel=channel)


def voter_columns(voter: Voter, *, now: datetime, channel: Channel) -> dict:
    """The participation columns of `voter`: every one given (a bulk insert sets no default).

    The time is kept to the hour only (`to_hour`): who took part is not secret, but the second
    they did would give their place in the order of arrival.
    """
    return {
        "voter_key": voter.voter_key,
        "user_id": voter.user_id,
        "channel": channel,
        "created_at": to_hour(now),
        "colonia_id": voter.colonia_id,
        "age_band": voter.age_band,
        "sex": voter.sex,
    }
