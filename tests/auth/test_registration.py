"""Registering as a resident with a CURP, through the page."""

import re
from datetime import date

import pytest
from flask_login import current_user
from stdnum.mx.curp import calc_check_digit

from participa.auth.models import Role, Sex, User
from participa.extensions import db
from tests.factories import PASSWORD, curp_for


def count_users() -> int:
    return db.session.execute(db.select(db.func.count(User.id))).scalar_one()


def user_by_email(email: str) -> User | None:
    return db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()


@pytest.fixture
def colonias(make):
    return make.territory()


@pytest.fixture
def register(client, colonias):
    def post(**fields):
        data = {
            "name": "Rosa Pérez López",
            "email": "rosa@example.mx",
            "curp": curp_for(date(1992, 8, 3), "M"),
            "colonia_id": colonias["Lomas"].id,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
            **fields,
        }
        return client.post(
            "/cuenta/registro", data={k: v for k, v in data.items() if v is not None}
        )

    return post


def field_error(page: str, field: str) -> str | None:
    """The text of the error paragraph shown beside `field`, if any."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    return found.group(1).strip() if found else None


def test_registration_creates_a_logged_in_citizen_with_data_from_the_curp(
    client, register, colonias
):
    curp = curp_for(date(2001, 2, 14), "H")
    response = register(email="Rosa@Example.MX", curp=curp.lower())
    assert response.status_code == 302
    user = user_by_email("rosa@example.mx")
    assert user is not None
    assert (user.role, user.curp, user.birth_date, user.sex) == (
        Role.CITIZEN,
        curp,
        date(2001, 2, 14),
        Sex.H,
    )
    assert user.colonia_id == colonias["Lomas"].id
    assert user.password_hash != PASSWORD
    with client:
        client.get("/cuenta/")
        assert current_user.is_authenticated and current_user.id == user.id


def test_registration_asks_to_confirm_and_then_follows_a_safe_next(client, register):
    response = register(next="/procesos/")
    assert response.headers["Location"] == "/cuenta/confirmar?next=/procesos/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enviamos un enlace a rosa@example.mx" in page
    assert '<a href="/procesos/">' in page


def test_registration_ignores_an_outside_next(register):
    response = register(next="https://evil.example/")
    assert "evil" not in response.headers["Location"]


def test_non_binary_curp_registers_with_sex_x(register):
    assert register(curp=curp_for(date(1999, 9, 9), "X")).status_code == 302
    assert user_by_email("rosa@example.mx").sex is Sex.X


def test_duplicate_curp_is_refused_on_the_curp_field(register, client):
    curp = curp_for(date(1980, 1, 1), "M")
    assert register(curp=curp).status_code == 302
    client.post("/cuenta/salir")
    before = count_users()

    response = register(curp=curp.lower(), email="otra@example.mx", name="Otra Persona")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "curp").startswith("Ya existe una cuenta con esta CURP")
    assert field_error(page, "email") is None
    assert count_users() == before
    assert user_by_email("otra@example.mx") is None


def test_duplicate_email_ignores_case_and_changes_nothing(register, client):
    assert register().status_code == 302
    client.post("/cuenta/salir")
    before = count_users()
    other_curp = curp_for(date(1970, 4, 4), "H")

    response = register(email="ROSA@example.MX", curp=other_curp, name="Otra Rosa")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, "email").startswith("Ya existe una cuenta con este correo")
    assert field_error(page, "curp") is None
    assert count_users() == before
    assert db.session.execute(db.select(User).where(User.curp == other_curp)).first() is None
    assert user_by_email("rosa@example.mx").name == "Rosa Pérez López"


@pytest.mark.parametrize(
    "curp",
    [
        "GOMA900517MJCRRN0" + str((int(calc_check_digit("GOMA900517MJCRRN0")) + 1) % 10),
        "GOMA901317MJCRRN0" + calc_check_digit("GOMA901317MJCRRN0"),
        "GOMA900517MZZRRN0" + calc_check_digit("GOMA900517MZZRRN0"),
        "123456789012345678",
        "GOMA900517",
    ],
)
def test_invalid_curp_is_refused_on_the_curp_field(register, curp):
    response = register(curp=curp)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "curp")
    assert count_users() == 0


def test_each_curp_problem_has_its_own_message(register):
    body = "GOMA900517MJCRRN0"
    checksum = register(curp=body + str((int(calc_check_digit(body)) + 1) % 10))
    month_13 = register(curp="GOMA901317MJCRRN0" + calc_check_digit("GOMA901317MJCRRN0"))
    messages = {
        field_error(checksum.get_data(as_text=True), "curp"),
        field_error(month_13.get_data(as_text=True), "curp"),
    }
    assert len(messages) == 2


def test_privacy_notice_must_be_accepted(register):
    response = register(accept_privacy=None)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "accept_privacy")
    assert count_users() == 0


def test_unknown_colonia_is_refused(register):
    response = register(colonia_id=9999)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "colonia_id")
    assert count_users() == 0


def test_passwords_must_match(register):
    response = register(confirm="otra-contraseña")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "confirm")
    assert count_users() == 0


def test_registration_page_is_spanish_by_default_and_lists_colonias(client, colonias):
    response = client.get("/cuenta/registro")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="es-MX">' in page
    assert 'name="curp"' in page and 'name="accept_privacy"' in page
    for colonia in colonias.values():
        assert f'value="{colonia.id}"' in page and colonia.name in page


def test_colonia_starts_unchosen_and_must_be_chosen(client, register):
    page = client.get("/cuenta/registro").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="colonia_id".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>", select)
    assert 'value=""' in options[0]
    assert not any("selected" in option for option in options[1:])

    response = register(colonia_id="")
    assert response.status_code == 400
    assert (
        field_error(response.get_data(as_text=True), "colonia_id")
        == "Elige tu colonia de la lista."
    )
    assert count_users() == 0


def test_a_curp_born_in_the_future_is_refused(register):
    response = register(curp=curp_for(date(2099, 1, 1), "M"))
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "curp")
    assert count_users() == 0


def test_a_curp_typed_with_spaces_is_accepted(register):
    curp = curp_for(date(1985, 6, 30), "H")
    spaced = f"{curp[:4]} {curp[4:10]} {curp[10:16]} {curp[16:]}"
    assert register(curp=spaced).status_code == 302
    assert user_by_email("rosa@example.mx").curp == curp
