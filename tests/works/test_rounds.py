"""Prioritisation rounds: lifecycle, complete scores per member, results, approval."""

from fractions import Fraction

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.core import signals
from participa.core.errors import DomainError, NotAllowed
from participa.extensions import db
from participa.works import rounds
from participa.works.models import PrioritisationRound, RoundStatus, Score, WorkStatus
from tests.works.conftest import NOW


def stored_scores(round_) -> int:
    query = sa.select(sa.func.count()).select_from(Score).where(Score.round_id == round_.id)
    return db.session.execute(query).scalar_one()


@pytest.mark.parametrize(
    ("text", "thousandths"),
    [("1", 1000), ("1.5", 1500), ("0,25", 250), (" 2 ", 2000), ("0.001", 1)],
)
def test_weights_are_parsed_exactly(text, thousandths):
    assert rounds.parse_weight(text) == thousandths


@pytest.mark.parametrize("text", ["0", "-1", "abc", "", "1.0005", "NaN", "Infinity", "1001"])
def test_bad_weights_are_refused(text):
    assert rounds.parse_weight(text) is None


def test_criterion_weight_is_a_fraction(works):
    round_ = works.round(criteria=[("Urgencia", "1.5", 5, True)])
    assert round_.criteria[0].weight == Fraction(3, 2)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (rounds.CriterionData("", "1", 10, True), "name"),
        (rounds.CriterionData("Costo", "0", 10, False), "weight"),
        (rounds.CriterionData("Costo", "1", 0, False), "scale"),
        (rounds.CriterionData("Costo", "1", None, False), "scale"),
    ],
)
def test_bad_criteria_are_refused(works, data, field):
    round_ = works.round()
    with pytest.raises(DomainError) as error:
        rounds.add_criterion(works.staff, round_, data)
    assert error.value.field == field
    db.session.rollback()
    assert len(round_.criteria) == 2


def test_a_round_opens_only_with_two_candidates_and_a_criterion(works):
    round_ = works.round(works=[works.work("Sola")], criteria=())
    assert len(rounds.readiness(round_)) == 2
    with pytest.raises(DomainError):
        rounds.change_status(works.staff, round_, RoundStatus.OPEN)
    db.session.rollback()
    assert round_.status is RoundStatus.DRAFT


def test_candidates_and_criteria_are_fixed_once_open(works):
    round_ = works.open_round()
    with pytest.raises(DomainError):
        rounds.add_criterion(works.staff, round_, rounds.CriterionData("Otra", "1", 10, True))
    with pytest.raises(DomainError):
        rounds.set_candidates(works.staff, round_, [])


def test_only_candidate_works_can_be_candidates(works):
    done = works.work("Terminada")
    done.status = WorkStatus.DONE
    round_ = works.round()
    with pytest.raises(DomainError):
        rounds.set_candidates(works.staff, round_, [done.id])
    with pytest.raises(DomainError):
        rounds.set_candidates(works.staff, round_, [9999])


def test_member_scores_are_saved_whole_and_replaced_when_saved_again(works):
    round_ = works.open_round()
    a, b = (c.work_id for c in round_.candidates)
    (member,) = works.council()
    works.scores(round_, member, {a: (8, 2), b: (3, 9)})
    assert rounds.member_scores(round_, member.id)[(a, round_.criteria[0].id)] == 8
    works.scores(round_, member, {a: (1, 1), b: (1, 1)})
    assert stored_scores(round_) == 4
    assert set(rounds.member_scores(round_, member.id).values()) == {1}
    assert rounds.scorers(round_) == [member.id]


@pytest.mark.parametrize("bad", [None, -1, 11], ids=["missing", "negative", "above the scale"])
def test_incomplete_or_out_of_range_scores_store_nothing(works, bad):
    round_ = works.open_round()
    a, b = (c.work_id for c in round_.candidates)
    (member,) = works.council()
    works.scores(round_, member, {a: (5, 5), b: (5, 5)})
    first, second = round_.criteria
    values = {(a, first.id): 7, (a, second.id): 7, (b, first.id): 7, (b, second.id): bad}
    with pytest.raises(DomainError) as error:
        rounds.save_scores(member, round_, values, NOW)
    assert error.value.field == f"s_{b}_{second.id}"
    db.session.rollback()
    assert set(rounds.member_scores(round_, member.id).values()) == {5}  # earlier ones kept


def test_only_council_members_score_and_only_while_open(works, make):
    round_ = works.round()
    a, b = (c.work_id for c in round_.candidates)
    (member,) = works.council()
    full = {(w, k.id): 5 for w in (a, b) for k in round_.criteria}
    with pytest.raises(DomainError):
        rounds.save_scores(member, round_, full, NOW)  # draft
    rounds.change_status(works.staff, round_, RoundStatus.OPEN)
    for intruder in (works.staff, make.user(Role.CITIZEN)):
        with pytest.raises(NotAllowed):
            rounds.save_scores(intruder, round_, full, NOW)
    assert stored_scores(round_) == 0


def test_closing_needs_a_scorer_and_may_reopen(works):
    round_ = works.open_round()
    with pytest.raises(DomainError):
        rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    db.session.rollback()
    a, b = (c.work_id for c in round_.candidates)
    works.scores(round_, works.council()[0], {a: (5, 5), b: (5, 5)})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    rounds.change_status(works.staff, round_, RoundStatus.OPEN)
    assert round_.status is RoundStatus.OPEN
    with pytest.raises(DomainError):
        rounds.change_status(works.staff, round_, RoundStatus.APPROVED)


