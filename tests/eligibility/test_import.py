"""Importing a roll: clean files, every kind of bad line (nothing written), re-imports."""

import pytest

from participa.core.timeutil import utcnow
from participa.eligibility import importing
from participa.eligibility.models import KeyKind, Roll, RollEntry
from participa.extensions import db
from participa.territory.models import Colonia
from tests.eligibility.helpers import audit_actions, voter_key
from tests.factories import curp_for


def entries() -> list[RollEntry]:
    return list(db.session.execute(db.select(RollEntry).order_by(RollEntry.id)).scalars())


def test_a_clean_curp_file_is_imported_with_colonias_by_name_id_and_label(kit):
    lomas = kit.colonias["Lomas"]
    text = "\n".join(
        [
            "CURP,Colonia,Nombre",
            f"{curp_for().lower()},centro,Ana",
            f"{curp_for()},{lomas.id},Beto",
            f"{curp_for()},Sauces (Sur),",
        ]
    )
    summary = kit.import_roll(text)
    assert (summary.created, summary.updated, summary.attached) == (3, 0, 0)
    found = entries()
    assert [e.colonia.name for e in found] == ["Centro", "Lomas", "Sauces"]
    assert all(e.key_kind is KeyKind.CURP and e.key_value.isupper() for e in found)
    assert [e.name for e in found] == ["Ana", "Beto", ""]
    assert "eligibility.roll.import" in audit_actions()


def test_a_latin1_semicolon_voter_key_file_is_read(kit):
    text = f"clave de elector;colonia;nombre\n{voter_key(1)};Centro;José Muñoz\n"
    data = text.encode("cp1252")
    roll_id = importing.roll_with_scope("municipio", None, utcnow()).id
    db.session.commit()
    summary = importing.import_roll(kit.staff(), "municipio", None, data, utcnow())
    assert summary.created == 1
    (entry,) = entries()
    assert (entry.roll_id, entry.key_kind, entry.name) == (roll_id, KeyKind.VOTER, "José Muñoz")


def test_every_kind_of_bad_line_is_reported_and_nothing_is_written(kit):
    good = curp_for()
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    text = "\n".join(
        [
            "curp,colonia,nombre",
            f"{good},Centro,Ana",  # 2: fine
            "ABC,Centro,Corta",  # 3: length
            f"{bad_checksum},Centro,Dígito",  # 4: check digit
            f"{curp_for()},,Sin colonia",  # 5: no colonia
            f"{curp_for()},Atlántida,Nadie",  # 6: unknown colonia
            f"{good},Lomas,Otra vez",  # 7: repeated key
            f"{curp_for()},Centro,{'x' * 161}",  # 8: name too long
        ]
    )
    with pytest.raises(importing.RollFileErrors) as caught:
        kit.import_roll(text)
    lines = [line for line, _reason in caught.value.problems]
    assert lines == [3, 4, 5, 6, 7, 8]
    reasons = [str(reason) for _line, reason in caught.value.problems]
    assert "18 characters" in reasons[0] and "last digit" in reasons[1]
    assert "missing" in reasons[2] and "Atlántida" in reasons[3]
    assert "line 2" in reasons[4] and "160" in reasons[5]
    db.session.rollback()
    assert entries() == []
    assert db.session.execute(db.select(Roll)).first() is None
    assert "eligibility.roll.import" not in audit_actions()


def test_bad_voter_keys_and_property_accounts_are_reported(kit):
    text = "\n".join(
        [
            "clave_elector,colonia",
            "GOMAAN88131414M001,Centro",  # month 13
            "GOMAAN88031499M001,Centro",  # state 99
            "GOMAAN880314M001,Centro",  # short
            f"{voter_key(2)},Centro",
        ]
    )
    with pytest.raises(importing.RollFileErrors) as caught:
        kit.import_roll(text)
    assert [line for line, _r in caught.value.problems] == [2, 3, 4]
    with pytest.raises(importing.RollFileErrors) as caught:
        kit.import_roll("cuenta_predial,colonia\nU-12,Centro\n12-345-678,Centro\n")
    assert [line for line, _r in caught.value.problems] == [2]
    db.session.rollback()
    assert entries() == []


def test_an_ambiguous_colonia_name_needs_its_id_or_label(kit):
    db.session.add(Colonia(name="Centro", delegacion_id=kit.colonias["Sauces"].delegacion_id))
    db.session.commit()
    with pytest.raises(importing.RollFileErrors) as caught:
        kit.import_roll(f"curp,colonia\n{curp_for()},Centro\n")
    assert "Several colonias" in str(caught.value.problems[0][1])
    assert kit.import_roll(f"curp,colonia\n{curp_for()},Centro (Norte)\n").created == 1


@pytest.mark.parametrize(
    "header",
    ["colonia,nombre", "curp,nombre", "curp,clave_elector,colonia"],
)
def test_a_file_without_one_key_column_and_the_colonia_is_refused(kit, header):
    with pytest.raises(importing.DomainError) as caught:
        kit.import_roll(f"{header}\nA,B,C\n")
    assert "key column" in str(caught.value.message)
    db.session.rollback()
    assert entries() == []


def test_reimporting_updates_the_same_key_and_keeps_the_others(kit):
    first, second = curp_for(), curp_for()
    kit.import_roll(f"curp,colonia,nombre\n{first},Centro,Ana\n{second},Centro,Beto\n")
    ids = {e.key_value: e.id for e in entries()}
    third = curp_for()
    summary = kit.import_roll(f"curp,colonia,nombre\n{first},Lomas,Ana María\n{third},Sauces,\n")
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 0)
    db.session.expire_all()
    found = {e.key_value: e for e in entries()}
    assert found[first].id == ids[first] and found[first].colonia.name == "Lomas"
    assert found[first].name == "Ana María"
    assert second in found and third in found and len(found) == 3
    again = kit.import_roll(f"curp,colonia,nombre\n{first},Lomas,Ana María\n")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_process_roll_is_apart_from_the_municipal_one(kit):
    process = kit.process()
    curp = curp_for()
    kit.import_roll(f"curp,colonia\n{curp},Centro\n")
    kit.import_roll(f"curp,colonia\n{curp},Centro\n", process=process)
    rolls = db.session.execute(db.select(Roll).order_by(Roll.id)).scalars().all()
    assert [r.scope for r in rolls] == ["municipio", f"proceso:{process.id}"]
    assert len(entries()) == 2


def test_twenty_thousand_lines_are_imported_in_bulk(kit):
    # 20,000 distinct property-tax accounts, one statement per batch rather than per row.
    text = "cuenta_predial,colonia\n" + "\n".join(f"P{n:07d},Centro" for n in range(20_000))
    summary = kit.import_roll(text)
    assert summary.created == 20_000
    count = db.session.execute(db.select(db.func.count(RollEntry.id))).scalar_one()
    assert count == 20_000
