"""Answering a consultation: form, review, confirmation, receipt, and everything refused."""

import html
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import gettext
from markupsafe import escape

from participa.auth.models import Role, User
from participa.consultations import answering
from participa.consultations.models import Answer, Participation, QuestionKind, Response
from participa.consultations.questionnaire import questions
from participa.core.errors import DomainError
from participa.core.timeutil import local_today
from participa.extensions import db
from participa.processes.types import ProcessStatus, ScopeKind
from participa.receipts.services import find_receipt, receipt_hash
from tests import factories
from tests.factories import curp_for, login

K = QuestionKind
RECEIPT = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")
NOW = datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
TODAY = date(2025, 6, 1)


def msg(app, message: str, /, **values) -> str:
    """The message as the page shows it (translated if a catalogue exists, HTML-escaped)."""
    with app.test_request_context():
        return str(escape(gettext(message, **values)))


def stored() -> tuple[int, int, int]:
    """How many participations, responses and answers the database holds."""
    db.session.expire_all()
    return tuple(
        db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
        for model in (Participation, Response, Answer)
    )


class Layout:
    """The factory consultation's questions by kind, and option ids by label."""

    def __init__(self, process):
        self.process = process
        self.by_kind = {q.kind: q for q in questions(process)}

    def q(self, kind) -> int:
        return self.by_kind[kind].id

    def o(self, kind, label) -> int:
        return next(o.id for o in self.by_kind[kind].options if o.label == label)

    def form(
        self,
        step="review",
        single="Agua",
        multiple=("Parques", "Basura"),
        ranking=("B", "A"),
        scale="4",
        yes_no="1",
        text="Más alumbrado",
        **extra,
    ):
        """Form data as the browser sends it; None leaves a question out."""
        data = {"step": step}
        if single is not None:
            data[f"q{self.q(K.SINGLE)}"] = str(self.o(K.SINGLE, single))
        if multiple is not None:
            data[f"q{self.q(K.MULTIPLE)}"] = [str(self.o(K.MULTIPLE, m)) for m in multiple]
        for position, label in enumerate(ranking or (), start=1):
            data[f"q{self.q(K.RANKING)}-o{self.o(K.RANKING, label)}"] = str(position)
        if scale is not None:
            data[f"q{self.q(K.SCALE)}"] = scale
        if yes_no is not None:
            data[f"q{self.q(K.YES_NO)}"] = yes_no
        if text is not None:
            data[f"q{self.q(K.TEXT)}"] = text
        return {**data, **extra}

    def answers(self, **changes) -> dict[int, object]:
        """Answers as the service takes them."""
        values = {
            K.SINGLE: self.o(K.SINGLE, "Agua"),
            K.MULTIPLE: [self.o(K.MULTIPLE, "Parques")],
            K.RANKING: [self.o(K.RANKING, "C"), self.o(K.RANKING, "A")],
            K.SCALE: 2,
            K.YES_NO: 0,
            K.TEXT: "Bien",
        }
        values.update({K(kind): value for kind, value in changes.items()})
        return {self.q(kind): value for kind, value in values.items()}


@pytest.fixture
def territory(make):
    return make.territory()


@pytest.fixture
def resident(client, make, territory):
    user = make.user(colonia=territory["Centro"])
    login(client, user.email)
    return user


@pytest.fixture
def consultation(make):
    return Layout(make.consultation())


def post(client, layout, **form):
    return client.post(f"/procesos/{layout.process.id}/responder", data=layout.form(**form))


def hidden_fields(page: str) -> list[tuple[str, str]]:
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return [(html.unescape(name), html.unescape(value)) for name, value in pairs]


# --- the happy path ---------------------------------------------------------------------


