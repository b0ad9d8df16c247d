"""A NUL character in any field is a clear 400 that writes nothing (PostgreSQL cannot hold it).

Found by fuzzing with control characters: on PostgreSQL a NUL in a text field was a 500
(`psycopg.DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes`).
"""

import io

import pytest

from participa.auth.models import User
from participa.extensions import db
from tests.factories import PASSWORD, Factories, curp_for


def registration(colonia_id: int, **changes) -> dict:
    return {
        "name": "Ana López",
        "email": "ana@example.mx",
        "curp": curp_for(),
        "colonia_id": str(colonia_id),
        "password": PASSWORD,
        "confirm": PASSWORD,
        "accept_privacy": "y",
        **changes,
    }


def count_users() -> int:
    return db.session.execute(db.select(db.func.count(User.id))).scalar_one()


def check_refusal(app) -> None:
    colonia = Factories().territory()["Centro"]
    client = app.test_client()
    for data in (
        registration(colonia.id, name="Ana\x00"),
        registration(colonia.id, **{"extra\x00": "x"}),
        registration(colonia.id, foto=(io.BytesIO(b"x"), "a\x00.jpg")),
    ):
        response = client.post("/cuenta/registro", data=data)
        assert response.status_code == 400
        assert "NUL" in response.get_data(as_text=True)
        assert count_users() == 0
    assert client.get("/procesos/?q=a%00b").status_code == 400
    # Without the NUL the same registration goes through: the refusal was about it alone.
    assert client.post("/cuenta/registro", data=registration(colonia.id)).status_code == 302
    assert count_users() == 1


def test_a_nul_character_is_refused_and_nothing_is_written(app):
    check_refusal(app)


def test_a_multipart_field_named_by_a_newline_is_no_server_error(app, client):
    """Fuzzing found it: werkzeug gives such a part no value, which the NUL check must take."""
    data = {"\n": "", "photo": (io.BytesIO(b""), "foto.jpg")}
    assert client.post("/cuenta/registro", data=data).status_code == 400


@pytest.mark.postgres
def test_a_nul_character_is_refused_on_postgresql(pg_app):
    check_refusal(pg_app)
