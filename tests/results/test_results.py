"""Results: who may read them when, whether the figures are right, and how the page shows them."""

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from flask_babel import format_date, gettext
from markupsafe import escape

from participa.auth.models import Role
from participa.consultations.answering import submit_response
from participa.consultations.models import QuestionKind
from participa.consultations.questionnaire import questions
from participa.extensions import db
from participa.processes.models import Phase
from participa.processes.types import ProcessStatus, ProcessType
from participa.results.services import participation_stats, question_results
from participa.tally import ChoiceTally, RankingTally, ScaleTally, TextAnswers
from tests.factories import login

K = QuestionKind
S = ProcessStatus
TZ = ZoneInfo("America/Mexico_City")


def msg(app, message: str, /, **values) -> str:
    with app.test_request_context():
        return str(escape(gettext(message, **values)))


@dataclass
class Survey:
    process: object
    q: dict  # kind -> question
    o: dict  # (kind, label) -> option id


def seed_results(make, status: ProcessStatus = S.OPEN) -> Survey:
    """Four residents answer the factory consultation, then the process gets `status`.

    Each row of `people` below: colonia, birth date, sex, then the answers (single, multiple,
    ranking, scale, yes/no, text; None = question left out) and the moment of answering.
    """
    colonias = make.territory()
    process = make.consultation(title="Consulta de obras 2025")
    q = {question.kind: question for question in questions(process)}
    o = {
        (kind, option.label): option.id
        for kind, question in q.items()
        for option in question.options
    }
    people = [
        (
            "Centro",
            date(2000, 1, 1),
            "M",
            "Agua",
            ["Parques", "Basura"],
            ["A", "B", "C"],
            5,
            1,
            "Más luminarias",
            datetime(2025, 6, 1, 16, 0, tzinfo=UTC),
        ),
        (
            "Centro",
            date(1980, 3, 1),
            "H",
            "Agua",
            ["Basura"],
            ["B", "A"],
            3,
            0,
            "",
            datetime(2025, 6, 1, 23, 30, tzinfo=UTC),
        ),
        (
            "Lomas",
            date(1950, 7, 1),
            "M",
            "Luz",
            ["Parques", "Camiones"],
            [],
            4,
            1,
            "Banquetas",
            datetime(2025, 6, 2, 5, 59, tzinfo=UTC),
        ),  # still 1 June in Mexico City
        (
            "Sauces",
            date(1990, 5, 17),
            "X",
            "Agua",
            ["Basura", "Camiones"],
            ["B"],
            3,
            1,
            None,
            datetime(2025, 6, 3, 15, 0, tzinfo=UTC),
        ),
    ]
    for colonia, birth, sex, single, multiple, ranking, scale, yes_no, text, now in people:
        user = make.user(colonia=colonias[colonia], birth=birth, sex=sex)
        answers = {
            q[K.SINGLE].id: o[(K.SINGLE, single)],
            q[K.MULTIPLE].id: [o[(K.MULTIPLE, label)] for label in multiple],
            q[K.RANKING].id: [o[(K.RANKING, label)] for label in ranking],
            q[K.SCALE].id: scale,
            q[K.YES_NO].id: yes_no,
        }
        if text is not None:
            answers[q[K.TEXT].id] = text
        submit_response(process, user, answers, now=now, today=date(2025, 6, 1), max_text=2000)
    process.status = status
    db.session.commit()
    return Survey(process, q, o)


@pytest.fixture
def survey(make) -> Survey:
    return seed_results(make)


def set_status(process, status):
    process.status = status
    db.session.commit()


def login_as(client, make, role):
    user = make.user(role)
    login(client, user.email)
    return user


# --- who may read ------------------------------------------------------------------------