def test_review_then_confirm_then_receipt(app, client, resident, consultation):
    page = client.get(f"/procesos/{consultation.process.id}/responder")
    assert page.status_code == 200
    assert f'name="q{consultation.q(K.RANKING)}-o{consultation.o(K.RANKING, "A")}"' in page.text

    review = post(client, consultation)
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert msg(app, "Review your answers") in text
    for words in ("Agua", "Parques, Basura", "<li>B</li><li>A</li>", "Más alumbrado"):
        assert words in text
    assert stored() == (0, 0, 0)

    # The review page carries the answers in hidden fields; confirming sends them back.
    fields = [(k, v) for k, v in hidden_fields(text) if k != "csrf_token"]
    assert (f"q{consultation.q(K.MULTIPLE)}", str(consultation.o(K.MULTIPLE, "Basura"))) in fields
    data: dict[str, list[str]] = {"step": ["confirm"]}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    confirmed = client.post(f"/procesos/{consultation.process.id}/responder", data=data)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].endswith(f"/procesos/{consultation.process.id}/recibo")
    assert stored() == (1, 1, 8)

    receipt = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    code = RECEIPT.search(receipt).group(0)
    # Shown only once.
    assert code not in client.get(confirmed.headers["Location"]).get_data(as_text=True)

    participation = db.session.execute(db.select(Participation)).scalar_one()
    assert participation.user_id == resident.id
    assert participation.voter_key == f"curp:{resident.curp}"
    assert participation.colonia_id == resident.colonia_id
    assert (participation.sex, participation.channel.value) == ("M", "web")

    response = db.session.execute(db.select(Response)).scalar_one()
    assert response.receipt_hash == receipt_hash(code)
    assert code not in response.receipt_hash
    rows = {(a.question_id, a.seq): (a.option_id, a.value, a.text) for a in response.answers}
    c = consultation
    assert rows == {
        (c.q(K.SINGLE), 0): (c.o(K.SINGLE, "Agua"), None, None),
        (c.q(K.MULTIPLE), 0): (c.o(K.MULTIPLE, "Parques"), None, None),
        (c.q(K.MULTIPLE), 1): (c.o(K.MULTIPLE, "Basura"), None, None),
        (c.q(K.RANKING), 0): (c.o(K.RANKING, "B"), 1, None),
        (c.q(K.RANKING), 1): (c.o(K.RANKING, "A"), 2, None),
        (c.q(K.SCALE), 0): (None, 4, None),
        (c.q(K.YES_NO), 0): (None, 1, None),
    } | {(c.q(K.TEXT), 0): (None, None, "Más alumbrado")}


def test_receipt_check(app, client, resident, consultation):
    post(client, consultation, step="confirm")
    code = RECEIPT.search(client.get(f"/procesos/{consultation.process.id}/recibo").text).group(0)
    client.post("/cuenta/salir")  # anybody can check a receipt

    title = consultation.process.title
    found = msg(app, "This receipt is in the count of “%(title)s”.", title=title)
    missing = msg(app, "No response has this receipt code. Check that you wrote it exactly.")
    for typed in (code, code.lower(), code.replace("-", " ")):
        page = client.post("/recibos", data={"codigo": typed}).get_data(as_text=True)
        assert found in page and missing not in page, typed
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    page = client.post("/recibos", data={"codigo": wrong}).get_data(as_text=True)
    assert missing in page and found not in page
    assert missing not in client.get("/recibos").get_data(as_text=True)
    # The code never travels in a URL, where access logs would keep it.
    assert msg(app, "No response has this receipt code. Check that you wrote it exactly.") not in (
        client.get("/recibos", query_string={"codigo": wrong}).get_data(as_text=True)
    )


def test_optional_questions_may_be_left_empty(client, resident, consultation):
    response = post(client, consultation, step="confirm", ranking=(), text="")
    assert response.status_code == 302
    assert stored() == (1, 1, 5)


def test_change_my_answers_goes_back_to_the_filled_form(client, resident, consultation):
    response = post(client, consultation, step="edit", text="Mi texto")
    assert response.status_code == 200
    assert "Mi texto</textarea>" in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)


def test_answer_page_needs_login(client, make, consultation):
    response = client.get(f"/procesos/{consultation.process.id}/responder")
    assert response.status_code == 302
    assert "/cuenta/entrar" in response.headers["Location"]
    assert (
        client.post(
            f"/procesos/{consultation.process.id}/responder", data=consultation.form(step="confirm")
        ).status_code
        == 302
    )
    assert stored() == (0, 0, 0)


