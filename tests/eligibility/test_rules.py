"""Who may take part: the per-process rule, enforced in consultations, PB and supports, and
one vote per roll entry whatever account holds it."""

import pytest

from participa.budgets import ballots, voting
from participa.budgets.models import BallotRule, PbParticipation
from participa.consultations import answering
from participa.consultations.models import Participation, QuestionKind
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.eligibility import conflicts, desk, matching, person_key, rules
from participa.eligibility.models import (
    EligibilityRule,
    IdKind,
    KeyKind,
    ProcessEligibility,
    RollEntry,
)
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.proposals import supports
from tests.budgets.test_voting import open_ballot
from tests.eligibility.helpers import TODAY, audit_actions, voter_key
from tests.factories import process_questions
from tests.proposals.helpers import Kit as ProposalKit

NOT_ON_ROLL = str(rules.NOT_ON_ROLL)
NOT_VERIFIED = str(rules.NOT_VERIFIED)


def consultation(kit, rule=None):
    process = kit.process(ProcessStatus.OPEN)
    kit.make.question(process, QuestionKind.YES_NO)
    if rule:
        kit.restrict(process, rule)
    return process


def yes(process) -> dict:
    return {process_questions(process)[0].id: 1}


def test_the_default_is_todays_rule_and_the_curp_key(kit):
    process, person = consultation(kit), kit.resident()
    assert answering.eligibility_problem(process, person, TODAY) is None
    assert person_key(process, person) == f"curp:{person.curp}"


def test_a_roll_process_refuses_people_off_the_roll_and_says_what_to_do(kit):
    process = consultation(kit, EligibilityRule.ROLL)
    on, off = kit.resident(), kit.resident()
    kit.import_roll(f"curp,colonia\n{on.curp},Centro\n")
    assert str(answering.eligibility_problem(process, off, TODAY)) == NOT_ON_ROLL
    assert "account page" in NOT_ON_ROLL and "verification desk" in NOT_ON_ROLL
    assert answering.eligibility_problem(process, on, TODAY) is None
    with pytest.raises(DomainError):
        answering.submit_response(
            process, off, yes(process), now=utcnow(), today=TODAY, max_text=99
        )
    answering.submit_response(process, on, yes(process), now=utcnow(), today=TODAY, max_text=99)
    entry_id = db.session.execute(db.select(RollEntry.id)).scalar_one()
    stored = db.session.execute(db.select(Participation.voter_key)).scalars().all()
    assert stored == [f"roll:{entry_id}"]


def test_a_process_roll_comes_before_the_municipal_one(kit):
    process = consultation(kit, EligibilityRule.ROLL)
    municipal, local = kit.resident(), kit.resident()
    kit.import_roll(f"curp,colonia\n{municipal.curp},Centro\n")
    assert answering.eligibility_problem(process, municipal, TODAY) is None
    kit.import_roll(f"curp,colonia\n{local.curp},Centro\n", process=process)
    assert str(answering.eligibility_problem(process, municipal, TODAY)) == NOT_ON_ROLL
    assert answering.eligibility_problem(process, local, TODAY) is None


def test_a_claimant_under_review_is_told_so(kit):
    process = consultation(kit, EligibilityRule.ROLL)
    holder, claimant = kit.resident(), kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(1)},Centro\n")
    matching.add_key(holder, KeyKind.VOTER, voter_key(1), utcnow())
    matching.add_key(claimant, KeyKind.VOTER, voter_key(1), utcnow())
    assert answering.eligibility_problem(process, claimant, TODAY) == rules.UNDER_REVIEW


def test_one_roll_entry_answers_once_even_after_it_moves_to_another_account(kit):
    process = consultation(kit, EligibilityRule.ROLL)
    first, second = kit.resident(), kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(2)},Centro\n")
    matching.add_key(first, KeyKind.VOTER, voter_key(2), utcnow())
    answering.submit_response(process, first, yes(process), now=utcnow(), today=TODAY, max_text=99)
    matching.add_key(second, KeyKind.VOTER, voter_key(2), utcnow())
    (conflict,) = conflicts.open_conflicts()
    conflicts.resolve(kit.staff(), conflict, True, "", utcnow())
    assert (
        person_key(process, second)
        == f"roll:{db.session.execute(db.select(RollEntry.id)).scalar_one()}"
    )
    with pytest.raises(answering.AlreadyTookPart):
        answering.submit_response(
            process, second, yes(process), now=utcnow(), today=TODAY, max_text=99
        )
    assert db.session.execute(db.select(db.func.count(Participation.id))).scalar_one() == 1


def test_under_roll_or_verified_adding_a_voter_key_after_voting_does_not_give_a_second_vote(kit):
    """A verified account votes by CURP, then types its voter key (on the roll) on "Mi cuenta":
    its one-vote key must stay the same, so it cannot vote again."""
    process = consultation(kit, EligibilityRule.ROLL_OR_VERIFIED)
    person = kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(3)},Centro\n")
    desk.verify(kit.staff(), person, IdKind.INE, "", utcnow())
    answering.submit_response(process, person, yes(process), now=utcnow(), today=TODAY, max_text=99)
    matching.add_key(person, KeyKind.VOTER, voter_key(3), utcnow())
    assert person_key(process, person) == f"curp:{person.curp}"
    with pytest.raises(answering.AlreadyTookPart):
        answering.submit_response(
            process, person, yes(process), now=utcnow(), today=TODAY, max_text=99
        )
    assert db.session.execute(db.select(db.func.count(Participation.id))).scalar_one() == 1


