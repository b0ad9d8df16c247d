"""The questionnaire builder: staff add, edit, reorder and delete questions while in draft."""

import pytest
from flask_babel import gettext
from markupsafe import escape

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.consultations.models import Option, Question, QuestionKind
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.factories import login

K = QuestionKind


def msg(app, message: str, /, **values) -> str:
    """The message as the page shows it (translated if a catalogue exists, HTML-escaped)."""
    with app.test_request_context():
        return str(escape(gettext(message, **values)))


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def stored(process) -> list[Question]:
    db.session.expire_all()
    query = db.select(Question).where(Question.process_id == process.id)
    return list(db.session.execute(query.order_by(Question.position, Question.id)).scalars())


def url(process, suffix: str = "") -> str:
    return f"/gestion/procesos/{process.id}/cuestionario/{suffix}"


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


def add(client, process, **fields):
    data = {
        "kind": "single",
        "text": "¿Qué necesita tu colonia?",
        "help_text": "",
        "required": "y",
        "options": "",
        "max_choices": "",
        "max_length": "",
    }
    return client.post(url(process), data={**data, **fields})


@pytest.mark.parametrize(
    ("kind", "options", "max_choices", "expected_options", "expected_max"),
    [
        (K.SINGLE, "Agua\nLuz\n\n  Calles  \n", "", ["Agua", "Luz", "Calles"], None),
        (K.MULTIPLE, "Parques\nBasura\nCamiones", "2", ["Parques", "Basura", "Camiones"], 2),
        (K.RANKING, "A\nB\nC\nD", "3", ["A", "B", "C", "D"], 3),
        (K.RANKING, "A\nB", "", ["A", "B"], None),
        (K.SCALE, "ignorada\notra", "2", [], None),
        (K.YES_NO, "", "", [], None),
        (K.TEXT, "", "", [], None),
    ],
)
def test_add_each_kind_of_question(
    client, staff, make, kind, options, max_choices, expected_options, expected_max
):
    process = make.process()
    response = add(
        client,
        process,
        kind=kind.value,
        text="Pregunta nueva",
        help_text="Una ayuda",
        options=options,
        max_choices=max_choices,
        max_length="300",
    )
    assert response.status_code == 302
    [question] = stored(process)
    assert (question.kind, question.text, question.help_text) == (
        kind,
        "Pregunta nueva",
        "Una ayuda",
    )
    assert question.required is True
    assert [o.label for o in question.options] == expected_options
    assert question.max_choices == expected_max
    assert question.max_length == 300
    assert count(AuditEvent) == 1
    page = client.get(url(process)).get_data(as_text=True)
    assert "Pregunta nueva" in page
    for label in expected_options:
        assert f"<li>{label}</li>" in page


def test_optional_question_and_default_text_limit(client, staff, make):
    process = make.process()
    data = {"kind": "text", "text": "Comentarios", "options": ""}  # no "required": unchecked
    assert client.post(url(process), data=data).status_code == 302
    [question] = stored(process)
    assert question.required is False
    assert question.max_length == 1000


def test_new_questions_go_last(client, staff, make):
    process = make.process()
    for text in ("Primera", "Segunda", "Tercera"):
        add(client, process, kind="yes_no", text=text)
    assert [(q.text, q.position) for q in stored(process)] == [
        ("Primera", 1),
        ("Segunda", 2),
        ("Tercera", 3),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "single", "options": "Agua"}, "Write at least two options, one per line."),
        (
            {"kind": "multiple", "options": "\n  \nAgua\n"},
            "Write at least two options, one per line.",
        ),
        ({"kind": "ranking", "options": ""}, "Write at least two options, one per line."),
        ({"kind": "single", "options": "Agua\nagua "}, "Two options have the same text."),
        (
            {"kind": "multiple", "options": "A\nB\nC", "max_choices": "4"},
            "The maximum must be between 1 and the number of options.",
        ),
        (
            {"kind": "ranking", "options": "A\nB", "max_choices": "3"},
            "The maximum must be between 1 and the number of options.",
        ),
        (
            {"kind": "single", "options": "\n".join(f"Opción {i}" for i in range(61))},
            "Too many options (at most 60).",
        ),
    ],
)
def test_bad_questions_are_refused(app, client, staff, make, fields, message):
    process = make.process()
    response = add(client, process, **fields)
    assert response.status_code == 400
    assert msg(app, message) in response.get_data(as_text=True)
    assert stored(process) == []
    assert count(Option) == 0
    assert count(AuditEvent) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "multiple", "options": "A\nB", "max_choices": "0"},
        {"kind": "text", "max_length": "0"},
        {"kind": "text", "max_length": "5001"},
        {"kind": "text", "text": ""},
        {"kind": "otra"},
    ],
)
def test_malformed_builder_input_is_refused(client, staff, make, fields):
    process = make.process()
    assert add(client, process, **fields).status_code == 400
    assert stored(process) == []


