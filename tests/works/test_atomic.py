"""A refused service call undoes its own changes: the views only show the error."""

import pytest

from participa.core.errors import DomainError
from participa.extensions import db
from participa.works import services
from participa.works.atomic import rolls_back
from participa.works.models import Work, WorkStatus
from tests.works.conftest import work_data


def test_a_domain_error_rolls_the_session_back(works):
    work = works.work("Pozo")

    @rolls_back
    def refuse(title):
        db.session.get(Work, work.id).title = title
        db.session.flush()
        raise DomainError("no")

    with pytest.raises(DomainError):
        refuse("Cambiado")
    assert not db.session.dirty and not db.session.new
    assert db.session.get(Work, work.id).title == "Pozo"


def test_any_other_error_is_left_alone(app):
    @rolls_back
    def broken():
        raise ValueError("bug")

    with pytest.raises(ValueError):
        broken()


def test_a_refused_edit_leaves_the_work_as_stored(works):
    work = works.work("Pozo", cost=1_000)
    work.estimated_cost = 5  # changed in memory before the service refuses
    with pytest.raises(DomainError):
        services.edit_work(works.staff, work, work_data(estimated_cost=0), WorkStatus.CANDIDATE)
    assert work.estimated_cost == 1_000
