"""Residents vote in PB ballots through the pages: every rule, every refusal, one vote each."""

import re

import pytest
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, ngettext

from participa.budgets.models import (
    BallotRule,
    PbBallot,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from participa.receipts.services import receipt_hash
from tests.factories import login

COSTS = (400_000, 300_000, 250_000, 150_000, 100_000)
RULE_FIELDS = {
    BallotRule.APPROVAL: {"min_choices": 1, "max_choices": 3},
    BallotRule.KNAPSACK: {"min_choices": 1},
    BallotRule.CUMULATIVE: {"min_choices": 1, "points": 10},
    BallotRule.RANKING: {"min_choices": 1, "max_choices": 3},
}
RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def open_ballot(
    make, rule=BallotRule.KNAPSACK, *, status=ProcessStatus.OPEN, colonias=(), **fields
):
    """An open PB process with one ballot of `rule` (amount $1,000,000) and five feasible
    projects costing COSTS, plus one unfeasible project; return (process, ballot, projects)."""
    process = make.process(status, type=ProcessType.PRESUPUESTO, title="Presupuesto 2027")
    settings = {**RULE_FIELDS[rule], **fields}
    ballot = PbBallot(
        process_id=process.id,
        name="Todo el municipio",
        amount=settings.pop("amount", 1_000_000),
        rule=rule,
        min_share_percent=settings.pop("min_share_percent", 0),
        **settings,
    )
    ballot.colonias = list(colonias)
    db.session.add(ballot)
    db.session.flush()
    projects = [
        PbProject(
            ballot_id=ballot.id,
            title=f"Proyecto {i}",
            description=f"Descripción del proyecto {i}.",
            category="Parques",
            estimated_cost=cost,
            cost=cost,
            status=ProjectStatus.FEASIBLE,
        )
        for i, cost in enumerate(COSTS)
    ]
    projects.append(
        PbProject(
            ballot_id=ballot.id,
            title="Proyecto descartado",
            estimated_cost=5_000,
            status=ProjectStatus.UNFEASIBLE,
        )
    )
    db.session.add_all(projects)
    db.session.commit()
    return process, ballot, projects


def counts() -> tuple[int, int, int]:
    """(participations, votes, vote items) in the database."""
    return tuple(
        db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
        for model in (PbParticipation, PbVote, PbVoteItem)
    )


def stored_items() -> dict[int, int]:
    return dict(db.session.execute(sa.select(PbVoteItem.project_id, PbVoteItem.weight)).all())


def choose(rule: BallotRule, projects, picks: dict[int, int]) -> dict:
    """Form data choosing projects by index: {index: weight (1, points or position)}."""
    if rule in (BallotRule.APPROVAL, BallotRule.KNAPSACK):
        return {"projects": [str(projects[i].id) for i in picks]}
    return {f"p{projects[i].id}": str(weight) for i, weight in picks.items()}


@pytest.fixture
def colonias(make):
    return make.territory()


@pytest.fixture
def resident(make, colonias, client):
    user = make.user(colonia=colonias["Centro"], sex="M")
    login(client, user.email)
    return user


def say(msgid: str, plural: str | None = None, num: int | None = None, **values) -> str:
    """A message as the pages show it (in Spanish once the catalog translates it)."""
    with current_app.test_request_context():
        if plural:
            return ngettext(msgid, plural, num, **values)
        return gettext(msgid, **values)


ALREADY = "You have already voted in this ballot. Thank you for taking part."
ANOTHER_ZONE = "This ballot is for residents of another zone."
NOT_OPEN = "Voting is not open."
NOT_ON_BALLOT = "One of the projects you chose is not on this ballot. Reload the page."
POSITIONS = ("Use each position once, starting at 1, without gaps.",)
POINTS = ("Give whole numbers of points: 0, 1, 2…",)


def url(process, ballot, page="votar") -> str:
    return f"/procesos/{process.id}/boletas/{ballot.id}/{page}"


HAPPY = {
    BallotRule.APPROVAL: {0: 1, 2: 1, 4: 1},
    BallotRule.KNAPSACK: {0: 1, 1: 1, 2: 1},  # $950,000 of $1,000,000
    BallotRule.CUMULATIVE: {0: 6, 3: 4},
    BallotRule.RANKING: {2: 1, 0: 2, 4: 3},
}


@pytest.mark.parametrize("rule", list(BallotRule), ids=[r.value for r in BallotRule])
def test_resident_votes_with_each_rule_through_review_and_receipt(client, make, resident, rule):
    process, ballot, projects = open_ballot(make, rule)
    page = client.get(url(process, ballot)).get_data(as_text=True)
    assert "Proyecto 0" in page and "$400,000" in page and "Parques" in page
    assert "Proyecto descartado" not in page
    assert "js/ballot.js" in page and 'aria-live="polite"' in page

    data = choose(rule, projects, HAPPY[rule])
    review = client.post(url(process, ballot), data={**data, "step": "review"})
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert 'value="confirm"' in text and 'value="edit"' in text
    assert all(projects[i].title in text for i in HAPPY[rule])
    if rule is BallotRule.KNAPSACK:
        assert "$950,000" in text and "$50,000" in text  # total cost and money left
    assert counts() == (0, 0, 0)  # the review stores nothing

    done = client.post(url(process, ballot), data={**data, "step": "confirm"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(url(process, ballot, "comprobante"))
    assert counts() == (1, 1, len(HAPPY[rule]))
    assert stored_items() == {projects[i].id: w for i, w in HAPPY[rule].items()}

    receipt = client.get(url(process, ballot, "comprobante")).get_data(as_text=True)
    code = RECEIPT.search(receipt).group(0)
    (vote,) = db.session.execute(sa.select(PbVote)).scalars()
    assert vote.receipt_hash == receipt_hash(code) and code not in vote.receipt_hash
    again = client.get(url(process, ballot, "comprobante")).get_data(as_text=True)
    assert not RECEIPT.search(again)  # shown once


# (id, rule, ballot settings, choices by project index, message as gettext/ngettext arguments)
VIOLATIONS = [
    (
        "approval-too-few",
        BallotRule.APPROVAL,
        {"min_choices": 2},
        {0: 1},
        ("Choose at least %(num)s project.", "Choose at least %(num)s projects.", 2),
    ),
    (
        "approval-too-many",
        BallotRule.APPROVAL,
        {},
        {0: 1, 1: 1, 2: 1, 3: 1},
        ("Choose at most %(num)s project.", "Choose at most %(num)s projects.", 3),
    ),
    (
        "knapsack-over-amount",
        BallotRule.KNAPSACK,
        {},
        {0: 1, 1: 1, 2: 1, 3: 1},
        (
            "Your projects cost %(cost)s; the amount is %(amount)s.",
            {"cost": "$1,100,000", "amount": "$1,000,000"},
        ),
    ),
    (
        "knapsack-under-share",
        BallotRule.KNAPSACK,
        {"min_share_percent": 50},
        {4: 1},
        (
            "Use at least %(share)s of the amount (%(minimum)s). Your projects cost %(cost)s.",
            {"share": "50%", "minimum": "$500,000", "cost": "$100,000"},
        ),
    ),
    (
        "knapsack-empty",
        BallotRule.KNAPSACK,
        {},
        {},
        ("Choose at least %(num)s project.", "Choose at least %(num)s projects.", 1),
    ),
    (
        "cumulative-over",
        BallotRule.CUMULATIVE,
        {},
        {0: 8, 1: 4},
        ("You gave %(given)s points; you have %(points)s.", {"given": 12, "points": 10}),
    ),
    ("cumulative-negative", BallotRule.CUMULATIVE, {}, {0: -1, 1: 3}, POINTS),
    ("cumulative-fraction", BallotRule.CUMULATIVE, {}, {0: "2.5"}, POINTS),
    (
        "cumulative-zero",
        BallotRule.CUMULATIVE,
        {},
        {0: 0},
        ("You gave no points. Give at least one point to a project.",),
    ),
    ("ranking-repeated", BallotRule.RANKING, {}, {0: 1, 1: 1}, POSITIONS),
    ("ranking-gap", BallotRule.RANKING, {}, {0: 1, 1: 3}, POSITIONS),
    ("ranking-not-a-number", BallotRule.RANKING, {}, {0: "uno"}, POSITIONS),
    (
        "ranking-more-than-k",
        BallotRule.RANKING,
        {},
        {0: 1, 1: 2, 2: 3, 3: 4},
        ("Rank at most %(num)s project.", "Rank at most %(num)s projects.", 3),
    ),
]


def message_of(args: tuple) -> str:
    if len(args) == 3:
        return say(args[0], args[1], args[2])
    return say(args[0], **(args[1] if len(args) > 1 else {}))


@pytest.mark.parametrize("step", ["review", "confirm"])
@pytest.mark.parametrize(
    ("rule", "settings", "picks", "message"),
    [v[1:] for v in VIOLATIONS],
    ids=[v[0] for v in VIOLATIONS],
)
def test_a_ballot_that_breaks_its_rule_is_refused_and_nothing_is_stored(
    client, make, resident, rule, settings, picks, message, step
):
    process, ballot, projects = open_ballot(make, rule, **settings)
    data = {**choose(rule, projects, picks), "step": step}
    response = client.post(url(process, ballot), data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message_of(message) in page
    assert 'class="error-summary"' in page and 'class="field-error"' in page
    assert 'value="confirm"' not in page  # back to the ballot, not on to the review
    assert counts() == (0, 0, 0)


def test_a_points_error_is_next_to_its_field(client, make, resident):
    process, ballot, projects = open_ballot(make, BallotRule.CUMULATIVE)
    field = f"p{projects[1].id}"
    page = client.post(url(process, ballot), data={field: "-3", "step": "review"})
    text = page.get_data(as_text=True)
    assert f'id="{field}-error"' in text
    assert re.search(rf'aria-describedby="info-{projects[1].id} {field}-error"', text)
    assert re.search(
        rf'aria-invalid="true"[^>]*id="{field}"|id="{field}"[^>]*aria-invalid="true"', text
    )


@pytest.mark.parametrize("which", ["unfeasible", "other-ballot", "unknown"])
@pytest.mark.parametrize("rule", [BallotRule.APPROVAL, BallotRule.KNAPSACK])
def test_a_project_that_is_not_on_the_ballot_is_refused(client, make, resident, rule, which):
    process, ballot, projects = open_ballot(make, rule)
    _other_process, _other_ballot, others = open_ballot(make, rule)
    foreign = {"unfeasible": projects[-1].id, "other-ballot": others[0].id, "unknown": 999_999}
    data = {"projects": [str(projects[4].id), str(foreign[which])], "step": "confirm"}
    response = client.post(url(process, ballot), data=data)
    assert response.status_code == 400
    assert say(NOT_ON_BALLOT) in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


REPEATED = "The ballot names the same project more than once; nothing was stored."


def repeated_project(rule: BallotRule, projects) -> dict:
    """Form data naming projects[0] twenty times (checkboxes) or twice (points, positions)."""
    if rule in (BallotRule.APPROVAL, BallotRule.KNAPSACK):
        return {"projects": [str(projects[0].id)] * 20}
    first, second = ("3", "4") if rule is BallotRule.CUMULATIVE else ("1", "2")
    return {f"p{projects[0].id}": [first, second], f"p{projects[1].id}": "1"}


@pytest.mark.parametrize("step", ["review", "confirm"])
@pytest.mark.parametrize("rule", list(BallotRule))
def test_a_ballot_naming_a_project_twice_is_refused_and_nothing_is_stored(
    client, make, resident, rule, step
):
    process, ballot, projects = open_ballot(make, rule)
    data = {**repeated_project(rule, projects), "step": step}
    response = client.post(url(process, ballot), data=data)
    assert response.status_code == 400
    assert say(REPEATED) in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_a_tampered_project_value_is_refused_without_a_crash(client, make, resident):
    process, ballot, _projects = open_ballot(make, BallotRule.APPROVAL)
    response = client.post(url(process, ballot), data={"projects": ["abc"], "step": "confirm"})
    assert response.status_code == 400 and 'id="ballot-error"' in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_a_second_vote_is_refused(client, make, resident):
    process, ballot, projects = open_ballot(make, BallotRule.APPROVAL)
    data = {**choose(BallotRule.APPROVAL, projects, {0: 1}), "step": "confirm"}
    assert client.post(url(process, ballot), data=data).status_code == 302
    again = client.post(url(process, ballot), data={**data, "projects": [str(projects[1].id)]})
    assert again.status_code == 409
    assert say(ALREADY) in again.get_data(as_text=True)
    assert counts() == (1, 1, 1) and stored_items() == {projects[0].id: 1}
    page = client.get(url(process, ballot)).get_data(as_text=True)
    assert say(ALREADY) in page and 'name="step"' not in page


def test_a_resident_of_another_zone_cannot_vote_in_a_zone_ballot(client, make, colonias):
    process, ballot, projects = open_ballot(make, colonias=[colonias["Sauces"]])
    user = make.user(colonia=colonias["Centro"])
    login(client, user.email)
    page = client.get(url(process, ballot))
    assert say(ANOTHER_ZONE) in page.get_data(as_text=True)
    assert 'name="step"' not in page.get_data(as_text=True)
    data = {**choose(BallotRule.KNAPSACK, projects, {0: 1}), "step": "confirm"}
    assert client.post(url(process, ballot), data=data).status_code == 409
    assert counts() == (0, 0, 0)


def test_a_resident_of_the_zone_votes_and_the_participation_keeps_only_statistics(
    client, make, colonias
):
    process, ballot, projects = open_ballot(make, colonias=[colonias["Sauces"]])
    user = make.user(colonia=colonias["Sauces"], sex="H")
    login(client, user.email)
    data = {**choose(BallotRule.KNAPSACK, projects, {1: 1}), "step": "confirm"}
    assert client.post(url(process, ballot), data=data).status_code == 302
    (row,) = db.session.execute(sa.select(PbParticipation)).scalars()
    assert (row.ballot_id, row.user_id, row.colonia_id) == (
        ballot.id,
        user.id,
        colonias["Sauces"].id,
    )
    assert (row.voter_key, row.age_band, row.sex, row.channel.value) == (
        f"curp:{user.curp}",
        "30-44",
        "H",
        "web",
    )


@pytest.mark.parametrize("status", [ProcessStatus.PUBLISHED, ProcessStatus.CLOSED])
def test_voting_only_while_the_process_is_open(client, make, resident, status):
    process, ballot, projects = open_ballot(make, status=status)
    assert say(NOT_OPEN) in client.get(url(process, ballot)).get_data(as_text=True)
    data = {**choose(BallotRule.KNAPSACK, projects, {0: 1}), "step": "confirm"}
    assert client.post(url(process, ballot), data=data).status_code == 409
    assert counts() == (0, 0, 0)


def test_anonymous_people_are_sent_to_log_in(client, make):
    process, ballot, _projects = open_ballot(make)
    response = client.get(url(process, ballot))
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]
    assert client.post(url(process, ballot), data={"step": "confirm"}).status_code == 302
    assert counts() == (0, 0, 0)


def test_missing_draft_and_mismatched_ballots_are_not_found(client, make, resident):
    process, ballot, _projects = open_ballot(make)
    other, other_ballot, _ = open_ballot(make)
    draft, draft_ballot, _ = open_ballot(make, status=ProcessStatus.DRAFT)
    assert client.get(f"/procesos/{process.id}/boletas/{other_ballot.id}/votar").status_code == 404
    assert client.get(url(draft, draft_ballot)).status_code == 404
    assert client.get(f"/procesos/{process.id}/boletas/999/votar").status_code == 404


def test_change_my_vote_brings_back_the_choices(client, make, resident):
    process, ballot, projects = open_ballot(make, BallotRule.CUMULATIVE)
    data = {**choose(BallotRule.CUMULATIVE, projects, {2: 7}), "step": "edit"}
    page = client.post(url(process, ballot), data=data).get_data(as_text=True)
    assert re.search(
        rf'id="p{projects[2].id}"[^>]*value="7"|value="7"[^>]*id="p{projects[2].id}"', page
    )
    assert counts() == (0, 0, 0)


def test_a_blank_ballot_is_accepted_when_the_minimum_is_zero(client, make, resident):
    process, ballot, _projects = open_ballot(make, BallotRule.APPROVAL, min_choices=0)
    review = client.post(url(process, ballot), data={"step": "review"})
    assert say("You chose no project: your ballot will be counted as blank.") in review.get_data(
        as_text=True
    )
    assert client.post(url(process, ballot), data={"step": "confirm"}).status_code == 302
    assert counts() == (1, 1, 0)


def test_a_receipt_of_a_pb_vote_is_found_on_the_public_check_page(client, make, resident):
    process, ballot, projects = open_ballot(make)
    data = {**choose(BallotRule.KNAPSACK, projects, {0: 1}), "step": "confirm"}
    client.post(url(process, ballot), data=data)
    code = RECEIPT.search(client.get(url(process, ballot, "comprobante")).get_data(as_text=True))
    client.post("/cuenta/salir")
    found = client.post("/recibos", data={"codigo": code.group(0).lower()})
    assert "flash-success" in found.get_data(as_text=True)
    assert process.title in found.get_data(as_text=True)
    missing = client.post("/recibos", data={"codigo": "AAAA-BBBB-CCCC"})
    assert "flash-error" in missing.get_data(as_text=True)


def test_the_process_page_offers_each_ballot_or_says_why_not(client, make, colonias):
    process, ballot, projects = open_ballot(make)
    zone = PbBallot(
        process_id=process.id,
        name="Delegación Sur",
        amount=200_000,
        rule=BallotRule.APPROVAL,
        min_choices=1,
        max_choices=2,
        min_share_percent=0,
    )
    zone.colonias = [colonias["Sauces"]]
    db.session.add(zone)
    db.session.commit()
    anonymous = client.get(f"/procesos/{process.id}").get_data(as_text=True)
    assert say("Choose projects up to %(amount)s.", amount="$1,000,000") in anonymous
    assert say("Choose up to %(num)s project.", "Choose up to %(num)s projects.", 2) in anonymous
    assert "/cuenta/entrar?next=" in anonymous

    user = make.user(colonia=colonias["Centro"])
    login(client, user.email)
    page = client.get(f"/procesos/{process.id}").get_data(as_text=True)
    assert f'href="{url(process, ballot)}"' in page
    assert say(ANOTHER_ZONE) in page  # the zone ballot of Sauces
    client.post(url(process, ballot), data={"projects": [str(projects[0].id)], "step": "confirm"})
    assert say(ALREADY) in client.get(f"/procesos/{process.id}").get_data(as_text=True)


def test_voting_works_with_csrf_protection_on(csrf_app, make):
    client = csrf_app.test_client()
    colonia = make.territory()["Lomas"]
    user = make.user(colonia=colonia)
    process, ballot, projects = open_ballot(make)

    def token(page: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login_page = client.get("/cuenta/entrar").get_data(as_text=True)
    client.post(
        "/cuenta/entrar",
        data={
            "email": user.email,
            "password": "contraseña-segura",
            "csrf_token": token(login_page),
        },
    )
    data = {"projects": [str(projects[1].id)]}
    assert client.post(url(process, ballot), data={**data, "step": "confirm"}).status_code == 400
    assert counts() == (0, 0, 0)  # no token, no vote
    page = client.get(url(process, ballot)).get_data(as_text=True)
    review = client.post(
        url(process, ballot), data={**data, "step": "review", "csrf_token": token(page)}
    )
    assert review.status_code == 200
    hidden = re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]+)">', review.get_data(as_text=True)
    )
    form = {}
    for key, value in hidden:
        form.setdefault(key, []).append(value)
    form["csrf_token"] = token(review.get_data(as_text=True))
    done = client.post(url(process, ballot), data={**form, "step": "confirm"})
    assert done.status_code == 302
    assert counts() == (1, 1, 1)


def test_votes_keep_no_link_to_who_voted(app):
    """Secrecy as in consultations: no key or time ties a vote to a participation."""
    schema = sa.inspect(db.engine)
    for table in ("pb_vote", "pb_vote_item"):
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert targets <= {"pb_ballot", "pb_project", "pb_vote"}, table
        for column in schema.get_columns(table):
            assert not isinstance(column["type"], sa.DateTime | sa.Date), (table, column)
            assert not re.search(r"user|voter|curp|created|_at$", column["name"]), column


@pytest.mark.sqlite_only  # PostgreSQL: insertion order until mixed (test_mixing.py)
def test_sqlite_keeps_votes_in_the_random_order_of_their_ids(app, make, colonias):
    """No order ties a vote to a participation: WITHOUT ROWID tables, ordered by random ids."""
    for table in ("pb_vote", "pb_vote_item"):
        sql = db.session.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": table}
        ).scalar_one()
        assert "WITHOUT ROWID" in sql.upper(), table

    process, ballot, projects = open_ballot(make, BallotRule.APPROVAL)
    client = app.test_client()
    codes = []
    for _ in range(12):
        user = make.user(colonia=colonias["Lomas"])
        login(client, user.email)
        data = {**choose(BallotRule.APPROVAL, projects, {0: 1}), "step": "confirm"}
        assert client.post(url(process, ballot), data=data).status_code == 302
        page = client.get(url(process, ballot, "comprobante")).get_data(as_text=True)
        codes.append(RECEIPT.search(page).group(0))
        client.post("/cuenta/salir")
    scan = list(db.session.execute(sa.text("SELECT receipt_hash FROM pb_vote")).scalars())
    in_order = [receipt_hash(code) for code in codes]
    assert sorted(scan) == sorted(in_order)
    assert scan != in_order  # the table's own order is the random ids': 1 chance in 12! by luck
