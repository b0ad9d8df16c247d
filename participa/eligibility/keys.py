"""Eligibility keys: reading them, the roll that applies to a process, and one key per person.

`person_key` is what the vote paths store as `voter_key`: for a process restricted to the roll
("on the roll") it is the roll entry's identity, so the same entry votes once whatever account
or channel it uses; otherwise the CURP. Under "on the roll or verified" it is the CURP even for
people on the roll: a roll entry found by voter key is tied to a CURP only through an account,
which can be attached after a vote, so a roll key there would be a second key of one person.
"""

import re
import unicodedata
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ScalarSelect, event, or_, select
from sqlalchemy.orm import Session

from participa.auth.curp import InvalidCurp, parse_curp
from participa.auth.models import User
from participa.eligibility.models import (
    MUNICIPAL_SCOPE,
    EligibilityRule,
    KeyKind,
    ProcessEligibility,
    Roll,
    RollEntry,
)
from participa.extensions import db

# Clave de elector (INE): 6 letters of the names, birth date YYMMDD, state, H/M (or X), 3 digits.
VOTER_KEY = re.compile(r"[A-Z]{6}([0-9]{6})([0-9]{2})[HMX][0-9]{3}")
VOTER_STATES = {f"{n:02d}" for n in range(1, 33)} | {"87", "88"}  # 87/88: born abroad
PREDIAL = re.compile(r"[A-Z0-9]{4,25}")
SEPARATORS = re.compile(r"[\s.\-/]+")
MAX_RESULTS = 50

KEY_LABELS = {
    KeyKind.CURP: _l("CURP"),
    KeyKind.VOTER: _l("Voter key (INE)"),
    KeyKind.PREDIAL: _l("Property-tax account"),
}
BAD_KEY = {
    "length": _l("A CURP has exactly 18 characters."),
    "format": _l("That is not the shape of a CURP: 4 letters, 6 digits, 6 letters, 2 characters."),
    "date": _l("The birth date or state inside this CURP is not valid."),
    "checksum": _l("The last digit of this CURP does not match: please check it."),
    KeyKind.VOTER: _l(
        "A voter key has 18 characters: 6 letters, the birth date (6 digits), the state "
        "(2 digits), H or M and 3 digits, as printed on the INE card."
    ),
    KeyKind.PREDIAL: _l("A property-tax account has 4 to 25 letters or digits."),
}


class InvalidKey(ValueError):
    """The text is not a key of its kind; `message` says why, for the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _voter_key_ok(value: str) -> bool:
    match = VOTER_KEY.fullmatch(value)
    if match is None or match.group(2) not in VOTER_STATES:
        return False
    try:
        datetime.strptime(match.group(1), "%y%m%d")
    except ValueError:
        return False
    return True


def normalise(kind: KeyKind, text: str) -> str:
    """The stored form of a key of `kind` (upper case, no spaces); raise InvalidKey."""
    if kind is KeyKind.CURP:
        try:
            return parse_curp(text).curp
        except InvalidCurp as error:
            raise InvalidKey(BAD_KEY[error.reason]) from error
    value = SEPARATORS.sub("", (text or "").upper())
    valid = _voter_key_ok(value) if kind is KeyKind.VOTER else PREDIAL.fullmatch(value)
    if not valid:
        raise InvalidKey(BAD_KEY[kind])
    return value


def folded(text: str) -> str:
    """Lower case without accents or extra spaces, to compare names as people type them."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


RULES_CACHE = "participa.eligibility.rules"


def rule_for(process) -> EligibilityRule:
    """The process's rule, read once per transaction (a vote asks for it several times)."""
    cache = db.session.info.setdefault(RULES_CACHE, {})
    if process.id not in cache:
        setting = db.session.get(ProcessEligibility, process.id)
        cache[process.id] = setting.rule if setting else EligibilityRule.REGISTERED
    return cache[process.id]


def rule_clause(process_id_column) -> ScalarSelect:
    """The process's rule as a column of a statement that reads the process anyway (NULL: the
    default); `remember_rule` then keeps what it read for the transaction."""
    query = select(ProcessEligibility.rule).where(
        ProcessEligibility.process_id == process_id_column
    )
    return query.scalar_subquery()


def remember_rule(process_id: int, rule: EligibilityRule | None) -> EligibilityRule:
    """Keep a rule read by `rule_clause` for the transaction, as `rule_for` keeps its own."""
    rule = rule or EligibilityRule.REGISTERED
    db.session.info.setdefault(RULES_CACHE, {})[process_id] = rule
    return rule


@event.listens_for(Session, "after_transaction_end")
def _forget_rules(session, _transaction) -> None:
    session.info.pop(RULES_CACHE, None)


def process_scope(process) -> str:
    return f"proceso:{process.id}"


def municipal_roll() -> Roll | None:
    query = db.select(Roll).where(Roll.scope == MUNICIPAL_SCOPE)
    return db.session.execute(query).scalar_one_or_none()


def own_roll(process) -> Roll | None:
    query = db.select(Roll).where(Roll.scope == process_scope(process))
    return db.session.execute(query).scalar_one_or_none()


def roll_for(process) -> Roll | None:
    """The roll a process restricted to a roll reads: its own, otherwise the municipality's."""
    return own_roll(process) or municipal_roll()


def entry_of(roll: Roll | None, user) -> RollEntry | None:
    if roll is None:
        return None
    query = db.select(RollEntry).where(RollEntry.roll_id == roll.id, RollEntry.user_id == user.id)
    return db.session.execute(query).scalar_one_or_none()


def person_key(process, user) -> str:
    """The one-vote key of `user` in `process`: `roll:<entry id>` under "on the roll" when the
    account holds an entry of the process's roll, else `curp:<CURP>`."""
    if rule_for(process) is EligibilityRule.ROLL:
        entry = entry_of(roll_for(process), user)
        if entry is not None:
            return f"roll:{entry.id}"
    return f"curp:{user.curp}"


def find_entries(query: str) -> list[RollEntry]:
    """Roll entries whose key is `query` (any kind, any roll) or whose name contains it."""
    text = (query or "").strip()
    if not text:
        return []
    key = SEPARATORS.sub("", text.upper())
    conditions = [RollEntry.key_value == key]
    if len(text) >= 3:
        conditions.append(RollEntry.name.ilike(f"%{text}%"))
    found = db.select(RollEntry).where(or_(*conditions)).order_by(RollEntry.id).limit(MAX_RESULTS)
    return list(db.session.execute(found).scalars())


def entries_of_user(user: User) -> list[RollEntry]:
    query = db.select(RollEntry).where(RollEntry.user_id == user.id).order_by(RollEntry.roll_id)
    return list(db.session.execute(query).scalars())


def process_rolls() -> list[Roll]:
    query = db.select(Roll).where(Roll.process_id.is_not(None)).order_by(Roll.id)
    return list(db.session.execute(query).scalars())


def attached_count(roll: Roll | None) -> int:
    if roll is None:
        return 0
    query = db.select(db.func.count(RollEntry.id)).where(
        RollEntry.roll_id == roll.id, RollEntry.user_id.is_not(None)
    )
    return db.session.execute(query).scalar_one()
