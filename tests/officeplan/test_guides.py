"""Rights and how to take part: seeded pages, public reading, versions, history and restore."""

import pytest

from participa.auth.models import Role
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.officeplan import guides
from participa.officeplan.guide_texts import default_pages
from participa.officeplan.models import GuidePage, GuideVersion
from participa.processes.types import TYPE_LABELS, ProcessStatus, ProcessType
from tests.factories import login


@pytest.fixture
def seeded(app):
    return guides.seed_defaults(utcnow())


def versions(slug: str) -> list[tuple]:
    page = guides.by_slug(slug)
    return [(v.number, v.title, v.author_id) for v in page.versions]


def test_the_seed_makes_one_page_per_mechanism_and_one_on_rights_once(seeded, runner):
    assert seeded == len(TYPE_LABELS) + 1
    types = set(db.session.execute(db.select(GuidePage.process_type)).scalars())
    assert types == {t.value for t in ProcessType} | {None}
    result = runner.invoke(args=["guides-seed"])
    assert "0 guide pages created." in result.output
    assert (
        db.session.execute(db.select(db.func.count()).select_from(GuideVersion)).scalar() == seeded
    )


def test_the_default_texts_quote_no_article_numbers():
    for page in default_pages():
        assert "artículo" not in page.body.lower() and "art." not in page.body.lower()


def test_anyone_reads_the_pages_from_the_main_menu(client, seeded):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/como-participar/"' in home and 'href="/derechos"' in home
    rights = client.get("/derechos").get_data(as_text=True)
    assert "Tus derechos de participación ciudadana" in rights
    index = client.get("/como-participar/").get_data(as_text=True)
    assert "Presupuesto participativo" in index
    page = client.get("/como-participar/presupuesto-participativo")
    assert page.status_code == 200 and "<strong>Cómo participar:</strong>" in page.get_data(
        as_text=True
    )
    assert client.get("/como-participar/no-existe").status_code == 404


def test_a_process_page_links_to_its_mechanisms_page(client, make, seeded):
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO, title="PB 2027")
    html = client.get(f"/procesos/{process.id}").get_data(as_text=True)
    assert 'href="/como-participar/presupuesto-participativo"' in html
    assert html.count("/como-participar/presupuesto-participativo") == 1  # once, two components


def test_staff_save_versions_and_restore_an_old_one(client, make, seeded):
    staff = make.user(Role.STAFF)
    login(client, staff.email)
    url = "/gestion/guias/derechos"
    form = {"title": "Tus derechos", "body": "Texto **nuevo**."}
    assert client.post(url, data=form).status_code == 302
    assert "<strong>nuevo</strong>" in client.get("/derechos").get_data(as_text=True)
    same = client.post(url, data=form)
    assert same.status_code == 400 and "Nothing changed" in same.get_data(as_text=True)
    empty = client.post(url, data={"title": "Tus derechos", "body": "  "})
    assert empty.status_code == 400 and "(at most 20,000 characters)" in empty.get_data(
        as_text=True
    )
    assert [n for n, _t, _a in versions("derechos")] == [1, 2]
    history = client.get(url).get_data(as_text=True)
    assert "Version 1" in history and staff.name in history
    old = client.get(f"{url}/v1").get_data(as_text=True)
    assert "Tus derechos de participación ciudadana" in old and "Restore this version" in old
    assert client.post(f"{url}/v1/restaurar").status_code == 302
    assert versions("derechos") == [
        (1, "Tus derechos de participación ciudadana", None),
        (2, "Tus derechos", staff.id),
        (3, "Tus derechos de participación ciudadana", staff.id),
    ]
    assert "Texto" not in client.get("/derechos").get_data(as_text=True).split("<article")[1]


@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.COUNCIL])
def test_only_staff_edit_the_pages(client, make, seeded, role):
    if role:
        login(client, make.user(role).email)
    assert client.get("/gestion/guias/").status_code == (302 if role is None else 403)
    response = client.post("/gestion/guias/derechos", data={"title": "X", "body": "Y"})
    assert response.status_code in (302, 401, 403)
    assert client.post("/gestion/guias/derechos/v1/restaurar").status_code in (302, 401, 403)
    assert versions("derechos") == [(1, "Tus derechos de participación ciudadana", None)]
