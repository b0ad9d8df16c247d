"""Proposal rules: writing, moderation mode, thresholds, supports, answers and conversion."""

from decimal import Decimal

import pytest
from sqlalchemy import update as sa_update

from participa.audit.models import AuditEvent
from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.core import signals
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications.models import NoticeKind, Notification
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals import answers, attachments, services, supports
from participa.proposals.models import (
    ModerationMode,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    Support,
    ThresholdKind,
)
from tests.proposals.helpers import PDF, TODAY, jpeg_bytes


def notices(kind=None) -> list[Notification]:
    """The staff's notices (residents' own notices are tested in tests/residents/)."""
    query = db.select(Notification).where(Notification.audience == "staff")
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.execute(query).scalars())


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action)).scalars())


def test_a_resident_writes_a_published_proposal(kit):
    process = kit.initiative()
    proposal = kit.proposal(process)
    assert proposal.status is ProposalStatus.PUBLISHED
    assert proposal.thread_id is not None
    assert notices() == []


def test_with_moderation_the_proposal_waits_and_staff_are_told(kit):
    process = kit.initiative(moderation=ModerationMode.APPROVAL)
    proposal = kit.proposal(process)
    assert proposal.status is ProposalStatus.PENDING
    [notice] = notices(NoticeKind.AWAITING_MODERATION)
    assert notice.subject == proposal.title and notice.audience == "staff"
    staff = kit.staff()
    answers.approve(staff, proposal)
    assert proposal.status is ProposalStatus.PUBLISHED
    assert "proposals.approve" in actions()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"category": "Inventada"}, "category"),
        ({"colonia_id": None}, "colonia_id"),
        ({"latitude": 20.6}, "latitude"),
        ({"latitude": 40.0, "longitude": -103.3}, "latitude"),
        ({"latitude": 20.6, "longitude": -99.1}, "longitude"),
    ],
)
def test_bad_proposals_change_nothing(kit, fields, field):
    process = kit.initiative()
    with pytest.raises(DomainError) as error:
        kit.proposal(process, **fields)
    assert error.value.field == field
    assert db.session.execute(db.select(Proposal)).first() is None


def test_staff_and_residents_without_curp_cannot_propose(kit):
    process = kit.initiative()
    with pytest.raises(DomainError):
        kit.proposal(process, author=kit.staff())
    closed = kit.initiative(status=ProcessStatus.CLOSED)
    with pytest.raises(DomainError):
        kit.proposal(closed)


def test_attachments_are_cleaned_and_stored(kit):
    process = kit.initiative()
    uploads = [attachments.Upload("foto.png", jpeg_bytes()), attachments.Upload("a.pdf", PDF)]
    proposal = kit.proposal(process, uploads=uploads)
    kinds = [a.kind.value for a in proposal.attachments]
    assert kinds == ["photo", "pdf"]
    for a in proposal.attachments:
        assert (kit.folder() / a.file_name).exists()


