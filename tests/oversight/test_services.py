"""Oversight services: works, findings with photos, answers and their versions, hiding."""

from datetime import UTC, date, datetime

import pytest

from participa.audit.models import AuditEvent
from participa.core.errors import DomainError
from participa.extensions import db
from participa.oversight import findings, subjects
from participa.oversight.models import Finding, FindingPhoto, FindingStatus, WorkKind
from participa.processes.types import ProcessStatus
from tests.oversight.conftest import jpeg

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
DATA = findings.FindingData(
    "Banqueta rota", "La banqueta frente a la escuela está rota.", "Hidalgo 45", 20.66, -103.35
)


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def file(world, photos=(), data=DATA, author=None):
    return findings.file_finding(
        world.work, author or world.resident, data, list(photos), world.folder, NOW, TODAY
    )


def stored_photos(world) -> list:
    return sorted(world.folder.glob("*.jpg")) if world.folder.exists() else []


# --- works ------------------------------------------------------------------------------


def test_staff_create_edit_and_remove_a_work(world):
    data = subjects.WorkData(WorkKind.WORK, " Alumbrado en Sauces ", "Con **LED**", budget=50_000)
    work = subjects.create_work(world.staff, world.audit, data)
    assert work.name == "Alumbrado en Sauces" and work.budget == 50_000
    subjects.update_work(world.staff, work, subjects.WorkData(WorkKind.PROGRAMME, "Otro nombre"))
    assert (work.kind, work.name, work.budget) == (WorkKind.PROGRAMME, "Otro nombre", None)
    subjects.delete_work(world.staff, work)
    assert subjects.get_work(world.audit, work.id) is None
    assert actions() == ["oversight.work.create", "oversight.work.update", "oversight.work.delete"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (subjects.WorkData(WorkKind.WORK, "  "), "name"),
        (subjects.WorkData(WorkKind.WORK, "x" * 201), "name"),
        (subjects.WorkData(WorkKind.WORK, "Obra", budget=-1), "budget"),
        (subjects.WorkData(WorkKind.WORK, "Obra", colonia_id=999), "colonia_id"),
        (subjects.WorkData(WorkKind.WORK, "Obra", pb_project_id=999), "pb_project_id"),
    ],
)
def test_bad_work_is_refused_and_nothing_is_stored(world, data, field):
    with pytest.raises(DomainError) as raised:
        subjects.create_work(world.staff, world.audit, data)
    assert raised.value.field == field
    assert len(subjects.works(world.audit)) == 2


def test_a_work_with_findings_cannot_be_removed(world):
    file(world)
    with pytest.raises(DomainError):
        subjects.delete_work(world.staff, world.work)
    assert subjects.get_work(world.audit, world.work.id) is not None


# --- findings ---------------------------------------------------------------------------


def test_finding_without_photos(world):
    finding = file(world)
    assert finding.status is FindingStatus.RECEIVED
    assert (finding.location, finding.latitude, finding.longitude) == ("Hidalgo 45", 20.66, -103.35)
    assert finding.photos == [] and stored_photos(world) == []


def test_finding_with_photos_keeps_clean_jpegs(world):
    finding = file(world, [jpeg(), jpeg(color="blue")])
    names = [p.name for p in finding.photos]
    assert len(names) == 2
    assert sorted(p.name for p in stored_photos(world)) == sorted(names)
    assert all((world.folder / n).read_bytes()[:2] == b"\xff\xd8" for n in names)


@pytest.mark.parametrize(
    "photos",
    [
        [jpeg(), b"<script>alert(1)</script>"],  # the second is not an image
        [jpeg(), b"GIF89a" + b"\0" * 100],
        [jpeg(), b"\xff\xd8" + b"x" * (5 * 1024 * 1024 + 10)],  # too large
        [jpeg(), jpeg(), jpeg(), jpeg()],  # four photos
    ],
)
def test_bad_photo_leaves_no_row_and_no_file(world, photos):
    with pytest.raises(DomainError) as raised:
        file(world, photos)
    assert raised.value.field in ("photo", "photos")
    assert db.session.execute(db.select(Finding)).first() is None
    assert db.session.execute(db.select(FindingPhoto)).first() is None
    assert stored_photos(world) == []


