"""`covers_clause` (the scope asked in SQL, as a vote reads it) agrees with `Process.covers`."""

import pytest

from participa.extensions import db
from participa.processes.models import Process
from participa.processes.scope import colonia_known_clause, covers_clause
from participa.processes.types import ScopeKind


def covered_in_sql(process, colonia_id) -> bool:
    query = db.select(covers_clause(colonia_id)).where(Process.id == process.id)
    return bool(db.session.execute(query).scalar_one())


@pytest.mark.parametrize(
    ("scope", "chosen"),
    [
        (ScopeKind.MUNICIPALITY, ()),
        (ScopeKind.DELEGACIONES, ("Norte",)),
        (ScopeKind.DELEGACIONES, ("Sur",)),
        (ScopeKind.DELEGACIONES, ("Norte", "Sur")),
        (ScopeKind.COLONIAS, ("Lomas",)),
        (ScopeKind.COLONIAS, ("Centro", "Sauces")),
    ],
)
def test_sql_and_python_say_the_same_for_every_colonia(make, scope, chosen):
    colonias = make.territory()
    process = make.process(scope=scope)
    if scope is ScopeKind.DELEGACIONES:
        wanted = {c.delegacion.name: c.delegacion for c in colonias.values()}
        process.delegaciones = [wanted[name] for name in chosen]
    elif scope is ScopeKind.COLONIAS:
        process.colonias = [colonias[name] for name in chosen]
    db.session.commit()
    answers = {name: covered_in_sql(process, c.id) for name, c in colonias.items()}
    assert answers == {name: process.covers(c) for name, c in colonias.items()}
    assert any(answers.values())


def test_a_colonia_is_known_only_when_it_exists(make):
    colonias = make.territory()
    known = max(c.id for c in colonias.values())
    for colonia_id, expected in ((known, True), (known + 1, False), (None, False)):
        query = db.select(colonia_known_clause(colonia_id))
        assert db.session.execute(query).scalar_one() is expected
