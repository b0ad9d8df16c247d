"""Consejos sociales: councils with members and meetings (minutes as text or PDF), and their
pledges, which join the work's popular collaboration once."""

import io

import sqlalchemy as sa

from participa.auth.models import Role
from participa.collaboration import totals
from participa.collaboration.models import Pledge, PledgeKind
from participa.extensions import db
from participa.social_councils.models import (
    SocialCouncil,
    SocialCouncilMeeting,
    SocialCouncilMember,
)
from tests.factories import municipal_today
from tests.proposals.helpers import pdf_bytes

BASE = "/gestion/consejos-sociales"
PDF = pdf_bytes()


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def new_council(client, world, **changes) -> SocialCouncil:
    data = {"name": "Consejo social de Centro", "colonia_id": str(world.colonias["Centro"].id),
            "sector": "", **changes}  # fmt: skip
    assert client.post(f"{BASE}/", data=data).status_code == 302
    return db.session.execute(sa.select(SocialCouncil).order_by(SocialCouncil.id.desc())).scalar()


def test_staff_create_a_council_with_members(world, as_user):
    client = as_user(world.staff)
    council = new_council(client, world)
    url = f"{BASE}/{council.id}"
    member = {"name": "Rosa Medina", "role": "Presidenta", "contact": ""}
    assert client.post(f"{url}/miembros", data=member).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Rosa Medina — Presidenta" in page and "Centro" in page
    assert client.get(f"{BASE}/").get_data(as_text=True).count("Consejo social de Centro") == 1


def test_bad_council_or_member_is_refused_with_a_message(world, as_user):
    client = as_user(world.staff)
    response = client.post(f"{BASE}/", data={"name": "Consejo", "colonia_id": "", "sector": ""})
    assert response.status_code == 400
    assert "Choose the council's colonia or write its sector." in response.get_data(as_text=True)
    assert count(SocialCouncil) == 0
    council = new_council(client, world, colonia_id="", sector="Comerciantes del mercado")
    response = client.post(f"{BASE}/{council.id}/miembros", data={"name": "Rosa", "role": ""})
    assert response.status_code == 400
    assert "Write the member's role in the council." in response.get_data(as_text=True)
    assert count(SocialCouncilMember) == 0
    again = client.post(f"{BASE}/", data={"name": council.name, "sector": "Otro"})
    assert "There is already a council with that name." in again.get_data(as_text=True)


def test_meetings_keep_their_minutes_as_text_or_pdf(world, as_user):
    client = as_user(world.staff)
    council = new_council(client, world)
    url = f"{BASE}/{council.id}/reuniones"
    today = municipal_today().isoformat()
    missing = client.post(url, data={"held_on": today, "attendance": "12", "minutes": ""})
    assert missing.status_code == 400
    assert "Write the minutes or upload them as a PDF." in missing.get_data(as_text=True)
    not_pdf = {"held_on": today, "attendance": "12", "minutes_pdf": (io.BytesIO(b"hola"), "a.pdf")}
    response = client.post(url, data=not_pdf, content_type="multipart/form-data")
    assert "The file is not a PDF document. Upload a PDF." in response.get_data(as_text=True)
    fake = {**not_pdf, "minutes_pdf": (io.BytesIO(b"%PDF-1.4 <html>hola</html>"), "a.pdf")}
    response = client.post(url, data=fake, content_type="multipart/form-data")
    assert "The PDF cannot be kept" in response.get_data(as_text=True)
    assert count(SocialCouncilMeeting) == 0
    good = {"held_on": today, "attendance": "12", "minutes": "Se acordó apoyar la cancha.",
            "minutes_pdf": (io.BytesIO(PDF), "acta.pdf")}  # fmt: skip
    response = client.post(url, data=good, content_type="multipart/form-data")
    assert response.status_code == 302
    meeting = db.session.execute(sa.select(SocialCouncilMeeting)).scalar_one()
    page = client.get(f"{BASE}/{council.id}").get_data(as_text=True)
    assert "12 people present" in page and "Se acordó apoyar la cancha." in page
    pdf = client.get(f"{BASE}/{council.id}/actas/{meeting.minutes_pdf}")
    assert pdf.status_code == 200 and pdf.data == PDF
    assert client.get(f"{BASE}/{council.id}/actas/{'0' * 32}.pdf").status_code == 404


def test_a_council_pledge_joins_the_work_totals_once_and_is_delivered(world, as_user):
    client = as_user(world.staff)
    council = new_council(client, world)
    resident = Pledge(work_id=world.site.id, user_id=world.resident.id, kind=PledgeKind.MONEY,
                      quantity=1500, colonia_id=world.resident.colonia_id)  # fmt: skip
    db.session.add(resident)
    db.session.commit()
    data = {"work_id": str(world.site.id), "kind": "money", "quantity": "$3,000"}
    assert client.post(f"{BASE}/{council.id}/aportaciones", data=data).status_code == 302
    item = db.session.execute(sa.select(Pledge).where(Pledge.social_council_id.is_not(None)))
    item = item.scalar_one()
    assert (item.person, item.colonia_id) == (council.name, world.colonias["Centro"].id)
    (money,) = totals.by_work(world.collab)[world.site.id]
    assert money.pledged == 4500
    (centro,) = totals.by_colonia(world.collab)[world.colonias["Centro"].id]
    assert centro.pledged == 4500  # the resident of Centro and the council of Centro
    today = municipal_today().isoformat()
    deliver = f"/gestion/procesos/{world.collab.id}/aportaciones/{item.id}/entrega"
    assert client.post(deliver, data={"quantity": "1000", "delivered_on": today}).status_code == 302
    (money,) = totals.by_work(world.collab)[world.site.id]
    assert (money.pledged, money.delivered) == (4500, 1000)
    page = client.get(f"{BASE}/{council.id}").get_data(as_text=True)
    assert "Techado de la cancha de Lomas" in page and "$3,000" in page


def test_a_council_pledge_needs_an_open_collaboration_work_and_a_quantity(world, as_user):
    client = as_user(world.staff)
    council = new_council(client, world)
    url = f"{BASE}/{council.id}/aportaciones"
    audit_work = {"work_id": str(world.work.id), "kind": "money", "quantity": "100"}
    response = client.post(url, data=audit_work)  # watched by an audit, not a collaboration
    assert response.status_code == 400
    assert "Choose a work of an open popular-collaboration process." in response.get_data(
        as_text=True
    )
    response = client.post(url, data={"work_id": str(world.site.id), "kind": "money",
                                      "quantity": "0"})  # fmt: skip
    assert "Write a whole number greater than zero." in response.get_data(as_text=True)
    assert count(Pledge) == 0


def test_only_staff_reach_the_councils(world, as_user, make):
    client = as_user(world.resident)
    assert client.get(f"{BASE}/").status_code == 403
    assert client.post(f"{BASE}/", data={"name": "X", "sector": "Y"}).status_code == 403
    client = as_user(make.user(Role.COUNCIL))
    assert client.get(f"{BASE}/").status_code == 403
    assert count(SocialCouncil) == 0
