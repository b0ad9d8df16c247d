"""Residents' inbox, preferences page and one-click unsubscribe (RFC 8058)."""

import re

import pytest

from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import preferences, services
from participa.notifications.models import MailMode, NoticeKind
from tests.factories import PASSWORD, login
from tests.mailbox import outbox_messages


def _answered(kit, resident, title="Semáforo"):
    services.notify([resident.id], NoticeKind.PROPOSAL_ANSWERED, title, "/procesos/1", utcnow())
    db.session.commit()


def test_a_resident_reads_a_notice_and_the_badge_says_how_many(kit, client):
    resident = kit.resident()
    _answered(kit, resident)
    login(client, resident.email)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="Notices: 1 unread"' in home
    inbox = client.get("/avisos/").get_data(as_text=True)
    assert "The proposal “Semáforo” has an official answer." in inbox
    [notice] = services.inbox(resident)
    assert client.post(f"/avisos/{notice.id}/leido").location.endswith("/procesos/1")
    assert "Notices: 1 unread" not in client.get("/").get_data(as_text=True)


def test_someone_elses_notice_cannot_be_opened(kit, client):
    owner, other = kit.resident(), kit.resident()
    _answered(kit, owner)
    [notice] = services.inbox(owner)
    login(client, other.email)
    assert client.post(f"/avisos/{notice.id}/leido").status_code == 404
    assert services.unread_count(owner) == 1


def test_the_inbox_needs_a_log_in(client):
    assert client.get("/avisos/").status_code == 302


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_preferences_are_saved_with_csrf_and_honoured(csrf_app, make, tmp_path):
    csrf_app.config["BABEL_DEFAULT_LOCALE"] = "en"
    csrf_app.instance_path = str(tmp_path / "instance")
    resident = make.user(colonia=make.territory()["Centro"])
    client = csrf_app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    client.post(
        "/cuenta/entrar",
        data={"email": resident.email, "password": PASSWORD, "csrf_token": _csrf(page)},
    )
    page = client.get("/avisos/preferencias").get_data(as_text=True)
    data = {f"mail_{k.value}": "digest" for k in NoticeKind}
    data |= {"mail_proposal_answered": "off", "csrf_token": _csrf(page)}
    assert client.post("/avisos/preferencias", data={**data, "csrf_token": "x"}).status_code == 400
    assert (
        preferences.choices_of(resident.id)[NoticeKind.PROPOSAL_ANSWERED].mail is MailMode.IMMEDIATE
    )
    assert client.post("/avisos/preferencias", data=data).status_code == 302
    assert preferences.choices_of(resident.id)[NoticeKind.PROPOSAL_ANSWERED].mail is MailMode.OFF
    _answered(None, resident)
    assert outbox_messages(csrf_app) == []


def test_sms_without_a_confirmed_phone_is_refused_and_nothing_changes(kit, client):
    resident = kit.resident()
    login(client, resident.email)
    data = {f"mail_{k.value}": "off" for k in NoticeKind}
    response = client.post("/avisos/preferencias", data={**data, "sms_event_reminder": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Confirm a phone on your account before choosing text messages." in page
    assert 'href="/cuenta/confirmar"' in page
    assert preferences.choices_of(resident.id)[NoticeKind.EVENT_REMINDER].mail is MailMode.IMMEDIATE


def _unsubscribe_link(app) -> str:
    [mail] = outbox_messages(app)
    return mail["List-Unsubscribe"].strip().strip("<>").removeprefix("http://localhost")


def test_the_link_of_a_mail_asks_first_and_then_unsubscribes(app, kit, client):
    resident = kit.resident()
    _answered(kit, resident)
    link = _unsubscribe_link(app)
    page = client.get(link)  # no log-in needed
    assert page.status_code == 200 and "My proposal was answered" in page.get_data(as_text=True)
    assert (
        preferences.choices_of(resident.id)[NoticeKind.PROPOSAL_ANSWERED].mail is MailMode.IMMEDIATE
    )
    done = client.post(link)
    assert "you will no longer receive these notices by e-mail" in done.get_data(as_text=True)
    assert preferences.choices_of(resident.id)[NoticeKind.PROPOSAL_ANSWERED].mail is MailMode.OFF
    assert preferences.choices_of(resident.id)[NoticeKind.EVENT_REMINDER].mail is MailMode.IMMEDIATE


def test_one_click_post_works_with_csrf_on(csrf_app, make, tmp_path):
    csrf_app.instance_path = str(tmp_path / "instance")
    resident = make.user()
    token = preferences.unsubscribe_token(resident.id, [NoticeKind.EVENT_REMINDER])
    response = csrf_app.test_client().post(
        f"/avisos/baja/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert preferences.choices_of(resident.id)[NoticeKind.EVENT_REMINDER].mail is MailMode.OFF


def test_a_forged_or_broken_token_changes_nothing(kit, client):
    resident = kit.resident()
    token = preferences.unsubscribe_token(resident.id, [NoticeKind.PROPOSAL_ANSWERED])
    for bad in (token[:-3] + "abc", "nonsense"):
        response = client.post(f"/avisos/baja/{bad}")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid or has expired" in response.get_data(
            as_text=True
        )
    assert (
        preferences.choices_of(resident.id)[NoticeKind.PROPOSAL_ANSWERED].mail is MailMode.IMMEDIATE
    )


def test_an_unsubscribe_link_signed_before_a_key_rotation_still_works(app):
    token = preferences.unsubscribe_token(7, [NoticeKind.PROPOSAL_ANSWERED])
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = "a-new-key", [old]
    assert preferences.read_token(token) == (7, [NoticeKind.PROPOSAL_ANSWERED])
    app.config["SECRET_KEY_FALLBACKS"] = []  # the old key forgotten: the link is refused
    with pytest.raises(preferences.BadToken):
        preferences.read_token(token)
