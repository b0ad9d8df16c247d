"""Staff record a council session's attendance and an agreement in Chromium; axe on its pages.

Selectors use ids, names and values rather than visible words, so the test holds in Spanish.
"""

import pytest

from participa.council.models import (
    Agreement,
    CouncilMember,
    CouncilSession,
    SessionAttendance,
    SessionStatus,
)
from participa.extensions import db
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


def _ids(live_server) -> dict:
    with live_server.app.app_context():
        scheduled = db.session.execute(
            db.select(CouncilSession.id).where(CouncilSession.status == SessionStatus.SCHEDULED)
        ).scalar_one()
        approved = (
            db.session.execute(
                db.select(CouncilSession.id).where(CouncilSession.status == SessionStatus.APPROVED)
            )
            .scalars()
            .first()
        )
        members = db.session.execute(db.select(CouncilMember.id)).scalars().all()
        return {"scheduled": scheduled, "approved": approved, "members": members}


def _clear_attendance(live_server, session_id: int) -> None:
    """Start with no one marked (the other viewport's run marked them)."""
    with live_server.app.app_context():
        db.session.execute(
            db.delete(SessionAttendance).where(SessionAttendance.session_id == session_id)
        )
        db.session.commit()


def _agreements(live_server, session_id: int) -> list[str]:
    with live_server.app.app_context():
        query = db.select(Agreement.text).where(Agreement.session_id == session_id)
        return list(db.session.execute(query).scalars())


def test_staff_record_attendance_and_an_agreement(page, logged_in, live_server, viewport):
    ids = _ids(live_server)
    _clear_attendance(live_server, ids["scheduled"])
    logged_in("staff")
    page.goto("/gestion/consejo/")
    page.locator(f"main a[href$='/gestion/consejo/sesiones/{ids['scheduled']}']").click()
    # The next session's agenda opens with the pending agreements of earlier sessions.
    expect(page.locator("ol.agenda > li").first.locator(".agenda-agreements li")).to_have_count(2)
    expect(page.locator("#quorum.quorum-no")).to_be_visible()
    check_axe(page, f"council-session-staff[{viewport}]", {})
    check_labels(page)

    for member_id in ids["members"][:5]:
        page.locator(f"input[name=m{member_id}][value=present]").check()
    for member_id in ids["members"][5:]:
        page.locator(f"input[name=m{member_id}][value=excused]").check()
    page.locator("form[action$='/asistencia'] button[type=submit]").click()
    expect(page.locator("#quorum.quorum-yes")).to_be_visible()
    expect(page.locator("#quorum")).to_contain_text("5")

    text = f"Revisar el alumbrado de la Delegación Norte ({viewport})."
    form = page.locator("form[action$='/acuerdos']")
    form.locator("#agreement-text").fill(text)
    form.locator("#agreement-owner_text").fill("Dirección de Alumbrado Público")
    form.locator("#agreement-due_on").fill("2027-02-15")
    form.locator("button[type=submit]").click()
    expect(page.locator("#acuerdos table")).to_contain_text(text)
    assert text in _agreements(live_server, ids["scheduled"])
    check_axe(page, f"council-session-recorded[{viewport}]", {})


@pytest.mark.parametrize(
    ("name", "role", "path"),
    [
        ("cmpc", None, "/cmpc/"),
        ("cmpc-agreements", None, "/cmpc/acuerdos/"),
        ("cmpc-session", None, "/cmpc/sesiones/{approved}"),
        ("cmpc-minutes-print", None, "/cmpc/sesiones/{approved}/acta"),
        ("council-sessions", "council", "/consejo/sesiones/"),
        ("council-session", "council", "/consejo/sesiones/{scheduled}"),
        ("staff-council-expenses", "staff", "/gestion/consejo/operaciones/"),
    ],
)
def test_council_pages_are_accessible(page, logged_in, live_server, viewport, name, role, path):
    ids = _ids(live_server)
    if role:
        logged_in(role)
    response = page.goto(path.format(**ids))
    assert response.status == 200
    check_axe(page, f"{name}[{viewport}]", {})
    check_labels(page)
