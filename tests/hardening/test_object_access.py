"""No object can be read or changed by guessing its id in the URL.

Objects of one resident ("citizen", the demo's vecina) are tried by another verified resident
("other") and by anonymous visitors; staff-only objects (draft processes and ballots, hidden
comments and findings, council sessions whose minutes are not approved, the audit log) by
residents and the public. What the app does, and this test states:

- drafts and unpublished objects answer 404 on public pages, to everyone (staff read them
  under /gestion), so their existence does not leak;
- an id that belongs to another parent (a proposal of another process, a finding of another
  work, a criterion of another round ...) answers 404;
- another person's object that is public but not theirs to change (a pledge, a proposal)
  answers 403 to the wrong resident, and anonymous POSTs are sent to log in;
- staff areas answer 403 to residents, and anonymous visitors are sent to log in.

Every refused request leaves every row of every table as it was.
"""

from participa.collaboration.models import Pledge
from participa.comments.models import Comment
from participa.council.models import Agreement, CouncilSession, SessionStatus
from participa.events.models import Event, EventQuestion, Registration
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.oversight.models import Finding
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals.models import Proposal, ProposalStatus
from participa.social_councils import services as social_councils
from participa.social_councils.models import SocialCouncilMeeting
from participa.works.models import PrioritisationRound, RoundCriterion
from tests.hardening.world import MINUTES_PDF, changed, process_of, snapshot


def refused(world, who, method, url, statuses, data=None):
    """Send the request as `who`; its status must be one of `statuses` and nothing written."""
    before = snapshot()
    response = world.client(who).open(url, method=method, data=data or {})
    assert response.status_code in statuses, (method, url, who, response.status_code)
    # Compared with the rows just before (tests change the world first), not the template.
    assert changed(before, snapshot()) == [], (method, url, who)
    return response


def to_login(response) -> bool:
    return response.status_code == 401 or "/cuenta/entrar" in response.headers.get("Location", "")


# --- a resident's own objects -------------------------------------------------------------


def test_another_resident_cannot_cancel_a_pledge(world):
    pledge = db.session.get(Pledge, world.world.ids["pledge"])
    process_id = pledge.work.process_id
    url = f"/procesos/{process_id}/aportaciones/{pledge.id}/cancelar"
    refused(world, "other", "POST", url, {403})
    assert to_login(refused(world, None, "POST", url, {302, 401}))
    # The owner can: the refusals above were about who asked, not about the pledge.
    assert world.client("citizen").post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).cancelled_at is not None


def test_another_resident_cannot_edit_a_proposal(world):
    proposal = db.session.get(Proposal, world.world.ids["proposal"])
    url = f"/procesos/{proposal.process_id}/propuestas/{proposal.id}/editar"
    form = {"title": "Texto cambiado por otra persona", "body": "x" * 40}
    refused(world, "other", "GET", url, {403})
    refused(world, "other", "POST", url, {403}, form)
    assert to_login(refused(world, None, "POST", url, {302, 401}, form))
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).title == "Bancas en la plaza"


def test_a_pending_proposal_is_missing_for_everyone_but_its_author_and_staff(world):
    proposal = db.session.get(Proposal, world.world.ids["proposal"])
    proposal.status = ProposalStatus.PENDING
    db.session.commit()
    base = f"/procesos/{proposal.process_id}/propuestas/{proposal.id}"
    for who in (None, "other", "council"):
        refused(world, who, "GET", base, {404})
    for action in ("apoyar", "comentarios", "denunciar"):
        refused(world, "other", "POST", f"{base}/{action}", {404}, {"body": "Hola", "reason": "x"})
    assert world.client("citizen").get(base).status_code == 200
    assert world.client("staff").get(base).status_code == 200
    listing = world.client("other").get(f"/procesos/{proposal.process_id}/propuestas/")
    assert "Bancas en la plaza" not in listing.get_data(as_text=True)


def test_cancelling_acts_on_ones_own_registration_only(world):
    event = db.session.get(Event, world.world.ids["event"])
    url = f"/procesos/{event.process_id}/eventos/{event.id}"
    assert world.client("citizen").post(f"{url}/registro").status_code == 302
    mine = db.select(Registration).filter_by(
        event_id=event.id, user_id=world.world.users["citizen"]
    )
    assert db.session.execute(mine).scalar_one()
    # The URL names the event, never a registration: "other" can only cancel their own (none).
    refused(world, "other", "POST", f"{url}/cancelar", {400})
    assert db.session.execute(mine).scalar_one()


