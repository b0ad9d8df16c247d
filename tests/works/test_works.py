"""Needs and works: creation, validation, origins kept both ways, edits and filters."""

import json

import pytest

from participa.audit.models import AuditEvent
from participa.budgets.models import PbBallot, PbOutcome, PbProject, ProjectStatus
from participa.core import signals
from participa.core.errors import DomainError
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from participa.works import services
from participa.works.models import FaisCategory, Funding, Work, WorkOrigin, WorkStatus
from tests.works.conftest import NOW, work_data


def count_works() -> int:
    return db.session.execute(db.select(db.func.count(Work.id))).scalar_one()


def test_create_a_work_directly_with_every_field_and_an_audit_event(make, works):
    colonias = make.territory()
    data = work_data(
        zone=f"c{colonias['Lomas'].id}",
        funding=Funding.FAIS,
        fais_eligible=True,
        fais_category=FaisCategory.AGUA_POTABLE,
    )
    work = services.create_work(works.staff, data, services.Origin(), NOW)
    assert (work.title, work.estimated_cost, work.beneficiaries) == (
        "Pozo de agua en Lomas",
        1_500_000,
        800,
    )
    assert work.colonia.name == "Lomas" and work.delegacion_id is None
    assert work.zone_delegacion.name == "Norte"
    assert work.status is WorkStatus.CANDIDATE and work.source_kind is WorkOrigin.DIRECT
    event = db.session.execute(db.select(AuditEvent)).scalars().all()[-1]
    assert event.action == "works.create" and event.object_id == str(work.id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"estimated_cost": None}, "estimated_cost"),
        ({"estimated_cost": 0}, "estimated_cost"),
        ({"beneficiaries": -1}, "beneficiaries"),
        ({"beneficiaries": None}, "beneficiaries"),
        ({"fais_eligible": True, "fais_category": None}, "fais_category"),
        ({"funding": Funding.FAIS, "fais_eligible": False}, "fais_eligible"),
        ({"zone": "c999"}, "zone"),
        ({"zone": "x1"}, "zone"),
    ],
)
def test_bad_data_is_refused_on_its_field_and_stores_nothing(works, changes, field):
    with pytest.raises(DomainError) as error:
        services.create_work(works.staff, work_data(**changes), services.Origin(), NOW)
    assert error.value.field == field
    db.session.rollback()
    assert count_works() == 0


def test_zone_may_be_a_delegacion_or_the_whole_municipality(make, works):
    colonias = make.territory()
    norte = colonias["Centro"].delegacion
    by_delegacion = works.work("Unidad deportiva", zone=f"d{norte.id}")
    everywhere = works.work("Alumbrado")
    assert by_delegacion.delegacion.name == "Norte" and by_delegacion.colonia_id is None
    assert everywhere.zone_delegacion is None
    # The filter by delegación also finds works in its colonias.
    in_lomas = works.work("Pozo", zone=f"c{colonias['Lomas'].id}")
    found = services.find_works(services.WorkFilter(zone=f"d{norte.id}"))
    assert {w.id for w in found} == {by_delegacion.id, in_lomas.id}
    city = services.find_works(services.WorkFilter(zone="m"))
    assert [w.id for w in city] == [everywhere.id]


def test_filters_by_status_funding_and_fais(works):
    fais = works.work(
        "Drenaje",
        funding=Funding.FAIS,
        fais_eligible=True,
        fais_category=FaisCategory.DRENAJE_LETRINAS,
    )
    state = works.work("Carretera", funding=Funding.ESTATAL)
    assert services.find_works(services.WorkFilter(funding=Funding.ESTATAL)) == [state]
    assert services.find_works(services.WorkFilter(fais=True)) == [fais]
    assert services.find_works(services.WorkFilter(fais=False)) == [state]
    services.edit_work(works.staff, state, work_data(title="Carretera"), WorkStatus.DISCARDED)
    assert services.find_works(services.WorkFilter(status=WorkStatus.DISCARDED)) == [state]


def test_edit_changes_data_and_status_but_never_makes_a_priority_by_hand(works, listen):
    changed = listen(signals.work_status_changed)
    work = works.work()
    services.edit_work(works.staff, work, work_data(title="Pozo"), work.status)  # same status
    assert changed == []
    services.edit_work(
        works.staff, work, work_data(title="Pozo nuevo", estimated_cost=9), WorkStatus.IN_EXECUTION
    )
    assert (work.title, work.estimated_cost, work.status) == (
        "Pozo nuevo",
        9,
        WorkStatus.IN_EXECUTION,
    )
    with pytest.raises(DomainError):
        services.edit_work(works.staff, work, work_data(), WorkStatus.PRIORITY)
    db.session.rollback()
    assert db.session.get(Work, work.id).status is WorkStatus.IN_EXECUTION
    said = [(sender.id, kw["before"], kw["after"]) for sender, kw in changed]
    assert said == [(work.id, WorkStatus.CANDIDATE, WorkStatus.IN_EXECUTION)]


