"""Signed checkpoints: published for outsiders, and what catches a log cut short."""

import json

import pytest

from participa.audit.models import AuditCheckpoint, AuditEvent
from participa.audit.services import record
from participa.audit.verify import verify_chain
from participa.auth.models import Role
from participa.extensions import db
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus, ProcessType
from tests.audit.conftest import app_with, execute


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def downloaded(client, tmp_path, kind: str = "json"):
    """An outsider's copy of the published checkpoints, saved to a file."""
    response = client.get(f"/transparencia/bitacora/puntos-de-control.{kind}")
    assert response.status_code == 200
    path = tmp_path / f"copia.{kind}"
    path.write_bytes(response.get_data())
    return path


def test_audit_checkpoint_signs_the_tip_once(runner, chain):
    first = runner.invoke(args=["audit-checkpoint"])
    assert first.exit_code == 0 and "5 events" in first.output
    again = runner.invoke(args=["audit-checkpoint"])
    assert again.exit_code == 0 and "nothing new" in again.output
    checkpoint = db.session.execute(db.select(AuditCheckpoint)).scalar_one()
    tip = db.session.execute(db.select(AuditEvent).where(AuditEvent.seq == 5)).scalar_one()
    assert (checkpoint.event_count, checkpoint.tip_hash) == (5, tip.hash)


def test_deleting_the_last_events_is_caught_by_the_latest_checkpoint(runner, chain):
    runner.invoke(args=["audit-checkpoint"])
    execute("DELETE FROM audit_event WHERE id IN (:a, :b)", a=chain[3], b=chain[4])
    assert verify_chain().checked == 3
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code != 0
    assert "cut short" in result.output and "positions 4-5" in result.output


def test_an_outsiders_copy_catches_a_tail_deleted_with_its_checkpoint(
    runner, client, chain, tmp_path
):
    runner.invoke(args=["audit-checkpoint"])
    copies = [downloaded(client, tmp_path, "json"), downloaded(client, tmp_path, "csv")]
    execute("DELETE FROM audit_event WHERE id = :id", id=chain[4])
    execute("DELETE FROM audit_checkpoint")
    assert verify_chain().intact  # what the database alone still says
    for copy in copies:
        result = runner.invoke(args=["audit-verify", "--checkpoints", str(copy)])
        assert result.exit_code != 0, result.output
        assert "missing from the database" in result.output
        assert "positions 5-5 were deleted" in result.output


def test_an_outsiders_copy_agrees_with_an_intact_log(runner, client, chain, tmp_path):
    runner.invoke(args=["audit-checkpoint"])
    record(None, "later.action")
    db.session.commit()
    result = runner.invoke(
        args=["audit-verify", "--checkpoints", str(downloaded(client, tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert "6 events, agreeing with 1 checkpoints" in result.output


def test_a_rewritten_tail_with_a_forged_checkpoint_is_caught(runner, chain):
    runner.invoke(args=["audit-checkpoint"])
    checkpoint = db.session.execute(db.select(AuditCheckpoint)).scalar_one()
    execute(
        "UPDATE audit_checkpoint SET event_count = 4, tip_hash = :tip",
        tip=db.session.get(AuditEvent, chain[3]).hash,
    )
    execute("DELETE FROM audit_event WHERE id = :id", id=chain[4])
    report = verify_chain()
    assert [p.kind for p in report.problems] == ["checkpoint"]
    assert "invalid signature" in report.problems[0].text
    assert checkpoint.id


def test_a_file_that_is_not_one_of_checkpoints_is_refused(runner, chain, tmp_path):
    path = tmp_path / "otra.json"
    path.write_text(json.dumps({"checkpoints": [{"at": "2026-01-01T00:00:00+00:00"}]}))
    result = runner.invoke(args=["audit-verify", "--checkpoints", str(path)])
    assert result.exit_code != 0 and "not a file of audit checkpoints" in result.output


@pytest.fixture
def every_three(database):
    with app_with(database, AUDIT_CHECKPOINT_EVERY=3) as app:
        yield app


def test_a_checkpoint_is_signed_every_n_events(every_three):
    for n in range(7):
        record(None, f"action.{n}")
        db.session.commit()
    counts = db.session.execute(db.select(AuditCheckpoint.event_count)).scalars().all()
    assert sorted(counts) == [3, 6]
    assert verify_chain().intact


def test_closing_a_process_signs_a_checkpoint_that_covers_it(app, make):
    staff = make.user(Role.STAFF)
    process = make.process(ProcessStatus.OPEN, type=ProcessType.PRESUPUESTO)
    change_status(staff, process, ProcessStatus.CLOSED)
    checkpoint = db.session.execute(db.select(AuditCheckpoint)).scalar_one()
    # It seals the change itself, in its transaction (the mixing job that follows the close
    # appends its own event afterwards).
    closing = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "process.status")
    ).scalar_one()
    assert checkpoint.tip_hash == closing.hash
    change_status(staff, process, ProcessStatus.RESULTS_PUBLISHED)
    assert count(AuditCheckpoint) == 2


def test_the_public_page_lists_checkpoints_in_spanish(client, runner, chain):
    empty = client.get("/transparencia/bitacora/").get_data(as_text=True)
    assert "Todavía no se ha firmado ningún punto de control." in empty
    runner.invoke(args=["audit-checkpoint"])
    checkpoint = db.session.execute(db.select(AuditCheckpoint)).scalar_one()
    page = client.get("/transparencia/bitacora/").get_data(as_text=True)
    assert "Puntos de control de la bitácora" in page
    assert checkpoint.tip_hash in page and checkpoint.signature in page
    home = client.get("/").get_data(as_text=True)
    assert 'href="/transparencia/bitacora/"' in home
    data = client.get("/transparencia/bitacora/puntos-de-control.json").get_json()
    assert data == {
        "checkpoints": [
            {
                "at": checkpoint.at.isoformat(),
                "events": 5,
                "tip_hash": checkpoint.tip_hash,
                "signature": checkpoint.signature,
            }
        ]
    }
    csv_text = client.get("/transparencia/bitacora/puntos-de-control.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines()[0] == "at,events,tip_hash,signature"
