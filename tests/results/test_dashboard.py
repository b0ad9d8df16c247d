"""The council dashboard of the period: counts and shares per zone, filters, secrecy, access."""

import json
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from flask import current_app
from sqlalchemy import event

from participa.auth.models import Role
from participa.budgets.models import PbBallot, PbOutcome, PbParticipation, PbProject, PbVote
from participa.consultations.models import Participation
from participa.council.models import Agreement, CouncilSession, SessionKind
from participa.events.models import Attendance, Event, Registration, RegistrationStatus
from participa.extensions import db
from participa.processes.models import Phase
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals import attachments
from participa.proposals import services as proposal_services
from participa.proposals.models import ProposalSettings, Support, ThresholdKind
from participa.results import period, sections
from participa.results.period import Filters
from participa.tally import age_band
from tests.factories import Factories, login
from tests.results.test_results import msg, seed_results

S = ProcessStatus
TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 18, 0, tzinfo=UTC)
YEAR = date.today().year  # the processes below are created now


def login_as(client, make, role):
    user = make.user(role)
    login(client, user.email)
    return user


def took_part(model, colonia, band, sex, n=1, **keys):
    for _ in range(n):
        db.session.add(
            model(
                voter_key=f"curp:{secrets.token_hex(6)}",
                colonia_id=colonia.id if colonia else None,
                age_band=band,
                sex=sex,
                **keys,
            )
        )
    db.session.commit()


def attended(event_row, colonia, band, sex, walk_in=False):
    db.session.add(
        Attendance(
            event_id=event_row.id,
            name="Asistente",
            walk_in=walk_in,
            colonia_id=colonia.id,
            age_band=band,
            sex=sex,
        )
    )
    db.session.commit()


def new_event(process, title="Asamblea de barrio"):
    row = Event(process_id=process.id, title=title, starts_at=NOW, ends_at=NOW + timedelta(hours=2))
    db.session.add(row)
    db.session.commit()
    return row


def proposal(process, author, colonias, title="Semáforo en la escuela"):
    data = proposal_services.ProposalData(
        title=title,
        body="Hace falta un semáforo.",
        category="Seguridad",
        colonia_id=colonias["Centro"].id,
    )
    return proposal_services.create_proposal(
        process, author, data, [], attachments.folder(current_app.instance_path), NOW
    )


@pytest.fixture
def period_data(make):
    return build_period_data(make)


def build_period_data(make):
    """One process of each mechanism in the year, with known participants.

    Consultation: Centro M 18-29 ×2, Lomas H 30-44, Sauces X 60+, one without colonia.
    PB: two voters of Sauces (one of them in both ballots), M 45-59.
    Proposals: an author of Lomas (H, 30-44 today) and a supporter of Centro (M, 18-29).
    Events: one attendee of Centro (M, <18), a walk-in.
    """
    colonias = make.territory()
    centro, lomas, sauces = colonias["Centro"], colonias["Lomas"], colonias["Sauces"]
    consulta = make.consultation(S.OPEN, title="Consulta de movilidad")
    took_part(Participation, centro, "18-29", "M", 2, process_id=consulta.id)
    took_part(Participation, lomas, "30-44", "H", process_id=consulta.id)
    took_part(Participation, sauces, "60+", "X", process_id=consulta.id)
    took_part(Participation, None, None, None, process_id=consulta.id)

    pb = make.process(S.OPEN, type=ProcessType.PRESUPUESTO, title="Presupuesto 2026")
    ballots = [PbBallot(process_id=pb.id, name=name, amount=1000) for name in ("Norte", "Sur")]
    db.session.add_all(ballots)
    db.session.commit()
    for ballot in ballots:
        took_part(PbParticipation, sauces, "45-59", "M", ballot_id=ballot.id)
    db.session.add(
        PbParticipation(
            ballot_id=ballots[1].id,
            voter_key=db.session.execute(
                db.select(PbParticipation.voter_key).where(
                    PbParticipation.ballot_id == ballots[0].id
                )
            ).scalar_one(),
            colonia_id=sauces.id,
            age_band="45-59",
            sex="M",
        )
    )
    db.session.commit()

    initiative = make.process(S.OPEN, type=ProcessType.INICIATIVA, title="Iniciativas 2026")
    db.session.add(
        ProposalSettings(
            process_id=initiative.id, threshold_kind=ThresholdKind.NUMBER, threshold_number=1
        )
    )
    db.session.commit()
    author = make.user(colonia=lomas, birth=date(1990, 1, 1), sex="H")
    supporter = make.user(colonia=centro, birth=date(2000, 1, 1), sex="M")
    made = proposal(initiative, author, colonias)
    db.session.add(Support(proposal_id=made.id, user_id=supporter.id))
    made.support_count = 1
    db.session.commit()

    assembly = make.process(S.OPEN, type=ProcessType.ASAMBLEA, title="Asamblea 2026")
    meeting = new_event(assembly)
    attended(meeting, centro, "<18", "M", walk_in=True)
    db.session.add(
        Registration(event_id=meeting.id, user_id=author.id, status=RegistrationStatus.CONFIRMED)
    )
    db.session.commit()
    return colonias, {"consulta": consulta, "pb": pb, "initiative": initiative, "event": meeting}


