"""Residents propose PB projects (with an optional photo) and everyone reads the list."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from participa.auth.models import Role
from participa.budgets.models import PbBallot, PbProject, ProjectStatus
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import login

GPS_IFD = 0x8825


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    """Point the instance folder at the test's own directory; return the photo folder."""
    app.instance_path = str(tmp_path / "instance")
    return tmp_path / "instance" / "uploads" / "pb"


@pytest.fixture
def colonias(make):
    return make.territory()


@pytest.fixture
def pb(make, colonias):
    """An announced PB process with a city ballot and a Norte zone ballot, both open."""
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO, title="PP 2027")
    city = PbBallot(process_id=process.id, name="Municipio", amount=1_000_000, max_choices=3)
    norte = PbBallot(process_id=process.id, name="Norte", amount=200_000, max_choices=2)
    norte.colonias = [colonias["Centro"], colonias["Lomas"]]
    city.proposals_open = norte.proposals_open = True
    db.session.add_all([city, norte])
    db.session.commit()
    return process


def ballot(process, name) -> PbBallot:
    query = db.select(PbBallot).where(PbBallot.process_id == process.id, PbBallot.name == name)
    return db.session.execute(query).scalar_one()


@pytest.fixture
def resident(client, make, colonias):
    user = make.user(Role.CITIZEN, colonia=colonias["Centro"])
    login(client, user.email)
    return user


def proposal(ballot_: PbBallot, **fields) -> dict:
    data = {
        "ballot_id": str(ballot_.id),
        "title": "Luminarias en el parque de Lomas",
        "description": "Poner 12 luminarias LED.\n\nEl parque está oscuro de noche.",
        "category": "Alumbrado",
        "estimated_cost": "$150,000",
        "colonia_id": "",
        "location": "Calle Hidalgo y Juárez",
        "latitude": "",
        "longitude": "",
    }
    return {**data, **fields}


def image_bytes(fmt="JPEG", size=(2400, 1200), exif=False) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0132] = "2026:01:02 03:04:05"  # DateTime
        data[GPS_IFD] = {1: "N", 2: (20.0, 39.0, 35.0), 3: "W", 4: (103.0, 20.0, 58.0)}
        extra["exif"] = data.tobytes()
    image.save(out, fmt, **extra)
    return out.getvalue()


def projects() -> list[PbProject]:
    return list(db.session.execute(db.select(PbProject).order_by(PbProject.id)).scalars())


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*")) if folder.exists() else []


def post(client, process, data, photo: tuple[bytes, str] | None = None):
    if photo is not None:
        data = {**data, "photo": (io.BytesIO(photo[0]), photo[1])}
    return client.post(
        f"/procesos/{process.id}/proyectos/nuevo", data=data, content_type="multipart/form-data"
    )


# --- proposing -----------------------------------------------------------------------------


def test_a_resident_proposes_a_project_with_a_photo_stripped_of_its_metadata(
    client, pb, resident, uploads, colonias
):
    original = image_bytes(exif=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test has teeth
    data = proposal(
        ballot(pb, "Norte"),
        colonia_id=str(colonias["Lomas"].id),
        latitude="20,6597",
        longitude="-103.3496",
    )
    response = post(client, pb, data, (original, "foto.jpg"))

    assert response.status_code == 302
    (project,) = projects()
    assert response.headers["Location"].endswith(f"/procesos/{pb.id}/proyectos/{project.id}")
    assert project.status is ProjectStatus.PROPOSED
    assert (project.author_id, project.estimated_cost, project.cost) == (resident.id, 150_000, None)
    assert (project.colonia_id, project.latitude, project.longitude) == (
        colonias["Lomas"].id,
        20.6597,
        -103.3496,
    )
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", project.photo)
    (saved,) = files(uploads)
    assert saved.name == project.photo
    stored = Image.open(saved)
    assert stored.format == "JPEG"
    assert max(stored.size) == 1600
    assert not stored.getexif()
    assert "exif" not in stored.info

    served = client.get(f"/procesos/{pb.id}/proyectos/fotos/{project.photo}")
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.cache_control.max_age >= 30 * 24 * 3600
    page = client.get(f"/procesos/{pb.id}/proyectos/{project.id}").get_data(as_text=True)
    assert f'alt="{project.title}"' in page
    assert "You proposed this project." in page


def test_a_png_with_transparency_becomes_a_jpeg(client, pb, resident, uploads):
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    response = post(client, pb, proposal(ballot(pb, "Municipio")), (out.getvalue(), "a.png"))
    assert response.status_code == 302
    (saved,) = files(uploads)
    assert Image.open(saved).format == "JPEG"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"estimated_cost": "0"}, "estimated_cost"),
        ({"estimated_cost": "mucho"}, "estimated_cost"),
        ({"estimated_cost": "150000.50"}, "estimated_cost"),
        ({"estimated_cost": "200001"}, "estimated_cost"),  # above the Norte ballot's amount
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"category": "x" * 81}, "category"),
        ({"latitude": "95", "longitude": "-103"}, "latitude"),
        ({"latitude": "20.6", "longitude": "-200"}, "longitude"),
        ({"latitude": "20.6"}, "latitude"),
        ({"latitude": "norte", "longitude": "-103"}, "latitude"),
    ],
)
def test_bad_proposals_are_refused_beside_the_field_and_store_nothing(
    client, pb, resident, uploads, fields, field
):
    data = proposal(ballot(pb, "Norte"), **fields)
    response = post(client, pb, data, (image_bytes(), "foto.jpg"))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert projects() == []
    assert files(uploads) == []


