"""Council rules: terms, numbering, carried-over agreements, quorum, minutes, history."""

import json
from datetime import UTC, date, datetime

import pytest

from participa.audit.models import AuditEvent
from participa.core.errors import DomainError
from participa.council import agreements, minutes, sessions
from participa.council import members as member_services
from participa.council.models import (
    AgreementStatus,
    MinutesVersion,
    Position,
    Presence,
    SessionKind,
    SessionStatus,
)
from participa.extensions import db
from tests.council.conftest import NOW, TZ, attend, convene


def agreement_data(text="Pedir a Obras el calendario de bacheo.", owner_text="Obras Públicas"):
    return agreements.AgreementData(text, None, owner_text, date(2027, 4, 30))


def test_only_members_whose_term_includes_the_day_are_current(members):
    names = [m.name for m in member_services.current_members(date(2027, 3, 1))]
    assert names[0] == "Ana Presidenta"  # by position first
    assert "Fidel Anterior" not in names and len(names) == 5
    assert "Fidel Anterior" in [m.name for m in member_services.current_members(date(2026, 6, 30))]


def test_a_member_needs_a_start_and_an_end_after_it(staff, members):
    data = member_services.MemberData(
        "Gina", Position.CITIZEN_COUNCILLOR, None, date(2027, 1, 1), date(2026, 1, 1)
    )
    with pytest.raises(DomainError) as error:
        member_services.save_member(staff, None, data)
    assert error.value.field == "term_end"
    assert len(member_services.all_members()) == 6


def test_a_member_account_must_have_the_council_role(make, staff, members):
    citizen = make.user()
    data = member_services.MemberData(
        "Gina", Position.CITIZEN_COUNCILLOR, None, date(2027, 1, 1), None, citizen.id
    )
    with pytest.raises(DomainError) as error:
        member_services.save_member(staff, None, data)
    assert error.value.field == "user_id"


def test_sessions_are_numbered_per_kind_and_local_year(staff, members):
    first = convene(staff, datetime(2027, 1, 20, 17, tzinfo=UTC))
    second = convene(staff, datetime(2027, 2, 17, 17, tzinfo=UTC))
    extra = convene(staff, datetime(2027, 2, 24, 17, tzinfo=UTC), SessionKind.EXTRAORDINARY)
    # 1 January 2028 at 03:00 UTC is still 31 December 2027 in Jalisco.
    late = convene(staff, datetime(2028, 1, 1, 3, tzinfo=UTC))
    new_year = convene(staff, datetime(2028, 1, 20, 17, tzinfo=UTC))
    assert [(s.year, s.number) for s in (first, second, extra, late, new_year)] == [
        (2027, 1),
        (2027, 2),
        (2027, 1),
        (2027, 3),
        (2028, 1),
    ]


def test_the_next_agenda_starts_with_the_pending_agreements(staff, members):
    first = convene(staff, datetime(2027, 1, 20, 17, tzinfo=UTC))
    assert first.agenda == []  # nothing pending yet
    attend(staff, first, members, present=3)
    kept = agreements.add_agreement(staff, first, agreement_data(), 0.5, TZ, NOW)
    done = agreements.add_agreement(staff, first, agreement_data("Ya cumplido."), 0.5, TZ, NOW)
    agreements.update_status(staff, done, AgreementStatus.DONE, "Entregado.", NOW)
    following = convene(staff, datetime(2027, 2, 17, 17, tzinfo=UTC))
    sessions.add_item(staff, following, sessions.ItemData("Informe de obras"))
    item = following.agenda[0]
    assert item.follow_up and item.title == "Follow-up of pending agreements"
    assert [a.id for a in item.agreements] == [kept.id]
    assert [i.title for i in following.agenda][1] == "Informe de obras"


def test_agenda_items_move_up_and_down_and_go_away_only_while_scheduled(staff, members):
    session = convene(staff)
    for title in ("Uno", "Dos", "Tres"):
        sessions.add_item(staff, session, sessions.ItemData(title))
    sessions.move_item(staff, session, session.agenda[2], -1)
    assert [i.title for i in session.agenda] == ["Uno", "Tres", "Dos"]
    sessions.remove_item(staff, session, session.agenda[0])
    assert [(i.position, i.title) for i in session.agenda] == [(1, "Tres"), (2, "Dos")]
    sessions.mark_held(staff, session)
    with pytest.raises(DomainError):
        sessions.add_item(staff, session, sessions.ItemData("Tarde"))
    assert len(session.agenda) == 2


def test_quorum_is_more_than_the_configured_fraction_of_current_members(staff, members):
    session = convene(staff)
    attend(staff, session, members, present=2)
    assert sessions.quorum(session, 0.5, TZ) == sessions.Quorum(5, 2, False)
    attend(staff, session, members, present=3)
    assert sessions.quorum(session, 0.5, TZ).reached
    assert not sessions.quorum(session, 0.66, TZ).reached  # 3 of 5 is not more than two thirds