def test_with_csrf_on_a_forged_post_is_refused(csrf_app):
    make = factories.Factories()
    colonia = make.territory()["Centro"]
    user = make.user(colonia=colonia)
    layout = Layout(make.consultation())
    client = csrf_app.test_client()

    def token(path):
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).text).group(1)

    client.post(
        "/cuenta/entrar",
        data={
            "email": user.email,
            "password": factories.PASSWORD,
            "csrf_token": token("/cuenta/entrar"),
        },
    )
    path = f"/procesos/{layout.process.id}/responder"
    assert client.post(path, data=layout.form(step="confirm")).status_code == 400
    assert stored() == (0, 0, 0)
    data = layout.form(step="confirm", csrf_token=token(path))
    assert client.post(path, data=data).status_code == 302
    assert stored() == (1, 1, 8)


# --- refused: who and when --------------------------------------------------------------


def test_second_attempt_is_refused(app, client, resident, consultation):
    assert post(client, consultation, step="confirm").status_code == 302
    page = client.get(f"/procesos/{consultation.process.id}")
    assert (
        msg(app, "You have already answered this consultation. Thank you for taking part.")
        in page.text
    )
    for step in ("review", "confirm"):
        again = post(client, consultation, step=step, single="Luz")
        assert again.status_code == 409
        assert msg(
            app, "You have already answered this consultation. Thank you for taking part."
        ) in again.get_data(as_text=True)
    assert stored() == (1, 1, 8)


@pytest.mark.parametrize(
    ("scope", "zone"),
    [
        (ScopeKind.DELEGACIONES, "Sauces"),
        (ScopeKind.COLONIAS, "Lomas"),
        (ScopeKind.COLONIAS, "Sauces"),
    ],
)
def test_resident_outside_the_scope_is_refused(app, client, make, resident, territory, scope, zone):
    process = make.consultation()
    if scope is ScopeKind.DELEGACIONES:
        process.delegaciones = [territory[zone].delegacion]
    else:
        process.colonias = [territory[zone]]
    process.scope = scope
    db.session.commit()
    layout = Layout(process)
    response = post(client, layout, step="confirm")
    assert response.status_code == 409
    assert msg(
        app, "This consultation is for residents of other zones of the municipality."
    ) in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)


def test_resident_inside_a_partial_scope_can_answer(client, make, resident, territory):
    process = make.consultation(scope=ScopeKind.DELEGACIONES)
    process.delegaciones = [territory["Centro"].delegacion]
    db.session.commit()
    assert post(client, Layout(process), step="confirm").status_code == 302
    assert stored()[0] == 1


def register(client, territory, birth: date, email: str):
    """Register through the public form: the birth date is read from the CURP."""
    return client.post(
        "/cuenta/registro",
        data={
            "name": "Joven Vecina",
            "email": email,
            "curp": curp_for(birth, "M"),
            "colonia_id": territory["Lomas"].id,
            "password": "contraseña-larga",
            "confirm": "contraseña-larga",
            "accept_privacy": "y",
        },
    )


def test_minimum_age_is_read_from_the_curp(app, client, make, territory):
    today = local_today(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    # Registered on the web a moment ago, not confirmed yet: a process that does not ask.
    layout = Layout(make.consultation(min_age=18, require_confirmed_contact=False))

    young = date(today.year - 17, 1, 1)  # 17 all year long
    assert register(client, territory, young, "joven@example.mx").status_code == 302
    user = db.session.execute(db.select(User).where(User.email == "joven@example.mx")).scalar_one()
    assert user.birth_date == young
    response = post(client, layout, step="confirm")
    assert response.status_code == 409
    assert msg(
        app, "This consultation is for people aged %(age)s or more.", age=18
    ) in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)

    client.post("/cuenta/salir")
    adult = date(today.year - 18, 1, 1)  # 18 all year long
    assert register(client, territory, adult, "adulta@example.mx").status_code == 302
    assert post(client, layout, step="confirm").status_code == 302
    assert stored()[0] == 1


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.COUNCIL])
def test_account_without_curp_is_refused(app, client, make, consultation, role):
    user = make.user(role)
    login(client, user.email)
    response = post(client, consultation, step="confirm")
    assert response.status_code == 409
    assert msg(
        app, "Only residents registered with their CURP and colonia can take part."
    ) in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)


