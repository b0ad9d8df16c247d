"""The home's "Participa ahora": what is open to the person first, what they took part in marked
(never what they chose), the rest with the reason; cards with the mechanism's picture and icon."""

import re
from datetime import date
from pathlib import Path

import pytest

from participa.auth.models import Role
from participa.budgets.models import PbBallot, PbProject, ProjectStatus
from participa.consultations import answering
from participa.consultations.models import QuestionKind
from participa.core.timeutil import utcnow
from participa.eligibility.models import (
    MUNICIPAL_SCOPE,
    EligibilityRule,
    IdKind,
    KeyKind,
    PersonVerification,
    ProcessEligibility,
    Roll,
    RollEntry,
)
from participa.extensions import db
from participa.processes.types import TYPE_ICONS, ProcessStatus, ProcessType, ScopeKind
from participa.residents import open_now
from participa.residents.open_now import open_processes
from tests.factories import login, municipal_today
from tests.statements import recorded

STATIC = Path(__file__).resolve().parents[2] / "static"


def answer(make, process, resident, choice: str = "Fuente-Y"):
    """A real answer of `resident` to a one-question consultation."""
    question = make.question(process, QuestionKind.SINGLE, ["Columpios-X", choice])
    answering.submit_response(
        process,
        resident,
        {question.id: question.options[1].id},
        now=utcnow(),
        today=municipal_today(),
        max_text=2000,
    )


@pytest.fixture
def town(make, kit):
    """A resident of Centro (delegación Norte) who answered the city-wide consultation."""
    resident = kit.resident("Centro")
    citywide = make.process(ProcessStatus.OPEN, title="Consulta de toda la ciudad")
    answer(make, citywide, resident)
    south = make.process(
        ProcessStatus.OPEN,
        title="Consulta del sur",
        scope=ScopeKind.DELEGACIONES,
        delegaciones=[kit.colonias["Sauces"].delegacion],
    )
    mine = make.process(
        ProcessStatus.OPEN,
        title="Consulta de Centro",
        scope=ScopeKind.COLONIAS,
        colonias=[kit.colonias["Centro"]],
    )
    make.process(ProcessStatus.PUBLISHED, title="Asamblea anunciada", type=ProcessType.ASAMBLEA)
    make.process(ProcessStatus.RESULTS_PUBLISHED, title="Consulta con resultados")
    return resident, citywide, south, mine


def titles(items) -> list[str]:
    return [item.process.title for item in items]


def test_open_to_you_first_then_what_you_took_part_in_then_other_zones(town):
    resident, citywide, south, mine = town
    shown, more = open_processes(resident, municipal_today())
    assert titles(shown) == [mine.title, citywide.title, south.title]
    marks = [(i.for_you, i.took_part) for i in shown]
    assert marks == [(True, False), (True, True), (False, False)]
    assert str(shown[2].reason) == "For residents of Sur."
    assert not more