def test_a_colonia_outside_the_zone_of_the_ballot_is_refused(client, pb, resident, colonias):
    data = proposal(ballot(pb, "Norte"), colonia_id=str(colonias["Sauces"].id))
    response = post(client, pb, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="colonia_id-error"' in page and "Choose a colonia of this ballot" in page
    assert projects() == []


def pillow_gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        ((b"this is only text, not a photo\n" * 50, "foto.jpg"), "not a photo we can read"),
        ((b"\xff\xd8\xff\xe0" + b"\x00" * 500, "foto.jpg"), "not a photo we can read"),
        ((image_bytes()[:2000], "cortada.jpg"), "not a photo we can read"),
        ((image_bytes() + b"\x00" * (5 * 1024 * 1024), "grande.jpg"), "at most 5 MB"),
        ((pillow_gif(), "animada.gif"), "Upload the photo as JPEG, PNG or WebP."),
    ],
    ids=["text-renamed", "fake-header", "truncated", "oversized", "gif"],
)
def test_bad_photos_are_refused_and_leave_no_file_and_no_project(
    client, pb, resident, uploads, photo, message
):
    response = post(client, pb, proposal(ballot(pb, "Municipio")), photo)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="photo-error"' in page
    assert message in page
    assert projects() == []
    assert files(uploads) == []


def test_a_request_above_the_upload_limit_gets_the_error_page(client, pb, resident, uploads):
    big = (b"\x00" * (9 * 1024 * 1024), "enorme.jpg")
    response = post(client, pb, proposal(ballot(pb, "Municipio")), big)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'class="site-header"' in page and "413" in page  # the app's own error page
    assert projects() == []


def test_a_resident_of_another_zone_cannot_propose_in_the_zone_ballot(client, make, pb, colonias):
    other = make.user(Role.CITIZEN, colonia=colonias["Sauces"])
    login(client, other.email)
    form = client.get(f"/procesos/{pb.id}/proyectos/nuevo").get_data(as_text=True)
    assert "Municipio" in form and "Norte (" not in form  # only the ballots they may use
    response = post(client, pb, proposal(ballot(pb, "Norte"), estimated_cost="1000"))
    assert response.status_code == 400
    assert "This ballot is for residents of another zone." in response.get_data(as_text=True)
    assert projects() == []


def test_proposals_wait_for_the_announcement_and_stop_when_voting_opens(client, pb, resident):
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    response = post(client, pb, proposal(ballot(pb, "Municipio")))
    assert response.status_code == 409
    assert "not taking project proposals" in response.get_data(as_text=True)
    pb.status = ProcessStatus.DRAFT
    db.session.commit()
    assert post(client, pb, proposal(ballot(pb, "Municipio"))).status_code == 404
    assert projects() == []


def test_a_ballot_closed_to_proposals_refuses_them(client, pb, resident):
    norte = ballot(pb, "Norte")
    norte.proposals_open = False
    db.session.commit()
    response = post(client, pb, proposal(norte))
    assert response.status_code == 400
    assert "This ballot is not taking project proposals now." in response.get_data(as_text=True)
    ballot(pb, "Municipio").proposals_open = False
    db.session.commit()
    response = post(client, pb, proposal(ballot(pb, "Municipio")))
    assert response.status_code == 409
    assert projects() == []


def test_staff_without_a_curp_cannot_propose_as_residents(client, make, pb):
    login(client, make.user(Role.STAFF).email)
    response = post(client, pb, proposal(ballot(pb, "Municipio")))
    assert response.status_code == 409
    assert "Only residents registered" in response.get_data(as_text=True)
    assert projects() == []


def test_anonymous_people_are_sent_to_log_in_to_propose(client, pb):
    response = client.get(f"/procesos/{pb.id}/proyectos/nuevo")
    assert response.status_code == 302
    assert "/cuenta/entrar" in response.headers["Location"]


def test_proposing_works_with_csrf_protection_on(csrf_app, make):
    colonias = make.territory()
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO)
    city = PbBallot(process_id=process.id, name="Municipio", amount=900_000, proposals_open=True)
    db.session.add(city)
    db.session.commit()
    client = csrf_app.test_client()
    user = make.user(Role.CITIZEN, colonia=colonias["Sauces"])
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login_data = {"email": user.email, "password": "contraseña-segura", "csrf_token": token}
    client.post("/cuenta/entrar", data=login_data)
    url = f"/procesos/{process.id}/proyectos/nuevo"
    assert client.post(url, data=proposal(city)).status_code == 400  # no token
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url, data={**proposal(city), "csrf_token": token}).status_code == 302
    assert len(projects()) == 1


