"""The action schedule: tasks of priorities, overdue ones standing out, the timelines."""

from datetime import date

import pytest

from participa.core.errors import DomainError
from participa.extensions import db
from participa.works import rounds, schedule
from participa.works.models import RoundStatus, WorkStatus, WorkTask
from tests.factories import login
from tests.works.conftest import NOW


def approved(works):
    """An approved round whose two candidates are priorities."""
    round_ = works.open_round()
    a, b = (c.work_id for c in round_.candidates)
    works.scores(round_, works.council()[0], {a: (9, 1), b: (3, 7)})
    rounds.change_status(works.staff, round_, RoundStatus.CLOSED)
    rounds.approve(works.staff, round_, {a: 1, b: 2}, "", NOW)
    return round_, [c.work for c in rounds.approved_list(round_)]


def task(title="Proyecto ejecutivo", start=date(2026, 1, 10), end=date(2026, 2, 28)):
    return schedule.TaskData(title, "Obras Públicas", start, end)


def test_tasks_are_added_to_priorities_and_overdue_ones_stand_out(works):
    _round, (first, _second) = approved(works)
    late = schedule.add_task(works.staff, first, task(end=date(2026, 3, 1)))
    later = schedule.add_task(works.staff, first, task("Obra", date(2026, 3, 2), date(2026, 9, 30)))
    today = date(2026, 4, 1)
    assert schedule.is_overdue(late, today) and not schedule.is_overdue(later, today)
    schedule.set_done(works.staff, late, True)
    assert not schedule.is_overdue(late, today)
    assert [t.title for t in schedule.tasks_of([first])] == ["Proyecto ejecutivo", "Obra"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (task(title=""), "title"),
        (schedule.TaskData("Obra", "", date(2026, 1, 1), date(2026, 1, 2)), "area"),
        (task(start=None), "starts_on"),
        (task(start=date(2026, 5, 1), end=date(2026, 4, 1)), "ends_on"),
    ],
)
def test_bad_tasks_are_refused(works, data, field):
    _round, (first, _second) = approved(works)
    with pytest.raises(DomainError) as error:
        schedule.add_task(works.staff, first, data)
    assert error.value.field == field
    db.session.rollback()
    assert schedule.tasks_of([first]) == []


def test_only_priorities_have_a_schedule(works):
    candidate = works.work("Aún candidata")
    assert candidate.status is WorkStatus.CANDIDATE
    with pytest.raises(DomainError):
        schedule.add_task(works.staff, candidate, task())


def test_staff_plan_tasks_on_the_work_page_and_the_council_reads_the_timeline(client, works):
    round_, (first, second) = approved(works)
    login(client, works.staff.email)
    url = f"/gestion/obras/{first.id}/tareas"
    bad = client.post(
        url,
        data={"title": "Obra", "area": "Obras", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert bad.status_code == 400
    assert "The end date cannot be before the start." in bad.get_data(as_text=True)
    assert db.session.execute(db.select(WorkTask)).first() is None
    for work, end in ((first, "2020-02-01"), (second, "2099-12-31")):
        data = {
            "title": "Licitación",
            "area": "Obras Públicas",
            "starts_on": "2020-01-01",
            "ends_on": end,
        }
        assert client.post(f"/gestion/obras/{work.id}/tareas", data=data).status_code == 302
    page = client.get(f"/gestion/obras/{first.id}").get_data(as_text=True)
    assert 'id="figure-schedule"' in page and "badge-overdue" in page
    login(client, rounds.members()[0].email)
    timeline = client.get(f"/gestion/obras/priorizacion/{round_.id}/cronograma")
    text = timeline.get_data(as_text=True)
    assert timeline.status_code == 200
    assert 'id="figure-all"' in text and f'id="figure-work-{second.id}"' in text
    assert 'id="overdue-tasks"' in text and text.count("Licitación (") == 1  # one overdue


def test_council_cannot_edit_the_schedule(client, works):
    _round, (first, _second) = approved(works)
    login(client, rounds.members()[0].email)
    data = {"title": "Obra", "area": "Obras", "starts_on": "2026-01-01", "ends_on": "2026-02-01"}
    assert client.post(f"/gestion/obras/{first.id}/tareas", data=data).status_code == 403