def test_edit_replaces_options(client, staff, make):
    process = make.process()
    question = make.question(process, K.MULTIPLE, ["Agua", "Luz", "Calles"], max_choices=2)
    old_ids = {o.id for o in question.options}

    page = client.get(url(process, f"preguntas/{question.id}")).get_data(as_text=True)
    assert "Agua\nLuz\nCalles" in page

    response = client.post(
        url(process, f"preguntas/{question.id}"),
        data={
            "kind": "ranking",
            "text": "Ordena las obras",
            "help_text": "",
            "required": "y",
            "options": "Escuela\nClínica",
            "max_choices": "1",
            "max_length": "1000",
        },
    )
    assert response.status_code == 302
    [question] = stored(process)
    assert (question.kind, question.text, question.max_choices) == (
        K.RANKING,
        "Ordena las obras",
        1,
    )
    assert [o.label for o in question.options] == ["Escuela", "Clínica"]
    options = db.session.execute(db.select(Option)).scalars().all()
    assert {o.label for o in options} == {"Escuela", "Clínica"}
    assert not old_ids & {o.id for o in options}


def test_edit_keeps_options_when_labels_do_not_change(client, staff, make):
    process = make.process()
    question = make.question(process, K.SINGLE, ["Agua", "Luz"])
    old_ids = [o.id for o in question.options]
    response = client.post(
        url(process, f"preguntas/{question.id}"),
        data={"kind": "single", "text": "Texto corregido", "options": "Agua\nLuz", "required": "y"},
    )
    assert response.status_code == 302
    [question] = stored(process)
    assert question.text == "Texto corregido"
    assert [o.id for o in question.options] == old_ids


def test_edit_with_a_bad_rule_changes_nothing(app, client, staff, make):
    process = make.process()
    question = make.question(process, K.SINGLE, ["Agua", "Luz"], text="Original")
    response = client.post(
        url(process, f"preguntas/{question.id}"),
        data={"kind": "single", "text": "Cambiada", "options": "Solo una", "required": "y"},
    )
    assert response.status_code == 400
    assert msg(app, "Write at least two options, one per line.") in response.get_data(as_text=True)
    [question] = stored(process)
    assert question.text == "Original"
    assert [o.label for o in question.options] == ["Agua", "Luz"]


def test_move_up_and_down(client, staff, make):
    process = make.process()
    first, second, third = (
        make.question(process, K.YES_NO, text=t) for t in ("Uno", "Dos", "Tres")
    )

    assert client.post(url(process, f"preguntas/{third.id}/subir")).status_code == 302
    assert [q.text for q in stored(process)] == ["Uno", "Tres", "Dos"]

    client.post(url(process, f"preguntas/{first.id}/bajar"))
    assert [q.text for q in stored(process)] == ["Tres", "Uno", "Dos"]

    client.post(url(process, f"preguntas/{second.id}/bajar"))  # already last: no change
    client.post(url(process, f"preguntas/{third.id}/subir"))  # already first: no change
    assert [q.text for q in stored(process)] == ["Tres", "Uno", "Dos"]

    page = client.get(url(process)).get_data(as_text=True)
    assert page.index("Tres") < page.index("Uno") < page.index("Dos")


