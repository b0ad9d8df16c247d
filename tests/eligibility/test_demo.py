"""The demo has a municipal roll with attached residents, one open conflict, one desk check."""

from participa.auth.models import User
from participa.eligibility import conflicts, desk, keys
from participa.eligibility.models import KeyKind, RollEntry
from participa.extensions import db
from tests.factories import login


def test_the_demo_populates_the_staff_pages(app, runner, tmp_path):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["seed-demo", "--responses", "60"])
    assert result.exit_code == 0, result.output
    roll = keys.municipal_roll()
    entries = db.session.execute(db.select(RollEntry)).scalars().all()
    assert len(entries) == 25 + 12 + 6
    assert {e.key_kind for e in entries} == {KeyKind.CURP, KeyKind.PREDIAL}
    assert sum(e.user_id is not None for e in entries) >= 25
    vecina = db.session.execute(
        db.select(User).where(User.email == "vecina@participa.local")
    ).scalar_one()
    assert keys.entry_of(roll, vecina) is not None and desk.is_verified(vecina)
    assert conflicts.open_count() == 1
    lines = [line.split() for line in result.output.splitlines() if "@participa.local" in line]
    staff = next(line for line in lines if line[0] == "staff")
    client = app.test_client()
    assert login(client, staff[1], staff[2]).status_code == 302
    page = client.get("/gestion/padron/").text
    assert ">43<" in page
    conflict_page = client.get("/gestion/padron/conflictos").text
    assert "@demo.participa.local" in conflict_page
    found = client.get("/gestion/mesa-verificacion/", query_string={"q": vecina.curp}).text
    assert f"/gestion/mesa-verificacion/personas/{vecina.id}" in found
