"""Attaching residents to roll entries: at registration, at import, from "My account";
the unique constraints; conflicts and both resolutions, audited."""

import re

import pytest
from sqlalchemy.exc import IntegrityError

from participa.auth.models import User
from participa.core.timeutil import utcnow
from participa.eligibility import conflicts, matching
from participa.eligibility.models import (
    ConflictStatus,
    KeyKind,
    ResidentKey,
    RollConflict,
    RollEntry,
)
from participa.extensions import db
from tests.eligibility.helpers import Kit, audit_actions, voter_key
from tests.factories import PASSWORD, curp_for


def entry(value: str) -> RollEntry:
    db.session.expire_all()
    query = db.select(RollEntry).where(RollEntry.key_value == value)
    return db.session.execute(query).scalar_one()


def open_conflicts() -> list[RollConflict]:
    db.session.expire_all()
    return conflicts.open_conflicts()


def test_registration_attaches_the_account_to_its_curp_entry(kit, client):
    curp = curp_for()
    kit.import_roll(f"curp,colonia\n{curp},Centro\n")
    response = client.post(
        "/cuenta/registro",
        data={
            "name": "Rosa Pérez",
            "email": "rosa@example.mx",
            "curp": curp,
            "colonia_id": kit.colonias["Centro"].id,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    user = db.session.execute(db.select(User).where(User.curp == curp)).scalar_one()
    assert entry(curp).user_id == user.id
    page = client.get("/cuenta/").text
    assert "On the municipality's roll by your CURP." in page


def test_an_import_attaches_existing_accounts_by_curp_and_by_typed_key(kit):
    by_curp, by_key = kit.resident(), kit.resident()
    matching.add_key(by_key, KeyKind.VOTER, voter_key(7).lower(), utcnow())
    assert db.session.execute(db.select(ResidentKey.value)).scalar_one() == voter_key(7)
    kit.import_roll(f"curp,colonia\n{by_curp.curp},Centro\n{curp_for()},Lomas\n")
    summary = kit.import_roll(f"clave_elector,colonia\n{voter_key(7)},Centro\n")
    assert summary.attached == 1
    assert entry(by_curp.curp).user_id == by_curp.id
    assert entry(voter_key(7)).user_id == by_key.id


def test_an_import_gives_an_entry_to_the_first_who_typed_its_key_and_records_the_others(kit):
    first, second = kit.resident(), kit.resident()
    for person in (first, second):
        matching.add_key(person, KeyKind.PREDIAL, "U 12-345", utcnow())
    summary = kit.import_roll("cuenta_predial,colonia\nU12345,Centro\n")
    assert (summary.attached, summary.conflicts) == (1, 1)
    assert entry("U12345").user_id == first.id
    (conflict,) = open_conflicts()
    assert (conflict.claimant_id, conflict.holder_id) == (second.id, first.id)


def test_typing_a_key_on_my_account_attaches_the_entry(kit, app):
    resident = kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(3)},Centro\n")
    client = kit.client_of(app, resident)
    response = client.post("/cuenta/claves", data={"kind": "voter", "value": voter_key(3)})
    assert response.status_code == 302
    assert "you are now on the eligibility roll" in client.get("/cuenta/").text
    assert entry(voter_key(3)).user_id == resident.id


def test_a_key_not_on_any_roll_is_kept_for_later(kit, app):
    resident = kit.resident()
    client = kit.client_of(app, resident)
    client.post("/cuenta/claves", data={"kind": "predial", "value": "A-7788"})
    assert "It is not on any roll yet" in client.get("/cuenta/").text
    kit.import_roll("cuenta_predial,colonia\nA7788,Lomas\n")
    assert entry("A7788").user_id == resident.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "voter", "value": "XYZ"}, "A voter key has 18 characters"),
        ({"kind": "predial", "value": "1"}, "4 to 25 letters or digits"),
        ({"kind": "curp", "value": "ABC"}, "Not a valid choice"),
        ({"value": "A7788"}, "Choose the kind of key."),
    ],
)
def test_a_bad_key_is_refused_beside_its_field_and_changes_nothing(kit, app, data, message):
    resident = kit.resident()
    response = kit.client_of(app, resident).post("/cuenta/claves", data=data)
    assert response.status_code == 400 and message in response.text
    assert db.session.execute(db.select(ResidentKey)).first() is None


def test_staff_accounts_cannot_type_keys(kit, app):
    response = kit.staff_client(app).post(
        "/cuenta/claves", data={"kind": "predial", "value": "A7788"}
    )
    assert response.status_code == 403


