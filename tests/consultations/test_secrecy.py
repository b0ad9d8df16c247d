"""Ballot secrecy: nothing in the database or the exports links who took part to what they said."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from participa.consultations import answering
from participa.consultations.models import Participation, QuestionKind, Response
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.receipts.services import receipt_hash
from tests.factories import login

TODAY = date(2025, 6, 1)
SECRET_TABLES = ("response", "answer")
IDENTIFYING = re.compile(
    r"user|voter|curp|email|correo|created|updated|time|date|fecha|hora|_at$|^at$|seq_no|rowid",
    re.IGNORECASE,
)


@pytest.fixture
def schema(app):
    return sa.inspect(db.engine)


def test_secret_tables_do_not_point_to_people_or_participations(schema):
    for table in SECRET_TABLES:
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert targets <= {"process", "question", "option", "response"}, table
        names = {column["name"] for column in schema.get_columns(table)}
        assert not {n for n in names if IDENTIFYING.search(n)}, (table, names)
        for column in schema.get_columns(table):
            assert not isinstance(column["type"], sa.DateTime | sa.Date), (table, column)


def test_participation_does_not_point_to_responses(schema):
    targets = {fk["referred_table"] for fk in schema.get_foreign_keys("participation")}
    assert not targets & set(SECRET_TABLES)
    participation = {column["name"] for column in schema.get_columns("participation")}
    assert not {n for n in participation if "response" in n or "answer" in n or "receipt" in n}
    response = {column["name"] for column in schema.get_columns("response")}
    answer = {column["name"] for column in schema.get_columns("answer")}
    # The process is common to both by design, and so is `folded` (counted into the aggregates
    # yet), which a fold leaves false on a random residue of older ballots too
    # (tests/aggregates); nothing finer: the channel stays on the participation only.
    assert participation & response <= {"id", "process_id", "folded"}
    assert not participation & answer


def test_no_other_table_points_to_both_sides(schema):
    for table in schema.get_table_names():
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert not (targets & {"participation", "user"} and targets & set(SECRET_TABLES)), table


@pytest.mark.sqlite_only
def test_sqlite_keeps_responses_and_answers_without_rowid(app):
    for table in SECRET_TABLES:
        sql = db.session.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": table},
        ).scalar_one()
        assert "WITHOUT ROWID" in sql.upper(), table
    participation = db.session.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE name = 'participation'")
    ).scalar_one()
    assert "WITHOUT ROWID" not in participation.upper()  # the check above can tell them apart


def submit_many(make, n: int):
    """n residents answer, one second apart; return their receipt codes in order."""
    colonia = make.territory()["Centro"]
    process = make.consultation()
    text_q = next(q for q in process_questions(process) if q.kind is QuestionKind.TEXT)
    yes_no = next(q for q in process_questions(process) if q.kind is QuestionKind.YES_NO)
    single = next(q for q in process_questions(process) if q.kind is QuestionKind.SINGLE)
    multiple = next(q for q in process_questions(process) if q.kind is QuestionKind.MULTIPLE)
    scale = next(q for q in process_questions(process) if q.kind is QuestionKind.SCALE)
    codes = []
    start = datetime(2025, 6, 1, 15, 0, tzinfo=UTC)
    for i in range(n):
        user = make.user(colonia=colonia)
        answers = {
            single.id: single.options[0].id,
            multiple.id: [multiple.options[1].id],
            scale.id: 3,
            yes_no.id: i % 2,
            text_q.id: f"respuesta {i:02d}",
        }
        codes.append(
            answering.submit_response(
                process, user, answers, now=start + timedelta(seconds=i), today=TODAY, max_text=2000
            )
        )
    return process, codes


def process_questions(process):
    from participa.consultations.questionnaire import questions

    return questions(process)


def test_response_ids_are_random_and_not_in_insertion_order(make):
    _process, codes = submit_many(make, 30)
    by_hash = dict(db.session.execute(db.select(Response.receipt_hash, Response.id)).all())
    ids = [by_hash[receipt_hash(code)] for code in codes]  # in insertion order
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids)
    assert len(set(ids)) == 30
    assert ids != sorted(ids)  # 1 chance in 30! to fail by luck


@pytest.mark.sqlite_only  # PostgreSQL: insertion order until mixed (test_mixing.py)
def test_sqlite_scans_responses_in_an_order_unrelated_to_insertion(make):
    """The table's own order (no ORDER BY) does not reveal the insertion order either."""
    _process, codes = submit_many(make, 30)
    scan = list(db.session.execute(sa.text("SELECT receipt_hash FROM response")).scalars())
    assert scan != [receipt_hash(code) for code in codes]
    assert sorted(scan) == sorted(receipt_hash(code) for code in codes)


