"""Staff configure the ballots of a PB process; opening needs feasible projects."""

import pytest

from participa.auth.models import Role
from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import login


@pytest.fixture
def staff_client(client, make):
    staff = make.user(Role.STAFF)
    login(client, staff.email)
    return client


@pytest.fixture
def pb(make):
    return make.process(ProcessStatus.DRAFT, type=ProcessType.PRESUPUESTO, title="PP 2027")


def ballot_form(**fields):
    data = {
        "name": "Todo el municipio",
        "amount": "1000000",
        "rule": "approval",
        "min_choices": "1",
        "max_choices": "3",
        "min_share_percent": "0",
        "counting_rule": "greedy",
        "greedy_variant": "plain",
        "greedy_threshold": "0",
        "mes_completion": "add1",
    }
    return {**data, **fields}


def ballots(process):
    return list(
        db.session.execute(db.select(PbBallot).where(PbBallot.process_id == process.id)).scalars()
    )


def test_staff_add_a_city_ballot_and_a_zone_ballot(staff_client, pb, make):
    colonias = make.territory()
    response = staff_client.post(f"/gestion/procesos/{pb.id}/boletas/", data=ballot_form())
    assert response.status_code == 302
    zone = ballot_form(
        name="Norte",
        amount="250000",
        rule="knapsack",
        min_share_percent="50",
        colonia_ids=[colonias["Centro"].id, colonias["Lomas"].id],
    )
    assert staff_client.post(f"/gestion/procesos/{pb.id}/boletas/", data=zone).status_code == 302
    city, north = ballots(pb)
    assert (city.amount, city.rule, city.max_choices, city.is_zone) == (
        1_000_000,
        BallotRule.APPROVAL,
        3,
        False,
    )
    assert {c.name for c in north.colonias} == {"Centro", "Lomas"}
    assert north.min_share_percent == 50


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"max_choices": ""}, "max_choices"),
        ({"rule": "cumulative", "points": ""}, "points"),
        ({"min_choices": "4", "max_choices": "3"}, "min_choices"),
    ],
)
def test_bad_ballot_settings_are_refused_and_nothing_is_stored(staff_client, pb, fields, field):
    response = staff_client.post(f"/gestion/procesos/{pb.id}/boletas/", data=ballot_form(**fields))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert ballots(pb) == []


def test_pb_process_opens_only_with_a_feasible_project_in_every_ballot(staff_client, pb):
    url = f"/gestion/procesos/{pb.id}/estado"
    staff_client.post(url, data={"target": "published"})
    assert pb.status is ProcessStatus.DRAFT  # no ballot yet
    staff_client.post(f"/gestion/procesos/{pb.id}/boletas/", data=ballot_form())
    staff_client.post(url, data={"target": "published"})
    assert pb.status is ProcessStatus.PUBLISHED
    staff_client.post(url, data={"target": "open"})
    assert pb.status is ProcessStatus.PUBLISHED  # no feasible project
    (ballot,) = ballots(pb)
    db.session.add(
        PbProject(
            ballot_id=ballot.id,
            title="Parque",
            estimated_cost=5000,
            cost=5000,
            status=ProjectStatus.FEASIBLE,
        )
    )
    db.session.commit()
    staff_client.post(url, data={"target": "open"})
    assert pb.status is ProcessStatus.OPEN


def test_once_open_only_counting_settings_change(staff_client, pb, make):
    staff_client.post(f"/gestion/procesos/{pb.id}/boletas/", data=ballot_form())
    (ballot,) = ballots(pb)
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    changed = ballot_form(amount="5", counting_rule="mes")
    staff_client.post(f"/gestion/procesos/{pb.id}/boletas/{ballot.id}", data=changed)
    db.session.refresh(ballot)
    assert (ballot.amount, ballot.counting_rule.value) == (1_000_000, "mes")


def test_ballot_pages_are_for_staff_only(client, make, pb):
    citizen = make.user(Role.CITIZEN, colonia=make.territory()["Centro"])
    login(client, citizen.email)
    assert client.get(f"/gestion/procesos/{pb.id}/boletas/").status_code == 403