def test_results_are_hidden_from_the_public_until_published(app, client, make, survey):
    path = f"/procesos/{survey.process.id}/resultados"
    pending = msg(app, "The results will be published when the count ends")
    for status in (S.OPEN, S.CLOSED):
        set_status(survey.process, status)
        page = client.get(path)
        assert page.status_code == 200, status  # a page that says when, not a 404
        assert pending in page.get_data(as_text=True)
        assert "Agua" not in page.get_data(as_text=True)  # no answers, no counts
        assert client.get(f"{path}.csv").status_code == 404
    login_as(client, make, Role.CITIZEN)
    assert pending in client.get(path).get_data(as_text=True)

    set_status(survey.process, S.RESULTS_PUBLISHED)
    client.post("/cuenta/salir")
    page = client.get(path)
    assert page.status_code == 200
    preliminary = msg(
        app, "Preliminary results for the council and staff: they are not public yet."
    )
    assert preliminary not in page.get_data(as_text=True)
    assert "Consulta de obras 2025" in page.get_data(as_text=True)
    # The public process page links to them now.
    assert path in client.get(f"/procesos/{survey.process.id}").get_data(as_text=True)

    set_status(survey.process, S.ARCHIVED)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.STAFF, Role.ADMIN])
def test_council_and_staff_read_preliminary_results_from_opening(app, client, make, survey, role):
    login_as(client, make, role)
    path = f"/procesos/{survey.process.id}/resultados"
    preliminary = msg(
        app, "Preliminary results for the council and staff: they are not public yet."
    )
    still_open = msg(app, "Participation is still open.")
    page = client.get(path).get_data(as_text=True)
    assert preliminary in page and still_open in page

    set_status(survey.process, S.CLOSED)
    page = client.get(path).get_data(as_text=True)
    assert preliminary in page and still_open not in page

    set_status(survey.process, S.RESULTS_PUBLISHED)
    assert preliminary not in client.get(path).get_data(as_text=True)

    set_status(survey.process, S.PUBLISHED)  # announced: nothing to read yet, only when
    page = client.get(path)
    assert page.status_code == 200 and preliminary not in page.get_data(as_text=True)
    assert msg(app, "The results will be published when the count ends") in page.get_data(
        as_text=True
    )


def test_results_of_drafts_and_processes_without_questionnaire_do_not_exist(client, make):
    login_as(client, make, Role.STAFF)
    draft = make.consultation(S.DRAFT)
    assembly = make.process(S.RESULTS_PUBLISHED, type=ProcessType.ASAMBLEA)
    assert client.get(f"/procesos/{draft.id}/resultados").status_code == 404
    assert client.get(f"/procesos/{assembly.id}/resultados").status_code == 404


def test_unpublished_results_say_the_date_of_the_results_phase(app, client, make, survey):
    """The expected date comes from a results phase ahead; nothing counted is shown."""
    set_status(survey.process, S.CLOSED)
    today = datetime.now(TZ).date()
    db.session.add_all(
        [
            Phase(
                process_id=survey.process.id,
                name="Votación",
                starts_on=date(2020, 1, 1),
                ends_on=date(2020, 1, 31),
            ),
            Phase(
                process_id=survey.process.id,
                name="Publicación de resultados",
                announces_results=True,
                starts_on=today.replace(year=today.year + 1),
                ends_on=today.replace(year=today.year + 1),
            ),
        ]
    )
    db.session.commit()
    page = client.get(f"/procesos/{survey.process.id}/resultados")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    with app.test_request_context():
        expected = format_date(today.replace(year=today.year + 1), "long")
    assert msg(app, "Results on %(date)s", date=expected) in text
    assert "Votación" in text
    assert "took part" not in text  # no turnout before publication for the public


def test_council_dashboard(client, make, survey):
    make.consultation(S.PUBLISHED, title="Consulta anunciada")
    make.consultation(S.DRAFT, title="Consulta en borrador")
    make.consultation(S.RESULTS_PUBLISHED, title="Consulta ya publicada")
    make.process(S.OPEN, type=ProcessType.ASAMBLEA, title="Asamblea abierta")

    response = client.get("/consejo/")
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]
    login_as(client, make, Role.CITIZEN)
    assert client.get("/consejo/").status_code == 403
    client.post("/cuenta/salir")

    login_as(client, make, Role.COUNCIL)
    page = client.get("/consejo/tablero/consultas").get_data(as_text=True)
    assert f'href="/procesos/{survey.process.id}/resultados"' in page
    assert "Consulta de obras 2025" in page
    assert "Consulta ya publicada" in page
    for hidden in ("Consulta anunciada", "Consulta en borrador", "Asamblea abierta"):
        assert hidden not in page


