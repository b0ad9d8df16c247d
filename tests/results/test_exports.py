"""CSV downloads: the aggregate results and the anonymous answers, streamed."""

import csv
import io
import threading
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from werkzeug.test import EnvironBuilder

from participa.auth.models import Role
from participa.consultations.answering import submit_response
from participa.consultations.models import QuestionKind
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.factories import login
from tests.results.test_results import seed_results

K = QuestionKind
S = ProcessStatus
PATHS = ("resultados.csv", "respuestas.csv")


@pytest.fixture
def survey(make):
    return seed_results(make)


def set_status(process, status):
    process.status = status
    db.session.commit()


def read_csv(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize("name", PATHS)
def test_same_access_rules_as_the_results_page(client, make, survey, name):
    path = f"/procesos/{survey.process.id}/{name}"
    assert client.get(path).status_code == 404  # open: not public
    citizen = make.user()
    login(client, citizen.email)
    assert client.get(path).status_code == 404
    client.post("/cuenta/salir")

    council = make.user(Role.COUNCIL)
    login(client, council.email)
    # While open, answers stay hidden even from the council: two downloads a moment apart
    # would show what one known person answered.
    assert client.get(path).status_code == 404
    set_status(survey.process, S.CLOSED)
    response = client.get(path)
    assert response.status_code == 200
    assert len(read_csv(response)) > 1  # read to the end: a streamed body left open leaks
    set_status(survey.process, S.PUBLISHED)
    assert client.get(path).status_code == 404
    client.post("/cuenta/salir")

    for status in (S.RESULTS_PUBLISHED, S.ARCHIVED):
        set_status(survey.process, status)
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        assert f"-{survey.process.id}.csv" in response.headers["Content-Disposition"]
        assert len(read_csv(response)) > 1

    draft = make.consultation(S.DRAFT)
    assert client.get(f"/procesos/{draft.id}/{name}").status_code == 404


def serve(app, path: str) -> tuple[str, list[bytes]]:
    """Call the app as a WSGI server does, in a thread of its own, and collect the chunks."""
    result = {}

    def run():
        environ = EnvironBuilder(path=path).get_environ()
        body = app.wsgi_app(
            environ, lambda status, headers, exc_info=None: result.update(status=status)
        )
        try:
            result["chunks"] = list(body)
        finally:
            body.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=10)
    return result["status"], result["chunks"]


@pytest.mark.parametrize(
    ("name", "rows"), [("resultados.csv", 1 + 3 + 3 + 3 + 5 + 2 + 1), ("respuestas.csv", 1 + 4)]
)
def test_downloads_are_streamed_row_by_row(app, client, survey, name, rows):
    set_status(survey.process, S.RESULTS_PUBLISHED)
    response = client.get(f"/procesos/{survey.process.id}/{name}")
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    assert len(read_csv(response)) == rows
    # The test client calls every response streamed; the chunks a server gets tell them apart.
    status, chunks = serve(app, f"/procesos/{survey.process.id}/{name}")
    assert status.startswith("200")
    assert chunks[0] == "\ufeff".encode()
    assert len(chunks) == 1 + rows  # the BOM, then one chunk per CSV row
    status, chunks = serve(app, f"/procesos/{survey.process.id}")
    assert status.startswith("200") and len(chunks) == 1


