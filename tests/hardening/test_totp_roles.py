"""Two-step login is required of staff, council and admins (REQUIRE_TOTP_ROLES), relaxable per role.

Staff read rolls, CURPs and exports; the council reads results before they are public. By
default every one of those accounts is sent to `/cuenta/dos-pasos` at log-in and from any page
until it has set up two-step login; residents never are.
"""

import pytest

from participa.auth import totp
from participa.auth.models import Role
from participa.config import REQUIRE_TOTP_ROLES
from tests.conftest import _make_app
from tests.factories import Factories, login
from tests.hardening.test_two_factor import enrol

DEFAULT = REQUIRE_TOTP_ROLES  # the production setting, not the test suite's ""
PAGES = {Role.STAFF: "/gestion/procesos/", Role.COUNCIL: "/consejo/", Role.ADMIN: "/admin/usuarios"}


def sent_to_enrolment(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/cuenta/dos-pasos"
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.COUNCIL, Role.ADMIN])
def test_each_role_is_sent_to_enrolment_by_default(app_with, role):
    app = app_with(REQUIRE_TOTP_ROLES=DEFAULT)
    user = Factories().user(role, email=f"{role.value}@example.mx")
    client = app.test_client()
    assert sent_to_enrolment(login(client, user.email))
    assert sent_to_enrolment(client.get(PAGES[role]))
    assert sent_to_enrolment(client.get("/"))  # not only its own area: every page
    assert sent_to_enrolment(client.post(PAGES[role], data={}))  # nor a POST
    assert client.get("/cuenta/dos-pasos").status_code == 200
    enrol(client)
    assert client.get(PAGES[role]).status_code == 200


def test_residents_never_need_it(app_with):
    app = app_with(REQUIRE_TOTP_ROLES=DEFAULT)
    resident = Factories().user(email="vecina@example.mx")
    client = app.test_client()
    response = login(client, resident.email)
    assert response.status_code == 302 and not sent_to_enrolment(response)
    assert client.get("/cuenta/").status_code == 200
    assert client.get("/cuenta/dos-pasos").status_code == 404


def test_the_setting_relaxes_it_per_role(app_with):
    app = app_with(REQUIRE_TOTP_ROLES="admin")
    make = Factories()
    staff = make.user(Role.STAFF, email="personal@example.mx")
    admin = make.user(Role.ADMIN, email="admin@example.mx")
    staff_client, admin_client = app.test_client(), app.test_client()
    assert not sent_to_enrolment(login(staff_client, staff.email))
    assert staff_client.get(PAGES[Role.STAFF]).status_code == 200
    assert sent_to_enrolment(login(admin_client, admin.email))


def test_an_account_waiting_to_enrol_can_still_log_out(app_with):
    app = app_with(REQUIRE_TOTP_ROLES=DEFAULT)
    staff = Factories().user(Role.STAFF, email="personal@example.mx")
    client = app.test_client()
    login(client, staff.email)
    assert client.post("/cuenta/salir").headers["Location"] == "/"
    assert client.get("/cuenta/").status_code == 302


def test_the_setting_is_read_as_text_or_list_and_a_typo_stops_the_start_up(tmp_path):
    assert totp.required_roles(" Staff, council ,") == {Role.STAFF, Role.COUNCIL}
    assert totp.required_roles(["admin"]) == {Role.ADMIN}
    assert totp.required_roles("") == frozenset()
    with pytest.raises(ValueError, match="staf"):
        _make_app(f"sqlite:///{tmp_path / 'x.db'}", False, REQUIRE_TOTP_ROLES="admin,staf")
    with pytest.raises(ValueError, match="citizen"):
        totp.required_roles("citizen")