# --- the figures -------------------------------------------------------------------------


def test_question_results_match_hand_counts(survey):
    results = {r.question.kind: r.tally for r in question_results(survey.process)}
    o = survey.o

    single = results[K.SINGLE]
    assert isinstance(single, ChoiceTally) and single.respondents == 4
    assert [(x.option_id, x.count, x.share) for x in single.options] == [
        (o[(K.SINGLE, "Agua")], 3, Fraction(3, 4)),
        (o[(K.SINGLE, "Luz")], 1, Fraction(1, 4)),
        (o[(K.SINGLE, "Calles")], 0, 0),
    ]

    multiple = results[K.MULTIPLE]
    assert multiple.respondents == 4
    assert [(x.option_id, x.count) for x in multiple.options] == [
        (o[(K.MULTIPLE, "Parques")], 2),
        (o[(K.MULTIPLE, "Basura")], 3),
        (o[(K.MULTIPLE, "Camiones")], 2),
    ]

    # Borda with 3 options: 1st = 3 points, 2nd = 2, 3rd = 1.
    # A: 3 + 2 = 5; B: 2 + 3 + 3 = 8; C: 1. Total 14.
    ranking = results[K.RANKING]
    assert isinstance(ranking, RankingTally) and ranking.respondents == 3
    assert [(x.option_id, x.count, x.share) for x in ranking.options] == [
        (o[(K.RANKING, "B")], 8, Fraction(8, 14)),
        (o[(K.RANKING, "A")], 5, Fraction(5, 14)),
        (o[(K.RANKING, "C")], 1, Fraction(1, 14)),
    ]
    assert ranking.first_places == {
        o[(K.RANKING, "A")]: 1,
        o[(K.RANKING, "B")]: 2,
        o[(K.RANKING, "C")]: 0,
    }

    scale = results[K.SCALE]
    assert isinstance(scale, ScaleTally)
    assert (scale.respondents, scale.counts) == (4, (0, 0, 2, 1, 1))
    assert (scale.mean, scale.median) == (Fraction(15, 4), Fraction(7, 2))

    yes_no = results[K.YES_NO]
    assert [(x.option_id, x.count) for x in yes_no.options] == [(1, 3), (0, 1)]
    assert yes_no.respondents == 4

    texts = results[K.TEXT]
    assert isinstance(texts, TextAnswers)
    assert texts.respondents == 2
    assert sorted(texts.answers) == ["Banquetas", "Más luminarias"]


def test_participation_stats_match_hand_counts(survey):
    stats = participation_stats(survey.process, TZ)
    assert stats.total == 4

    # Population: Norte = Centro 1000 + Lomas 500; Sur = Sauces 2000.
    assert [(z.zone, z.participants, z.population, z.share) for z in stats.by_delegacion] == [
        ("Norte", 3, 1500, Fraction(1, 500)),
        ("Sur", 1, 2000, Fraction(1, 2000)),
    ]
    by_colonia = {z.zone: (z.participants, z.population, z.share) for z in stats.by_colonia}
    assert by_colonia == {
        "Centro (Norte)": (2, 1000, Fraction(1, 500)),
        "Lomas (Norte)": (1, 500, Fraction(1, 500)),
        "Sauces (Sur)": (1, 2000, Fraction(1, 2000)),
    }
    assert [z.zone for z in stats.by_colonia][-1] == "Sauces (Sur)"  # best heard first

    # Ages on 1 June 2025: 25, 45, 74, 35.
    assert stats.by_age_band == {"<18": 0, "18-29": 1, "30-44": 1, "45-59": 1, "60+": 1}
    assert stats.by_sex == {"M": 2, "H": 1, "X": 1}

    # Days in Mexico City time: 1 June (3 people, one of them 05:59 UTC on the 2nd), 3 June (1).
    assert [(d.day, d.count, d.cumulative) for d in stats.per_day] == [
        (date(2025, 6, 1), 3, 3),
        (date(2025, 6, 2), 0, 3),
        (date(2025, 6, 3), 1, 4),
    ]