def test_aggregate_rows_match_the_counts(client, survey):
    set_status(survey.process, S.RESULTS_PUBLISHED)
    rows = read_csv(client.get(f"/procesos/{survey.process.id}/resultados.csv"))
    assert rows[0] == ["question_id", "question", "kind", "option", "count", "share", "respondents"]
    q = survey.q

    def of(kind):
        return [(r[3], int(r[4]), r[5], int(r[6])) for r in rows[1:] if r[0] == str(q[kind].id)]

    assert of(K.SINGLE) == [
        ("Agua", 3, "0.750000", 4),
        ("Luz", 1, "0.250000", 4),
        ("Calles", 0, "0.000000", 4),
    ]
    assert of(K.MULTIPLE) == [
        ("Parques", 2, "0.500000", 4),
        ("Basura", 3, "0.750000", 4),
        ("Camiones", 2, "0.500000", 4),
    ]
    assert of(K.RANKING) == [
        ("B", 8, f"{8 / 14:.6f}", 3),
        ("A", 5, f"{5 / 14:.6f}", 3),
        ("C", 1, f"{1 / 14:.6f}", 3),
    ]
    assert of(K.SCALE) == [
        ("1", 0, "0.000000", 4),
        ("2", 0, "0.000000", 4),
        ("3", 2, "0.500000", 4),
        ("4", 1, "0.250000", 4),
        ("5", 1, "0.250000", 4),
    ]
    assert of(K.YES_NO) == [("sí", 3, "0.750000", 4), ("no", 1, "0.250000", 4)]
    assert of(K.TEXT) == [("", 2, "", 2)]
    kinds = {r[0]: r[2] for r in rows[1:]}
    assert kinds == {str(question.id): kind.value for kind, question in q.items()}
    assert {r[1] for r in rows[1:] if r[0] == str(q[K.SINGLE].id)} == {q[K.SINGLE].text}


def test_responses_have_one_row_each_with_readable_cells(client, survey):
    set_status(survey.process, S.RESULTS_PUBLISHED)
    rows = read_csv(client.get(f"/procesos/{survey.process.id}/respuestas.csv"))
    q = survey.q
    order = [K.SINGLE, K.MULTIPLE, K.RANKING, K.SCALE, K.YES_NO, K.TEXT]
    assert rows[0] == ["response"] + [f"q{q[kind].id}: {q[kind].text}" for kind in order]
    assert sorted(row[0] for row in rows[1:]) == ["1", "2", "3", "4"]
    assert Counter(tuple(row[1:]) for row in rows[1:]) == Counter(
        [
            ("Agua", "Parques | Basura", "A > B > C", "5", "sí", "Más luminarias"),
            ("Agua", "Basura", "B > A", "3", "no", ""),
            ("Luz", "Parques | Camiones", "", "4", "sí", "Banquetas"),
            ("Agua", "Basura | Camiones", "B", "3", "sí", ""),
        ]
    )


def test_cells_with_commas_quotes_and_newlines_survive(client, make):
    process = make.process(S.OPEN)
    from tests.factories import Factories

    question = Factories().question(process, K.TEXT, text='Opina, "libre"')
    colonia = make.territory()["Centro"]
    text = 'Más "luz", menos baches;\nY árboles'
    submit_response(
        process,
        make.user(colonia=colonia),
        {question.id: text},
        now=datetime(2025, 6, 1, tzinfo=UTC),
        today=date(2025, 6, 1),
        max_text=2000,
    )
    set_status(process, S.RESULTS_PUBLISHED)
    rows = read_csv(client.get(f"/procesos/{process.id}/respuestas.csv"))
    assert rows == [["response", f'q{question.id}: Opina, "libre"'], ["1", text]]


def test_a_response_with_every_question_skipped_still_has_its_row(client, make):
    process = make.process(S.OPEN)
    question = make.question(process, K.TEXT, required=False)
    colonias = make.territory()
    for answer in ({question.id: "Algo"}, {}):
        submit_response(
            process,
            make.user(colonia=colonias["Lomas"]),
            answer,
            now=datetime(2025, 6, 1, tzinfo=UTC),
            today=date(2025, 6, 1),
            max_text=2000,
        )
    set_status(process, S.RESULTS_PUBLISHED)
    rows = read_csv(client.get(f"/procesos/{process.id}/respuestas.csv"))
    assert len(rows) == 3  # header + both people who took part
    assert sorted(row[1] for row in rows[1:]) == ["", "Algo"]


def test_empty_process_exports_only_headers(client, make):
    process = make.consultation(S.RESULTS_PUBLISHED)
    rows = read_csv(client.get(f"/procesos/{process.id}/respuestas.csv"))
    assert len(rows) == 1 and rows[0][0] == "response"
    aggregate = read_csv(client.get(f"/procesos/{process.id}/resultados.csv"))
    assert aggregate[0][0] == "question_id"
    assert {row[4] for row in aggregate[1:]} == {"0"}
