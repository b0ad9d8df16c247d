"""The scheduled commands: event reminders the day before and the daily digest, each once."""

from datetime import timedelta

from participa.core import jobclock
from participa.core.jobclock import PERIODIC
from participa.core.timeutil import utcnow
from participa.events import registration
from participa.events.models import Event
from participa.extensions import db
from participa.notifications import services
from participa.notifications.delivery import send_digests_job
from participa.notifications.models import NoticeKind
from participa.processes.types import ProcessStatus, ProcessType
from participa.residents import reminders
from participa.residents.reminders import send_event_reminders_job, tomorrow_bounds
from tests.factories import municipal_today
from tests.mailbox import outbox_messages
from tests.residents.conftest import notices_of


def _event(process, starts, capacity=None) -> Event:
    event = Event(
        process_id=process.id,
        title="Asamblea de Lomas",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_reminders_go_once_to_confirmed_registrations_of_tomorrows_events(app, make, runner):
    colonias = make.territory()
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.ASAMBLEA, title="Asambleas")
    tomorrow = _event(process, tomorrow_bounds(utcnow())[0] + timedelta(hours=18), capacity=2)
    later = _event(process, utcnow() + timedelta(days=5))
    people = [make.user(colonia=colonias["Lomas"]) for _ in range(3)]
    for person in people:  # the third waits for a seat
        registration.register(tomorrow.id, person, now=utcnow(), today=municipal_today())
    registration.register(later.id, people[0], now=utcnow(), today=municipal_today())
    first = runner.invoke(args=["notifications-send-reminders"])
    assert "Event reminders sent: 2." in first.output
    assert "Event reminders sent: 0." in runner.invoke(args=["notifications-send-reminders"]).output
    assert [len(notices_of(p, NoticeKind.EVENT_REMINDER)) for p in people] == [1, 1, 0]
    mails = outbox_messages(app)
    assert sorted(m["To"] for m in mails) == sorted(p.email for p in people[:2])
    assert mails[0]["Subject"].strip() == "Reminder: “Asamblea de Lomas” is tomorrow."


def test_the_digest_gathers_a_days_notices_in_one_mail_once(app, make, runner):
    colonias = make.territory()
    reader, other = make.user(colonia=colonias["Centro"]), make.user(colonia=colonias["Centro"])
    for title in ("Consulta del agua", "Presupuesto 2027"):
        services.notify([reader.id], NoticeKind.VOTING_OPENED, title, "/procesos/1", utcnow())
    services.notify([other.id], NoticeKind.PROPOSAL_ANSWERED, "Semáforo", "/p", utcnow())
    db.session.commit()
    assert [m["To"] for m in outbox_messages(app)] == [other.email]  # answers go at once
    assert "Digest e-mails sent: 1." in runner.invoke(args=["notifications-digest"]).output
    assert "Digest e-mails sent: 0." in runner.invoke(args=["notifications-digest"]).output
    digest = outbox_messages(app)[-1]
    assert digest["To"] == reader.email and len(outbox_messages(app)) == 2
    body = digest.get_content()
    assert "“Consulta del agua”" in body and "“Presupuesto 2027”" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_jobs_clock_sends_reminders_and_digests(app):
    assert PERIODIC["notices-reminders"].fn is send_event_reminders_job
    assert PERIODIC["notices-digest"].fn is send_digests_job
    assert app.config[PERIODIC["notices-reminders"].setting] == 3600
    assert app.config[PERIODIC["notices-digest"].setting] == 86400
    assert {"notices-reminders", "notices-digest"} <= set(jobclock.tick(utcnow()))


def test_a_reminder_another_run_just_sent_is_skipped(app, make, monkeypatch):
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.ASAMBLEA, title="Asambleas")
    event = _event(process, tomorrow_bounds(utcnow())[0] + timedelta(hours=18))
    person = make.user(colonia=make.territory()["Lomas"])
    registration.register(event.id, person, now=utcnow(), today=municipal_today())
    stale = reminders._due(utcnow())  # what a run read a moment before the other one wrote
    [(registered, _event_row)] = stale
    services.notify(
        [person.id], NoticeKind.EVENT_REMINDER, event.title, "/", utcnow(),
        dedupe={person.id: reminders.reminder_key(registered.id)},
    )  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(reminders, "_due", lambda now: stale)
    assert reminders.send_event_reminders(utcnow()) == 0
    assert len(notices_of(person, NoticeKind.EVENT_REMINDER)) == 1
