"""An accepted proposal becomes a council need/work: the link is kept both ways."""

import pytest

from participa.audit.models import AuditEvent
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.proposals import answers
from participa.proposals.models import Proposal, ProposalStatus
from participa.works import services as works
from participa.works.models import Funding, Work, WorkKind, WorkOrigin
from tests.factories import login


def work_data(**changes) -> works.WorkData:
    values = {
        "title": "Semáforo frente a la primaria",
        "description": "Un semáforo.",
        "kind": WorkKind.WORK,
        "zone": "",
        "estimated_cost": 250_000,
        "beneficiaries": 600,
        "directorate": "Movilidad",
        "funding": Funding.MUNICIPAL,
        "fais_eligible": False,
        "fais_category": None,
    }
    return works.WorkData(**{**values, **changes})


def origin(proposal, answer="Se hará como obra municipal.") -> works.Origin:
    return works.Origin(WorkOrigin.PROPOSAL, proposal_id=proposal.id, answer=answer)


def accepted(kit):
    process = kit.initiative()
    proposal = kit.proposal(process)
    staff = kit.staff()
    answers.answer(staff, proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    return process, proposal, staff


def count_works() -> int:
    return len(db.session.execute(db.select(Work)).all())


def test_an_accepted_proposal_becomes_a_work_linked_both_ways_and_audited(kit):
    _, proposal, staff = accepted(kit)
    work = works.create_work(staff, work_data(), origin(proposal), utcnow())
    assert work.source_kind is WorkOrigin.PROPOSAL and work.source_proposal_id == proposal.id
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status is ProposalStatus.CONVERTED
    assert proposal.answer.text == "Se hará como obra municipal."
    assert works.work_of_proposal(proposal).id == work.id
    assert works.describe_origin(work).proposal.id == proposal.id
    audited = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert "proposals.convert" in audited and "works.create" in audited


@pytest.mark.parametrize("status", [ProposalStatus.PUBLISHED, ProposalStatus.REJECTED])
def test_only_accepted_proposals_become_works(kit, status):
    process = kit.initiative()
    proposal = kit.proposal(process)
    staff = kit.staff()
    if status is ProposalStatus.REJECTED:
        answers.answer(staff, proposal, status, "No.", utcnow())
    with pytest.raises(DomainError) as error:
        works.create_work(staff, work_data(), origin(proposal), utcnow())
    assert "accepted" in str(error.value.message)
    db.session.rollback()
    assert count_works() == 0


def test_a_converted_proposal_is_not_converted_twice(kit):
    _, proposal, staff = accepted(kit)
    works.create_work(staff, work_data(), origin(proposal), utcnow())
    with pytest.raises(DomainError):
        works.create_work(staff, work_data(), origin(proposal), utcnow())
    db.session.rollback()
    assert count_works() == 1


def test_the_public_answer_is_required(kit):
    _, proposal, staff = accepted(kit)
    with pytest.raises(DomainError) as error:
        works.create_work(staff, work_data(), origin(proposal, answer="  "), utcnow())
    assert error.value.field == "answer"
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.ACCEPTED


def test_staff_convert_from_the_proposal_page_with_a_prefilled_form(kit, client):
    process, proposal, staff = accepted(kit)
    login(client, staff.email)
    manage = f"/gestion/procesos/{process.id}/propuestas/{proposal.id}"
    page = client.get(manage).get_data(as_text=True)
    link = f"/gestion/obras/nueva?origin=proposal&amp;proposal_id={proposal.id}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert proposal.title in form and f'<option selected value="c{proposal.colonia_id}">' in form
    data = {
        "origin": "proposal",
        "proposal_id": str(proposal.id),
        "title": proposal.title,
        "kind": "work",
        "zone": f"c{proposal.colonia_id}",
        "estimated_cost": "$250,000",
        "beneficiaries": "600",
        "funding": "municipal",
        "fais_category": "",
        "answer": "",
    }
    bad = client.post("/gestion/obras/nueva", data=data)
    assert bad.status_code == 400 and "Write the answer" in bad.get_data(as_text=True)
    assert count_works() == 0
    response = client.post("/gestion/obras/nueva", data={**data, "answer": "Será obra."})
    assert response.status_code == 302
    work = db.session.execute(db.select(Work)).scalar_one()
    assert work.colonia_id == proposal.colonia_id
    detail = client.get(f"/gestion/obras/{work.id}").get_data(as_text=True)
    assert "Came from the proposal" in detail
    assert f"/procesos/{process.id}/propuestas/{proposal.id}" in detail
    assert f"/gestion/obras/{work.id}" in client.get(manage).get_data(as_text=True)
    public = client.get(f"/procesos/{process.id}/propuestas/{proposal.id}").get_data(as_text=True)
    assert "This proposal became a council need or work" in public and work.title in public
    again = client.post("/gestion/obras/nueva", data={**data, "answer": "Otra vez."})
    assert again.status_code == 400 and count_works() == 1


def test_residents_cannot_convert(kit, client):
    _, proposal, _ = accepted(kit)
    login(client, kit.resident().email)
    data = {"origin": "proposal", "proposal_id": str(proposal.id), "answer": "x"}
    assert client.post("/gestion/obras/nueva", data=data).status_code == 403
    assert count_works() == 0