def heard(filters: Filters):
    return period.who_was_heard(period.period_processes(filters.year), filters, TODAY)


def by_zone(result):
    return {row.zone: (row.participants, row.share) for row in result.by_colonia}


# --- who was heard -------------------------------------------------------------------------


def test_participations_per_zone_and_share_of_population(period_data):
    result = heard(Filters(YEAR))
    assert result.by_source == {"consultations": 5, "pb": 2, "proposals": 2, "events": 1}
    assert result.total == 10 and result.unlocated == 1
    assert by_zone(result) == {
        "Centro": (4, Fraction(4, 1000)),  # 2 answers + 1 supporter + 1 attendee
        "Lomas": (2, Fraction(2, 500)),  # 1 answer + 1 author
        "Sauces": (3, Fraction(3, 2000)),  # 1 answer + 2 PB voters
    }
    # Lowest share first, and said in words: Sauces is the least heard.
    assert [row.zone for row in result.lowest] == ["Sauces", "Centro", "Lomas"]
    assert {z.zone: z.participants for z in result.by_delegacion} == {"Norte": 6, "Sur": 3}
    assert result.by_age_band == {
        "<18": 1,
        "18-29": 3,
        "30-44": 2,
        "45-59": 2,
        "60+": 1,
        None: 1,
    }
    assert result.by_sex == {"M": 6, "H": 2, "X": 1, None: 1}


def test_the_same_counts_on_postgresql(pg_app):
    colonias, _made = build_period_data(Factories())
    result = heard(Filters(YEAR))
    assert result.by_source == {"consultations": 5, "pb": 2, "proposals": 2, "events": 1}
    assert result.by_age_band["30-44"] == 2 and result.by_sex["M"] == 6
    lomas = heard(Filters(YEAR, colonia_id=colonias["Lomas"].id, age_band="30-44", sex="H"))
    assert lomas.by_source == {"consultations": 1, "pb": 0, "proposals": 1, "events": 0}
    board = sections.build_dashboard(Filters(YEAR, sex="M"), TODAY)
    assert [(e.registered, e.attended) for e in board.events] == [(0, 1)]


