"""Follow-up services: append-only reports, one per work per session, rules and totals."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from participa.audit.models import AuditEvent
from participa.core.errors import DomainError
from participa.extensions import db
from participa.works import followup, published
from participa.works.models import ProgressReport
from tests.works.conftest import NOW
from tests.works.followup_helpers import approved, held_session, report


def reports() -> int:
    return db.session.execute(sa.select(sa.func.count(ProgressReport.id))).scalar_one()


def test_reports_are_kept_as_history_and_the_last_one_counts(works, tmp_path):
    pozo, _banquetas = approved(works)
    report(works.staff, pozo, 10, 100_000, day=date(2026, 9, 1), tmp=tmp_path)
    report(works.staff, pozo, 35, 400_000, day=date(2026, 10, 1), tmp=tmp_path)
    report(works.staff, pozo, 30, 400_000, "Corrección: se midió de nuevo.", tmp=tmp_path)
    assert [r.progress for r in followup.history(pozo)] == [10, 35, 30]
    assert followup.last_report(pozo).progress == 30
    assert followup.last_reports([pozo.id])[pozo.id].progress == 30


def test_progress_cannot_go_down_without_a_note(works, tmp_path):
    pozo, _ = approved(works)
    report(works.staff, pozo, 40, tmp=tmp_path)
    with pytest.raises(DomainError) as error:
        report(works.staff, pozo, 20, tmp=tmp_path)
    assert error.value.field == "note"
    assert "40%" in str(error.value.message) and "20%" in str(error.value.message)
    assert reports() == 1


def test_spending_above_the_estimate_needs_a_note(works, tmp_path):
    pozo, _ = approved(works)  # estimated 1,000,000
    with pytest.raises(DomainError) as error:
        report(works.staff, pozo, 50, 1_200_000, tmp=tmp_path)
    assert error.value.field == "note"
    report(works.staff, pozo, 50, 1_200_000, "Aumentó el precio del tubo.", tmp=tmp_path)
    row = published.public_rows(published.PublicFilter(), date(2026, 11, 20))[0]
    assert row.over_budget and row.spent == 1_200_000


@pytest.mark.parametrize(
    ("progress", "spent", "note", "field"),
    [
        (101, 0, "", "progress"),
        (-1, 0, "", "progress"),
        (None, 0, "", "progress"),
        (10, -5, "", "spent"),
        (10, None, "", "spent"),
        (10, 0, "x" * 501, "note"),
    ],
)
def test_bad_values_are_refused(works, tmp_path, progress, spent, note, field):
    pozo, _ = approved(works)
    with pytest.raises(DomainError) as error:
        report(works.staff, pozo, progress, spent, note, tmp=tmp_path)
    assert error.value.field == field
    assert reports() == 0


def test_one_report_per_work_per_session_and_only_in_held_sessions(works, tmp_path):
    pozo, banquetas = approved(works)
    session = held_session(works.staff)
    report(works.staff, pozo, 10, session=session, tmp=tmp_path)
    report(works.staff, banquetas, 5, session=session, tmp=tmp_path)
    with pytest.raises(DomainError, match="already has its report"):
        report(works.staff, pozo, 20, session=session, tmp=tmp_path)
    assert followup.session_reports(session).keys() == {pozo.id, banquetas.id}
    audit = db.session.execute(
        sa.select(sa.func.count()).where(AuditEvent.action == "works.report.add")
    ).scalar_one()
    assert audit == 2


def test_the_database_refuses_a_second_report_in_the_same_session(works):
    pozo, _ = approved(works)
    session = held_session(works.staff)
    for _ in range(2):
        db.session.add(
            ProgressReport(
                work_id=pozo.id,
                council_session_id=session.id,
                reported_on=date(2026, 11, 1),
                progress=1,
                spent=0,
                created_at=NOW,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_scheduled_session_takes_no_reports(works, tmp_path):
    from flask_babel import get_timezone

    from participa.council import sessions
    from participa.council.models import SessionKind

    pozo, _ = approved(works)
    session = sessions.create_session(
        works.staff, SessionKind.ORDINARY, NOW, "Sala", get_timezone()
    )
    with pytest.raises(DomainError, match="held"):
        report(works.staff, pozo, 10, session=session, tmp=tmp_path)


def test_candidates_have_no_follow_up_and_are_not_public(works, tmp_path):
    candidate = works.work("Candidata")
    with pytest.raises(DomainError):
        report(works.staff, candidate, 10, tmp=tmp_path)
    approved(works)
    titles = [r.work.title for r in published.public_rows(published.PublicFilter(), NOW.date())]
    assert titles == ["Pozo de agua", "Banquetas"]
    assert published.public_work(candidate.id) is None
