"""Each kind of notice reaches the right residents, in the app and by e-mail or SMS."""

from participa.comments import services as comments
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import preferences, services
from participa.notifications.models import MailMode, NoticeKind
from participa.proposals import answers, supports
from participa.proposals.models import ProposalStatus
from participa.works import services as work_services
from participa.works.models import WorkOrigin, WorkStatus
from tests.factories import login
from tests.mailbox import outbox_messages, outbox_sms
from tests.proposals.helpers import TODAY
from tests.residents.conftest import notices_of, with_phone
from tests.works.conftest import NOW, WorksFactories, work_data
from tests.works.followup_helpers import approved


def test_the_author_and_supporters_who_opted_in_hear_the_answer(app, kit, client):
    process = kit.initiative()
    author, follower, quiet = kit.resident(), kit.resident(), kit.resident()
    proposal = kit.proposal(process, author=author)
    for person in (follower, quiet):
        supports.support(proposal, person, now=utcnow(), today=TODAY)
    login(client, follower.email)
    url = f"/procesos/{process.id}/propuestas/{proposal.id}"
    assert client.post(f"{url}/seguir").status_code == 302
    answers.answer(kit.staff(), proposal, ProposalStatus.ACCEPTED, "Sí, se hará.", utcnow())
    assert [n.link for n in notices_of(author, NoticeKind.PROPOSAL_ANSWERED)] == [url]
    assert len(notices_of(follower, NoticeKind.PROPOSAL_ANSWERED)) == 1
    assert notices_of(quiet, NoticeKind.PROPOSAL_ANSWERED) == []
    mails = {m["To"]: m for m in outbox_messages(app)}
    assert set(mails) == {author.email, follower.email}
    mail = mails[author.email]
    assert "“Semáforo en la escuela” has an official answer" in mail["Subject"]
    assert f"http://localhost{url}" in mail.get_content()
    assert mail["List-Unsubscribe"].strip().startswith("<http://localhost/avisos/baja/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_following_a_proposal_needs_a_support(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    stranger = kit.resident()
    login(client, stranger.email)
    client.post(f"/procesos/{process.id}/propuestas/{proposal.id}/seguir")
    answers.answer(kit.staff(), proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    assert notices_of(stranger) == []


def test_the_author_hears_the_threshold_and_the_conversion(app, kit, make):
    process = kit.initiative(threshold=1)
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    supports.support(proposal, kit.resident(), now=utcnow(), today=TODAY)
    assert len(notices_of(author, NoticeKind.THRESHOLD_REACHED)) == 1
    works = WorksFactories(make)
    answers.answer(works.staff, proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    origin = work_services.Origin(WorkOrigin.PROPOSAL, proposal_id=proposal.id, answer="Obra.")
    work_services.create_work(works.staff, work_data(title="Semáforo"), origin, NOW)
    assert len(notices_of(author, NoticeKind.PROPOSAL_CONVERTED)) == 1
    subjects = [m["Subject"] for m in outbox_messages(app) if m["To"] == author.email]
    assert any("became a project or work" in s for s in subjects)


def test_followers_of_a_work_hear_its_status_change(app, make, client):
    works = WorksFactories(make)
    pozo, _ = approved(works)
    colonias = make.territory()
    follower, other = make.user(colonia=colonias["Centro"]), make.user(colonia=colonias["Centro"])
    login(client, follower.email)
    page = client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    assert "Follow this work" in page
    client.post(f"/obras/{pozo.id}/seguir")
    assert "Stop following" in client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    preferences.save(
        follower.id,
        {NoticeKind.WORK_STATUS_CHANGED: preferences.Choice(MailMode.IMMEDIATE, False)},
    )
    work_services.edit_work(works.staff, pozo, work_data(title=pozo.title), WorkStatus.IN_EXECUTION)
    [notice] = notices_of(follower, NoticeKind.WORK_STATUS_CHANGED)
    assert notice.link == f"/obras/{pozo.id}" and notices_of(other) == []
    assert [m["To"] for m in outbox_messages(app)] == [follower.email]
    client.post(f"/obras/{pozo.id}/dejar-de-seguir")
    work_services.edit_work(works.staff, pozo, work_data(title=pozo.title), WorkStatus.DONE)
    assert len(notices_of(follower, NoticeKind.WORK_STATUS_CHANGED)) == 1


def test_a_reply_tells_the_comment_author_but_not_who_replies_to_themselves(app, kit):
    process = kit.initiative()
    proposal = kit.proposal(process)
    first, second = kit.resident(), kit.resident()
    original = comments.add_comment(proposal.thread, first, "¿Dónde?", utcnow())
    comments.add_comment(proposal.thread, first, "Frente a la escuela.", utcnow(), original.id)
    assert notices_of(first) == []
    comments.add_comment(proposal.thread, second, "De acuerdo.", utcnow(), original.id)
    [notice] = notices_of(first, NoticeKind.COMMENT_REPLIED)
    assert notice.link.startswith(f"/procesos/{process.id}/propuestas/{proposal.id}")
    # Replies go in the daily digest by default: nothing mailed yet.
    assert outbox_messages(app) == []


def test_preferences_off_sends_no_mail_and_sms_goes_to_the_phone(app, kit):
    author = with_phone(kit.resident())
    off = preferences.Choice(MailMode.OFF, False)
    preferences.save(author.id, {NoticeKind.PROPOSAL_ANSWERED: off})
    proposal = kit.proposal(kit.initiative(), author=author)
    answers.answer(kit.staff(), proposal, ProposalStatus.REJECTED, "No procede.", utcnow())
    assert len(notices_of(author)) == 1 and outbox_messages(app) == []
    assert outbox_sms(app) == []  # SMS is not offered for answers
    assert preferences.phone_of(author.id) == "+523312345678"


def test_a_rolled_back_action_sends_nothing_and_a_committed_one_sends(app, kit):
    author = kit.resident()
    services.notify([author.id], NoticeKind.PROPOSAL_ANSWERED, "Uno", "/", utcnow())
    db.session.rollback()
    assert notices_of(author) == [] and outbox_messages(app) == []
    services.notify([author.id], NoticeKind.PROPOSAL_ANSWERED, "Dos", "/", utcnow())
    db.session.commit()
    assert [m["To"] for m in outbox_messages(app)] == [author.email]