def test_delete_a_question(client, staff, make):
    process = make.process()
    keep = make.question(process, K.YES_NO, text="Se queda")
    gone = make.question(process, K.SINGLE, ["Agua", "Luz"], text="Se va")
    assert client.post(url(process, f"preguntas/{gone.id}/borrar")).status_code == 302
    assert [q.id for q in stored(process)] == [keep.id]
    assert count(Option) == 0
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert actions == ["question.delete"]


@pytest.mark.parametrize("status", [s for s in ProcessStatus if s is not ProcessStatus.DRAFT])
def test_questionnaire_is_frozen_once_not_draft(app, client, staff, make, status):
    process = make.process(status)
    first = make.question(process, K.SINGLE, ["Agua", "Luz"], text="Uno")
    second = make.question(process, K.YES_NO, text="Dos")
    frozen = msg(app, "The questionnaire can only be changed while the process is a draft.")

    page = client.get(url(process)).get_data(as_text=True)
    assert msg(app, "The process is no longer a draft: the questionnaire cannot change.") in page
    assert f"preguntas/{first.id}/borrar" not in page

    assert add(client, process, kind="yes_no", text="Nueva").status_code == 400
    response = client.post(
        url(process, f"preguntas/{first.id}"),
        data={"kind": "single", "text": "Cambiada", "options": "X\nY", "required": "y"},
    )
    assert response.status_code == 400
    assert frozen in response.get_data(as_text=True)
    for action in ("subir", "borrar"):
        response = client.post(
            url(process, f"preguntas/{second.id}/{action}"), follow_redirects=True
        )
        assert frozen in response.get_data(as_text=True)

    questions = stored(process)
    assert [(q.text, q.position) for q in questions] == [("Uno", 1), ("Dos", 2)]
    assert [o.label for o in questions[0].options] == ["Agua", "Luz"]
    assert count(AuditEvent) == 0


def test_question_of_another_process_is_404(client, staff, make):
    mine, other = make.process(), make.process(title="Otra consulta")
    foreign = make.question(other, K.SINGLE, ["Agua", "Luz"], text="Ajena")
    make.question(other, K.YES_NO, text="Segunda ajena")
    data = {"kind": "single", "text": "Robada", "options": "X\nY", "required": "y"}
    assert client.get(url(mine, f"preguntas/{foreign.id}")).status_code == 404
    assert client.post(url(mine, f"preguntas/{foreign.id}"), data=data).status_code == 404
    for action in ("subir", "bajar", "borrar"):
        assert client.post(url(mine, f"preguntas/{foreign.id}/{action}")).status_code == 404
    assert [(q.text, q.position) for q in stored(other)] == [("Ajena", 1), ("Segunda ajena", 2)]


def test_builder_of_a_process_without_questionnaire_is_404(client, staff, make):
    from participa.processes.types import ProcessType

    process = make.process(type=ProcessType.AUDITORIA)
    assert client.get(url(process)).status_code == 404
    assert add(client, process, kind="yes_no").status_code == 404
    assert count(Question) == 0


def test_preview_shows_the_questionnaire_without_a_send_button(client, staff, make):
    process = make.consultation(ProcessStatus.DRAFT)
    questions = stored(process)
    response = client.get(url(process, "vista-previa"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for question in questions:
        assert question.text in page
        assert f'name="q{question.id}' in page
    for label in ("Agua", "Parques", "Camiones"):
        assert label in page
    questionnaire = page[page.index('class="stack questionnaire"') :]
    questionnaire = questionnaire[: questionnaire.index("</form>")]
    assert 'name="q' in questionnaire
    assert 'name="step"' not in questionnaire
    assert "<button" not in questionnaire


def test_builder_is_for_staff_only(client, make):
    process = make.process()
    citizen = make.user()
    login(client, citizen.email)
    assert client.get(url(process, "vista-previa")).status_code == 403
    assert add(client, process, kind="yes_no").status_code == 403
    assert count(Question) == 0
