"""A table of a process restricted to the eligibility roll finds people by any roll key, and
gives them the roll entry's one-vote key: the web and the table share it."""

from datetime import date

import pytest
import sqlalchemy as sa

from participa.consultations import answering
from participa.consultations.models import Participation
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.eligibility import importing, matching
from participa.eligibility.models import (
    MUNICIPAL_SCOPE,
    EligibilityRule,
    KeyKind,
    ProcessEligibility,
    RollEntry,
)
from participa.extensions import db
from participa.tables.lookup import look_up
from tests.eligibility.helpers import voter_key
from tests.factories import curp_for
from tests.tables.helpers import TODAY, answers, consultation_table, desk

INE = voter_key(7)  # born 1988-03-14, M
ROLL_CURP = curp_for(date(1975, 6, 1), "H")


@pytest.fixture
def roll_table(make):
    colonias, process, table, (clerk,) = consultation_table(make)
    db.session.add(ProcessEligibility(process_id=process.id, rule=EligibilityRule.ROLL))
    for text in (f"clave_elector,colonia\n{INE},Centro\n", f"curp,colonia\n{ROLL_CURP},Lomas\n"):
        importing.import_roll(clerk, MUNICIPAL_SCOPE, None, text.encode(), utcnow())
    return colonias, process, table, clerk


def _entry(value: str) -> RollEntry:
    return db.session.execute(sa.select(RollEntry).where(RollEntry.key_value == value)).scalar_one()


def test_a_voter_key_on_the_roll_finds_the_person_with_the_entrys_key(roll_table):
    colonias, process, table, clerk = roll_table
    voter = look_up(process, INE.lower(), None, TODAY)
    entry = _entry(INE)
    assert voter.voter_key == f"roll:{entry.id}"
    assert voter.colonia_id == colonias["Centro"].id  # the roll's colonia
    assert (voter.birth_date, voter.sex) == (date(1988, 3, 14), "M")  # printed in the key
    assert voter.in_person and voter.user_id is None


def test_a_curp_on_the_roll_without_an_account_gets_the_entrys_key(roll_table):
    _colonias, process, _table, _clerk = roll_table
    voter = look_up(process, ROLL_CURP, None, TODAY)
    assert voter.voter_key == f"roll:{_entry(ROLL_CURP).id}"


def test_keys_off_the_roll_are_refused_with_what_to_do(roll_table):
    _colonias, process, _table, _clerk = roll_table
    with pytest.raises(DomainError, match="eligibility roll"):
        look_up(process, curp_for(date(1990, 1, 1), "M"), None, TODAY)
    with pytest.raises(DomainError, match="eligibility roll"):
        look_up(process, voter_key(99), None, TODAY)


def test_without_a_roll_only_a_curp_is_accepted(make):
    _colonias, process, _table, _team = consultation_table(make)
    with pytest.raises(DomainError, match="CURP"):
        look_up(process, INE, None, TODAY)


def test_table_then_web_is_one_vote_for_the_roll_entry(roll_table, make):
    colonias, process, table, clerk = roll_table
    desk(table, clerk, look_up(process, INE, None, TODAY), answers(process))
    # The person registers afterwards and types the same voter key on their account page.
    resident = make.user(colonia=colonias["Centro"])
    matching.add_key(resident, KeyKind.VOTER, INE, utcnow())
    assert answering.has_taken_part(process, resident)
    with pytest.raises(answering.AlreadyTookPart):
        answering.submit_response(
            process, resident, answers(process), now=utcnow(), today=TODAY, max_text=2000
        )
    assert db.session.execute(sa.select(sa.func.count(Participation.id))).scalar() == 1


def test_web_then_table_is_refused_for_a_matched_resident(roll_table, make):
    colonias, process, table, clerk = roll_table
    resident = make.user(colonia=colonias["Centro"])
    matching.add_key(resident, KeyKind.VOTER, INE, utcnow())
    answering.submit_response(
        process, resident, answers(process), now=utcnow(), today=TODAY, max_text=2000
    )
    voter = look_up(process, resident.curp, None, TODAY)  # by the account's CURP
    assert voter.voter_key == f"roll:{_entry(INE).id}"
    with pytest.raises(DomainError):
        desk(table, clerk, voter, answers(process))
    assert db.session.execute(sa.select(sa.func.count(Participation.id))).scalar() == 1


def test_under_roll_or_verified_a_person_off_the_roll_is_served_by_curp(roll_table):
    """At a table the person shows an ID: that is verification, so off the roll they vote by
    CURP; on the roll too (the key is the CURP under this rule). Under "on the roll" the same
    CURP is refused."""
    colonias, process, table, clerk = roll_table
    outsider = curp_for(date(1981, 2, 3), "M")
    with pytest.raises(DomainError):
        look_up(process, outsider, colonias["Centro"].id, TODAY)
    setting = db.session.get(ProcessEligibility, process.id)
    setting.rule = EligibilityRule.ROLL_OR_VERIFIED
    db.session.commit()
    voter = look_up(process, outsider, colonias["Centro"].id, TODAY)
    assert voter.voter_key == f"curp:{outsider}" and voter.in_person
    on_roll = look_up(process, ROLL_CURP, None, TODAY)
    assert (on_roll.voter_key, on_roll.colonia_id) == (f"curp:{ROLL_CURP}", colonias["Lomas"].id)
    desk(table, clerk, voter, answers(process))
    keys = db.session.execute(sa.select(Participation.voter_key)).scalars().all()
    assert keys == [f"curp:{outsider}"]


def _roll_or_verified(process) -> None:
    db.session.get(ProcessEligibility, process.id).rule = EligibilityRule.ROLL_OR_VERIFIED
    db.session.commit()


def test_under_roll_or_verified_one_person_cannot_vote_by_voter_key_and_by_curp(roll_table):
    """The same person (born 1988-03-14, a man, on the roll by voter key and without an
    account) at two tables: by voter key at one, by CURP at the other. A voter key is tied to a
    CURP only through an account, so under this rule the table asks for the CURP."""
    colonias, process, table, clerk = roll_table
    _roll_or_verified(process)
    with pytest.raises(DomainError, match="one vote is kept per CURP"):
        look_up(process, INE, None, TODAY)
    curp = curp_for(date(1988, 3, 14), "H")
    desk(table, clerk, look_up(process, curp, colonias["Centro"].id, TODAY), answers(process))
    with pytest.raises(DomainError):
        desk(table, clerk, look_up(process, curp, colonias["Centro"].id, TODAY), answers(process))
    keys = db.session.execute(sa.select(Participation.voter_key)).scalars().all()
    assert keys == [f"curp:{curp}"]


def test_under_roll_or_verified_web_then_table_by_curp_is_refused(roll_table, make):
    """A resident on the roll by voter key votes on the web; the table finds them by CURP."""
    colonias, process, table, clerk = roll_table
    _roll_or_verified(process)
    resident = make.user(colonia=colonias["Centro"])
    matching.add_key(resident, KeyKind.VOTER, INE, utcnow())
    answering.submit_response(
        process, resident, answers(process), now=utcnow(), today=TODAY, max_text=2000
    )
    voter = look_up(process, resident.curp, None, TODAY)
    assert (voter.voter_key, voter.colonia_id) == (f"curp:{resident.curp}", colonias["Centro"].id)
    with pytest.raises(DomainError):
        desk(table, clerk, voter, answers(process))
    assert db.session.execute(sa.select(sa.func.count(Participation.id))).scalar() == 1
