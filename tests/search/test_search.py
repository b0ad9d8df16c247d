"""The public search: accents and capitals do not matter, only public rows are found."""

import re

import pytest
import sqlalchemy as sa

from participa.core import searchtext
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.types import ProcessStatus
from participa.proposals import services as proposal_services
from participa.proposals.models import ProposalStatus
from participa.search import services
from participa.works.models import WorkStatus
from tests.conftest import ON_POSTGRES
from tests.factories import login


def found(client, query: str, **args) -> str:
    response = client.get("/buscar", query_string={"q": query, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def hit_lists(page: str) -> str:
    return "".join(re.findall(r'<ul class="search-hits">.*?</ul>', page, re.S))


def titles(page: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', hit_lists(page))


def test_normalizing_drops_accents_and_capitals_and_folds_enye():
    assert searchtext.normalize("  SEMÁFORO  en   la  Niñez ") == "semaforo en la ninez"
    assert searchtext.normalize("Pingüino ÁRBOL") == "pinguino arbol"
    assert searchtext.terms("¿Semáforo? semáforo, «escuela»") == ["semaforo", "escuela"]
    assert len(searchtext.terms(" ".join(f"w{n}" for n in range(20)))) == searchtext.MAX_TERMS


@pytest.mark.parametrize("query", ["semaforo", "SEMÁFORO", "Semáforo", "semáforos", "  semaf  "])
def test_every_spelling_finds_the_proposal(client, world, query):
    process = world.initiative()
    proposal = world.proposal(process)  # "Semáforo en la escuela"
    page = found(client, query)
    assert titles(page) == ["Semáforo en la escuela"]
    assert f'href="/procesos/{process.id}/propuestas/{proposal.id}"' in page
    # The process's own list of proposals matches the same way.
    listed = client.get(f"/procesos/{process.id}/propuestas/", query_string={"q": query})
    assert "Semáforo en la escuela" in listed.get_data(as_text=True)


def test_every_word_must_match(client, world):
    process = world.initiative()
    world.proposal(process)
    assert titles(found(client, "escuela semáforo")) == ["Semáforo en la escuela"]
    assert titles(found(client, "semáforo hospital")) == []


def test_enye_is_folded_both_ways(client, world):
    process = world.initiative()
    world.proposal(process, title="Parque para niños", body="Juegos.")
    assert titles(found(client, "ninos")) == ["Parque para niños"]
    assert titles(found(client, "NIÑO")) == ["Parque para niños"]


def test_each_kind_is_found_and_links_to_its_public_page(client, world):
    process = world.initiative(title="Iniciativa del semáforo peatonal")
    world.proposal(process)
    world.project("Semáforos en la avenida")
    world.event("Asamblea vecinal", place="Glorieta del Semáforo")
    world.work("Cruce seguro", directorate="Semáforos y Señales")
    page = found(client, "semaforo")
    assert len(titles(page)) == 5, titles(page)
    for href in re.findall(r'<li><a href="([^"]+)"', hit_lists(page)):
        assert client.get(href).status_code == 200, href


def test_nothing_the_public_pages_hide_is_found(client, world):
    draft = world.initiative(title="Borrador del semáforo")
    open_ = world.initiative()
    world.proposal(draft, title="Semáforo en borrador")
    draft.status = ProcessStatus.DRAFT
    hidden = world.proposal(open_, title="Semáforo escondido")
    hidden.visibility = Visibility.HIDDEN
    pending = world.proposal(open_, title="Semáforo por aprobar")
    pending.status = ProposalStatus.PENDING
    db.session.commit()
    world.project("Semáforo de un borrador", status=ProcessStatus.DRAFT)
    world.event("Semáforo en una asamblea en borrador", status=ProcessStatus.DRAFT)
    world.work("Semáforo no aprobado", approved=False)
    world.work("Semáforo candidato", status=WorkStatus.CANDIDATE)
    page = found(client, "semaforo")
    assert titles(page) == []
    assert page.count("Nothing found.") == len(services.KINDS)


def test_percent_and_underscore_are_taken_literally(client, world):
    process = world.initiative()
    world.proposal(process, title="Descuento del 50% en el predial")
    world.proposal(process, title="Plantar 500 árboles")
    world.proposal(process, title="Clave ab_cd")
    world.proposal(process, title="Clave abxcd")
    assert titles(found(client, "50%")) == ["Descuento del 50% en el predial"]
    assert titles(found(client, "ab_cd")) == ["Clave ab_cd"]


def test_a_bad_query_gets_a_clear_message_and_no_results(client, world):
    world.proposal(world.initiative())
    too_long = found(client, "semaforo " * 12)
    assert "Type at most 100 characters to search." in too_long
    assert 'aria-invalid="true"' in too_long and "Semáforo en la escuela" not in too_long
    assert "Type at least one letter or number to search." in found(client, "%%% ___")
    empty = found(client, "   ")
    assert "Accents and capitals do not matter" in empty and "Nothing found." not in empty


def test_the_overview_is_bounded_and_each_kind_pages(client, world):
    process = world.initiative()
    for n in range(services.OVERVIEW + 2):
        world.proposal(process, title=f"Semáforo número {n}")
    page = found(client, "semaforo")
    assert len(titles(page)) == services.OVERVIEW
    assert "See every result in Proposals (7)" in page
    every = found(client, "semaforo", tipo="propuestas")
    assert len(titles(every)) == services.OVERVIEW + 2
    assert client.get("/buscar?q=semaforo&tipo=propuestas&pagina=2").status_code == 404
    assert client.get("/buscar?q=semaforo&tipo=propuestas&pagina=x").status_code == 400


def test_edits_keep_the_search_text(client, world):
    process = world.initiative()
    author = world.kit.resident(email="autora@example.org")
    proposal = world.proposal(process, author=author)
    data = world.kit.data(title="Banqueta rota", body="Frente al mercado.")
    proposal_services.edit_proposal(proposal, author, data, now=proposal.created_at)
    assert titles(found(client, "banqueta")) == ["Banqueta rota"]
    assert titles(found(client, "semaforo")) == []
    process.title = "Consulta sobre el Tianguis"
    db.session.commit()
    assert titles(found(client, "TIANGUIS")) == ["Consulta sobre el Tianguis"]


def test_the_header_has_the_search_box_on_every_page(client, make):
    page = client.get("/").get_data(as_text=True)
    form = re.search(r'<form class="site-search"[^>]*>.*?</form>', page, re.S).group(0)
    assert 'role="search"' in form and 'action="/buscar"' in form and 'method="get"' in form
    assert 'type="search"' in form and 'name="q"' in form and 'for="site-search-q"' in form
    user = make.user()
    login(client, user.email)
    assert 'class="site-search"' in client.get("/procesos/").get_data(as_text=True)


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's full-text index")
def test_postgresql_uses_the_full_text_index(app, world):
    process = world.initiative()
    world.proposal(process)
    kind = services.BY_KEY["propuestas"]
    query = db.select(kind.model.id).where(
        searchtext.matching(kind.model.search_text, ["semaforos"])
    )
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(connection.execute(sa.text(f"EXPLAIN {sql}")).scalars())
        assert "ix_proposal_search" in plan, plan
        rows = connection.execute(sa.text(sql)).scalars().all()
    assert len(rows) == 1


def test_reindex_rewrites_text_changed_outside_the_app(client, world, runner):
    process = world.initiative()
    proposal = world.proposal(process)
    db.session.execute(
        sa.update(type(proposal)).where(type(proposal).id == proposal.id).values(search_text="")
    )
    db.session.commit()
    assert titles(found(client, "semaforo")) == []
    result = runner.invoke(args=["search-reindex"])
    assert result.exit_code == 0, result.output
    assert "proposal: 1 rows rewritten" in result.output
    assert titles(found(client, "semaforo")) == ["Semáforo en la escuela"]


def test_the_projects_list_matches_without_accents_too(client, world):
    project = world.project("Semáforos en la avenida", description="Cruce de la Secundaria")
    url = f"/procesos/{project.ballot.process_id}/proyectos/"
    assert "Semáforos en la avenida" in client.get(url, query_string={"q": "SEMAFORO"}).text
    assert "Semáforos en la avenida" in client.get(url, query_string={"q": "secundaria"}).text
    assert "Semáforos en la avenida" not in client.get(url, query_string={"q": "hospital"}).text


def test_the_search_is_rate_limited_per_address(database):
    app = database(RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="2/minute")
    with app.app_context():
        client = app.test_client()
        answers = [client.get("/buscar?q=semaforo") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        db.session.remove()
