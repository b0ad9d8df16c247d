"""Event settings, questions and supports, attendance with walk-ins, minutes versions, votes."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.events import attendance, questions, records, registration, services
from participa.events.models import Attendance, Event, Minutes, QuestionStatus, QuestionSupport
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.types import ProcessStatus, ProcessType
from tests.events.conftest import new_event
from tests.factories import curp_for
from tests.race import saved_first_by_someone_else

TODAY = date.today()
START = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)


def data(**changes) -> services.EventData:
    fields = {
        "title": "Foro en la Delegación Norte",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "place": "Casa de la cultura",
    }
    return services.EventData(**{**fields, **changes})


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


# --- Events -------------------------------------------------------------------------------


def test_staff_create_an_event_and_it_is_audited(staff_user, process):
    event = services.save_event(staff_user, process, None, data(capacity=80, agenda="- Uno"))
    assert (event.title, event.capacity, event.starts_at) == (
        "Foro en la Delegación Norte",
        80,
        START,
    )
    audit = db.session.execute(sa.select(AuditEvent)).scalar_one()
    assert audit.action == "event.save" and json.loads(audit.details)["capacity"] == 80


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "  "}, "title"),
        ({"ends_at": START}, "ends_at"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"online_url": "ftp://example.mx/sala"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"colonia_id": 999999}, "colonia_id"),
        ({"colonia_id": 10**20}, "colonia_id"),
        (
            {"registration_opens_at": START, "registration_closes_at": START - timedelta(1)},
            "registration_closes_at",
        ),
        ({"registration_closes_at": START + timedelta(days=1)}, "registration_closes_at"),
    ],
)
def test_bad_event_settings_are_refused_and_nothing_is_saved(staff_user, process, changes, field):
    with pytest.raises(DomainError) as error:
        services.save_event(staff_user, process, None, data(**changes))
    assert error.value.field == field
    db.session.rollback()
    assert count(Event) == 0 and count(AuditEvent) == 0


def test_an_online_event_needs_no_place(staff_user, process):
    event = services.save_event(
        staff_user, process, None, data(place="", online_url="https://meet.example.mx/foro")
    )
    assert event.online_url == "https://meet.example.mx/foro"


def test_only_event_processes_hold_events(staff_user, make):
    consultation = make.process(type=ProcessType.CONSULTA)
    with pytest.raises(DomainError, match="no events"):
        services.save_event(staff_user, consultation, None, data())


def test_trainings_hold_events(staff_user, make):
    training = make.process(type=ProcessType.CAPACITACION, title="Capacitación a comités")
    assert services.save_event(staff_user, training, None, data()).process_id == training.id


# --- Questions ----------------------------------------------------------------------------


def test_questions_are_ranked_by_supports_then_age(event, residents):
    now = utcnow()
    first = questions.ask(event, residents[0], "¿Cuándo arreglan el drenaje?", now=now, today=TODAY)
    second = questions.ask(
        event, residents[1], "¿Habrá luminarias?", now=now + timedelta(1), today=TODAY
    )
    third = questions.ask(event, residents[2], "¿Y el parque?", now=now + timedelta(2), today=TODAY)
    for supporter in residents[3:]:
        questions.support(second, supporter, now=now, today=TODAY)
    questions.support(third, residents[0], now=now, today=TODAY)
    ranked = questions.ranked_questions(event, residents[0])
    assert [(r.question.id, r.supports) for r in ranked] == [
        (second.id, 2),
        (third.id, 1),
        (first.id, 0),
    ]
    assert [r.supported_by_me for r in ranked] == [False, True, False]


def test_a_question_is_supported_once_and_not_by_its_author(event, residents):
    question = questions.ask(
        event, residents[0], "¿Quién limpia el canal?", now=utcnow(), today=TODAY
    )
    questions.support(question, residents[1], now=utcnow(), today=TODAY)
    with pytest.raises(DomainError, match="already support"):
        questions.support(question, residents[1], now=utcnow(), today=TODAY)
    with pytest.raises(DomainError, match="your own"):
        questions.support(question, residents[0], now=utcnow(), today=TODAY)
    assert questions.ranked_questions(event)[0].supports == 1


@pytest.mark.parametrize("hidden", [Visibility.PENDING_REVIEW, Visibility.HIDDEN])
def test_a_hidden_question_cannot_be_supported(event, residents, hidden):
    question = questions.ask(event, residents[0], "¿Y el drenaje?", now=utcnow(), today=TODAY)
    question.visibility = hidden
    db.session.commit()
    with pytest.raises(DomainError, match="hidden and cannot be supported"):
        questions.support(question, residents[1], now=utcnow(), today=TODAY)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(QuestionSupport.id))).scalar_one() == 0


@pytest.mark.parametrize("text, message", [("   ", "Write your question"), ("x" * 501, "500")])
def test_bad_questions_are_refused(event, residents, text, message):
    with pytest.raises(DomainError, match=message):
        questions.ask(event, residents[0], text, now=utcnow(), today=TODAY)
    assert questions.ranked_questions(event) == []


def test_questions_close_when_the_event_starts_or_when_not_allowed(process, residents):
    event = new_event(process, questions_allowed=False)
    with pytest.raises(DomainError, match="does not take questions"):
        questions.ask(event, residents[0], "¿Hola?", now=utcnow(), today=TODAY)
    started = new_event(process, days=-0.01)
    with pytest.raises(DomainError, match="questions are closed"):
        questions.ask(started, residents[0], "¿Hola?", now=utcnow(), today=TODAY)


def test_staff_answer_or_set_aside_questions_with_audit(staff_user, event, residents):
    asked = questions.ask(event, residents[0], "¿Cuándo?", now=utcnow(), today=TODAY)
    other = questions.ask(event, residents[1], "Insulto", now=utcnow(), today=TODAY)
    questions.mark_answered(staff_user, asked, "En marzo.")
    with pytest.raises(DomainError, match="Say why"):
        questions.set_aside(staff_user, other, " ")
    questions.set_aside(staff_user, other, "No es una pregunta.")
    assert (asked.status, asked.answer) == (QuestionStatus.ANSWERED, "En marzo.")
    assert (other.status, other.reason) == (QuestionStatus.SET_ASIDE, "No es una pregunta.")
    actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert actions == ["event.question.answer", "event.question.set_aside"]
    with pytest.raises(DomainError, match="already been dealt"):
        questions.support(asked, residents[2], now=utcnow(), today=TODAY)


# --- Attendance ---------------------------------------------------------------------------


def test_registered_people_are_marked_once(staff_user, event, residents):
    registration.register(event.id, residents[0], now=utcnow(), today=TODAY)
    attendance.mark_attended(staff_user, event, residents[0], now=utcnow(), today=TODAY)
    with pytest.raises(DomainError, match="already counted"):
        attendance.mark_attended(staff_user, event, residents[0], now=utcnow(), today=TODAY)
    with pytest.raises(DomainError, match="not registered"):
        attendance.mark_attended(staff_user, event, residents[1], now=utcnow(), today=TODAY)
    assert attendance.attendance_count(event) == 1


def test_walk_ins_count_once_by_curp_and_an_account_curp_is_that_resident(
    staff_user, event, residents, colonias
):
    curp = curp_for(date(1970, 1, 2), "H")
    walk_in = attendance.WalkIn("Don Chuy", curp=curp.lower(), colonia_id=colonias["Lomas"].id)
    made = attendance.add_walk_in(staff_user, event, walk_in, now=utcnow(), today=TODAY)
    assert (made.curp, made.sex, made.age_band, made.walk_in) == (curp, "H", "45-59", True)
    with pytest.raises(DomainError, match="already counted"):
        attendance.add_walk_in(staff_user, event, walk_in, now=utcnow(), today=TODAY)
    # A walk-in with a resident's CURP, then the resident at the registered desk: one person.
    registration.register(event.id, residents[0], now=utcnow(), today=TODAY)
    same = attendance.WalkIn("Persona 1", curp=residents[0].curp)
    attendance.add_walk_in(staff_user, event, same, now=utcnow(), today=TODAY)
    with pytest.raises(DomainError, match="already counted"):
        attendance.mark_attended(staff_user, event, residents[0], now=utcnow(), today=TODAY)
    attendance.add_walk_in(
        staff_user, event, attendance.WalkIn("Sin CURP"), now=utcnow(), today=TODAY
    )
    attendance.add_walk_in(
        staff_user, event, attendance.WalkIn("Otra sin CURP"), now=utcnow(), today=TODAY
    )
    totals = attendance.totals(event)
    assert (totals.attended, totals.walk_ins, totals.registered) == (4, 4, 1)
    assert dict(totals.by_colonia) == {"": 3, "Lomas": 1}


@pytest.mark.parametrize(
    "walk_in, field",
    [
        (attendance.WalkIn(" "), "name"),
        (attendance.WalkIn("Ana", curp="ABCD123456"), "curp"),
        (attendance.WalkIn("Ana", curp="GOMA900517MJCRRN0X"), "curp"),
        (attendance.WalkIn("Ana", sex="Q"), "sex"),
        (attendance.WalkIn("Ana", age_band="99+"), "age_band"),
        (attendance.WalkIn("Ana", colonia_id=999), "colonia_id"),
        (attendance.WalkIn("Ana", colonia_id=10**20), "colonia_id"),  # beyond any id
    ],
)
def test_bad_walk_ins_are_refused(staff_user, event, walk_in, field):
    with pytest.raises(DomainError) as error:
        attendance.add_walk_in(staff_user, event, walk_in, now=utcnow(), today=TODAY)
    assert error.value.field == field
    assert count(Attendance) == 0


def test_search_registered_by_name_or_curp(event, residents):
    for person in residents[:3]:
        registration.register(event.id, person, now=utcnow(), today=TODAY)
    by_curp = attendance.search_registered(event, residents[1].curp[:10].lower())
    assert [r.user_id for r, _a in by_curp] == [residents[1].id]
    by_name = attendance.search_registered(event, "persona")
    assert len(by_name) == 3


# --- Minutes, agreements, votes -----------------------------------------------------------


def test_two_staff_starting_the_same_minutes_version_get_a_message(staff_user, process):
    event = new_event(process, days=-1)
    other = sa.insert(Minutes).values(
        event_id=event.id, version=1, text="El otro", created_at=START
    )
    with saved_first_by_someone_else(other), pytest.raises(DomainError, match="same moment"):
        records.save_minutes(staff_user, event, "Mi borrador", now=utcnow())
    texts = db.session.execute(sa.select(Minutes.text)).scalars().all()
    assert texts == [] and count(AuditEvent) == 0  # the rollback undid both saves here


def test_published_minutes_are_never_overwritten(staff_user, process):
    event = new_event(process, days=-1)
    now = utcnow()
    records.save_minutes(staff_user, event, "Borrador", now=now)
    records.save_minutes(staff_user, event, "Acta v1", now=now)  # still the same draft
    records.publish_minutes(staff_user, event, now=now)
    records.save_minutes(staff_user, event, "Acta v2, con corrección", now=now)
    versions = [
        (m.version, m.text, m.published_at is not None) for m in records.minutes_versions(event)
    ]
    assert versions == [(2, "Acta v2, con corrección", False), (1, "Acta v1", True)]
    assert records.published_minutes(event).text == "Acta v1"  # residents still read v1
    records.publish_minutes(staff_user, event, now=now)
    assert records.published_minutes(event).version == 2
    assert count(Minutes) == 2
    actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert actions.count("event.minutes.save") == 3 and actions.count("event.minutes.publish") == 2


def test_minutes_are_published_only_after_the_event_and_with_a_draft(staff_user, event):
    with pytest.raises(DomainError, match="no draft"):
        records.publish_minutes(staff_user, event, now=event.ends_at)
    records.save_minutes(staff_user, event, "Acta", now=utcnow())
    with pytest.raises(DomainError, match="taken place"):
        records.publish_minutes(staff_user, event, now=utcnow())
    with pytest.raises(DomainError, match="Write the minutes"):
        records.save_minutes(staff_user, event, " ", now=utcnow())


def test_agreements(staff_user, event):
    records.add_agreement(
        staff_user,
        event,
        records.AgreementData("Reparar la banqueta", "Obras Públicas", date(2027, 5, 1)),
    )
    with pytest.raises(DomainError, match="Write the agreement"):
        records.add_agreement(staff_user, event, records.AgreementData(""))
    assert [(a.text, a.owner) for a in records.agreements(event)] == [
        ("Reparar la banqueta", "Obras Públicas")
    ]


@pytest.mark.parametrize(
    "counts, approved",
    [((10, 3, 2), True), ((3, 3, 9), False), ((0, 0, 0), False), ((1, 0, 0), True)],
)
def test_a_motion_is_approved_when_for_beats_against(staff_user, event, counts, approved):
    vote = records.add_hand_vote(staff_user, event, records.VoteData("Moción", *counts))
    assert vote.approved is approved


def test_vote_counts_must_be_whole_and_fit_the_attendance(staff_user, event):
    with pytest.raises(DomainError) as error:
        records.add_hand_vote(staff_user, event, records.VoteData("Moción", 1, -1, 0))
    assert error.value.field == "votes_against"
    for n in range(3):
        attendance.add_walk_in(
            staff_user, event, attendance.WalkIn(f"P{n}"), now=utcnow(), today=TODAY
        )
    with pytest.raises(DomainError, match="more than the 3 people"):
        records.add_hand_vote(staff_user, event, records.VoteData("Moción", 2, 1, 1))
    assert records.add_hand_vote(staff_user, event, records.VoteData("Moción", 2, 1, 0)).approved
    assert len(records.hand_votes(event)) == 1


def test_an_archived_process_keeps_its_record(staff_user, process, event):
    process.status = ProcessStatus.ARCHIVED
    db.session.commit()
    with pytest.raises(DomainError, match="archived"):
        records.add_agreement(staff_user, event, records.AgreementData("Algo"))