# --- the process page ----------------------------------------------------------------------


def test_the_process_page_invites_to_propose_while_announced(client, pb, make, colonias):
    url = f"/procesos/{pb.id}"
    anonymous = client.get(url).get_data(as_text=True)
    assert "Log in to propose a project" in anonymous
    assert f"/procesos/{pb.id}/proyectos/" in anonymous
    login(client, make.user(Role.CITIZEN, colonia=colonias["Centro"]).email)
    assert f'href="/procesos/{pb.id}/proyectos/nuevo"' in client.get(url).get_data(as_text=True)
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Propose a project" not in page
    assert f"/procesos/{pb.id}/proyectos/" in page


# --- the public list -------------------------------------------------------------------------


def add(ballot_: PbBallot, title: str, status=ProjectStatus.PROPOSED, **fields) -> PbProject:
    fields.setdefault("estimated_cost", 10_000)
    project = PbProject(ballot_id=ballot_.id, title=title, status=status, **fields)
    db.session.add(project)
    db.session.commit()
    return project


@pytest.fixture
def listed(pb):
    city, norte = ballot(pb, "Municipio"), ballot(pb, "Norte")
    add(city, "Parque lineal", ProjectStatus.FEASIBLE, category="Parques", cost=80_000)
    add(city, "Bacheo de avenida", ProjectStatus.UNFEASIBLE, category="Calles")
    add(norte, "Parque de bolsillo", category="Parques", estimated_cost=45_000)
    return pb


def titles(client, process, query="") -> set[str]:
    page = client.get(f"/procesos/{process.id}/proyectos/{query}").get_data(as_text=True)
    return {t for t in ("Parque lineal", "Bacheo de avenida", "Parque de bolsillo") if t in page}


def test_the_public_list_filters_by_ballot_category_status_and_title(client, listed):
    everything = {"Parque lineal", "Bacheo de avenida", "Parque de bolsillo"}
    norte = ballot(listed, "Norte")
    assert titles(client, listed) == everything
    assert titles(client, listed, f"?boleta={norte.id}") == {"Parque de bolsillo"}
    assert titles(client, listed, "?categoria=Parques") == {"Parque lineal", "Parque de bolsillo"}
    assert titles(client, listed, "?estado=feasible") == {"Parque lineal"}
    assert titles(client, listed, "?estado=unfeasible") == {"Bacheo de avenida"}
    assert titles(client, listed, "?estado=proposed") == {"Parque de bolsillo"}
    assert titles(client, listed, "?q=PARQUE") == {"Parque lineal", "Parque de bolsillo"}
    assert titles(client, listed, "?q=%25") == set()  # a wildcard is searched as text
    assert titles(client, listed, "?estado=inventado&boleta=x") == everything


def test_cards_show_the_reviewed_cost_or_the_estimate(client, listed):
    page = client.get(f"/procesos/{listed.id}/proyectos/").get_data(as_text=True)
    assert "$80,000" in page
    assert re.search(r"\$45,000 <span class=\"help\">\(estimated\)", page)


def test_a_draft_process_has_no_public_list(client, make):
    draft = make.process(ProcessStatus.DRAFT, type=ProcessType.PRESUPUESTO)
    assert client.get(f"/procesos/{draft.id}/proyectos/").status_code == 404
    consulta = make.process(ProcessStatus.OPEN)
    assert client.get(f"/procesos/{consulta.id}/proyectos/").status_code == 404


def test_a_project_of_another_process_is_not_found(client, make, listed):
    other = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO)
    project = projects()[0]
    assert client.get(f"/procesos/{listed.id}/proyectos/{project.id}").status_code == 200
    assert client.get(f"/procesos/{other.id}/proyectos/{project.id}").status_code == 404
    assert client.get(f"/procesos/{listed.id}/proyectos/99999").status_code == 404


def test_photos_are_served_only_by_their_random_name_and_process(client, make, listed, uploads):
    project = projects()[0]
    project.photo = "a" * 32 + ".jpg"
    db.session.commit()
    uploads.mkdir(parents=True)
    (uploads / project.photo).write_bytes(image_bytes())
    (uploads.parent / "secret.txt").write_text("no")
    base = f"/procesos/{listed.id}/proyectos/fotos"
    assert client.get(f"{base}/{project.photo}").status_code == 200
    assert client.get(f"{base}/{'b' * 32}.jpg").status_code == 404  # no such project photo
    assert client.get(f"{base}/..%2Fsecret.txt").status_code == 404
    other = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO)
    assert client.get(f"/procesos/{other.id}/proyectos/fotos/{project.photo}").status_code == 404