def test_stats_only_count_zones_in_scope(make):
    survey = seed_results(make)
    process = survey.process
    norte = next(z for z in (c.delegacion for c in _colonias()) if z.name == "Norte")
    process.scope = process.scope.DELEGACIONES
    process.delegaciones = [norte]
    db.session.commit()
    stats = participation_stats(process, TZ)
    # The population of Sur is not the denominator of a Norte-only process.
    assert {(z.zone, z.population) for z in stats.by_delegacion} == {("Norte", 1500), ("Sur", 0)}


def _colonias():
    from participa.territory.models import Colonia

    return db.session.execute(db.select(Colonia)).scalars().all()


def test_empty_results_page_renders(client, make):
    process = make.consultation(S.RESULTS_PUBLISHED, title="Consulta sin respuestas")
    page = client.get(f"/procesos/{process.id}/resultados")
    assert page.status_code == 200
    assert "Consulta sin respuestas" in page.get_data(as_text=True)


# --- the page ----------------------------------------------------------------------------


def test_page_has_a_chart_and_a_table_for_each_figure(app, client, make, survey):
    login_as(client, make, Role.COUNCIL)
    survey.process.status = S.CLOSED
    db.session.commit()
    page = client.get(f"/procesos/{survey.process.id}/resultados").get_data(as_text=True)

    keys = re.findall(r'data-figure="figure-([\w-]+)"', page)
    non_text = [q for kind, q in survey.q.items() if kind is not K.TEXT]
    expected = [f"q{q.id}" for q in sorted(non_text, key=lambda q: q.position)]
    expected += ["per-day", "by-delegacion", "by-age", "by-sex", "by-colonia"]
    assert keys == expected
    assert f"figure-q{survey.q[K.TEXT].id}" not in page

    for key, following in zip(keys, keys[1:] + [None], strict=True):
        start = page.index(f'data-figure="figure-{key}"')
        end = page.index(f'data-figure="figure-{following}"') if following else len(page)
        assert "<table>" in page[start:end], key
        script = re.search(
            rf'<script type="application/json" id="figure-{key}">(.*?)</script>', page, re.S
        )
        figure = json.loads(script.group(1))
        assert "data" in figure and "layout" in figure, key
        assert figure["data"], key

    # A few figures a reader checks in the tables.
    assert re.search(r'<th scope="row">B</th><td>8</td><td>2</td>', page)  # Borda, firsts
    assert re.search(r'<th scope="row">Agua</th><td>3</td><td>75', page)
    assert "Más luminarias" in page and "Banquetas" in page
    assert msg(app, "%(n)s people answered.", n=4) in page
    assert re.search(r'<th scope="row">Norte</th><td>3</td><td>1,500</td>', page)
    by_sex = page[page.index('id="chart-by-sex"') : page.index('id="chart-by-colonia"')]
    assert re.search(rf'<th scope="row">{msg(app, "Women")}</th><td>2</td>', by_sex)


def test_bar_charts_carry_the_counts(client, make, survey):
    set_status(survey.process, S.RESULTS_PUBLISHED)
    page = client.get(f"/procesos/{survey.process.id}/resultados").get_data(as_text=True)
    single = survey.q[K.SINGLE].id
    script = re.search(rf'id="figure-q{single}">(.*?)</script>', page, re.S).group(1)
    bars = json.loads(script)["data"][0]
    assert bars["x"] == [3, 1, 0]
    assert bars["y"] == ["Agua", "Luz", "Calles"]


def test_while_open_the_council_sees_turnout_but_no_answers(client, make, survey):
    login_as(client, make, Role.COUNCIL)
    page = client.get(f"/procesos/{survey.process.id}/resultados").get_data(as_text=True)
    keys = re.findall(r'data-figure="figure-([\w-]+)"', page)
    assert keys == ["per-day", "by-delegacion", "by-age", "by-sex", "by-colonia"]
    assert "resultados.csv" not in page and "respuestas.csv" not in page
    assert "Agua" not in page
