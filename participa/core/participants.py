"""Who took part: the columns and snapshot shared by every participation record.

A consultation's `Participation` and a budget ballot's `PbParticipation` say who took part,
never what they chose (DESIGN.md, ballot secrecy); both keep the same coarse statistics.
"""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.eligibility.keys import person_key
from participa.tally import age_band


class Channel(enum.StrEnum):
    WEB = "web"
    DESK = "desk"
    PAPER = "paper"


class ParticipantColumns:
    """Columns of a participation record; the unique key is declared by each table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), default=Channel.WEB)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Snapshots for statistics, so a later move or birthday does not rewrite history.
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))


def voter_key(user, process) -> str:
    """The eligibility key of `user` in `process`: one vote per key and ballot.

    A roll entry's identity when the process is restricted to a roll, else the CURP
    (participa.eligibility.person_key), so every channel of one person shares it.
    """
    return person_key(process, user)


def participant(
    user, *, process, now: datetime, today: date, channel: Channel = Channel.WEB
) -> dict:
    """The participation columns for `user` taking part in `process` now."""
    return {
        "voter_key": voter_key(user, process),
        "user_id": user.id,
        "channel": channel,
        "created_at": now,
        "colonia_id": user.colonia_id,
        "age_band": age_band(user.birth_date, today),
        "sex": user.sex.value if user.sex else None,
    }