def test_under_roll_or_verified_an_unverified_account_on_the_roll_votes_by_curp(kit):
    process, ballot, projects = open_ballot(kit.make, BallotRule.APPROVAL)
    kit.restrict(process, EligibilityRule.ROLL_OR_VERIFIED)
    on, off = kit.resident(), kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(4)},Centro\n")
    matching.add_key(on, KeyKind.VOTER, voter_key(4), utcnow())
    assert str(ballots.voting_problem(ballot, off, TODAY)) == str(rules.NOT_ON_ROLL_OR_VERIFIED)
    voting.cast_vote(ballot, on, {projects[0].id: 1}, now=utcnow(), today=TODAY)
    keys = db.session.execute(db.select(PbParticipation.voter_key)).scalars().all()
    assert keys == [f"curp:{on.curp}"]


def test_a_verified_only_process_needs_the_desk(kit):
    process = consultation(kit, EligibilityRule.VERIFIED)
    person = kit.resident()
    assert str(answering.eligibility_problem(process, person, TODAY)) == NOT_VERIFIED
    verification = desk.verify(kit.staff(), person, IdKind.INE, "", utcnow())
    assert answering.eligibility_problem(process, person, TODAY) is None
    desk.undo(kit.staff(), verification, "Error de captura", utcnow())
    assert str(answering.eligibility_problem(process, person, TODAY)) == NOT_VERIFIED


def test_pb_voting_follows_the_rule_and_votes_once_per_entry(kit):
    process, ballot, projects = open_ballot(kit.make, BallotRule.APPROVAL)
    kit.restrict(process, EligibilityRule.ROLL)
    on, off = kit.resident(), kit.resident()
    kit.import_roll(f"curp,colonia\n{on.curp},Centro\n")
    assert str(ballots.voting_problem(ballot, off, TODAY)) == NOT_ON_ROLL
    assert ballots.voting_problem(ballot, on, TODAY) is None
    voting.cast_vote(ballot, on, {projects[0].id: 1}, now=utcnow(), today=TODAY)
    keys = db.session.execute(db.select(PbParticipation.voter_key)).scalars().all()
    assert keys == [person_key(process, on)] and keys[0].startswith("roll:")
    assert ballots.has_voted(ballot, on)


def test_pb_verified_rule(kit):
    process, ballot, _projects = open_ballot(kit.make, BallotRule.APPROVAL)
    kit.restrict(process, EligibilityRule.VERIFIED)
    person = kit.resident()
    assert str(ballots.voting_problem(ballot, person, TODAY)) == NOT_VERIFIED


def test_supports_follow_the_rule(make):
    pkit = ProposalKit(make)
    process = pkit.initiative()
    proposal = pkit.proposal(process)
    person = pkit.resident()
    db.session.add(ProcessEligibility(process_id=process.id, rule=EligibilityRule.VERIFIED))
    db.session.commit()
    assert str(supports.support_problem(proposal, person, TODAY)) == NOT_VERIFIED
    with pytest.raises(DomainError):
        supports.support(proposal, person, now=utcnow(), today=TODAY)
    desk.verify(pkit.staff(), person, IdKind.PASSPORT, "", utcnow())
    assert supports.support_problem(proposal, person, TODAY) is None


def test_the_public_page_shows_the_reason(kit, app):
    process = consultation(kit, EligibilityRule.VERIFIED)
    person = kit.resident()
    page = kit.client_of(app, person).get(f"/procesos/{process.id}").text
    assert "verification desk" in page


def test_staff_set_the_rule_before_opening_only_and_it_is_audited(kit, app):
    process = kit.process(ProcessStatus.DRAFT)
    client = kit.staff_client(app)
    url = f"/gestion/procesos/{process.id}/participacion"
    refused = client.post(url, data={"rule": "roll"})
    assert refused.status_code == 400 and "There is no roll yet" in refused.text
    assert rules.rule_for(process) is EligibilityRule.REGISTERED
    assert client.post(url, data={"rule": "nobody"}).status_code == 400
    assert client.post(url, data={"rule": "verified"}).status_code == 302
    db.session.expire_all()
    assert rules.rule_for(process) is EligibilityRule.VERIFIED
    assert audit_actions()[-1] == "eligibility.rule"
    assert "Residents verified in person" in client.get(f"/gestion/procesos/{process.id}").text
    process.status = ProcessStatus.OPEN
    db.session.commit()
    locked = client.post(url, data={"rule": "registered"})
    assert locked.status_code == 400 and "only before the process opens" in locked.text
    db.session.expire_all()
    assert rules.rule_for(process) is EligibilityRule.VERIFIED
