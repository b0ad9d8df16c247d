"""Staff notices: the inbox, the unread count in the navigation, marking a notice read."""

from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import services
from participa.notifications.models import NoticeKind, Notification
from participa.proposals.models import ModerationMode
from tests.factories import login


def test_staff_see_new_proposals_waiting_and_mark_them_read(kit, client):
    process = kit.initiative(moderation=ModerationMode.APPROVAL)
    proposal = kit.proposal(process)
    staff = kit.staff()
    login(client, staff.email)
    home = client.get("/").get_data(as_text=True)
    assert 'nav-count" aria-hidden="true">1' in home
    inbox = client.get("/avisos/").get_data(as_text=True)
    assert "New proposal waiting for approval: “Semáforo en la escuela”." in inbox
    [notice] = db.session.execute(db.select(Notification)).scalars()
    response = client.post(f"/avisos/{notice.id}/leido")
    assert response.status_code == 302
    assert response.location.endswith(f"/procesos/{process.id}/propuestas/{proposal.id}")
    assert services.unread_count(staff) == 0
    assert "nav-count" not in client.get("/").get_data(as_text=True)


def test_a_notice_for_one_person_is_not_shown_to_others(kit):
    staff, other = kit.staff(), kit.staff()
    db.session.add(
        Notification(user_id=staff.id, kind=NoticeKind.CONTENT_HIDDEN, subject="x", link="/")
    )
    services.notify_staff(NoticeKind.THRESHOLD_REACHED, "y", "/", utcnow())
    db.session.commit()
    assert services.unread_count(staff) == 2 and services.unread_count(other) == 1
    assert services.unread_count(kit.resident()) == 0
