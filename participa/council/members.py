"""Council members: who they are, their position, where they come from, their term."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.council.commit import commit, flush
from participa.council.models import CouncilMember, Position
from participa.extensions import db
from participa.territory.models import Delegacion

MAX_NAME = 160


@dataclass(frozen=True)
class MemberData:
    name: str
    position: Position
    delegacion_id: int | None
    term_start: date | None
    term_end: date | None
    user_id: int | None = None


def all_members() -> list[CouncilMember]:
    query = db.select(CouncilMember).order_by(CouncilMember.term_start.desc(), CouncilMember.name)
    return list(db.session.execute(query).scalars())


def current_members(today: date) -> list[CouncilMember]:
    """Members whose term includes `today`, by position then name."""
    query = db.select(CouncilMember).where(
        CouncilMember.term_start <= today,
        (CouncilMember.term_end.is_(None)) | (CouncilMember.term_end >= today),
    )
    order = list(Position)
    members = db.session.execute(query).scalars()
    return sorted(members, key=lambda m: (order.index(m.position), m.name.casefold()))


def council_accounts() -> list[User]:
    query = db.select(User).where(User.role == Role.COUNCIL).order_by(User.name)
    return list(db.session.execute(query).scalars())


def _check(data: MemberData, member: CouncilMember | None) -> None:
    if not data.name.strip():
        raise DomainError(_l("Write the member's name."), field="name")
    if len(data.name) > MAX_NAME:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NAME), field="name")
    if data.term_start is None:
        raise DomainError(_l("Write the date the term starts."), field="term_start")
    if data.term_end is not None and data.term_end < data.term_start:
        raise DomainError(_l("The term cannot end before it starts."), field="term_end")
    if data.delegacion_id is not None and db.session.get(Delegacion, data.delegacion_id) is None:
        raise DomainError(_l("Choose a delegación from the list."), field="delegacion_id")
    if data.user_id is not None:
        user = db.session.get(User, data.user_id)
        if user is None or user.role is not Role.COUNCIL:
            raise DomainError(_l("Choose an account with the council role."), field="user_id")
        taken = db.session.execute(
            db.select(CouncilMember.id).where(CouncilMember.user_id == data.user_id)
        ).scalar()
        if taken is not None and (member is None or taken != member.id):
            raise DomainError(_l("That account belongs to another member."), field="user_id")


def save_member(actor, member: CouncilMember | None, data: MemberData) -> CouncilMember:
    """Add a member (`member` None) or change one."""
    _check(data, member)
    adding = member is None
    member = member or CouncilMember()
    member.name, member.position = data.name.strip(), data.position
    member.delegacion_id, member.user_id = data.delegacion_id, data.user_id
    member.term_start, member.term_end = data.term_start, data.term_end
    db.session.add(member)
    flush()
    record(
        actor,
        "council.member.add" if adding else "council.member.edit",
        member,
        name=member.name,
        position=member.position,
        term_start=member.term_start,
        term_end=member.term_end,
    )
    commit()
    return member