@pytest.mark.parametrize(
    "status",
    [
        ProcessStatus.PUBLISHED,
        ProcessStatus.CLOSED,
        ProcessStatus.RESULTS_PUBLISHED,
        ProcessStatus.ARCHIVED,
    ],
)
def test_consultation_not_open_is_refused(app, client, make, resident, status):
    layout = Layout(make.consultation(status))
    response = post(client, layout, step="confirm")
    assert response.status_code == 409
    assert msg(app, "This consultation is not open for answers.") in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)


def test_draft_consultation_does_not_exist_for_residents(client, make, resident):
    layout = Layout(make.consultation(ProcessStatus.DRAFT))
    assert post(client, layout, step="confirm").status_code == 404
    assert stored() == (0, 0, 0)


# --- refused: what ----------------------------------------------------------------------


def invalid_cases(layout: Layout) -> dict[str, tuple[dict, str | None]]:
    """Name -> (form changes, message the page must show or None for a generic field error)."""
    c = layout
    need = "This question needs an answer."
    return {
        "missing single": ({"single": None}, need),
        "missing scale": ({"scale": None}, need),
        "missing yes/no": ({"yes_no": None}, need),
        "missing multiple": ({"multiple": ()}, need),
        "text too long": ({"text": "x" * 51}, None),
        "scale out of range": ({"scale": "6"}, None),
        "scale not a number": ({"scale": "cinco"}, None),
        "yes/no other value": ({"yes_no": "2"}, None),
        "too many choices": (
            {"multiple": ("Parques", "Basura", "Camiones")},
            "Choose at most %(n)s options.",
        ),
        "repeated positions": (
            {
                "ranking": (),
                f"q{c.q(K.RANKING)}-o{c.o(K.RANKING, 'A')}": "1",
                f"q{c.q(K.RANKING)}-o{c.o(K.RANKING, 'B')}": "1",
            },
            "Use each position once, starting at 1, without gaps.",
        ),
        "gap in positions": (
            {
                "ranking": (),
                f"q{c.q(K.RANKING)}-o{c.o(K.RANKING, 'A')}": "1",
                f"q{c.q(K.RANKING)}-o{c.o(K.RANKING, 'B')}": "3",
            },
            "Use each position once, starting at 1, without gaps.",
        ),
        "position out of range": (
            {"ranking": (), f"q{c.q(K.RANKING)}-o{c.o(K.RANKING, 'A')}": "4"},
            None,
        ),
        "position not a number": (
            {"ranking": (), f"q{c.q(K.RANKING)}-o{c.o(K.RANKING, 'A')}": "primero"},
            None,
        ),
        "single with another question's option": (
            {"single": None, f"q{c.q(K.SINGLE)}": str(c.o(K.MULTIPLE, "Parques"))},
            None,
        ),
        "multiple with another question's option": (
            {"multiple": None, f"q{c.q(K.MULTIPLE)}": [str(c.o(K.SINGLE, "Luz"))]},
            None,
        ),
    }


@pytest.mark.parametrize("step", ["review", "confirm"])
@pytest.mark.parametrize(
    "case",
    [
        "missing single",
        "missing scale",
        "missing yes/no",
        "missing multiple",
        "text too long",
        "scale out of range",
        "scale not a number",
        "yes/no other value",
        "too many choices",
        "repeated positions",
        "gap in positions",
        "position out of range",
        "position not a number",
        "single with another question's option",
        "multiple with another question's option",
    ],
)
def test_invalid_answers_are_refused(app, client, resident, consultation, step, case):
    changes, message = invalid_cases(consultation)[case]
    response = post(client, consultation, step=step, **changes)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="field-error"' in page
    if message:
        assert msg(app, message, n=2) in page
    assert msg(app, "Review your answers") not in page
    assert stored() == (0, 0, 0)


def test_text_limit_of_the_site_applies_with_its_own_number(app, client, make, resident):
    process = make.process(ProcessStatus.OPEN)
    question = make.question(process, K.TEXT, max_length=5000)
    app.config["MAX_TEXT_ANSWER_LENGTH"] = 100
    path = f"/procesos/{process.id}/responder"
    response = client.post(path, data={"step": "confirm", f"q{question.id}": "x" * 101})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert msg(app, "The text is too long: at most %(n)s characters.", n=100) in page
    assert stored() == (0, 0, 0)
    assert (
        client.post(path, data={"step": "confirm", f"q{question.id}": "x" * 100}).status_code == 302
    )


