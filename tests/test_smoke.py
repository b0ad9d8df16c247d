"""The app starts and its main public pages answer."""

from participa.processes.types import ProcessStatus


def test_home_lists_open_processes(client, make):
    make.consultation(title="Consulta abierta de prueba")
    make.process(ProcessStatus.DRAFT, title="Borrador oculto")
    page = client.get("/").get_data(as_text=True)
    assert "Consulta abierta de prueba" in page
    assert "Borrador oculto" not in page


def test_home_lists_open_processes_before_announced_ones(client, make):
    make.consultation(title="Abierta primero")
    make.process(ProcessStatus.PUBLISHED, title="Anunciada después")
    page = client.get("/").get_data(as_text=True)
    assert page.index("Abierta primero") < page.index("Anunciada después")


def test_every_page_leads_to_the_public_follow_up_of_works_and_the_council(client):
    footer = client.get("/").get_data(as_text=True).split("<footer", 1)[1]
    assert 'href="/obras/"' in footer and "Seguimiento de obras" in footer
    assert 'href="/cmpc/"' in footer
