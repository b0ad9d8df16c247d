"""Find the person in front of a table: the one place that turns a typed key into a Voter.

The key is a CURP, or, for a process restricted to the eligibility roll (padrón, rule "on the
roll"), any key the roll knows (CURP, voter key, property-tax account). The voter key is the
web's (participa.eligibility.keys.person_key): `roll:<entry id>` under "on the roll", else
`curp:<CURP>`, so a person who voted on the web is refused at the table and the other way round.
Under "on the roll or verified" the key is always the CURP, so only a CURP is looked up: a voter
key found on the roll would give a second key to a person who can also be found by CURP.
"""

from datetime import date

from flask_babel import lazy_gettext as _l

from participa.auth.curp import InvalidCurp, parse_curp
from participa.auth.models import User
from participa.core.errors import DomainError
from participa.eligibility.keys import SEPARATORS, VOTER_KEY, entry_of, roll_for, rule_for
from participa.eligibility.models import ROLL_KEYED, EligibilityRule, KeyKind, RollEntry
from participa.eligibility.participants import Voter, voter_key
from participa.extensions import db
from participa.tally import age_band
from participa.territory.models import Colonia

CURP_PROBLEMS = {
    "length": _l("A CURP has 18 characters."),
    "format": _l("That does not look like a CURP: check the letters and digits."),
    "date": _l("The birth date in that CURP is not a real date."),
    "checksum": _l("The CURP's last digit does not match: check it was typed right."),
}
CURP_ONLY = _l(
    "In this process one vote is kept per CURP: type the CURP printed on the person's voter "
    "card (INE) or other identification."
)
NOT_ON_ROLL = _l(
    "Nobody with that key is on this process's eligibility roll: check it, try another of the "
    "person's keys (CURP, voter key, property-tax account), or send them to the verification desk."
)


def masked(key: str) -> str:
    """A key shown on a shared screen: enough to check it, not to copy it."""
    return f"{key[:4]}…{key[-4:]}"


def _roll_entry(roll, kind: KeyKind, value: str) -> RollEntry | None:
    query = db.select(RollEntry).where(
        RollEntry.roll_id == roll.id, RollEntry.key_kind == kind, RollEntry.key_value == value
    )
    return db.session.execute(query).scalar_one_or_none()


def _voter_key_birth(value: str, today: date) -> tuple[date | None, str | None]:
    """Birth date and sex printed inside an INE voter key, when it has that shape."""
    match = VOTER_KEY.fullmatch(value)
    if match is None:
        return None, None
    digits = match.group(1)
    year = 2000 + int(digits[:2])
    if year > today.year:
        year -= 100
    try:
        born = date(year, int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None, None
    return born, value[14]


def _from_entry(entry: RollEntry, value: str, today: date) -> Voter:
    """A person found on the roll by a voter key or property-tax account."""
    account = entry.user
    if account is not None and account.curp:
        born, sex = account.birth_date, account.sex.value if account.sex else None
    else:
        born, sex = (
            _voter_key_birth(value, today) if entry.key_kind is KeyKind.VOTER else (None, None)
        )
    name = account.name if account is not None else entry.name
    return Voter(
        voter_key=f"roll:{entry.id}",
        user_id=account.id if account is not None else None,
        colonia_id=entry.colonia_id,
        age_band=age_band(born, today),
        sex=sex,
        label=f"{name} ({masked(value)})" if name else masked(value),
        birth_date=born,
        in_person=True,
    )


def look_up(process, key: str, colonia_id: int | None, today: date) -> Voter:
    """The person with this key; the colonia comes from the roll or account, else `colonia_id`."""
    text = (key or "").strip().upper()
    rule = rule_for(process)
    roll = roll_for(process) if rule in ROLL_KEYED else None
    try:
        info = parse_curp(text)
    except InvalidCurp as error:
        if roll is None:
            raise DomainError(CURP_PROBLEMS[error.reason], field="key") from error
        if rule is EligibilityRule.ROLL_OR_VERIFIED:
            raise DomainError(CURP_ONLY, field="key") from error
        value = SEPARATORS.sub("", text)
        for kind in (KeyKind.VOTER, KeyKind.PREDIAL):
            if entry := _roll_entry(roll, kind, value):
                return _from_entry(entry, value, today)
        raise DomainError(NOT_ON_ROLL, field="key") from error
    account = db.session.execute(db.select(User).where(User.curp == info.curp)).scalar()
    entry = None
    if roll is not None:
        entry = (entry_of(roll, account) if account is not None else None) or _roll_entry(
            roll, KeyKind.CURP, info.curp
        )
        # Off the roll: refused under "on the roll"; under "on the roll or verified" the
        # person stands at the table with an ID, which is verification, and votes by CURP.
        if entry is None and rule is EligibilityRule.ROLL:
            raise DomainError(NOT_ON_ROLL, field="key")
    if entry is not None:  # the roll gives the colonia; the key only under "on the roll"
        colonia = entry.colonia
        key_value = f"roll:{entry.id}" if rule is EligibilityRule.ROLL else f"curp:{info.curp}"
    else:
        colonia = account.colonia if account is not None and account.colonia else None
        key_value = f"curp:{info.curp}" if account is None else voter_key(account, process)
    if colonia is None and colonia_id:
        colonia = db.session.get(Colonia, colonia_id)
    if colonia is None:
        raise DomainError(_l("Ask the person which colonia they live in."), field="colonia_id")
    shown = masked(info.curp)
    return Voter(
        voter_key=key_value,
        user_id=account.id if account is not None else None,
        colonia_id=colonia.id,
        age_band=age_band(info.birth_date, today),
        sex=info.sex.value,
        label=f"{account.name} ({shown})" if account is not None else shown,
        birth_date=info.birth_date,
        in_person=True,
    )