def test_zone_age_and_sex_filters_narrow_who_took_part(period_data):
    colonias, _ = period_data
    norte = colonias["Centro"].delegacion_id
    north = heard(Filters(YEAR, delegacion_id=norte))
    assert set(by_zone(north)) == {"Centro", "Lomas"}
    assert north.total == 6 and north.unlocated == 0

    lomas = heard(Filters(YEAR, colonia_id=colonias["Lomas"].id))
    assert by_zone(lomas) == {"Lomas": (2, Fraction(2, 500))}
    assert lomas.by_source == {"consultations": 1, "pb": 0, "proposals": 1, "events": 0}

    young = heard(Filters(YEAR, age_band="18-29"))
    assert young.total == 3 and by_zone(young)["Centro"] == (3, Fraction(3, 1000))

    men = heard(Filters(YEAR, sex="H"))
    assert men.by_source == {"consultations": 1, "pb": 0, "proposals": 1, "events": 0}
    women_of_sauces = heard(Filters(YEAR, colonia_id=colonias["Sauces"].id, sex="M"))
    assert women_of_sauces.by_source["pb"] == 2 and women_of_sauces.total == 2


@pytest.mark.parametrize(
    "birth",
    [
        date(2008, 6, 15),
        date(2008, 6, 16),
        date(1997, 6, 15),
        date(1966, 6, 16),
        date(1966, 6, 15),
        date(1960, 2, 29),
        date(1950, 1, 1),
    ],
)
def test_age_bands_from_accounts_match_the_participation_snapshots(app, make, birth):
    user = make.user(birth=birth)
    band = db.session.execute(
        db.select(period.age_band_of_birth(period.User.birth_date, TODAY)).where(
            period.User.id == user.id
        )
    ).scalar_one()
    assert band == age_band(birth, TODAY)


def test_the_period_is_the_year_of_creation_or_of_a_phase(app, make):
    old = make.consultation(S.CLOSED, title="Consulta de 2024")
    old.created_at = datetime(2024, 3, 1, tzinfo=UTC)
    phased = make.consultation(S.CLOSED, title="Consulta con fase")
    phased.created_at = datetime(2024, 3, 1, tzinfo=UTC)
    phased.phases = [Phase(name="Votación", starts_on=date(2024, 12, 20), ends_on=date(2025, 1, 5))]
    make.consultation(S.DRAFT, title="Borrador")
    db.session.commit()
    assert {p.title for p in period.period_processes(2025)} == {"Consulta con fase"}
    assert {p.title for p in period.period_processes(2024)} == {
        "Consulta de 2024",
        "Consulta con fase",
    }
    assert period.period_processes(2023) == []


# --- the mechanisms ------------------------------------------------------------------------


def test_pb_votes_and_winners_only_once_published(period_data):
    _colonias, made = period_data
    ballot = db.session.execute(db.select(PbBallot).where(PbBallot.name == "Sur")).scalar_one()
    project = PbProject(ballot_id=ballot.id, title="Luminarias", estimated_cost=500, cost=500)
    db.session.add(project)
    db.session.flush()
    db.session.add(PbVote(id=secrets.token_hex(16), ballot_id=ballot.id, receipt_hash="x" * 64))
    db.session.add(PbOutcome(ballot_id=ballot.id, rule="greedy", winners=json.dumps([project.id])))
    db.session.commit()
    lines = {line.ballot.name: line for line in sections.pb_lines([made["pb"]], Filters(YEAR))}
    assert (lines["Sur"].votes, lines["Sur"].voters, lines["Sur"].winners) == (1, 2, [])
    ballot.outcome.published = True
    made["pb"].status = S.RESULTS_PUBLISHED
    db.session.commit()
    lines = {line.ballot.name: line for line in sections.pb_lines([made["pb"]], Filters(YEAR))}
    assert lines["Sur"].winners == [project] and lines["Sur"].published
    # Votes are the whole count; voters follow the filters.
    narrowed = sections.pb_lines([made["pb"]], Filters(YEAR, sex="H"))
    assert [(line.votes, line.voters) for line in narrowed if line.ballot.name == "Sur"] == [(1, 0)]


def test_proposals_by_status_most_supported_and_threshold(period_data):
    _colonias, made = period_data
    (line,) = sections.proposal_lines([made["initiative"]])
    assert line.by_status[sections.ProposalStatus.PUBLISHED] == 1
    assert line.needed == 1 and line.reached == 1
    assert [p.title for p in line.top] == ["Semáforo en la escuela"]


