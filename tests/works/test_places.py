"""Where a work is: latitude and longitude typed (or set by the map), both or neither, inside
the municipality; staff edit them; a work from a PB project or proposal starts at its place."""

import pytest
import sqlalchemy as sa

from participa.core.errors import DomainError
from participa.extensions import db
from participa.works import services
from participa.works.models import Work
from tests.factories import login
from tests.works.conftest import NOW, work_data
from tests.works.test_pages import FORM


def test_a_work_keeps_its_point(works):
    work = works.work("Pozo", latitude=20.6597, longitude=-103.3496)
    db.session.expire_all()
    assert (work.latitude, work.longitude) == (20.6597, -103.3496)


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        (20.66, None, "latitude"),  # both or neither
        (None, -103.35, "latitude"),
        (19.43, -99.13, "latitude"),  # Mexico City: outside the municipality
        (20.66, -99.13, "longitude"),
        (-103.35, 20.66, "latitude"),  # swapped
    ],
)
def test_a_point_outside_or_half_given_is_refused_and_nothing_stored(
    works, latitude, longitude, field
):
    data = work_data(latitude=latitude, longitude=longitude)
    with pytest.raises(DomainError) as caught:
        services.create_work(works.staff, data, services.Origin(), NOW)
    assert caught.value.field == field
    assert db.session.execute(sa.select(Work)).first() is None


def test_staff_type_the_point_in_the_form_without_javascript(client, works):
    login(client, works.staff.email)
    response = client.post(
        "/gestion/obras/nueva", data={**FORM, "latitude": "20,6597", "longitude": "-103.3496"}
    )
    assert response.status_code == 302
    work = db.session.execute(sa.select(Work)).scalar_one()
    assert (work.latitude, work.longitude) == (20.6597, -103.3496)
    page = client.get(f"/gestion/obras/{work.id}/editar").get_data(as_text=True)
    assert 'value="20.6597"' in page and "data-place-picker" in page


def test_a_bad_point_in_the_form_is_a_400_with_its_message(client, works):
    login(client, works.staff.email)
    response = client.post(
        "/gestion/obras/nueva", data={**FORM, "latitude": "40.7", "longitude": "-74"}
    )
    assert response.status_code == 400
    assert "That latitude is outside the municipality." in response.get_data(as_text=True)
    assert db.session.execute(sa.select(Work)).first() is None


def test_editing_clears_or_moves_the_point(client, works):
    work = works.work("Pozo", latitude=20.6597, longitude=-103.3496)
    login(client, works.staff.email)
    edit = {**FORM, "status": "candidate", "latitude": "20.7", "longitude": "-103.4"}
    assert client.post(f"/gestion/obras/{work.id}/editar", data=edit).status_code == 302
    db.session.expire_all()
    assert (work.latitude, work.longitude) == (20.7, -103.4)
    edit.update(latitude="", longitude="")
    assert client.post(f"/gestion/obras/{work.id}/editar", data=edit).status_code == 302
    db.session.expire_all()
    assert (work.latitude, work.longitude) == (None, None)