@pytest.mark.parametrize(
    "uploads",
    [
        [attachments.Upload("virus.exe", b"MZ\x90\x00 not a photo")],
        [attachments.Upload("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))],
        [attachments.Upload(f"{i}.pdf", PDF) for i in range(4)],
        [attachments.Upload("ok.pdf", PDF), attachments.Upload("bad.txt", b"hello")],
    ],
)
def test_bad_attachments_leave_no_row_and_no_file(kit, uploads):
    process = kit.initiative()
    with pytest.raises(DomainError) as error:
        kit.proposal(process, uploads=uploads)
    assert error.value.field == "attachments"
    assert db.session.execute(db.select(Proposal)).first() is None
    assert db.session.execute(db.select(ProposalAttachment)).first() is None
    assert not kit.folder().exists() or not any(kit.folder().iterdir())


def test_number_threshold_moves_to_evaluation_and_notifies_once(kit, listen):
    reached = listen(signals.proposal_threshold_reached)
    process = kit.initiative(threshold=2)
    proposal = kit.proposal(process)
    first, second, third = kit.resident(), kit.resident("Lomas"), kit.resident("Sauces")
    assert supports.support(proposal, first, now=utcnow(), today=TODAY) is False
    assert supports.support(proposal, second, now=utcnow(), today=TODAY) is True
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status is ProposalStatus.EVALUATION and proposal.support_count == 2
    assert len(notices(NoticeKind.THRESHOLD_REACHED)) == 1
    with pytest.raises(DomainError):  # no longer collecting
        supports.support(proposal, third, now=utcnow(), today=TODAY)
    assert len(notices(NoticeKind.THRESHOLD_REACHED)) == 1
    assert [(sender.id, kw["title"]) for sender, kw in reached] == [(proposal.id, proposal.title)]


def test_percent_threshold_is_taken_of_the_scope_population(kit):
    # Territory: Centro 1000, Lomas 500, Sauces 2000 = 3500; 0.1 % is 3.5, so 4 supports.
    process = kit.initiative(threshold_kind=ThresholdKind.PERCENT, threshold_percent=Decimal("0.1"))
    assert supports.threshold(process) == 4


def test_double_support_and_support_rules(kit):
    process = kit.initiative()
    proposal = kit.proposal(process)
    resident = kit.resident()
    supports.support(proposal, resident, now=utcnow(), today=TODAY)
    with pytest.raises(supports.AlreadySupported):
        supports.support(proposal, resident, now=utcnow(), today=TODAY)
    assert db.session.get(Proposal, proposal.id).support_count == 1
    assert supports.support_problem(proposal, kit.staff(), TODAY) is not None
    assert supports.support_problem(proposal, kit.resident(birth=TODAY), TODAY) is None
    process.min_age = 18
    db.session.commit()
    assert "18" in str(supports.support_problem(proposal, kit.resident(birth=TODAY), TODAY))


def test_no_support_on_a_closed_process_or_pending_proposal(kit):
    process = kit.initiative(moderation=ModerationMode.APPROVAL)
    pending = kit.proposal(process)
    resident = kit.resident()
    with pytest.raises(DomainError):
        supports.support(pending, resident, now=utcnow(), today=TODAY)
    answers.approve(kit.staff(), pending)
    process.status = ProcessStatus.CLOSED
    db.session.commit()
    with pytest.raises(DomainError, match="open"):
        supports.support(pending, resident, now=utcnow(), today=TODAY)
    assert db.session.execute(db.select(Support)).first() is None


def test_answers_keep_their_history(kit, listen):
    answered = listen(signals.proposal_answered)
    process = kit.initiative()
    proposal = kit.proposal(process)
    staff = kit.staff()
    answers.answer(staff, proposal, ProposalStatus.EVALUATION, "La revisamos.", utcnow())
    answers.answer(staff, proposal, ProposalStatus.ACCEPTED, "Se hará en 2027.", utcnow())
    assert proposal.status is ProposalStatus.ACCEPTED
    assert [a.status for a in proposal.answers] == [
        ProposalStatus.EVALUATION,
        ProposalStatus.ACCEPTED,
    ]
    assert proposal.answer.text == "Se hará en 2027."
    assert actions().count("proposals.answer") == 2
    said = [(sender.id, kw["actor"].id, kw["answer"].text) for sender, kw in answered]
    assert said == [
        (proposal.id, staff.id, "La revisamos."),
        (proposal.id, staff.id, "Se hará en 2027."),
    ]
    with pytest.raises(DomainError):
        answers.answer(staff, proposal, ProposalStatus.REJECTED, " ", utcnow())
    with pytest.raises(DomainError):
        answers.answer(staff, proposal, ProposalStatus.CONVERTED, "No así.", utcnow())


def _pb_ballot(kit) -> PbBallot:
    process = kit.make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO, title="PB")
    ballot = PbBallot(
        process_id=process.id, name="Municipio", amount=1_000_000, rule=BallotRule.APPROVAL
    )
    db.session.add(ballot)
    db.session.commit()
    return ballot


def test_conversion_creates_a_pb_project_linked_both_ways(kit):
    process = kit.initiative()
    proposal = kit.proposal(process)
    staff = kit.staff()
    ballot = _pb_ballot(kit)
    conversion = answers.Conversion(ballot.id, 250_000, "Pasa al presupuesto participativo.")
    with pytest.raises(DomainError):  # only accepted proposals
        answers.convert_to_pb(staff, proposal, conversion, utcnow())
    answers.answer(staff, proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    project = answers.convert_to_pb(staff, proposal, conversion, utcnow())
    assert project.status is ProjectStatus.PROPOSED and project.estimated_cost == 250_000
    assert project.title == proposal.title and project.author_id == proposal.author_id
    assert proposal.status is ProposalStatus.CONVERTED and proposal.pb_project_id == project.id
    assert services.origin_of(project).id == proposal.id
    assert "proposals.convert" in actions()


def test_conversion_checks_the_cost_and_the_ballot(kit):
    process = kit.initiative()
    proposal = kit.proposal(process)
    staff = kit.staff()
    ballot = _pb_ballot(kit)
    answers.answer(staff, proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    with pytest.raises(DomainError) as error:
        answers.convert_to_pb(
            staff, proposal, answers.Conversion(ballot.id, 2_000_000, "x"), utcnow()
        )
    assert error.value.field == "estimated_cost"
    with pytest.raises(DomainError):
        answers.convert_to_pb(staff, proposal, answers.Conversion(9999, 1000, "x"), utcnow())
    assert db.session.execute(db.select(PbProject)).first() is None
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.ACCEPTED


def test_settings_are_validated_and_audited(kit):
    process = kit.initiative()
    staff = kit.staff()
    data = services.SettingsData(
        moderation=ModerationMode.APPROVAL,
        threshold_kind=ThresholdKind.NUMBER,
        threshold_number=50,
        threshold_percent=None,
        support_deadline=None,
        reports_to_hide=5,
        categories="Obras\nAgua\nObras\n",
    )
    settings = services.save_settings(staff, process, data)
    assert settings.category_list == ["Obras", "Agua"] and settings.reports_to_hide == 5
    assert "proposals.settings" in actions()
    bad = services.SettingsData(**{**data.__dict__, "threshold_number": 0})
    with pytest.raises(DomainError) as error:
        services.save_settings(staff, process, bad)
    assert error.value.field == "threshold_number"


def test_a_process_never_configured_uses_the_defaults(kit):
    process = kit.make.process(ProcessStatus.OPEN, type=ProcessType.PROYECTOS_SOCIALES)
    assert supports.threshold(process) == 100
    assert "Medio ambiente" in services.settings_for(process).category_list
    proposal = kit.proposal(process, category="Medio ambiente")
    assert proposal.status is ProposalStatus.PUBLISHED
    assert supports.support_problem(proposal, kit.resident(), TODAY) is not None  # no supports


def test_with_approval_an_edit_of_a_published_proposal_waits_again(kit):
    process = kit.initiative(moderation=ModerationMode.APPROVAL)
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    answers.approve(kit.staff(), proposal)
    assert proposal.status is ProposalStatus.PUBLISHED
    services.edit_proposal(proposal, author, kit.data(title="Otro texto"), now=utcnow())
    assert proposal.status is ProposalStatus.PENDING and proposal.title == "Otro texto"
    assert [n.subject for n in notices(NoticeKind.AWAITING_MODERATION)][-1] == "Otro texto"


def test_without_approval_an_edit_keeps_the_proposal_published(kit):
    process = kit.initiative()
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    services.edit_proposal(proposal, author, kit.data(title="Otro texto"), now=utcnow())
    assert proposal.status is ProposalStatus.PUBLISHED and proposal.title == "Otro texto"
    assert notices() == []


def test_an_edit_that_loses_against_a_support_changes_nothing(kit):
    process = kit.initiative()
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    assert proposal.support_count == 0  # what the author's request read
    with db.engine.begin() as other:  # a supporter's request, counted first
        other.execute(sa_update(Proposal).where(Proposal.id == proposal.id).values(support_count=1))
    with pytest.raises(DomainError, match="can no longer be edited"):
        services.edit_proposal(proposal, author, kit.data(title="Tarde"), now=utcnow())
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Semáforo en la escuela"