def test_events_registrations_attendance_and_walk_ins(period_data):
    _colonias, made = period_data
    (line,) = sections.event_lines([made["event"].process], Filters(YEAR), TODAY)
    assert (line.registered, line.attended, line.walk_ins) == (1, 1, 1)
    (line,) = sections.event_lines([made["event"].process], Filters(YEAR, sex="H"), TODAY)
    assert (line.registered, line.attended, line.walk_ins) == (1, 0, 0)


# --- the page ------------------------------------------------------------------------------


def figures(page: str) -> dict:
    found = re.findall(r'<script type="application/json" id="figure-([\w-]+)">(.*?)</script>', page)
    return {key: json.loads(text) for key, text in found}


def test_answer_charts_do_not_change_with_demographic_filters(app, client, make):
    survey = seed_results(make, S.RESULTS_PUBLISHED)
    login_as(client, make, Role.COUNCIL)
    secrecy = msg(
        app,
        "Answers are not broken down by zone, age or sex, to protect the secrecy of the vote: "
        "the filters narrow who took part, never what was chosen.",
    )
    plain = client.get("/consejo/tablero/consultas").get_data(as_text=True)
    assert secrecy not in plain
    women = client.get("/consejo/tablero/consultas?sexo=M").get_data(as_text=True)
    assert secrecy in women
    key = f"headline-{survey.process.id}"
    assert figures(plain)[key] == figures(women)[key]
    # Turnout does follow the filter: 4 took part, 2 of them women.
    assert figures(plain)["consultations-turnout"]["data"][0]["x"] == [4]
    assert figures(women)["consultations-turnout"]["data"][0]["x"] == [2]


def test_open_consultations_show_turnout_but_no_answers(client, make):
    survey = seed_results(make, S.OPEN)
    login_as(client, make, Role.COUNCIL)
    page = client.get("/consejo/tablero/consultas").get_data(as_text=True)
    assert f"headline-{survey.process.id}" not in page
    assert "Consulta de obras 2025" in page


def test_filters_are_a_get_form_and_mark_what_is_chosen(client, make, period_data):
    colonias, _ = period_data
    login_as(client, make, Role.STAFF)
    lomas = colonias["Lomas"].id
    page = client.get(f"/consejo/tablero/escuchados?anio={YEAR}&zona=c{lomas}&edad=30-44&sexo=H")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<form method="get"' in text
    assert f'<option value="c{lomas}" selected>' in text
    assert '<option value="30-44" selected>' in text
    assert '<option value="H" selected>' in text
    zones = figures(text)["heard-colonia"]["data"][0]
    assert zones["y"] == ["Lomas (Norte)"]


@pytest.mark.parametrize(
    "query",
    ["anio=abc", "anio=1850", "zona=c999999999999", "zona=x1", "zona=d", "edad=<script>", "sexo=Q"],
)
def test_bad_filter_values_are_ignored_with_a_message(app, client, make, query):
    login_as(client, make, Role.COUNCIL)
    page = client.get(f"/consejo/?{query}")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert msg(app, "Some filter values were not valid and were ignored:") in text
    assert msg(app, "Who was heard") in text  # the page still shows, unfiltered
    assert 'value="<script>"' not in text


def test_dashboard_access(client, make):
    response = client.get("/consejo/")
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]
    login_as(client, make, Role.CITIZEN)
    assert client.get("/consejo/").status_code == 403
    client.post("/cuenta/salir")
    for role in (Role.COUNCIL, Role.STAFF, Role.ADMIN):
        login_as(client, make, role)
        assert client.get("/consejo/").status_code == 200, role
        client.post("/cuenta/salir")