def test_failed_commit_removes_the_saved_photos(world, monkeypatch):
    def broken_commit():
        raise RuntimeError("disk full")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        file(world, [jpeg()])
    monkeypatch.undo()
    assert stored_photos(world) == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (findings.FindingData("", "texto"), "title"),
        (findings.FindingData("t", "   "), "text"),
        (findings.FindingData("t", "x" * 4001), "text"),
        (findings.FindingData("t", "texto", latitude=20.6), "latitude"),
        (findings.FindingData("t", "texto", latitude=91, longitude=-103), "latitude"),
        (findings.FindingData("t", "texto", latitude=-103.3, longitude=20.6), "latitude"),
        (findings.FindingData("t", "texto", latitude=20.6, longitude=103.3), "longitude"),
        # In Mexico (Mexico City) but outside MUNICIPALITY_BOUNDS, as for proposals.
        (findings.FindingData("t", "texto", latitude=19.43, longitude=-99.13), "latitude"),
        (findings.FindingData("t", "texto", latitude=20.66, longitude=-99.13), "longitude"),
    ],
)
def test_bad_finding_text_or_place_is_refused(world, data, field):
    with pytest.raises(DomainError) as raised:
        file(world, [jpeg()], data=data)
    assert raised.value.field == field
    assert db.session.execute(db.select(Finding)).first() is None
    assert stored_photos(world) == []


def test_only_eligible_residents_file_while_open(world, make):
    with pytest.raises(DomainError):
        file(world, author=world.staff)  # no CURP
    world.audit.min_age = 40
    with pytest.raises(DomainError, match="40"):
        file(world)
    world.audit.min_age = None
    world.audit.status = ProcessStatus.CLOSED
    with pytest.raises(DomainError):
        file(world)
    assert db.session.execute(db.select(Finding)).first() is None


# --- answers, status, hiding --------------------------------------------------------------


def test_answers_are_versions_and_history_is_kept(world):
    finding = file(world)
    findings.answer_finding(world.staff, finding, "Se reparará en enero.", NOW)
    findings.answer_finding(world.staff, finding, "Reparada el 15 de enero.", NOW)
    db.session.expire_all()
    assert finding.status is FindingStatus.ANSWERED
    assert [a.version for a in finding.answers] == [2, 1]
    assert finding.answer.text == "Reparada el 15 de enero."
    assert actions() == ["oversight.finding.answer", "oversight.finding.answer"]


def test_empty_answer_is_refused(world):
    finding = file(world)
    with pytest.raises(DomainError):
        findings.answer_finding(world.staff, finding, "  ", NOW)
    assert finding.answers == [] and finding.status is FindingStatus.RECEIVED


def test_status_in_review_and_not_applicable_with_reason(world):
    finding = file(world)
    findings.set_status(world.staff, finding, FindingStatus.IN_REVIEW)
    assert finding.status is FindingStatus.IN_REVIEW
    with pytest.raises(DomainError) as raised:
        findings.set_status(world.staff, finding, FindingStatus.NOT_APPLICABLE, " ")
    assert raised.value.field == "reason"
    findings.set_status(world.staff, finding, FindingStatus.NOT_APPLICABLE, "No es de esta obra.")
    assert (finding.status, finding.status_reason) == (
        FindingStatus.NOT_APPLICABLE,
        "No es de esta obra.",
    )


def test_hidden_findings_leave_public_lists_and_counts(world):
    shown, hidden = file(world), file(world, [jpeg()])
    photo = hidden.photos[0].name
    findings.hide_finding(world.staff, hidden, "Insultos", NOW)
    assert findings.findings(world.work) == [shown]
    assert findings.summary(world.audit) == {world.work.id: (1, 0)}
    assert not findings.has_photo(world.work, photo)
    assert len(findings.process_findings(world.audit)) == 2  # staff still see it
    assert "oversight.finding.hide" in actions()
    findings.show_finding(world.staff, hidden)
    assert len(findings.findings(world.work)) == 2


def test_hiding_needs_a_reason(world):
    finding = file(world)
    with pytest.raises(DomainError):
        findings.hide_finding(world.staff, finding, "", NOW)
    assert finding.hidden_at is None


def test_filter_by_status_newest_first(world):
    first, second = file(world), file(world)
    findings.answer_finding(world.staff, first, "Respuesta", NOW)
    assert findings.findings(world.work) == [second, first]
    answered = findings.findings(world.work, findings.FindingFilter(FindingStatus.ANSWERED))
    assert answered == [first]


def test_two_staff_answering_at_once_get_a_message_not_an_error(world):
    import sqlalchemy as sa

    from participa.oversight.models import FindingAnswer
    from tests.race import saved_first_by_someone_else

    finding = file(world)
    other = sa.insert(FindingAnswer).values(
        finding_id=finding.id, version=1, text="La otra respuesta", created_at=NOW
    )
    with saved_first_by_someone_else(other), pytest.raises(DomainError, match="mismo momento"):
        findings.answer_finding(world.staff, finding, "Mi respuesta", NOW)
    finding = db.session.get(Finding, finding.id)
    assert finding.answers == [] and finding.status is FindingStatus.RECEIVED