def test_the_account_pages_show_only_ones_own_things(world):
    pledge = db.session.get(Pledge, world.world.ids["pledge"])
    pledge.note = "Nota de la vecina sobre su aportación"
    db.session.commit()
    url = f"/procesos/{pledge.work.process_id}/mis-aportaciones"
    citizen = world.user("citizen")
    mine = world.client("citizen").get(url).get_data(as_text=True)
    theirs = world.client("other").get(url).get_data(as_text=True)
    assert pledge.note in mine
    assert pledge.note not in theirs
    assert citizen.email in world.client("citizen").get("/cuenta/").get_data(as_text=True)
    assert citizen.email not in world.client("other").get("/cuenta/").get_data(as_text=True)


def test_a_receipt_is_shown_only_in_the_session_that_voted(world):
    process = process_of(ProcessType.CONSULTA, ProcessStatus.OPEN)
    voter = world.client("citizen")
    with voter.session_transaction() as session:
        session["receipt"] = {"process_id": process.id, "code": "ABCD2345EFGH"}
    assert "ABCD2345EFGH" not in world.client("other").get(
        f"/procesos/{process.id}/recibo"
    ).get_data(as_text=True)
    assert "ABCD2345EFGH" in voter.get(f"/procesos/{process.id}/recibo").get_data(as_text=True)


# --- staff-only and unpublished objects ---------------------------------------------------


def test_a_draft_process_is_missing_from_every_public_page(world):
    draft = process_of(ProcessType.CONSULTA, ProcessStatus.DRAFT)
    public = [
        f"/procesos/{draft.id}",
        f"/procesos/{draft.id}/responder",
        f"/procesos/{draft.id}/resultados",
        f"/procesos/{draft.id}/resultados.csv",
        f"/procesos/{draft.id}/respuestas.csv",
    ]
    for who in (None, "other", "council", "staff"):
        for url in public:
            response = refused(world, who, "GET", url, {302, 404})
            assert response.status_code == 404 or to_login(response), (url, who)
    refused(world, "other", "POST", f"/procesos/{draft.id}/responder", {404}, {"q1": "1"})
    listing = world.client(None).get("/procesos/").get_data(as_text=True)
    assert draft.title not in listing
    # Staff read it where they manage it; residents are refused there.
    assert world.client("staff").get(f"/gestion/procesos/{draft.id}").status_code == 200
    refused(world, "other", "GET", f"/gestion/procesos/{draft.id}", {403})


def test_a_draft_budget_and_its_ballots_are_missing(world):
    budget = process_of(ProcessType.PRESUPUESTO)
    ballot = world.world.ids["ballot"]
    budget.status = ProcessStatus.DRAFT
    db.session.commit()
    for url in (
        f"/procesos/{budget.id}/boletas/{ballot}/votar",
        f"/procesos/{budget.id}/proyectos/",
        f"/procesos/{budget.id}/proyectos/{world.world.ids['project']}",
        f"/procesos/{budget.id}/presupuesto/resultados",
    ):
        refused(world, "other", "GET", url, {404})
        refused(world, None, "GET", url, {302, 404})
    refused(world, "other", "POST", f"/procesos/{budget.id}/boletas/{ballot}/votar", {404})


def test_ids_of_another_parent_are_missing(world):
    ids = world.world.ids
    consultation = ids["consultation"]
    other_event = (
        db.session.execute(db.select(Event).where(Event.id != ids["event"]).order_by(Event.id))
        .scalars()
        .first()
    )
    other_round = (
        db.session.execute(
            db.select(PrioritisationRound).where(PrioritisationRound.id != ids["round"])
        )
        .scalars()
        .first()
    )
    criterion = db.session.get(RoundCriterion, ids["criterion"])
    question = db.session.get(EventQuestion, ids["event_question"])
    finding = db.session.get(Finding, ids["finding"])
    other_work = (
        db.session.execute(db.select(Finding.work_id).where(Finding.work_id != finding.work_id))
        .scalars()
        .first()
        or ids["collaboration_work"]
    )
    guesses = [
        ("other", "GET", f"/procesos/{consultation}/propuestas/{ids['proposal']}"),
        ("other", "POST", f"/procesos/{consultation}/boletas/{ids['ballot']}/votar"),
        ("other", "POST", f"/procesos/{ids['oversight']}/aportaciones/{ids['pledge']}/cancelar"),
        (
            "other",
            "POST",
            f"/procesos/{ids['oversight']}/obras/{other_work}/hallazgos/{finding.id}/denunciar",
        ),
        (
            "other",
            "POST",
            f"/procesos/{other_event.process_id}/eventos/{other_event.id}"
            f"/preguntas/{question.id}/apoyo",
        ),
        (
            "staff",
            "POST",
            f"/gestion/obras/priorizacion/{other_round.id}/criterios/{criterion.id}/quitar",
        ),
        (
            "staff",
            "POST",
            f"/gestion/procesos/{consultation}/eventos/{question.event_id}"
            f"/preguntas/{question.id}/respondida",
        ),
    ]
    for who, method, url in guesses:
        refused(world, who, method, url, {404})