def test_the_home_marks_the_vote_and_says_why_another_zone_is_not_yours(town, client):
    resident = town[0]
    login(client, resident.email)
    page = client.get("/").get_data(as_text=True)
    order = [
        "Consulta de Centro",
        "Consulta de toda la ciudad",
        "You took part",
        "Consulta del sur",
        "For residents of Sur.",
        "Coming soon",
        "Asamblea anunciada",
        "Latest results",
        "Consulta con resultados",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert page.count("You took part") == 1
    assert "Columpios-X" not in page and "Fuente-Y" not in page  # the choice, never
    assert 'href="/mis-participaciones"' in page


def test_a_visitor_sees_every_open_process_and_is_asked_to_log_in(town, client):
    page = client.get("/").get_data(as_text=True)
    for title in ("Consulta de Centro", "Consulta de toda la ciudad", "Consulta del sur"):
        assert title in page
    assert "You took part" not in page and "Open to you" not in page
    assert "Log in to see first what is open to you" in page
    assert "For residents of Sur." in page  # where a process of some zones is, for anyone


def test_another_residents_vote_is_not_mine(town, kit, client):
    neighbour = kit.resident("Centro")
    login(client, neighbour.email)
    page = client.get("/").get_data(as_text=True)
    assert "You took part" not in page
    assert page.index("Consulta de toda la ciudad") < page.index("Consulta del sur")


def rule(process, value: EligibilityRule):
    db.session.add(ProcessEligibility(process_id=process.id, rule=value))
    db.session.commit()


def entry(roll, resident) -> RollEntry:
    return RollEntry(
        roll_id=roll.id,
        key_kind=KeyKind.CURP,
        key_value=resident.curp,
        colonia_id=resident.colonia_id,
        user_id=resident.id,
    )


def test_a_rule_the_person_does_not_meet_keeps_the_process_out_of_theirs(make, kit):
    resident = kit.resident("Centro")
    roll_only = make.process(ProcessStatus.OPEN, title="Solo padrón")
    verified_only = make.process(ProcessStatus.OPEN, title="Solo verificados")
    rule(roll_only, EligibilityRule.ROLL)
    rule(verified_only, EligibilityRule.VERIFIED)
    shown = {i.process.title: i for i in open_processes(resident, municipal_today())[0]}
    assert not shown["Solo padrón"].for_you and not shown["Solo verificados"].for_you
    assert "eligibility roll" in str(shown["Solo padrón"].reason)
    assert "verified in person" in str(shown["Solo verificados"].reason)

    roll = Roll(scope=MUNICIPAL_SCOPE)
    db.session.add(roll)
    db.session.flush()
    db.session.add(entry(roll, resident))
    db.session.add(PersonVerification(user_id=resident.id, id_kind=IdKind.INE))
    db.session.commit()
    shown = {i.process.title: i for i in open_processes(resident, municipal_today())[0]}
    assert shown["Solo padrón"].for_you and shown["Solo verificados"].for_you


def test_the_process_own_roll_replaces_the_municipal_one(make, kit):
    resident = kit.resident("Centro")
    process = make.process(ProcessStatus.OPEN, title="Padrón propio")
    rule(process, EligibilityRule.ROLL)
    municipal = Roll(scope=MUNICIPAL_SCOPE)
    own = Roll(scope=f"proceso:{process.id}", process_id=process.id)
    db.session.add_all([municipal, own])
    db.session.flush()
    db.session.add(entry(municipal, resident))
    db.session.commit()
    [item], _more = open_processes(resident, municipal_today())
    assert not item.for_you  # on the municipality's roll, not on the process's own


def test_too_young_and_incomplete_accounts_are_told_why(make, kit):
    make.process(ProcessStatus.OPEN, title="Para mayores", min_age=60)
    [item], _ = open_processes(kit.resident("Centro", birth=date(1990, 5, 17)), municipal_today())
    assert str(item.reason) == "For people aged 60 or older."
    [item], _ = open_processes(make.user(), municipal_today())  # no colonia
    assert "CURP and colonia" in str(item.reason)


def test_the_home_reads_the_same_statements_however_many_processes_are_open(make, kit, client):
    resident = kit.resident("Centro")
    login(client, resident.email)

    def statements() -> int:
        with recorded() as sent:
            assert client.get("/").status_code == 200
        return len(sent)

    make.process(ProcessStatus.OPEN, title="Una")
    few = statements()
    for n in range(6):
        make.process(
            ProcessStatus.OPEN,
            title=f"Zona {n}",
            scope=ScopeKind.COLONIAS,
            colonias=[kit.colonias["Sauces"]],
        )
    assert statements() == few
    assert few <= 12


def test_the_home_lists_a_bounded_number_and_links_to_the_rest(make, kit, client, monkeypatch):
    monkeypatch.setattr(open_now, "OPEN_LIMIT", 2)
    for n in range(3):
        make.process(ProcessStatus.OPEN, title=f"Abierto {n}")
    shown, more = open_processes(None, municipal_today())
    assert len(shown) == 2 and more
    assert "/procesos/?estado=abiertos" in client.get("/").get_data(as_text=True)


def test_cards_show_the_mechanism_picture_and_icon(make, client):
    make.process(ProcessStatus.OPEN, type=ProcessType.PRESUPUESTO, title="Presupuesto")
    page = client.get("/").get_data(as_text=True)
    image = re.search(r'<img class="card-image"[^>]*>', page)[0]
    assert "img/mechanisms/piggy-bank.svg" in image
    assert 'alt=""' in image and 'loading="lazy"' in image
    assert 'width="320"' in image and 'height="180"' in image
    assert re.search(r'<svg class="icon" aria-hidden="true"[^>]*><use href="[^"]*sprite.svg', page)
    assert "#piggy-bank" in page
    assert "Participatory budgeting" in page  # the mechanism named in text


def test_every_mechanism_has_its_icon_in_the_sprite_and_an_illustration():
    sprite = (STATIC / "vendor/lucide/sprite.svg").read_text()
    for name in {*TYPE_ICONS.values(), "circle-check", "map-pin"}:
        assert f'<symbol id="{name}"' in sprite
    for name in TYPE_ICONS.values():
        assert (STATIC / f"img/mechanisms/{name}.svg").is_file()
    assert (STATIC / "vendor/lucide/LICENSE").is_file()
    assert set(TYPE_ICONS) == set(ProcessType)


def pb_with_projects(make, photo: str | None):
    process = make.process(ProcessStatus.OPEN, type=ProcessType.PRESUPUESTO, title="PP 2027")
    ballot = PbBallot(process_id=process.id, name="Boleta general", amount=1_000_000)
    db.session.add(ballot)
    db.session.flush()
    for title, picture in (("Parque con foto", photo), ("Banqueta sin foto", None)):
        db.session.add(
            PbProject(
                ballot_id=ballot.id,
                title=title,
                estimated_cost=100_000,
                cost=100_000,
                status=ProjectStatus.FEASIBLE,
                photo=picture,
                category="Parques",
            )
        )
    db.session.commit()
    return process


def test_project_cards_show_the_photo_or_the_budget_illustration(make, client):
    name = "0123456789abcdef0123456789abcdef.jpg"
    process = pb_with_projects(make, name)
    page = client.get(f"/procesos/{process.id}/proyectos/").get_data(as_text=True)
    images = re.findall(r'<img class="card-image"[^>]*>', page)
    assert len(images) == 2
    assert f"/procesos/{process.id}/proyectos/fotos/{name}" in images[0]
    assert "img/mechanisms/piggy-bank.svg" in images[1]
    assert all('alt=""' in i and 'loading="lazy"' in i and 'height="180"' in i for i in images)


def filters_summary(page: str) -> str:
    box = re.search(r'<details class="filters" open data-filters>\s*<summary>(.*?)</summary>', page)
    assert box, "the filters are in an open <details> (folded by filters.js on phones)"
    return box[1]


def test_list_filters_sit_in_a_details_with_the_count_of_filters_in_use(make, client):
    process = pb_with_projects(make, None)
    base = f"/procesos/{process.id}/proyectos/"
    summary = filters_summary(client.get(base).get_data(as_text=True))
    assert "Filters" in summary and "in use" not in summary
    page = client.get(base + "?categoria=Parques&q=Parque").get_data(as_text=True)
    assert "2 in use" in filters_summary(page)
    assert "js/filters.js" in page


def test_proposal_filters_count_no_sort_order(kit, client):
    initiative = kit.initiative()
    base = f"/procesos/{initiative.id}/propuestas/"
    assert "in use" not in filters_summary(client.get(base + "?orden=recientes").get_data(True))
    assert "1 in use" in filters_summary(client.get(base + "?q=luz").get_data(as_text=True))


def test_public_works_filters_are_folded_too(client):
    assert "Filters" in filters_summary(client.get("/obras/").get_data(as_text=True))


def test_staff_see_the_open_processes_without_a_reason_on_each(make, client):
    make.process(ProcessStatus.OPEN, title="Consulta abierta")
    staff = make.user(role=Role.STAFF)
    login(client, staff.email)
    page = client.get("/").get_data(as_text=True)
    assert "Consulta abierta" in page
    assert "CURP and colonia" not in page and "Log in to see first" not in page