def test_the_second_claimant_gets_a_review_message_not_an_error(kit, app):
    holder, claimant = kit.resident(), kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(4)},Centro\n")
    matching.add_key(holder, KeyKind.VOTER, voter_key(4), utcnow())
    client = kit.client_of(app, claimant)
    response = client.post("/cuenta/claves", data={"kind": "voter", "value": voter_key(4)})
    assert response.status_code == 302
    page = client.get("/cuenta/").text
    assert "The participation office will review it" in page
    assert entry(voter_key(4)).user_id == holder.id
    (conflict,) = open_conflicts()
    assert conflict.claimant_id == claimant.id
    # Claiming again records no second conflict.
    client.post("/cuenta/claves", data={"kind": "voter", "value": voter_key(4)})
    assert len(open_conflicts()) == 1


def test_one_entry_per_account_and_roll_and_one_key_per_roll_are_database_rules(kit):
    person = kit.resident()
    kit.import_roll(f"curp,colonia\n{person.curp},Centro\n{curp_for()},Centro\n")
    roll_id = entry(person.curp).roll_id
    other = db.session.execute(
        db.select(RollEntry).where(RollEntry.key_value != person.curp)
    ).scalar_one()
    other.user_id = person.id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(
        RollEntry(
            roll_id=roll_id,
            key_kind=KeyKind.CURP,
            key_value=person.curp,
            colonia_id=kit.colonias["Lomas"].id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_account_with_an_entry_is_not_given_a_second_one_of_the_same_roll(kit):
    person = kit.resident()
    kit.import_roll(f"curp,colonia\n{person.curp},Centro\n")
    kit.import_roll(f"clave_elector,colonia\n{voter_key(5)},Centro\n")
    outcome = matching.add_key(person, KeyKind.VOTER, voter_key(5), utcnow())
    assert outcome.claims == (matching.Claim.OTHER_ENTRY,)
    assert entry(voter_key(5)).user_id is None


def _conflict(kit):
    holder, claimant = kit.resident(), kit.resident()
    kit.import_roll(f"clave_elector,colonia\n{voter_key(6)},Centro\n")
    matching.add_key(holder, KeyKind.VOTER, voter_key(6), utcnow())
    matching.add_key(claimant, KeyKind.VOTER, voter_key(6), utcnow())
    (conflict,) = open_conflicts()
    return holder, claimant, conflict


def test_staff_keep_the_current_holder(kit, app):
    holder, claimant, conflict = _conflict(kit)
    client = kit.staff_client(app)
    page = client.get("/gestion/padron/conflictos").text
    assert voter_key(6) in page and claimant.name in page and holder.name in page
    response = client.post(
        f"/gestion/padron/conflictos/{conflict.id}", data={"action": "keep", "note": "INE vista"}
    )
    assert response.status_code == 302
    assert entry(voter_key(6)).user_id == holder.id
    stored = db.session.get(RollConflict, conflict.id)
    assert stored.status is ConflictStatus.KEPT and stored.note == "INE vista"
    assert audit_actions()[-1] == "eligibility.conflict.keep"


def test_staff_move_the_entry_to_the_claimant(kit, app):
    holder, claimant, conflict = _conflict(kit)
    client = kit.staff_client(app)
    client.post(f"/gestion/padron/conflictos/{conflict.id}", data={"action": "move"})
    assert entry(voter_key(6)).user_id == claimant.id
    assert db.session.get(RollConflict, conflict.id).status is ConflictStatus.MOVED
    assert audit_actions()[-1] == "eligibility.conflict.move"
    # Resolved once: a second decision changes nothing.
    client.post(f"/gestion/padron/conflictos/{conflict.id}", data={"action": "keep"})
    assert entry(voter_key(6)).user_id == claimant.id
    assert audit_actions().count("eligibility.conflict.keep") == 0


def test_a_resolution_without_a_decision_changes_nothing(kit, app):
    holder, _claimant, conflict = _conflict(kit)
    response = kit.staff_client(app).post(f"/gestion/padron/conflictos/{conflict.id}", data={})
    assert response.status_code == 302
    assert entry(voter_key(6)).user_id == holder.id
    assert open_conflicts()[0].id == conflict.id


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_resolving_works_with_csrf_protection_on(csrf_app, make):
    csrf_app.config["BABEL_DEFAULT_LOCALE"] = "en"
    kit = Kit(make)
    holder, claimant, conflict = _conflict(kit)
    staff, client = kit.staff(), csrf_app.test_client()
    token = _token(client.get("/cuenta/entrar").text)
    client.post(
        "/cuenta/entrar", data={"email": staff.email, "password": PASSWORD, "csrf_token": token}
    )
    path = f"/gestion/padron/conflictos/{conflict.id}"
    assert client.post(path, data={"action": "move"}).status_code == 400
    assert entry(voter_key(6)).user_id == holder.id
    token = _token(client.get("/gestion/padron/conflictos").text)
    assert client.post(path, data={"action": "move", "csrf_token": token}).status_code == 302
    assert entry(voter_key(6)).user_id == claimant.id