def test_half_exactly_is_not_quorum(staff, members, colonias):
    members[-1].term_end = date(2029, 1, 1)  # six current members
    db.session.commit()
    session = convene(staff)
    attend(staff, session, members, present=3)
    assert sessions.quorum(session, 0.5, TZ) == sessions.Quorum(6, 3, False)


def test_former_members_cannot_be_marked(staff, members):
    session = convene(staff)
    with pytest.raises(DomainError):
        sessions.record_attendance(staff, session, {members[-1].id: Presence.PRESENT}, TZ)
    assert session.attendance == []


def test_agreements_need_quorum(staff, members):
    session = convene(staff)
    attend(staff, session, members, present=2)
    with pytest.raises(DomainError) as error:
        agreements.add_agreement(staff, session, agreement_data(), 0.5, TZ, NOW)
    assert "quorum" in str(error.value.message)
    assert session.agreements == []


def test_minutes_approval_freezes_them_and_changes_are_new_versions(staff, members):
    session = convene(staff)
    with pytest.raises(DomainError):
        minutes.save_draft(staff, session, "Antes de sesionar")
    sessions.mark_held(staff, session)
    minutes.save_draft(staff, session, "Se abrió la sesión a las 11:00.")
    minutes.approve_minutes(staff, session, NOW)
    assert session.status is SessionStatus.APPROVED
    with pytest.raises(DomainError):
        minutes.save_draft(staff, session, "Cambio silencioso")
    with pytest.raises(DomainError) as error:
        minutes.correct_minutes(staff, session, "Se abrió a las 11:15.", " ", NOW)
    assert error.value.field == "reason"
    minutes.correct_minutes(staff, session, "Se abrió a las 11:15.", "Hora corregida.", NOW)
    versions = db.session.execute(db.select(MinutesVersion).order_by(MinutesVersion.number))
    assert [(v.number, v.text, v.reason) for v in versions.scalars()] == [
        (1, "Se abrió la sesión a las 11:00.", ""),
        (2, "Se abrió a las 11:15.", "Hora corregida."),
    ]
    assert session.current_minutes == "Se abrió a las 11:15."
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "council.minutes.version")
    ).scalar_one()
    assert json.loads(event.details)["reason"] == "Hora corregida."


def test_empty_minutes_cannot_be_approved(staff, members):
    session = convene(staff)
    sessions.mark_held(staff, session)
    with pytest.raises(DomainError):
        minutes.approve_minutes(staff, session, NOW)
    assert session.status is SessionStatus.HELD


def test_agreement_status_history_keeps_every_change(staff, members):
    session = convene(staff)
    attend(staff, session, members, present=4)
    agreement = agreements.add_agreement(staff, session, agreement_data(), 0.5, TZ, NOW)
    agreements.update_status(staff, agreement, AgreementStatus.IN_PROGRESS, "Oficio enviado.", NOW)
    agreements.update_status(staff, agreement, AgreementStatus.DONE, "Calendario recibido.", NOW)
    assert [(u.status, u.note) for u in agreement.updates] == [
        (AgreementStatus.PENDING, ""),
        (AgreementStatus.IN_PROGRESS, "Oficio enviado."),
        (AgreementStatus.DONE, "Calendario recibido."),
    ]
    assert all(u.author_id == staff.id for u in agreement.updates)


def test_overdue_means_open_and_past_its_due_date(staff, members):
    session = convene(staff)
    attend(staff, session, members, present=3)
    agreement = agreements.add_agreement(staff, session, agreement_data(), 0.5, TZ, NOW)
    assert not agreement.is_overdue(date(2027, 4, 30))
    assert agreement.is_overdue(date(2027, 5, 1))
    assert agreements.find_agreements(overdue_on=date(2027, 5, 1)) == [agreement]
    agreements.update_status(staff, agreement, AgreementStatus.CANCELLED, "Ya no aplica.", NOW)
    assert not agreement.is_overdue(date(2027, 5, 1))


def test_agreement_numbers_are_unique_across_session_kinds(staff, members):
    """Session numbers restart per kind; the agreement's code says which kind it was."""
    ordinary = convene(staff)
    extraordinary = convene(staff, kind=SessionKind.EXTRAORDINARY)
    assert (ordinary.number, ordinary.year) == (extraordinary.number, extraordinary.year)
    codes = []
    for session in (ordinary, extraordinary):
        attend(staff, session, members, present=4)
        codes.append(agreements.add_agreement(staff, session, agreement_data(), 0.5, TZ, NOW).code)
    assert codes == ["1/2027-1", "E1/2027-1"]
    assert (ordinary.name, extraordinary.name) == (
        "Ordinary session 1/2027",
        "Extraordinary session 1/2027",
    )