def test_dashboard_with_csrf_on(csrf_app, make):
    client = csrf_app.test_client()
    user = make.user(Role.COUNCIL)
    login_page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/cuenta/entrar",
        data={"email": user.email, "password": "contraseña-segura", "csrf_token": token},
    )
    assert client.get("/consejo/?edad=60%2B").status_code == 200


# --- efficiency ----------------------------------------------------------------------------


def count_queries(action) -> int:
    seen = []

    def record(*_args):
        seen.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def test_queries_do_not_grow_with_participations(period_data):
    colonias, made = period_data

    def build():
        db.session.expire_all()
        sections.build_dashboard(Filters(YEAR, sex="M"), TODAY)

    before = count_queries(build)
    took_part(Participation, colonias["Centro"], "18-29", "M", 300, process_id=made["consulta"].id)
    for _ in range(30):
        attended(made["event"], colonias["Lomas"], "30-44", "M")
    assert count_queries(build) == before


def test_every_dashboard_figure_is_valid_plotly(client, make, period_data):
    import plotly.graph_objects as go

    login_as(client, make, Role.COUNCIL)
    found = {}
    for slug in ("escuchados", "consultas", "presupuesto", "propuestas", "eventos"):
        found |= figures(client.get(f"/consejo/tablero/{slug}").get_data(as_text=True))
    assert {"heard-colonia", "heard-sex", "pb-votes", "events-attendance"} <= set(found)
    for key, figure in found.items():
        go.Figure(figure)  # raises on any property Plotly does not know
        assert key


# --- the first screen: summary cards and the section menu -----------------------------------


def test_the_dashboard_starts_with_summary_cards_and_a_section_menu(app, client, make):
    make.process(S.OPEN, title="Consulta abierta")
    budget = make.process(
        S.RESULTS_PUBLISHED, type=ProcessType.PRESUPUESTO, title="Presupuesto 2026"
    )
    session = CouncilSession(
        kind=SessionKind.EXTRAORDINARY,
        year=2099,
        number=1,
        starts_at=datetime(2099, 1, 10, 17, tzinfo=UTC),
        place="Sala",
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Agreement(
            session_id=session.id,
            number=1,
            code="E1/2099-1",
            text="Acuerdo",
            owner_text="Obras",
            due_on=date(2000, 1, 1),
        )
    )
    db.session.commit()
    login_as(client, make, Role.COUNCIL)
    page = client.get("/consejo/").get_data(as_text=True)
    cards = page[
        page.index('class="summary-cards"') : page.index("</ul>", page.index("summary-cards"))
    ]
    assert re.search(r'id="card-processes">.*?summary-value">1<', cards, re.S)
    assert re.search(r'id="card-agreements">.*?summary-value">1<', cards, re.S)
    assert msg(app, "Extraordinary session %(n)s/%(year)s", n=1, year=2099) in cards
    assert f'href="/procesos/{budget.id}/presupuesto/resultados"' in page
    assert 'href="/consejo/seguimiento/"' in page
    # The menu keeps the old one-page anchors (#heard, #pb …) and the year across pages.
    for key, slug in (("heard", "escuchados"), ("pb", "presupuesto"), ("events", "eventos")):
        assert re.search(rf'<li id="{key}"><a href="/consejo/tablero/{slug}\?anio=\d+"', page)
    # No chart is drawn on the first screen: they live on the section pages.
    assert not figures(page)
    assert client.get("/consejo/tablero/nada").status_code == 404


def test_section_pages_keep_the_filters_in_the_menu(client, make, period_data):
    colonias, _ = period_data
    login_as(client, make, Role.COUNCIL)
    lomas = colonias["Lomas"].id
    page = client.get(f"/consejo/tablero/presupuesto?anio={YEAR}&zona=c{lomas}").get_data(
        as_text=True
    )
    assert f'href="/consejo/tablero/eventos?anio={YEAR}&amp;zona=c{lomas}"' in page
    assert 'aria-current="page">' in page
    assert "pb-votes" in figures(page) and "heard-colonia" not in figures(page)
