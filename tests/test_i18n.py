"""The Spanish catalog is complete and correct, and the site speaks Spanish by default.

Spanish (Mexico) is the language residents see first, so every interface string must have a
translation. When this test fails after adding interface text, run `make extract-messages`,
translate the new entries in participa/translations/es_MX/LC_MESSAGES/messages.po (no fuzzy or
empty ones) and run the tests again.
"""

import os
import re
import tempfile
from pathlib import Path

import flask_babel
import pytest
from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
CATALOG_DIR = ROOT / "participa" / "translations" / "es_MX" / "LC_MESSAGES"
PO_PATH = CATALOG_DIR / "messages.po"
MO_PATH = CATALOG_DIR / "messages.mo"

# The same keywords as `make extract-messages` (-k _l -k lazy_gettext), plus the lazy plural
# and the lazy form with a context ("feminine" for "Todas").
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}

# A printf-style placeholder: %(name)s, %s, %d, %.2f…; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<kind>[diouxXeEfFgGcrsa%])"
)


def _method_map():
    """The extraction methods and options of babel.cfg, read with Babel's own parser."""
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with BABEL_CFG.open(encoding="utf-8") as handle:
        return parse(handle, str(BABEL_CFG))


def _source_messages() -> dict:
    """Every translatable message in the source tree: (msgid, context) -> (ids, locations)."""
    method_map, options_map = _method_map()
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        if not ids[0]:
            continue
        key = (ids[0], context)
        _, where = found.setdefault(key, (ids, []))
        where.append(f"{filename}:{lineno}")
    return found


def _catalog():
    with PO_PATH.open("rb") as handle:
        return read_po(handle, locale="es_MX")


def _placeholders(text: str) -> list[str]:
    return sorted(
        f"%({m['name']}){m['kind']}" if m["name"] else f"%{m['kind']}"
        for m in PLACEHOLDER.finditer(text)
        if m["kind"] != "%"
    )


@pytest.fixture(scope="session")
def compiled_catalog():
    """Compile messages.mo when it is missing or older than messages.po (`make` does it too)."""
    if MO_PATH.exists() and MO_PATH.stat().st_mtime >= PO_PATH.stat().st_mtime:
        return MO_PATH
    catalog = _catalog()
    fd, tmp = tempfile.mkstemp(dir=CATALOG_DIR, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog)
        os.chmod(tmp, 0o644)  # as `pybabel compile` leaves it, not mkstemp's 0600
        os.replace(tmp, MO_PATH)  # atomic: a parallel reader never sees half a file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return MO_PATH


def test_catalog_header_has_spanish_plural_rule():
    catalog = _catalog()
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"


def test_every_interface_string_has_a_spanish_translation():
    source = _source_messages()
    assert len(source) > 100, "extraction found almost nothing: check babel.cfg"
    catalog = _catalog()
    problems = []
    for (msgid, context), (ids, where) in sorted(source.items(), key=lambda item: item[0][0]):
        entry = catalog.get(msgid, context=context)
        forms = () if entry is None else entry.string
        forms = forms if isinstance(forms, tuple) else (forms,)
        if entry is None:
            reason = "missing"
        elif entry.fuzzy:
            reason = "fuzzy"
        elif len(ids) > 1 and not entry.pluralizable:
            reason = "needs plural forms (msgid_plural)"
        elif not all(forms) or len(forms) < (catalog.num_plurals if len(ids) > 1 else 1):
            reason = "empty translation"
        else:
            continue
        problems.append(f"{reason}: {msgid!r} ({', '.join(where[:3])})")
    assert not problems, (
        f"{len(problems)} interface strings lack a Spanish translation in {PO_PATH.name}; "
        "run `make extract-messages` and translate them:\n" + "\n".join(problems)
    )


def test_translations_keep_the_placeholders():
    mismatches = []
    for entry in _catalog():
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for index, form in enumerate(forms):
            if not form:
                continue
            expected = _placeholders(ids[min(index, len(ids) - 1)])
            if _placeholders(form) != expected:
                mismatches.append(f"{ids[0]!r} -> {form!r}: expected {expected}")
    assert not mismatches, "placeholders differ from the msgid:\n" + "\n".join(mismatches)


def _page(client, path: str = "/") -> str:
    """GET a page as a fresh request would see it.

    The `app` fixture keeps one application context open for the whole test, so Flask reuses it,
    and its `g`, for every test-client request; Flask-Babel caches the locale and translations
    on `g`. In production each request has a context of its own; here the cache is dropped.
    """
    flask_babel.refresh()
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, "the page has no <html lang>"
    return match.group(1)


@pytest.mark.usefixtures("compiled_catalog")
def test_home_is_in_spanish_by_default(client):
    page = _page(client)
    assert _html_lang(page) == "es-MX"
    assert "Registrarse" in page
    assert "Aviso de privacidad" in page
    assert ">Register<" not in page


@pytest.mark.usefixtures("compiled_catalog")
def test_language_switch_to_english_and_back(client):
    response = client.post("/idioma", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    page = _page(client)
    assert _html_lang(page) == "en"
    assert "Register" in page
    assert "Registrarse" not in page

    client.post("/idioma", data={"lang": "es_MX"})
    page = _page(client)
    assert _html_lang(page) == "es-MX"
    assert "Registrarse" in page


@pytest.mark.usefixtures("compiled_catalog")
@pytest.mark.parametrize("value", ["fr", "es", "EN", ""])
def test_unknown_language_is_refused_and_changes_nothing(client, value):
    assert client.post("/idioma", data={"lang": value}).status_code == 400
    with client.session_transaction() as session:
        assert "lang" not in session
    page = _page(client)
    assert _html_lang(page) == "es-MX"
    assert "Registrarse" in page

    client.post("/idioma", data={"lang": "en"})
    assert client.post("/idioma", data={"lang": value}).status_code == 400
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    page = _page(client)
    assert _html_lang(page) == "en"
    assert "Register" in page
    assert "Registrarse" not in page
