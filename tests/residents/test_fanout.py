"""Voting opened and results published reach many people: a background job, in batches, tells
only the residents the process covers and may vote in, and only those who took part."""

from datetime import date

from participa.auth.models import Role
from participa.consultations import answering
from participa.consultations.models import QuestionKind
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications.models import Follow, FollowKind, NoticeKind
from participa.processes import services as processes
from participa.processes.types import ProcessStatus, ScopeKind
from participa.residents import fanout
from tests.factories import login, municipal_today
from tests.mailbox import outbox_messages, outbox_sms
from tests.residents.conftest import notices_of, with_phone


def _consultation(make, status=ProcessStatus.PUBLISHED, **fields):
    process = make.process(status, title="Consulta del agua", **fields)
    question = make.question(process, QuestionKind.SINGLE, ["Agua", "Luz"])
    return process, question


def test_voting_opened_tells_only_covered_and_eligible_residents(app, make, monkeypatch):
    monkeypatch.setattr(fanout, "BATCH", 2)  # several batches with a few people
    colonias = make.territory()
    process, _ = _consultation(make, scope=ScopeKind.COLONIAS, min_age=18)
    process.colonias = [colonias["Centro"]]
    db.session.commit()
    adults = [make.user(colonia=colonias["Centro"]) for _ in range(3)]
    child = make.user(colonia=colonias["Centro"], birth=date(2015, 1, 1))
    elsewhere = make.user(colonia=colonias["Sauces"])
    staff = make.user(Role.STAFF)
    processes.change_status(staff, process, ProcessStatus.OPEN)
    told = {
        p.id for p in (*adults, child, elsewhere, staff) if notices_of(p, NoticeKind.VOTING_OPENED)
    }
    assert told == {p.id for p in adults}
    assert notices_of(adults[0])[0].link == f"/procesos/{process.id}"
    assert outbox_messages(app) == []  # voting opened goes in the daily digest by default


def test_voting_opened_by_sms_to_those_who_chose_it(app, make):
    colonias = make.territory()
    process, _ = _consultation(make)
    resident = with_phone(make.user(colonia=colonias["Lomas"]))
    from_page = {"mail_voting_opened": "off", "sms_voting_opened": "y"}
    _save_from_page(app, resident, from_page)
    processes.change_status(make.user(Role.STAFF), process, ProcessStatus.OPEN)
    [(phone, body)] = outbox_sms(app)
    assert (
        phone == "+523312345678" and "Voting opened in your colonia: “Consulta del agua”." in body
    )


def _save_from_page(app, user, fields):
    client = app.test_client()
    login(client, user.email)
    data = {f"mail_{k.value}": "digest" for k in NoticeKind}
    assert client.post("/avisos/preferencias", data={**data, **fields}).status_code == 302


def test_results_reach_those_who_took_part_from_the_participation_records(app, make):
    colonias = make.territory()
    process, single = _consultation(make, status=ProcessStatus.OPEN)
    voters = [make.user(colonia=colonias["Centro"]) for _ in range(2)]
    bystander = make.user(colonia=colonias["Centro"])
    for voter in voters:
        answering.submit_response(
            process,
            voter,
            {single.id: single.options[0].id},
            now=utcnow(),
            today=municipal_today(),
            max_text=2000,
        )
    staff = make.user(Role.STAFF)
    processes.change_status(staff, process, ProcessStatus.CLOSED)
    processes.change_status(staff, process, ProcessStatus.RESULTS_PUBLISHED)
    assert all(len(notices_of(v, NoticeKind.RESULTS_PUBLISHED)) == 1 for v in voters)
    assert notices_of(bystander) == []


def test_a_fanout_run_again_tells_each_person_once(app, make, monkeypatch):
    monkeypatch.setattr(fanout, "BATCH", 2)  # a re-run restarts from the first batch
    colonias = make.territory()
    process, single = _consultation(make)
    residents = [make.user(colonia=colonias["Centro"]) for _ in range(3)]
    processes.change_status(make.user(Role.STAFF), process, ProcessStatus.OPEN)
    assert fanout.notify_voting_opened(process.id) == 0  # a retry, or a stale re-dispatch
    assert [len(notices_of(p, NoticeKind.VOTING_OPENED)) for p in residents] == [1, 1, 1]
    for voter in residents:
        answering.submit_response(
            process,
            voter,
            {single.id: single.options[0].id},
            now=utcnow(),
            today=municipal_today(),
            max_text=2000,
        )
    assert fanout.notify_results_published(process.id) == 3
    assert fanout.notify_results_published(process.id) == 0
    assert [len(notices_of(p, NoticeKind.RESULTS_PUBLISHED)) for p in residents] == [1, 1, 1]


def test_followers_hear_of_each_news_once_however_often_its_job_runs(app, make):
    people = [make.user() for _ in range(2)]
    db.session.add_all(Follow(user_id=p.id, kind=FollowKind.WORK, target_id=9) for p in people)
    db.session.commit()
    args = ("work", 9, NoticeKind.WORK_STATUS_CHANGED.value, "Pozo", "/obras/9", 0)
    assert fanout.notify_followers(*args, "news-1") == 2
    assert fanout.notify_followers(*args, "news-1") == 0
    assert fanout.notify_followers(*args, "news-2") == 2  # the next change is news again
    assert [len(notices_of(p)) for p in people] == [2, 2]


def test_a_resident_yet_to_confirm_a_contact_is_told_voting_opened(app, make):
    colonias = make.territory()
    process, _ = _consultation(make, require_confirmed_contact=True)
    unconfirmed = make.user(colonia=colonias["Centro"], confirmed=False)
    processes.change_status(make.user(Role.STAFF), process, ProcessStatus.OPEN)
    assert len(notices_of(unconfirmed, NoticeKind.VOTING_OPENED)) == 1