def scored_round(works, members=3):
    """Agua wins the weighted score; Banquetas and Calles follow."""
    agua, banquetas, calles = works.work("Agua"), works.work("Banquetas"), works.work("Calles")
    round_ = works.open_round(works=[agua, banquetas, calles])
    for member in works.council(members):
        works.scores(round_, member, {agua.id: (10, 0), banquetas.id: (6, 4), calles.id: (2, 8)})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    return round_, agua, banquetas, calles


def test_results_aggregate_the_stored_scores(works):
    round_, agua, banquetas, calles = scored_round(works, members=2)
    result = rounds.results(round_)
    assert [r.candidate_id for r in result.weighted] == [agua.id, banquetas.id, calles.id]
    assert result.weighted[0].weighted == Fraction(3)  # 2·1 + 1·1
    assert result.weighted[0].borda == Fraction(4)  # 2 points from each member
    assert len(result.members) == 2


def test_approving_the_suggested_order_needs_no_justification(works, listen):
    changed = listen(signals.work_status_changed)
    round_, agua, banquetas, calles = scored_round(works)
    council = rounds.members()[0]
    rounds.approve(council, round_, {agua.id: 1, banquetas.id: 2, calles.id: 3}, "", NOW)
    assert round_.status is RoundStatus.APPROVED and round_.approved_by_id == council.id
    assert [c.work.title for c in rounds.approved_list(round_)] == ["Agua", "Banquetas", "Calles"]
    assert {agua.status, banquetas.status, calles.status} == {WorkStatus.PRIORITY}
    said = [(sender.id, kw["after"]) for sender, kw in changed]
    assert said == [(w.id, WorkStatus.PRIORITY) for w in (agua, banquetas, calles)]


def test_reordering_needs_a_written_justification_that_is_audited(works):
    round_, agua, banquetas, calles = scored_round(works)
    reordered = {agua.id: 2, banquetas.id: 1, calles.id: None}
    with pytest.raises(DomainError) as error:
        rounds.approve(works.staff, round_, reordered, "porque sí", NOW)
    assert error.value.field == "justification"
    db.session.rollback()
    assert round_.status is RoundStatus.CLOSED and agua.status is WorkStatus.CANDIDATE
    reason = "Banquetas es urgente por la temporada de lluvias."
    rounds.approve(works.staff, round_, reordered, reason, NOW)
    assert [c.work.title for c in rounds.approved_list(round_)] == ["Banquetas", "Agua"]
    assert calles.status is WorkStatus.CANDIDATE  # left out
    event = (
        db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    )
    assert event.action == "works.round.approve" and reason in event.details


@pytest.mark.parametrize(
    "ranks",
    [
        {"agua": 1, "banquetas": 1, "calles": 2},  # repeated
        {"agua": 1, "banquetas": 3, "calles": None},  # skipped
        {"agua": None, "banquetas": None, "calles": None},  # nothing
        {"agua": 0, "banquetas": 1, "calles": 2},  # from zero
    ],
)
def test_places_must_be_one_to_n(works, ranks):
    round_, agua, banquetas, calles = scored_round(works)
    ids = {"agua": agua.id, "banquetas": banquetas.id, "calles": calles.id}
    with pytest.raises(DomainError):
        rounds.approve(works.staff, round_, {ids[k]: v for k, v in ranks.items()}, "x" * 40, NOW)
    db.session.rollback()
    assert round_.status is RoundStatus.CLOSED


def test_a_round_is_approved_once_and_only_when_closed(works, make):
    round_ = works.open_round()
    a, b = (c.work_id for c in round_.candidates)
    with pytest.raises(DomainError):
        rounds.approve(works.staff, round_, {a: 1, b: 2}, "", NOW)
    with pytest.raises(NotAllowed):
        rounds.approve(make.user(Role.CITIZEN), round_, {a: 1, b: 2}, "", NOW)


def test_a_work_that_is_no_longer_a_candidate_is_not_approved(works):
    round_, agua, banquetas, calles = scored_round(works)
    agua.status = WorkStatus.DISCARDED  # discarded by staff while the round was being scored
    db.session.commit()
    with pytest.raises(DomainError) as error:
        rounds.approve(works.staff, round_, {agua.id: 1, banquetas.id: 2, calles.id: 3}, "", NOW)
    assert error.value.field == "ranks" and "Agua" in str(error.value.message)
    db.session.rollback()
    assert round_.status is RoundStatus.CLOSED and agua.status is WorkStatus.DISCARDED


def test_of_two_approvals_at_once_the_second_is_told_to_reload(works):
    round_, agua, banquetas, calles = scored_round(works)
    # Another desk approved the round after this one read it as closed.
    db.session.execute(
        sa.update(PrioritisationRound)
        .where(PrioritisationRound.id == round_.id)
        .values(status=RoundStatus.APPROVED)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(DomainError, match="meanwhile|mientras tanto"):
        rounds.approve(works.staff, round_, {agua.id: 1, banquetas.id: 2, calles.id: 3}, "", NOW)
    assert {agua.status, banquetas.status, calles.status} == {WorkStatus.CANDIDATE}