def test_no_timestamp_elsewhere_equals_a_participation_time(client, make):
    """Answer through the web (real clock): no other datetime column repeats a participation's."""
    colonias = make.territory()
    process = make.consultation()
    questions = {q.kind: q for q in process_questions(process)}
    for _ in range(3):
        user = make.user(colonia=colonias["Lomas"])
        login(client, user.email)
        response = client.post(
            f"/procesos/{process.id}/responder",
            data={
                "step": "confirm",
                f"q{questions[QuestionKind.SINGLE].id}": str(
                    questions[QuestionKind.SINGLE].options[0].id
                ),
                f"q{questions[QuestionKind.MULTIPLE].id}": str(
                    questions[QuestionKind.MULTIPLE].options[0].id
                ),
                f"q{questions[QuestionKind.SCALE].id}": "4",
                f"q{questions[QuestionKind.YES_NO].id}": "1",
            },
        )
        assert response.status_code == 302
        client.post("/cuenta/salir")

    participation_times = set(
        db.session.execute(sa.text("SELECT created_at FROM participation")).scalars()
    )
    # Kept to the hour only: the three cannot be put in order of arrival.
    assert len(participation_times) in (1, 2)  # 2 if an hour turned during the test
    assert all(":00:00" in str(moment) for moment in participation_times)
    schema = sa.inspect(db.engine)
    checked = 0
    for table in schema.get_table_names():
        if table in ("participation", "participation_hour_tally"):  # the hour tally is by design
            continue
        for column in schema.get_columns(table):
            if isinstance(column["type"], sa.DateTime):
                values = set(
                    db.session.execute(
                        sa.text(f'SELECT "{column["name"]}" FROM "{table}"')
                    ).scalars()
                )
                assert not values & participation_times, (table, column["name"])
                checked += 1
    assert checked >= 3  # user, process and audit tables do have datetime columns


def test_responses_csv_has_no_identifying_column_and_a_random_order(client, make):
    process, codes = submit_many(make, 30)
    process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    people = db.session.execute(sa.text('SELECT email, curp FROM "user"')).all()
    body = client.get(f"/procesos/{process.id}/respuestas.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, data = rows[0], rows[1:]

    assert len(data) == 30
    assert header[0] == "response"
    for name in header:
        assert not re.search(
            r"user|usuario|curp|e-?mail|correo|fecha|date|time|hora|recibo|"
            r"receipt|voter|colonia|sex|edad|age",
            name,
            re.IGNORECASE,
        ), name
    for email, curp in people:
        assert email not in body and (curp is None or curp not in body)
    for code in codes:
        assert code not in body and receipt_hash(code) not in body
    assert "2025-06-01" not in body

    # Row numbers run 1..n, but the rows themselves come in the random order of response ids.
    assert [row[0] for row in data] == [str(n) for n in range(1, 31)]
    text_column = next(i for i, name in enumerate(header) if "Pregunta 6" in name)
    texts = [row[text_column] for row in data]
    assert sorted(texts) == [f"respuesta {i:02d}" for i in range(30)]
    assert texts != sorted(texts)  # insertion order: 1 chance in 30! to fail by luck


def test_participation_rows_keep_only_statistics_about_the_person(make):
    process, _codes = submit_many(make, 2)
    rows = db.session.execute(db.select(Participation)).scalars().all()
    assert {row.process_id for row in rows} == {process.id}
    assert all(row.age_band == "30-44" and row.sex == "M" for row in rows)
