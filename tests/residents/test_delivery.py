"""Delivering notices: each SMS and e-mail once however often a job runs, in a fixed few
statements per batch; the daily digest a page of people at a time, once each."""

import pytest

from participa.core.sms import SmsError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import delivery, preferences, services
from participa.notifications.models import MailMode, NoticeKind, NoticePreference, Notification
from participa.notifications.preferences import Choice
from tests.mailbox import outbox_messages, outbox_sms
from tests.residents.conftest import with_phone
from tests.statements import recorded

KIND = NoticeKind.VOTING_OPENED  # offered by SMS


def wanting(make, mail: MailMode, sms: bool):
    person = make.user()
    if sms:
        with_phone(person, f"+5233{person.id:08d}")
    preferences.save(person.id, {KIND: Choice(mail, sms)})
    return person


def stored_notices(people) -> list[int]:
    """Notices stored without their delivery job (as a job re-run would find them)."""
    notices = [
        Notification(user_id=p.id, kind=KIND, subject="Consulta del agua", link="/procesos/1")
        for p in people
    ]
    db.session.add_all(notices)
    db.session.commit()
    return [n.id for n in notices]


def test_a_rerun_delivery_job_texts_and_mails_each_notice_once(app, make):
    person = wanting(make, MailMode.IMMEDIATE, sms=True)
    services.notify([person.id], KIND, "Consulta del agua", "/procesos/1", utcnow())
    db.session.commit()
    [notice] = db.session.execute(db.select(Notification)).scalars()
    delivery.deliver_notices([notice.id])
    delivery.deliver_notices([notice.id])
    assert len(outbox_sms(app)) == 1
    assert [m["To"] for m in outbox_messages(app)] == [person.email]


def test_a_batch_costs_the_same_statements_however_many_people_it_holds(app, make):
    few = stored_notices([wanting(make, MailMode.IMMEDIATE, sms=True)])
    many = stored_notices([wanting(make, MailMode.IMMEDIATE, sms=True) for _ in range(5)])
    with recorded() as for_one:
        delivery.deliver_notices(few)
    with recorded() as for_five:
        delivery.deliver_notices(many)
    assert len(outbox_sms(app)) == 6 and len(outbox_messages(app)) == 6
    # Each mail is a background job of its own (its record is written, claimed and closed):
    # what must not grow is the delivery's own reading and claiming.
    assert len(own(for_five)) == len(own(for_one))


def own(statements: list[str]) -> list[str]:
    return [s for s in statements if "background_job" not in s]


def test_the_digest_reads_people_a_page_at_a_time_and_mails_each_once(app, make, monkeypatch):
    monkeypatch.setattr(delivery, "DIGEST_PAGE", 2)
    people = [wanting(make, MailMode.DIGEST, sms=False) for _ in range(5)]
    stored_notices(people + people)
    assert delivery.send_digests(utcnow()) == 5
    assert delivery.send_digests(utcnow()) == 0
    assert sorted(m["To"] for m in outbox_messages(app)) == sorted(p.email for p in people)
    assert all("(2)" in m["Subject"] for m in outbox_messages(app))


def test_texts_and_mails_go_only_to_confirmed_contacts(app, make):
    unconfirmed = make.user(confirmed=False)
    with_phone(unconfirmed, "+523300000001", confirmed=False)
    confirmed = with_phone(make.user(), "+523300000002")
    # Chosen before: texts by a phone the person has since changed (and not yet confirmed).
    db.session.add(
        NoticePreference(user_id=unconfirmed.id, kind=KIND, mail=MailMode.IMMEDIATE, sms=True)
    )
    preferences.save(confirmed.id, {KIND: Choice(MailMode.IMMEDIATE, True)})
    services.notify([unconfirmed.id, confirmed.id], KIND, "Consulta", "/procesos/1", utcnow())
    db.session.commit()
    assert [to for to, _ in outbox_sms(app)] == ["+523300000002"]
    assert [m["To"] for m in outbox_messages(app)] == [confirmed.email]
    assert preferences.phone_of(unconfirmed.id) == ""


def test_one_refused_text_is_left_for_a_retry_and_the_others_go(app, make, sms_gateway):
    app.config.update(
        SMS_API_URL=sms_gateway.url, SMS_ACCOUNT_SID="AC42", SMS_AUTH_TOKEN="t", SMS_FROM="+1500"
    )
    people = [wanting(make, MailMode.OFF, sms=True) for _ in range(3)]
    sms_gateway.fail_for = {people[0].phone}
    ids = stored_notices(people)
    with pytest.raises(SmsError):
        delivery.deliver_notices(ids)
    assert sorted(r["form"]["To"] for r in sms_gateway.requests) == sorted(p.phone for p in people)
    pending = db.session.execute(
        db.select(Notification.user_id).where(Notification.sms_at.is_(None))
    ).scalars()
    assert list(pending) == [people[0].id]
    sms_gateway.fail_for = set()
    delivery.deliver_notices(ids)
    assert [r["form"]["To"] for r in sms_gateway.requests[3:]] == [people[0].phone]


def test_links_in_a_notice_mail_follow_the_request_host_without_public_url(app, make):
    app.config["PUBLIC_URL"] = None
    person = wanting(make, MailMode.IMMEDIATE, sms=False)
    with app.test_request_context("/", base_url="http://localhost:8123"):
        services.notify([person.id], KIND, "Consulta", "/procesos/7", utcnow())
        db.session.commit()
    [mail] = outbox_messages(app)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "http://localhost:8123/procesos/7" in body and "127.0.0.1:5000" not in body
