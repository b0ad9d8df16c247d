"""Find the person in front of a table: the one place that turns a typed key into a Voter.

Today the key is a CURP; the eligibility roll (padrón) will add its own keys here. The voter
key is the web's (`curp:<CURP>`), so a person who voted on the web is refused at the table and
the other way round.
"""

from datetime import date

from flask_babel import lazy_gettext as _l

from participa.auth.curp import InvalidCurp, parse_curp
from participa.auth.models import User
from participa.core.errors import DomainError
from participa.core.participants import Voter, voter_key
from participa.extensions import db
from participa.tally import age_band
from participa.territory.models import Colonia

CURP_PROBLEMS = {
    "length": _l("A CURP has 18 characters."),
    "format": _l("That does not look like a CURP: check the letters and digits."),
    "date": _l("The birth date in that CURP is not a real date."),
    "checksum": _l("The CURP's last digit does not match: check it was typed right."),
}


def masked(curp: str) -> str:
    """A CURP shown on a shared screen: enough to check it, not to copy it."""
    return f"{curp[:4]}…{curp[-4:]}"


def look_up(key: str, colonia_id: int | None, today: date) -> Voter:
    """The person with this CURP; the colonia comes from their account, else `colonia_id`."""
    try:
        info = parse_curp(key.strip().upper())
    except InvalidCurp as error:
        raise DomainError(CURP_PROBLEMS[error.reason], field="key") from error
    account = db.session.execute(db.select(User).where(User.curp == info.curp)).scalar()
    colonia = account.colonia if account is not None and account.colonia else None
    if colonia is None and colonia_id:
        colonia = db.session.get(Colonia, colonia_id)
    if colonia is None:
        raise DomainError(_l("Ask the person which colonia they live in."), field="colonia_id")
    shown = masked(info.curp)
    return Voter(
        voter_key=f"curp:{info.curp}" if account is None else voter_key(account),
        user_id=account.id if account is not None else None,
        colonia_id=colonia.id,
        age_band=age_band(info.birth_date, today),
        sex=info.sex.value,
        label=f"{account.name} ({shown})" if account is not None else shown,
        birth_date=info.birth_date,
    )