# --- the service ------------------------------------------------------------------------


def submit(layout, user, answers, max_text=2000):
    return answering.submit_response(
        layout.process, user, answers, now=NOW, today=TODAY, max_text=max_text
    )


def test_service_stores_and_refuses_a_second_time(make, territory, consultation):
    user = make.user(colonia=territory["Sauces"])
    code = submit(consultation, user, consultation.answers())
    assert RECEIPT.fullmatch(code)
    assert stored() == (1, 1, 7)
    with pytest.raises(answering.AlreadyTookPart):
        submit(consultation, user, consultation.answers(single=consultation.o(K.SINGLE, "Luz")))
    assert stored() == (1, 1, 7)
    assert find_receipt(code).id == consultation.process.id
    assert find_receipt("2222-2222-2222") is None


def test_service_receipts_are_distinct(make, territory, consultation):
    codes = {
        submit(consultation, make.user(colonia=territory["Centro"]), consultation.answers())
        for _ in range(5)
    }
    assert len(codes) == 5
    hashes = set(db.session.execute(db.select(Response.receipt_hash)).scalars())
    assert hashes == {receipt_hash(code) for code in codes}


def test_service_refuses_an_unknown_question(make, territory, consultation):
    user = make.user(colonia=territory["Centro"])
    answers = consultation.answers() | {987654: "inyectada"}
    with pytest.raises(DomainError) as refused:
        submit(consultation, user, answers)
    assert not isinstance(refused.value, answering.AnswerErrors)
    assert stored() == (0, 0, 0)


def test_service_refuses_a_question_of_another_process(make, territory, consultation):
    other = Layout(make.consultation(title="Otra consulta"))
    user = make.user(colonia=territory["Centro"])
    answers = consultation.answers() | {other.q(K.YES_NO): 1}
    with pytest.raises(DomainError):
        submit(consultation, user, answers)
    assert stored() == (0, 0, 0)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("single", None),
        ("single", "foreign"),
        ("multiple", "foreign"),
        ("multiple", "too many"),
        ("multiple", "repeated"),
        ("ranking", "foreign"),
        ("ranking", "repeated"),
        ("scale", 0),
        ("scale", 6),
        ("yes_no", 2),
        ("text", "x" * 51),
    ],
)
def test_service_refuses_answers_that_break_the_rules(make, territory, consultation, kind, value):
    c = consultation
    foreign = c.o(K.SINGLE, "Luz")
    value = {
        ("single", "foreign"): c.o(K.MULTIPLE, "Parques"),
        ("multiple", "foreign"): [c.o(K.MULTIPLE, "Parques"), foreign],
        ("multiple", "too many"): [
            c.o(K.MULTIPLE, label) for label in ("Parques", "Basura", "Camiones")
        ],
        ("multiple", "repeated"): [c.o(K.MULTIPLE, "Basura")] * 2,
        ("ranking", "foreign"): [c.o(K.RANKING, "A"), foreign],
        ("ranking", "repeated"): [c.o(K.RANKING, "A")] * 2,
    }.get((kind, value), value)
    user = make.user(colonia=territory["Centro"])
    with pytest.raises(answering.AnswerErrors) as refused:
        submit(c, user, c.answers(**{kind: value}))
    assert set(refused.value.errors) == {c.q(K(kind))}
    assert stored() == (0, 0, 0)


def test_service_text_limit_is_the_smaller_of_question_and_site(make, territory, consultation):
    user = make.user(colonia=territory["Centro"])
    with pytest.raises(answering.AnswerErrors):
        submit(consultation, user, consultation.answers(text="x" * 11), max_text=10)
    assert stored() == (0, 0, 0)
    submit(consultation, user, consultation.answers(text="x" * 10), max_text=10)
    assert stored() == (1, 1, 7)


def test_service_refuses_a_closed_consultation(make, territory):
    layout = Layout(make.consultation(ProcessStatus.CLOSED))
    user = make.user(colonia=territory["Centro"])
    with pytest.raises(DomainError) as refused:
        submit(layout, user, layout.answers())
    assert not isinstance(refused.value, answering.AlreadyTookPart)
    assert stored() == (0, 0, 0)
