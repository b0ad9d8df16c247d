"""Every page of the URL map, read by every role: no attribute says "None", and every CSV
download says its charset once.

The routes and their URLs are those of the authorisation matrix (the demo world of
tests/hardening/world.py), so a new page is read here the day it is added.
"""

import html
import json
import re

import pytest

from tests.hardening.test_authorisation_matrix import ROLES, build_url, routes

NONE_ATTRIBUTE = re.compile(r'\s[\w-]+="None"')


def _get_pages(world, role):
    """(endpoint, url, response) of every GET route as `role` sees it, its body read."""
    for rule, method in routes(world.app):
        if method != "GET":
            continue
        url = build_url(world, rule)
        with world.client(role).get(url) as response:
            response.get_data()  # a streamed body is read before its context closes
        yield rule.endpoint, url, response
        world.written()  # a read that folded aggregates: the world is put back


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_no_page_has_an_attribute_that_reads_none(world, role):
    pages = 0
    for endpoint, url, response in _get_pages(world, role):
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        pages += 1
        found = NONE_ATTRIBUTE.findall(response.get_data(as_text=True))
        assert not found, f"{endpoint} ({url}) as {role}: {found}"
    assert pages > 20  # the crawl really read pages


def test_every_csv_download_names_its_charset_once(world):
    seen = set()
    for role in ("admin", "staff", "council", None):
        for endpoint, url, response in _get_pages(world, role):
            if response.mimetype != "text/csv":
                continue
            seen.add(endpoint)
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8", (endpoint, url)
    # The public and office downloads, at least: a CSV that stopped being one shows here.
    assert {
        "results.aggregate_csv",
        "works_public.priorities_csv",
        "audit_public.checkpoints_csv",
        "council_operations.export",
        "advice.export",
        "office_requests.export",
    } <= seen


def test_filters_of_feminine_nouns_offer_todas(world):
    """Colonias, categorías, boletas, fuentes and delegaciones are feminine: "Todas"."""
    ids = world.world.ids
    pages = {
        f"/procesos/{ids['budget']}/proyectos/": ("boleta", "categoria"),
        "/gestion/administracion/obras/exportar": ("colonia", "fondo", "categoria"),
        "/obras/": ("delegacion",),
    }
    for url, selects in pages.items():
        page = world.client("staff").get(url).get_data(as_text=True)
        for name in selects:
            select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
            assert select, (url, name)
            first = re.search(r'<option[^>]*value=""[^>]*>(\w+)</option>', select.group())
            assert first and first.group(1) == "Todas", (url, name)


# Numbers as a reader sees them (participa/core/numbers.py): "3,000", "$1,250,000", "31.5%".
TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S)
CHART_DATA = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)
JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
BAD_NUMBERS = {
    "a space before %": re.compile(r"\d[ \u00a0\u202f]%"),
    "a percentage with .0": re.compile(r"\d\.0%"),
    "a percentage with two decimals": re.compile(r"\d\.\d\d+%"),
    "pesos with .00": re.compile(r"\$[\d,]+\.00(?!\d)"),
    # A count of 1,000 or more without its comma; a year (19xx, 20xx) stands alone as it is.
    "a number without grouping": re.compile(
        r"(?<![\w.,:/#-])(?:\d{5,}|(?!(?:19|20)\d\d(?!\d))\d{4})(?![\w.,:/-])"
    ),
}


def bad_numbers(page: str) -> list[str]:
    """The badly written numbers of a page's text and of its charts' labels."""
    texts = [html.unescape(TAGS.sub(" ", page))]
    for data in CHART_DATA.findall(page):
        texts += [json.loads(f'"{s}"') for s in JSON_STRING.findall(data)]
    return [
        f"{name}: …{text[max(m.start() - 30, 0) : m.end() + 10]}…"
        for text in texts
        for name, pattern in BAD_NUMBERS.items()
        for m in pattern.finditer(text)
    ]


def test_bad_numbers_are_found():
    """The check itself: each way of writing a number wrong is caught, the right ones pass."""
    for wrong in ("55 %", "31.0%", "31.52%", "$4,101.00", "3000 personas", "12400", "1234"):
        assert bad_numbers(f"<p>{wrong}</p>"), wrong
    chart = '<script type="application/json">{"text": ["55 %"]}</script>'
    assert bad_numbers(chart)
    for right in ("55%", "31.5%", "$4,101.50", "$4,101", "3,000 personas", "2026", "CURP ABCD1234"):
        assert not bad_numbers(f"<p>{right}</p>"), right


@pytest.mark.parametrize("role", ("council", "staff", None), ids=lambda r: r or "anonymous")
def test_numbers_are_written_one_way_on_every_page(world, role):
    found = {}
    for endpoint, url, response in _get_pages(world, role):
        page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        if response.status_code == 200 and (bad := bad_numbers(page)):
            found[f"{endpoint} ({url})"] = bad[:3]
    assert not found