def test_a_social_councils_minutes_are_found_under_their_own_council_only(world):
    meeting = db.session.get(SocialCouncilMeeting, world.world.ids["social_council_meeting"])
    other = social_councils.create_council(
        world.user("staff"), "Consejo social del mercado", None, "Comerciantes del mercado"
    )
    base = "/gestion/consejos-sociales"
    own = f"{base}/{meeting.council_id}/actas/{meeting.minutes_pdf}"
    with world.client("staff").get(own) as response:
        assert (response.status_code, response.data) == (200, MINUTES_PDF)
    refused(world, "staff", "GET", f"{base}/{other.id}/actas/{meeting.minutes_pdf}", {404})
    # Social councils are the office's (their members' contacts too): not the residents'.
    for who in ("other", "council"):
        refused(world, who, "GET", own, {403})
    assert to_login(refused(world, None, "GET", own, {302}))


def test_hidden_comments_and_findings_stay_hidden(world):
    ids = world.world.ids
    comment = db.session.get(Comment, ids["proposal_comment"])
    comment.visibility = Visibility.HIDDEN
    comment.body = "Comentario oculto por el personal"
    finding = db.session.get(Finding, ids["finding"])
    finding.visibility = Visibility.HIDDEN
    db.session.commit()
    proposal_page = f"/procesos/{ids['proposals']}/propuestas/{ids['proposal']}"
    work_page = f"/procesos/{ids['oversight']}/obras/{finding.work_id}"
    for who in (None, "other", "citizen"):
        assert comment.body not in world.client(who).get(proposal_page).get_data(as_text=True)
        assert finding.title not in world.client(who).get(work_page).get_data(as_text=True)
    refused(world, "other", "POST", f"{work_page}/hallazgos/{finding.id}/denunciar", {404})
    staff_page = f"/gestion/procesos/{ids['oversight']}/hallazgos/{finding.id}"
    refused(world, "citizen", "GET", staff_page, {403})
    assert finding.title in world.client("staff").get(staff_page).get_data(as_text=True)


def test_council_sessions_are_public_only_once_their_minutes_are_approved(world):
    unapproved = (
        db.session.execute(
            db.select(CouncilSession).where(CouncilSession.status != SessionStatus.APPROVED)
        )
        .scalars()
        .all()
    )
    assert {s.status for s in unapproved} == {SessionStatus.SCHEDULED, SessionStatus.HELD}
    session = unapproved[0]
    agreement = Agreement(
        session_id=session.id, number=99, code="99/draft", text="Acuerdo en borrador"
    )
    db.session.add(agreement)
    db.session.commit()
    for unseen in unapproved:
        for url in (f"/cmpc/sesiones/{unseen.id}", f"/cmpc/sesiones/{unseen.id}/acta"):
            for who in (None, "other"):
                refused(world, who, "GET", url, {404})
    refused(world, None, "GET", f"/cmpc/acuerdos/{agreement.id}", {404})
    refused(world, "other", "GET", f"/consejo/sesiones/{session.id}", {403})
    assert world.client("council").get(f"/consejo/sesiones/{session.id}").status_code == 200
    # Writing the minutes is the office's: council members read them, they do not edit them.
    refused(world, "council", "POST", f"/gestion/consejo/sesiones/{session.id}/acta", {403})


def test_the_audit_log_is_for_administrators_only(world):
    assert to_login(refused(world, None, "GET", "/admin/bitacora", {302}))
    for who in ("citizen", "council", "staff"):
        refused(world, who, "GET", "/admin/bitacora", {403})
    assert world.client("admin").get("/admin/bitacora").status_code == 200


def test_draft_statuses_exist_in_the_world(world):
    """The statuses the tests above rely on are really in the world (else they prove less)."""
    statuses = set(db.session.execute(db.select(Process.status)).scalars())
    assert statuses == set(ProcessStatus)