def test_fais_category_is_dropped_when_not_eligible(works):
    work = works.work(fais_eligible=False, fais_category=FaisCategory.VIVIENDA)
    assert work.fais_category is None


# --- origins --------------------------------------------------------------------------------


def published_consultation(make):
    process = make.consultation(ProcessStatus.RESULTS_PUBLISHED, title="Consulta de obras")
    option = process_options(process)[0]
    return process, option


def process_options(process):
    from participa.consultations.models import Option, Question

    query = db.select(Option).join(Question).where(Question.process_id == process.id)
    return list(db.session.execute(query.order_by(Option.id)).scalars())


def test_a_work_from_a_consultation_option_keeps_the_link_both_ways(make, works):
    process, option = published_consultation(make)
    origin = services.Origin(WorkOrigin.CONSULTATION, process.id, option.id)
    assert services.prefill(origin) == {"title": "Agua"}
    work = services.create_work(works.staff, work_data(title="Agua para todos"), origin, NOW)
    assert (work.source_kind, work.source_process_id, work.source_option_id) == (
        WorkOrigin.CONSULTATION,
        process.id,
        option.id,
    )
    assert services.works_from(option_id=option.id) == [work]
    assert services.works_from(process_id=process.id) == [work]
    shown = services.describe_origin(work)
    assert shown.process.title == "Consulta de obras" and shown.option.label == "Agua"


def test_a_consultation_without_published_results_is_no_origin(make, works):
    process = make.consultation(ProcessStatus.CLOSED)
    option = process_options(process)[0]
    origin = services.Origin(WorkOrigin.CONSULTATION, process.id, option.id)
    with pytest.raises(DomainError):
        services.create_work(works.staff, work_data(), origin, NOW)
    other, _option = published_consultation(make)
    mismatched = services.Origin(WorkOrigin.CONSULTATION, other.id, option.id)
    with pytest.raises(DomainError):
        services.create_work(works.staff, work_data(), mismatched, NOW)
    db.session.rollback()
    assert count_works() == 0


def pb_project(make, funded=True, published=True):
    process = make.process(
        ProcessStatus.RESULTS_PUBLISHED, type=ProcessType.PRESUPUESTO, title="PB"
    )
    ballot = PbBallot(process_id=process.id, name="Municipio", amount=1_000_000)
    winner = PbProject(
        title="Parque lineal",
        description="Con árboles.",
        estimated_cost=500_000,
        cost=450_000,
        status=ProjectStatus.FEASIBLE,
    )
    loser = PbProject(
        title="Fuente",
        description="",
        estimated_cost=900_000,
        cost=900_000,
        status=ProjectStatus.FEASIBLE,
    )
    ballot.projects = [winner, loser]
    db.session.add(ballot)
    db.session.flush()
    ballot.outcome = PbOutcome(rule="greedy", winners=json.dumps([winner.id]), published=published)
    db.session.commit()
    return winner, loser


def test_a_work_from_a_funded_pb_project_keeps_the_link_and_is_prefilled(make, works):
    winner, _loser = pb_project(make)
    origin = services.Origin(WorkOrigin.PB_PROJECT, pb_project_id=winner.id)
    assert services.prefill(origin)["estimated_cost"] == 450_000
    work = services.create_work(works.staff, work_data(title="Parque lineal"), origin, NOW)
    assert work.source_pb_project_id == winner.id
    assert work.source_process_id == winner.ballot.process_id
    assert services.works_from(project_id=winner.id) == [work]


@pytest.mark.parametrize("which", ["not funded", "not published"])
def test_only_projects_funded_by_a_published_outcome_become_works(make, works, which):
    winner, loser = pb_project(make, published=which != "not published")
    project = loser if which == "not funded" else winner
    origin = services.Origin(WorkOrigin.PB_PROJECT, pb_project_id=project.id)
    with pytest.raises(DomainError):
        services.create_work(works.staff, work_data(), origin, NOW)
    db.session.rollback()
    assert count_works() == 0


def test_a_proposal_origin_needs_an_accepted_proposal(works):
    with pytest.raises(DomainError):
        services.create_work(works.staff, work_data(), services.Origin(WorkOrigin.PROPOSAL), NOW)


def test_an_approved_priority_does_not_go_back_to_candidate(works):
    work = works.work()
    work.status = WorkStatus.PRIORITY
    with pytest.raises(DomainError) as error:
        services.edit_work(works.staff, work, work_data(), WorkStatus.CANDIDATE)
    assert error.value.field == "status"
    db.session.rollback()
    services.edit_work(works.staff, work, work_data(), WorkStatus.IN_EXECUTION)
    assert work.status is WorkStatus.IN_EXECUTION
