"""The verification desk: search, verify in person, undo with a reason; audited; staff only."""

import pytest

from participa.audit.models import AuditEvent
from participa.core.timeutil import utcnow
from participa.eligibility import desk, find_entries, matching
from participa.eligibility.models import IdKind, KeyKind, PersonVerification
from participa.extensions import db
from tests.eligibility.helpers import voter_key
from tests.factories import login


def verifications() -> list[PersonVerification]:
    db.session.expire_all()
    query = db.select(PersonVerification).order_by(PersonVerification.id)
    return list(db.session.execute(query).scalars())


def last_audit() -> AuditEvent:
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
    return db.session.execute(query).scalar_one()


@pytest.mark.parametrize("how", ["curp", "voter", "predial", "name", "email"])
def test_the_desk_finds_a_person_by_every_key_name_and_email(kit, app, how):
    person = kit.resident()
    kit.resident()  # someone else, who must not show
    matching.add_key(person, KeyKind.VOTER, voter_key(9), utcnow())
    kit.import_roll(f"cuenta_predial,colonia,nombre\nQ-55-1,Centro,{person.name}\n")
    matching.add_key(person, KeyKind.PREDIAL, "Q551", utcnow())
    query = {
        "curp": person.curp.lower(),
        "voter": voter_key(9),
        "predial": "Q 55 1",
        "name": person.name,
        "email": person.email.upper(),
    }[how]
    page = kit.staff_client(app).get("/gestion/mesa-verificacion/", query_string={"q": query})
    assert page.status_code == 200
    assert f"/gestion/mesa-verificacion/personas/{person.id}" in page.text
    others = page.text.count("/gestion/mesa-verificacion/personas/")
    assert others == (2 if how in ("predial", "name") else 1)  # the account and its roll entry


def test_find_entries_looks_up_by_key_or_name_for_other_channels(kit):
    kit.import_roll("cuenta_predial,colonia,nombre\nQ551,Centro,Marta Ruiz\nQ552,Lomas,Luis\n")
    assert [e.key_value for e in find_entries("q-551")] == ["Q551"]
    assert [e.key_value for e in find_entries("marta")] == ["Q551"]
    assert find_entries("") == [] and find_entries("Z9") == []


def test_verify_in_person_then_undo_with_a_reason_both_audited(kit, app):
    person = kit.resident()
    client = kit.staff_client(app)
    base = f"/gestion/mesa-verificacion/personas/{person.id}"
    response = client.post(f"{base}/verificar", data={"id_kind": "ine", "note": "Ventanilla 2"})
    assert response.status_code == 302
    (verification,) = verifications()
    assert verification.id_kind is IdKind.INE and desk.is_verified(person)
    event = last_audit()
    assert (event.action, event.object_id) == ("eligibility.verify", str(person.id))
    assert "ine" in event.details
    assert "Voter card (INE) seen on" in client.get(base).text
    # Verifying twice is refused and writes nothing.
    again = client.post(f"{base}/verificar", data={"id_kind": "passport"})
    assert again.status_code == 400 and "already verified" in again.text
    assert len(verifications()) == 1
    # Undo needs a reason.
    undo = f"{base}/verificaciones/{verification.id}/deshacer"
    empty = client.post(undo, data={"reason": "  "})
    assert empty.status_code == 400 and "Write why the verification is undone." in empty.text
    assert desk.is_verified(person)
    assert client.post(undo, data={"reason": "Otra persona"}).status_code == 302
    (verification,) = verifications()
    assert verification.undone_at is not None and verification.undo_reason == "Otra persona"
    assert not desk.is_verified(person)
    event = last_audit()
    assert event.action == "eligibility.verify.undo" and "Otra persona" in event.details
    assert "undone on" in client.get(base).text


def test_an_unknown_kind_of_id_is_refused(kit, app):
    person = kit.resident()
    client = kit.staff_client(app)
    response = client.post(
        f"/gestion/mesa-verificacion/personas/{person.id}/verificar", data={"id_kind": "selfie"}
    )
    assert response.status_code == 400 and verifications() == []


def test_staff_accounts_are_not_verified_at_the_desk(kit, app):
    other = kit.staff()
    client = kit.staff_client(app)
    assert client.get(f"/gestion/mesa-verificacion/personas/{other.id}").status_code == 404


STAFF_PAGES = [
    ("get", "/gestion/padron/"),
    ("get", "/gestion/padron/municipio"),
    ("post", "/gestion/padron/municipio"),
    ("get", "/gestion/padron/proceso/{process}"),
    ("get", "/gestion/padron/conflictos"),
    ("post", "/gestion/padron/conflictos/1"),
    ("get", "/gestion/mesa-verificacion/"),
    ("get", "/gestion/mesa-verificacion/personas/{person}"),
    ("post", "/gestion/mesa-verificacion/personas/{person}/verificar"),
    ("post", "/gestion/mesa-verificacion/personas/{person}/verificaciones/1/deshacer"),
    ("get", "/gestion/procesos/{process}/participacion"),
    ("post", "/gestion/procesos/{process}/participacion"),
]


def test_residents_council_and_anonymous_never_reach_a_staff_page(kit, app, make):
    from participa.auth.models import Role

    person = kit.resident()
    process = kit.process()
    council = make.user(role=Role.COUNCIL)
    outsiders = {"anonymous": app.test_client()}
    for name, user in (("resident", person), ("council", council)):
        outsiders[name] = app.test_client()
        assert login(outsiders[name], user.email).status_code == 302
    for name, client in outsiders.items():
        for method, path in STAFF_PAGES:
            url = path.format(process=process.id, person=person.id)
            data = {"id_kind": "ine", "rule": "verified", "action": "move", "reason": "x"}
            response = getattr(client, method)(url, data=data if method == "post" else None)
            expected = {401, 302} if name == "anonymous" else {403}
            assert response.status_code in expected, (name, method, url, response.status_code)
            if name == "anonymous" and method == "get":
                assert "/cuenta/entrar" in response.headers["Location"]
    assert verifications() == []
    staff = kit.staff_client(app)
    for method, path in STAFF_PAGES:
        if method == "get":
            url = path.format(process=process.id, person=person.id)
            assert staff.get(url).status_code == 200, url
